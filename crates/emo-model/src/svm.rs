//! The SVM as a model file stores it: each support vector once (shared by the
//! pairwise machines, as libsvm stores them), in single precision.

use emo_svm::probability::{class_probabilities, Platt};
use emo_svm::SvmModel;
use ndarray::{Array2, ArrayView1};

/// One pairwise machine over shared support vectors.
#[derive(Debug, Clone, PartialEq)]
pub struct Machine {
    pub a: usize,
    pub b: usize,
    /// Rows of [`CompactSvm::support`].
    pub sv: Vec<u32>,
    pub coef: Vec<f64>,
    pub rho: f64,
    pub platt: Platt,
}

/// A one-vs-one RBF SVM with shared single-precision support vectors.
#[derive(Debug, Clone, PartialEq)]
pub struct CompactSvm {
    pub n_classes: usize,
    pub gamma: f64,
    pub support: Array2<f32>,
    pub machines: Vec<Machine>,
}

impl CompactSvm {
    /// From a calibrated model whose support vectors are single-precision
    /// values (as the model pipeline makes them).
    pub fn from_model(m: &SvmModel) -> Self {
        let mut rows: Vec<Vec<f32>> = Vec::new();
        let mut index: std::collections::HashMap<Vec<u32>, u32> = std::collections::HashMap::new();
        let mut machines = Vec::new();
        for (k, bm) in m.machines.iter().enumerate() {
            let mut sv = Vec::new();
            for r in bm.support.rows() {
                let v: Vec<f32> = r.iter().map(|&x| x as f32).collect();
                let key: Vec<u32> = v.iter().map(|x| x.to_bits()).collect();
                let next = rows.len() as u32;
                let i = *index.entry(key).or_insert_with(|| {
                    rows.push(v);
                    next
                });
                sv.push(i);
            }
            machines.push(Machine {
                a: bm.a,
                b: bm.b,
                sv,
                coef: bm.coef.to_vec(),
                rho: bm.rho,
                platt: m.platt.get(k).copied().unwrap_or(Platt { a: -1.0, b: 0.0 }),
            });
        }
        let d = m.machines.first().map_or(0, |bm| bm.support.ncols());
        let support = Array2::from_shape_fn((rows.len(), d), |(i, j)| rows[i][j]);
        CompactSvm {
            n_classes: m.n_classes,
            gamma: m.gamma,
            support,
            machines,
        }
    }

    /// Class probabilities by Platt + pairwise coupling, and the most probable
    /// class (as libsvm predicts with a probability model; the plain
    /// one-vs-one vote can disagree with it on uncertain clips).
    pub fn predict(&self, x: ArrayView1<f64>) -> crate::Prediction {
        // each support vector's kernel value once
        let k: Vec<f64> = self
            .support
            .rows()
            .into_iter()
            .map(|sv| {
                let d: f64 = sv
                    .iter()
                    .zip(x.iter())
                    .map(|(&s, &v)| {
                        let t = f64::from(s) - v;
                        t * t
                    })
                    .sum();
                (-self.gamma * d).exp()
            })
            .collect();
        let pairs: Vec<(usize, usize, f64)> = self
            .machines
            .iter()
            .map(|m| {
                let f =
                    m.sv.iter()
                        .zip(&m.coef)
                        .map(|(&i, &c)| c * k[i as usize])
                        .sum::<f64>()
                        - m.rho;
                (m.a, m.b, m.platt.probability(f))
            })
            .collect();
        let probabilities = class_probabilities(self.n_classes, &pairs);
        let mut class = 0;
        for (c, &p) in probabilities.iter().enumerate() {
            if p > probabilities[class] {
                class = c;
            }
        }
        crate::Prediction {
            class,
            probabilities,
        }
    }
}
