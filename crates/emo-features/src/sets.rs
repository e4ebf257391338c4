//! The feature sets emo-pipe computes, behind one seam: a set is named by a
//! [`Choice`] and everything a front end needs (extracting a file or a
//! signal, its column names, its rows at each level, its LLD CSV) goes through
//! the functions here. IS10 and IS10-compat run the `emo-lld` chain with the
//! IS10 functionals; eGeMAPS v02 runs `emo-egemaps`, and GeMAPS v01b is a
//! selection of its columns. Adding a set is a crate that computes it, a
//! [`SetName`] variant and one arm in each match below.

use crate::level::{level_names, level_rows, Level, Rows};
use crate::{Extracted, FeatureError};
use emo_lld::{FeatureSet, Quirks, Settings};
use std::fmt::Write as _;
use std::path::Path;

/// Which feature set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SetName {
    /// openSMILE 3.x IS10_paraling or IS10_paraling_compat (1582 features).
    Is10(FeatureSet),
    /// eGeMAPS v02 (Eyben et al. 2016; 88 features, 25 LLDs).
    Egemaps,
    /// GeMAPS v01b (Eyben et al. 2016, §3.1; 62 features, 18 LLDs): the
    /// eGeMAPS chain's columns without the extension (`emo_egemaps::gemaps`).
    Gemaps,
    /// IS10 (1582) followed by eGeMAPS v02 (88): 1670 functionals of one
    /// signal, for models that use both. Its two LLD sets have different
    /// frames, so it has the functional level only.
    Is10Egemaps,
}

impl Default for SetName {
    fn default() -> Self {
        SetName::Is10(FeatureSet::Is10)
    }
}

impl SetName {
    /// Every set, in the order help texts list them.
    pub const ALL: [SetName; 5] = [
        SetName::Is10(FeatureSet::Is10),
        SetName::Is10(FeatureSet::Is10Compat),
        SetName::Egemaps,
        SetName::Gemaps,
        SetName::Is10Egemaps,
    ];

    /// Number of functionals.
    pub fn width(&self) -> usize {
        match self {
            SetName::Is10(_) => crate::N_FEATURES,
            SetName::Egemaps => emo_egemaps::functionals::N_FUNCTIONALS,
            SetName::Gemaps => emo_egemaps::gemaps::N_FUNCTIONALS,
            SetName::Is10Egemaps => crate::N_FEATURES + emo_egemaps::functionals::N_FUNCTIONALS,
        }
    }
}

impl std::str::FromStr for SetName {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "egemaps" | "egemapsv02" | "eGeMAPSv02" => Ok(SetName::Egemaps),
            "gemaps" | "gemapsv01b" | "GeMAPSv01b" => Ok(SetName::Gemaps),
            "is10+egemaps" => Ok(SetName::Is10Egemaps),
            other => other.parse().map(SetName::Is10).map_err(|_| {
                format!(
                    "unknown feature set '{other}' (expected is10, is10-compat, egemaps, gemaps or is10+egemaps)"
                )
            }),
        }
    }
}

impl std::fmt::Display for SetName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SetName::Is10(s) => s.fmt(f),
            SetName::Egemaps => f.write_str("egemaps"),
            SetName::Gemaps => f.write_str("gemaps"),
            SetName::Is10Egemaps => f.write_str("is10+egemaps"),
        }
    }
}

/// A feature set with its settings (IS10's quirks; eGeMAPS has none to choose).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Choice {
    pub set: SetName,
    pub quirks: Quirks,
}

impl Choice {
    /// A set with the IS10 quirks it runs. Quirks other than the defaults are
    /// refused for a set without an IS10 chain (eGeMAPS), where they would be
    /// silently ignored; every front end builds its choice here.
    pub fn new(set: SetName, quirks: Quirks) -> Result<Choice, String> {
        let choice = Choice { set, quirks };
        if choice.is10_part().is_none() && quirks != Quirks::default() {
            return Err(format!(
                "the loudness mode and the quirk switches choose IS10 variants; {set} has none \
(leave them at their defaults)"
            ));
        }
        Ok(choice)
    }

    /// The IS10 settings, when the set is an IS10 variant.
    pub fn is10(&self) -> Option<Settings> {
        match self.set {
            SetName::Is10(feature_set) => Some(Settings {
                feature_set,
                quirks: self.quirks,
            }),
            SetName::Egemaps | SetName::Gemaps | SetName::Is10Egemaps => None,
        }
    }

