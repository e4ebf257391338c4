//! The IS10 low-level descriptor chain: raw samples to the 38 smoothed
//! contours (`*_sma`) and their deltas (`*_sma_de`), frame for frame as openSMILE
//! 3.x computes them.
//!
//! Two framings run side by side at a 10 ms step: 25 ms Hamming-windowed,
//! pre-emphasised frames for loudness, MFCC, log mel bands and LSPs, and 60 ms
//! Gaussian-windowed frames for pitch (subharmonic summation), voicing, jitter and
//! shimmer. docs/is10.md walks through every block.
// Index loops mirror the formulas they implement (x[n−i], x[n+i]).
#![allow(clippy::needless_range_loop)]

pub mod jitter;
pub mod pitch;
pub mod quirks;
pub mod settings;
pub mod spectral;

use emo_dsp::delta::{delta_in_segments, delta_regression, SegmentNorm};
use emo_dsp::smoothing::{moving_average3, moving_average3_nonzero};
use emo_dsp::FrameGeometry;
pub use quirks::{LoudnessMode, Quirks};
use settings::Variant;
pub use settings::{FeatureSet, Settings};
use spectral::{LPC_ORDER, N_LOGMEL, N_MFCC};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// Number of contours in the first group (functionals over all frames).
pub const GROUP1: usize = 34;
/// Number of contours in the pitch group (functionals over voiced frames).
pub const GROUP2: usize = 4;
/// All contours.
pub const N_LLD: usize = GROUP1 + GROUP2;

/// Base names of the 38 contours in output order (without `_sma`).
pub fn lld_base_names() -> Vec<String> {
    let mut v = vec!["pcm_loudness".to_string()];
    v.extend((0..N_MFCC).map(|i| format!("mfcc[{i}]")));
    v.extend((0..N_LOGMEL).map(|i| format!("logMelFreqBand[{i}]")));
    v.extend((0..LPC_ORDER).map(|i| format!("lspFreq[{i}]")));
    v.extend(
        [
            "F0finEnv",
            "voicingFinalUnclipped",
            "F0final",
            "jitterLocal",
            "jitterDDP",
            "shimmerLocal",
        ]
        .map(String::from),
    );
    v
}

/// Name of contour `i` with a suffix (`_sma` or `_sma_de`) placed before any
/// array index, as openSMILE writes it: `mfcc_sma_de[3]`.
pub fn contour_name(base: &str, suffix: &str) -> String {
    match base.find('[') {
        Some(p) => format!("{}{}{}", &base[..p], suffix, &base[p..]),
        None => format!("{base}{suffix}"),
    }
}

/// The contours of one recording.
#[derive(Debug, Clone)]
pub struct Contours {
    /// 38 smoothed contours, each `n60` frames long.
    pub sma: Vec<Vec<f32>>,
    /// 38 delta contours, each `n60 + 2` frames long.
    pub delta: Vec<Vec<f32>>,
    /// F0final before smoothing (`n60 − 1` frames), for the turn features.
    pub f0_final: Vec<f32>,
    /// Number of complete 60 ms frames.
    pub n60: usize,
    /// Frame step in seconds (S/fs).
    pub step_sec: f64,
}

impl Contours {
    /// Frames the functionals see: openSMILE computes them before its window
    /// processors flush, i.e. over the first `n60 − 3` frames.
    pub fn functional_frames(&self) -> usize {
        self.n60.saturating_sub(3)
    }
}

/// Why extraction failed.
#[derive(Debug, thiserror::Error)]
pub enum LldError {
    #[error("sample rate {0} Hz is outside the supported range 1000-384000 Hz")]
    SampleRate(u32),
}

/// Analyzers depend only on the rate and settings; their tables (LPC resampling,
/// spline) are built once per process and shared, each call gets its own scratch.
fn analyzers(
    rate: u32,
    settings: &Settings,
    v: &Variant,
    g25: FrameGeometry,
    g60: FrameGeometry,
) -> (spectral::SpectralAnalyzer, pitch::PitchAnalyzer) {
    type Cache = HashMap<(u32, Settings), (spectral::SpectralAnalyzer, pitch::PitchAnalyzer)>;
    static CACHE: OnceLock<Mutex<Cache>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    // A poisoned lock only means another thread panicked while inserting; the
    // map itself is still consistent.
    let mut map = cache.lock().unwrap_or_else(|e| e.into_inner());
    // A batch of files at many different rates must not grow the cache without
    // bound; analyzers in use are clones and unaffected by clearing.
    const MAX_CACHED: usize = 16;
    if map.len() >= MAX_CACHED && !map.contains_key(&(rate, *settings)) {
        map.clear();
    }
    map.entry((rate, *settings))
        .or_insert_with(|| {
            (
                spectral::SpectralAnalyzer::new(g25, v.symmetric_padding, settings.quirks.loudness),
                pitch::PitchAnalyzer::new(g60, v),
            )
        })
        .clone()
}

