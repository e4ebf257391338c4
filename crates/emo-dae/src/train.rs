//! Minibatch stochastic gradient descent for the autoencoders: input
//! corruption, shuffling, the per-stage settings.

use crate::dae::{Dae, KlTerm, LossScale};
use crate::DaeError;
use ndarray::{Array1, Array2, ArrayView2, Axis};
use rand::{seq::SliceRandom, Rng};
use rand_distr::StandardNormal;

/// How inputs are corrupted before encoding (section 2.2.1).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase", tag = "kind", content = "level")]
pub enum Corruption {
    /// Additive Gaussian noise with this standard deviation (the paper's).
    Gaussian(f32),
    /// Each input set to 0 with this probability.
    Masking(f32),
    /// No corruption.
    None,
}

impl Corruption {
    /// A corrupted copy of `x`. Rows are corrupted in parallel, each with its
    /// own small generator seeded from `rng`, so the result depends on the
    /// seed only, not on the thread count.
    pub fn apply(&self, x: ArrayView2<f32>, rng: &mut impl Rng) -> Array2<f32> {
        use rand::rngs::SmallRng;
        use rand::SeedableRng;
        use rayon::prelude::*;
        let mut out = x.to_owned();
        if *self == Corruption::None {
            return out;
        }
        let base: u64 = rng.gen();
        let this = *self;
        out.axis_iter_mut(ndarray::Axis(0))
            .into_par_iter()
            .enumerate()
            .for_each(|(i, mut row)| {
                let mut r =
                    SmallRng::seed_from_u64(base ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
                match this {
                    Corruption::Gaussian(sd) => row.mapv_inplace(|v| {
                        let n: f32 = r.sample(StandardNormal);
                        v + sd * n
                    }),
                    Corruption::Masking(p) => {
                        row.mapv_inplace(|v| if r.gen::<f32>() < p { 0.0 } else { v })
                    }
                    Corruption::None => {}
                }
            });
        out
    }
}

/// Epochs, learning rate and minibatch size of one training stage.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Stage {
    pub epochs: usize,
    pub lr: f32,
    pub batch: usize,
}

/// Row indices in shuffled minibatches of at most `batch` rows.
pub fn minibatches(n: usize, batch: usize, rng: &mut impl Rng) -> Vec<Vec<usize>> {
    let mut idx: Vec<usize> = (0..n).collect();
    idx.shuffle(rng);
    idx.chunks(batch.max(1)).map(<[usize]>::to_vec).collect()
}

/// The KL partner of a gender-dependent DAE: the other gender's set and the
/// signed weight (−β for Loss1, +γ for Loss2), and whether `q` is held fixed
/// per epoch.
#[derive(Debug, Clone, Copy)]
pub struct KlPartner<'a> {
    pub other: ArrayView2<'a, f32>,
    pub weight: f32,
    pub q_per_epoch: bool,
}

/// Per-epoch training record.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    /// Mean reconstruction loss over the epoch's minibatches.
    pub loss: Vec<f64>,
    /// Mean KL(p‖q) over the epoch's minibatches (empty without a KL term).
    pub kl: Vec<f64>,
    /// Norm of the KL part of the weight gradient over that of the
    /// reconstruction part, averaged over the epoch (empty without KL).
    pub kl_grad_ratio: Vec<f64>,
}

