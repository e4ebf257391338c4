//! Leave-one-speaker-out evaluation. A [`System`] turns training rows into
//! predictions for test rows; [`evaluate_loso`] runs it on every fold and
//! collects the paper's measures (UAR, weighted accuracy, per-class recall,
//! confusion matrix) overall and per fold.

pub mod metrics;
pub mod plot;
pub mod systems;

use emo_corpus::{Gender, Utterance};
use ndarray::{Array2, Axis};
use rayon::prelude::*;
use std::collections::HashMap;

pub use metrics::{mean_sd, seed_tables, FoldReport, Metrics, Report};

/// Labelled feature rows.
#[derive(Debug, Clone)]
pub struct Data {
    pub x: Array2<f64>,
    pub y: Vec<usize>,
    pub speakers: Vec<String>,
    pub genders: Vec<Gender>,
    pub names: Vec<String>,
    pub classes: Vec<String>,
    /// The corpus of each row.
    pub corpora: Vec<String>,
}

impl Data {
    /// Rows of the utterances whose name is in the feature table and whose
    /// label is one of `classes`; returns the data and the utterances left out
    /// (with the reason).
    pub fn from_features(
        utts: &[Utterance],
        features: &HashMap<String, Vec<f32>>,
        classes: &[String],
    ) -> (Self, Vec<(String, String)>) {
        let mut rows = Vec::new();
        let mut left_out = Vec::new();
        let (mut y, mut speakers, mut genders, mut names) = (vec![], vec![], vec![], vec![]);
        let mut corpora = vec![];
        for u in utts {
            let Some(ci) = classes.iter().position(|c| c == &u.label) else {
                continue;
            };
            let Some(f) = features.get(&u.name) else {
                left_out.push((
                    u.path.display().to_string(),
                    "no features (unreadable or missing from the feature table)".to_string(),
                ));
                continue;
            };
            rows.push(f);
            y.push(ci);
            speakers.push(u.speaker.clone());
            genders.push(u.gender);
            names.push(u.name.clone());
            corpora.push(u.corpus.clone());
        }
        let d = rows.first().map_or(0, |r| r.len());
        let mut x = Array2::<f64>::zeros((rows.len(), d));
        for (mut row, f) in x.rows_mut().into_iter().zip(&rows) {
            for (a, &b) in row.iter_mut().zip(f.iter()) {
                *a = f64::from(b);
            }
        }
        (
            Data {
                x,
                y,
                speakers,
                genders,
                names,
                classes: classes.to_vec(),
                corpora,
            },
            left_out,
        )
    }

    /// The rows at `idx`.
    pub fn subset(&self, idx: &[usize]) -> Data {
        Data {
            x: self.x.select(Axis(0), idx),
            y: idx.iter().map(|&i| self.y[i]).collect(),
            speakers: idx.iter().map(|&i| self.speakers[i].clone()).collect(),
            genders: idx.iter().map(|&i| self.genders[i]).collect(),
            names: idx.iter().map(|&i| self.names[i].clone()).collect(),
            classes: self.classes.clone(),
            corpora: idx.iter().map(|&i| self.corpora[i].clone()).collect(),
        }
    }

    /// Standardises each feature within groups of rows (z-score with the
    /// group's own mean and population standard deviation; a feature constant
    /// within a group becomes 0). Unsupervised: uses no labels.
    pub fn standardised_by(&self, group: &[String]) -> Data {
        let mut out = self.clone();
        emo_norm::standardise_groups(&mut out.x, group);
        out
    }

    /// The data after a normalisation step that precedes the per-fold min-max.
    pub fn normalised(&self, norm: Norm) -> Data {
        match norm {
            Norm::MinMax => self.clone(),
            Norm::Speaker => self.standardised_by(&self.speakers),
            Norm::Corpus => self.standardised_by(&self.corpora),
        }
    }

    /// Speakers, sorted.
    pub fn speaker_list(&self) -> Vec<String> {
        let mut s = self.speakers.clone();
        s.sort();
        s.dedup();
        s
    }