    /// The settings of the IS10 chain the set runs, alone or with another.
    pub fn is10_part(&self) -> Option<Settings> {
        match self.set {
            SetName::Is10Egemaps => Some(Settings {
                feature_set: FeatureSet::Is10,
                quirks: self.quirks,
            }),
            _ => self.is10(),
        }
    }

    /// Number of functionals.
    pub fn width(&self) -> usize {
        self.set.width()
    }

    /// Column names of a level.
    pub fn names(&self, level: Level) -> Result<Vec<String>, String> {
        match self.set {
            SetName::Is10(s) => Ok(level_names(s, level)),
            SetName::Egemaps => match level {
                Level::Functionals => Ok(emo_egemaps::functionals::names()),
                Level::Lld => Ok(emo_egemaps::LLD_NAMES.map(String::from).to_vec()),
                Level::LldDeltas => Err(no_deltas()),
            },
            SetName::Gemaps => match level {
                Level::Functionals => Ok(emo_egemaps::gemaps::names()),
                Level::Lld => Ok(emo_egemaps::gemaps::lld_names()
                    .into_iter()
                    .map(String::from)
                    .collect()),
                Level::LldDeltas => Err(no_deltas()),
            },
            SetName::Is10Egemaps => match level {
                Level::Functionals => {
                    let mut v = level_names(FeatureSet::Is10, level);
                    v.extend(emo_egemaps::functionals::names());
                    Ok(v)
                }
                _ => Err(functionals_only()),
            },
        }
    }
}

fn no_deltas() -> String {
    "eGeMAPS and GeMAPS have no delta level (their LLDs are smoothed, not differenced): use func or lld"
        .into()
}

fn functionals_only() -> String {
    "is10+egemaps has functionals only (the two sets' LLDs have different frames): \
extract the LLDs of is10 and egemaps separately"
        .into()
}

/// eGeMAPS (or GeMAPS) output of one signal.
#[derive(Debug, Clone)]
pub struct EgemapsExtracted {
    pub features: Vec<f32>,
    pub llds: emo_egemaps::Llds,
    /// The LLDs of the set among eGeMAPS's 25 (all of them, or GeMAPS's 18).
    pub lld_columns: &'static [usize],
    pub duration_sec: f64,
    pub frames: usize,
    pub sample_rate: u32,
}

impl EgemapsExtracted {
    /// The set's LLD contours, in its column order.
    fn selected_llds(&self) -> Vec<&[f32]> {
        let all = self.llds.columns();
        self.lld_columns.iter().map(|&c| &all[c][..]).collect()
    }
}

/// The output of any set for one signal.
#[derive(Debug, Clone)]
pub enum AnyExtracted {
    Is10(Extracted),
    Egemaps(EgemapsExtracted),
    /// IS10 then eGeMAPS: `features` is their functionals, concatenated.
    Is10Egemaps {
        features: Vec<f32>,
        is10: Extracted,
        egemaps: EgemapsExtracted,
    },
}

impl AnyExtracted {
    pub fn features(&self) -> &[f32] {
        match self {
            AnyExtracted::Is10(x) => &x.features,
            AnyExtracted::Egemaps(x) => &x.features,
            AnyExtracted::Is10Egemaps { features, .. } => features,
        }
    }

    pub fn into_features(self) -> Vec<f32> {
        match self {
            AnyExtracted::Is10(x) => x.features,
            AnyExtracted::Egemaps(x) => x.features,
            AnyExtracted::Is10Egemaps { features, .. } => features,
        }
    }

    /// Analysed (mono) samples and their rate.
    pub fn frames_and_rate(&self) -> (usize, u32) {
        match self {
            AnyExtracted::Is10(x) => (x.frames, x.sample_rate),
            AnyExtracted::Egemaps(x) | AnyExtracted::Is10Egemaps { egemaps: x, .. } => {
                (x.frames, x.sample_rate)
            }
        }
    }

