//! One tied-weight denoising autoencoder (eqs. 1-4, 7-8) and the gradients of
//! its losses: squared reconstruction error (eq. 6) and the gender KL term
//! (eqs. 9-13).

use crate::linalg::{gemm, matmul, sigmoid};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};
use rand::Rng;

/// Weights of a tied-weight sigmoid autoencoder: encoder `y = s(W x + b)`,
/// decoder `z = s(Wᵀ y + b′)` (eqs. 7-8; eqs. 1-4 for the two projections of
/// the modified DAE).
#[derive(Debug, Clone, PartialEq)]
pub struct Dae {
    /// `W`, hidden × input.
    pub w: Array2<f32>,
    /// `b`, the hidden bias.
    pub b: Array1<f32>,
    /// `b′`, the reconstruction bias.
    pub c: Array1<f32>,
}

/// Gradients with the shapes of a [`Dae`]'s weights.
#[derive(Debug, Clone)]
pub struct Grads {
    pub w: Array2<f32>,
    pub b: Array1<f32>,
    pub c: Array1<f32>,
}

impl Grads {
    /// `self += other`.
    pub fn add(&mut self, other: &Grads) {
        self.w += &other.w;
        self.b += &other.b;
        self.c += &other.c;
    }
}

/// How the squared error `|z − x|²` is scaled. Both average over the examples
/// of a minibatch; they differ in the inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LossScale {
    /// Summed over the inputs (the literal `|z − x|²`).
    Sum,
    /// Averaged over the inputs (the KL term then weighs ~1582 times more).
    Mean,
}

/// The gender KL term of eqs. 9-10: `weight · KL(p‖q)` is added to the loss,
/// with `weight = −β` for Loss1 and `+γ` for Loss2.
#[derive(Debug, Clone, Copy)]
pub struct KlTerm<'a> {
    /// The other gender's whole (clean) set, from which `q` is computed (eq. 12).
    pub other: ArrayView2<'a, f32>,
    pub weight: f32,
    /// `q` held fixed (no gradient through it); `None` computes `q` from the
    /// current weights with gradients flowing through it.
    pub fixed_q: Option<ArrayView1<'a, f32>>,
}

/// Activations below this or above one minus this are clamped inside the KL
/// logarithms.
const KL_EPS: f32 = 1e-6;

/// `KL(p‖q)` averaged over hidden units (eq. 13), in double precision.
pub fn kl_divergence(p: ArrayView1<f32>, q: ArrayView1<f32>) -> f64 {
    let s = p.len().max(1) as f64;
    p.iter()
        .zip(q)
        .map(|(&p, &q)| {
            let p = f64::from(p.clamp(KL_EPS, 1.0 - KL_EPS));
            let q = f64::from(q.clamp(KL_EPS, 1.0 - KL_EPS));
            p * (p / q).ln() + (1.0 - p) * ((1.0 - p) / (1.0 - q)).ln()
        })
        .sum::<f64>()
        / s
}

impl Dae {
    /// Random weights, uniform in ±4·√(6 / (inputs + hidden)) (the usual
    /// range for sigmoid units), zero biases.
    pub fn random(inputs: usize, hidden: usize, rng: &mut impl Rng) -> Self {
        let r = 4.0 * (6.0 / (inputs + hidden) as f32).sqrt();
        Dae {
            w: Array2::from_shape_simple_fn((hidden, inputs), || rng.gen_range(-r..r)),
            b: Array1::zeros(hidden),
            c: Array1::zeros(inputs),
        }
    }

    pub fn inputs(&self) -> usize {
        self.w.ncols()
    }

    pub fn hidden(&self) -> usize {
        self.w.nrows()
    }

    /// Hidden activations `s(W x + b)` of each row (eq. 1, 7).
    pub fn encode(&self, x: ArrayView2<f32>) -> Array2<f32> {
        encode_with(self.w.view(), self.b.view(), x)
    }

    /// Reconstructions `s(Wᵀ y + b′)` of hidden rows (eq. 3, 8).
    pub fn decode(&self, y: ArrayView2<f32>) -> Array2<f32> {
        let mut a = matmul(y, self.w.view());
        add_row_and_squash(&mut a, self.c.view());
        a
    }

    /// Encodes then decodes (eqs. 14-15 for one projection).
    pub fn reconstruct(&self, x: ArrayView2<f32>) -> Array2<f32> {
        self.decode(self.encode(x).view())
    }

