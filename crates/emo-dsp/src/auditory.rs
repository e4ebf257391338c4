//! The auditory spectrum of perceptual linear prediction (Hermansky 1990):
//! critical-band energies weighted by an equal-loudness curve and compressed by
//! the power law of hearing. Its sum over bands is the loudness of eGeMAPS
//! (Eyben et al. 2016, §3.1.2).

/// Hermansky's equal-loudness weight of frequency `f` Hz (PLP, eq. 5, with
/// the 1e32 scaling that keeps it near 1 in the speech range):
/// `E(ω) = ((ω² + 56.8e6)·ω⁴) / ((ω² + 6.3e6)²·(ω² + 0.38e9)·(ω⁷ + 1.7e31))·1e32`, ω = 2πf.
pub fn equal_loudness_weight(f: f64) -> f64 {
    let w = 2.0 * std::f64::consts::PI * f;
    let w2 = w * w;
    let c = w2 + 6.3e6;
    1e32 * ((w2 + 56.8e6) * w2 * w2) / (c * c * (w2 + 0.38e9) * (w2 * w2 * w2 * w + 1.7e31))
}

/// Auditory-spectrum loudness of one frame of band energies `bands` (power),
/// the mean over the B bands of the auditory spectrum:
/// `(1/B)·Σ_b (max(e_b, floor)·E(f_b))^compression`, with `weights[b] = E(f_b)` of each
/// band's centre frequency.
pub fn auditory_loudness(bands: &[f64], weights: &[f32], floor: f32, compression: f64) -> f32 {
    let mut sum = 0.0f32;
    for (&e, &w) in bands.iter().zip(weights) {
        let x = (e as f32).max(floor) * w;
        sum += f64::from(x).powf(compression) as f32;
    }
    if bands.is_empty() {
        0.0
    } else {
        sum / bands.len() as f32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_loudness_is_low_at_low_frequencies_and_near_one_mid_band() {
        // hand-evaluated at 1 kHz: ω = 6283.19, ω² = 3.9478e7
        // ((3.9478e7+5.68e7)·3.9478e7²) / ((4.5778e7)²·(4.1948e8)·(ω⁷+1.7e31)) · 1e32
        let w = 2.0 * std::f64::consts::PI * 1000.0;
        let w2 = w * w;
        let by_hand = 1e32 * (w2 + 56.8e6) * w2 * w2
            / ((w2 + 6.3e6).powi(2) * (w2 + 0.38e9) * (w.powi(7) + 1.7e31));
        assert!((equal_loudness_weight(1000.0) - by_hand).abs() < 1e-12);
        assert!(equal_loudness_weight(1000.0) > 0.3 && equal_loudness_weight(1000.0) < 3.0);
        assert!(equal_loudness_weight(50.0) < 0.01 * equal_loudness_weight(1000.0));
        assert_eq!(equal_loudness_weight(0.0), 0.0);
    }

    #[test]
    fn loudness_is_a_compressed_weighted_sum() {
        // two bands of power 8 and 27 with unit weights, cube root: (2 + 3)/2
        let l = auditory_loudness(&[8.0, 27.0], &[1.0, 1.0], 1e-9, 1.0 / 3.0);
        assert!((l - 2.5).abs() < 1e-5);
        // floor applies before weighting
        let l = auditory_loudness(&[0.0], &[8.0], 1.0, 1.0 / 3.0);
        assert!((l - 2.0).abs() < 1e-5);
    }
}
