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

/// Fits min-max and the SVM on `train`, predicts `test`.
pub fn minmax_svm(train: &Data, test: &Data, p: &SvmParams) -> Result<Vec<usize>, EvalError> {
    let norm = MinMax::fit(train.x.view());
    let xtr = norm.transform(train.x.view());
    let xte = norm.transform(test.x.view());
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