    /// Back-propagates `dz = ∂L/∂z` through the decoder and encoder of the
    /// forward pass `y = encode(x_in)`, `z = decode(y)`.
    pub fn backward(
        &self,
        x_in: ArrayView2<f32>,
        y: ArrayView2<f32>,
        z: ArrayView2<f32>,
        dz: ArrayView2<f32>,
    ) -> Grads {
        // δ2 = ∂L/∂(decoder pre-activation)
        let mut d2 = dz.to_owned();
        ndarray::Zip::from(&mut d2)
            .and(z)
            .par_for_each(|d, &z| *d *= z * (1.0 - z));
        let gc = d2.sum_axis(Axis(0));
        // δ1 = ∂L/∂(encoder pre-activation)
        let mut d1 = matmul(d2.view(), self.w.t());
        ndarray::Zip::from(&mut d1)
            .and(y)
            .par_for_each(|d, &y| *d *= y * (1.0 - y));
        let gb = d1.sum_axis(Axis(0));
        // W is shared by encoder (δ1ᵀ x) and decoder (yᵀ δ2)
        let mut gw = matmul(d1.t(), x_in);
        gemm(1.0, y.t(), d2.view(), 1.0, gw.view_mut());
        Grads {
            w: gw,
            b: gb,
            c: gc,
        }
    }

    /// Squared reconstruction error of `x` from its corrupted copy `noisy`
    /// (eq. 6), plus the KL term when given (eqs. 9-13), and its gradient.
    /// Returns (reconstruction loss, KL(p‖q) or 0, gradients).
    pub fn loss_and_grads(
        &self,
        x: ArrayView2<f32>,
        noisy: ArrayView2<f32>,
        scale: LossScale,
        kl: Option<KlTerm>,
    ) -> (f64, f64, Grads) {
        let y = self.encode(noisy);
        let z = self.decode(y.view());
        let (loss, dz) = squared_error(z.view(), x, scale);
        let mut g = self.backward(noisy, y.view(), z.view(), dz.view());
        let mut kl_value = 0.0;
        if let Some(kl) = kl {
            let (v, gk) = self.kl_and_grads(x, kl);
            g.add(&gk);
            kl_value = v;
        }
        (loss, kl_value, g)
    }

    /// `KL(p‖q)` and the gradient of `weight · KL(p‖q)`; `p` is the mean
    /// hidden activation of the clean minibatch `x` (eq. 11), `q` that of the
    /// other gender's whole set (eq. 12), KL as in eq. 13.
    pub fn kl_and_grads(&self, x: ArrayView2<f32>, kl: KlTerm) -> (f64, Grads) {
        let mut g = Grads {
            w: Array2::zeros(self.w.dim()),
            b: Array1::zeros(self.b.len()),
            c: Array1::zeros(self.c.len()),
        };
        let hx = self.encode(x);
        let p = mean_rows(hx.view());
        let (ho, q) = match kl.fixed_q {
            Some(q) => (None, q.to_owned()),
            None => {
                let ho = self.encode(kl.other);
                let q = mean_rows(ho.view());
                (Some(ho), q)
            }
        };
        let value = kl_divergence(p.view(), q.view());
        let s = p.len() as f32;
        let (mut dp, mut dq) = (Array1::zeros(p.len()), Array1::zeros(p.len()));
        for i in 0..p.len() {
            let pi = p[i].clamp(KL_EPS, 1.0 - KL_EPS);
            let qi = q[i].clamp(KL_EPS, 1.0 - KL_EPS);
            dp[i] = kl.weight * ((pi / qi).ln() - ((1.0 - pi) / (1.0 - qi)).ln()) / s;
            dq[i] = kl.weight * ((1.0 - pi) / (1.0 - qi) - pi / qi) / s;
        }
        add_mean_activation_grads(x, hx, dp.view(), &mut g);
        if let Some(ho) = ho {
            add_mean_activation_grads(kl.other, ho, dq.view(), &mut g);
        }
        (value, g)
    }

    /// `self += step · g`.
    pub fn apply(&mut self, g: &Grads, step: f32) {
        self.w.scaled_add(step, &g.w);
        self.b.scaled_add(step, &g.b);
        self.c.scaled_add(step, &g.c);
    }

