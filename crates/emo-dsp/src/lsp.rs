//! Line spectral pairs from LPC coefficients.
//!
//! Roots of the symmetric and antisymmetric polynomials P'(z), Q'(z) are found in
//! the x = cos ω domain by a grid search with bisection, alternating between P'
//! and Q' (the classic Chebyshev-series method of Kabal & Ramachandran, in the
//! variant with finer steps near x = ±1). Computed in `f32`, so that the roots
//! agree with openSMILE's to float precision.

/// Step of the coarse root search.
const COARSE_STEP: f32 = 0.2;
/// Step of the retry when the coarse search misses roots.
const FINE_STEP: f32 = 0.05;
/// Bisection steps per root (the loop runs `BISECTIONS + 1` times).
const BISECTIONS: usize = 10;

/// Line spectral frequencies (radians, 0..π, ascending) of the predictor
/// `A(z) = 1 + Σ a_i z^{−i}` given `a_1..a_p` (p even). Roots the search cannot
/// find are 0.
pub fn lsp_from_lpc(a: &[f32]) -> Vec<f32> {
    let p = a.len();
    let mut freq = vec![0.0f32; p];
    if p == 0 || p % 2 == 1 {
        return freq;
    }
    let roots = search_roots(a, COARSE_STEP, &mut freq);
    if roots != p {
        let roots = search_roots(a, FINE_STEP, &mut freq);
        for f in freq.iter_mut().skip(roots) {
            *f = 0.0;
        }
    }
    freq
}

/// Chebyshev-series coefficients of P'(z) = P(z)/(1+z⁻¹) and Q'(z) = Q(z)/(1−z⁻¹).
fn sum_difference_polynomials(a: &[f32]) -> (Vec<f32>, Vec<f32>) {
    let p = a.len();
    let m = p / 2;
    let mut pp = vec![0.0f32; m + 1];
    let mut qq = vec![0.0f32; m + 1];
    pp[0] = 1.0;
    qq[0] = 1.0;
    for i in 0..m {
        pp[i + 1] = (a[i] + a[p - 1 - i]) - pp[i];
        qq[i + 1] = (a[i] - a[p - 1 - i]) + qq[i];
    }
    for i in 0..m {
        pp[i] *= 2.0;
        qq[i] *= 2.0;
    }
    (pp, qq)
}

/// Evaluates the Chebyshev series `coef` (highest order first) at x by Clenshaw's recurrence.
fn chebyshev(coef: &[f32], x: f32) -> f32 {
    let m = coef.len() - 1;
    let (mut b0, mut b1) = (0.0f32, 0.0f32);
    let x2 = 2.0 * x;
    for k in (1..=m).rev() {
        let tmp = b0;
        b0 = x2 * b0 - b1 + coef[m - k];
        b1 = tmp;
    }
    -b1 + 0.5 * x2 * b0 + coef[m]
}

fn search_roots(a: &[f32], step: f32, freq: &mut [f32]) -> usize {
    let (pp, qq) = sum_difference_polynomials(a);
    let mut roots = 0;
    let mut xl = 1.0f32;
    let mut xr = 0.0f32;
    for (j, f) in freq.iter_mut().enumerate() {
        let poly = if j % 2 == 1 { &qq } else { &pp };
        let mut yl = chebyshev(poly, xl);
        let mut searching = true;
        while searching && xr >= -1.0 {
            let mut dd = step * (1.0 - 0.9 * xl * xl);
            if f64::from(yl.abs()) < 0.2 {
                dd *= 0.5;
            }
            xr = xl - dd;
            let yr = chebyshev(poly, xr);
            if yr * yl < 0.0 {
                roots += 1;
                let mut xm = xl;
                for _ in 0..=BISECTIONS {
                    xm = 0.5 * (xl + xr);
                    let ym = chebyshev(poly, xm);
                    if ym * yl < 0.0 {
                        xr = xm;
                    } else {
                        yl = ym;
                        xl = xm;
                    }
                }
                xm = xm.clamp(-1.0, 1.0);
                *f = f64::from(xm).acos() as f32;
                xl = xm;
                searching = false;
            } else {
                yl = yr;
                xl = xr;
            }
        }
    }
    roots
}

