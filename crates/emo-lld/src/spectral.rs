//! The 25 ms branch: loudness, MFCC, log mel bands and LSPs of one frame.

use crate::quirks::LoudnessMode;
use emo_dsp::lpc::{autocorrelation, autocorrelation_lanes, lpc_from_autocorrelation};
use emo_dsp::lsp::{lsp_from_lpc, lsp_from_lpc_many};
use emo_dsp::mel::MelFilterbank;
use emo_dsp::mfcc::Cepstrum;
use emo_dsp::resample::SpectralResampler;
use emo_dsp::spectrum::{magnitudes, Spectrum};
use emo_dsp::window::{
    apply_window, hamming, preemphasis, single_precision, weighted_energies, weighted_energy,
};
use emo_dsp::FrameGeometry;
use realfft::num_complex::Complex;

/// Pre-emphasis coefficient.
const PREEMPHASIS: f32 = 0.97;
/// Reference intensity I₀ of the loudness power law.
pub(crate) const REFERENCE_INTENSITY: f64 = 1e-6;
/// Loudness exponent (Zwicker's power law).
pub(crate) const LOUDNESS_EXPONENT: f64 = 0.3;
/// Rate (Hz) at which LPC analysis sees the frame.
const LPC_RATE: f64 = 11000.0;
/// LPC order; it is also the number of LSPs.
pub const LPC_ORDER: usize = 8;
/// MFCCs 0..=14.
pub const N_MFCC: usize = 15;
/// Log mel bands.
pub const N_LOGMEL: usize = 8;
/// Nominal frame length; openSMILE derives the bin spacing from it, not from N/fs.
const FRAME_SEC: f64 = 0.025;

/// Descriptors of one 25 ms frame.
#[derive(Debug, Clone, Default)]
pub struct SpectralFrame {
    pub loudness: f32,
    pub mfcc: [f32; N_MFCC],
    pub log_mel: [f32; N_LOGMEL],
    pub lsp: [f32; LPC_ORDER],
}

/// Everything fixed for one sample rate.
#[derive(Clone)]
pub struct SpectralAnalyzer {
    geometry: FrameGeometry,
    window: Vec<f64>,
    /// The window in `f32`, as the frames are multiplied by it.
    window32: Vec<f32>,
    window_sum: f64,
    /// One transform per lane of [`SpectralAnalyzer::analyse4`], so that each
    /// frame's bins stay where its transform wrote them (the plan is shared).
    spectra: [Spectrum; 4],
    mel26: MelFilterbank,
    mel8: MelFilterbank,
    cepstrum: Cepstrum,
    resampler: SpectralResampler,
    loudness: LoudnessMode,
    // scratch
    emphasised: Vec<f32>,
    windowed: Vec<f32>,
    mags: Vec<f32>,
    power: Vec<f64>,
    bands26: Vec<f64>,
    bands8: Vec<f64>,
    resampled: Vec<f32>,
    /// The power spectra of four frames bin by bin, as the filterbanks read them.
    power_lanes: Vec<[f64; 4]>,
    lane_bands26: [Vec<f64>; 4],
    lane_bands8: [Vec<f64>; 4],
    lane_resampled: [Vec<f32>; 4],
}

