//! Multi-class RBF SVM: one binary C-SVM (linfa-svm's SMO solver) per pair of
//! classes, prediction by majority vote, as libsvm (and so scikit-learn's
//! `SVC`) does it. Ties go to the class listed first.
//!
//! The fitted model keeps only what prediction needs (support vectors, their
//! coefficients, the bias and γ), so it can be written to a model file and
//! evaluated without linfa.
//!
//! Speed: the RBF kernel matrix of a training fold is computed once with a
//! matrix product (‖x−y‖² = ‖x‖² + ‖y‖² − 2x·y) and shared by all pairwise
//! machines. linfa-svm's solver is given each machine's kernel through rows
//! `L` with `L·Lᵀ = K` (a Cholesky factor) and a linear kernel, which is the
//! same optimisation problem at a fraction of linfa's own kernel cost.

pub mod probability;

use linfa::prelude::*;
use linfa_svm::Svm;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};

/// The RBF width γ of `exp(−γ‖x − x'‖²)`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Gamma {
    /// scikit-learn's `'scale'`: `1 / (n_features · Var(X))`, the variance over
    /// all training values.
    Scale,
    Value(f64),
}

impl std::str::FromStr for Gamma {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "scale" {
            return Ok(Gamma::Scale);
        }
        match s.parse::<f64>() {
            Ok(v) if v > 0.0 && v.is_finite() => Ok(Gamma::Value(v)),
            _ => Err(format!(
                "gamma must be 'scale' or a positive number, not '{s}'"
            )),
        }
    }
}

impl std::fmt::Display for Gamma {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Gamma::Scale => f.write_str("scale"),
            Gamma::Value(v) => write!(f, "{v}"),
        }
    }
}

/// Training settings.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SvmParams {
    /// Soft-margin penalty C.
    pub c: f64,
    pub gamma: Gamma,
    /// Solver tolerance (libsvm's default 1e-3).
    pub eps: f64,
    /// Weight each class's C by `n / (k·n_c)` (n rows, k classes, n_c rows of
    /// the class), as scikit-learn's `class_weight='balanced'`: errors on rare
    /// classes cost more, which favours unweighted average recall.
    #[serde(default)]
    pub balanced: bool,
}

impl Default for SvmParams {
    fn default() -> Self {
        SvmParams {
            c: 1.0,
            gamma: Gamma::Scale,
            eps: 1e-3,
            balanced: false,
        }
    }
}

impl SvmParams {
    /// C of each class (index 0..n_classes) for training labels `y`.
    pub fn class_penalties(&self, y: &[usize], n_classes: usize) -> Vec<f64> {
        if !self.balanced {
            return vec![self.c; n_classes];
        }
        let mut count = vec![0usize; n_classes];
        for &c in y {
            if c < n_classes {
                count[c] += 1;
            }
        }
        let k = count.iter().filter(|&&n| n > 0).count().max(1) as f64;
        count
            .iter()
            .map(|&n| {
                if n == 0 {
                    self.c
                } else {
                    self.c * y.len() as f64 / (k * n as f64)
                }
            })
            .collect()
    }
}

/// Why training failed.
#[derive(Debug, thiserror::Error)]
pub enum SvmError {
    #[error("training needs at least two classes with examples, got {0}")]
    TooFewClasses(usize),
    #[error("{0} training rows but {1} labels")]
    Shape(usize, usize),
    #[error("the SVM solver failed: {0}")]
    Solver(String),
    #[error("C must be positive and finite, not {0}")]
    BadC(f64),
}

/// One binary machine: `f(x) = Σ coefᵢ·K(svᵢ, x) − rho`, positive for class `a`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BinarySvm {
    pub a: usize,
    pub b: usize,
    pub support: Array2<f64>,
    pub coef: Array1<f64>,
    pub rho: f64,
}

