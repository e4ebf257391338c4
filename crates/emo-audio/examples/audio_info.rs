//! Prints what emo-pipe decodes from a file (development aid).
fn main() {
    for p in std::env::args().skip(1) {
        match emo_audio::read_audio(std::path::Path::new(&p)) {
            Ok(a) => {
                let peak = a.samples.iter().fold(0.0f32, |m, v| m.max(v.abs()));
                println!(
                    "{p}: {} Hz, {} ch, {}, {} samples, peak {peak}, first {:?}",
                    a.sample_rate,
                    a.channels,
                    a.format,
                    a.samples.len(),
                    &a.samples[1000..1003]
                );
            }
            Err(e) => println!("{e}"),
        }
    }
}