/// [`lsp_from_lpc`] for four predictors of order 8 (IS10's) at once,
/// bit-identical to four calls; other orders, and other processors than
/// x86_64, are done one by one.
///
/// The root search is a chain of dependent evaluations (each grid step and
/// bisection waits for the last), which leaves the processor idle most of
/// the time. Here the four searches run in lock step, one evaluation each
/// per round, every lane doing exactly the scalar search's operations, with
/// the branches of the search turned into per-lane selections. A predictor
/// whose coarse search misses a root is redone alone (the finer retry).
pub fn lsp_from_lpc4(a: [&[f32]; 4]) -> [Vec<f32>; 4] {
    // the lanes are SSE2's, part of every x86_64 processor; elsewhere one by one
    #[cfg(target_arch = "x86_64")]
    if a.iter().all(|x| x.len() == 8) {
        return lsp_order8_lanes(a);
    }
    a.map(lsp_from_lpc)
}

#[cfg(target_arch = "x86_64")]
fn lsp_order8_lanes(a: [&[f32]; 4]) -> [Vec<f32>; 4] {
    const P: usize = 8;
    const M: usize = P / 2;
    // Chebyshev coefficients, lane-minor: pp[k][lane]
    let (mut pp, mut qq) = ([[0.0f32; 4]; M + 1], [[0.0f32; 4]; M + 1]);
    for (l, x) in a.iter().enumerate() {
        let (p, q) = sum_difference_polynomials(x);
        for k in 0..=M {
            pp[k][l] = p[k];
            qq[k][l] = q[k];
        }
    }
    // SAFETY: SSE2 is part of every x86_64 processor.
    let (roots, found) = unsafe { sse::lock_step(&pp, &qq) };
    std::array::from_fn(|l| {
        if roots[l] != P {
            return lsp_from_lpc(a[l]);
        }
        found[l][..P]
            .iter()
            .map(|&x| f64::from(x).acos() as f32)
            .collect()
    })
}

/// The same search in SSE registers, one lane per predictor: every branch of
/// the scalar search is a per-lane selection of the same IEEE results.
#[cfg(target_arch = "x86_64")]
mod sse {
    use super::{BISECTIONS, COARSE_STEP};
    use std::arch::x86_64::*;

    #[inline(always)]
    unsafe fn select(m: __m128, a: __m128, b: __m128) -> __m128 {
        _mm_or_ps(_mm_and_ps(m, a), _mm_andnot_ps(m, b))
    }

    #[inline(always)]
    unsafe fn select_i(m: __m128i, a: __m128i, b: __m128i) -> __m128i {
        _mm_or_si128(_mm_and_si128(m, a), _mm_andnot_si128(m, b))
    }

