//! Development aid: prints the spectral contours of a WAV file as CSV.
fn main() {
    let path = std::env::args().nth(1).expect("usage: egemaps_lld FILE");
    let a = emo_audio::read_audio(std::path::Path::new(&path)).expect("readable audio");
    let cols = emo_egemaps::spectral_contours(&a.samples, a.sample_rate).expect("rate");
    let names: Vec<String> = emo_egemaps::SPECTRAL_NAMES
        .iter()
        .map(|n| format!("{n}_sma3"))
        .collect();
    println!("frameTime,{}", names.join(","));
    for r in 0..cols[0].len() {
        let row: Vec<String> = cols.iter().map(|c| c[r].to_string()).collect();
        println!("{},{}", r as f64 * 0.01, row.join(","));
    }
}
