//! The eGeMAPS v02 low-level descriptors (Eyben et al. 2016, "The Geneva
//! Minimalistic Acoustic Parameter Set (GeMAPS) for Voice Research and
//! Affective Computing", IEEE Trans. Affective Computing 7(2)), frame for
//! frame as openSMILE 3.x computes them. docs/egemaps.md walks through the chain.

pub mod spectral;

pub use spectral::{SpectralBranch, SpectralFrame};

use emo_dsp::smoothing::moving_average3;
use emo_dsp::FrameGeometry;

/// Names of the spectral (energy-related) contours in openSMILE's order, without
/// the `_sma3` suffix.
pub const SPECTRAL_NAMES: [&str; 10] = [
    "Loudness",
    "alphaRatio",
    "hammarbergIndex",
    "slope0-500",
    "slope500-1500",
    "spectralFlux",
    "mfcc1",
    "mfcc2",
    "mfcc3",
    "mfcc4",
];

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

/// The ten spectral contours (`*_sma3`, see [`SPECTRAL_NAMES`]) of mono
/// samples, one value per LLD row.
pub fn spectral_contours(samples: &[f32], sample_rate: u32) -> Result<Vec<Vec<f32>>, EgemapsError> {
    let (g20, g60) = geometries(sample_rate)?;
    let rows = row_count(samples.len(), g60);
    let mut branch = SpectralBranch::new(g20);
    let mut raw: [Vec<f32>; 10] = Default::default();
    for k in 0..g20.count(samples.len()) {
        let f = branch.analyse(g20.frame(samples, 0, k));
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
    }
    Ok(raw.iter().map(|c| moving_average3(c, rows)).collect())
}
