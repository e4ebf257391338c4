//! Feature-by-feature agreement of two feature tables (ours against openSMILE's),
//! the way `symphonia-check` holds a decoder against a reference.

use crate::table::FeatureTable;
use std::collections::HashMap;

/// Agreement of one feature across the files both tables have.
#[derive(Debug, Clone)]
pub struct FeatureStat {
    pub name: String,
    /// Pearson correlation across files.
    pub r: f64,
    pub max_abs: f64,
    /// Largest |ours − ref| / |ref| over files with |ref| > 1e-6.
    pub max_rel: f64,
    /// The file with the largest absolute error.
    pub worst_file: String,
}

/// Result of [`compare`].
#[derive(Debug, Clone)]
pub struct Comparison {
    pub stats: Vec<FeatureStat>,
    pub files: usize,
    pub only_in_ours: Vec<String>,
    pub only_in_reference: Vec<String>,
    pub columns_missing_in_ours: Vec<String>,
}

/// Why two tables cannot be compared.
#[derive(Debug, thiserror::Error)]
pub enum CompareError {
    #[error("the two tables have no file (row name) in common")]
    NoCommonFiles,
    #[error("the two tables have no feature (column name) in common")]
    NoCommonFeatures,
}

/// Pearson r; two constant columns count as r = 1 when equal, a constant against
/// a varying one as r = 0.
pub fn pearson(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let ma = a.iter().sum::<f64>() / n;
    let mb = b.iter().sum::<f64>() / n;
    let (mut c, mut va, mut vb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        c += (x - ma) * (y - mb);
        va += (x - ma) * (x - ma);
        vb += (y - mb) * (y - mb);
    }
    let tiny = 1e-20 * n * (1.0 + ma * ma + mb * mb);
    match (va > tiny, vb > tiny) {
        (true, true) => c / (va.sqrt() * vb.sqrt()),
        (false, false) => {
            let same = a
                .iter()
                .zip(b)
                .all(|(x, y)| (x - y).abs() <= 1e-6 * (1.0 + y.abs()));
            if same {
                1.0
            } else {
                0.0
            }
        }
        _ => 0.0,
    }
}

/// Compares every feature both tables have over the files both have.
pub fn compare(ours: &FeatureTable, reference: &FeatureTable) -> Result<Comparison, CompareError> {
    let our_rows: HashMap<&str, &Vec<f32>> =
        ours.rows.iter().map(|(n, v)| (n.as_str(), v)).collect();
    let ref_rows: HashMap<&str, &Vec<f32>> = reference
        .rows
        .iter()
        .map(|(n, v)| (n.as_str(), v))
        .collect();
    let common: Vec<&str> = reference
        .rows
        .iter()
        .map(|(n, _)| n.as_str())
        .filter(|n| our_rows.contains_key(n))
        .collect();
    if common.is_empty() {
        return Err(CompareError::NoCommonFiles);
    }
    let our_cols: HashMap<&str, usize> = ours
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| (c.as_str(), i))
        .collect();
    let mut stats = Vec::new();
    let mut missing = Vec::new();
    for (ri, name) in reference.columns.iter().enumerate() {
        let Some(&oi) = our_cols.get(name.as_str()) else {
            missing.push(name.clone());
            continue;
        };
        let a: Vec<f64> = common.iter().map(|f| f64::from(our_rows[f][oi])).collect();
        let b: Vec<f64> = common.iter().map(|f| f64::from(ref_rows[f][ri])).collect();
        let (mut max_abs, mut max_rel, mut worst) = (0.0f64, 0.0f64, 0usize);
        for (i, (x, y)) in a.iter().zip(&b).enumerate() {
            let d = (x - y).abs();
            if d > max_abs {
                max_abs = d;
                worst = i;
            }
            if y.abs() > 1e-6 {
                max_rel = max_rel.max(d / y.abs());
            }
        }
        stats.push(FeatureStat {
            name: name.clone(),
            r: pearson(&a, &b),
            max_abs,
            max_rel,
            worst_file: common[worst].to_string(),
        });
    }
    if stats.is_empty() {
        return Err(CompareError::NoCommonFeatures);
    }
    Ok(Comparison {
        stats,
        files: common.len(),
        only_in_ours: ours
            .rows
            .iter()
            .filter(|(n, _)| !ref_rows.contains_key(n.as_str()))
            .map(|(n, _)| n.clone())
            .collect(),
        only_in_reference: reference
            .rows
            .iter()
            .filter(|(n, _)| !our_rows.contains_key(n.as_str()))
            .map(|(n, _)| n.clone())
            .collect(),
        columns_missing_in_ours: missing,
    })
}

