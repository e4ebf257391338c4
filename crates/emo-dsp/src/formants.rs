//! Formant frequencies and bandwidths from the roots of the LPC polynomial
//! (e.g. Rabiner & Schafer, "Digital Processing of Speech Signals", §8.6):
//! a root `r·e^{iθ}` of `A(z)` is a resonance at `θ/(2πT)` Hz with bandwidth
//! `−ln(r)/(πT)` Hz.

use crate::roots::polynomial_roots_from;
use realfft::num_complex::Complex;

/// Formants of an all-pole model, lowest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Formants {
    pub frequency: Vec<f64>,
    pub bandwidth: Vec<f64>,
}

/// Up to `n` formants in `[min_hz, max_hz]` of the predictor `a` (the
/// coefficients `a_1..a_p` of `1 − Σ a_k z^{−k}`, the sign convention of
/// openSMILE's formant search applied to the coefficients of
/// [`crate::lpc::lpc_from_autocorrelation`]) at sample period `t` seconds. Roots
/// outside the unit circle are reflected into it first (`z → 1/z̄`); missing
/// formants are 0.
pub fn formants_from_lpc(a: &[f32], t: f64, min_hz: f64, max_hz: f64, n: usize) -> Formants {
    formants_from_lpc_warm(a, t, min_hz, max_hz, n, &mut Vec::new())
}

/// [`formants_from_lpc`] with the root search started from `roots` (the
/// previous frame's, which it then holds for the next).
pub fn formants_from_lpc_warm(
    a: &[f32],
    t: f64,
    min_hz: f64,
    max_hz: f64,
    n: usize,
    roots: &mut Vec<Complex<f64>>,
) -> Formants {
    let p = a.len();
    let mut out = Formants::default();
    if a.iter().all(|&v| v == 0.0) {
        // a silent frame: A(z) = 1, all roots at the origin, no resonance
        out.frequency.resize(n, 0.0);
        out.bandwidth.resize(n, 0.0);
        return out;
    }
    let mut poly = vec![0.0f64; p + 1];
    for i in 0..p {
        poly[i] = -f64::from(a[p - 1 - i]);
    }
    poly[p] = 1.0;
    let max_hz = if max_hz < min_hz || max_hz > 1.0 / t {
        0.5 / t - min_hz
    } else {
        max_hz
    };
    *roots = polynomial_roots_from(&poly, roots);
    for &z in roots.iter() {
        let z = if z.norm() > 1.0 { z.conj().inv() } else { z };
        if z.im < 0.0 {
            continue;
        }
        let f = z.im.atan2(z.re).abs() / (2.0 * std::f64::consts::PI * t);
        if f >= min_hz && f <= max_hz {
            out.frequency.push(f);
            out.bandwidth
                .push(-z.norm().ln() / (std::f64::consts::PI * t));
            if out.frequency.len() >= n {
                break;
            }
        }
    }
    // lowest first (a stable insertion order, as the bandwidths follow)
    let mut idx: Vec<usize> = (0..out.frequency.len()).collect();
    idx.sort_by(|&i, &j| out.frequency[i].total_cmp(&out.frequency[j]));
    let frequency: Vec<f64> = idx.iter().map(|&i| out.frequency[i]).collect();
    let bandwidth: Vec<f64> = idx.iter().map(|&i| out.bandwidth[i]).collect();
    let mut out = Formants {
        frequency,
        bandwidth,
    };
    out.frequency.resize(n, 0.0);
    out.bandwidth.resize(n, 0.0);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_silent_frame_has_no_formants() {
        let f = formants_from_lpc(&[0.0; 11], 1.0 / 11000.0, 50.0, 5450.0, 5);
        assert_eq!(f.frequency, vec![0.0; 5]);
        assert_eq!(f.bandwidth, vec![0.0; 5]);
    }

    #[test]
    fn a_known_resonator_pair() {
        // 1 − Σ a_k z^{−k} with poles at 0.9·e^{±iθ}, θ = 2π·1000/8000:
        // 1 − 2r·cosθ z^{−1} + r² z^{−2}  →  a = [2r·cosθ, −r²]
        let (r, fs) = (0.9f64, 8000.0);
        let th = 2.0 * std::f64::consts::PI * 1000.0 / fs;
        let a = [(2.0 * r * th.cos()) as f32, (-r * r) as f32];
        let f = formants_from_lpc(&a, 1.0 / fs, 50.0, 3900.0, 2);
        assert!((f.frequency[0] - 1000.0).abs() < 0.01, "{f:?}");
        let bw = -r.ln() * fs / std::f64::consts::PI;
        assert!((f.bandwidth[0] - bw).abs() < 0.01);
        assert_eq!(f.frequency[1], 0.0);
    }

    #[test]
    fn out_of_range_and_outside_the_circle() {
        // pole pair at radius 1.1 is reflected to 1/1.1; a 20 Hz pair is out of range
        let fs = 8000.0;
        let pair = |r: f64, hz: f64| {
            let th = 2.0 * std::f64::consts::PI * hz / fs;
            (2.0 * r * th.cos(), -r * r)
        };
        // (1 − a1 z⁻¹ − a2 z⁻²)(1 − b1 z⁻¹ − b2 z⁻²)
        let (a1, a2) = pair(1.1, 2000.0);
        let (b1, b2) = pair(0.95, 20.0);
        let c1 = a1 + b1;
        let c2 = a2 + b2 - a1 * b1;
        let c3 = -(a1 * b2 + a2 * b1);
        let c4 = -a2 * b2;
        let a = [c1 as f32, c2 as f32, c3 as f32, c4 as f32];
        let f = formants_from_lpc(&a, 1.0 / fs, 50.0, 3900.0, 3);
        assert!((f.frequency[0] - 2000.0).abs() < 0.05, "{f:?}");
        let bw = -(1.0f64 / 1.1).ln() * fs / std::f64::consts::PI;
        assert!((f.bandwidth[0] - bw).abs() < 0.05);
        assert_eq!(&f.frequency[1..], &[0.0, 0.0]);
    }
}
