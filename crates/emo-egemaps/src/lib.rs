//! The eGeMAPS v02 low-level descriptors (Eyben et al. 2016, "The Geneva
//! Minimalistic Acoustic Parameter Set (GeMAPS) for Voice Research and
//! Affective Computing", IEEE Trans. Affective Computing 7(2)), frame for
//! frame as openSMILE 3.x computes them. docs/egemaps.md walks through the chain.

pub mod functionals;
pub mod gemaps;
pub mod quirks;
pub mod source;
pub mod spectral;

use emo_dsp::formants::{FormantSearch, Formants};
use emo_dsp::pitch_viterbi::TrackedPitch;
pub use spectral::{SpectralBranch, SpectralFrame};
use std::collections::VecDeque;

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
    /// The 25 descriptors before smoothing: the spectral ones for every 20 ms
    /// frame, the voice ones for every 60 ms frame. The formant frequencies
    /// and bandwidths of unvoiced frames are 0 here: the functionals never
    /// read them, and [`Llds::columns`] finds them only when asked.
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
    rows: usize,
    /// The LPC predictors of the unvoiced rows' 20 ms frames, by row.
    unvoiced_lpc: Vec<(usize, Vec<f32>)>,
    columns: std::sync::OnceLock<Vec<Vec<f32>>>,
}

impl Llds {
    /// Rows of the LLD level.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The 25 smoothed contours in [`LLD_NAMES`] order, each [`Llds::rows`]
    /// long, made on first use. Only they show the formants of unvoiced
    /// frames, so those are found here: one root search from unvoiced frame
    /// to unvoiced frame, in order, as the voiced frames have theirs.
    pub fn columns(&self) -> &[Vec<f32>] {
        self.columns.get_or_init(|| {
            let mut raw: Vec<std::borrow::Cow<[f32]>> = self
                .raw
                .iter()
                .map(|c| std::borrow::Cow::from(&c[..]))
                .collect();
            let mut search = FormantSearch::default();
            for (k, lpc) in &self.unvoiced_lpc {
                let fm = spectral::formants_of_lpc(lpc, &mut search);
                for i in 0..3 {
                    for (c, v) in (formant_column(i)..).zip(formant_pair(&fm, i)) {
                        if let Some(x) = raw[c].to_mut().get_mut(*k) {
                            *x = v;
                        }
                    }
                }
            }
            raw.iter()
                .enumerate()
                .map(|(i, c)| {
                    if i < N_SPECTRAL {
                        moving_average3(c, self.rows)
                    } else {
                        quirks::smooth_voice_contour(c, self.rows, self.split)
                    }
                })
                .collect()
        })
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
    let mut x = Extractor::new(sample_rate)?;
    // in blocks, so the extractor's window stays small
    for block in samples.chunks(1 << 16) {
        x.push(block);
    }
    Ok(x.finish())
}

/// The eGeMAPS LLD chain as a stream: samples go in block by block
/// ([`Extractor::push`]), each frame is analysed once its samples are in, and
/// only the samples later frames still read are kept, so memory grows with the
/// number of frames (25 contours) and not with the audio. Any split into blocks
/// gives the same contours, bit for bit, as one block.
pub struct Extractor {
    g20: FrameGeometry,
    g60: FrameGeometry,
    sample_rate: u32,
    branch: SpectralBranch,
    pitch: emo_dsp::pitch::PitchAnalyzer,
    tracker: source::F0Tracker,
    voice: source::VoiceAnalyzer,
    /// Samples from absolute index `buf_start` on.
    buf: Vec<f32>,
    buf_start: usize,
    /// Samples pushed so far.
    total: usize,
    /// 20 ms and 60 ms frames analysed.
    n20_done: usize,
    n60_done: usize,
    raw: Vec<Vec<f32>>,
    energy: Vec<f32>,
    /// LPC predictors of the 20 ms frames from index `lpc_start` on (earlier
    /// ones are dropped once their frame's voice row is written).
    lpcs: VecDeque<Vec<f32>>,
    lpc_start: usize,
    /// The root search of the voiced frames' formants (each starts from the
    /// previous voiced frame's roots).
    voiced_formants: FormantSearch,
    /// The predictors of unvoiced rows, whose formants only the LLD output
    /// shows ([`Llds::columns`]).
    unvoiced_lpc: Vec<(usize, Vec<f32>)>,
    /// F0 of 60 ms frames the tracker has decided whose voice row is not yet
    /// written.
    decided: VecDeque<TrackedPitch>,
    /// Magnitude spectra of the 60 ms frames without a voice row yet.
    mags: VecDeque<Vec<f32>>,
    /// Spectrum buffers whose voice row is written, for reuse.
    spare_mags: Vec<Vec<f32>>,
}

impl Extractor {
    pub fn new(sample_rate: u32) -> Result<Self, EgemapsError> {
        let (g20, g60) = geometries(sample_rate)?;
        let (branch, pitch) = analyzers(sample_rate, g20, g60);
        Ok(Extractor {
            g20,
            g60,
            sample_rate,
            branch,
            pitch,
            tracker: source::F0Tracker::default(),
            voice: source::VoiceAnalyzer::new(g60, sample_rate),
            buf: Vec::new(),
            buf_start: 0,
            total: 0,
            n20_done: 0,
            n60_done: 0,
            raw: vec![Vec::new(); LLD_NAMES.len()],
            energy: Vec::new(),
            lpcs: VecDeque::new(),
            lpc_start: 0,
            voiced_formants: FormantSearch::default(),
            unvoiced_lpc: Vec::new(),
            decided: VecDeque::new(),
            mags: VecDeque::new(),
            spare_mags: Vec::new(),
        })
    }