impl SpectralAnalyzer {
    pub fn new(geometry: FrameGeometry, symmetric_padding: bool, loudness: LoudnessMode) -> Self {
        let n = geometry.size;
        let k = geometry.fft_len;
        let window = hamming(n);
        let window_sum = window.iter().sum();
        // The level keeps the nominal 25 ms as its frame length: the bin spacing is
        // N/(0.025·K), which differs from fs/K where 0.025·fs is not an integer.
        let padded_sec = FRAME_SEC * k as f64 / n as f64;
        let bin_hz = f64::from((1.0 / padded_sec) as f32);
        let bins = k / 2 + 1;
        // LPC analysis rate: I output samples spanning the original frame.
        let fs = n as f64 / FRAME_SEC;
        let n_out = (k as f64 * (LPC_RATE / fs) * (FRAME_SEC / padded_sec)).round();
        let ratio = n_out / (k as f64 * (FRAME_SEC / padded_sec));
        let period = k as f64 * ratio;
        SpectralAnalyzer {
            geometry,
            window32: single_precision(&window),
            window,
            window_sum,
            spectra: Spectrum::lanes(k, n, symmetric_padding),
            mel26: MelFilterbank::new(26, 20.0, 8000.0, bin_hz, bins),
            mel8: MelFilterbank::new(N_LOGMEL, 20.0, 6500.0, bin_hz, bins),
            cepstrum: Cepstrum::new(26, 0, N_MFCC - 1, 22.0, 1e-8),
            resampler: SpectralResampler::new(k, n_out as usize, period),
            loudness,
            emphasised: vec![0.0; n],
            windowed: vec![0.0; n],
            mags: Vec::with_capacity(bins),
            power: Vec::with_capacity(bins),
            bands26: vec![0.0; 26],
            bands8: vec![0.0; N_LOGMEL],
            resampled: Vec::new(),
            power_lanes: Vec::new(),
            lane_bands26: std::array::from_fn(|_| vec![0.0; 26]),
            lane_bands8: std::array::from_fn(|_| vec![0.0; N_LOGMEL]),
            lane_resampled: Default::default(),
        }
    }

    /// Frame geometry of this branch.
    pub fn geometry(&self) -> FrameGeometry {
        self.geometry
    }

    /// Loudness of a raw (not pre-emphasised, not windowed) frame.
    pub fn loudness(&self, frame: &[f32]) -> f32 {
        let intensity = match self.loudness {
            // (the sum starts at +0.0 where `Iterator::sum` started at −0.0:
            // the same bits, as every term w·x·x with w > 0 is +0.0 or above)
            LoudnessMode::Documented => weighted_energy(frame, &self.window) / self.window_sum,
            LoudnessMode::OpenSmile3 => {
                let x = f64::from(frame[0]);
                self.window[0] * x * x / self.window_sum
            }
        };
        loudness_of_intensity(intensity)
    }

    /// [`SpectralAnalyzer::loudness`] of `N` frames, bit-identical: the sums
    /// of the documented loudness run sixteen (else four) side by side.
    fn loudness_lanes<const N: usize>(&self, frames: [&[f32]; N]) -> [f32; N] {
        if self.loudness != LoudnessMode::Documented
            || frames.iter().any(|f| f.len() != self.window.len())
        {
            return frames.map(|f| self.loudness(f));
        }
        let mut out = [0.0f32; N];
        let of = |s: f64| loudness_of_intensity(s / self.window_sum);
        let mut k = 0;
        while k + 16 <= N {
            let groups: [[&[f32]; 4]; 4] =
                std::array::from_fn(|g| std::array::from_fn(|l| frames[k + 4 * g + l]));
            for (o, s) in out[k..k + 16]
                .iter_mut()
                .zip(weighted_energies(groups, &self.window).as_flattened())
            {
                *o = of(*s);
            }
            k += 16;
        }
        while k + 4 <= N {
            let [four] = weighted_energies([std::array::from_fn(|l| frames[k + l])], &self.window);
            for (o, s) in out[k..k + 4].iter_mut().zip(four) {
                *o = of(s);
            }
            k += 4;
        }
        for (o, f) in out[k..].iter_mut().zip(&frames[k..]) {
            *o = self.loudness(f);
        }
        out
    }

    /// All descriptors of one frame.
    pub fn analyse(&mut self, frame: &[f32]) -> SpectralFrame {
        let mut out = SpectralFrame {
            loudness: self.loudness(frame),
            ..Default::default()
        };
        preemphasis(frame, PREEMPHASIS, &mut self.emphasised);
        apply_window(&self.emphasised, &self.window32, &mut self.windowed);
        let bins = self.spectra[0].transform(&self.windowed);
        power_spectrum(bins, &mut self.mags, &mut self.power);
        self.mel26.apply(&self.power, &mut self.bands26);
        self.cepstrum.apply(&self.bands26, &mut out.mfcc);
        self.mel8.apply(&self.power, &mut self.bands8);
        for (o, &e) in out.log_mel.iter_mut().zip(&self.bands8) {
            *o = if e > 1e-12 { e.ln() } else { 1e-12f64.ln() } as f32;
        }
        self.resampler.apply(bins, &mut self.resampled);
        out.lsp = lsp_of(&self.resampled);
        out
    }

