//! Pitch candidates of one frame by subharmonic summation (Hermes 1988): a
//! Gaussian window, the magnitude spectrum, its log-frequency resampling and
//! the subharmonic sum, strung together for one frame geometry.

use crate::shs::{
    LaneScaleWork, LogFrequencySpectrum, LogScaleOptions, PitchCandidates, ShsOptions, SplineWork,
    SubharmonicSummation,
};
use crate::spectrum::MagnitudeSpectrum;
use crate::window::{apply_window, gaussian, single_precision};
use crate::FrameGeometry;

/// Settings of a [`PitchAnalyzer`].
#[derive(Debug, Clone, Copy)]
pub struct PitchOptions {
    /// Nominal frame length in seconds: the bin spacing is derived from it.
    pub frame_sec: f64,
    /// σ of the Gaussian window, relative to half the frame.
    pub window_sigma: f64,
    /// Frame in the middle of the zero-padded FFT buffer.
    pub symmetric_padding: bool,
    pub scale: LogScaleOptions,
    pub shs: ShsOptions,
}

/// Pitch candidates of frames of one geometry.
#[derive(Clone)]
pub struct PitchAnalyzer {
    window: Vec<f32>,
    spectrum: MagnitudeSpectrum,
    scale: LogFrequencySpectrum,
    shs: SubharmonicSummation,
    windowed: Vec<f32>,
    mag: Vec<f32>,
    scaled: Vec<f32>,
    ss: Vec<f32>,
    work: SplineWork,
    /// Two groups of four frames: `analyse4` uses the first, `analyse8` both.
    lane_ss: [[Vec<f32>; 4]; 2],
    lane_windowed: [[Vec<f32>; 4]; 2],
    lane_mags: [[Vec<f32>; 4]; 2],
    lane_scaled: [[Vec<f32>; 4]; 2],
    lane_work: [LaneScaleWork; 2],
}

impl PitchAnalyzer {
    pub fn new(geometry: FrameGeometry, opts: PitchOptions) -> Self {
        let n = geometry.size;
        let k = geometry.fft_len;
        let n_mag = k / 2 + 1;
        // The level keeps the nominal frame length, stored in f32.
        let bin_hz = 1.0 / f64::from((opts.frame_sec * k as f64 / n as f64) as f32);
        let scale = LogFrequencySpectrum::new(n_mag, bin_hz, opts.scale);
        let shs = SubharmonicSummation::new(opts.shs, n_mag, &scale);
        PitchAnalyzer {
            window: single_precision(&gaussian(n, opts.window_sigma)),
            spectrum: MagnitudeSpectrum::new(k, n, opts.symmetric_padding),
            scale,
            shs,
            windowed: vec![0.0; n],
            mag: Vec::new(),
            scaled: Vec::new(),
            ss: Vec::new(),
            lane_ss: Default::default(),
            work: SplineWork::default(),
            lane_windowed: std::array::from_fn(|_| std::array::from_fn(|_| vec![0.0; n])),
            lane_mags: Default::default(),
            lane_scaled: Default::default(),
            lane_work: Default::default(),
        }
    }

    /// Candidates of one raw frame.
    pub fn analyse(&mut self, frame: &[f32]) -> PitchCandidates {
        apply_window(frame, &self.window, &mut self.windowed);
        self.spectrum.magnitude(&self.windowed, &mut self.mag);
        self.scale
            .apply(&self.mag, &mut self.work, &mut self.scaled);
        self.shs.detect(&self.scaled, &mut self.ss)
    }

    /// The windowed samples and magnitude spectrum of the frame last given to
    /// [`PitchAnalyzer::analyse`].
    pub fn last_frame(&self) -> (&[f32], &[f32]) {
        (&self.windowed, &self.mag)
    }

    /// The windowed samples and magnitude spectra of the four frames last
    /// given to [`PitchAnalyzer::analyse4`] (the first four of
    /// [`PitchAnalyzer::analyse8`]).
    pub fn last_lanes(&self) -> (&[Vec<f32>; 4], &[Vec<f32>; 4]) {
        (&self.lane_windowed[0], &self.lane_mags[0])
    }

    /// Window and magnitude spectrum of four frames into lane group `g`.
    fn spectra4(&mut self, frames: [&[f32]; 4], g: usize) {
        for (l, f) in frames.iter().enumerate() {
            apply_window(f, &self.window, &mut self.lane_windowed[g][l]);
            self.spectrum
                .magnitude(&self.lane_windowed[g][l], &mut self.lane_mags[g][l]);
        }
    }

    /// Candidates of four frames; the spline runs on the four side by side
    /// (results identical to four calls of [`PitchAnalyzer::analyse`]).
    pub fn analyse4(&mut self, frames: [&[f32]; 4]) -> [PitchCandidates; 4] {
        self.spectra4(frames, 0);
        let [m0, m1, m2, m3] = &self.lane_mags[0];
        self.scale.apply_lanes(
            [m0, m1, m2, m3],
            &mut self.lane_work[0],
            &mut self.lane_scaled[0],
        );
        let [c] = self.shs.detect_groups(
            first_groups(&self.lane_scaled),
            std::array::from_mut(&mut self.lane_ss[0]),
        );
        c
    }

    /// Candidates of eight frames: as [`PitchAnalyzer::analyse4`] twice, with
    /// the two groups' spline sweeps side by side (identical results).
    pub fn analyse8(&mut self, frames: [&[f32]; 8]) -> [PitchCandidates; 8] {
        let [a, b, c, d, e, f, g, h] = frames;
        self.spectra4([a, b, c, d], 0);
        self.spectra4([e, f, g, h], 1);
        let ([m0, m1, m2, m3], [m4, m5, m6, m7]) = (&self.lane_mags[0], &self.lane_mags[1]);
        self.scale.apply_lanes8(
            [m0, m1, m2, m3, m4, m5, m6, m7],
            &mut self.lane_work,
            &mut self.lane_scaled,
        );
        let [[c0, c1, c2, c3], [c4, c5, c6, c7]] = self
            .shs
            .detect_groups(first_groups(&self.lane_scaled), &mut self.lane_ss);
        [c0, c1, c2, c3, c4, c5, c6, c7]
    }
}

/// The first `G` of the lane groups' vectors, as slices.
fn first_groups<const G: usize>(groups: &[[Vec<f32>; 4]; 2]) -> [[&[f32]; 4]; G] {
    std::array::from_fn(|g| groups[g].each_ref().map(|v| &v[..]))
}
