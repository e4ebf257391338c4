//! Feature normalisation, fitted on training data only.

use ndarray::{Array1, Array2, ArrayView2, Axis};

/// Min-max scaling to [0, 1] per feature: `(x − min) / (max − min)`, with the
/// training set's min and max. A feature constant in training maps to 0.
/// Test values outside the training range fall outside [0, 1] (no clipping,
/// as scikit-learn's `MinMaxScaler`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MinMax {
    pub min: Array1<f64>,
    pub max: Array1<f64>,
}

impl MinMax {
    /// Fits the ranges on training rows.
    pub fn fit(x: ArrayView2<f64>) -> Self {
        let min = x.fold_axis(Axis(0), f64::INFINITY, |a, &b| a.min(b));
        let max = x.fold_axis(Axis(0), f64::NEG_INFINITY, |a, &b| a.max(b));
        MinMax { min, max }
    }

    /// Scales rows with the fitted ranges.
    pub fn transform(&self, x: ArrayView2<f64>) -> Array2<f64> {
        let mut out = x.to_owned();
        for mut row in out.rows_mut() {
            for ((v, &lo), &hi) in row.iter_mut().zip(&self.min).zip(&self.max) {
                let range = hi - lo;
                *v = if range > 0.0 { (*v - lo) / range } else { 0.0 };
            }
        }
        out
    }
}

/// Standardises each feature within groups of rows (z-score with the group's
/// own mean and population standard deviation; a feature constant within a
/// group becomes 0): per-speaker or per-corpus normalisation. Unsupervised.
pub fn standardise_groups<G: PartialEq>(x: &mut Array2<f64>, groups: &[G]) {
    let mut seen: Vec<&G> = Vec::new();
    for g in groups {
        if seen.contains(&g) {
            continue;
        }
        seen.push(g);
        let rows: Vec<usize> = (0..groups.len()).filter(|&i| &groups[i] == g).collect();
        let sub = x.select(Axis(0), &rows);
        let mean = sub
            .mean_axis(Axis(0))
            .unwrap_or_else(|| Array1::zeros(x.ncols()));
        let std = sub.std_axis(Axis(0), 0.0);
        for &r in &rows {
            for (j, v) in x.row_mut(r).iter_mut().enumerate() {
                *v = if std[j] > 0.0 {
                    (*v - mean[j]) / std[j]
                } else {
                    0.0
                };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn scales_training_to_unit_range_and_leaves_test_unclipped() {
        let train = array![[0.0, 5.0, 1.0], [10.0, 7.0, 1.0], [5.0, 6.0, 1.0]];
        let m = MinMax::fit(train.view());
        let t = m.transform(train.view());
        assert_eq!(t, array![[0.0, 0.0, 0.0], [1.0, 1.0, 0.0], [0.5, 0.5, 0.0]]);
        let test = m.transform(array![[20.0, 4.0, 3.0]].view());
        assert_eq!(test, array![[2.0, -0.5, 0.0]]);
    }

    #[test]
    fn standardises_within_each_group() {
        let mut x = array![[1.0, 5.0], [3.0, 5.0], [10.0, 0.0], [20.0, 4.0]];
        standardise_groups(&mut x, &["a", "a", "b", "b"]);
        assert_eq!(x, array![[-1.0, 0.0], [1.0, 0.0], [-1.0, -1.0], [1.0, 1.0]]);
    }
}