    /// Four frames at once: the LPC resampling reads its tables once for all
    /// four (results identical to four calls of [`SpectralAnalyzer::analyse`]).
    pub fn analyse4(&mut self, frames: [&[f32]; 4]) -> [SpectralFrame; 4] {
        self.analyse_fours(frames)
    }

    /// Eight frames at once: as [`SpectralAnalyzer::analyse4`] twice, with
    /// the LSP root searches of all eight in lock step (identical results).
    pub fn analyse8(&mut self, frames: [&[f32]; 8]) -> [SpectralFrame; 8] {
        self.analyse_fours(frames)
    }

    /// Sixteen frames at once: as [`SpectralAnalyzer::analyse4`] four times,
    /// with the LSP root searches of two groups of eight in the same rounds
    /// (identical results).
    pub fn analyse16(&mut self, frames: [&[f32]; 16]) -> [SpectralFrame; 16] {
        self.analyse_fours(frames)
    }

    /// `N` frames (a multiple of four) by fours, then all their LSPs at once.
    fn analyse_fours<const N: usize>(&mut self, frames: [&[f32]; N]) -> [SpectralFrame; N] {
        let mut out: [SpectralFrame; N] = std::array::from_fn(|_| SpectralFrame::default());
        for (o, l) in out.iter_mut().zip(self.loudness_lanes(frames)) {
            o.loudness = l;
        }
        let mut lpc = Vec::with_capacity(N);
        for (frames, out) in frames.chunks_exact(4).zip(out.chunks_exact_mut(4)) {
            lpc.extend(self.up_to_lpc4([frames[0], frames[1], frames[2], frames[3]], out));
        }
        set_lsps(&mut out, &lpc);
        out
    }

    /// Everything of four frames but their loudness and LSPs, into `out`;
    /// returns their LPC coefficients.
    fn up_to_lpc4(&mut self, frames: [&[f32]; 4], out: &mut [SpectralFrame]) -> [Vec<f32>; 4] {
        for (l, frame) in frames.iter().enumerate() {
            preemphasis(frame, PREEMPHASIS, &mut self.emphasised);
            apply_window(&self.emphasised, &self.window32, &mut self.windowed);
            let bins = self.spectra[l].transform(&self.windowed);
            magnitudes(bins, &mut self.mags);
            // lane l of each bin, as the filterbanks read the four
            self.power_lanes.resize(self.mags.len(), [0.0; 4]);
            for (p, &m) in self.power_lanes.iter_mut().zip(&self.mags) {
                p[l] = power_of_magnitude(m);
            }
        }
        let [b0, b1, b2, b3] = &mut self.lane_bands26;
        self.mel26
            .apply_lanes(&self.power_lanes, [&mut b0[..], b1, b2, b3]);
        let [b0, b1, b2, b3] = &mut self.lane_bands8;
        self.mel8
            .apply_lanes(&self.power_lanes, [&mut b0[..], b1, b2, b3]);
        for (l, o) in out.iter_mut().enumerate().take(4) {
            self.cepstrum.apply(&self.lane_bands26[l], &mut o.mfcc);
            for (o, &e) in o.log_mel.iter_mut().zip(&self.lane_bands8[l]) {
                *o = if e > 1e-12 { e.ln() } else { 1e-12f64.ln() } as f32;
            }
        }
        self.resampler
            .apply_last_bins(&self.spectra, &mut self.lane_resampled);
        let [r0, r1, r2, r3] = &self.lane_resampled;
        autocorrelation_lanes([r0, r1, r2, r3], LPC_ORDER)
            .map(|r| lpc_from_autocorrelation(&r, LPC_ORDER))
    }
}

/// The LSPs of frames from their LPC coefficients, all root searches at once.
fn set_lsps(out: &mut [SpectralFrame], lpc: &[Vec<f32>]) {
    let a: Vec<&[f32]> = lpc.iter().map(|a| &a[..]).collect();
    for (o, l) in out.iter_mut().zip(lsp_from_lpc_many(&a)) {
        o.lsp.copy_from_slice(&l);
    }
}

/// Zwicker's power law: `(I / I₀)^0.3`.
fn loudness_of_intensity(intensity: f64) -> f32 {
    (intensity / REFERENCE_INTENSITY).powf(LOUDNESS_EXPONENT) as f32
}