    /// Whether every weight is finite.
    pub fn is_finite(&self) -> bool {
        self.w
            .iter()
            .chain(&self.b)
            .chain(&self.c)
            .all(|v| v.is_finite())
    }
}

/// Gradient of `Σ_i d_i · mean_rows(s(x Wᵀ + b))_i` given the activations `h`.
fn add_mean_activation_grads(
    x: ArrayView2<f32>,
    mut h: Array2<f32>,
    d: ArrayView1<f32>,
    g: &mut Grads,
) {
    let n = h.nrows().max(1) as f32;
    for mut row in h.rows_mut() {
        for (v, &di) in row.iter_mut().zip(d) {
            *v = di * *v * (1.0 - *v) / n;
        }
    }
    g.b += &h.sum_axis(Axis(0));
    gemm(1.0, h.t(), x, 1.0, g.w.view_mut());
}

/// `|z − x|²` scaled per [`LossScale`] and averaged over rows, and `∂L/∂z`.
pub fn squared_error(
    z: ArrayView2<f32>,
    x: ArrayView2<f32>,
    scale: LossScale,
) -> (f64, Array2<f32>) {
    let rows = z.nrows().max(1) as f64;
    let norm = match scale {
        LossScale::Sum => rows,
        LossScale::Mean => rows * z.ncols().max(1) as f64,
    };
    let mut dz = &z - &x;
    // serial: the reported loss does not depend on the thread count
    let loss = dz.iter().map(|&d| f64::from(d) * f64::from(d)).sum::<f64>() / norm;
    let k = (2.0 / norm) as f32;
    dz.par_mapv_inplace(|d| d * k);
    (loss, dz)
}

/// Hidden activations `s(W x + b)` of each row for encoder weights `w`
/// (hidden × input) and bias `b` (eqs. 1-2, 7).
pub fn encode_with(w: ArrayView2<f32>, b: ArrayView1<f32>, x: ArrayView2<f32>) -> Array2<f32> {
    let mut a = matmul(x, w.t());
    add_row_and_squash(&mut a, b);
    a
}

/// Adds `bias` to every row, then applies the sigmoid.
fn add_row_and_squash(a: &mut Array2<f32>, bias: ArrayView1<f32>) {
    use rayon::prelude::*;
    a.axis_iter_mut(Axis(0))
        .into_par_iter()
        .for_each(|mut row| {
            for (v, &b) in row.iter_mut().zip(bias) {
                *v = sigmoid(*v + b);
            }
        });
}