    /// The rows of a level.
    pub fn rows(&self, level: Level) -> Result<Rows, String> {
        match self {
            AnyExtracted::Is10(x) => Ok(level_rows(x, level)),
            AnyExtracted::Egemaps(x) => match level {
                Level::Functionals => Ok(Rows {
                    values: x.features.clone(),
                    columns: x.features.len(),
                    starts: vec![0.0],
                    lengths: vec![x.duration_sec],
                }),
                Level::Lld => {
                    let l = &x.llds;
                    let (n, columns) = (l.rows(), x.selected_llds());
                    let mut values = Vec::with_capacity(n * columns.len());
                    for r in 0..n {
                        values.extend(columns.iter().map(|c| c[r]));
                    }
                    Ok(Rows {
                        values,
                        columns: columns.len(),
                        starts: (0..n).map(|r| r as f64 * l.step_sec).collect(),
                        lengths: vec![l.frame_sec; n],
                    })
                }
                Level::LldDeltas => Err(no_deltas()),
            },
            AnyExtracted::Is10Egemaps {
                features, egemaps, ..
            } => match level {
                Level::Functionals => Ok(Rows {
                    values: features.clone(),
                    columns: features.len(),
                    starts: vec![0.0],
                    lengths: vec![egemaps.duration_sec],
                }),
                _ => Err(functionals_only()),
            },
        }
    }

    /// The frame-level CSV openSMILE writes for the set (`frameTime`, then the LLDs).
    pub fn lld_csv(&self) -> Result<String, String> {
        Ok(match self {
            AnyExtracted::Is10Egemaps { .. } => return Err(functionals_only()),
            AnyExtracted::Is10(x) => crate::table::lld_csv(&x.contours),
            AnyExtracted::Egemaps(x) => {
                let l = &x.llds;
                let mut s = String::from("frameTime");
                for &c in x.lld_columns {
                    s.push(',');
                    s.push_str(emo_egemaps::LLD_NAMES[c]);
                }
                s.push('\n');
                let columns = x.selected_llds();
                for r in 0..l.rows() {
                    let t = r as f64 * l.step_sec;
                    let _ = write!(s, "{}", (t * 1e6).round() / 1e6);
                    for c in &columns {
                        s.push(',');
                        crate::table::push_number(&mut s, c[r]);
                    }
                    s.push('\n');
                }
                s
            }
        })
    }
}

/// Positions of all 25 eGeMAPS LLDs.
const ALL_EGEMAPS_LLDS: [usize; emo_egemaps::LLD_NAMES.len()] = {
    let mut c = [0; emo_egemaps::LLD_NAMES.len()];
    let mut i = 0;
    while i < c.len() {
        c[i] = i;
        i += 1;
    }
    c
};

/// The chosen set of one signal as a stream: samples go in block by block
/// ([`SetStream::push`]) to the set's extractors (both for is10+egemaps), which
/// keep only the samples later frames read, so a file or stream of any length
/// is never held whole. Any split into blocks gives the same features.
pub struct SetStream {
    parts: Parts,
    sample_rate: u32,
    frames: usize,
}

/// The extractors a set runs (boxed: each is a few kB of tables and scratch).
enum Parts {
    Is10(Box<emo_lld::Extractor>, FeatureSet),
    /// eGeMAPS, or GeMAPS: its columns of the same chain.
    Egemaps(Box<emo_egemaps::Extractor>, Columns),
    Both(Box<(emo_lld::Extractor, FeatureSet, emo_egemaps::Extractor)>),
}

/// Which columns of the eGeMAPS chain a set reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Columns {
    /// All of eGeMAPS v02.
    Egemaps,
    /// GeMAPS v01b: eGeMAPS without its extension ([`emo_egemaps::gemaps`]).
    Gemaps,
}

impl SetStream {
    /// Extractors for a signal at `sample_rate`; `name` names it in errors (a
    /// rate the set cannot analyse).
    pub fn new(sample_rate: u32, choice: &Choice, name: &Path) -> Result<Self, FeatureError> {
        let is10 = |settings: Settings| {
            emo_lld::Extractor::new(sample_rate, &settings).map_err(|source| FeatureError::Lld {
                path: name.to_owned(),
                source,
            })
        };
        let egemaps = || {
            emo_egemaps::Extractor::new(sample_rate).map_err(|source| FeatureError::Egemaps {
                path: name.to_owned(),
                source,
            })
        };
        let parts = match (choice.is10_part(), choice.set) {
            (None, set) => {
                let columns = match set {
                    SetName::Gemaps => Columns::Gemaps,
                    _ => Columns::Egemaps,
                };
                Parts::Egemaps(Box::new(egemaps()?), columns)
            }
            (Some(s), SetName::Is10Egemaps) => {
                Parts::Both(Box::new((is10(s)?, s.feature_set, egemaps()?)))
            }
            (Some(s), _) => Parts::Is10(Box::new(is10(s)?), s.feature_set),
        };
        Ok(SetStream {
            parts,
            sample_rate,
            frames: 0,
        })
    }

