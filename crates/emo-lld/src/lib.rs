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

pub mod activity;
pub use emo_dsp::jitter;
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
use std::cell::RefCell;
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
    /// Length of the LLD level's (25 ms) frames in seconds (N/fs), the frame
    /// length openSMILE reports for each LLD row.
    pub frame_sec: f64,
}

impl Contours {
    /// Frames the functionals see: openSMILE computes them before its window
    /// processors flush, i.e. over the first `n60 − 3` frames.
    pub fn functional_frames(&self) -> usize {
        self.n60.saturating_sub(3)
    }

    /// Start of LLD row `r` in seconds, as openSMILE stamps it: `r·S/fs`; the
    /// two rows the deltas add past the last frame repeat its time.
    pub fn frame_time(&self, r: usize) -> f64 {
        r.min(self.n60.saturating_sub(1)) as f64 * self.step_sec
    }
}

/// Why extraction failed.
#[derive(Debug, thiserror::Error)]
pub enum LldError {
    #[error("sample rate {0} Hz is outside the supported range 1000-384000 Hz")]
    SampleRate(u32),
}

type Analyzers = (spectral::SpectralAnalyzer, pitch::PitchAnalyzer);
/// Analyzers with the rate and settings they were made for.
type Keyed = ((u32, Settings), Analyzers);

thread_local! {
    /// The analyzers of the last extractor this thread finished, with their
    /// rate and settings: the next file of a batch takes them over instead of
    /// copying new ones (their scratch is written before it is read, so what
    /// it holds from the last file never reaches a result).
    // (boxed: a library loaded into Python has little static TLS to spare)
    static SPARE: RefCell<Option<Box<Keyed>>> = const { RefCell::new(None) };
}

/// Analyzers depend only on the rate and settings; their tables (LPC resampling,
/// spline) are built once per process and shared, each call gets its own scratch
/// (this thread's spare one, or a copy).
fn analyzers(
    rate: u32,
    settings: &Settings,
    v: &Variant,
    g25: FrameGeometry,
    g60: FrameGeometry,
) -> Analyzers {
    let key = (rate, *settings);
    if let Some(spare) = SPARE.with(|s| s.borrow_mut().take_if(|b| b.0 == key)) {
        return spare.1;
    }
    type Cache = HashMap<(u32, Settings), Analyzers>;
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
                pitch::pitch_analyzer(g60, v),
            )
        })
        .clone()
}

/// Runs the whole LLD chain on mono samples held in memory.
pub fn extract(
    samples: &[f32],
    sample_rate: u32,
    settings: &Settings,
) -> Result<Contours, LldError> {
    let mut x = Extractor::new(sample_rate, settings)?;
    // in blocks, so the extractor's window stays small
    for block in samples.chunks(1 << 16) {
        x.push(block);
    }
    Ok(x.finish())
}

/// The LLD chain as a stream: samples go in block by block ([`Extractor::push`]),
/// each frame is analysed as soon as its samples are in, and only the samples
/// later frames still need are kept, so memory grows with the number of frames
/// (38 contours) and not with the audio. Any split into blocks gives the same
/// contours, bit for bit, as one block.
pub struct Extractor {
    settings: Settings,
    sample_rate: u32,
    v: Variant,
    g25: FrameGeometry,
    g60: FrameGeometry,
    spectral: spectral::SpectralAnalyzer,
    pitch: pitch::PitchAnalyzer,
    smoother: pitch::PitchSmoother,
    jitter: jitter::JitterTracker,
    /// Samples from absolute index `buf_start` on.
    buf: Vec<f32>,
    buf_start: usize,
    /// Samples pushed so far.
    total: usize,
    /// 25 ms frames analysed (columns 0..32 of `group1`).
    n25_done: usize,
    /// 60 ms frames analysed.
    n60_done: usize,
    group1: Vec<Vec<f32>>,
    f0_final: Vec<f32>,
    jit: [Vec<f32>; 3],
}