    /// Takes the next block of samples and analyses every frame it completes.
    pub fn push(&mut self, block: &[f32]) {
        self.buf.extend_from_slice(block);
        self.total += block.len();
        self.analyse(false);
        self.forget_used();
    }

    /// Samples held now (those later frames still read, up to twice the
    /// drain step of 2^16 plus a frame).
    pub fn held(&self) -> usize {
        self.buf.len()
    }

    /// Whether frame `k` of a level has all its samples.
    fn complete(&self, g: FrameGeometry, k: usize) -> bool {
        k * g.step + g.size <= self.total
    }

    /// Analyses every complete frame, four at a time where four are ready
    /// (results identical to one at a time); at the end of the recording
    /// (`eof`) also the last ones singly and the voice rows that read up to
    /// its last sample.
    fn analyse(&mut self, eof: bool) {
        loop {
            let (k, g) = (self.n20_done, self.g20);
            let (buf, at) = (&self.buf, self.buf_start);
            if self.complete(g, k + 3) {
                let frames: [&[f32]; 4] = std::array::from_fn(|l| g.frame(buf, at, k + l));
                let energies = source::mean_square4(frames);
                for (f, e) in self.branch.analyse4(frames).into_iter().zip(energies) {
                    spectral_row(&mut self.raw, &mut self.energy, &mut self.lpcs, f, e);
                }
                self.n20_done += 4;
            } else if eof && self.complete(g, k) {
                let frame = g.frame(buf, at, k);
                let f = self.branch.analyse(frame);
                let e = source::mean_square(frame);
                spectral_row(&mut self.raw, &mut self.energy, &mut self.lpcs, f, e);
                self.n20_done += 1;
            } else {
                break;
            }
        }
        loop {
            let (k, g) = (self.n60_done, self.g60);
            let (buf, at) = (&self.buf, self.buf_start);
            if self.complete(g, k + 3) {
                let frames: [&[f32]; 4] = std::array::from_fn(|l| g.frame(buf, at, k + l));
                let cands = self.pitch.analyse4(frames);
                let (windowed, mags) = self.pitch.last_lanes();
                let [w0, w1, w2, w3] = windowed;
                let energies = source::rms4([w0, w1, w2, w3]);
                for ((c, e), mag) in cands.into_iter().zip(energies).zip(mags) {
                    let mut kept = self.spare_mags.pop().unwrap_or_default();
                    kept.clear();
                    kept.extend_from_slice(mag);
                    self.mags.push_back(kept);
                    self.tracker.push(c, e, &mut self.decided);
                }
                self.n60_done += 4;
            } else if eof && self.complete(g, k) {
                let c = self.pitch.analyse(g.frame(buf, at, k));
                let (windowed, mag) = self.pitch.last_frame();
                self.mags.push_back(mag.to_vec());
                let e = source::rms(windowed);
                self.tracker.push(c, e, &mut self.decided);
                self.n60_done += 1;
            } else {
                break;
            }
        }
        self.voice_rows(eof);
    }