/// Runs the whole LLD chain on mono samples.
pub fn extract(
    samples: &[f32],
    sample_rate: u32,
    settings: &Settings,
) -> Result<Contours, LldError> {
    if !(1000..=384_000).contains(&sample_rate) {
        return Err(LldError::SampleRate(sample_rate));
    }
    let v = Variant::of(settings.feature_set);
    let g25 = FrameGeometry::new(0.025, 0.010, sample_rate);
    let g60 = FrameGeometry::new(0.060, 0.010, sample_rate);
    let n25 = g25.count(samples.len());
    let n60 = g60.count(samples.len());

    // 25 ms branch: enough frames for the 60 ms level and one beyond it.
    let n_spec = n25.min(n60 + 1);
    let (mut spectral, mut pitch) = analyzers(sample_rate, settings, &v, g25, g60);
    let mut group1: Vec<Vec<f32>> = (0..GROUP1).map(|_| Vec::with_capacity(n_spec)).collect();
    let mut frames = Vec::with_capacity(n_spec);
    let mut k = 0;
    while k + 4 <= n_spec {
        let f = |i| g25.frame(samples, k + i);
        frames.extend(spectral.analyse4([f(0), f(1), f(2), f(3)]));
        k += 4;
    }
    for k in k..n_spec {
        frames.push(spectral.analyse(g25.frame(samples, k)));
    }
    for f in frames {
        group1[0].push(f.loudness);
        for (i, &m) in f.mfcc.iter().enumerate() {
            group1[1 + i].push(m);
        }
        for (i, &m) in f.log_mel.iter().enumerate() {
            group1[1 + N_MFCC + i].push(m);
        }
        for (i, &m) in f.lsp.iter().enumerate() {
            group1[1 + N_MFCC + N_LOGMEL + i].push(m);
        }
    }

    // 60 ms branch: candidates, smoother (one frame behind), jitter.
    let mut best: Vec<(f32, f32)> = Vec::with_capacity(n60);
    let mut k = 0;
    while k + 4 <= n60 {
        let f = |i| g60.frame(samples, k + i);
        for c in pitch.analyse4([f(0), f(1), f(2), f(3)]) {
            best.push((c.f0[0], c.voicing[0]));
        }
        k += 4;
    }
    for k in k..n60 {
        let c = pitch.analyse(g60.frame(samples, k));
        best.push((c.f0[0], c.voicing[0]));
    }
    let smoothed = pitch::smooth_pitch(&best, v.voicing_cutoff);
    let f0_final: Vec<f32> = smoothed.iter().map(|s| s.f0_final).collect();
    group1[32] = smoothed.iter().map(|s| s.f0_envelope).collect();
    group1[33] = smoothed.iter().map(|s| s.voicing).collect();
    let jit = jitter::jitter_shimmer(
        samples,
        &f0_final,
        &jitter::JitterOptions {
            sample_rate,
            frame_len: g60.size,
            step: g60.step,
            search_range: v.jitter_search_range,
            broken_threshold: settings.quirks.broken_jitter_threshold,
        },
    );
    let group2: Vec<Vec<f32>> = vec![
        f0_final.clone(),
        jit.iter().map(|j| j.jitter_local).collect(),
        jit.iter().map(|j| j.jitter_ddp).collect(),
        jit.iter().map(|j| j.shimmer_local).collect(),
    ];

    // Smoothing: n60 rows; each column repeats its own last frame past its end.
    let rows = n60;
    let mut sma: Vec<Vec<f32>> = group1.iter().map(|c| moving_average3(c, rows)).collect();
    for c in &group2 {
        sma.push(if v.pitch_sma_skips_zeros {
            moving_average3_nonzero(c, rows)
        } else {
            moving_average3(c, rows)
        });
    }
    // Deltas: n60 + 2 rows.
    let drows = rows + 2;
    let mut delta: Vec<Vec<f32>> = sma[..GROUP1]
        .iter()
        .map(|c| delta_regression(c, 2, drows))
        .collect();
    if v.pitch_delta_in_segments {
        let norm = if settings.quirks.growing_pitch_delta_norm {
            SegmentNorm::Accumulating
        } else {
            SegmentNorm::PerFrame
        };
        delta.extend(delta_in_segments(&sma[GROUP1..], 2, drows, norm));
    } else {
        delta.extend(sma[GROUP1..].iter().map(|c| delta_regression(c, 2, drows)));
    }
    Ok(Contours {
        sma,
        delta,
        f0_final,
        n60,
        step_sec: g60.step as f64 / f64::from(sample_rate),
    })
}