/// The two IS10 frame geometries at a rate: 25 ms and 60 ms frames every
/// 10 ms. Rates outside 1 kHz-384 kHz are refused.
pub(crate) fn is10_geometries(
    sample_rate: u32,
) -> Result<(FrameGeometry, FrameGeometry), LldError> {
    if !(1000..=384_000).contains(&sample_rate) {
        return Err(LldError::SampleRate(sample_rate));
    }
    Ok((
        FrameGeometry::new(0.025, 0.010, sample_rate),
        FrameGeometry::new(0.060, 0.010, sample_rate),
    ))
}

/// How many frames a level analyses at once from its next frame on, given
/// the batch sizes it has (descending, ending in 4 and 1) and `ready(n)`:
/// whether the next n frames can be taken. Eight or more while the recording
/// goes on (a later block completes the rest), then four and one at its end
/// (`eof`); 0: wait for more samples.
fn batch(eof: bool, sizes: &[usize], ready: impl Fn(usize) -> bool) -> usize {
    sizes
        .iter()
        .copied()
        .find(|&n| (n >= 8 || eof) && ready(n))
        .unwrap_or(0)
}

impl Extractor {
    pub fn new(sample_rate: u32, settings: &Settings) -> Result<Self, LldError> {
        let (g25, g60) = is10_geometries(sample_rate)?;
        let v = Variant::of(settings.feature_set);
        let (spectral, pitch) = analyzers(sample_rate, settings, &v, g25, g60);
        let jitter = jitter::JitterTracker::new(jitter::JitterOptions {
            sample_rate,
            frame_len: g60.size,
            step: g60.step,
            search_range: v.jitter_search_range,
            broken_threshold: settings.quirks.broken_jitter_threshold,
            delay_frames: 1,
        });
        Ok(Extractor {
            settings: *settings,
            sample_rate,
            smoother: pitch::PitchSmoother::new(v.voicing_cutoff),
            v,
            g25,
            g60,
            spectral,
            pitch,
            jitter,
            buf: Vec::new(),
            buf_start: 0,
            total: 0,
            n25_done: 0,
            n60_done: 0,
            group1: vec![Vec::new(); GROUP1],
            f0_final: Vec::new(),
            jit: Default::default(),
        })
    }

    /// Takes the next block of samples and analyses every frame it completes.
    pub fn push(&mut self, block: &[f32]) {
        self.buf.extend_from_slice(block);
        self.total += block.len();
        // no contour gets more rows than the 25 ms frames the samples so far
        // hold: room for them once per block, not growth frame by frame
        let rows = self.g25.count(self.total) + 1;
        let contours = self.group1.iter_mut().chain([&mut self.f0_final]);
        for c in contours.chain(self.jit.iter_mut()) {
            c.reserve(rows.saturating_sub(c.len()));
        }
        self.analyse(false);
        self.forget_used();
    }

    /// Whether frame `k` of a level has all its samples.
    fn complete(&self, g: FrameGeometry, k: usize) -> bool {
        k * g.step + g.size <= self.total
    }

