//! The eGeMAPS v02 low-level descriptors (Eyben et al. 2016, "The Geneva
//! Minimalistic Acoustic Parameter Set (GeMAPS) for Voice Research and
//! Affective Computing", IEEE Trans. Affective Computing 7(2)), frame for
//! frame as openSMILE 3.x computes them. docs/egemaps.md walks through the chain.

pub mod functionals;
pub mod quirks;
pub mod source;
pub mod spectral;

use emo_dsp::pitch_viterbi::TrackedPitch;
pub use spectral::{SpectralBranch, SpectralFrame};

use emo_dsp::smoothing::moving_average3;
use emo_dsp::FrameGeometry;

/// The 25 eGeMAPS v02 LLD names in openSMILE's order: ten spectral contours
/// smoothed over all frames (`_sma3`) and fifteen source contours smoothed over
/// voiced frames only (`_sma3nz`).
pub const LLD_NAMES: [&str; 25] = [
    "Loudness_sma3",
    "alphaRatio_sma3",
    "hammarbergIndex_sma3",
    "slope0-500_sma3",
    "slope500-1500_sma3",
    "spectralFlux_sma3",
    "mfcc1_sma3",
    "mfcc2_sma3",
    "mfcc3_sma3",
    "mfcc4_sma3",
    "F0semitoneFrom27.5Hz_sma3nz",
    "jitterLocal_sma3nz",
    "shimmerLocaldB_sma3nz",
    "HNRdBACF_sma3nz",
    "logRelF0-H1-H2_sma3nz",
    "logRelF0-H1-A3_sma3nz",
    "F1frequency_sma3nz",
    "F1bandwidth_sma3nz",
    "F1amplitudeLogRelF0_sma3nz",
    "F2frequency_sma3nz",
    "F2bandwidth_sma3nz",
    "F2amplitudeLogRelF0_sma3nz",
    "F3frequency_sma3nz",
    "F3bandwidth_sma3nz",
    "F3amplitudeLogRelF0_sma3nz",
];
/// Of [`LLD_NAMES`], the spectral ones (smoothed over every frame).
pub const N_SPECTRAL: usize = 10;

/// The LLD contours of one recording.
#[derive(Debug, Clone)]
pub struct Llds {
    /// 25 columns in [`LLD_NAMES`] order, each `rows` long.
    pub columns: Vec<Vec<f32>>,
    /// The same 25 descriptors before smoothing: the spectral ones for every
    /// 20 ms frame, the voice ones for every 60 ms frame.
    pub raw: Vec<Vec<f32>>,
    /// Mean square of every raw 20 ms frame (for the equivalent sound level).
    pub energy: Vec<f32>,
    /// Where openSMILE's voice smoothing splits at the end of the input
    /// ([`quirks::smooth_voice_contour`]).
    pub split: Option<usize>,
    /// Frame step in seconds.
    pub step_sec: f64,
    /// Length of the LLD level's (20 ms) frames in seconds, the frame length
    /// openSMILE reports for each LLD row.
    pub frame_sec: f64,
}

impl Llds {
    pub fn rows(&self) -> usize {
        self.columns.first().map_or(0, Vec::len)
    }
}

/// Why extraction failed.
#[derive(Debug, thiserror::Error)]
pub enum EgemapsError {
    #[error("sample rate {0} Hz is outside the supported range 8000-384000 Hz")]
    SampleRate(u32),
}

/// The frame geometries of eGeMAPS at a rate: 20 ms Hamming frames for the
/// spectral contours and 60 ms Gaussian frames for the source contours, both
/// every 10 ms. Below 8 kHz the 0-5 kHz analysis bands do not exist.
pub fn geometries(sample_rate: u32) -> Result<(FrameGeometry, FrameGeometry), EgemapsError> {
    if !(8000..=384_000).contains(&sample_rate) {
        return Err(EgemapsError::SampleRate(sample_rate));
    }
    Ok((
        FrameGeometry::new(spectral::FRAME_SEC, 0.010, sample_rate),
        FrameGeometry::new(0.060, 0.010, sample_rate),
    ))
}

/// Number of LLD rows openSMILE writes for `len` samples: one per 60 ms frame,
/// plus the one its smoothers add at the end; none when no 60 ms frame fits.
pub fn row_count(len: usize, g60: FrameGeometry) -> usize {
    match g60.count(len) {
        0 => 0,
        n => n + 1,
    }
}

/// The analysers of a rate: their tables (resampling, spline, filterbank) are
/// built once per process and shared; each call gets clones with their own
/// scratch.
fn analyzers(
    rate: u32,
    g20: FrameGeometry,
    g60: FrameGeometry,
) -> (SpectralBranch, emo_dsp::pitch::PitchAnalyzer) {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    type Cache = HashMap<u32, (SpectralBranch, emo_dsp::pitch::PitchAnalyzer)>;
    static CACHE: OnceLock<Mutex<Cache>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    // a poisoned lock only means another thread panicked while inserting
    let mut map = cache.lock().unwrap_or_else(|e| e.into_inner());
    // many rates in one batch must not grow the cache without bound
    if map.len() >= 16 && !map.contains_key(&rate) {
        map.clear();
    }
    map.entry(rate)
        .or_insert_with(|| (SpectralBranch::new(g20), source::pitch_analyzer(g60)))
        .clone()
}

