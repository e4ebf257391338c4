//! Formant frequencies and bandwidths from the roots of the LPC polynomial
//! (e.g. Rabiner & Schafer, "Digital Processing of Speech Signals", §8.6):
//! a root `r·e^{iθ}` of `A(z)` is a resonance at `θ/(2πT)` Hz with bandwidth
//! `−ln(r)/(πT)` Hz.

use crate::roots::RootSearch;
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
    formants_from_lpc_warm(a, t, min_hz, max_hz, n, &mut FormantSearch::default())
}

/// What a formant tracker keeps from frame to frame: the previous frame's
/// LPC roots, where the next root search starts, and the search's buffers.
#[derive(Debug, Clone, Default)]
pub struct FormantSearch {
    roots: Vec<Complex<f64>>,
    search: RootSearch,
    poly: Vec<f64>,
    found: Vec<(f64, f64)>,
}

/// [`formants_from_lpc`] with the root search started from the roots held in
/// `search` (the previous frame's), which then holds this frame's.
pub fn formants_from_lpc_warm(
    a: &[f32],
    t: f64,
    min_hz: f64,
    max_hz: f64,
    n: usize,
    search: &mut FormantSearch,
) -> Formants {
    let p = a.len();
    let mut out = Formants {
        frequency: Vec::with_capacity(n),
        bandwidth: Vec::with_capacity(n),
    };
    if a.iter().all(|&v| v == 0.0) {
        // a silent frame: A(z) = 1, all roots at the origin, no resonance
        out.frequency.resize(n, 0.0);
        out.bandwidth.resize(n, 0.0);
        return out;
    }
    let poly = &mut search.poly;
    poly.clear();
    poly.extend((0..p).map(|i| -f64::from(a[p - 1 - i])));
    poly.push(1.0);
    let max_hz = if max_hz < min_hz || max_hz > 1.0 / t {
        0.5 / t - min_hz
    } else {
        max_hz
    };
    search.search.find(poly, &mut search.roots);
    let found = &mut search.found;
    found.clear();
    for &z in search.roots.iter() {
        let z = if z.norm() > 1.0 { z.conj().inv() } else { z };
        if z.im < 0.0 {
            continue;
        }
        let f = z.im.atan2(z.re).abs() / (2.0 * std::f64::consts::PI * t);
        if f >= min_hz && f <= max_hz {
            found.push((f, -z.norm().ln() / (std::f64::consts::PI * t)));
            if found.len() >= n {
                break;
            }
        }
    }
    // lowest first (a stable sort, as the bandwidths follow)
    found.sort_by(|x, y| x.0.total_cmp(&y.0));
    out.frequency.extend(found.iter().map(|x| x.0));
    out.bandwidth.extend(found.iter().map(|x| x.1));
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
