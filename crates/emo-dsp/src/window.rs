//! Window functions and per-frame pre-emphasis.

/// Hamming window `w[n] = 0.54 − 0.46·cos(2πn/(N−1))`.
pub fn hamming(n: usize) -> Vec<f64> {
    let denom = (n as f64 - 1.0).max(1.0);
    (0..n)
        .map(|i| 0.54 - 0.46 * (2.0 * std::f64::consts::PI * i as f64 / denom).cos())
        .collect()
}

/// Gaussian window `w[n] = exp(−½·((n − (N−1)/2) / (σ(N−1)/2))²)`, σ clamped to [0.01, 0.5].
pub fn gaussian(n: usize, sigma: f64) -> Vec<f64> {
    let sigma = sigma.clamp(0.01, 0.5);
    let half = (n as f64 - 1.0) / 2.0;
    (0..n)
        .map(|i| {
            let t = (i as f64 - half) / (sigma * half.max(f64::MIN_POSITIVE));
            (-0.5 * t * t).exp()
        })
        .collect()
}

/// Pre-emphasis within one frame: `y[0] = (1−k)·x[0]`, `y[n] = x[n] − k·x[n−1]`, in `f32`.
pub fn preemphasis(frame: &[f32], k: f32, out: &mut [f32]) {
    return_if_avx!(preemphasis_avx(frame, k, out));
    preemphasis_plain(frame, k, out)
}

/// [`preemphasis`] compiled for AVX: the same operations, 8 lanes wide.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx,avx2,fma")]
unsafe fn preemphasis_avx(frame: &[f32], k: f32, out: &mut [f32]) {
    preemphasis_plain(frame, k, out)
}

#[inline(always)]
fn preemphasis_plain(frame: &[f32], k: f32, out: &mut [f32]) {
    debug_assert_eq!(frame.len(), out.len());
    if frame.is_empty() {
        return;
    }
    // each output from its own two inputs, in a loop the compiler vectorises
    for (o, pair) in out[1..].iter_mut().zip(frame.windows(2)) {
        *o = pair[1] - k * pair[0];
    }
    out[0] = (1.0 - k) * frame[0];
}

/// A window's values rounded to `f32`, as a single-precision engine stores
/// them and [`apply_window`] multiplies by them.
pub fn single_precision(window: &[f64]) -> Vec<f32> {
    window.iter().map(|&w| w as f32).collect()
}

/// Multiplies a frame by a window in `f32` (see [`single_precision`]).
pub fn apply_window(frame: &[f32], window: &[f32], out: &mut [f32]) {
    return_if_avx!(apply_window_avx(frame, window, out));
    apply_window_plain(frame, window, out)
}

/// [`apply_window`] compiled for AVX: the same operations, 8 lanes wide.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx,avx2,fma")]
unsafe fn apply_window_avx(frame: &[f32], window: &[f32], out: &mut [f32]) {
    apply_window_plain(frame, window, out)
}

#[inline(always)]
fn apply_window_plain(frame: &[f32], window: &[f32], out: &mut [f32]) {
    for ((o, &x), &w) in out.iter_mut().zip(frame).zip(window) {
        *o = x * w;
    }
}

/// `Σ_i w[i]·x[i]·x[i]` (in that order, i ascending, in double) of `G`
/// groups of four frames of the window's length. With AVX each group's four
/// sums are one register, fed four samples of each frame at a time
/// (transposed), the groups' chains of additions side by side.
pub fn weighted_energies<const G: usize>(
    frames: [[&[f32]; 4]; G],
    window: &[f64],
) -> [[f64; 4]; G] {
    assert!(frames.iter().flatten().all(|f| f.len() == window.len()));
    return_if_avx!(weighted_energies_avx(frames, window));
    frames.map(|four| four.map(|x| weighted_energy(x, window)))
}

/// `Σ_i w[i]·x[i]·x[i]` of one frame, i ascending, from +0.0 (see
/// [`weighted_energies`]).
pub fn weighted_energy(x: &[f32], window: &[f64]) -> f64 {
    weighted_energy_from(x, window, 0, 0.0)
}

