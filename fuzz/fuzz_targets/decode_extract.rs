//! Any bytes, as a WAV, FLAC, MP3 or OGG file (chosen by the first byte):
//! decoding and, when it decodes, the whole IS10 extraction. Must never panic;
//! features, when produced, must be finite.
#![no_main]
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    let Some(path) = common::as_audio_file(data, "x") else {
        return;
    };
    // short inputs only: the fuzzer looks for parser bugs, not long signals
    let read = emo_audio::ReadOptions {
        max_seconds: Some(1.0),
        ..Default::default()
    };
    if let Ok(x) = emo_features::extract_file(&path, &emo_lld::Settings::default(), &read) {
        assert!(x.features.iter().all(|v| v.is_finite()));
    }
});