    /// Writes the voice row of each decided frame whose period search has its
    /// samples (and its 20 ms frame's formants). The tracker decides a frame
    /// only after later frames are in, so both hold by then; the check keeps
    /// that an invariant of this function rather than of the tracker.
    fn voice_rows(&mut self, eof: bool) {
        while let Some(&t) = self.decided.front() {
            let k = self.raw[N_SPECTRAL].len();
            if !eof && (self.voice.needs_until() > self.total || k >= self.n20_done) {
                break;
            }
            self.decided.pop_front();
            let mag = self.mags.pop_front().unwrap_or_default();
            // only voiced frames' formants reach the functionals (and the
            // formant amplitudes); the rest wait for the LLD output
            let lpc = self
                .lpcs
                .get_mut(k.wrapping_sub(self.lpc_start))
                .map(std::mem::take);
            let fm = match lpc {
                Some(a) if t.f0 > 0.0 => spectral::formants_of_lpc(&a, &mut self.voiced_formants),
                Some(a) => {
                    self.unvoiced_lpc.push((k, a));
                    Formants::default()
                }
                None => Formants::default(),
            };
            let v = self
                .voice
                .analyse(t.f0, &mag, &fm, &self.buf, self.buf_start);
            self.spare_mags.push(mag);
            let values = [
                emo_dsp::pitch_viterbi::semitones_from_27_5_hz(t.f0),
                v.jitter_local,
                v.shimmer_db,
                v.hnr_db,
                v.h1_h2,
                v.h1_a3,
            ];
            let raw = &mut self.raw;
            for (c, val) in raw[N_SPECTRAL..].iter_mut().zip(values) {
                c.push(val);
            }
            for i in 0..3 {
                let col = formant_column(i);
                let [frequency, bandwidth] = formant_pair(&fm, i);
                raw[col].push(frequency);
                raw[col + 1].push(bandwidth);
                raw[col + 2].push(v.formant_levels[i]);
            }
            // frame k's predictor is read by no later row
            while self.lpc_start <= k && !self.lpcs.is_empty() {
                self.lpcs.pop_front();
                self.lpc_start += 1;
            }
        }
    }

    /// Drops samples no frame will read again.
    fn forget_used(&mut self) {
        let keep = (self.n20_done * self.g20.step)
            .min(self.n60_done * self.g60.step)
            .min(self.voice.needs_from());
        emo_dsp::framing::forget_before(&mut self.buf, &mut self.buf_start, keep);
    }

    /// Ends the recording: analyses what is left and smooths the contours.
    pub fn finish(mut self) -> Llds {
        self.analyse(true);
        // the frames decided before the tracker is flushed (openSMILE's voice
        // smoothing splits there)
        let decided_before_flush = self.raw[N_SPECTRAL].len() + self.decided.len();
        self.tracker.finish(&mut self.decided);
        self.voice_rows(true);
        self.buf = Vec::new();
        let rows = row_count(self.total, self.g60);
        let split = decided_before_flush.checked_sub(1);
        Llds {
            rows,
            unvoiced_lpc: self.unvoiced_lpc,
            columns: std::sync::OnceLock::new(),
            raw: self.raw,
            energy: self.energy,
            split,
            step_sec: self.g60.step as f64 / f64::from(self.sample_rate),
            frame_sec: self.g20.size as f64 / f64::from(self.sample_rate),
        }
    }
}

/// The column of formant `i`'s frequency in [`LLD_NAMES`]; its bandwidth and
/// amplitude follow it.
fn formant_column(i: usize) -> usize {
    N_SPECTRAL + 6 + 3 * i
}

/// Formant `i`'s frequency and bandwidth as the contours hold them (0 where
/// the search found fewer formants).
fn formant_pair(fm: &Formants, i: usize) -> [f32; 2] {
    [&fm.frequency, &fm.bandwidth].map(|v| v.get(i).copied().unwrap_or(0.0) as f32)
}

/// Appends one 20 ms frame's spectral descriptors, energy (its mean square)
/// and LPC predictor.
fn spectral_row(
    raw: &mut [Vec<f32>],
    energy: &mut Vec<f32>,
    lpcs: &mut VecDeque<Vec<f32>>,
    f: SpectralFrame,
    mean_square: f32,
) {
    energy.push(mean_square);
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
    lpcs.push_back(f.lpc);
}