/// The LLD group a feature belongs to: IS10's loudness, MFCC, mel bands, LSP
/// and pitch, or eGeMAPS's frequency (F0, formants), energy (loudness, HNR,
/// jitter, shimmer), spectral balance (alpha ratio, Hammarberg, slopes,
/// harmonic levels, flux, MFCC) and temporal groups (Eyben et al. 2016, §3).
pub fn group_of(feature: &str) -> &'static str {
    let formant =
        |f: &str| ["F1", "F2", "F3"].iter().any(|p| f.starts_with(p)) && !f.contains("amplitude");
    // eGeMAPS's names all carry its smoothing, `_sma3` or `_sma3nz`
    let egemaps = feature.contains("_sma3");
    if emo_egemaps::functionals::TEMPORAL_NAMES.contains(&feature) {
        "egemaps temporal"
    } else if egemaps && (feature.starts_with("F0semitone") || formant(feature)) {
        "egemaps frequency"
    } else if egemaps
        && ["loudness_sma3", "HNRdBACF", "jitterLocal", "shimmerLocaldB"]
            .iter()
            .any(|p| feature.starts_with(p))
    {
        "egemaps energy"
    } else if egemaps {
        "egemaps spectral"
    } else if feature.starts_with("pcm_loudness") {
        "loudness"
    } else if feature.starts_with("mfcc") {
        "mfcc"
    } else if feature.starts_with("logMelFreqBand") {
        "mel bands"
    } else if feature.starts_with("lspFreq") {
        "lsp"
    } else {
        "pitch"
    }
}

/// Summary of one group.
#[derive(Debug, Clone)]
pub struct GroupSummary {
    pub group: &'static str,
    pub features: usize,
    pub at_least: usize,
    pub min_r: f64,
    pub median_r: f64,
}

impl Comparison {
    /// Share of compared features with r ≥ `min_r`.
    pub fn share_at_least(&self, min_r: f64) -> f64 {
        self.stats.iter().filter(|s| s.r >= min_r).count() as f64 / self.stats.len() as f64
    }

    /// Per-group counts of features with r ≥ `min_r`, in the order loudness,
    /// MFCC, mel bands, LSP, pitch, then eGeMAPS's groups.
    pub fn groups(&self, min_r: f64) -> Vec<GroupSummary> {
        [
            "loudness",
            "mfcc",
            "mel bands",
            "lsp",
            "pitch",
            "egemaps frequency",
            "egemaps energy",
            "egemaps spectral",
            "egemaps temporal",
        ]
        .iter()
        .filter_map(|&g| {
            let mut rs: Vec<f64> = self
                .stats
                .iter()
                .filter(|s| group_of(&s.name) == g)
                .map(|s| s.r)
                .collect();
            if rs.is_empty() {
                return None;
            }
            rs.sort_by(f64::total_cmp);
            Some(GroupSummary {
                group: g,
                features: rs.len(),
                at_least: rs.iter().filter(|&&r| r >= min_r).count(),
                min_r: rs[0],
                median_r: rs[rs.len() / 2],
            })
        })
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn egemaps_features_fall_into_its_four_groups_and_is10_into_its_five() {
        let names = emo_egemaps::functionals::names();
        let count = |g: &str| names.iter().filter(|n| group_of(n) == g).count();
        assert_eq!(count("egemaps frequency"), 22);
        assert_eq!(count("egemaps energy"), 16);
        assert_eq!(count("egemaps spectral"), 43);
        assert_eq!(count("egemaps temporal"), 7);
        for n in crate::feature_names(emo_lld::FeatureSet::Is10) {
            assert!(!group_of(&n).starts_with("egemaps"), "{n}");
        }
    }

    #[test]
    fn pearson_cases() {
        assert!((pearson(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.0]) - 1.0).abs() < 1e-12);
        assert!((pearson(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]) + 1.0).abs() < 1e-12);
        assert_eq!(pearson(&[1.0, 1.0], &[1.0, 1.0]), 1.0);
        assert_eq!(pearson(&[1.0, 1.0], &[1.0, 2.0]), 0.0);
    }

    #[test]
    fn compares_by_name_and_finds_worst_file() {
        let r = FeatureTable {
            times: Vec::new(),
            columns: vec!["mfcc_sma[0]_amean".into(), "F0final_sma_amean".into()],
            rows: vec![
                ("a".into(), vec![1.0, 100.0]),
                ("b".into(), vec![2.0, 200.0]),
                ("c".into(), vec![3.0, 150.0]),
            ],
        };
        let o = FeatureTable {
            times: Vec::new(),
            columns: vec!["F0final_sma_amean".into()],
            rows: vec![
                ("c".into(), vec![150.0]),
                ("a".into(), vec![101.0]),
                ("b".into(), vec![200.0]),
                ("z".into(), vec![0.0]),
            ],
        };
        let c = compare(&o, &r).unwrap();
        assert_eq!(c.files, 3);
        assert_eq!(c.stats.len(), 1);
        assert_eq!(c.stats[0].worst_file, "a");
        assert!((c.stats[0].max_abs - 1.0).abs() < 1e-12);
        assert_eq!(
            c.columns_missing_in_ours,
            vec!["mfcc_sma[0]_amean".to_string()]
        );
        assert_eq!(c.only_in_ours, vec!["z".to_string()]);
        assert_eq!(c.groups(0.99)[0].group, "pitch");
    }
}

