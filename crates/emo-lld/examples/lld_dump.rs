//! Writes the frame-level contours of one file as CSV (for development checks).
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let audio = emo_audio::read_audio(std::path::Path::new(&args[1])).expect("read");
    let mut s = emo_lld::Settings::default();
    if args.get(2).map(String::as_str) == Some("compat") {
        s.feature_set = emo_lld::FeatureSet::Is10Compat;
    }
    s.quirks = emo_lld::Quirks::opensmile3();
    let c = emo_lld::extract(&audio.samples, audio.sample_rate, &s).expect("extract");
    let names = emo_lld::lld_base_names();
    let mut head = vec!["frameTime".to_string()];
    head.extend(names.iter().map(|n| emo_lld::contour_name(n, "_sma")));
    head.extend(names.iter().map(|n| emo_lld::contour_name(n, "_sma_de")));
    println!("{}", head.join(","));
    for r in 0..c.n60 + 2 {
        let mut row = vec![format!("{}", r as f64 * c.step_sec)];
        for col in &c.sma {
            row.push(col.get(r).map(|v| v.to_string()).unwrap_or_default());
        }
        for col in &c.delta {
            row.push(col[r].to_string());
        }
        println!("{}", row.join(","));
    }
}
