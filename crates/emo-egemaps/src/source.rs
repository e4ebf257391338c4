//! The 60 ms branch of eGeMAPS: F0 by subharmonic summation tracked by a
//! Viterbi search, gated by the frame energy, in semitones (Eyben et al. 2016,
//! §3.1.1).

use emo_dsp::formants::Formants;
use emo_dsp::harmonics::{
    formant_harmonics, harmonic_peaks_into, harmonics_reaching, AcfHnr, Harmonic, HarmonicLevels,
    ABSENT_DB,
};
use emo_dsp::jitter::{JitterOptions, JitterTracker};
use emo_dsp::pitch::{PitchAnalyzer, PitchOptions};
use emo_dsp::pitch_viterbi::{PitchViterbi, TrackedPitch, EGEMAPS_WEIGHTS};
use emo_dsp::shs::{LogScaleOptions, PitchCandidates, ShsOptions};
use emo_dsp::FrameGeometry;

pub(crate) const FRAME_SEC: f64 = 0.060;
/// Voicing above which a candidate counts as voiced.
const VOICING_CUTOFF: f32 = 0.7;
/// Frames the Viterbi search may leave undecided.
const VITERBI_BUFFER: usize = 40;
/// RMS of the windowed frame at or below which F0 is set to 0.
const ENERGY_GATE: f32 = 0.001;

/// The pitch analyser eGeMAPS uses on 60 ms frames.
pub fn pitch_analyzer(geometry: FrameGeometry) -> PitchAnalyzer {
    PitchAnalyzer::new(
        geometry,
        PitchOptions {
            frame_sec: FRAME_SEC,
            window_sigma: 0.4,
            symmetric_padding: true,
            scale: LogScaleOptions {
                min_hz: 25.0,
                enhance_peaks: true,
                smooth: true,
                auditory_weighting: true,
            },
            shs: ShsOptions {
                harmonics: 15,
                compression: 0.85,
                candidates: 6,
                greedy: true,
                min_pitch: 55.0,
                max_pitch: 1000.0,
            },
        },
    )
}

/// A sample squared in single precision, as openSMILE's energy component
/// takes it (the mean square's term).
fn square_single(v: f32) -> f64 {
    f64::from(v * v)
}

/// A sample squared in double precision (the RMS's term).
fn square_double(v: f32) -> f64 {
    f64::from(v) * f64::from(v)
}

/// Mean square of a frame, `Σx²/N`, the products taken in single precision
/// (as openSMILE's energy component does) and summed in double.
pub fn mean_square(x: &[f32]) -> f32 {
    if x.is_empty() {
        return 0.0;
    }
    (x.iter().map(|&v| square_single(v)).sum::<f64>() / x.len() as f64) as f32
}

/// Root mean square of a frame, in double precision throughout.
pub fn rms(x: &[f32]) -> f32 {
    if x.is_empty() {
        return 0.0;
    }
    let s: f64 = x.iter().map(|&v| square_double(v)).sum();
    (s / x.len() as f64).sqrt() as f32
}

/// `term` summed over each of four equally long frames, the four sums side by
/// side. Each sum keeps its own order, so the results are bit-identical to
/// four sequential sums; one sum alone is a chain of dependent additions,
/// four at once fill the pipeline. `None` when the lengths differ.
fn sums4(x: [&[f32]; 4], term: impl Fn(f32) -> f64) -> Option<[f64; 4]> {
    let n = x[0].len();
    if x.iter().any(|f| f.len() != n) {
        return None;
    }
    let mut s = [0.0f64; 4];
    for (((&a, &b), &c), &d) in x[0].iter().zip(x[1]).zip(x[2]).zip(x[3]) {
        s[0] += term(a);
        s[1] += term(b);
        s[2] += term(c);
        s[3] += term(d);
    }
    Some(s)
}

/// [`mean_square`] of four frames, bit-identical to four calls.
pub fn mean_square4(x: [&[f32]; 4]) -> [f32; 4] {
    match sums4(x, square_single) {
        Some(s) if !x[0].is_empty() => s.map(|s| (s / x[0].len() as f64) as f32),
        _ => x.map(mean_square),
    }
}

/// [`rms`] of four frames, bit-identical to four calls.
pub fn rms4(x: [&[f32]; 4]) -> [f32; 4] {
    match sums4(x, square_double) {
        Some(s) if !x[0].is_empty() => s.map(|s| (s / x[0].len() as f64).sqrt() as f32),
        _ => x.map(rms),
    }
}

