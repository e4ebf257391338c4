//! Class probabilities for the one-vs-one SVM, as libsvm's `-b 1` computes
//! them: each pairwise machine's decision value goes through a sigmoid fitted
//! by Platt's method on decision values from an internal 5-fold
//! cross-validation (Lin, Lin & Weng 2007), and the pairwise probabilities are
//! coupled into one distribution (Wu, Lin & Weng 2004, their method 2).

use crate::{rbf_matrix, solve_pair, SvmError, SvmModel, SvmParams};
use ndarray::{Array2, ArrayView1, ArrayView2};
use rand::{rngs::StdRng, seq::SliceRandom, SeedableRng};

/// `P(class a | f) = 1 / (1 + exp(A·f + B))` for decision value `f`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Platt {
    pub a: f64,
    pub b: f64,
}

impl Platt {
    /// Fits A and B by Newton's method with backtracking on the regularised
    /// targets of Platt (1999).
    pub fn fit(dec: &[f64], positive: &[bool]) -> Platt {
        let prior1 = positive.iter().filter(|&&p| p).count() as f64;
        let prior0 = positive.len() as f64 - prior1;
        let (hi, lo) = ((prior1 + 1.0) / (prior1 + 2.0), 1.0 / (prior0 + 2.0));
        let t: Vec<f64> = positive.iter().map(|&p| if p { hi } else { lo }).collect();
        let objective = |a: f64, b: f64| -> f64 {
            dec.iter()
                .zip(&t)
                .map(|(&f, &t)| {
                    let z = f * a + b;
                    if z >= 0.0 {
                        t * z + (-z).exp().ln_1p()
                    } else {
                        (t - 1.0) * z + z.exp().ln_1p()
                    }
                })
                .sum()
        };
        let (mut a, mut b) = (0.0, ((prior0 + 1.0) / (prior1 + 1.0)).ln());
        let mut fval = objective(a, b);
        for _ in 0..100 {
            let (mut h11, mut h22, mut h21, mut g1, mut g2) = (1e-12, 1e-12, 0.0, 0.0, 0.0);
            for (&f, &t) in dec.iter().zip(&t) {
                let z = f * a + b;
                let (p, q) = if z >= 0.0 {
                    let e = (-z).exp();
                    (e / (1.0 + e), 1.0 / (1.0 + e))
                } else {
                    let e = z.exp();
                    (1.0 / (1.0 + e), e / (1.0 + e))
                };
                let d2 = p * q;
                h11 += f * f * d2;
                h22 += d2;
                h21 += f * d2;
                let d1 = t - p;
                g1 += f * d1;
                g2 += d1;
            }
            if g1.abs() < 1e-5 && g2.abs() < 1e-5 {
                break;
            }
            let det = h11 * h22 - h21 * h21;
            let da = -(h22 * g1 - h21 * g2) / det;
            let db = -(-h21 * g1 + h11 * g2) / det;
            let gd = g1 * da + g2 * db;
            let mut step = 1.0;
            while step >= 1e-10 {
                let (na, nb) = (a + step * da, b + step * db);
                let nf = objective(na, nb);
                if nf < fval + 1e-4 * step * gd {
                    (a, b, fval) = (na, nb, nf);
                    break;
                }
                step /= 2.0;
            }
            if step < 1e-10 {
                break;
            }
        }
        Platt { a, b }
    }

    /// Probability of the machine's first class.
    pub fn probability(&self, f: f64) -> f64 {
        let z = f * self.a + self.b;
        if z >= 0.0 {
            (-z).exp() / (1.0 + (-z).exp())
        } else {
            1.0 / (1.0 + z.exp())
        }
    }
}

