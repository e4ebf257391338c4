//! The segmentation flags `extract` and `classify` share.

use emo_segment::VadOptions;

/// Voice-activity detection parameters (docs/segmentation.md describes each).
#[derive(clap::Args, Clone, Debug)]
pub struct VadArgs {
    /// VAD: a frame is active this many dB above the noise floor.
    #[arg(long, default_value_t = VadOptions::default().margin_db, value_name = "DB")]
    vad_margin: f64,
    /// VAD: frames quieter than this (dB re full scale) are never active.
    #[arg(long, default_value_t = VadOptions::default().min_level_dbfs, value_name = "DBFS", allow_hyphen_values = true)]
    vad_min_level: f64,
    /// VAD: the noise floor is taken over this many past seconds.
    #[arg(long, default_value_t = VadOptions::default().floor_window, value_name = "S")]
    vad_floor_window: f64,
    /// VAD: the noise floor is this percentile of the window's frame levels.
    #[arg(long, default_value_t = VadOptions::default().floor_percentile, value_name = "P")]
    vad_floor_percentile: f64,
    /// VAD: voicing probability above which a frame counts as voiced.
    #[arg(long, default_value_t = VadOptions::default().voicing, value_name = "P")]
    vad_voicing: f64,
    /// VAD: a segment needs this much voiced audio, else it is dropped as noise.
    #[arg(long, default_value_t = VadOptions::default().min_voiced, value_name = "S")]
    vad_min_voiced: f64,
    /// VAD: seconds kept before the first and after the last active frame.
    #[arg(long, default_value_t = VadOptions::default().hangover, value_name = "S")]
    vad_hangover: f64,
    /// VAD: segments shorter than this are dropped.
    #[arg(long, default_value_t = VadOptions::default().min_speech, value_name = "S")]
    vad_min_speech: f64,
    /// VAD: a segment closes after this much inactivity; shorter pauses are bridged.
    #[arg(long, default_value_t = VadOptions::default().min_pause, value_name = "S")]
    vad_min_pause: f64,
    /// VAD: longer segments are split at their quietest frame.
    #[arg(long, default_value_t = VadOptions::default().max_segment, value_name = "S")]
    vad_max_segment: f64,
}

impl VadArgs {
    pub fn options(&self) -> anyhow::Result<VadOptions> {
        let o = VadOptions {
            margin_db: self.vad_margin,
            min_level_dbfs: self.vad_min_level,
            floor_window: self.vad_floor_window,
            floor_percentile: self.vad_floor_percentile,
            voicing: self.vad_voicing,
            min_voiced: self.vad_min_voiced,
            hangover: self.vad_hangover,
            min_speech: self.vad_min_speech,
            min_pause: self.vad_min_pause,
            max_segment: self.vad_max_segment,
        };
        o.check().map_err(|e| anyhow::anyhow!("--vad-*: {e}"))?;
        Ok(o)
    }
}

/// Whether the input is `-`, a stream on stdin: it must then be the only
/// input, and `--raw` (which describes such a stream) is refused without it.
pub fn reads_stdin(inputs: &[std::path::PathBuf], raw_given: bool) -> anyhow::Result<bool> {
    if inputs.iter().any(|p| p.as_os_str() == "-") {
        if inputs.len() > 1 {
            anyhow::bail!("- (audio from stdin) must be the only input");
        }
        return Ok(true);
    }
    if raw_given {
        anyhow::bail!("--raw describes audio on stdin: give - as the input");
    }
    Ok(false)
}