/// The F0 track of 60 ms frames: candidates and energies go in frame by
/// frame, tracked F0 (0 where unvoiced or the frame is too quiet) comes out in
/// the same order, a few frames later.
pub struct F0Tracker {
    viterbi: PitchViterbi,
    energies: std::collections::VecDeque<f32>,
}

impl Default for F0Tracker {
    fn default() -> Self {
        F0Tracker {
            viterbi: PitchViterbi::new(6, VITERBI_BUFFER, VOICING_CUTOFF, EGEMAPS_WEIGHTS),
            energies: Default::default(),
        }
    }
}

impl F0Tracker {
    pub fn push(
        &mut self,
        c: PitchCandidates,
        energy: f32,
        out: &mut std::collections::VecDeque<TrackedPitch>,
    ) {
        self.viterbi.push(c);
        self.energies.push_back(energy);
        self.drain(out);
    }

    pub fn finish(&mut self, out: &mut std::collections::VecDeque<TrackedPitch>) {
        self.viterbi.flush();
        self.drain(out);
    }

    fn drain(&mut self, out: &mut std::collections::VecDeque<TrackedPitch>) {
        while let Some(t) = self.viterbi.next_decided() {
            let e = self.energies.pop_front().unwrap_or(0.0);
            out.push_back(if e > ENERGY_GATE {
                t
            } else {
                TrackedPitch {
                    f0: 0.0,
                    voicing: 0.0,
                }
            });
        }
    }
}

/// Local shimmer in dB, `20·log10(1 + s)` of the relative amplitude change `s`.
pub fn shimmer_db(s: f32) -> f32 {
    (20.0 * f64::from(s + 1.0).log10()) as f32
}

/// Harmonics examined per frame.
const N_HARMONICS: usize = 100;
/// Relative search range of the period search for jitter and shimmer.
const JITTER_SEARCH_RANGE: f64 = 0.1;
/// Limit of harmonic level differences (dB).
const LEVEL_LIMIT: f32 = 201.0;

/// The voice-quality descriptors of one 60 ms frame.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct VoiceFrame {
    pub jitter_local: f32,
    pub shimmer_db: f32,
    pub hnr_db: f32,
    /// Level of harmonic index 1 (the second harmonic) minus that of index 2,
    /// dB: openSMILE reads "H1-H2" as harmonic indices 1 and 2 of a list whose
    /// index 0 is the fundamental (see docs/egemaps.md).
    pub h1_h2: f32,
    /// Level of harmonic index 1 minus that of the strongest harmonic near F3.
    pub h1_a3: f32,
    /// F1-F3 amplitude: level of the strongest harmonic within ±20 % of each
    /// formant relative to the fundamental, dB.
    pub formant_levels: [f32; 3],
}

/// Jitter, shimmer, HNR and harmonic levels, frame by frame in order.
pub struct VoiceAnalyzer {
    jitter: JitterTracker,
    hnr: Option<AcfHnr>,
    freqs: Vec<f64>,
    /// The harmonics of the frame, kept for the next.
    harmonics: Vec<Harmonic>,
}

impl VoiceAnalyzer {
    /// First sample the next frame's period search may read.
    pub fn needs_from(&self) -> usize {
        self.jitter.needs_from()
    }

    /// One past the last sample it may read.
    pub fn needs_until(&self) -> usize {
        self.jitter.needs_until()
    }

    pub fn new(g60: FrameGeometry, sample_rate: u32) -> Self {
        let k = g60.fft_len;
        let padded_sec = FRAME_SEC * k as f64 / g60.size as f64;
        VoiceAnalyzer {
            jitter: JitterTracker::new(JitterOptions {
                sample_rate,
                frame_len: g60.size,
                step: g60.step,
                search_range: JITTER_SEARCH_RANGE,
                broken_threshold: false,
                delay_frames: 0,
            }),
            hnr: None,
            harmonics: Vec::new(),
            freqs: (0..k / 2 + 1).map(|i| i as f64 / padded_sec).collect(),
        }
    }