/// Couples pairwise probabilities `r[i][j] = P(i | i or j)` into class
/// probabilities (the fixed-point iteration of Wu, Lin & Weng's method 2).
pub fn couple(r: &Array2<f64>) -> Vec<f64> {
    let k = r.nrows();
    let mut q = Array2::<f64>::zeros((k, k));
    for t in 0..k {
        for j in 0..k {
            if j != t {
                q[[t, t]] += r[[j, t]] * r[[j, t]];
                q[[t, j]] = -r[[j, t]] * r[[t, j]];
            }
        }
    }
    let mut p = vec![1.0 / k as f64; k];
    let mut qp = vec![0.0; k];
    let eps = 0.005 / k as f64;
    for _ in 0..100.max(k) {
        let mut pqp = 0.0;
        for t in 0..k {
            qp[t] = (0..k).map(|j| q[[t, j]] * p[j]).sum();
            pqp += p[t] * qp[t];
        }
        if qp.iter().all(|&v| (v - pqp).abs() < eps) {
            break;
        }
        for t in 0..k {
            let diff = (-qp[t] + pqp) / q[[t, t]];
            p[t] += diff;
            pqp = (pqp + diff * (diff * q[[t, t]] + 2.0 * qp[t])) / ((1.0 + diff) * (1.0 + diff));
            for j in 0..k {
                qp[j] = (qp[j] + diff * q[[t, j]]) / (1.0 + diff);
                p[j] /= 1.0 + diff;
            }
        }
    }
    p
}

/// Class probabilities from pairwise ones: `(a, b, P(a | a or b))` for each
/// one-vs-one machine, clamped away from 0 and 1, coupled over the classes
/// that have a machine; the other classes get 0.
pub fn class_probabilities(n_classes: usize, pairs: &[(usize, usize, f64)]) -> Vec<f64> {
    let mut present: Vec<usize> = pairs.iter().flat_map(|&(a, b, _)| [a, b]).collect();
    present.sort_unstable();
    present.dedup();
    let at = |c: usize| present.iter().position(|&p| p == c).unwrap_or(0);
    let mut r = Array2::<f64>::zeros((present.len(), present.len()));
    for &(a, b, p) in pairs {
        let v = p.clamp(1e-7, 1.0 - 1e-7);
        r[[at(a), at(b)]] = v;
        r[[at(b), at(a)]] = 1.0 - v;
    }
    let mut out = vec![0.0; n_classes];
    for (i, p) in couple(&r).into_iter().enumerate() {
        out[present[i]] = p;
    }
    out
}

impl SvmModel {
    /// Fits each pairwise machine's Platt sigmoid on decision values from a
    /// 5-fold cross-validation within that machine's training rows (the
    /// shuffle is seeded). `x`, `y` and `p` must be those the model was fitted with.
    pub fn calibrate(
        &mut self,
        x: ArrayView2<f64>,
        y: &[usize],
        p: &SvmParams,
        seed: u64,
    ) -> Result<(), SvmError> {
        const FOLDS: usize = 5;
        let kernel = rbf_matrix(x, self.gamma);
        let penalty = p.class_penalties(y, self.n_classes);
        let mut rng = StdRng::seed_from_u64(seed);
        let mut platt = Vec::new();
        for m in &self.machines {
            let mut rows: Vec<usize> = (0..y.len())
                .filter(|&r| y[r] == m.a || y[r] == m.b)
                .collect();
            rows.shuffle(&mut rng);
            let mut dec = vec![0.0; rows.len()];
            for f in 0..FOLDS {
                let held: Vec<usize> = (0..rows.len()).filter(|i| i % FOLDS == f).collect();
                let fit: Vec<usize> = (0..rows.len())
                    .filter(|i| i % FOLDS != f)
                    .map(|i| rows[i])
                    .collect();
                let targets: Vec<bool> = fit.iter().map(|&r| y[r] == m.a).collect();
                let (n_pos, n) = (targets.iter().filter(|&&t| t).count(), targets.len());
                if n_pos == 0 || n_pos == n {
                    // one class only in this part: its sign, as libsvm does
                    for &i in &held {
                        dec[i] = if n_pos > 0 { 1.0 } else { -1.0 };
                    }
                    continue;
                }
                let (alpha, rho) =
                    solve_pair(&kernel, &fit, &targets, (penalty[m.a], penalty[m.b]), p)?;
                for &i in &held {
                    dec[i] = fit
                        .iter()
                        .zip(&alpha)
                        .map(|(&r, &c)| c * kernel[[rows[i], r]])
                        .sum::<f64>()
                        - rho;
                }
            }
            let positive: Vec<bool> = rows.iter().map(|&r| y[r] == m.a).collect();
            platt.push(Platt::fit(&dec, &positive));
        }
        self.platt = platt;
        Ok(())
    }

