//! Dense single-precision helpers: a row-blocked parallel matrix product and
//! the logistic function.

use ndarray::{linalg::general_mat_mul, Array2, ArrayView2, ArrayViewMut2, Axis};
use rayon::prelude::*;

/// Output rows per parallel task. Fixed (not derived from the thread count) so
/// that results do not depend on how many threads run: every output element is
/// computed by the same kernel over the same inner dimension either way.
const ROW_BLOCK: usize = 64;

/// `out = alpha · a · b + beta · out`, in blocks of output rows on the rayon pool.
pub fn gemm(
    alpha: f32,
    a: ArrayView2<f32>,
    b: ArrayView2<f32>,
    beta: f32,
    mut out: ArrayViewMut2<f32>,
) {
    debug_assert_eq!(a.ncols(), b.nrows());
    debug_assert_eq!(out.dim(), (a.nrows(), b.ncols()));
    out.axis_chunks_iter_mut(Axis(0), ROW_BLOCK)
        .into_par_iter()
        .zip(a.axis_chunks_iter(Axis(0), ROW_BLOCK).into_par_iter())
        .for_each(|(mut o, a)| general_mat_mul(alpha, &a, &b, beta, &mut o));
}

/// `a · b`.
pub fn matmul(a: ArrayView2<f32>, b: ArrayView2<f32>) -> Array2<f32> {
    let mut out = Array2::zeros((a.nrows(), b.ncols()));
    gemm(1.0, a, b, 0.0, out.view_mut());
    out
}

/// The logistic function `s(x) = 1 / (1 + e^−x)` (the paper's `s`, after eq. 4).
#[inline]
pub fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn product_matches_hand_worked_case() {
        let a = array![[1.0f32, 2.0], [3.0, 4.0], [5.0, 6.0]];
        let b = array![[1.0f32, 0.0, -1.0], [2.0, 1.0, 0.5]];
        assert_eq!(
            matmul(a.view(), b.view()),
            array![[5.0, 2.0, 0.0], [11.0, 4.0, -1.0], [17.0, 6.0, -2.0]]
        );
        // transposed views and accumulation
        let mut out = array![[1.0f32, 1.0], [1.0, 1.0]];
        gemm(2.0, b.view(), b.t(), 1.0, out.view_mut());
        assert_eq!(out, array![[5.0, 4.0], [4.0, 11.5]]);
    }

    #[test]
    fn blocks_give_the_same_result_as_one_product() {
        let a = Array2::from_shape_fn((200, 37), |(i, j)| ((i * 7 + j * 3) % 11) as f32 * 0.1);
        let b = Array2::from_shape_fn((37, 5), |(i, j)| ((i + 2 * j) % 5) as f32 - 2.0);
        assert_eq!(matmul(a.view(), b.view()), a.dot(&b));
    }

    #[test]
    fn sigmoid_values() {
        assert_eq!(sigmoid(0.0), 0.5);
        assert!((sigmoid(2.0) - 0.880_797).abs() < 1e-6);
        assert!((sigmoid(-2.0) + sigmoid(2.0) - 1.0).abs() < 1e-7);
    }
}
