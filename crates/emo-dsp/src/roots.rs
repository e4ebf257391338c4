//! Roots of a real polynomial by the Aberth–Ehrlich simultaneous iteration
//! (Aberth 1973), polished by a Newton step: all roots at once, in double
//! precision, for the low orders of LPC polynomials.

use realfft::num_complex::Complex;

/// Horner's rule for `p(z_k)` and `p'(z_k)` at every root at once, into `p`
/// and `d` (coefficients from the highest power down). The roots' chains are
/// independent, so they run side by side, each with `Complex`'s operations.
#[inline(always)]
fn eval_all(c: &[f64], re: &[f64], im: &[f64], p: &mut [Complex<f64>], d: &mut [Complex<f64>]) {
    let n = re.len().min(im.len()).min(p.len()).min(d.len());
    let (re, im) = (&re[..n], &im[..n]);
    let mut pr = [0.0f64; MAX_LANES];
    let mut pi = [0.0f64; MAX_LANES];
    let mut dr = [0.0f64; MAX_LANES];
    let mut di = [0.0f64; MAX_LANES];
    for (start, len) in (0..n).step_by(MAX_LANES).map(|s| (s, MAX_LANES.min(n - s))) {
        let (zr, zi) = (&re[start..start + len], &im[start..start + len]);
        let (pr, pi, dr, di) = (
            &mut pr[..len],
            &mut pi[..len],
            &mut dr[..len],
            &mut di[..len],
        );
        pr.fill(0.0);
        pi.fill(0.0);
        dr.fill(0.0);
        di.fill(0.0);
        for &a in c.iter().rev() {
            for l in 0..len {
                // d = d·z + p, then p = p·z + a, as Complex's operators compute them
                let (nd_r, nd_i) = (
                    (dr[l] * zr[l] - di[l] * zi[l]) + pr[l],
                    (dr[l] * zi[l] + di[l] * zr[l]) + pi[l],
                );
                let (np_r, np_i) = (
                    (pr[l] * zr[l] - pi[l] * zi[l]) + a,
                    pr[l] * zi[l] + pi[l] * zr[l],
                );
                (dr[l], di[l], pr[l], pi[l]) = (nd_r, nd_i, np_r, np_i);
            }
        }
        for l in 0..len {
            p[start + l] = Complex::new(pr[l], pi[l]);
            d[start + l] = Complex::new(dr[l], di[l]);
        }
    }
}

/// Roots evaluated side by side by [`eval_all`].
const MAX_LANES: usize = 16;

/// `1/(zk − z_j)` for every j, as `Complex::inv` computes it (`conj/|·|²`,
/// two divisions), and `|zk − z_j|²`. Written lane by lane so that it
/// vectorises; each lane is the same IEEE operations in the same order.
#[inline(always)]
fn reciprocals(zk: Complex<f64>, re: &[f64], im: &[f64], inv: &mut Reciprocals) {
    let n = re.len().min(im.len());
    let (o_re, o_im, o_ns) = (&mut inv.re[..n], &mut inv.im[..n], &mut inv.ns[..n]);
    for j in 0..n {
        let (dr, di) = (zk.re - re[j], zk.im - im[j]);
        let ns = dr * dr + di * di;
        o_ns[j] = ns;
        o_re[j] = dr / ns;
        o_im[j] = 0.0 - di / ns;
    }
}

/// The reciprocals of one root's differences to all roots.
#[derive(Debug, Clone, Default)]
struct Reciprocals {
    re: Vec<f64>,
    im: Vec<f64>,
    ns: Vec<f64>,
}

/// The buffers of a root search, kept between searches so that finding the
/// roots of one polynomial per frame allocates nothing after the first.
#[derive(Debug, Clone, Default)]
pub struct RootSearch {
    /// The monic polynomial.
    c: Vec<f64>,
    /// The roots as separate real and imaginary parts.
    re: Vec<f64>,
    im: Vec<f64>,
    inv: Reciprocals,
    pv: Vec<Complex<f64>>,
    dv: Vec<Complex<f64>>,
    /// The roots still iterating, and their parts compacted.
    active: Vec<usize>,
    are: Vec<f64>,
    aim: Vec<f64>,
}

/// The roots of `Σ_i c[i]·zⁱ` (coefficients from the constant term up). Leading
/// zero coefficients are dropped; a constant has no roots.
pub fn polynomial_roots(c: &[f64]) -> Vec<Complex<f64>> {
    polynomial_roots_from(c, &[])
}