/// A frame-level table (openSMILE's LLD CSV layout): `frameTime`, then one
/// column per contour; empty cells are `None`.
#[derive(Debug, Clone, Default)]
pub struct FrameTable {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Option<f32>>>,
}

impl FrameTable {
    /// Reads a frame-level CSV, naming the file and line of anything malformed.
    pub fn read_csv(path: &std::path::Path) -> Result<Self, crate::table::TableError> {
        use crate::table::{parse_error, read_csv_cells};
        let (header, lines) = read_csv_cells(path)?;
        let columns: Vec<String> = header.into_iter().skip(1).collect();
        let mut rows = Vec::with_capacity(lines.len());
        for (lineno, fields) in lines {
            let mut row = Vec::with_capacity(columns.len());
            for (j, f) in fields[1..].iter().enumerate() {
                row.push(if f.trim().is_empty() {
                    None
                } else {
                    Some(f.trim().parse::<f32>().map_err(|_| {
                        parse_error(
                            path,
                            lineno,
                            format!("column '{}': '{}' is not a number", columns[j], f),
                        )
                    })?)
                });
            }
            rows.push(row);
        }
        Ok(FrameTable { columns, rows })
    }

    fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }
}

/// Frame-level agreement of one contour.
#[derive(Debug, Clone)]
pub struct FrameStat {
    pub name: String,
    pub frames: usize,
    pub max_abs: f64,
    pub mean_abs: f64,
}

/// Frame-level agreement over one or more files.
#[derive(Debug, Clone, Default)]
pub struct FrameComparison {
    pub stats: Vec<FrameStat>,
    /// Frames where both F0 values are present (`F0final_sma`, or eGeMAPS's
    /// `F0semitoneFrom27.5Hz_sma3nz`, compared in Hz).
    pub pitch_frames: usize,
    /// Frames where both agree on voiced (F0 > 0) or unvoiced.
    pub voicing_agree: usize,
    /// Frames voiced in both.
    pub both_voiced: usize,
    /// Of those, frames with F0 within 1 %.
    pub f0_within_1pct: usize,
    /// Row-count mismatches: (file, ours, reference).
    pub row_mismatches: Vec<(String, usize, usize)>,
}

impl FrameComparison {
    /// Adds one file's comparison.
    pub fn add(&mut self, file: &str, ours: &FrameTable, reference: &FrameTable) {
        if ours.rows.len() != reference.rows.len() {
            self.row_mismatches
                .push((file.to_string(), ours.rows.len(), reference.rows.len()));
        }
        let n = ours.rows.len().min(reference.rows.len());
        for (ri, name) in reference.columns.iter().enumerate() {
            let Some(oi) = ours.column(name) else {
                continue;
            };
            let idx = match self.stats.iter().position(|s| &s.name == name) {
                Some(i) => i,
                None => {
                    self.stats.push(FrameStat {
                        name: name.clone(),
                        frames: 0,
                        max_abs: 0.0,
                        mean_abs: 0.0,
                    });
                    self.stats.len() - 1
                }
            };
            let st = &mut self.stats[idx];
            for r in 0..n {
                if let (Some(a), Some(b)) = (ours.rows[r][oi], reference.rows[r][ri]) {
                    let d = (f64::from(a) - f64::from(b)).abs();
                    st.max_abs = st.max_abs.max(d);
                    st.mean_abs += d;
                    st.frames += 1;
                }
            }
        }
        // the F0 column of the set: IS10's in Hz, eGeMAPS's in semitones
        let f0 = [
            ("F0final_sma", false),
            ("F0semitoneFrom27.5Hz_sma3nz", true),
        ]
        .into_iter()
        .find_map(|(c, st)| Some((ours.column(c)?, reference.column(c)?, st)));
        if let Some((oi, ri, semitones)) = f0 {
            let hz = |v: f32| {
                if semitones && v > 0.0 {
                    27.5 * 2f32.powf(v / 12.0)
                } else {
                    v
                }
            };
            for r in 0..n {
                if let (Some(a), Some(b)) = (ours.rows[r][oi], reference.rows[r][ri]) {
                    let (a, b) = (hz(a), hz(b));
                    self.pitch_frames += 1;
                    if (a > 0.0) == (b > 0.0) {
                        self.voicing_agree += 1;
                    }
                    if a > 0.0 && b > 0.0 {
                        self.both_voiced += 1;
                        if (f64::from(a) / f64::from(b) - 1.0).abs() <= 0.01 {
                            self.f0_within_1pct += 1;
                        }
                    }
                }
            }
        }
    }

    /// Mean absolute errors are accumulated as sums until this is called.
    pub fn finish(&mut self) {
        for s in &mut self.stats {
            if s.frames > 0 {
                s.mean_abs /= s.frames as f64;
            }
        }
    }
}