    /// Analyses every complete frame; at the end of the recording (`eof`) also
    /// the jitter frames that read up to its last sample.
    fn analyse(&mut self, eof: bool) {
        // 25 ms level, frames side by side as `batch` says
        loop {
            let k = self.n25_done;
            let (buf, at, g) = (&self.buf, self.buf_start, self.g25);
            let f = |i| g.frame(buf, at, k + i);
            // 25 ms frame k is used only if 60 ms frame k − 1 exists (the
            // branch ends one frame beyond the 60 ms level): frames are taken
            // once that is known, so none is analysed in vain
            let needed = |j: usize| j == 0 || self.complete(self.g60, j - 1);
            let ready = |n: usize| needed(k + n - 1) && self.complete(g, k + n - 1);
            let frames: Vec<spectral::SpectralFrame> = match batch(eof, &[16, 8, 4, 1], ready) {
                16 => Vec::from(self.spectral.analyse16(std::array::from_fn(f))),
                8 => Vec::from(self.spectral.analyse8(std::array::from_fn(f))),
                4 => Vec::from(self.spectral.analyse4([f(0), f(1), f(2), f(3)])),
                1 => vec![self.spectral.analyse(f(0))],
                _ => break,
            };
            self.n25_done += frames.len();
            for f in frames {
                let g = &mut self.group1;
                g[0].push(f.loudness);
                for (i, &m) in f.mfcc.iter().enumerate() {
                    g[1 + i].push(m);
                }
                for (i, &m) in f.log_mel.iter().enumerate() {
                    g[1 + N_MFCC + i].push(m);
                }
                for (i, &m) in f.lsp.iter().enumerate() {
                    g[1 + N_MFCC + N_LOGMEL + i].push(m);
                }
            }
        }
        // 60 ms level: candidates, the smoother (one frame behind), jitter
        loop {
            let k = self.n60_done;
            let (buf, at, g) = (&self.buf, self.buf_start, self.g60);
            let f = |i| g.frame(buf, at, k + i);
            let ready = |n: usize| self.complete(g, k + n - 1);
            let cands: Vec<emo_dsp::shs::PitchCandidates> = match batch(eof, &[8, 4, 1], ready) {
                8 => Vec::from(self.pitch.analyse8(std::array::from_fn(f))),
                4 => Vec::from(self.pitch.analyse4([f(0), f(1), f(2), f(3)])),
                1 => vec![self.pitch.analyse(f(0))],
                _ => break,
            };
            self.n60_done += cands.len();
            for c in cands {
                if let Some(s) = self.smoother.push(c.f0[0], c.voicing[0]) {
                    self.f0_final.push(s.f0_final);
                    self.group1[32].push(s.f0_envelope);
                    self.group1[33].push(s.voicing);
                }
            }
        }
        while self.jit[0].len() < self.f0_final.len()
            && (eof || self.jitter.needs_until() <= self.total)
        {
            let f = self.f0_final[self.jit[0].len()];
            let j = self.jitter.analyse(f, &self.buf, self.buf_start);
            self.jit[0].push(j.jitter_local);
            self.jit[1].push(j.jitter_ddp);
            self.jit[2].push(j.shimmer_local);
        }
    }

    /// Drops samples no frame will read again.
    fn forget_used(&mut self) {
        let keep = (self.n25_done * self.g25.step)
            .min(self.n60_done * self.g60.step)
            .min(self.jitter.needs_from());
        emo_dsp::framing::forget_before(&mut self.buf, &mut self.buf_start, keep);
    }

