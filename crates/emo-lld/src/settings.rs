//! The two IS10 variants and the constants that differ between them.

use crate::quirks::Quirks;

/// Which IS10 configuration to reproduce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum FeatureSet {
    /// openSMILE 3.x `IS10_paraling` (the maintained variant).
    #[default]
    Is10,
    /// `IS10_paraling_compat`: the INTERSPEECH 2010 challenge set.
    Is10Compat,
}

impl std::str::FromStr for FeatureSet {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "is10" => Ok(FeatureSet::Is10),
            "is10-compat" => Ok(FeatureSet::Is10Compat),
            other => Err(format!(
                "unknown feature set '{other}' (expected is10 or is10-compat)"
            )),
        }
    }
}

impl std::fmt::Display for FeatureSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            FeatureSet::Is10 => "is10",
            FeatureSet::Is10Compat => "is10-compat",
        })
    }
}

/// Everything that parameterises one extraction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Settings {
    pub feature_set: FeatureSet,
    pub quirks: Quirks,
}

/// Constants of a variant (see docs/is10.md for the table).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Variant {
    /// Frames placed in the middle of the zero-padded FFT buffer (affects LSPs only).
    pub symmetric_padding: bool,
    /// Lowest frequency of the log-frequency pitch spectrum.
    pub shs_min_hz: f64,
    /// Peak enhancement, smoothing and auditory weighting of the pitch spectrum.
    pub shs_spectrum_shaping: bool,
    pub shs_candidates: usize,
    pub shs_greedy: bool,
    pub voicing_cutoff: f32,
    /// Relative search range of the jitter period search.
    pub jitter_search_range: f64,
    /// Pitch-group smoothing skips zeros.
    pub pitch_sma_skips_zeros: bool,
    /// Pitch-group deltas only inside voiced segments.
    pub pitch_delta_in_segments: bool,
}

impl Variant {
    pub fn of(set: FeatureSet) -> Self {
        match set {
            FeatureSet::Is10Compat => Variant {
                symmetric_padding: false,
                shs_min_hz: 25.0,
                shs_spectrum_shaping: false,
                shs_candidates: 3,
                shs_greedy: false,
                voicing_cutoff: 0.75,
                jitter_search_range: 0.25,
                pitch_sma_skips_zeros: false,
                pitch_delta_in_segments: false,
            },
            FeatureSet::Is10 => Variant {
                symmetric_padding: true,
                shs_min_hz: 20.0,
                shs_spectrum_shaping: true,
                shs_candidates: 6,
                shs_greedy: true,
                voicing_cutoff: 0.70,
                jitter_search_range: 0.2,
                pitch_sma_skips_zeros: true,
                pitch_delta_in_segments: true,
            },
        }
    }
}