    /// The next block of mono samples.
    pub fn push(&mut self, block: &[f32]) {
        self.frames += block.len();
        match &mut self.parts {
            Parts::Is10(x, _) => x.push(block),
            Parts::Egemaps(e, _) => e.push(block),
            Parts::Both(b) => {
                let (x, _, e) = &mut **b;
                x.push(block);
                e.push(block);
            }
        }
    }

    /// Ends the signal: its features.
    pub fn finish(self) -> AnyExtracted {
        let (frames, rate) = (self.frames, self.sample_rate);
        let is10 = |x: emo_lld::Extractor, set| Extracted::of(x.finish(), set, frames, rate);
        let egemaps = |x: emo_egemaps::Extractor| {
            let llds = x.finish();
            EgemapsExtracted {
                features: emo_egemaps::functionals::functionals(&llds),
                llds,
                lld_columns: &ALL_EGEMAPS_LLDS,
                duration_sec: frames as f64 / f64::from(rate.max(1)),
                frames,
                sample_rate: rate,
            }
        };
        match self.parts {
            Parts::Is10(x, set) => AnyExtracted::Is10(is10(*x, set)),
            Parts::Egemaps(e, Columns::Egemaps) => AnyExtracted::Egemaps(egemaps(*e)),
            Parts::Egemaps(e, Columns::Gemaps) => {
                let mut x = egemaps(*e);
                x.features = emo_egemaps::gemaps::functionals(&x.features);
                x.lld_columns = emo_egemaps::gemaps::lld_columns();
                AnyExtracted::Egemaps(x)
            }
            Parts::Both(b) => {
                let (x, set, e) = *b;
                let (is10, egemaps) = (is10(x, set), egemaps(e));
                let mut features = is10.features.clone();
                features.extend_from_slice(&egemaps.features);
                AnyExtracted::Is10Egemaps {
                    features,
                    is10,
                    egemaps,
                }
            }
        }
    }
}

/// Reads a file and computes the chosen set, decoding and analysing it block
/// by block (memory grows with the number of 10 ms frames, not with the audio).
pub fn extract_file(
    path: &Path,
    choice: &Choice,
    read: &emo_audio::ReadOptions,
) -> Result<AnyExtracted, FeatureError> {
    let mut stream: Option<Result<SetStream, FeatureError>> = None;
    let info = emo_audio::stream_audio(path, read, &mut |rate, block| match stream
        .get_or_insert_with(|| SetStream::new(rate, choice, path))
    {
        Ok(x) => {
            x.push(block);
            std::ops::ControlFlow::Continue(())
        }
        Err(_) => std::ops::ControlFlow::Break(()),
    });
    match stream {
        // a rate the set refuses stops the decoder: that is the error to report
        Some(Err(e)) => Err(e),
        Some(Ok(x)) => {
            info?;
            Ok(x.finish())
        }
        // stream_audio succeeds only after handing over at least one block
        None => Err(info.err().map_or_else(
            || {
                FeatureError::Audio(emo_audio::AudioError::Invalid {
                    path: path.to_owned(),
                    reason: "no audio samples".into(),
                })
            },
            FeatureError::from,
        )),
    }
}

