//! The 20 ms branch of eGeMAPS: loudness, alpha ratio, Hammarberg index, the
//! two spectral slopes, spectral flux and MFCC 1-4 of Hamming-windowed frames
//! (Eyben et al. 2016, §3.1 and §3.2).

use emo_dsp::auditory::{auditory_loudness, equal_loudness_weight};
use emo_dsp::formants::{formants_from_lpc_warm, FormantSearch, Formants};
use emo_dsp::lpc::{autocorrelation, lpc_from_autocorrelation};
use emo_dsp::mel::MelFilterbank;
use emo_dsp::mfcc::Cepstrum;
use emo_dsp::resample::SpectralResampler;
use emo_dsp::spectral_shape::{
    alpha_ratio_db, bin_range, hammarberg_index_db, log_power_db, spectral_flux, BandSlope,
};
use emo_dsp::spectrum::{magnitudes, Spectrum};
use emo_dsp::window::{apply_window, hamming, single_precision};
use emo_dsp::FrameGeometry;
use std::ops::Range;

/// Nominal frame length of the branch; the bin spacing follows from it.
pub(crate) const FRAME_SEC: f64 = 0.020;
/// Mel bands of the loudness and MFCC filterbank, and its range.
const N_MEL: usize = 26;
const MEL_LO_HZ: f64 = 20.0;
const MEL_HI_HZ: f64 = 8000.0;
/// Floor of the band energies before equal-loudness weighting.
const AUDITORY_FLOOR: f32 = 9.3e-10;
/// Power law of hearing (PLP's cube-root compression, as 0.33).
const COMPRESSION: f64 = 0.33;
/// MFCC band energies are scaled to 16-bit sample units and floored at 1
/// (the HTK convention) before the log.
const HTK_SCALE: f64 = 32767.0 * 32767.0;
/// Upper edge of the range spectral flux looks at.
const FLUX_HI_HZ: f64 = 5000.0;
/// Rate at which the LPC analysis sees the frame, its order, and the formant
/// search range.
const LPC_RATE: f64 = 11000.0;
const LPC_ORDER: usize = 11;
const FORMANT_MIN_HZ: f64 = 50.0;
const FORMANT_MAX_HZ: f64 = 5450.0;
/// Formants the search keeps (eGeMAPS reports the first three).
pub const N_FORMANTS: usize = 5;

/// Descriptors of one 20 ms frame, before smoothing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SpectralFrame {
    pub loudness: f32,
    pub alpha_ratio: f32,
    pub hammarberg: f32,
    pub slope_0_500: f32,
    pub slope_500_1500: f32,
    pub flux: f32,
    pub mfcc: [f32; 4],
    /// The LPC predictor of the frame resampled to 11 kHz, whose roots give
    /// the formants ([`formants_of_lpc`]).
    pub lpc: Vec<f32>,
}

/// Formant frequencies and bandwidths (Hz) of a frame's LPC predictor, lowest
/// first, the root search started from the roots `search` holds (the last
/// frame searched with it), which it then holds for the next.
pub fn formants_of_lpc(lpc: &[f32], search: &mut FormantSearch) -> Formants {
    formants_from_lpc_warm(
        lpc,
        1.0 / LPC_RATE,
        FORMANT_MIN_HZ,
        FORMANT_MAX_HZ,
        N_FORMANTS,
        search,
    )
}

/// Everything fixed for one sample rate, and the previous frame's magnitudes
/// (for the flux).
#[derive(Clone)]
pub struct SpectralBranch {
    geometry: FrameGeometry,
    window: Vec<f32>,
    /// One transform per lane of the four-frame path, so that each frame's
    /// bins stay where its transform wrote them (the plan is shared).
    spectra: [Spectrum; 4],
    freqs: Vec<f64>,
    mel: MelFilterbank,
    weights: Vec<f32>,
    cepstrum: Cepstrum,
    slopes: [BandSlope; 2],
    /// Bins of the log spectrum the slopes read (the only ones computed).
    log_bins: usize,
    flux_bins: Range<usize>,
    prev: Option<Vec<f32>>,
    resampler: SpectralResampler,
    // scratch
    resampled: Vec<f32>,
    lane_resampled: [Vec<f32>; 4],
    windowed: Vec<f32>,
    mags: Vec<f32>,
    power32: Vec<f32>,
    power: Vec<f64>,
    log_power: Vec<f32>,
    bands: Vec<f64>,
}