    /// (test speaker, train rows, test rows) of each leave-one-speaker-out fold.
    pub fn loso_folds(&self) -> Vec<(String, Vec<usize>, Vec<usize>)> {
        self.speaker_list()
            .into_iter()
            .map(|s| {
                let (test, train): (Vec<usize>, Vec<usize>) =
                    (0..self.y.len()).partition(|&i| self.speakers[i] == s);
                (s, train, test)
            })
            .collect()
    }
}

/// Normalisation before the min-max that every system fits on its training data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Norm {
    /// Min-max only (the paper's).
    MinMax,
    /// Each speaker's features standardised over that speaker's own clips, then min-max.
    Speaker,
    /// Each corpus's features standardised over the corpus, then min-max.
    Corpus,
}

impl std::str::FromStr for Norm {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "minmax" => Ok(Norm::MinMax),
            "speaker" => Ok(Norm::Speaker),
            "corpus" => Ok(Norm::Corpus),
            other => Err(format!(
                "unknown normalisation '{other}' (expected minmax, speaker or corpus)"
            )),
        }
    }
}

/// Why an evaluation failed.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error(transparent)]
    Svm(#[from] emo_svm::SvmError),
    #[error("{0}")]
    Data(String),
}

/// A way of turning training rows into predictions: the seam every system of
/// the paper (static features, the DAE variants) plugs into.
pub trait System: Sync {
    /// Short name used in reports (`static`, `loss1`, ...).
    fn name(&self) -> String;
    /// Trains on `train` and predicts class indices for `test`'s rows.
    fn fit_predict(&self, train: &Data, test: &Data, seed: u64) -> Result<Vec<usize>, EvalError>;
    /// The concrete system, for reports that need more than predictions.
    fn as_any(&self) -> Option<&dyn std::any::Any> {
        None
    }
}

/// Trains on the rows of the `train` corpora, tests on those of `test`: one
/// fold, named after the test corpus.
pub fn evaluate_cross(
    data: &Data,
    train: &[String],
    test: &str,
    system: &dyn System,
    seed: u64,
) -> Result<Report, EvalError> {
    let tr: Vec<usize> = (0..data.y.len())
        .filter(|&i| train.contains(&data.corpora[i]))
        .collect();
    let te: Vec<usize> = (0..data.y.len())
        .filter(|&i| data.corpora[i] == test)
        .collect();
    if tr.is_empty() || te.is_empty() {
        return Err(EvalError::Data(format!(
            "no rows to train on ({}) or to test on ({test})",
            train.join("+")
        )));
    }
    let truth: Vec<usize> = te.iter().map(|&i| data.y[i]).collect();
    let pred = system.fit_predict(&data.subset(&tr), &data.subset(&te), seed)?;
    let fold = FoldReport::new(test, &truth, &pred, data.classes.len());
    Ok(Report::new(
        &system.name(),
        &data.classes,
        &truth,
        &pred,
        vec![fold],
    ))
}

/// Runs `system` on every leave-one-speaker-out fold (folds in parallel).
pub fn evaluate_loso(data: &Data, system: &dyn System, seed: u64) -> Result<Report, EvalError> {
    let folds = data.loso_folds();
    if folds.len() < 2 {
        return Err(EvalError::Data(format!(
            "leave-one-speaker-out needs at least 2 speakers, the data has {}",
            folds.len()
        )));
    }
    // (test speaker, true classes, predicted classes) per fold
    type FoldOutcome = Result<(String, Vec<usize>, Vec<usize>), EvalError>;
    let results: Vec<FoldOutcome> = folds
        .par_iter()
        .map(|(s, train, test)| {
            let pred = system.fit_predict(&data.subset(train), &data.subset(test), seed)?;
            Ok((s.clone(), test.iter().map(|&i| data.y[i]).collect(), pred))
        })
        .collect();
    let mut fold_reports = Vec::new();
    let (mut all_true, mut all_pred) = (Vec::new(), Vec::new());
    for r in results {
        let (s, t, p) = r?;
        fold_reports.push(FoldReport::new(&s, &t, &p, data.classes.len()));
        all_true.extend(t);
        all_pred.extend(p);
    }
    Ok(Report::new(
        &system.name(),
        &data.classes,
        &all_true,
        &all_pred,
        fold_reports,
    ))
}
