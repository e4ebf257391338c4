//! IS10 feature vectors: functionals over the LLD contours, in openSMILE's
//! order and with its names, plus reading and writing feature tables and
//! comparing them with openSMILE's.

pub mod batch;
pub mod compare;
pub mod level;
pub mod sets;
pub mod table;

use emo_functionals::{is10_functionals, is10_functionals4, onsets, pitch_group_names, NAMES};
use emo_lld::{contour_name, lld_base_names, Contours, FeatureSet, Settings, GROUP1};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

/// Revision of the numbers emo-pipe computes: bump it with every change that
/// alters any feature value, so feature stores recompute instead of reusing
/// values from older code.
pub const FEATURE_REVISION: u32 = 3;

/// Number of IS10 features.
pub const N_FEATURES: usize = 1582;

/// Nominal frame period of the turn features (s), at every sample rate.
const TURN_PERIOD: f64 = 0.010;

/// The 1582 feature names in openSMILE's order for a feature set.
pub fn feature_names(set: FeatureSet) -> Vec<String> {
    let bases = lld_base_names();
    let mut names = Vec::with_capacity(N_FEATURES);
    let pitch = pitch_group_names();
    for (range, funcs) in [(0..GROUP1, NAMES.to_vec()), (GROUP1..bases.len(), pitch)] {
        for suffix in ["_sma", "_sma_de"] {
            for b in &bases[range.clone()] {
                let c = contour_name(b, suffix);
                names.extend(funcs.iter().map(|f| format!("{c}_{f}")));
            }
        }
    }
    names.push(match set {
        FeatureSet::Is10 => "F0final__Turn_onsetRate".into(),
        FeatureSet::Is10Compat => "F0final__Turn_numOnsets".into(),
    });
    names.push("F0final__Turn_duration".into());
    names
}

/// The 1582 features of a set of contours.
pub fn functionals(c: &Contours, set: FeatureSet) -> Vec<f32> {
    let n = c.functional_frames();
    let mut out = Vec::with_capacity(N_FEATURES);
    fn rows(col: &[f32], n: usize) -> &[f32] {
        &col[..n.min(col.len())]
    }
    for block in [&c.sma, &c.delta] {
        // four contours at a time (all of a block have the same frames)
        let mut cols = block[..GROUP1].chunks_exact(4);
        for four in cols.by_ref() {
            is10_functionals4(std::array::from_fn(|l| rows(&four[l], n)), &mut out);
        }
        for col in cols.remainder() {
            is10_functionals(rows(col, n), false, &mut out);
        }
    }
    let mut voiced = Vec::new();
    for block in [&c.sma, &c.delta] {
        for col in &block[GROUP1..] {
            voiced.clear();
            voiced.extend(rows(col, n).iter().filter(|&&v| v != 0.0));
            is10_functionals(&voiced, true, &mut out);
        }
    }
    let duration = c.f0_final.len() as f64 * TURN_PERIOD;
    let count = onsets(&c.f0_final, 0.0) as f64;
    out.push(match set {
        FeatureSet::Is10 if duration > 0.0 => (count / duration) as f32,
        FeatureSet::Is10 => 0.0,
        FeatureSet::Is10Compat => count as f32,
    });
    out.push(duration as f32);
    // Non-finite values cannot arise from finite input, but a NaN must never
    // reach an output file.
    for v in out.iter_mut() {
        if !v.is_finite() {
            *v = 0.0;
        }
    }
    out
}

/// Why a file's features could not be computed. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum FeatureError {
    #[error(transparent)]
    Audio(#[from] emo_audio::AudioError),
    #[error("{path}: {source}")]
    Lld {
        path: PathBuf,
        source: emo_lld::LldError,
    },
    #[error("{path}: {source}")]
    Egemaps {
        path: PathBuf,
        source: emo_egemaps::EgemapsError,
    },
}

/// Features and contours of one file or signal.
#[derive(Debug, Clone)]
pub struct Extracted {
    pub features: Vec<f32>,
    pub contours: Contours,
    /// Duration of the analysed samples in seconds.
    pub duration_sec: f64,
    /// Number of analysed (mono) samples.
    pub frames: usize,
    pub sample_rate: u32,
}

impl Extracted {
    /// The functionals of `contours`, of `frames` samples at `sample_rate`.
    pub(crate) fn of(contours: Contours, set: FeatureSet, frames: usize, sample_rate: u32) -> Self {
        Extracted {
            features: functionals(&contours, set),
            contours,
            duration_sec: frames as f64 / f64::from(sample_rate.max(1)),
            frames,
            sample_rate,
        }
    }
}

