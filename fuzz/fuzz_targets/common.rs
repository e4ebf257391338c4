//! What the audio fuzz targets share: the input as an audio file.

use std::path::PathBuf;

/// Writes the input, less its first byte, to a temporary file whose extension
/// (WAV, FLAC, MP3 or OGG) the first byte picks; `None` for empty input or an
/// unwritable file. Also keeps decoder panics that emo-audio catches off
/// stderr, as the CLI does: such a panic is not a crash; any other still aborts
/// (libFuzzer's hook).
pub fn as_audio_file(data: &[u8], tag: &str) -> Option<PathBuf> {
    static QUIET: std::sync::Once = std::sync::Once::new();
    QUIET.call_once(emo_audio::quiet_decoder_panics);
    let (&pick, body) = data.split_first()?;
    let ext = ["wav", "flac", "mp3", "ogg"][usize::from(pick % 4)];
    let path = std::env::temp_dir().join(format!("emo-fuzz-{tag}-{}.{ext}", std::process::id()));
    std::fs::write(&path, body).ok()?;
    Some(path)
}
