//! The modified DAE (section 2.1): a frozen neutral projection and a trained
//! emotional projection reconstruct the input together (eq. 5); the emotional
//! projection is then fine-tuned through a softmax layer.

use crate::dae::{squared_error, Dae, LossScale};
use crate::linalg::{gemm, matmul};
use crate::train::{minibatches, Corruption, History, Stage};
use crate::DaeError;
use ndarray::{Array1, Array2, ArrayView2, Axis};
use rand::Rng;

/// The frozen neutral side of the modified DAE. Rows belong to groups (the
/// genders); a group's neutral reconstruction `zn` is the mean of its models'
/// reconstructions: one model (eq. 3), or `0.5·zL1 + 0.5·zL2` for the
/// combination (eqs. 14-16).
#[derive(Debug, Clone)]
pub struct NeutralProjection {
    pub per_group: Vec<Vec<Dae>>,
}

impl NeutralProjection {
    /// `zn` of each row of `noisy`, by the row's group.
    pub fn reconstruct(&self, noisy: ArrayView2<f32>, groups: &[usize]) -> Array2<f32> {
        let mut out = Array2::zeros(noisy.dim());
        for (g, models) in self.per_group.iter().enumerate() {
            let rows: Vec<usize> = (0..groups.len()).filter(|&i| groups[i] == g).collect();
            if rows.is_empty() || models.is_empty() {
                continue;
            }
            let xg = noisy.select(Axis(0), &rows);
            let share = 1.0 / models.len() as f32;
            let mut zn = Array2::<f32>::zeros(xg.dim());
            for m in models {
                zn.scaled_add(share, &m.reconstruct(xg.view()));
            }
            for (k, &r) in rows.iter().enumerate() {
                out.row_mut(r).assign(&zn.row(k));
            }
        }
        out
    }
}

/// Pre-trains the emotional projection `θe` (eqs. 2, 4): minimises
/// `|α·ze + (1−α)·zn − x|²` (eqs. 5-6) over `θe` only, `zn` from the frozen
/// neutral projection of each row's group.
#[allow(clippy::too_many_arguments)]
pub fn pretrain_emotional(
    emotional: &mut Dae,
    neutral: &NeutralProjection,
    x: ArrayView2<f32>,
    groups: &[usize],
    alpha: f32,
    stage: &Stage,
    corruption: Corruption,
    scale: LossScale,
    rng: &mut impl Rng,
) -> Result<History, DaeError> {
    if x.nrows() == 0 {
        return Err(DaeError::NoData("emotional projection training set".into()));
    }
    let mut hist = History::default();
    for _ in 0..stage.epochs {
        let (mut loss, mut n) = (0.0, 0usize);
        for rows in minibatches(x.nrows(), stage.batch, rng) {
            let xb = x.select(Axis(0), &rows);
            let gb: Vec<usize> = rows.iter().map(|&r| groups[r]).collect();
            let noisy = corruption.apply(xb.view(), rng);
            let zn = neutral.reconstruct(noisy.view(), &gb);
            let ye = emotional.encode(noisy.view());
            let ze = emotional.decode(ye.view());
            let z = &ze * alpha + &zn * (1.0 - alpha);
            let (l, dz) = squared_error(z.view(), xb.view(), scale);
            let g = emotional.backward(noisy.view(), ye.view(), ze.view(), (dz * alpha).view());
            emotional.apply(&g, -stage.lr);
            loss += l;
            n += 1;
        }
        if !emotional.is_finite() || !loss.is_finite() {
            return Err(DaeError::Diverged(format!(
                "emotional projection pre-training (lr {}): the loss became non-finite",
                stage.lr
            )));
        }
        hist.loss.push(loss / n as f64);
    }
    Ok(hist)
}

/// A softmax layer on the emotional hidden units, for fine-tuning.
#[derive(Debug, Clone, PartialEq)]
pub struct Softmax {
    /// classes × hidden
    pub w: Array2<f32>,
    pub b: Array1<f32>,
}

impl Softmax {
    pub fn zeros(classes: usize, hidden: usize) -> Self {
        Softmax {
            w: Array2::zeros((classes, hidden)),
            b: Array1::zeros(classes),
        }
    }

    /// Class probabilities of hidden rows.
    pub fn probabilities(&self, h: ArrayView2<f32>) -> Array2<f32> {
        let mut a = matmul(h, self.w.t());
        for mut row in a.rows_mut() {
            row += &self.b;
            let m = row.fold(f32::NEG_INFINITY, |a, &b| a.max(b));
            row.mapv_inplace(|v| (v - m).exp());
            let s = row.sum();
            row /= s;
        }
        a
    }
}