/// Runs the whole eGeMAPS LLD chain on mono samples held in memory.
pub fn extract(samples: &[f32], sample_rate: u32) -> Result<Llds, EgemapsError> {
    let (g20, g60) = geometries(sample_rate)?;
    let rows = row_count(samples.len(), g60);
    let mut raw: Vec<Vec<f32>> = vec![Vec::new(); LLD_NAMES.len()];

    let (mut branch, mut pitch) = analyzers(sample_rate, g20, g60);
    let mut formants = Vec::new();
    let mut energy = Vec::new();
    let mut spectral = |f: SpectralFrame, frame: &[f32], raw: &mut Vec<Vec<f32>>| {
        energy.push(source::mean_square(frame));
        let values = [
            f.loudness,
            f.alpha_ratio,
            f.hammarberg,
            f.slope_0_500,
            f.slope_500_1500,
            f.flux,
            f.mfcc[0],
            f.mfcc[1],
            f.mfcc[2],
            f.mfcc[3],
        ];
        for (c, v) in raw.iter_mut().zip(values) {
            c.push(v);
        }
        formants.push(f.formants);
    };
    let n20 = g20.count(samples.len());
    let mut k = 0;
    while k + 4 <= n20 {
        let frames: [&[f32]; 4] = std::array::from_fn(|l| g20.frame(samples, 0, k + l));
        for (f, frame) in branch.analyse4(frames).into_iter().zip(frames) {
            spectral(f, frame, &mut raw);
        }
        k += 4;
    }
    for k in k..n20 {
        let frame = g20.frame(samples, 0, k);
        spectral(branch.analyse(frame), frame, &mut raw);
    }

    // each 60 ms frame's voice descriptors once the tracker has decided its
    // F0 (a few frames later); only the magnitudes of undecided frames are kept
    let mut tracker = source::F0Tracker::default();
    let mut tracked = Vec::new();
    let mut voice = source::VoiceAnalyzer::new(g60, sample_rate);
    let mut pending: std::collections::VecDeque<Vec<f32>> = Default::default();
    let no_formants = emo_dsp::formants::Formants::default();
    let mut voice_rows = |tracked: &[TrackedPitch],
                          pending: &mut std::collections::VecDeque<Vec<f32>>,
                          raw: &mut Vec<Vec<f32>>| {
        let done = raw[N_SPECTRAL].len();
        for (k, t) in tracked.iter().enumerate().skip(done) {
            let mag = pending.pop_front().unwrap_or_default();
            let fm = formants.get(k).unwrap_or(&no_formants);
            let v = voice.analyse(t.f0, &mag, fm, samples);
            let values = [
                emo_dsp::pitch_viterbi::semitones_from_27_5_hz(t.f0),
                v.jitter_local,
                v.shimmer_db,
                v.hnr_db,
                v.h1_h2,
                v.h1_a3,
            ];
            for (c, val) in raw[N_SPECTRAL..].iter_mut().zip(values) {
                c.push(val);
            }
            for i in 0..3 {
                let col = N_SPECTRAL + 6 + 3 * i;
                raw[col].push(fm.frequency.get(i).copied().unwrap_or(0.0) as f32);
                raw[col + 1].push(fm.bandwidth.get(i).copied().unwrap_or(0.0) as f32);
                raw[col + 2].push(v.formant_levels[i]);
            }
        }
    };
    let n60 = g60.count(samples.len());
    let mut windowed = vec![0.0f32; g60.size];
    let mut k = 0;
    // four frames at a time where possible: the spline runs on the four side
    // by side, with results identical to one at a time
    while k + 4 <= n60 {
        let frames: [&[f32]; 4] = std::array::from_fn(|l| g60.frame(samples, 0, k + l));
        let cands = pitch.analyse4(frames);
        for (l, c) in cands.into_iter().enumerate() {
            emo_dsp::window::apply_window(frames[l], pitch.window(), &mut windowed);
            pending.push_back(pitch.last_lanes()[l].clone());
            tracker.push(c, source::rms(&windowed), &mut tracked);
            voice_rows(&tracked, &mut pending, &mut raw);
        }
        k += 4;
    }
    for k in k..n60 {
        let c = pitch.analyse(g60.frame(samples, 0, k));
        let (windowed, mag) = pitch.last_frame();
        pending.push_back(mag.to_vec());
        tracker.push(c, source::rms(windowed), &mut tracked);
        voice_rows(&tracked, &mut pending, &mut raw);
    }
    let decided_before_flush = tracked.len();
    tracker.finish(&mut tracked);
    voice_rows(&tracked, &mut pending, &mut raw);
    let split = decided_before_flush.checked_sub(1);
    let columns = raw
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i < N_SPECTRAL {
                moving_average3(c, rows)
            } else {
                quirks::smooth_voice_contour(c, rows, split)
            }
        })
        .collect();
    Ok(Llds {
        columns,
        raw,
        energy,
        split,
        step_sec: g60.step as f64 / f64::from(sample_rate),
        frame_sec: g20.size as f64 / f64::from(sample_rate),
    })
}