/// A fitted one-vs-one multi-class SVM.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SvmModel {
    pub n_classes: usize,
    pub gamma: f64,
    pub machines: Vec<BinarySvm>,
    /// Platt sigmoids of the machines, once [`SvmModel::calibrate`] has run.
    #[serde(default)]
    pub platt: Vec<probability::Platt>,
}

/// γ for `'scale'`.
pub fn gamma_scale(x: ArrayView2<f64>) -> f64 {
    let n = x.len() as f64;
    let mean = x.sum() / n;
    let var = x.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
    if var > 0.0 {
        1.0 / (x.ncols() as f64 * var)
    } else {
        1.0
    }
}

fn rbf(gamma: f64, a: ArrayView1<f64>, b: ArrayView1<f64>) -> f64 {
    let d: f64 = match (a.as_slice(), b.as_slice()) {
        (Some(a), Some(b)) => a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum(),
        _ => a.iter().zip(b.iter()).map(|(x, y)| (x - y) * (x - y)).sum(),
    };
    (-gamma * d).exp()
}

/// The RBF kernel matrix `K_ij = exp(−γ‖x_i − x_j‖²)` of the rows of `x`.
pub fn rbf_matrix(x: ArrayView2<f64>, gamma: f64) -> Array2<f64> {
    let gram = x.dot(&x.t());
    let norms: Vec<f64> = (0..x.nrows()).map(|i| gram[[i, i]]).collect();
    let mut k = gram;
    for ((i, j), v) in k.indexed_iter_mut() {
        let d = (norms[i] + norms[j] - 2.0 * *v).max(0.0);
        *v = (-gamma * d).exp();
    }
    k
}

/// `L` (n × r) with `L·Lᵀ = K` for a symmetric positive semi-definite `K`, by
/// Cholesky factorisation with diagonal pivoting, stopped when the remaining
/// diagonal is below 1e-13 of the largest (every entry of `K` is then
/// reproduced to about that accuracy, also for nearly duplicate rows).
fn cholesky(k: &Array2<f64>) -> Array2<f64> {
    let n = k.nrows();
    let mut d: Vec<f64> = (0..n).map(|i| k[[i, i]]).collect();
    let tol = 1e-13 * d.iter().cloned().fold(0.0, f64::max);
    let mut l = Array2::<f64>::zeros((n, n));
    let mut done = vec![false; n];
    let mut rank = 0;
    for col in 0..n {
        let Some(p) = (0..n)
            .filter(|&i| !done[i])
            .max_by(|&i, &j| d[i].total_cmp(&d[j]))
        else {
            break;
        };
        if d[p] <= tol {
            break;
        }
        let lpp = d[p].sqrt();
        l[[p, col]] = lpp;
        done[p] = true;
        for i in 0..n {
            if done[i] {
                continue;
            }
            let mut s = k[[i, p]];
            for t in 0..col {
                s -= l[[i, t]] * l[[p, t]];
            }
            let v = s / lpp;
            l[[i, col]] = v;
            d[i] -= v * v;
        }
        rank = col + 1;
    }
    l.slice(ndarray::s![.., ..rank.max(1)]).to_owned()
}

/// Trains one binary machine on the `rows` of a precomputed kernel matrix with
/// penalties `c = (C of the positive class, C of the negative class)`; returns
/// the signed coefficients (0 for non-support vectors) and `rho`.
pub(crate) fn solve_pair(
    kernel: &Array2<f64>,
    rows: &[usize],
    targets: &[bool],
    c: (f64, f64),
    p: &SvmParams,
) -> Result<(Vec<f64>, f64), SvmError> {
    let k = kernel.select(Axis(0), rows).select(Axis(1), rows);
    let factor = cholesky(&k);
    let ds = Dataset::new(factor, targets.iter().copied().collect::<Array1<bool>>());
    let svm = Svm::<f64, bool>::params()
        .pos_neg_weights(c.0, c.1)
        .linear_kernel()
        .eps(p.eps)
        .fit(&ds)
        .map_err(|e| SvmError::Solver(e.to_string()))?;
    let thresh = 100.0 * f64::EPSILON;
    let alpha = (0..rows.len())
        .map(|r| {
            if svm.alpha[r].abs() > thresh {
                svm.alpha[r]
            } else {
                0.0
            }
        })
        .collect();
    Ok((alpha, svm.rho))
}

