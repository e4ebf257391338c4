//! Output levels, as opensmile-python names them: one row of functionals per
//! signal, or one row per frame of the smoothed LLDs or of their deltas, each
//! row with the time span openSMILE stamps on it.

use crate::{feature_names, Extracted};
use emo_lld::{contour_name, lld_base_names, FeatureSet};

/// What one row of output is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Level {
    /// The functionals of the whole signal: one row.
    #[default]
    Functionals,
    /// The smoothed LLDs (`*_sma`): one row per frame.
    Lld,
    /// Their deltas (`*_sma_de`): one row per frame, two more than [`Level::Lld`].
    LldDeltas,
}

impl std::str::FromStr for Level {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "func" | "functionals" => Ok(Level::Functionals),
            "lld" => Ok(Level::Lld),
            "lld_de" => Ok(Level::LldDeltas),
            other => Err(format!(
                "unknown feature level '{other}' (expected func, lld or lld_de)"
            )),
        }
    }
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Level::Functionals => "func",
            Level::Lld => "lld",
            Level::LldDeltas => "lld_de",
        })
    }
}

/// Column names of a level, in openSMILE's order.
pub fn level_names(set: FeatureSet, level: Level) -> Vec<String> {
    let suffix = match level {
        Level::Functionals => return feature_names(set),
        Level::Lld => "_sma",
        Level::LldDeltas => "_sma_de",
    };
    lld_base_names()
        .iter()
        .map(|b| contour_name(b, suffix))
        .collect()
}

/// The rows of one level for one extracted signal.
#[derive(Debug, Clone, PartialEq)]
pub struct Rows {
    /// Row-major values, `starts.len()` rows of `columns` values.
    pub values: Vec<f32>,
    pub columns: usize,
    /// Start of each row in seconds from the first analysed sample.
    pub starts: Vec<f64>,
    /// Length of each row's frame in seconds (functionals: the whole signal).
    pub lengths: Vec<f64>,
}

impl Rows {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    /// True if there is no row (a signal shorter than one frame, at a frame level).
    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }
}

/// The rows of `level` for `x`.
pub fn level_rows(x: &Extracted, level: Level) -> Rows {
    let c = &x.contours;
    let cols = match level {
        Level::Functionals => {
            return Rows {
                values: x.features.clone(),
                columns: x.features.len(),
                starts: vec![0.0],
                lengths: vec![x.duration_sec],
            }
        }
        Level::Lld => &c.sma,
        Level::LldDeltas => &c.delta,
    };
    let n = cols.first().map_or(0, Vec::len);
    let mut values = Vec::with_capacity(n * cols.len());
    for r in 0..n {
        values.extend(cols.iter().map(|col| col[r]));
    }
    Rows {
        values,
        columns: cols.len(),
        starts: (0..n).map(|r| c.frame_time(r)).collect(),
        lengths: vec![c.frame_sec; n],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use emo_lld::Settings;

    #[test]
    fn levels_parse_as_opensmile_python_names_them() {
        for (s, l) in [
            ("func", Level::Functionals),
            ("lld", Level::Lld),
            ("lld_de", Level::LldDeltas),
        ] {
            assert_eq!(s.parse::<Level>().unwrap(), l);
            assert_eq!(l.to_string(), s);
        }
        assert!("llds".parse::<Level>().unwrap_err().contains("lld_de"));
    }

    #[test]
    fn frame_rows_carry_openmile_times() {
        // 1 s of a 200 Hz tone at 16 kHz: (16000 − 960)/160 + 1 = 95 complete 60 ms frames
        let x: Vec<f32> = (0..16000)
            .map(|i| (i as f32 * 200.0 * std::f32::consts::TAU / 16000.0).sin() * 0.3)
            .collect();
        let e = crate::extract_samples(&x, 16000, &Settings::default()).unwrap();
        let n60 = e.contours.n60;
        assert_eq!(n60, 95);
        let lld = level_rows(&e, Level::Lld);
        assert_eq!(lld.len(), n60);
        assert_eq!(lld.columns, 38);
        assert_eq!(lld.starts[3], 0.03);
        assert_eq!(lld.lengths[0], 0.025);
        assert_eq!(lld.values[38], e.contours.sma[0][1]);
        let de = level_rows(&e, Level::LldDeltas);
        assert_eq!(de.len(), n60 + 2);
        // the two padding rows repeat the last frame's time
        assert_eq!(de.starts[n60 + 1], de.starts[n60 - 1]);
        let f = level_rows(&e, Level::Functionals);
        assert_eq!((f.len(), f.columns, f.lengths[0]), (1, 1582, 1.0));
        assert_eq!(
            level_names(FeatureSet::Is10, Level::LldDeltas)[1],
            "mfcc_sma_de[0]"
        );
    }
}