/// `acc + Σ_{i ≥ from} w[i]·x[i]·x[i]`, i ascending.
fn weighted_energy_from(x: &[f32], window: &[f64], from: usize, acc: f64) -> f64 {
    let mut s = acc;
    for (&v, &w) in x.iter().zip(window).skip(from) {
        let v = f64::from(v);
        s += w * v * v;
    }
    s
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx,avx2,fma")]
unsafe fn weighted_energies_avx<const G: usize>(
    frames: [[&[f32]; 4]; G],
    window: &[f64],
) -> [[f64; 4]; G] {
    use std::arch::x86_64::*;
    let n = window.len();
    let mut acc = [_mm256_setzero_pd(); G];
    let mut i = 0;
    while i + 4 <= n {
        for (g, acc) in acc.iter_mut().enumerate() {
            let r: [__m128; 4] =
                std::array::from_fn(|l| _mm_loadu_ps(frames[g][l].as_ptr().add(i)));
            // row q holds sample i+q of the four
            for (q, row) in crate::transpose4(r).into_iter().enumerate() {
                let x = _mm256_cvtps_pd(row);
                let term = _mm256_mul_pd(_mm256_mul_pd(_mm256_set1_pd(window[i + q]), x), x);
                *acc = _mm256_add_pd(*acc, term);
            }
        }
        i += 4;
    }
    std::array::from_fn(|g| {
        let mut s = [0.0f64; 4];
        _mm256_storeu_pd(s.as_mut_ptr(), acc[g]);
        std::array::from_fn(|l| weighted_energy_from(frames[g][l], window, i, s[l]))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hamming_endpoints_and_centre() {
        let w = hamming(5);
        assert!((w[0] - 0.08).abs() < 1e-12);
        assert!((w[4] - 0.08).abs() < 1e-12);
        assert!((w[2] - 1.0).abs() < 1e-12);
        assert!((w[1] - 0.54).abs() < 1e-12); // cos(pi/2) = 0
    }

    #[test]
    fn gaussian_is_one_in_the_middle_and_symmetric() {
        let w = gaussian(9, 0.25);
        assert!((w[4] - 1.0).abs() < 1e-12);
        // at the ends t = 4/(0.25*4) = 4 -> exp(-8)
        assert!((w[0] - (-8.0f64).exp()).abs() < 1e-15);
        for i in 0..9 {
            assert!((w[i] - w[8 - i]).abs() < 1e-15);
        }
    }

    #[test]
    fn preemphasis_by_hand() {
        let mut y = [0.0f32; 3];
        preemphasis(&[1.0, 2.0, 4.0], 0.5, &mut y);
        assert_eq!(y, [0.5, 1.5, 3.0]);
        // the AVX build (taken here where the processor has it) and the plain one
        let x: Vec<f32> = (0..401).map(|i| ((i * i) as f32 * 0.013).sin()).collect();
        let (mut a, mut b) = (vec![0.0f32; 401], vec![0.0f32; 401]);
        preemphasis(&x, 0.97, &mut a);
        preemphasis_plain(&x, 0.97, &mut b);
        assert!(a.iter().zip(&b).all(|(p, q)| p.to_bits() == q.to_bits()));
    }

    #[test]
    fn weighted_energies_follow_the_sum_in_order() {
        for n in [1usize, 3, 4, 7, 400] {
            let w = hamming(n);
            let frames: Vec<Vec<f32>> = (0..8)
                .map(|l| {
                    (0..n)
                        .map(|i| ((i * (l + 2)) as f32 * 0.21).sin() * 0.4)
                        .collect()
                })
                .collect();
            let groups = [0, 1].map(|g| std::array::from_fn(|l| &frames[4 * g + l][..]));
            let got = weighted_energies(groups, &w);
            for (k, x) in frames.iter().enumerate() {
                let mut want = 0.0f64;
                for i in 0..n {
                    let v = f64::from(x[i]);
                    want += w[i] * v * v;
                }
                assert_eq!(got[k / 4][k % 4].to_bits(), want.to_bits(), "n = {n}");
            }
        }
    }

    #[test]
    fn the_avx_and_plain_windowing_agree_to_the_bit() {
        let x: Vec<f32> = (0..997).map(|i| (i as f32 * 0.37).sin()).collect();
        let w = gaussian(997, 0.25);
        let w32 = single_precision(&w);
        let (mut a, mut b) = (vec![0.0; 997], vec![0.0; 997]);
        apply_window(&x, &w32, &mut a);
        apply_window_plain(&x, &w32, &mut b);
        assert!(a.iter().zip(&b).all(|(p, q)| p.to_bits() == q.to_bits()));
        // each the product of the sample and the window value rounded to f32
        for i in 0..997 {
            assert_eq!(a[i].to_bits(), (x[i] * (w[i] as f32)).to_bits());
        }
    }
}