impl SvmModel {
    /// Trains on rows `x` with class indices `y` (0..n_classes).
    pub fn fit(
        x: ArrayView2<f64>,
        y: &[usize],
        n_classes: usize,
        p: &SvmParams,
    ) -> Result<Self, SvmError> {
        if x.nrows() != y.len() {
            return Err(SvmError::Shape(x.nrows(), y.len()));
        }
        if !(p.c > 0.0 && p.c.is_finite()) {
            return Err(SvmError::BadC(p.c));
        }
        let present: Vec<usize> = (0..n_classes).filter(|c| y.contains(c)).collect();
        if present.len() < 2 {
            return Err(SvmError::TooFewClasses(present.len()));
        }
        let gamma = match p.gamma {
            Gamma::Scale => gamma_scale(x),
            Gamma::Value(g) => g,
        };
        let kernel = rbf_matrix(x, gamma);
        let penalty = p.class_penalties(y, n_classes);
        let mut machines = Vec::new();
        for (i, &a) in present.iter().enumerate() {
            for &b in &present[i + 1..] {
                let rows: Vec<usize> = (0..y.len()).filter(|&r| y[r] == a || y[r] == b).collect();
                let targets: Vec<bool> = rows.iter().map(|&r| y[r] == a).collect();
                let (alpha, rho) =
                    solve_pair(&kernel, &rows, &targets, (penalty[a], penalty[b]), p)?;
                // Keep the support vectors (alpha ≠ 0), as linfa's own predictor does.
                let keep: Vec<usize> = (0..rows.len()).filter(|&r| alpha[r] != 0.0).collect();
                let sv_rows: Vec<usize> = keep.iter().map(|&r| rows[r]).collect();
                machines.push(BinarySvm {
                    a,
                    b,
                    support: x.select(Axis(0), &sv_rows),
                    coef: keep.iter().map(|&r| alpha[r]).collect(),
                    rho,
                });
            }
        }
        Ok(SvmModel {
            n_classes,
            gamma,
            machines,
            platt: Vec::new(),
        })
    }

    /// Decision values of every pairwise machine for one row.
    pub fn decisions(&self, x: ArrayView1<f64>) -> Vec<f64> {
        self.machines
            .iter()
            .map(|m| {
                m.support
                    .rows()
                    .into_iter()
                    .zip(m.coef.iter())
                    .map(|(sv, c)| c * rbf(self.gamma, sv, x))
                    .sum::<f64>()
                    - m.rho
            })
            .collect()
    }

    /// Votes per class for one row.
    pub fn votes(&self, x: ArrayView1<f64>) -> Vec<usize> {
        let mut v = vec![0; self.n_classes];
        for (m, d) in self.machines.iter().zip(self.decisions(x)) {
            v[if d >= 0.0 { m.a } else { m.b }] += 1;
        }
        v
    }

    /// Predicted class of one row (most votes; ties to the lower index).
    pub fn predict(&self, x: ArrayView1<f64>) -> usize {
        let v = self.votes(x);
        let mut best = 0;
        for (i, &n) in v.iter().enumerate() {
            if n > v[best] {
                best = i;
            }
        }
        best
    }

