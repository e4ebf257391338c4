//! Development aid: the 88 functionals of WAV files as CSV.
fn main() {
    let names = emo_egemaps::functionals::names();
    println!("name,{}", names.join(","));
    for path in std::env::args().skip(1) {
        let a = emo_audio::read_audio(std::path::Path::new(&path)).expect("readable audio");
        let l = emo_egemaps::extract(&a.samples, a.sample_rate).expect("rate");
        let f = emo_egemaps::functionals::functionals(&l);
        let stem = std::path::Path::new(&path)
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .to_string();
        let v: Vec<String> = f.iter().map(|x| x.to_string()).collect();
        println!("{stem},{}", v.join(","));
    }
}
