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

/// Mean and population standard deviation.
pub fn mean_sd(v: &[f64]) -> (f64, f64) {
    let n = v.len().max(1) as f64;
    let m = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / n;
    (m, var.sqrt())
}

/// The paper's Tables 2 and 3 from several runs (seeds) of several systems:
/// UAR and per-class recall in %, mean ± standard deviation over the runs.
pub fn seed_tables(runs: &[(String, Vec<Report>)]) -> String {
    let Some(classes) = runs
        .iter()
        .flat_map(|(_, r)| r.first())
        .map(|r| r.classes.clone())
        .next()
    else {
        return String::new();
    };
    let pm = |v: &[f64]| {
        let (m, s) = mean_sd(v);
        format!("{:5.1} ± {:3.1}", 100.0 * m, 100.0 * s)
    };
    let mut out = String::from("| system | UAR % | WA % | runs |\n|---|---|---|---|\n");
    for (name, reports) in runs {
        let uar: Vec<f64> = reports.iter().map(|r| r.metrics.uar).collect();
        let war: Vec<f64> = reports.iter().map(|r| r.metrics.war).collect();
        out += &format!(
            "| {name} | {} | {} | {} |\n",
            pm(&uar),
            pm(&war),
            reports.len()
        );
    }
    out += &format!(
        "\n| system | {} |\n|---|{}\n",
        classes.join(" | "),
        "---|".repeat(classes.len())
    );
    for (name, reports) in runs {
        let cells: Vec<String> = (0..classes.len())
            .map(|c| {
                let v: Vec<f64> = reports.iter().filter_map(|r| r.metrics.recall[c]).collect();
                pm(&v)
            })
            .collect();
        out += &format!("| {name} | {} |\n", cells.join(" | "));
    }
    out
}

#[cfg(test)]
mod seed_table_tests {
    use super::*;

    #[test]
    fn mean_and_sd_of_hand_worked_case() {
        let (m, s) = mean_sd(&[0.5, 0.7]);
        assert!((m - 0.6).abs() < 1e-12 && (s - 0.1).abs() < 1e-12);
    }

    #[test]
    fn tables_show_mean_and_spread() {
        let classes = vec!["a".to_string(), "b".to_string()];
        let r1 = Report::new("x", &classes, &[0, 1, 1, 0], &[0, 1, 0, 0], vec![]);
        let r2 = Report::new("x", &classes, &[0, 1, 1, 0], &[0, 1, 1, 0], vec![]);
        let t = seed_tables(&[("x".into(), vec![r1, r2])]);
        // UAR 0.75 and 1.0 -> 87.5 ± 12.5; recall b 0.5 and 1.0 -> 75.0 ± 25.0
        assert!(t.contains("|  87.5 ± 12.5 |"), "{t}");
        assert!(t.contains("|  75.0 ± 25.0 |"), "{t}");
    }
}
