//! Any bytes, as a WAV, FLAC, MP3 or OGG file (chosen by the first byte):
//! decoding only (fast, so it reaches millions of inputs). Must never panic;
//! decoded samples must be finite.
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
    let path = std::env::temp_dir().join(format!("emo-fuzz-d-{}.{ext}", std::process::id()));
    if std::fs::write(&path, body).is_err() {
        return;
    }
    let read = emo_audio::ReadOptions {
        max_seconds: Some(600.0),
        ..Default::default()
    };
    if let Ok(a) = emo_audio::read_audio_with(&path, &read) {
        assert!(a.samples.iter().all(|v| v.is_finite()));
    }
});