/// Fine-tunes the emotional encoder `(W_e, b_e)` and the softmax layer on the
/// labels by minibatch SGD on the mean cross-entropy of clean inputs. Returns
/// the mean cross-entropy of each epoch.
pub fn finetune(
    emotional: &mut Dae,
    softmax: &mut Softmax,
    x: ArrayView2<f32>,
    y: &[usize],
    stage: &Stage,
    rng: &mut impl Rng,
) -> Result<Vec<f64>, DaeError> {
    let mut out = Vec::new();
    for _ in 0..stage.epochs {
        let (mut ce, mut n) = (0.0, 0usize);
        for rows in minibatches(x.nrows(), stage.batch, rng) {
            let xb = x.select(Axis(0), &rows);
            let h = emotional.encode(xb.view());
            let mut d = softmax.probabilities(h.view());
            let inv = 1.0 / rows.len() as f32;
            for (k, &r) in rows.iter().enumerate() {
                ce -= f64::from(d[[k, y[r]]].max(1e-30).ln());
                d[[k, y[r]]] -= 1.0;
            }
            d *= inv;
            let gw_soft = matmul(d.t(), h.view());
            let gb_soft = d.sum_axis(Axis(0));
            let mut dh = matmul(d.view(), softmax.w.view());
            ndarray::Zip::from(&mut dh)
                .and(&h)
                .for_each(|g, &h| *g *= h * (1.0 - h));
            let gb = dh.sum_axis(Axis(0));
            gemm(-stage.lr, dh.t(), xb.view(), 1.0, emotional.w.view_mut());
            emotional.b.scaled_add(-stage.lr, &gb);
            softmax.w.scaled_add(-stage.lr, &gw_soft);
            softmax.b.scaled_add(-stage.lr, &gb_soft);
            n += rows.len();
        }
        if !emotional.is_finite() || !ce.is_finite() {
            return Err(DaeError::Diverged(format!(
                "fine-tuning (lr {}): the loss became non-finite",
                stage.lr
            )));
        }
        out.push(ce / n.max(1) as f64);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{rngs::StdRng, SeedableRng};

    #[test]
    fn combination_is_the_mean_of_two_reconstructions() {
        let mut rng = StdRng::seed_from_u64(0);
        let (a, b) = (Dae::random(4, 3, &mut rng), Dae::random(4, 3, &mut rng));
        let x = Array2::from_shape_simple_fn((3, 4), || rng.gen_range(0.0..1.0f32));
        let proj = NeutralProjection {
            per_group: vec![vec![a.clone(), b.clone()], vec![a.clone()]],
        };
        let z = proj.reconstruct(x.view(), &[0, 1, 0]);
        let want0 = (a.reconstruct(x.view()) + b.reconstruct(x.view())) * 0.5;
        for r in [0, 2] {
            for j in 0..4 {
                assert!((z[[r, j]] - want0[[r, j]]).abs() < 1e-6);
            }
        }
        assert_eq!(z.row(1), a.reconstruct(x.view()).row(1));
    }

    #[test]
    fn pretraining_leaves_the_neutral_projection_unchanged_and_lowers_the_loss() {
        let mut rng = StdRng::seed_from_u64(1);
        let x = Array2::from_shape_fn((40, 10), |(i, j)| ((i * 3 + j) % 7) as f32 / 7.0);
        let neutral = NeutralProjection {
            per_group: vec![
                vec![Dae::random(10, 4, &mut rng)],
                vec![Dae::random(10, 4, &mut rng)],
            ],
        };
        let before = neutral.per_group.clone();
        let groups: Vec<usize> = (0..40).map(|i| i % 2).collect();
        let mut e = Dae::random(10, 6, &mut rng);
        let stage = Stage {
            epochs: 30,
            lr: 0.1,
            batch: 8,
        };
        let h = pretrain_emotional(
            &mut e,
            &neutral,
            x.view(),
            &groups,
            0.7,
            &stage,
            Corruption::Gaussian(0.1),
            LossScale::Sum,
            &mut rng,
        )
        .unwrap();
        assert_eq!(neutral.per_group, before);
        assert!(h.loss[29] < 0.7 * h.loss[0], "{:?}", h.loss);
    }

    #[test]
    fn finetuning_lowers_the_cross_entropy() {
        let mut rng = StdRng::seed_from_u64(2);
        let y: Vec<usize> = (0..60).map(|i| i % 3).collect();
        let x = Array2::from_shape_fn((60, 8), |(i, j)| if j % 3 == y[i] { 0.9 } else { 0.1 });
        let mut e = Dae::random(8, 5, &mut rng);
        let mut s = Softmax::zeros(3, 5);
        let stage = Stage {
            epochs: 50,
            lr: 0.5,
            batch: 10,
        };
        let ce = finetune(&mut e, &mut s, x.view(), &y, &stage, &mut rng).unwrap();
        assert!((ce[0] - 3f64.ln()).abs() < 0.2, "{}", ce[0]);
        assert!(ce[49] < 0.3, "{ce:?}");
    }

    #[test]
    fn softmax_rows_sum_to_one() {
        let s = Softmax {
            w: ndarray::array![[1.0f32, 0.0], [0.0, 1.0], [1.0, 1.0]],
            b: ndarray::array![0.0f32, 0.0, -1.0],
        };
        let p = s.probabilities(ndarray::array![[2.0f32, 0.0]].view());
        let e = [2f32.exp(), 1.0, 1f32.exp()];
        let sum: f32 = e.iter().sum();
        for k in 0..3 {
            assert!((p[[0, k]] - e[k] / sum).abs() < 1e-6);
        }
    }
}
