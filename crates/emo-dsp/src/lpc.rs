//! Linear prediction by the autocorrelation method, in single precision.
//!
//! The LPC fit of a band-limited frame is badly conditioned: a double-precision
//! Levinson recursion differs from a single-precision one by up to 0.03 in the
//! coefficients at 16 kHz. To reproduce openSMILE's LSPs, both the
//! autocorrelation and the recursion run in `f32` in its order.

/// Biased autocorrelation `r[k] = Σ_{i=k}^{N−1} x[i]·x[i−k]`, k = 0..=order,
/// each a sequential `f32` sum in increasing i. (The lags are accumulated side
/// by side, which vectorises without changing any lag's order of additions.)
pub fn autocorrelation(x: &[f32], order: usize) -> Vec<f32> {
    let mut r = vec![0.0f32; order + 1];
    let n = x.len();
    let head = order.min(n);
    for i in 0..head {
        for k in 0..=i {
            r[k] += x[i] * x[i - k];
        }
    }
    // fixed widths for the common orders (IS10's 8, eGeMAPS's 11), so the
    // loop over lags vectorises
    match order {
        8 => lags_fixed::<9>(x, head, &mut r),
        11 => lags_fixed::<12>(x, head, &mut r),
        _ => {
            for i in head..n {
                for k in 0..=order {
                    r[k] += x[i] * x[i - k];
                }
            }
        }
    }
    r
}

/// The lags `0..W` of [`autocorrelation`] from sample `head` (≥ W − 1) on,
/// added to `r`.
fn lags_fixed<const W: usize>(x: &[f32], head: usize, r: &mut [f32]) {
    let mut acc = [0.0f32; W];
    acc.copy_from_slice(r);
    for i in head..x.len() {
        let xi = x[i];
        let w = &x[i + 1 - W..=i];
        for k in 0..W {
            acc[k] += xi * w[W - 1 - k];
        }
    }
    r.copy_from_slice(&acc);
}

/// [`autocorrelation`] of several frames of one length, bit-identical to one
/// call each. Each lag's sum is one chain of dependent additions, so one
/// frame keeps the processor waiting on them; the frames' chains are
/// interleaved here, with AVX where the processor has it.
pub fn autocorrelation_lanes<const L: usize>(x: [&[f32]; L], order: usize) -> [Vec<f32>; L] {
    let n = x.first().map_or(0, |f| f.len());
    let fixed = matches!(order, 8 | 11) && n > order && x.iter().all(|f| f.len() == n);
    if !fixed {
        return x.map(|f| autocorrelation(f, order));
    }
    // the first `order` samples as in the single-frame form
    let mut r = x.map(|f| autocorrelation(&f[..order], order));
    match order {
        8 => lanes_fixed::<9, L>(x, order, &mut r),
        _ => lanes_fixed::<12, L>(x, order, &mut r),
    }
    r
}

