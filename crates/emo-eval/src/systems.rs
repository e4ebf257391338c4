//! The static-feature baseline: min-max normalisation fitted on the training
//! fold, then an RBF SVM (the paper's first row, "static features + SVM").

use crate::{Data, EvalError, Metrics, System};
use emo_norm::MinMax;
use emo_svm::{Gamma, SvmModel, SvmParams};

/// Static IS10 features → min-max → RBF SVM, optionally with C and γ chosen by
/// an inner leave-one-speaker-out search on the training speakers only.
#[derive(Debug, Clone)]
pub struct StaticSvm {
    pub params: SvmParams,
    pub grid: bool,
}

/// The inner search grid: C values and multiples of γ = 'scale'.
pub const GRID_C: [f64; 4] = [0.1, 1.0, 10.0, 100.0];
pub const GRID_GAMMA_FACTOR: [f64; 3] = [0.25, 1.0, 4.0];

/// Min-max scaled rows in single precision: what the SVM and the DAE see, and
/// what a model file stores losslessly.
pub fn scaled_f32(norm: &MinMax, x: ndarray::ArrayView2<f64>) -> ndarray::Array2<f32> {
    norm.transform(x).mapv(|v| v as f32)
}

/// Fits min-max and the SVM on `train`, predicts `test`.
pub fn minmax_svm(train: &Data, test: &Data, p: &SvmParams) -> Result<Vec<usize>, EvalError> {
    let norm = MinMax::fit(train.x.view());
    let xtr = scaled_f32(&norm, train.x.view()).mapv(f64::from);
    let xte = scaled_f32(&norm, test.x.view()).mapv(f64::from);
    let model = SvmModel::fit(xtr.view(), &train.y, train.classes.len(), p)?;
    Ok(model.predict_rows(xte.view()))
}

impl StaticSvm {
    /// C and γ by inner leave-one-speaker-out UAR on `train` (ties: the first
    /// grid point, i.e. the smaller C and γ).
    pub fn select(&self, train: &Data) -> Result<SvmParams, EvalError> {
        let norm = MinMax::fit(train.x.view());
        let base = emo_svm::gamma_scale(norm.transform(train.x.view()).view());
        let mut best = (f64::NEG_INFINITY, self.params);
        for c in GRID_C {
            for f in GRID_GAMMA_FACTOR {
                let p = SvmParams {
                    c,
                    gamma: Gamma::Value(base * f),
                    eps: self.params.eps,
                    balanced: self.params.balanced,
                };
                let (mut truth, mut pred) = (Vec::new(), Vec::new());
                for (_, tr, te) in train.loso_folds() {
                    let (a, b) = (train.subset(&tr), train.subset(&te));
                    pred.extend(minmax_svm(&a, &b, &p)?);
                    truth.extend(b.y);
                }
                let uar = Metrics::new(&truth, &pred, train.classes.len()).uar;
                if uar > best.0 {
                    best = (uar, p);
                }
            }
        }
        Ok(best.1)
    }
}

impl System for StaticSvm {
    fn name(&self) -> String {
        "static".into()
    }

    fn fit_predict(&self, train: &Data, test: &Data, _seed: u64) -> Result<Vec<usize>, EvalError> {
        let p = if self.grid {
            self.select(train)?
        } else {
            self.params
        };
        minmax_svm(train, test, &p)
    }
}

/// A DAE system of the paper (Table 2): min-max fitted on the training fold,
/// the DAE front end trained on it ([`emo_dae::fit`]), then the RBF SVM on
/// the 800 emotional hidden activations.
#[derive(Debug)]
pub struct DaeSvm {
    pub kind: emo_dae::SystemKind,
    pub config: emo_dae::DaeConfig,
    pub svm: SvmParams,
    /// Raw (unnormalised) features of the neutral speech for `θn`; `None`
    /// uses the training fold's rows labelled `neutral`.
    pub neutral: Option<ndarray::Array2<f64>>,
    /// The training record of every fit, for reports (KL gradient ratio).
    pub log: std::sync::Mutex<Vec<emo_dae::FitReport>>,
}

impl DaeSvm {
    pub fn new(kind: emo_dae::SystemKind, config: emo_dae::DaeConfig, svm: SvmParams) -> Self {
        DaeSvm {
            kind,
            config,
            svm,
            neutral: None,
            log: std::sync::Mutex::new(Vec::new()),
        }
    }

    /// Fits min-max and the front end on `train`; returns both and the
    /// training rows' DAE features.
    pub fn fit_front_end(
        &self,
        train: &Data,
        seed: u64,
    ) -> Result<(MinMax, emo_dae::EmotionEncoder, ndarray::Array2<f64>), EvalError> {
        let norm = MinMax::fit(train.x.view());
        let x = scaled_f32(&norm, train.x.view());
        let neutral = match &self.neutral {
            // reconstruction targets of a sigmoid decoder: kept inside [0, 1]
            Some(n) => scaled_f32(&norm, n.view()).mapv(|v| v.clamp(0.0, 1.0)),
            None => {
                let Some(ci) = train.classes.iter().position(|c| c == "neutral") else {
                    return Err(EvalError::Data(
                        "the DAE systems need neutral speech for θn: the classes have no 'neutral'; give --neutral".into(),
                    ));
                };
                let rows: Vec<usize> = (0..train.y.len()).filter(|&i| train.y[i] == ci).collect();
                x.select(ndarray::Axis(0), &rows)
            }
        };
        let gender: Vec<usize> = train
            .genders
            .iter()
            .map(|g| match g {
                emo_corpus::Gender::Female => 0,
                emo_corpus::Gender::Male => 1,
            })
            .collect();
        let set = emo_dae::TrainingSet {
            x: x.view(),
            y: &train.y,
            n_classes: train.classes.len(),
            gender: &gender,
        };
        let (enc, report) = emo_dae::fit(self.kind, &self.config, &set, neutral.view(), seed)
            .map_err(|e| EvalError::Data(format!("{} front end: {e}", self.kind.name())))?;
        if let Ok(mut log) = self.log.lock() {
            log.push(report);
        }
        let features = enc.features(x.view()).mapv(f64::from);
        Ok((norm, enc, features))
    }
}

impl System for DaeSvm {
    fn name(&self) -> String {
        self.kind.name().into()
    }

    fn as_any(&self) -> Option<&dyn std::any::Any> {
        Some(self)
    }

    fn fit_predict(&self, train: &Data, test: &Data, seed: u64) -> Result<Vec<usize>, EvalError> {
        let (norm, enc, ftr) = self.fit_front_end(train, seed)?;
        let xte = scaled_f32(&norm, test.x.view());
        let fte = enc.features(xte.view()).mapv(f64::from);
        let model = SvmModel::fit(ftr.view(), &train.y, train.classes.len(), &self.svm)?;
        Ok(model.predict_rows(fte.view()))
    }
}