/// Trains `dae` on the rows of `x` by minibatch SGD on the squared error of
/// corrupted inputs (eq. 6), with the KL term of eqs. 9-10 when `kl` is given.
pub fn train_dae(
    dae: &mut Dae,
    x: ArrayView2<f32>,
    stage: &Stage,
    corruption: Corruption,
    scale: LossScale,
    kl: Option<KlPartner>,
    rng: &mut impl Rng,
) -> Result<History, DaeError> {
    if x.nrows() == 0 {
        return Err(DaeError::NoData("autoencoder training set".into()));
    }
    let mut hist = History::default();
    for _ in 0..stage.epochs {
        let fixed_q: Option<Array1<f32>> = kl
            .filter(|k| k.q_per_epoch)
            .map(|k| crate::dae::mean_rows(dae.encode(k.other).view()));
        let (mut loss, mut klv, mut ratio, mut n) = (0.0, 0.0, 0.0, 0usize);
        for rows in minibatches(x.nrows(), stage.batch, rng) {
            let xb = x.select(Axis(0), &rows);
            let noisy = corruption.apply(xb.view(), rng);
            let term: Option<KlTerm<'_>> = kl.as_ref().map(|k| KlTerm {
                other: k.other.view(),
                weight: k.weight,
                fixed_q: fixed_q.as_ref().map(|q| q.view()),
            });
            let (l, _, mut g) = dae.loss_and_grads(xb.view(), noisy.view(), scale, None);
            let mut k = 0.0;
            if let Some(term) = term {
                let (v, gk) = dae.kl_and_grads(xb.view(), term);
                // the ratio of the two gradient parts is part of the record
                let norm = |a: &Array2<f32>| {
                    a.iter()
                        .map(|&v| f64::from(v) * f64::from(v))
                        .sum::<f64>()
                        .sqrt()
                };
                ratio += norm(&gk.w) / norm(&g.w).max(f64::MIN_POSITIVE);
                g.add(&gk);
                k = v;
            }
            dae.apply(&g, -stage.lr);
            loss += l;
            klv += k;
            n += 1;
        }
        if !dae.is_finite() || !loss.is_finite() {
            return Err(DaeError::Diverged(format!(
                "autoencoder training (lr {}): the loss became non-finite",
                stage.lr
            )));
        }
        hist.loss.push(loss / n as f64);
        if kl.is_some() {
            hist.kl.push(klv / n as f64);
            hist.kl_grad_ratio.push(ratio / n as f64);
        }
    }
    Ok(hist)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{rngs::StdRng, SeedableRng};

    fn data(rng: &mut StdRng) -> Array2<f32> {
        // rows near two prototypes, so there is structure to learn
        Array2::from_shape_fn((64, 12), |(i, j)| {
            let proto = if i % 2 == 0 {
                j as f32 / 12.0
            } else {
                1.0 - j as f32 / 12.0
            };
            (proto + rng.gen_range(-0.05..0.05f32)).clamp(0.0, 1.0)
        })
    }

    #[test]
    fn training_lowers_the_loss() {
        let mut rng = StdRng::seed_from_u64(1);
        let x = data(&mut rng);
        let mut dae = Dae::random(12, 6, &mut rng);
        let stage = Stage {
            epochs: 40,
            lr: 0.1,
            batch: 8,
        };
        let h = train_dae(
            &mut dae,
            x.view(),
            &stage,
            Corruption::Gaussian(0.1),
            LossScale::Sum,
            None,
            &mut rng,
        )
        .unwrap();
        assert!(h.loss[39] < 0.5 * h.loss[0], "{:?}", h.loss);
    }

    #[test]
    fn loss1_raises_and_loss2_lowers_the_kl() {
        let mut rng = StdRng::seed_from_u64(2);
        let x = data(&mut rng);
        let (a, b) = (
            x.slice(ndarray::s![..32, ..]),
            x.slice(ndarray::s![32.., ..]),
        );
        // make the two sets differ
        let b = b.mapv(|v| v * 0.5);
        let start = Dae::random(12, 6, &mut rng);
        let kl_after = |weight: f32| {
            let mut d = start.clone();
            let stage = Stage {
                epochs: 30,
                lr: 0.05,
                batch: 8,
            };
            let partner = KlPartner {
                other: b.view(),
                weight,
                q_per_epoch: false,
            };
            let mut r = StdRng::seed_from_u64(9);
            let h = train_dae(
                &mut d,
                a,
                &stage,
                Corruption::None,
                LossScale::Mean,
                Some(partner),
                &mut r,
            )
            .unwrap();
            *h.kl.last().unwrap()
        };
        let (none, loss1, loss2) = (kl_after(0.0), kl_after(-1.0), kl_after(1.0));
        assert!(loss1 > none && none > loss2, "{loss1} {none} {loss2}");
    }

    #[test]
    fn same_seed_same_weights() {
        let run = |seed| {
            let mut rng = StdRng::seed_from_u64(seed);
            let x = data(&mut rng);
            let mut dae = Dae::random(12, 6, &mut rng);
            let stage = Stage {
                epochs: 3,
                lr: 0.1,
                batch: 5,
            };
            train_dae(
                &mut dae,
                x.view(),
                &stage,
                Corruption::Gaussian(0.1),
                LossScale::Sum,
                None,
                &mut rng,
            )
            .unwrap();
            dae
        };
        assert_eq!(run(4), run(4));
        assert_ne!(run(4), run(5));
    }

    #[test]
    fn corruption_levels() {
        let mut rng = StdRng::seed_from_u64(0);
        let x = Array2::from_elem((200, 50), 0.5f32);
        let g = Corruption::Gaussian(0.1).apply(x.view(), &mut rng);
        let sd = (g.mapv(|v| (v - 0.5).powi(2)).mean().unwrap()).sqrt();
        assert!((sd - 0.1).abs() < 0.005, "{sd}");
        let m = Corruption::Masking(0.25).apply(x.view(), &mut rng);
        let zeros = m.iter().filter(|&&v| v == 0.0).count() as f32 / m.len() as f32;
        assert!((zeros - 0.25).abs() < 0.02, "{zeros}");
        assert_eq!(Corruption::None.apply(x.view(), &mut rng), x);
    }
}