/// [`polynomial_roots`] starting the iteration from `guess` (e.g. the roots
/// of the previous frame's polynomial, which converge in a few steps) when it
/// holds one distinct value per root; from a circle otherwise. The roots
/// found do not depend on the start beyond the iteration's tolerance.
pub fn polynomial_roots_from(c: &[f64], guess: &[Complex<f64>]) -> Vec<Complex<f64>> {
    let mut z = guess.to_vec();
    RootSearch::default().find(c, &mut z);
    z
}

impl RootSearch {
    /// [`polynomial_roots_from`] in place: `z` holds the guess and receives
    /// the roots.
    pub fn find(&mut self, c: &[f64], z: &mut Vec<Complex<f64>>) {
        return_if_avx!(self.find_avx(c, z));
        self.find_plain(c, z)
    }

    /// [`RootSearch::find_plain`] compiled for AVX: the reciprocals four
    /// lanes at a time (no FMA, so every value is bit-identical to the plain
    /// build's).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx,avx2,fma")]
    unsafe fn find_avx(&mut self, c: &[f64], z: &mut Vec<Complex<f64>>) {
        self.find_plain(c, z)
    }

    /// The monic polynomial (leading zeros dropped) into `self.c` and the
    /// iteration's starting points into `z`: `z` itself when it holds one
    /// distinct finite value per root, else a circle of the roots' geometric
    /// mean radius, off the real axis. False for a constant (then `z` is
    /// empty).
    fn monic_and_start(&mut self, c: &[f64], z: &mut Vec<Complex<f64>>) -> bool {
        let mut hi = c.len();
        while hi > 0 && c[hi - 1] == 0.0 {
            hi -= 1;
        }
        if hi <= 1 {
            z.clear();
            return false;
        }
        // monic, so the Cauchy bound applies
        let lead = c[hi - 1];
        self.c.clear();
        self.c.extend(c[..hi].iter().map(|&a| a / lead));
        let n = hi - 1;
        let usable = z.len() == n
            && z.iter().all(|g| g.re.is_finite() && g.im.is_finite())
            && (0..n).all(|i| (i + 1..n).all(|j| (z[i] - z[j]).norm_sqr() > 1e-12));
        if !usable {
            let radius = self.c[0].abs().powf(1.0 / n as f64);
            let radius = if radius.is_finite() && radius > 0.0 {
                radius
            } else {
                1.0
            };
            z.clear();
            z.extend((0..n).map(|k| {
                let t = 2.0 * std::f64::consts::PI * (k as f64 + 0.25) / n as f64 + 0.4;
                Complex::from_polar(radius, t)
            }));
        }
        true
    }