/// Column means.
pub fn mean_rows(h: ArrayView2<f32>) -> Array1<f32> {
    let n = h.nrows().max(1) as f32;
    h.sum_axis(Axis(0)) / n
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{rngs::StdRng, SeedableRng};

    fn problem() -> (Dae, Array2<f32>, Array2<f32>, Array2<f32>) {
        let mut rng = StdRng::seed_from_u64(3);
        let mut dae = Dae::random(7, 5, &mut rng);
        dae.b.mapv_inplace(|_| rng.gen_range(-0.5..0.5));
        dae.c.mapv_inplace(|_| rng.gen_range(-0.5..0.5));
        let x = Array2::from_shape_simple_fn((6, 7), || rng.gen_range(0.0..1.0));
        let noisy = &x + &Array2::from_shape_simple_fn((6, 7), || rng.gen_range(-0.1..0.1));
        let other = Array2::from_shape_simple_fn((9, 7), || rng.gen_range(0.0..1.0f32).powi(2));
        (dae, x, noisy, other)
    }

    /// Total loss `rec + weight · KL` at `dae`.
    fn total(dae: &Dae, x: &Array2<f32>, noisy: &Array2<f32>, kl: Option<KlTerm>) -> f64 {
        let (rec, k, _) = dae.loss_and_grads(x.view(), noisy.view(), LossScale::Sum, kl);
        rec + kl.map_or(0.0, |t| f64::from(t.weight) * k)
    }

    /// Compares analytic gradients with central differences on every weight.
    fn check(kl_weight: Option<f32>, fixed_q: bool) {
        let (dae, x, noisy, other) = problem();
        let q = mean_rows(dae.encode(other.view()).view());
        let term = kl_weight.map(|w| KlTerm {
            other: other.view(),
            weight: w,
            fixed_q: fixed_q.then_some(q.view()),
        });
        let (_, _, g) = dae.loss_and_grads(x.view(), noisy.view(), LossScale::Sum, term);
        let h = 1e-2f32;
        let mut worst = 0.0f64;
        let n_w = dae.w.len();
        for k in 0..n_w + dae.b.len() + dae.c.len() {
            let (mut up, mut down) = (dae.clone(), dae.clone());
            let analytic = if k < n_w {
                up.w.as_slice_mut().unwrap()[k] += h;
                down.w.as_slice_mut().unwrap()[k] -= h;
                g.w.as_slice().unwrap()[k]
            } else if k < n_w + dae.b.len() {
                up.b[k - n_w] += h;
                down.b[k - n_w] -= h;
                g.b[k - n_w]
            } else {
                let j = k - n_w - dae.b.len();
                up.c[j] += h;
                down.c[j] -= h;
                g.c[j]
            };
            let numeric = (total(&up, &x, &noisy, term) - total(&down, &x, &noisy, term))
                / (2.0 * f64::from(h));
            let err = (numeric - f64::from(analytic)).abs() / (1e-3 + numeric.abs());
            worst = worst.max(err);
        }
        assert!(worst < 2e-2, "worst relative gradient error {worst}");
    }

    #[test]
    fn reconstruction_gradient_matches_finite_differences() {
        check(None, false);
    }

    #[test]
    fn loss1_gradient_with_kl_matches_finite_differences() {
        // a large β so the KL part is not hidden under the reconstruction part
        check(Some(-5.0), false);
    }

    #[test]
    fn loss2_gradient_with_kl_matches_finite_differences() {
        check(Some(5.0), false);
        check(Some(5.0), true);
    }

    #[test]
    fn kl_part_alone_matches_finite_differences() {
        // ∂(weight·KL)/∂θ = grads(with KL) − grads(without), against the KL value
        let (dae, x, noisy, other) = problem();
        let term = KlTerm {
            other: other.view(),
            weight: 1.0,
            fixed_q: None,
        };
        let (_, _, with) = dae.loss_and_grads(x.view(), noisy.view(), LossScale::Sum, Some(term));
        let (_, _, without) = dae.loss_and_grads(x.view(), noisy.view(), LossScale::Sum, None);
        let kl_at = |d: &Dae| {
            let p = mean_rows(d.encode(x.view()).view());
            let q = mean_rows(d.encode(other.view()).view());
            kl_divergence(p.view(), q.view())
        };
        let h = 1e-2f32;
        for k in [0usize, 3, 11, 20, 34] {
            let (mut up, mut down) = (dae.clone(), dae.clone());
            up.w.as_slice_mut().unwrap()[k] += h;
            down.w.as_slice_mut().unwrap()[k] -= h;
            let numeric = (kl_at(&up) - kl_at(&down)) / (2.0 * f64::from(h));
            let analytic =
                f64::from(with.w.as_slice().unwrap()[k] - without.w.as_slice().unwrap()[k]);
            assert!(
                (numeric - analytic).abs() <= 2e-2 * numeric.abs() + 1e-5,
                "w[{k}]: numeric {numeric}, analytic {analytic}"
            );
        }
    }

    #[test]
    fn kl_of_hand_worked_case() {
        let p = ndarray::array![0.5f32, 0.2];
        let q = ndarray::array![0.5f32, 0.4];
        // unit 1: 0; unit 2: 0.2 ln(0.5) + 0.8 ln(0.8/0.6)
        let want = (0.2 * 0.5f64.ln() + 0.8 * (0.8f64 / 0.6).ln()) / 2.0;
        assert!((kl_divergence(p.view(), q.view()) - want).abs() < 1e-7);
        assert_eq!(kl_divergence(p.view(), p.view()), 0.0);
    }

    #[test]
    fn mean_scale_divides_by_inputs() {
        let z = ndarray::array![[0.5f32, 0.5], [1.0, 0.0]];
        let x = ndarray::array![[0.0f32, 1.0], [1.0, 1.0]];
        let (sum, dsum) = squared_error(z.view(), x.view(), LossScale::Sum);
        let (mean, dmean) = squared_error(z.view(), x.view(), LossScale::Mean);
        assert!((sum - 0.75).abs() < 1e-12); // (0.25 + 0.25 + 0 + 1) / 2 rows
        assert!((mean - 0.375).abs() < 1e-12);
        assert_eq!(dsum, ndarray::array![[0.5, -0.5], [0.0, -1.0]]);
        assert_eq!(dmean, dsum / 2.0);
    }
}
