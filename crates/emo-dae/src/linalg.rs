//! Dense single-precision helpers: a row-blocked parallel matrix product and
//! the logistic function.

use ndarray::{Array2, ArrayView2, ArrayViewMut2};

/// `out = alpha · a · b + beta · out` with the `gemm` crate's kernels, on the
/// rayon pool. The crate splits the output, never the inner sum, so every
/// element is the same whatever the thread count (a test checks it).
pub fn gemm(
    alpha: f32,
    a: ArrayView2<f32>,
    b: ArrayView2<f32>,
    beta: f32,
    out: ArrayViewMut2<f32>,
) {
    debug_assert_eq!(a.ncols(), b.nrows());
    debug_assert_eq!(out.dim(), (a.nrows(), b.ncols()));
    let threads = rayon::current_num_threads();
    let par = if threads > 1 {
        gemm::Parallelism::Rayon(threads)
    } else {
        gemm::Parallelism::None
    };
    block_gemm(alpha, a, b, beta, out, par);
}

/// The call into the `gemm` crate (runtime dispatch to the CPU's vector
/// instructions).
fn block_gemm(
    alpha: f32,
    a: ArrayView2<f32>,
    b: ArrayView2<f32>,
    beta: f32,
    mut out: ArrayViewMut2<f32>,
    par: gemm::Parallelism,
) {
    let (m, k) = a.dim();
    let n = b.ncols();
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        out.mapv_inplace(|v| v * beta);
        return;
    }
    let (sa, sb) = (a.strides().to_vec(), b.strides().to_vec());
    let so = out.strides().to_vec();
    // SAFETY: the pointers and element strides come from live ndarray views of
    // the stated shapes; `out` is borrowed mutably and does not alias `a` or `b`.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            out.as_mut_ptr(),
            so[1],
            so[0],
            beta != 0.0,
            a.as_ptr(),
            sa[1],
            sa[0],
            b.as_ptr(),
            sb[1],
            sb[0],
            beta,
            alpha,
            false,
            false,
            false,
            par,
        );
    }
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
    fn thread_count_does_not_change_the_result() {
        let a = Array2::from_shape_fn((300, 1582), |(i, j)| {
            ((i * 7 + j * 3) % 11) as f32 * 0.1 + 1e-3 * j as f32
        });
        let b = Array2::from_shape_fn((1582, 200), |(i, j)| ((i + 2 * j) % 5) as f32 * 0.37 - 0.7);
        let on = |n: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .unwrap();
            pool.install(|| matmul(a.view(), b.t().t()))
        };
        let one = on(1);
        assert_eq!(one, on(2));
        assert_eq!(one, on(3));
        let want = a.dot(&b);
        for (x, y) in one.iter().zip(want.iter()) {
            assert!((x - y).abs() <= 1e-3 * y.abs().max(1.0));
        }
    }

    #[test]
    fn sigmoid_values() {
        assert_eq!(sigmoid(0.0), 0.5);
        assert!((sigmoid(2.0) - 0.880_797).abs() < 1e-6);
        assert!((sigmoid(-2.0) + sigmoid(2.0) - 1.0).abs() < 1e-7);
    }
}