    #[target_feature(enable = "sse2")]
    pub(super) unsafe fn lock_step(
        pp: &[[f32; 4]; 5],
        qq: &[[f32; 4]; 5],
    ) -> ([usize; 4], [[f32; 9]; 4]) {
        const P: i32 = 8;
        let ld = |v: &[f32; 4]| _mm_loadu_ps(v.as_ptr());
        let (ppv, qqv): ([__m128; 5], [__m128; 5]) = (
            std::array::from_fn(|k| ld(&pp[k])),
            std::array::from_fn(|k| ld(&qq[k])),
        );
        let f = _mm_set1_ps;
        let i = _mm_set1_epi32;
        let (mut xl, mut xr, mut yl) = (f(1.0), f(0.0), f(0.0));
        let (mut j, mut phase, mut roots) = (i(0), i(0), i(0));
        let mut found = [[0.0f32; 9]; 4];
        let abs_mask = _mm_castsi128_ps(i(0x7fff_ffff));
        loop {
            // a walk past x = −1 gives the root up; the next starts here
            loop {
                let live = _mm_cmplt_epi32(j, i(P));
                let walking = _mm_and_si128(live, _mm_cmpeq_epi32(phase, i(1)));
                let past = _mm_andnot_ps(_mm_cmpge_ps(xr, f(-1.0)), _mm_castsi128_ps(walking));
                if _mm_movemask_ps(past) == 0 {
                    break;
                }
                let past = _mm_castps_si128(past);
                j = _mm_sub_epi32(j, past); // past is −1 where set
                phase = _mm_andnot_si128(past, phase);
            }
            let live = _mm_cmplt_epi32(j, i(P));
            if _mm_movemask_epi8(live) == 0 {
                break;
            }
            let start = _mm_castsi128_ps(_mm_cmpeq_epi32(phase, i(0)));
            let walk = _mm_castsi128_ps(_mm_cmpeq_epi32(phase, i(1)));
            let bisect = _mm_castsi128_ps(_mm_cmpgt_epi32(phase, i(1)));
            let last = _mm_castsi128_ps(_mm_cmpeq_epi32(phase, i(2 + BISECTIONS as i32)));
            let mut dd = _mm_mul_ps(
                f(COARSE_STEP),
                _mm_sub_ps(f(1.0), _mm_mul_ps(_mm_mul_ps(f(0.9), xl), xl)),
            );
            let small = _mm_cmplt_ps(_mm_and_ps(yl, abs_mask), f(0.2));
            dd = select(small, _mm_mul_ps(dd, f(0.5)), dd);
            let x_walk = _mm_sub_ps(xl, dd);
            let x_bisect = _mm_mul_ps(f(0.5), _mm_add_ps(xl, xr));
            let x = select(start, xl, select(walk, x_walk, x_bisect));
            // Clenshaw's recurrence with each lane's P' or Q'
            let odd = _mm_castsi128_ps(_mm_cmpeq_epi32(_mm_and_si128(j, i(1)), i(1)));
            let c: [__m128; 5] = std::array::from_fn(|k| select(odd, qqv[k], ppv[k]));
            let x2 = _mm_mul_ps(f(2.0), x);
            let (mut b0, mut b1) = (f(0.0), f(0.0));
            for k in (1..=4).rev() {
                let tmp = b0;
                b0 = _mm_add_ps(_mm_sub_ps(_mm_mul_ps(x2, b0), b1), c[4 - k]);
                b1 = tmp;
            }
            let neg_b1 = _mm_xor_ps(b1, f(-0.0));
            let y = _mm_add_ps(
                _mm_add_ps(neg_b1, _mm_mul_ps(_mm_mul_ps(f(0.5), x2), b0)),
                c[4],
            );
            // the transitions
            let neg = _mm_cmplt_ps(_mm_mul_ps(y, yl), f(0.0));
            let xm = _mm_min_ps(f(1.0), _mm_max_ps(f(-1.0), x));
            let new_yl = select(_mm_or_ps(start, _mm_andnot_ps(neg, f_all())), y, yl);
            let keep_x = _mm_andnot_ps(_mm_or_ps(start, neg), f_all());
            let new_xl = select(last, xm, select(keep_x, x, xl));
            let new_xr = select(_mm_or_ps(walk, _mm_and_ps(bisect, neg)), x, xr);
            let to_walk = _mm_castps_si128(_mm_or_ps(start, _mm_andnot_ps(neg, walk)));
            let new_phase = select_i(
                to_walk,
                i(1),
                select_i(_mm_castps_si128(last), i(0), _mm_add_epi32(phase, i(1))),
            );
            let livef = _mm_castsi128_ps(live);
            let done = _mm_and_ps(livef, last);
            let m = _mm_movemask_ps(done);
            if m != 0 {
                let mut xs = [0.0f32; 4];
                let mut js = [0i32; 4];
                _mm_storeu_ps(xs.as_mut_ptr(), xm);
                _mm_storeu_si128(js.as_mut_ptr().cast(), j);
                for l in 0..4 {
                    if m & (1 << l) != 0 {
                        found[l][js[l] as usize] = xs[l];
                    }
                }
            }
            roots = _mm_sub_epi32(
                roots,
                _mm_castps_si128(_mm_and_ps(livef, _mm_and_ps(walk, neg))),
            );
            j = _mm_sub_epi32(j, _mm_castps_si128(done));
            yl = select(livef, new_yl, yl);
            xl = select(livef, new_xl, xl);
            xr = select(livef, new_xr, xr);
            phase = select_i(live, new_phase, phase);
        }
        let mut r = [0i32; 4];
        _mm_storeu_si128(r.as_mut_ptr().cast(), roots);
        (r.map(|v| v as usize), found)
    }