    /// Predicted classes of all rows (the kernels of all rows against each
    /// machine's support vectors as one matrix product).
    pub fn predict_rows(&self, x: ArrayView2<f64>) -> Vec<usize> {
        let row_norms: Vec<f64> = x.rows().into_iter().map(|r| r.dot(&r)).collect();
        let mut votes = vec![vec![0usize; self.n_classes]; x.nrows()];
        for m in &self.machines {
            let cross = x.dot(&m.support.t());
            let sv_norms: Vec<f64> = m.support.rows().into_iter().map(|r| r.dot(&r)).collect();
            for (i, row) in cross.rows().into_iter().enumerate() {
                let f: f64 = row
                    .iter()
                    .zip(&sv_norms)
                    .zip(m.coef.iter())
                    .map(|((&xy, &nn), &c)| {
                        c * (-self.gamma * (row_norms[i] + nn - 2.0 * xy).max(0.0)).exp()
                    })
                    .sum::<f64>()
                    - m.rho;
                votes[i][if f >= 0.0 { m.a } else { m.b }] += 1;
            }
        }
        votes
            .iter()
            .map(|v| {
                let mut best = 0;
                for (c, &n) in v.iter().enumerate() {
                    if n > v[best] {
                        best = c;
                    }
                }
                best
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn balanced_penalties_follow_class_sizes() {
        let y = [0, 0, 0, 1, 2, 2];
        let mut p = SvmParams {
            c: 2.0,
            ..Default::default()
        };
        assert_eq!(p.class_penalties(&y, 4), vec![2.0; 4]);
        p.balanced = true;
        // n = 6, k = 3 classes present: C·6/(3·n_c); an absent class keeps C
        assert_eq!(p.class_penalties(&y, 4), vec![4.0 / 3.0, 4.0, 2.0, 2.0]);
    }
    use ndarray::array;

    #[test]
    fn separates_three_clusters() {
        let mut rows = Vec::new();
        let mut y = Vec::new();
        for (c, (cx, cy)) in [(0.0, 0.0), (3.0, 0.0), (0.0, 3.0)].iter().enumerate() {
            for k in 0..10 {
                let d = (k as f64 - 4.5) * 0.05;
                rows.push([cx + d, cy - d]);
                y.push(c);
            }
        }
        let x = Array2::from_shape_vec((30, 2), rows.concat()).unwrap();
        let m = SvmModel::fit(
            x.view(),
            &y,
            3,
            &SvmParams {
                c: 10.0,
                gamma: Gamma::Value(0.5),
                eps: 1e-3,
                balanced: false,
            },
        )
        .unwrap();
        assert_eq!(m.machines.len(), 3);
        assert_eq!(m.predict_rows(x.view()), y);
        let one_by_one: Vec<usize> = x.rows().into_iter().map(|r| m.predict(r)).collect();
        assert_eq!(one_by_one, y);
        assert_eq!(m.predict(array![2.8, 0.2].view()), 1);
        assert_eq!(m.predict(array![0.1, 2.9].view()), 2);
    }

    #[test]
    fn gamma_scale_matches_sklearn_definition() {
        let x = array![[0.0, 1.0], [2.0, 3.0]];
        // mean 1.5, var = (2.25+0.25+0.25+2.25)/4 = 1.25 -> 1/(2*1.25)
        assert!((gamma_scale(x.view()) - 0.4).abs() < 1e-12);
    }

    #[test]
    fn kernel_matrix_and_its_factor() {
        let x = array![[0.0, 1.0], [1.0, 1.0], [3.0, -1.0]];
        let k = rbf_matrix(x.view(), 0.5);
        assert!((k[[0, 1]] - (-0.5f64).exp()).abs() < 1e-12);
        assert!((k[[0, 2]] - (-0.5f64 * 13.0).exp()).abs() < 1e-12);
        assert!((k[[1, 1]] - 1.0).abs() < 1e-12);
        let l = cholesky(&k);
        let back = l.dot(&l.t());
        for (a, b) in back.iter().zip(k.iter()) {
            assert!((a - b).abs() < 1e-12);
        }
    }

    #[test]
    fn one_class_is_an_error() {
        let x = array![[0.0], [1.0]];
        assert!(matches!(
            SvmModel::fit(x.view(), &[0, 0], 2, &SvmParams::default()),
            Err(SvmError::TooFewClasses(1))
        ));
    }
}
