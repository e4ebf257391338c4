//! UAR, weighted accuracy, per-class recall and confusion matrices.

use serde::Serialize;

/// Measures over a set of predictions.
#[derive(Debug, Clone, Serialize)]
pub struct Metrics {
    /// Unweighted average recall: the mean of the per-class recalls (over the
    /// classes that have examples).
    pub uar: f64,
    /// Weighted accuracy: the share of correct predictions.
    pub war: f64,
    /// Recall per class (`None` where the class has no examples).
    pub recall: Vec<Option<f64>>,
    /// `confusion[true][predicted]`.
    pub confusion: Vec<Vec<usize>>,
}

impl Metrics {
    pub fn new(truth: &[usize], pred: &[usize], n_classes: usize) -> Self {
        let mut confusion = vec![vec![0usize; n_classes]; n_classes];
        for (&t, &p) in truth.iter().zip(pred) {
            confusion[t][p] += 1;
        }
        let recall: Vec<Option<f64>> = confusion
            .iter()
            .enumerate()
            .map(|(c, row)| {
                let n: usize = row.iter().sum();
                (n > 0).then(|| row[c] as f64 / n as f64)
            })
            .collect();
        let present: Vec<f64> = recall.iter().flatten().copied().collect();
        let uar = if present.is_empty() {
            0.0
        } else {
            present.iter().sum::<f64>() / present.len() as f64
        };
        let correct = truth.iter().zip(pred).filter(|(t, p)| t == p).count();
        let war = if truth.is_empty() {
            0.0
        } else {
            correct as f64 / truth.len() as f64
        };
        Metrics {
            uar,
            war,
            recall,
            confusion,
        }
    }
}

/// One fold's result.
#[derive(Debug, Clone, Serialize)]
pub struct FoldReport {
    pub speaker: String,
    pub n: usize,
    #[serde(flatten)]
    pub metrics: Metrics,
}

impl FoldReport {
    pub fn new(speaker: &str, truth: &[usize], pred: &[usize], n_classes: usize) -> Self {
        FoldReport {
            speaker: speaker.to_string(),
            n: truth.len(),
            metrics: Metrics::new(truth, pred, n_classes),
        }
    }
}

/// A system's evaluation: pooled over all folds, and per fold.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub system: String,
    pub classes: Vec<String>,
    pub n: usize,
    #[serde(flatten)]
    pub metrics: Metrics,
    pub folds: Vec<FoldReport>,
}

impl Report {
    pub fn new(
        system: &str,
        classes: &[String],
        truth: &[usize],
        pred: &[usize],
        folds: Vec<FoldReport>,
    ) -> Self {
        Report {
            system: system.to_string(),
            classes: classes.to_vec(),
            n: truth.len(),
            metrics: Metrics::new(truth, pred, classes.len()),
            folds,
        }
    }

    /// The report as the paper's tables: UAR and WA, per-class recall, confusion.
    pub fn table(&self) -> String {
        use std::fmt::Write;
        let mut s = String::new();
        let m = &self.metrics;
        let _ = writeln!(
            s,
            "system {}: {} utterances, {} folds",
            self.system,
            self.n,
            self.folds.len()
        );
        let _ = writeln!(
            s,
            "UAR {:.1}%   weighted accuracy {:.1}%",
            100.0 * m.uar,
            100.0 * m.war
        );
        let _ = writeln!(s, "\n{:<12} {:>8}", "class", "recall");
        for (c, r) in self.classes.iter().zip(&m.recall) {
            let _ = writeln!(
                s,
                "{:<12} {:>7}",
                c,
                r.map_or("-".into(), |v| format!("{:.1}%", 100.0 * v))
            );
        }
        let _ = write!(
            s,
            "\nconfusion (rows: true, columns: predicted)\n{:<12}",
            ""
        );
        for c in &self.classes {
            let _ = write!(s, " {:>10}", truncate(c, 10));
        }
        s.push('\n');
        for (c, row) in self.classes.iter().zip(&m.confusion) {
            let _ = write!(s, "{:<12}", truncate(c, 12));
            for v in row {
                let _ = write!(s, " {v:>10}");
            }
            s.push('\n');
        }
        s
    }
}

fn truncate(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uar_weights_classes_equally() {
        // class 0: 8 of 10 right; class 1: 1 of 2 right
        let truth = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1];
        let pred = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0];
        let m = Metrics::new(&truth, &pred, 3);
        assert!((m.uar - (0.8 + 0.5) / 2.0).abs() < 1e-12);
        assert!((m.war - 9.0 / 12.0).abs() < 1e-12);
        assert_eq!(m.recall[2], None);
        assert_eq!(m.confusion[0], vec![8, 2, 0]);
        assert_eq!(m.confusion[1], vec![1, 1, 0]);
    }
}