/// `|X[k]|²` of the magnitudes rounded to `f32` (as openSMILE's power
/// spectrum is the square of its stored magnitudes).
fn power_spectrum(bins: &[Complex<f64>], mags: &mut Vec<f32>, power: &mut Vec<f64>) {
    magnitudes(bins, mags);
    power.clear();
    power.extend(mags.iter().map(|&m| power_of_magnitude(m)));
}

/// A power bin from its magnitude rounded to `f32`.
fn power_of_magnitude(m: f32) -> f64 {
    f64::from(m) * f64::from(m)
}

/// LPC coefficients of a frame resampled for LPC analysis.
fn lpc_of(resampled: &[f32]) -> Vec<f32> {
    let r = autocorrelation(resampled, LPC_ORDER);
    lpc_from_autocorrelation(&r, LPC_ORDER)
}

/// LSPs of a frame resampled for LPC analysis.
fn lsp_of(resampled: &[f32]) -> [f32; LPC_ORDER] {
    let mut lsp = [0.0; LPC_ORDER];
    lsp.copy_from_slice(&lsp_from_lpc(&lpc_of(resampled)));
    lsp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loudness_modes() {
        let g = FrameGeometry::new(0.025, 0.01, 16000);
        let frame: Vec<f32> = (0..400).map(|i| if i == 0 { 0.5 } else { 0.1 }).collect();
        let doc = SpectralAnalyzer::new(g, false, LoudnessMode::Documented);
        let os = SpectralAnalyzer::new(g, false, LoudnessMode::OpenSmile3);
        let w = hamming(400);
        let sw: f64 = w.iter().sum();
        let expect_os = (0.08 * 0.25 / sw / 1e-6).powf(0.3);
        assert!((f64::from(os.loudness(&frame)) - expect_os).abs() < 1e-5);
        let i: f64 = frame
            .iter()
            .zip(&w)
            .map(|(&x, &wi)| wi * f64::from(x) * f64::from(x))
            .sum::<f64>()
            / sw;
        assert!((f64::from(doc.loudness(&frame)) - (i / 1e-6).powf(0.3)).abs() < 1e-4);
    }

    #[test]
    fn four_eight_and_sixteen_at_once_equal_one_by_one() {
        let bits = |f: &SpectralFrame| {
            let mut v = vec![f.loudness.to_bits()];
            v.extend(
                f.mfcc
                    .iter()
                    .chain(&f.log_mel)
                    .chain(&f.lsp)
                    .map(|x| x.to_bits()),
            );
            v
        };
        for fs in [16000, 44100] {
            let g = FrameGeometry::new(0.025, 0.01, fs);
            let frames: Vec<Vec<f32>> = (0..16)
                .map(|k| {
                    (0..g.size)
                        .map(|n| {
                            let t = n as f32 / fs as f32;
                            (2.0 * std::f32::consts::PI * (150.0 + 70.0 * k as f32) * t).sin() * 0.3
                                + ((n * 7 + k) % 5) as f32 * 0.01
                        })
                        .collect()
                })
                .collect();
            let mut a = SpectralAnalyzer::new(g, true, LoudnessMode::Documented);
            let one: Vec<Vec<u32>> = frames.iter().map(|f| bits(&a.analyse(f))).collect();
            let four = a.analyse4(std::array::from_fn(|l| &frames[l][..]));
            let eight = a.analyse8(std::array::from_fn(|l| &frames[l][..]));
            let sixteen = a.analyse16(std::array::from_fn(|l| &frames[l][..]));
            assert_eq!(one[..4], four.iter().map(bits).collect::<Vec<_>>());
            assert_eq!(one[..8], eight.iter().map(bits).collect::<Vec<_>>());
            assert_eq!(one, sixteen.iter().map(bits).collect::<Vec<_>>());
        }
    }

    #[test]
    fn lpc_rate_is_275_samples_at_common_rates() {
        for fs in [8000, 16000, 22050, 44100, 48000] {
            let g = FrameGeometry::new(0.025, 0.01, fs);
            let a = SpectralAnalyzer::new(g, true, LoudnessMode::Documented);
            assert_eq!(a.resampler.len(), 275, "{fs}");
        }
    }
}