impl SpectralBranch {
    pub fn new(geometry: FrameGeometry) -> Self {
        let n = geometry.size;
        let k = geometry.fft_len;
        let padded_sec = FRAME_SEC * k as f64 / n as f64;
        let bins = k / 2 + 1;
        let freqs: Vec<f64> = (0..bins).map(|i| i as f64 / padded_sec).collect();
        // the filterbank works on the bin spacing rounded to single precision
        let mel = MelFilterbank::new(
            N_MEL,
            MEL_LO_HZ,
            MEL_HI_HZ,
            f64::from((1.0 / padded_sec) as f32),
            bins,
        );
        // LPC analysis rate: whole output samples spanning the nominal frame
        let fs = n as f64 / FRAME_SEC;
        let n_out = (k as f64 * (LPC_RATE / fs) * (FRAME_SEC / padded_sec)).round();
        let period = k as f64 * n_out / (k as f64 * (FRAME_SEC / padded_sec));
        let slopes = [
            BandSlope::new(0.0, 500.0, &freqs),
            BandSlope::new(500.0, 1500.0, &freqs),
        ];
        // only the slopes read the log spectrum: no logarithm past their bands
        let log_bins = slopes.iter().map(BandSlope::bins_read).max().unwrap_or(0);
        let weights = mel
            .centres_hz()
            .iter()
            .map(|&f| equal_loudness_weight(f) as f32)
            .collect();
        SpectralBranch {
            geometry,
            window: single_precision(&hamming(n)),
            spectra: Spectrum::lanes(k, n, true),
            slopes,
            log_bins,
            flux_bins: bin_range(0.0, FLUX_HI_HZ, &freqs),
            freqs,
            mel,
            weights,
            cepstrum: Cepstrum::new(N_MEL, 1, 4, 22.0, 1.0),
            prev: None,
            resampler: SpectralResampler::new(k, n_out as usize, period),
            resampled: Vec::new(),
            lane_resampled: Default::default(),
            windowed: vec![0.0; n],
            mags: Vec::with_capacity(bins),
            power32: Vec::with_capacity(bins),
            power: Vec::with_capacity(bins),
            log_power: Vec::with_capacity(bins),
            bands: vec![0.0; N_MEL],
        }
    }

    pub fn geometry(&self) -> FrameGeometry {
        self.geometry
    }

    /// Analyses the next frame (frames must come in order: the flux compares
    /// each with the one before; the first frame's flux is 0).
    pub fn analyse(&mut self, frame: &[f32]) -> SpectralFrame {
        apply_window(frame, &self.window, &mut self.windowed);
        let bins = self.spectra[0].transform(&self.windowed);
        magnitudes(bins, &mut self.mags);
        self.resampler.apply(bins, &mut self.resampled);
        let lpc = self.lpc_of_resampled(0);
        self.shape(lpc)
    }

    /// [`SpectralBranch::analyse`] of four consecutive frames, identical to
    /// four calls: the LPC resampling reads its tables once for all four.
    pub fn analyse4(&mut self, frames: [&[f32]; 4]) -> [SpectralFrame; 4] {
        for (l, f) in frames.iter().enumerate() {
            apply_window(f, &self.window, &mut self.windowed);
            self.spectra[l].transform(&self.windowed);
        }
        self.resampler
            .apply_last_bins(&self.spectra, &mut self.lane_resampled);
        std::array::from_fn(|l| {
            magnitudes(self.spectra[l].last_bins(), &mut self.mags);
            let lpc = self.lpc_of_resampled(l + 1);
            self.shape(lpc)
        })
    }

    /// The LPC predictor of the resampled frame: `lane` 0 is the one-frame
    /// buffer, 1-4 the four-frame lanes.
    fn lpc_of_resampled(&self, lane: usize) -> Vec<f32> {
        let x = if lane == 0 {
            &self.resampled
        } else {
            &self.lane_resampled[lane - 1]
        };
        lpc_from_autocorrelation(&autocorrelation(x, LPC_ORDER), LPC_ORDER)
    }

    /// The descriptors of the magnitudes in `self.mags` (and the flux against
    /// the previous frame's).
    fn shape(&mut self, lpc: Vec<f32>) -> SpectralFrame {
        self.power32.clear();
        self.power32.extend(self.mags.iter().map(|&m| m * m));
        self.power.clear();
        self.power
            .extend(self.mags.iter().map(|&m| f64::from(m) * f64::from(m)));
        log_power_db(
            &self.power32[..self.log_bins.min(self.power32.len())],
            &mut self.log_power,
        );

        self.mel.apply(&self.power, &mut self.bands);
        let loudness = auditory_loudness(&self.bands, &self.weights, AUDITORY_FLOOR, COMPRESSION);
        for b in self.bands.iter_mut() {
            *b = f64::from((*b * HTK_SCALE) as f32);
        }
        let mut mfcc = [0.0f32; 4];
        self.cepstrum.apply(&self.bands, &mut mfcc);

        let flux = match &self.prev {
            Some(prev) => spectral_flux(&self.mags, prev, self.flux_bins.clone()),
            None => 0.0,
        };
        match &mut self.prev {
            Some(prev) => prev.copy_from_slice(&self.mags),
            None => self.prev = Some(self.mags.clone()),
        }
        SpectralFrame {
            loudness,
            alpha_ratio: alpha_ratio_db(&self.power32, &self.freqs),
            hammarberg: hammarberg_index_db(&self.power32, &self.freqs),
            slope_0_500: self.slopes[0].apply(&self.log_power, &self.freqs),
            slope_500_1500: self.slopes[1].apply(&self.log_power, &self.freqs),
            flux,
            mfcc,
            lpc,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn four_frames_at_once_equal_one_at_a_time() {
        let g = FrameGeometry::new(FRAME_SEC, 0.010, 16000);
        let x: Vec<f32> = (0..16000)
            .map(|n| {
                let t = n as f32 / 16000.0;
                (2.0 * std::f32::consts::PI * 150.0 * t).sin() * (1.0 + 0.5 * (t * 3.0).sin())
                    + 0.1 * (2.0 * std::f32::consts::PI * 1234.0 * t).sin()
            })
            .collect();
        let (mut a, mut b) = (SpectralBranch::new(g), SpectralBranch::new(g));
        let one: Vec<SpectralFrame> = (0..8).map(|k| a.analyse(g.frame(&x, 0, k))).collect();
        let mut four = Vec::new();
        for k in [0, 4] {
            four.extend(b.analyse4(std::array::from_fn(|l| g.frame(&x, 0, k + l))));
        }
        assert_eq!(one, four);
    }
}