/// Computes the chosen set of mono samples held in memory; `name` names the
/// signal in errors.
pub fn extract_samples(
    samples: &[f32],
    sample_rate: u32,
    choice: &Choice,
    name: &Path,
) -> Result<AnyExtracted, FeatureError> {
    let mut x = SetStream::new(sample_rate, choice, name)?;
    // in blocks, so the extractors' windows stay small
    for block in samples.chunks(1 << 16) {
        x.push(block);
    }
    Ok(x.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quirks_are_refused_only_where_no_is10_chain_reads_them() {
        for set in SetName::ALL {
            for quirks in [Quirks::default(), Quirks::opensmile3(), Quirks::fixed()] {
                let got = Choice::new(set, quirks);
                let reads_them = !matches!(set, SetName::Egemaps | SetName::Gemaps);
                assert_eq!(
                    got.is_ok(),
                    reads_them || quirks == Quirks::default(),
                    "{set} {quirks:?}"
                );
            }
        }
    }

    #[test]
    fn set_names_round_trip() {
        for s in SetName::ALL {
            assert_eq!(s.to_string().parse::<SetName>(), Ok(s));
        }
        assert_eq!("eGeMAPSv02".parse::<SetName>(), Ok(SetName::Egemaps));
        assert!("compare"
            .parse::<SetName>()
            .unwrap_err()
            .contains("egemaps"));
    }

    #[test]
    fn egemaps_levels() {
        let c = Choice {
            set: SetName::Egemaps,
            quirks: Quirks::default(),
        };
        assert_eq!(c.names(Level::Functionals).unwrap().len(), 88);
        assert_eq!(c.names(Level::Lld).unwrap().len(), 25);
        assert!(c.names(Level::LldDeltas).is_err());
        // one second of a 200 Hz tone with harmonics
        let x: Vec<f32> = (0..16000)
            .map(|i| {
                let t = i as f32 / 16000.0;
                (1..5)
                    .map(|h| (2.0 * std::f32::consts::PI * 200.0 * h as f32 * t).sin() / h as f32)
                    .sum::<f32>()
                    * 0.3
            })
            .collect();
        let e = extract_samples(&x, 16000, &c, Path::new("tone")).unwrap();
        assert_eq!(e.features().len(), 88);
        assert!(e.features().iter().all(|v| v.is_finite()));
        let rows = e.rows(Level::Lld).unwrap();
        assert_eq!(rows.columns, 25);
        // (16000 − 960)/160 + 1 = 95 frames of 60 ms, plus the smoother's extra row
        assert_eq!(rows.len(), 95 + 1);
        assert!(e.lld_csv().unwrap().starts_with("frameTime,Loudness_sma3,"));
        // both sets together: IS10's functionals, then eGeMAPS's
        let both = Choice {
            set: SetName::Is10Egemaps,
            ..c
        };
        let b = extract_samples(&x, 16000, &both, Path::new("tone")).unwrap();
        let is10 = Choice {
            set: SetName::Is10(FeatureSet::Is10),
            ..c
        };
        let i = extract_samples(&x, 16000, &is10, Path::new("tone")).unwrap();
        assert_eq!(b.features(), [i.features(), e.features()].concat());
        assert_eq!(both.names(Level::Functionals).unwrap().len(), both.width());
        assert_eq!(both.width(), 1582 + 88);
        assert!(both.names(Level::Lld).is_err());
        assert!(b.rows(Level::Lld).is_err() && b.lld_csv().is_err());
        assert_eq!(b.rows(Level::Functionals).unwrap().columns, 1670);

        // GeMAPS: eGeMAPS's columns of the same names, functionals and LLDs
        let g = Choice {
            set: SetName::Gemaps,
            ..c
        };
        let gx = extract_samples(&x, 16000, &g, Path::new("tone")).unwrap();
        let (enames, gnames) = (
            c.names(Level::Functionals).unwrap(),
            g.names(Level::Functionals).unwrap(),
        );
        assert_eq!(gnames.len(), 62);
        assert_eq!(gx.features().len(), 62);
        for (name, v) in gnames.iter().zip(gx.features()) {
            let k = enames.iter().position(|n| n == name).unwrap();
            assert_eq!(v.to_bits(), e.features()[k].to_bits(), "{name}");
        }
        let (elld, glld) = (c.names(Level::Lld).unwrap(), g.names(Level::Lld).unwrap());
        let (erows, grows) = (e.rows(Level::Lld).unwrap(), gx.rows(Level::Lld).unwrap());
        assert_eq!((grows.columns, grows.len()), (18, erows.len()));
        for (j, name) in glld.iter().enumerate() {
            let k = elld.iter().position(|n| n == name).unwrap();
            for r in 0..erows.len() {
                assert_eq!(grows.values[r * 18 + j], erows.values[r * 25 + k], "{name}");
            }
        }
        let csv = gx.lld_csv().unwrap();
        let header = csv.lines().next().unwrap();
        assert_eq!(header, format!("frameTime,{}", glld.join(",")));
        assert_eq!(csv.lines().count(), erows.len() + 1);
        assert!(g.names(Level::LldDeltas).is_err() && gx.rows(Level::LldDeltas).is_err());
    }
}
