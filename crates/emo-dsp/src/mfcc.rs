//! Cepstral transform: log of mel energies, DCT-II and sinusoidal liftering.

/// Mel-frequency cepstral coefficients from mel band energies:
/// `c_i = √(2/M)·(1 + L/2·sin(πi/L))·Σ_m ln(max(e_m, floor))·cos(πi(m+½)/M)`,
/// i = `first..=last`; c0 uses the same √(2/M) factor.
#[derive(Debug, Clone)]
pub struct Cepstrum {
    /// cos table, one row per coefficient.
    basis: Vec<Vec<f64>>,
    lifter: Vec<f64>,
    floor: f64,
}

impl Cepstrum {
    /// `n_bands` mel bands in, coefficients `first..=last` out, lifter `L`
    /// (0 disables liftering), energies floored at `floor` before the log.
    pub fn new(n_bands: usize, first: usize, last: usize, lifter: f64, floor: f64) -> Self {
        let m = n_bands as f64;
        let scale = (2.0 / m).sqrt();
        let mut basis = Vec::new();
        let mut lift = Vec::new();
        for i in first..=last {
            basis.push(
                (0..n_bands)
                    .map(|b| scale * (std::f64::consts::PI * i as f64 * (b as f64 + 0.5) / m).cos())
                    .collect(),
            );
            lift.push(if lifter > 0.0 {
                1.0 + lifter / 2.0 * (std::f64::consts::PI * i as f64 / lifter).sin()
            } else {
                1.0
            });
        }
        Cepstrum {
            basis,
            lifter: lift,
            floor,
        }
    }

    /// Applies the transform to one frame of mel energies.
    pub fn apply(&self, mel: &[f64], out: &mut [f32]) {
        let logs: Vec<f64> = mel.iter().map(|&e| e.max(self.floor).ln()).collect();
        for ((o, row), l) in out.iter_mut().zip(&self.basis).zip(&self.lifter) {
            let s: f64 = row.iter().zip(&logs).map(|(a, b)| a * b).sum();
            *o = (s * l) as f32;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flat_spectrum_has_only_c0() {
        let c = Cepstrum::new(26, 0, 14, 22.0, 1e-8);
        let mut out = [0.0f32; 15];
        c.apply(&[std::f64::consts::E; 26], &mut out);
        // c0 = sqrt(2/26) * 26 * ln(e) = sqrt(52)
        assert!((out[0] - 52f32.sqrt()).abs() < 1e-5);
        for v in &out[1..] {
            assert!(v.abs() < 1e-5);
        }
    }

    #[test]
    fn lifter_and_floor() {
        let c = Cepstrum::new(4, 1, 1, 22.0, 1e-8);
        let mel = [0.0, 1.0, 1.0, 1.0]; // ln(1e-8) in band 0 only
        let mut out = [0.0f32];
        c.apply(&mel, &mut out);
        let expect = (0.5f64).sqrt()
            * (1.0e-8f64).ln()
            * (std::f64::consts::PI * 0.5 / 4.0).cos()
            * (1.0 + 11.0 * (std::f64::consts::PI / 22.0).sin());
        assert!((f64::from(out[0]) - expect).abs() < 1e-4);
    }
}