/// Reads a file and computes its IS10 features. The audio is decoded and
/// analysed block by block, never held whole: memory grows with the number of
/// 10 ms frames, not with the sample rate or channel count.
pub fn extract_file(
    path: &Path,
    settings: &Settings,
    read: &emo_audio::ReadOptions,
) -> Result<Extracted, FeatureError> {
    let mut lld: Option<Result<emo_lld::Extractor, emo_lld::LldError>> = None;
    let info = emo_audio::stream_audio(path, read, &mut |rate, block| match lld
        .get_or_insert_with(|| emo_lld::Extractor::new(rate, settings))
    {
        Ok(x) => {
            x.push(block);
            ControlFlow::Continue(())
        }
        Err(_) => ControlFlow::Break(()),
    })?;
    let lld_error = |source| FeatureError::Lld {
        path: path.to_owned(),
        source,
    };
    // stream_audio succeeds only after handing over at least one block
    let x = match lld {
        Some(r) => r.map_err(lld_error)?,
        None => emo_lld::Extractor::new(info.sample_rate, settings).map_err(lld_error)?,
    };
    Ok(Extracted::of(
        x.finish(),
        settings.feature_set,
        info.frames,
        info.sample_rate,
    ))
}

/// Computes IS10 features of mono samples held in memory.
pub fn extract_samples(
    samples: &[f32],
    sample_rate: u32,
    settings: &Settings,
) -> Result<Extracted, emo_lld::LldError> {
    let contours = emo_lld::extract(samples, sample_rate, settings)?;
    Ok(Extracted::of(
        contours,
        settings.feature_set,
        samples.len(),
        sample_rate,
    ))
}

/// Row names of a batch: each file's stem (as openSMILE's reference tables
/// name rows); where two files share a stem, their file names, and where those
/// collide too, their paths.
pub fn row_names(paths: &[PathBuf]) -> Vec<String> {
    use std::collections::HashMap;
    let stems: Vec<String> = paths.iter().map(|p| row_name(p)).collect();
    let mut count: HashMap<&str, usize> = HashMap::new();
    for s in &stems {
        *count.entry(s.as_str()).or_default() += 1;
    }
    let names: Vec<String> = paths
        .iter()
        .zip(&stems)
        .map(|(p, s)| {
            if count[s.as_str()] > 1 {
                p.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| s.clone())
            } else {
                s.clone()
            }
        })
        .collect();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for n in &names {
        *seen.entry(n.as_str()).or_default() += 1;
    }
    names
        .iter()
        .zip(paths)
        .map(|(n, p)| {
            if seen[n.as_str()] > 1 {
                p.display().to_string()
            } else {
                n.clone()
            }
        })
        .collect()
}

/// Row name of a file: its stem, as openSMILE's reference tables use.
pub fn row_name(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_1582_and_in_openmile_order() {
        let n = feature_names(FeatureSet::Is10);
        assert_eq!(n.len(), N_FEATURES);
        assert_eq!(n[0], "pcm_loudness_sma_maxPos");
        assert_eq!(n[714], "pcm_loudness_sma_de_maxPos");
        assert_eq!(n[1428], "F0final_sma_maxPos");
        assert_eq!(n[1504], "F0final_sma_de_maxPos");
        assert_eq!(n[1579], "shimmerLocal_sma_de_upleveltime90");
        assert_eq!(n[1580], "F0final__Turn_onsetRate");
        assert_eq!(
            feature_names(FeatureSet::Is10Compat)[1580],
            "F0final__Turn_numOnsets"
        );
        assert!(n.contains(&"mfcc_sma_de[3]_kurtosis".to_string()));
    }

    #[test]
    fn colliding_stems_are_disambiguated() {
        let p: Vec<PathBuf> = ["a/x.wav", "b/x.flac", "c/y.wav", "d/z.wav", "e/z.wav"]
            .iter()
            .map(PathBuf::from)
            .collect();
        assert_eq!(
            row_names(&p),
            vec!["x.wav", "x.flac", "y", "d/z.wav", "e/z.wav"]
        );
    }

    #[test]
    fn short_input_gives_finite_zeros_not_nan() {
        let f = extract_samples(&[0.0; 500], 16000, &Settings::default())
            .unwrap()
            .features;
        assert_eq!(f.len(), N_FEATURES);
        assert!(f.iter().all(|v| v.is_finite()));
    }
}
