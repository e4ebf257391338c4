//! Any bytes, as a WAV, FLAC, MP3 or OGG file (chosen by the first byte):
//! decoding and, when it decodes, the whole IS10 extraction. Must never panic;
//! features, when produced, must be finite.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // as the CLI does: a decoder panic emo-audio catches is not a crash; any
    // other panic still aborts (libFuzzer's hook)
    static QUIET: std::sync::Once = std::sync::Once::new();
    QUIET.call_once(emo_audio::quiet_decoder_panics);
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let ext = ["wav", "flac", "mp3", "ogg"][usize::from(pick % 4)];
    let dir = std::env::temp_dir();
    let path = dir.join(format!("emo-fuzz-{}.{ext}", std::process::id()));
    if std::fs::write(&path, body).is_err() {
        return;
    }
    // short inputs only: the fuzzer looks for parser bugs, not long signals
    let read = emo_audio::ReadOptions {
        max_seconds: Some(1.0),
        ..Default::default()
    };
    if let Ok(x) = emo_features::extract_file(&path, &emo_lld::Settings::default(), &read) {
        assert!(x.features.iter().all(|v| v.is_finite()));
    }
});
