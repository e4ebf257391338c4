//! The denoising-autoencoder front end of the paper: a neutral DAE `θn`,
//! gender-dependent neutral DAEs trained with a KL term between the genders
//! (Loss1, Loss2: eqs. 9-13), the modified DAE whose emotional hidden layer is
//! the feature (eqs. 1-6), and the structural combination (eqs. 14-16).
//!
//! Inputs are min-max scaled feature rows in single precision; [`fit`] trains
//! one system and returns the [`EmotionEncoder`] whose hidden activations feed
//! the SVM. Test rows need no gender.

pub mod dae;
pub mod linalg;
pub mod modified;
pub mod train;

pub use dae::{Dae, Grads, KlTerm, LossScale};
pub use modified::{NeutralProjection, Softmax};
pub use train::{Corruption, History, KlPartner, Stage};

use ndarray::{Array1, Array2, ArrayView2, Axis};
use rand::{rngs::StdRng, SeedableRng};

/// Why training failed.
#[derive(Debug, thiserror::Error)]
pub enum DaeError {
    #[error("no rows in the {0}")]
    NoData(String),
    #[error("{0}; lower the learning rate")]
    Diverged(String),
    #[error("{0}")]
    Shape(String),
}

/// The systems of the paper's Table 2 (static features aside), plus an
/// untrained control.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SystemKind {
    /// Control: a randomly initialised, untrained 800-unit projection.
    Random,
    /// The previous modified DAE: one gender-independent `θn`.
    Dae,
    /// Gender-dependent `θn` trained with Loss1 (eq. 9).
    Loss1,
    /// Gender-dependent `θn` trained with Loss2 (eq. 10).
    Loss2,
    /// Both: `zn = 0.5·zL1 + 0.5·zL2` (eq. 16).
    Combination,
    /// Gender-dependent `θn` without the KL term (β = γ = 0).
    NoKl,
}

impl SystemKind {
    pub const ALL: [SystemKind; 6] = [
        SystemKind::Random,
        SystemKind::Dae,
        SystemKind::Loss1,
        SystemKind::Loss2,
        SystemKind::Combination,
        SystemKind::NoKl,
    ];

    pub fn name(self) -> &'static str {
        match self {
            SystemKind::Random => "random",
            SystemKind::Dae => "dae",
            SystemKind::Loss1 => "loss1",
            SystemKind::Loss2 => "loss2",
            SystemKind::Combination => "combination",
            SystemKind::NoKl => "nokl",
        }
    }
}

impl std::str::FromStr for SystemKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SystemKind::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| format!("unknown DAE system '{s}'"))
    }
}

/// Every setting of the front end; [`Default`] is the paper's (section 3.3).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DaeConfig {
    /// Hidden units of every projection (800).
    pub hidden: usize,
    /// Input corruption of every DAE (Gaussian, 0.1).
    pub corruption: Corruption,
    /// Reconstruction error summed or averaged over inputs.
    pub loss_scale: LossScale,
    /// Hold `q` (eq. 12) fixed within an epoch instead of differentiating through it.
    pub q_per_epoch: bool,
    /// The neutral DAE `θn` (30 epochs, lr 0.01, batch 1000).
    pub neutral: Stage,
    /// The gender-dependent DAEs (10 epochs, lr 0.01).
    pub gender: Stage,
    /// β of Loss1 (0.01).
    pub beta: f32,
    /// γ of Loss2 (0.1).
    pub gamma: f32,
    /// Pre-training of `θe` (20 epochs, lr 0.01).
    pub pretrain: Stage,
    /// Fine-tuning through softmax (12 epochs, lr 0.05).
    pub finetune: Stage,
    /// Weight α of the emotional reconstruction (0.7, eq. 5).
    pub alpha: f32,
}

impl Default for DaeConfig {
    fn default() -> Self {
        let stage = |epochs, lr| Stage {
            epochs,
            lr,
            batch: 1000,
        };
        DaeConfig {
            hidden: 800,
            corruption: Corruption::Gaussian(0.1),
            loss_scale: LossScale::Sum,
            q_per_epoch: false,
            neutral: stage(30, 0.01),
            gender: stage(10, 0.01),
            beta: 0.01,
            gamma: 0.1,
            pretrain: stage(20, 0.01),
            finetune: stage(12, 0.05),
            alpha: 0.7,
        }
    }
}

/// The trained feature extractor: the emotional hidden layer `s(W_e x + b_e)`
/// (eq. 2 on clean input), 800 features per row.
#[derive(Debug, Clone, PartialEq)]
pub struct EmotionEncoder {
    pub w: Array2<f32>,
    pub b: Array1<f32>,
}