fn lanes_fixed<const W: usize, const L: usize>(x: [&[f32]; L], head: usize, r: &mut [Vec<f32>; L]) {
    return_if_avx!(lanes_fixed_avx::<W, L>(x, head, r));
    lanes_fixed_plain::<W, L>(x, head, r)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx,avx2,fma")]
unsafe fn lanes_fixed_avx<const W: usize, const L: usize>(
    x: [&[f32]; L],
    head: usize,
    r: &mut [Vec<f32>; L],
) {
    lanes_fixed_plain::<W, L>(x, head, r)
}

/// [`lags_fixed`] for `L` frames side by side.
#[inline(always)]
fn lanes_fixed_plain<const W: usize, const L: usize>(
    x: [&[f32]; L],
    head: usize,
    r: &mut [Vec<f32>; L],
) {
    let mut acc = [[0.0f32; W]; L];
    for (a, r) in acc.iter_mut().zip(r.iter()) {
        a.copy_from_slice(r);
    }
    let n = x[0].len();
    for i in head..n {
        for l in 0..L {
            let xi = x[l][i];
            let w = &x[l][i + 1 - W..=i];
            for k in 0..W {
                acc[l][k] += xi * w[W - 1 - k];
            }
        }
    }
    for (a, r) in acc.iter().zip(r.iter_mut()) {
        r.copy_from_slice(a);
    }
}

/// Levinson–Durbin recursion: predictor `A(z) = 1 + Σ a_i z^{−i}` from the
/// autocorrelation `r[0..=p]`. Returns `a_1..a_p` (all zero if `r[0] = 0`).
pub fn lpc_from_autocorrelation(r: &[f32], p: usize) -> Vec<f32> {
    let mut a = vec![0.0f32; p];
    if r.len() <= p || r[0] == 0.0 {
        return a;
    }
    let mut e = r[0];
    for m in 1..=p {
        let mut sum = r[m];
        for i in 1..m {
            sum += a[i - 1] * r[m - i];
        }
        let k = (-1.0f32 / e) * sum;
        a[m - 1] = k;
        // Symmetric in-place update; the middle element (even m) once only.
        for i in 1..=m / 2 {
            let x = a[i - 1];
            a[i - 1] += k * a[m - i - 1];
            if i < m / 2 || m % 2 == 1 {
                a[m - i - 1] += k * x;
            }
        }
        e *= 1.0 - k * k;
        if e == 0.0 {
            for v in a.iter_mut().skip(m) {
                *v = 0.0;
            }
            break;
        }
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn autocorrelation_by_hand() {
        let r = autocorrelation(&[1.0, 2.0, 3.0], 2);
        assert_eq!(r, vec![14.0, 8.0, 3.0]);
    }

    #[test]
    fn autocorrelation_of_every_order_is_the_sequential_sum() {
        // the fixed-width orders (8, 11) and the general loop alike, also
        // for signals shorter than the order
        for len in [5, 12, 50] {
            let x: Vec<f32> = (0..len)
                .map(|i| ((i * 37 % 11) as f32 - 5.0) * 0.123)
                .collect();
            for order in [7, 8, 11, 12] {
                let r = autocorrelation(&x, order);
                for (k, &rk) in r.iter().enumerate() {
                    let mut s = 0.0f32;
                    for i in k..x.len() {
                        s += x[i] * x[i - k];
                    }
                    assert_eq!(rk.to_bits(), s.to_bits(), "len {len} order {order} lag {k}");
                }
            }
        }
    }

    #[test]
    fn frames_side_by_side_are_bit_identical_to_one_by_one() {
        let frame = |seed: usize, len: usize| -> Vec<f32> {
            (0..len)
                .map(|i| (((i * 37 + seed * 101) % 23) as f32 - 11.0) * 0.0731)
                .collect()
        };
        for len in [3, 9, 12, 13, 275] {
            let f: Vec<Vec<f32>> = (0..4).map(|s| frame(s, len)).collect();
            for order in [7, 8, 11] {
                let got = autocorrelation_lanes([&f[0][..], &f[1], &f[2], &f[3]], order);
                for (g, x) in got.iter().zip(&f) {
                    let one = autocorrelation(x, order);
                    let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                    assert_eq!(bits(g), bits(&one), "len {len} order {order}");
                }
            }
        }
        // frames of different lengths: one by one
        let (a, b) = (frame(1, 40), frame(2, 41));
        let got = autocorrelation_lanes([&a[..], &b], 8);
        assert_eq!(got, [autocorrelation(&a, 8), autocorrelation(&b, 8)]);
        // the plain and the AVX loops agree
        let f: Vec<Vec<f32>> = (0..4).map(|s| frame(s, 300)).collect();
        let x = [&f[0][..], &f[1], &f[2], &f[3]];
        let head = |x: &[f32]| autocorrelation(&x[..8], 8);
        let mut plain = x.map(head);
        lanes_fixed_plain::<9, 4>(x, 8, &mut plain);
        assert_eq!(plain, autocorrelation_lanes(x, 8));
    }

    #[test]
    fn ar1_process_is_recovered() {
        // r[k] = rho^k: the order-2 predictor is a1 = -rho, a2 = 0.
        let rho = 0.5f32;
        let a = lpc_from_autocorrelation(&[1.0, rho, rho * rho], 2);
        assert!((a[0] + rho).abs() < 1e-6);
        assert!(a[1].abs() < 1e-6);
    }

    #[test]
    fn order_two_matches_yule_walker() {
        // Solve the 2x2 Yule-Walker system by hand for r = [2, 1, 0.5].
        let a = lpc_from_autocorrelation(&[2.0, 1.0, 0.5], 2);
        // [2 1; 1 2] [a1 a2]' = -[1 0.5]'  -> a1 = -0.5, a2 = 0
        assert!((a[0] + 0.5).abs() < 1e-6);
        assert!(a[1].abs() < 1e-6);
        let a = lpc_from_autocorrelation(&[1.0, 0.0, -0.5], 2);
        assert!(a[0].abs() < 1e-6 && (a[1] - 0.5).abs() < 1e-6);
    }

    #[test]
    fn silence_gives_zeros() {
        assert_eq!(lpc_from_autocorrelation(&[0.0; 9], 8), vec![0.0; 8]);
    }
}