    #[inline(always)]
    fn find_plain(&mut self, c: &[f64], z: &mut Vec<Complex<f64>>) {
        if !self.monic_and_start(c, z) {
            return;
        }
        let n = z.len();
        let c = &self.c[..];
        // the roots also as separate real and imaginary parts, so that the
        // reciprocals of the differences (the iteration's cost) are computed
        // side by side; each is the same IEEE operation as `Complex::inv`
        let (re, im) = (&mut self.re, &mut self.im);
        re.clear();
        re.extend(z.iter().map(|v| v.re));
        im.clear();
        im.extend(z.iter().map(|v| v.im));
        let inv = &mut self.inv;
        for v in [&mut inv.re, &mut inv.im, &mut inv.ns] {
            v.clear();
            v.resize(n, 0.0);
        }
        let zero = Complex::new(0.0, 0.0);
        let (pv, dv) = (&mut self.pv, &mut self.dv);
        for v in [&mut *pv, &mut *dv] {
            v.clear();
            v.resize(n, zero);
        }
        // the roots still iterating, compacted for the side-by-side evaluation;
        // a root whose step fell below the tolerance stays where it is (the
        // others still see it) and is left to the Newton step below
        let active = &mut self.active;
        active.clear();
        active.extend(0..n);
        let (are, aim) = (&mut self.are, &mut self.aim);
        are.clear();
        are.resize(n, 0.0);
        aim.clear();
        aim.resize(n, 0.0);
        for _ in 0..500 {
            let m = active.len();
            for (slot, &k) in active.iter().enumerate() {
                are[slot] = re[k];
                aim[slot] = im[k];
            }
            // root k is still where the previous sweep left it when its turn
            // comes, so the polynomial is evaluated at the active roots up front
            eval_all(c, &are[..m], &aim[..m], &mut pv[..m], &mut dv[..m]);
            let mut still = 0;
            for slot in 0..m {
                let k = active[slot];
                let (p, d) = (pv[slot], dv[slot]);
                if p.norm_sqr() == 0.0 {
                    continue;
                }
                let ratio = p / d;
                reciprocals(z[k], re, im, inv);
                // summed in order of j, skipping k and coincident roots
                let mut s = Complex::new(0.0, 0.0);
                for j in 0..n {
                    if j != k && inv.ns[j] > 0.0 {
                        s += Complex::new(inv.re[j], inv.im[j]);
                    }
                }
                let step = ratio / (Complex::new(1.0, 0.0) - ratio * s);
                if step.re.is_finite() && step.im.is_finite() {
                    z[k] -= step;
                    re[k] = z[k].re;
                    im[k] = z[k].im;
                    // squared relative step: 1e-6 relative, which the Newton
                    // step below takes to double precision
                    if step.norm_sqr() / z[k].norm_sqr().max(1e-300) >= 1e-12 {
                        active[still] = k;
                        still += 1;
                    }
                }
            }
            active.truncate(still);
            if active.is_empty() {
                break;
            }
        }
        // one Newton step per root (each root's own, so all roots step together;
        // none at a zero derivative or a non-finite step). A root whose last
        // step was under 1e-6 of it is within about that of the root, and
        // Newton's step squares the error: near 1e-12 of it at worst, which
        // no value derived from it in single precision can show. (Three steps
        // gave the same bits in every functional and LLD value of EmoDB and
        // RAVDESS.)
        eval_all(c, re, im, pv, dv);
        for k in 0..n {
            let (p, d) = (pv[k], dv[k]);
            if d.norm_sqr() == 0.0 {
                continue;
            }
            let step = p / d;
            if step.re.is_finite() && step.im.is_finite() {
                z[k] -= step;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(mut z: Vec<Complex<f64>>) -> Vec<Complex<f64>> {
        z.sort_by(|a, b| a.re.total_cmp(&b.re).then(a.im.total_cmp(&b.im)));
        z
    }

    #[test]
    fn quadratic_and_cubic_by_hand() {
        // z² + 1: ±i
        let r = sorted(polynomial_roots(&[1.0, 0.0, 1.0]));
        assert!((r[0] - Complex::new(0.0, -1.0)).norm() < 1e-12);
        assert!((r[1] - Complex::new(0.0, 1.0)).norm() < 1e-12);
        // (z−1)(z−2)(z−3) = z³ − 6z² + 11z − 6
        let r = sorted(polynomial_roots(&[-6.0, 11.0, -6.0, 1.0]));
        for (k, z) in r.iter().enumerate() {
            assert!(
                (z - Complex::new(k as f64 + 1.0, 0.0)).norm() < 1e-10,
                "{r:?}"
            );
        }
    }

    #[test]
    fn a_warm_start_finds_the_same_roots() {
        let p = [-6.0, 11.0, -6.0, 1.0];
        let cold = sorted(polynomial_roots(&p));
        let near = [
            Complex::new(1.1, 0.05),
            Complex::new(1.9, -0.02),
            Complex::new(3.2, 0.01),
        ];
        let warm = sorted(polynomial_roots_from(&p, &near));
        for (a, b) in cold.iter().zip(&warm) {
            assert!((a - b).norm() < 1e-10);
        }
        // an unusable guess (repeated values) falls back to the circle
        let bad = [Complex::new(1.0, 0.0); 3];
        let r = sorted(polynomial_roots_from(&p, &bad));
        assert!((r[2] - Complex::new(3.0, 0.0)).norm() < 1e-10);
    }

    #[test]
    fn lpc_like_polynomial_of_order_eleven() {
        // roots at radius 0.95 and known angles, plus one real root
        let angles = [0.3, 0.8, 1.4, 2.0, 2.6];
        let mut poly = vec![1.0f64];
        let mut mul = |a: f64, b: f64| {
            // multiply by z² + a z + b
            let mut out = vec![0.0; poly.len() + 2];
            for (i, &p) in poly.iter().enumerate() {
                out[i] += b * p;
                out[i + 1] += a * p;
                out[i + 2] += p;
            }
            poly = out;
        };
        for &t in &angles {
            mul(-2.0 * 0.95 * f64::cos(t), 0.95 * 0.95);
        }
        // times (z − 0.5)
        let mut p2 = vec![0.0; poly.len() + 1];
        for (i, &p) in poly.iter().enumerate() {
            p2[i] -= 0.5 * p;
            p2[i + 1] += p;
        }
        let r = polynomial_roots(&p2);
        assert_eq!(r.len(), 11);
        for &t in &angles {
            let want = Complex::from_polar(0.95, t);
            assert!(r.iter().any(|z| (z - want).norm() < 1e-9), "{t}");
        }
        assert!(r.iter().any(|z| (z - Complex::new(0.5, 0.0)).norm() < 1e-9));
    }

    /// The iteration written plainly, one root at a time with `Complex`'s
    /// operators (a root that has converged stops, as in the module), from
    /// the same start: the vectorised one must give the same bits.
    fn reference_roots(c: &[f64], guess: &[Complex<f64>]) -> Vec<Complex<f64>> {
        let eval = |c: &[f64], z: Complex<f64>| {
            let (mut p, mut d) = (Complex::new(0.0, 0.0), Complex::new(0.0, 0.0));
            for &a in c.iter().rev() {
                d = d * z + p;
                p = p * z + a;
            }
            (p, d)
        };
        let mut search = RootSearch::default();
        let mut z = guess.to_vec();
        if !search.monic_and_start(c, &mut z) {
            return Vec::new();
        }
        let c = search.c.clone();
        let n = z.len();
        let mut active: Vec<usize> = (0..n).collect();
        for _ in 0..500 {
            // every active root evaluated where the previous sweep left it
            let pd: Vec<_> = active.iter().map(|&k| eval(&c, z[k])).collect();
            let mut still = Vec::new();
            for (&k, &(p, d)) in active.iter().zip(&pd) {
                if p.norm_sqr() == 0.0 {
                    continue;
                }
                let ratio = p / d;
                let mut s = Complex::new(0.0, 0.0);
                for (j, &zj) in z.iter().enumerate() {
                    if j != k {
                        let diff = z[k] - zj;
                        if diff.norm_sqr() > 0.0 {
                            s += diff.inv();
                        }
                    }
                }
                let step = ratio / (Complex::new(1.0, 0.0) - ratio * s);
                if step.re.is_finite() && step.im.is_finite() {
                    z[k] -= step;
                    if step.norm_sqr() / z[k].norm_sqr().max(1e-300) >= 1e-12 {
                        still.push(k);
                    }
                }
            }
            active = still;
            if active.is_empty() {
                break;
            }
        }
        // one Newton step per root
        for zk in z.iter_mut() {
            let (p, d) = eval(&c, *zk);
            if d.norm_sqr() == 0.0 {
                continue;
            }
            let step = p / d;
            if step.re.is_finite() && step.im.is_finite() {
                *zk -= step;
            }
        }
        z
    }

    #[test]
    fn vectorised_plain_and_avx_paths_give_the_reference_bits() {
        // LPC-like polynomials of orders 2-20 from a fixed pseudo-random
        // sequence, each solved cold and warm-started from the previous roots
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64 - 0.5
        };
        let bits = |z: &[Complex<f64>]| -> Vec<(u64, u64)> {
            z.iter().map(|v| (v.re.to_bits(), v.im.to_bits())).collect()
        };
        let mut search = RootSearch::default();
        for order in [2usize, 3, 5, 8, 11, 12, 16, 20] {
            let mut guess: Vec<Complex<f64>> = Vec::new();
            for _ in 0..12 {
                let mut c: Vec<f64> = (0..order).map(|_| next() * 0.8).collect();
                c.push(1.0);
                let want = reference_roots(&c, &guess);
                // one search reused throughout, as a formant tracker does
                let mut plain = guess.clone();
                search.find_plain(&c, &mut plain);
                assert_eq!(bits(&plain), bits(&want), "order {order}");
                #[cfg(target_arch = "x86_64")]
                if crate::avx_builds() {
                    let mut avx = guess.clone();
                    // SAFETY: AVX2 and FMA are available (checked just above).
                    unsafe { search.find_avx(&c, &mut avx) };
                    assert_eq!(bits(&avx), bits(&want), "order {order}, AVX");
                }
                assert_eq!(bits(&polynomial_roots_from(&c, &guess)), bits(&want));
                guess = want;
            }
        }
    }
}