    #[inline(always)]
    unsafe fn f_all() -> __m128 {
        _mm_castsi128_ps(_mm_set1_epi32(-1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    /// LPC polynomial with given pole pairs (radius, angle).
    fn lpc_with_poles(poles: &[(f64, f64)]) -> Vec<f32> {
        let mut poly = vec![1.0f64];
        for &(r, w) in poles {
            let c = [1.0, -2.0 * r * w.cos(), r * r];
            let mut next = vec![0.0; poly.len() + 2];
            for (i, &p) in poly.iter().enumerate() {
                for (j, &q) in c.iter().enumerate() {
                    next[i + j] += p * q;
                }
            }
            poly = next;
        }
        poly[1..].iter().map(|&v| v as f32).collect()
    }

    #[test]
    fn zero_predictor_gives_evenly_spaced_lsps() {
        // A(z) = 1: P and Q roots interlace at k·π/(p+1).
        let f = lsp_from_lpc(&[0.0; 8]);
        for (i, v) in f.iter().enumerate() {
            let expect = (i + 1) as f64 * PI / 9.0;
            assert!(
                (f64::from(*v) - expect).abs() < 1e-3,
                "{i}: {v} vs {expect}"
            );
        }
    }

    #[test]
    fn lsps_bracket_sharp_resonances() {
        let poles = [(0.98, 0.5), (0.97, 1.2), (0.95, 2.0), (0.9, 2.7)];
        let f = lsp_from_lpc(&lpc_with_poles(&poles));
        assert!(f.windows(2).all(|w| w[0] < w[1]), "{f:?}");
        // each pole angle lies between one LSP pair
        for (k, &(_, w)) in poles.iter().enumerate() {
            let (lo, hi) = (f64::from(f[2 * k]), f64::from(f[2 * k + 1]));
            assert!(
                lo < w + 0.02 && w - 0.02 < hi,
                "pole {w} not in [{lo}, {hi}]"
            );
        }
    }

    #[test]
    fn four_at_once_are_bit_identical_to_one_by_one() {
        let sets = [
            lpc_with_poles(&[(0.98, 0.5), (0.97, 1.2), (0.95, 2.0), (0.9, 2.7)]),
            vec![0.0; 8],
            lpc_with_poles(&[(0.5, 0.3), (0.99, 0.31), (0.7, 1.9), (0.999, 3.1)]),
            lpc_with_poles(&[(0.9, 0.1), (0.8, 0.9), (0.6, 1.5), (0.95, 2.2)]),
            // close pole pairs, which the coarse grid steps over (the retry path)
            lpc_with_poles(&[(0.999, 1.0), (0.999, 1.01), (0.999, 2.0), (0.999, 2.005)]),
            lpc_with_poles(&[(0.3, 0.7), (0.2, 1.4), (0.4, 2.1), (0.1, 2.8)]),
        ];
        let mut retried = false;
        for w in 0..sets.len() - 3 {
            let four = [
                &sets[w][..],
                &sets[w + 1][..],
                &sets[w + 2][..],
                &sets[w + 3][..],
            ];
            let got = lsp_from_lpc4(four);
            for (l, a) in four.iter().enumerate() {
                let one = lsp_from_lpc(a);
                let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                assert_eq!(bits(&got[l]), bits(&one), "set {}", w + l);
                let mut f = vec![0.0; 8];
                retried |= search_roots(a, COARSE_STEP, &mut f) != 8;
            }
        }
        assert!(retried, "no set took the retry path");
    }

    #[test]
    fn the_f32_threshold_is_the_f64_one() {
        let t = 0.2f32;
        for v in [
            t,
            f32::from_bits(t.to_bits() - 1),
            f32::from_bits(t.to_bits() + 1),
            0.0,
            1.0,
        ] {
            assert_eq!(f64::from(v) < 0.2, v < 0.2f32, "{v}");
        }
    }

    #[test]
    fn the_sse_lock_step_agrees_with_the_scalar_search() {
        let mut state = 0x1234_5678u32;
        let mut rnd = || {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            f64::from(state) / f64::from(u32::MAX)
        };
        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        #[cfg(target_arch = "x86_64")]
        let mut lanes_used = 0;
        for _ in 0..500 {
            let sets: Vec<Vec<f32>> = (0..4)
                .map(|_| {
                    let poles: Vec<(f64, f64)> = (0..4)
                        .map(|_| (0.3 + 0.699 * rnd(), 0.05 + 3.05 * rnd()))
                        .collect();
                    lpc_with_poles(&poles)
                })
                .collect();
            let four = [&sets[0][..], &sets[1][..], &sets[2][..], &sets[3][..]];
            let got = lsp_from_lpc4(four);
            for l in 0..4 {
                assert_eq!(bits(&got[l]), bits(&lsp_from_lpc(four[l])));
            }
            #[cfg(target_arch = "x86_64")]
            {
                let (mut pp, mut qq) = ([[0.0f32; 4]; 5], [[0.0f32; 4]; 5]);
                for (l, x) in four.iter().enumerate() {
                    let (p, q) = sum_difference_polynomials(x);
                    for k in 0..5 {
                        pp[k][l] = p[k];
                        qq[k][l] = q[k];
                    }
                }
                // the lanes find as many roots as the scalar coarse search
                // (so the lanes, not the one-by-one retry, gave the results above)
                // SAFETY: SSE2 is part of every x86_64 processor.
                let (roots, _) = unsafe { sse::lock_step(&pp, &qq) };
                for l in 0..4 {
                    let mut f = vec![0.0; 8];
                    assert_eq!(roots[l], search_roots(four[l], COARSE_STEP, &mut f));
                    lanes_used += usize::from(roots[l] == 8);
                }
            }
        }
        #[cfg(target_arch = "x86_64")]
        assert!(
            lanes_used > 1000,
            "{lanes_used} of 2000 predictors took the lanes"
        );
    }
}