impl EmotionEncoder {
    /// Hidden activations of min-max scaled rows.
    pub fn features(&self, x: ArrayView2<f32>) -> Array2<f32> {
        dae::encode_with(self.w.view(), self.b.view(), x)
    }
}

/// What happened during training, for reports.
#[derive(Debug, Clone, Default)]
pub struct FitReport {
    pub neutral: History,
    /// (model name, history) of each gender-dependent DAE.
    pub gender: Vec<(String, History)>,
    pub pretrain: History,
    pub finetune_ce: Vec<f64>,
}

/// Training rows of the emotion front end.
#[derive(Debug, Clone, Copy)]
pub struct TrainingSet<'a> {
    /// Min-max scaled features.
    pub x: ArrayView2<'a, f32>,
    pub y: &'a [usize],
    pub n_classes: usize,
    /// 0 = female, 1 = male.
    pub gender: &'a [usize],
}

/// An RNG per training stage, so that, for one seed, a stage's randomness
/// does not depend on which stages ran before it (θn is the same in every
/// system).
fn stage_rng(seed: u64, stage: u64) -> StdRng {
    StdRng::seed_from_u64(seed ^ stage.wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// Trains the neutral DAE `θn` on neutral rows.
pub fn fit_neutral(
    cfg: &DaeConfig,
    neutral_x: ArrayView2<f32>,
    seed: u64,
) -> Result<(Dae, History), DaeError> {
    let mut rng = stage_rng(seed, 1);
    let mut dae = Dae::random(neutral_x.ncols(), cfg.hidden, &mut rng);
    let h = train::train_dae(
        &mut dae,
        neutral_x,
        &cfg.neutral,
        cfg.corruption,
        cfg.loss_scale,
        None,
        &mut rng,
    )?;
    Ok((dae, h))
}

/// The two gender-dependent DAEs (female, male), each initialised from `θn`
/// and trained on its gender's rows with `weight · KL(p‖q)` against the other
/// gender (eqs. 9-10; weight −β, +γ or 0). A gender with no rows keeps `θn`.
pub fn fit_gender_pair(
    cfg: &DaeConfig,
    theta_n: &Dae,
    train: &TrainingSet,
    weight: f32,
    seed: u64,
    report: &mut FitReport,
    label: &str,
) -> Result<[Dae; 2], DaeError> {
    let rows = |g: usize| -> Vec<usize> {
        (0..train.gender.len())
            .filter(|&i| train.gender[i] == g)
            .collect()
    };
    let sets = [
        train.x.select(Axis(0), &rows(0)),
        train.x.select(Axis(0), &rows(1)),
    ];
    let mut out = [theta_n.clone(), theta_n.clone()];
    for g in 0..2 {
        if sets[g].nrows() == 0 {
            continue;
        }
        let other = &sets[1 - g];
        let partner = (weight != 0.0 && other.nrows() > 0).then_some(KlPartner {
            other: other.view(),
            weight,
            q_per_epoch: cfg.q_per_epoch,
        });
        let mut rng = stage_rng(seed, 2 + g as u64);
        let h = train::train_dae(
            &mut out[g],
            sets[g].view(),
            &cfg.gender,
            cfg.corruption,
            cfg.loss_scale,
            partner,
            &mut rng,
        )?;
        report
            .gender
            .push((format!("{label}-{}", ["female", "male"][g]), h));
    }
    Ok(out)
}

/// Trains one system's front end and returns its emotional encoder.
/// `neutral_x` is the neutral speech for `θn` (min-max scaled with the same
/// ranges as `train.x`).
pub fn fit(
    kind: SystemKind,
    cfg: &DaeConfig,
    train: &TrainingSet,
    neutral_x: ArrayView2<f32>,
    seed: u64,
) -> Result<(EmotionEncoder, FitReport), DaeError> {
    let d = train.x.ncols();
    if train.x.nrows() == 0 {
        return Err(DaeError::NoData("training set".into()));
    }
    if neutral_x.ncols() != d {
        return Err(DaeError::Shape(format!(
            "neutral rows have {} features, training rows {d}",
            neutral_x.ncols()
        )));
    }
    let mut report = FitReport::default();
    let mut emotional = Dae::random(d, cfg.hidden, &mut stage_rng(seed, 10));
    if kind != SystemKind::Random {
        let (theta_n, h) = fit_neutral(cfg, neutral_x, seed)?;
        report.neutral = h;
        let per_group = match kind {
            SystemKind::Dae => vec![vec![theta_n.clone()], vec![theta_n]],
            SystemKind::Loss1 | SystemKind::Loss2 | SystemKind::NoKl => {
                let weight = match kind {
                    SystemKind::Loss1 => -cfg.beta,
                    SystemKind::Loss2 => cfg.gamma,
                    _ => 0.0,
                };
                let [f, m] =
                    fit_gender_pair(cfg, &theta_n, train, weight, seed, &mut report, kind.name())?;
                vec![vec![f], vec![m]]
            }
            SystemKind::Combination => {
                let [f1, m1] =
                    fit_gender_pair(cfg, &theta_n, train, -cfg.beta, seed, &mut report, "loss1")?;
                let [f2, m2] =
                    fit_gender_pair(cfg, &theta_n, train, cfg.gamma, seed, &mut report, "loss2")?;
                vec![vec![f1, f2], vec![m1, m2]]
            }
            SystemKind::Random => unreachable!("handled above"),
        };
        let neutral = NeutralProjection { per_group };
        let mut rng = stage_rng(seed, 11);
        report.pretrain = modified::pretrain_emotional(
            &mut emotional,
            &neutral,
            train.x,
            train.gender,
            cfg.alpha,
            &cfg.pretrain,
            cfg.corruption,
            cfg.loss_scale,
            &mut rng,
        )?;
        let mut soft = Softmax::zeros(train.n_classes, cfg.hidden);
        let mut rng = stage_rng(seed, 12);
        report.finetune_ce = modified::finetune(
            &mut emotional,
            &mut soft,
            train.x,
            train.y,
            &cfg.finetune,
            &mut rng,
        )?;
    }
    Ok((
        EmotionEncoder {
            w: emotional.w,
            b: emotional.b,
        },
        report,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    fn toy(seed: u64) -> (Array2<f32>, Vec<usize>, Vec<usize>) {
        let mut rng = StdRng::seed_from_u64(seed);
        let y: Vec<usize> = (0..48).map(|i| i % 3).collect();
        let g: Vec<usize> = (0..48).map(|i| (i / 3) % 2).collect();
        let x = Array2::from_shape_fn((48, 20), |(i, j)| {
            let base =
                if j % 3 == y[i] { 0.8 } else { 0.2 } + if g[i] == 1 && j < 10 { 0.1 } else { 0.0 };
            (base + rng.gen_range(-0.05f32..0.05)).clamp(0.0, 1.0)
        });
        (x, y, g)
    }

    fn small() -> DaeConfig {
        let s = |epochs, lr| Stage {
            epochs,
            lr,
            batch: 8,
        };
        DaeConfig {
            hidden: 6,
            neutral: s(5, 0.05),
            gender: s(3, 0.05),
            pretrain: s(4, 0.05),
            finetune: s(4, 0.1),
            ..DaeConfig::default()
        }
    }

    #[test]
    fn every_system_trains_and_is_deterministic() {
        let (x, y, g) = toy(0);
        let neutral = x.select(Axis(0), &(0..48).filter(|i| i % 3 == 0).collect::<Vec<_>>());
        let set = TrainingSet {
            x: x.view(),
            y: &y,
            n_classes: 3,
            gender: &g,
        };
        for kind in SystemKind::ALL {
            let (a, _) = fit(kind, &small(), &set, neutral.view(), 7).unwrap();
            let (b, _) = fit(kind, &small(), &set, neutral.view(), 7).unwrap();
            assert_eq!(a, b, "{kind:?}");
            let (c, _) = fit(kind, &small(), &set, neutral.view(), 8).unwrap();
            assert_ne!(a, c, "{kind:?}");
            let f = a.features(x.view());
            assert_eq!(f.dim(), (48, 6));
            assert!(f.iter().all(|v| v.is_finite() && *v > 0.0 && *v < 1.0));
        }
    }

    #[test]
    fn systems_differ_where_they_should() {
        let (x, y, g) = toy(1);
        let set = TrainingSet {
            x: x.view(),
            y: &y,
            n_classes: 3,
            gender: &g,
        };
        let enc = |k| fit(k, &small(), &set, x.view(), 3).unwrap().0;
        let (l1, l2, nokl, dae) = (
            enc(SystemKind::Loss1),
            enc(SystemKind::Loss2),
            enc(SystemKind::NoKl),
            enc(SystemKind::Dae),
        );
        assert_ne!(l1, l2);
        assert_ne!(l1, nokl);
        assert_ne!(nokl, dae);
    }

    #[test]
    fn names_round_trip() {
        for k in SystemKind::ALL {
            assert_eq!(k.name().parse::<SystemKind>().unwrap(), k);
        }
        assert!("static".parse::<SystemKind>().is_err());
    }
}
