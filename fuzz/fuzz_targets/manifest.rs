//! Any bytes as a corpus manifest and as a speaker list: a corpus or a clear
//! error, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = std::env::temp_dir().join(format!("emo-fuzz-{}.csv", std::process::id()));
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let _ = emo_corpus::read_manifest(&path);
    let _ = emo_corpus::read_speaker_list(&path);
    let _ = emo_features::table::FeatureTable::read_csv(&path);
});