    /// Ends the recording: analyses what is left and smooths the contours.
    pub fn finish(mut self) -> Contours {
        self.analyse(true);
        let key = (self.sample_rate, self.settings);
        let analyzers = (self.spectral, self.pitch);
        SPARE.with(|s| *s.borrow_mut() = Some(Box::new((key, analyzers))));
        self.buf = Vec::new();
        let (v, settings) = (self.v, self.settings);
        let n60 = self.g60.count(self.total);
        // 25 ms branch: the 60 ms level's frames and one beyond (`analyse`
        // takes no other)
        debug_assert_eq!(self.n25_done, self.g25.count(self.total).min(n60 + 1));
        let group1 = std::mem::take(&mut self.group1);
        let f0_final = std::mem::take(&mut self.f0_final);
        let [jl, jddp, sh] = std::mem::take(&mut self.jit);
        let group2 = [f0_final.clone(), jl, jddp, sh];

        // Smoothing: n60 rows; each column repeats its own last frame past its
        // end. Raw columns are dropped as soon as they are smoothed.
        let rows = n60;
        let mut sma: Vec<Vec<f32>> = group1
            .into_iter()
            .map(|c| moving_average3(&c, rows))
            .collect();
        for c in group2 {
            sma.push(if v.pitch_sma_skips_zeros {
                moving_average3_nonzero(&c, rows)
            } else {
                moving_average3(&c, rows)
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
        Contours {
            sma,
            delta,
            f0_final,
            n60,
            step_sec: self.g60.step as f64 / f64::from(self.sample_rate),
            frame_sec: self.g25.size as f64 / f64::from(self.sample_rate),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three seconds of alternating voiced stretches (a pulse train with vibrato)
    /// and noise, so every block of the chain, jitter included, has work.
    fn speech_like(rate: u32) -> Vec<f32> {
        let mut state = 12345u32;
        (0..3 * rate as usize)
            .map(|n| {
                let t = n as f32 / rate as f32;
                state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                let noise = (state >> 8) as f32 / (1u32 << 24) as f32 - 0.5;
                if ((t * 2.0) as usize).is_multiple_of(2) {
                    let f0 = 140.0 + 20.0 * (t * 5.0).sin();
                    let ph = (t * f0).fract();
                    0.5 * (-(ph * 10.0)).exp() + 0.01 * noise
                } else {
                    0.05 * noise
                }
            })
            .collect()
    }

    fn contours_in_blocks(x: &[f32], rate: u32, set: FeatureSet, sizes: &[usize]) -> Contours {
        let settings = Settings {
            feature_set: set,
            ..Settings::default()
        };
        let mut e = Extractor::new(rate, &settings).unwrap();
        let (mut at, mut i) = (0, 0);
        while at < x.len() {
            let n = sizes[i % sizes.len()].min(x.len() - at);
            e.push(&x[at..at + n]);
            at += n;
            i += 1;
        }
        e.finish()
    }

    #[test]
    fn any_split_into_blocks_gives_identical_contours() {
        for rate in [16000, 44100] {
            let x = speech_like(rate);
            for set in [FeatureSet::Is10, FeatureSet::Is10Compat] {
                let whole = contours_in_blocks(&x, rate, set, &[x.len()]);
                assert!(whole.f0_final.iter().any(|&f| f > 0.0), "no voiced frame");
                assert!(whole.sma[GROUP1 + 1].iter().any(|&j| j > 0.0), "no jitter");
                for sizes in [&[1usize, 7, 160, 999][..], &[4093], &[65536, 3]] {
                    let split = contours_in_blocks(&x, rate, set, sizes);
                    assert_eq!(split.sma, whole.sma, "{rate} Hz, {sizes:?}");
                    assert_eq!(split.delta, whole.delta, "{rate} Hz, {sizes:?}");
                    assert_eq!(split.f0_final, whole.f0_final);
                    assert_eq!(split.n60, whole.n60);
                }
            }
        }
    }

    #[test]
    fn a_spare_analyzer_gives_what_a_new_one_gives() {
        let rate = 16000;
        let a = speech_like(rate);
        let b: Vec<f32> = a.iter().rev().map(|v| 0.5 * v).collect();
        let settings = Settings::default();
        let new = |x: &[f32]| {
            SPARE.with(|s| s.borrow_mut().take());
            extract(x, rate, &settings).unwrap()
        };
        let (new_a, new_b) = (new(&a), new(&b));
        // each run leaves its analyzers to the next
        for (x, want) in [(&a, &new_a), (&b, &new_b), (&a, &new_a), (&b, &new_b)] {
            let got = extract(x, rate, &settings).unwrap();
            assert!(SPARE.with(|s| s.borrow().is_some()));
            assert_eq!(got.sma, want.sma);
            assert_eq!(got.delta, want.delta);
            assert_eq!(got.f0_final, want.f0_final);
        }
    }

    #[test]
    fn samples_held_stay_bounded_on_long_input() {
        let rate = 16000;
        let x = speech_like(rate);
        let mut e = Extractor::new(rate, &Settings::default()).unwrap();
        let mut most = 0;
        // ten minutes, fed in 20 ms blocks
        for _ in 0..200 {
            for block in x.chunks(320) {
                e.push(block);
                most = most.max(e.buf.len());
            }
        }
        // the drain threshold (2^16) twice over plus one 60 ms frame, never the
        // 9.6 million samples pushed
        assert!(most <= 2 * (1 << 16) + 2 * 960, "held {most} samples");
        assert_eq!(
            e.finish().n60,
            FrameGeometry::new(0.06, 0.01, rate).count(200 * x.len())
        );
    }
}
