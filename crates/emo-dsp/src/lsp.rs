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
}
