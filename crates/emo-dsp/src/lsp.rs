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

/// The LSP of a root x = cos ω: ω, taken in double and rounded to `f32`
/// (the one-by-one and the lock-step searches both give their roots so).
fn angle(x: f32) -> f32 {
    f64::from(x).acos() as f32
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
                *f = angle(xm);
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

/// [`lsp_from_lpc`] for many predictors, bit-identical to one call each.
/// Order-8 predictors (IS10's) go eight at a time through AVX lanes where the
/// processor has AVX2 and FMA; other orders, and other processors, one by one.
///
/// The root search is a chain of dependent evaluations (each grid step and
/// bisection waits for the last), which leaves the processor idle most of
/// the time. Here eight searches run in lock step, one evaluation each per
/// round, every lane doing exactly the scalar search's operations, with the
/// branches of the search turned into per-lane selections. A predictor whose
/// coarse search misses a root is redone alone (the finer retry).
pub fn lsp_from_lpc_many(a: &[&[f32]]) -> Vec<Vec<f32>> {
    #[cfg(target_arch = "x86_64")]
    if crate::avx_builds() && a.iter().all(|x| x.len() == 8) {
        let mut out = Vec::with_capacity(a.len());
        // a short last group fills its spare lanes with its last predictor
        let group = |chunk: &[&[f32]]| {
            chebyshev_lanes(std::array::from_fn(|l| chunk[l.min(chunk.len() - 1)]))
        };
        let mut keep = |chunk: &[&[f32]], (roots, found): ([usize; LANES], [[f32; 8]; LANES])| {
            for (l, x) in chunk.iter().enumerate() {
                out.push(if roots[l] == 8 {
                    found[l].iter().map(|&x| angle(x)).collect()
                } else {
                    lsp_from_lpc(x)
                });
            }
        };
        // two groups of eight in the same rounds, then what is left
        let mut pairs = a.chunks_exact(2 * LANES);
        for pair in pairs.by_ref() {
            let (first, second) = pair.split_at(LANES);
            // SAFETY: AVX2 and FMA are available (checked above).
            let [r0, r1] = unsafe { avx::lock_step([&group(first), &group(second)]) };
            keep(first, r0);
            keep(second, r1);
        }
        for chunk in pairs.remainder().chunks(LANES) {
            // SAFETY: AVX2 and FMA are available (checked above).
            let [r] = unsafe { avx::lock_step([&group(chunk)]) };
            keep(chunk, r);
        }
        return out;
    }
    a.iter().map(|x| lsp_from_lpc(x)).collect()
}

/// Predictors searched at once by [`lsp_from_lpc_many`].
#[cfg(target_arch = "x86_64")]
const LANES: usize = 8;

/// The Chebyshev coefficients of P' and Q' of eight order-8 predictors,
/// lane-minor: `[pp, qq][k][lane]`.
#[cfg(target_arch = "x86_64")]
fn chebyshev_lanes(a: [&[f32]; LANES]) -> [[[f32; LANES]; 5]; 2] {
    let mut c = [[[0.0f32; LANES]; 5]; 2];
    for (l, x) in a.iter().enumerate() {
        let (p, q) = sum_difference_polynomials(x);
        for k in 0..5 {
            c[0][k][l] = p[k];
            c[1][k][l] = q[k];
        }
    }
    c
}

/// The coarse search of [`search_roots`] in AVX registers, one lane per
/// predictor of order 8: every branch of the scalar search is a per-lane
/// selection of the same IEEE results. The per-lane counters (roots done,
/// phase of the search) are small whole numbers held exactly in `f32` lanes.
#[cfg(target_arch = "x86_64")]
mod avx {
    use super::{BISECTIONS, COARSE_STEP, LANES};
    use std::arch::x86_64::*;

    #[inline(always)]
    unsafe fn select(m: __m256, a: __m256, b: __m256) -> __m256 {
        _mm256_blendv_ps(b, a, m)
    }

    /// Roots found per lane, and the roots (as x = cos ω) where all eight
    /// were, for `G` groups of eight predictors. The groups' searches run in
    /// the same rounds (a round of one waits on its own previous round only,
    /// so the groups' chains of dependent operations overlap); a group whose
    /// lanes are all done rides along unchanged until the last is.
    #[target_feature(enable = "avx,avx2,fma")]
    pub(super) unsafe fn lock_step<const G: usize>(
        c: [&[[[f32; LANES]; 5]; 2]; G],
    ) -> [([usize; LANES], [[f32; 8]; LANES]); G] {
        let ld = |v: &[f32; LANES]| _mm256_loadu_ps(v.as_ptr());
        let pp: [[__m256; 5]; G] = c.map(|c| std::array::from_fn(|k| ld(&c[0][k])));
        let qq: [[__m256; 5]; G] = c.map(|c| std::array::from_fn(|k| ld(&c[1][k])));
        let f = |x: f32| _mm256_set1_ps(x);
        let all = _mm256_castsi256_ps(_mm256_set1_epi32(-1));
        let not = |m: __m256| _mm256_xor_ps(m, all);
        let count = |m: __m256| _mm256_and_ps(m, f(1.0));
        let (lt, ge, eq, gt) = (
            |a, b| _mm256_cmp_ps::<_CMP_LT_OS>(a, b),
            |a, b| _mm256_cmp_ps::<_CMP_GE_OS>(a, b),
            |a, b| _mm256_cmp_ps::<_CMP_EQ_OQ>(a, b),
            |a, b| _mm256_cmp_ps::<_CMP_GT_OS>(a, b),
        );
        let (mut xl, mut xr, mut yl) = ([f(1.0); G], [f(0.0); G], [f(0.0); G]);
        // j: roots done (odd: j is odd, the search is on Q'); phase 0 starts a
        // root, 1 walks the grid, 2..=2+BISECTIONS bisect
        let (mut j, mut odd) = ([f(0.0); G], [f(0.0); G]);
        let (mut phase, mut roots) = ([f(0.0); G], [f(0.0); G]);
        let mut found = [[[0.0f32; 8]; LANES]; G];
        let abs_mask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fff_ffff));
        loop {
            let mut any_live = false;
            for g in 0..G {
                // a walk past x = −1 gives the root up; the next starts here
                loop {
                    let walking = _mm256_and_ps(lt(j[g], f(8.0)), eq(phase[g], f(1.0)));
                    let past = _mm256_andnot_ps(ge(xr[g], f(-1.0)), walking);
                    if _mm256_movemask_ps(past) == 0 {
                        break;
                    }
                    j[g] = _mm256_add_ps(j[g], count(past));
                    odd[g] = _mm256_xor_ps(odd[g], past);
                    phase[g] = _mm256_andnot_ps(past, phase[g]);
                }
                any_live |= _mm256_movemask_ps(lt(j[g], f(8.0))) != 0;
            }
            if !any_live {
                break;
            }
            for g in 0..G {
                let live = lt(j[g], f(8.0));
                let (xl_g, xr_g, yl_g, phase_g) = (xl[g], xr[g], yl[g], phase[g]);
                let start = eq(phase_g, f(0.0));
                let walk = eq(phase_g, f(1.0));
                let bisect = gt(phase_g, f(1.0));
                let last = eq(phase_g, f(2.0 + BISECTIONS as f32));
                let mut dd = _mm256_mul_ps(
                    f(COARSE_STEP),
                    _mm256_sub_ps(f(1.0), _mm256_mul_ps(_mm256_mul_ps(f(0.9), xl_g), xl_g)),
                );
                let small = lt(_mm256_and_ps(yl_g, abs_mask), f(0.2));
                dd = select(small, _mm256_mul_ps(dd, f(0.5)), dd);
                let x_walk = _mm256_sub_ps(xl_g, dd);
                let x_bisect = _mm256_mul_ps(f(0.5), _mm256_add_ps(xl_g, xr_g));
                let x = select(start, xl_g, select(walk, x_walk, x_bisect));
                // Clenshaw's recurrence with each lane's P' or Q'
                let c: [__m256; 5] = std::array::from_fn(|k| select(odd[g], qq[g][k], pp[g][k]));
                let x2 = _mm256_mul_ps(f(2.0), x);
                let (mut b0, mut b1) = (f(0.0), f(0.0));
                for k in (1..=4).rev() {
                    let tmp = b0;
                    b0 = _mm256_add_ps(_mm256_sub_ps(_mm256_mul_ps(x2, b0), b1), c[4 - k]);
                    b1 = tmp;
                }
                let neg_b1 = _mm256_xor_ps(b1, f(-0.0));
                let y = _mm256_add_ps(
                    _mm256_add_ps(neg_b1, _mm256_mul_ps(_mm256_mul_ps(f(0.5), x2), b0)),
                    c[4],
                );
                // the transitions
                let neg = lt(_mm256_mul_ps(y, yl_g), f(0.0));
                let xm = _mm256_min_ps(f(1.0), _mm256_max_ps(f(-1.0), x));
                let new_yl = select(_mm256_or_ps(start, not(neg)), y, yl_g);
                let keep_x = not(_mm256_or_ps(start, neg));
                let new_xl = select(last, xm, select(keep_x, x, xl_g));
                let new_xr = select(_mm256_or_ps(walk, _mm256_and_ps(bisect, neg)), x, xr_g);
                let to_walk = _mm256_or_ps(start, _mm256_andnot_ps(neg, walk));
                let new_phase = select(
                    to_walk,
                    f(1.0),
                    select(last, f(0.0), _mm256_add_ps(phase_g, f(1.0))),
                );
                let done = _mm256_and_ps(live, last);
                let m = _mm256_movemask_ps(done);
                if m != 0 {
                    let mut xs = [0.0f32; LANES];
                    let mut js = [0.0f32; LANES];
                    _mm256_storeu_ps(xs.as_mut_ptr(), xm);
                    _mm256_storeu_ps(js.as_mut_ptr(), j[g]);
                    for l in 0..LANES {
                        if m & (1 << l) != 0 {
                            found[g][l][js[l] as usize] = xs[l];
                        }
                    }
                }
                roots[g] = _mm256_add_ps(
                    roots[g],
                    count(_mm256_and_ps(live, _mm256_and_ps(walk, neg))),
                );
                j[g] = _mm256_add_ps(j[g], count(done));
                odd[g] = _mm256_xor_ps(odd[g], done);
                yl[g] = select(live, new_yl, yl_g);
                xl[g] = select(live, new_xl, xl_g);
                xr[g] = select(live, new_xr, xr_g);
                phase[g] = select(live, new_phase, phase_g);
            }
        }
        std::array::from_fn(|g| {
            let mut r = [0.0f32; LANES];
            _mm256_storeu_ps(r.as_mut_ptr(), roots[g]);
            (r.map(|v| v as usize), found[g])
        })
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
    fn many_at_once_are_bit_identical_to_one_by_one() {
        let sets = [
            lpc_with_poles(&[(0.98, 0.5), (0.97, 1.2), (0.95, 2.0), (0.9, 2.7)]),
            vec![0.0; 8],
            lpc_with_poles(&[(0.5, 0.3), (0.99, 0.31), (0.7, 1.9), (0.999, 3.1)]),
            lpc_with_poles(&[(0.9, 0.1), (0.8, 0.9), (0.6, 1.5), (0.95, 2.2)]),
            // close pole pairs, which the coarse grid steps over (the retry path)
            lpc_with_poles(&[(0.999, 1.0), (0.999, 1.01), (0.999, 2.0), (0.999, 2.005)]),
            lpc_with_poles(&[(0.3, 0.7), (0.2, 1.4), (0.4, 2.1), (0.1, 2.8)]),
            // order 10 (not the lanes' order 8): one by one
            lpc_with_poles(&[(0.9, 0.4), (0.8, 1.0), (0.7, 1.6), (0.6, 2.2), (0.5, 2.8)]),
        ];
        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        let mut retried = false;
        // 1 to 40 predictors: a short last group of lanes, one or two pairs
        // of groups, and a group of eight left after them
        for n in 1..41 {
            let many: Vec<&[f32]> = (0..n).map(|i| &sets[(i * 5 + n) % 6][..]).collect();
            let got = lsp_from_lpc_many(&many);
            assert_eq!(got.len(), n);
            for (g, a) in got.iter().zip(&many) {
                assert_eq!(bits(g), bits(&lsp_from_lpc(a)));
                let mut f = vec![0.0; 8];
                retried |= search_roots(a, COARSE_STEP, &mut f) != 8;
            }
        }
        assert!(retried, "no set took the retry path");
        let mixed = [&sets[0][..], &sets[6][..]];
        let got = lsp_from_lpc_many(&mixed);
        assert_eq!(bits(&got[1]), bits(&lsp_from_lpc(&sets[6])));
        assert_eq!(got[1].len(), 10);
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
    fn the_avx_lock_step_agrees_with_the_scalar_search() {
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
        for _ in 0..250 {
            let sets: Vec<Vec<f32>> = (0..8)
                .map(|_| {
                    let poles: Vec<(f64, f64)> = (0..4)
                        .map(|_| (0.3 + 0.699 * rnd(), 0.05 + 3.05 * rnd()))
                        .collect();
                    lpc_with_poles(&poles)
                })
                .collect();
            let eight: Vec<&[f32]> = sets.iter().map(|s| &s[..]).collect();
            let got = lsp_from_lpc_many(&eight);
            for l in 0..8 {
                assert_eq!(bits(&got[l]), bits(&lsp_from_lpc(eight[l])));
            }
            #[cfg(target_arch = "x86_64")]
            if crate::avx_builds() {
                let lanes = std::array::from_fn(|l| eight[l]);
                // the lanes find as many roots as the scalar coarse search
                // (so the lanes, not the one-by-one retry, gave the results above)
                // SAFETY: AVX2 and FMA are available (checked just above).
                let [(roots, _)] = unsafe { avx::lock_step([&chebyshev_lanes(lanes)]) };
                for l in 0..8 {
                    let mut f = vec![0.0; 8];
                    assert_eq!(roots[l], search_roots(eight[l], COARSE_STEP, &mut f));
                    lanes_used += usize::from(roots[l] == 8);
                }
            }
        }
        #[cfg(target_arch = "x86_64")]
        if crate::avx_builds() {
            assert!(
                lanes_used > 1000,
                "{lanes_used} of 2000 predictors took the lanes"
            );
        }
    }
}
