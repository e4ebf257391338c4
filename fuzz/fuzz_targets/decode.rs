//! Any bytes, as a WAV, FLAC, MP3 or OGG file (chosen by the first byte):
//! decoding only (fast, so it reaches millions of inputs). Must never panic;
//! decoded samples must be finite.
#![no_main]
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    let Some(path) = common::as_audio_file(data, "d") else {
        return;
    };
    let read = emo_audio::ReadOptions {
        max_seconds: Some(600.0),
        ..Default::default()
    };
    if let Ok(a) = emo_audio::read_audio_with(&path, &read) {
        assert!(a.samples.iter().all(|v| v.is_finite()));
    }
});
