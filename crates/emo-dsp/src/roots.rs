//! Roots of a real polynomial by the Aberth–Ehrlich simultaneous iteration
//! (Aberth 1973), polished by Newton steps: all roots at once, in double
//! precision, for the low orders of LPC polynomials.

use realfft::num_complex::Complex;

fn eval(c: &[f64], z: Complex<f64>) -> (Complex<f64>, Complex<f64>) {
    // Horner for p(z) and p'(z), coefficients from the highest power down
    let mut p = Complex::new(0.0, 0.0);
    let mut d = Complex::new(0.0, 0.0);
    for &a in c.iter().rev() {
        d = d * z + p;
        p = p * z + a;
    }
    (p, d)
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
    let mut hi = c.len();
    while hi > 0 && c[hi - 1] == 0.0 {
        hi -= 1;
    }
    if hi <= 1 {
        return Vec::new();
    }
    // monic, so the Cauchy bound applies
    let lead = c[hi - 1];
    let c: Vec<f64> = c[..hi].iter().map(|&a| a / lead).collect();
    let n = hi - 1;
    // starting points spread on a circle of the roots' geometric mean radius,
    // off the real axis
    let radius = c[0].abs().powf(1.0 / n as f64);
    let radius = if radius.is_finite() && radius > 0.0 {
        radius
    } else {
        1.0
    };
    let usable = guess.len() == n
        && guess.iter().all(|g| g.re.is_finite() && g.im.is_finite())
        && (0..n).all(|i| (i + 1..n).all(|j| (guess[i] - guess[j]).norm_sqr() > 1e-12));
    let mut z: Vec<Complex<f64>> = if usable {
        guess.to_vec()
    } else {
        (0..n)
            .map(|k| {
                let t = 2.0 * std::f64::consts::PI * (k as f64 + 0.25) / n as f64 + 0.4;
                Complex::from_polar(radius, t)
            })
            .collect()
    };
    for _ in 0..500 {
        // squared relative step of the root that moved most
        let mut moved = 0.0f64;
        for k in 0..n {
            let (p, d) = eval(&c, z[k]);
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
                moved = moved.max(step.norm_sqr() / z[k].norm_sqr().max(1e-300));
            }
        }
        // 1e-10 relative; the Newton steps below square the error
        if moved < 1e-20 {
            break;
        }
    }
    for zk in z.iter_mut() {
        for _ in 0..3 {
            let (p, d) = eval(&c, *zk);
            if d.norm_sqr() == 0.0 {
                break;
            }
            let step = p / d;
            if !(step.re.is_finite() && step.im.is_finite()) {
                break;
            }
            *zk -= step;
        }
    }
    z
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
}