    /// Class probabilities of one row (requires [`SvmModel::calibrate`]);
    /// classes without a machine get 0.
    pub fn probabilities(&self, x: ArrayView1<f64>) -> Option<Vec<f64>> {
        if self.platt.len() != self.machines.len() {
            return None;
        }
        let pairs: Vec<(usize, usize, f64)> = self
            .machines
            .iter()
            .zip(&self.platt)
            .zip(self.decisions(x))
            .map(|((m, pl), f)| (m.a, m.b, pl.probability(f)))
            .collect();
        Some(class_probabilities(self.n_classes, &pairs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Gamma, SvmModel};
    use ndarray::array;

    #[test]
    fn platt_recovers_a_known_sigmoid() {
        // decision values on a grid, labels drawn deterministically with P = s(2f)
        let mut dec = Vec::new();
        let mut pos = Vec::new();
        for i in 0..400 {
            let f = -3.0 + 6.0 * (i as f64) / 399.0;
            let p = 1.0 / (1.0 + (-2.0 * f).exp());
            for k in 0..10 {
                dec.push(f);
                pos.push((k as f64 + 0.5) / 10.0 < p);
            }
        }
        let pl = Platt::fit(&dec, &pos);
        assert!((pl.a + 2.0).abs() < 0.25 && pl.b.abs() < 0.05, "{pl:?}");
        assert!((pl.probability(1.0) - 1.0 / (1.0 + (-2.0f64).exp())).abs() < 0.03);
    }

    #[test]
    fn coupling_of_consistent_pairs_gives_the_distribution() {
        let truth = [0.5, 0.3, 0.2];
        let mut r = Array2::zeros((3, 3));
        for i in 0..3 {
            for j in 0..3 {
                if i != j {
                    r[[i, j]] = truth[i] / (truth[i] + truth[j]);
                }
            }
        }
        let p = couple(&r);
        for (a, b) in p.iter().zip(truth) {
            assert!((a - b).abs() < 1e-3, "{p:?}");
        }
    }

    #[test]
    fn probabilities_favour_the_predicted_cluster() {
        let mut rows = Vec::new();
        let mut y = Vec::new();
        for (c, (cx, cy)) in [(0.0, 0.0), (2.0, 0.0), (0.0, 2.0)].iter().enumerate() {
            for k in 0..20 {
                let d = (k as f64 - 9.5) * 0.06;
                rows.push([cx + d, cy + 0.5 * d * d]);
                y.push(c);
            }
        }
        let x = Array2::from_shape_vec((60, 2), rows.concat()).unwrap();
        let p = SvmParams {
            c: 1.0,
            gamma: Gamma::Value(1.0),
            eps: 1e-3,
            balanced: false,
        };
        let mut m = SvmModel::fit(x.view(), &y, 3, &p).unwrap();
        assert!(m.probabilities(x.row(0)).is_none());
        m.calibrate(x.view(), &y, &p, 1).unwrap();
        let pr = m.probabilities(array![1.9, 0.1].view()).unwrap();
        assert!((pr.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        assert!(pr[1] > 0.8, "{pr:?}");
        let mut again = SvmModel::fit(x.view(), &y, 3, &p).unwrap();
        again.calibrate(x.view(), &y, &p, 1).unwrap();
        assert_eq!(again, m);
    }
}