    /// The next frame: its tracked F0 (Hz, 0 unvoiced), its magnitude
    /// spectrum, the formants of the 20 ms frame at the same time, and the
    /// signal for the period search: the samples from absolute index
    /// `signal_start` on, covering [`needs_from`](Self::needs_from) to
    /// [`needs_until`](Self::needs_until) or the end of the recording.
    pub fn analyse(
        &mut self,
        f0: f32,
        mag: &[f32],
        formants: &Formants,
        signal: &[f32],
        signal_start: usize,
    ) -> VoiceFrame {
        let j = self.jitter.analyse(f0, signal, signal_start);
        let nyquist = self.freqs.last().copied().unwrap_or(0.0);
        let hnr = self.hnr.get_or_insert_with(|| AcfHnr::new(mag.len()));
        let mut v = VoiceFrame {
            jitter_local: j.jitter_local,
            shimmer_db: shimmer_db(j.shimmer_local),
            hnr_db: hnr.hnr_db(mag, f0, nyquist),
            ..Default::default()
        };
        if f0 <= 0.0 {
            v.formant_levels = [ABSENT_DB; 3];
            return v;
        }
        let ff: Vec<f32> = formants.frequency.iter().map(|&f| f as f32).collect();
        // only harmonics up to 20 % above the highest formant can be chosen
        // for a formant (the rest are never read: the same levels, sooner)
        let top = ff.iter().fold(0.0f64, |m, &f| m.max(f64::from(f)));
        let bin_hz = self.freqs.get(1).copied().unwrap_or(0.0);
        let n = harmonics_reaching(f0, 1.2 * top, bin_hz, N_HARMONICS);
        let h = &mut self.harmonics;
        harmonic_peaks_into(f0, mag, &self.freqs, n, h);
        let at = formant_harmonics(&ff, h);
        // only these few levels are read (each a logarithm)
        let levels = HarmonicLevels::of(h);
        let level = |i: usize| levels.level_db(h, i);
        let clamp = |x: f32| x.clamp(-LEVEL_LIMIT, LEVEL_LIMIT);
        v.h1_h2 = clamp(level(1) - level(2));
        v.h1_a3 = match at.get(2).copied().flatten() {
            Some(i) => clamp(level(1) - level(i)),
            None => clamp(level(1) - LEVEL_LIMIT),
        };
        for i in 0..3 {
            v.formant_levels[i] = match at.get(i).copied().flatten() {
                Some(x) => level(x),
                None => 0.0,
            };
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn four_frames_at_once_equal_one_at_a_time() {
        let g = FrameGeometry::new(FRAME_SEC, 0.010, 16000);
        let mut a = pitch_analyzer(g);
        let frames: Vec<Vec<f32>> = (0..4)
            .map(|k| {
                (0..g.size)
                    .map(|n| {
                        let t = n as f32 / 16000.0;
                        (2.0 * std::f32::consts::PI * (110.0 + 50.0 * k as f32) * t).sin()
                            * (1.0 + 0.3 * (t * 7.0).sin())
                    })
                    .collect()
            })
            .collect();
        let one: Vec<_> = frames
            .iter()
            .map(|f| {
                let c = a.analyse(f);
                (c, a.last_frame().1.to_vec())
            })
            .collect();
        let four = a.analyse4([&frames[0], &frames[1], &frames[2], &frames[3]]);
        for l in 0..4 {
            assert_eq!(one[l].0, four[l]);
            assert_eq!(one[l].1, a.last_lanes().1[l]);
        }
    }

    #[test]
    fn four_energies_at_once_equal_one_at_a_time() {
        // values whose sums round differently in another order
        let frames: Vec<Vec<f32>> = (0..4)
            .map(|k| {
                (0..961)
                    .map(|n| {
                        ((n * 7919 + k * 104729) % 1000) as f32 * 1e-3 - 0.37 + 1e-7 * n as f32
                    })
                    .collect()
            })
            .collect();
        let x = [&frames[0][..], &frames[1], &frames[2], &frames[3]];
        let (ms, r) = (mean_square4(x), rms4(x));
        for l in 0..4 {
            assert_eq!(ms[l].to_bits(), mean_square(x[l]).to_bits());
            assert_eq!(r[l].to_bits(), rms(x[l]).to_bits());
        }
        // unequal lengths and empty frames take the one-at-a-time path
        let short = [&frames[0][..10], &frames[1], &[][..], &frames[3]];
        assert_eq!(rms4(short), short.map(rms));
        assert_eq!(mean_square4(short), short.map(mean_square));
    }

    #[test]
    fn shimmer_in_db() {
        assert_eq!(shimmer_db(0.0), 0.0);
        assert!((shimmer_db(1.0) - 20.0 * 2f32.log10()).abs() < 1e-5);
    }
}
