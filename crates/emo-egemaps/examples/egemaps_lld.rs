//! Development aid: prints the eGeMAPS LLDs of a WAV file as CSV.
fn main() {
    let path = std::env::args().nth(1).expect("usage: egemaps_lld FILE");
    let a = emo_audio::read_audio(std::path::Path::new(&path)).expect("readable audio");
    let l = emo_egemaps::extract(&a.samples, a.sample_rate).expect("rate");
    println!("frameTime,{}", emo_egemaps::LLD_NAMES.join(","));
    for r in 0..l.rows() {
        let row: Vec<String> = l.columns.iter().map(|c| c[r].to_string()).collect();
        println!("{},{}", r as f64 * l.step_sec, row.join(","));
    }
}
