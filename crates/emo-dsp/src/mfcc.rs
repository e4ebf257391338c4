//! Cepstral transform: log of mel energies, DCT-II and sinusoidal liftering.

/// Mel-frequency cepstral coefficients from mel band energies:
/// `c_i = √(2/M)·(1 + L/2·sin(πi/L))·Σ_m ln(max(e_m, floor))·cos(πi(m+½)/M)`,
/// i = `first..=last`; c0 uses the same √(2/M) factor.
#[derive(Debug, Clone)]
pub struct Cepstrum {
    /// The cosine table by band: for each band, its weight in every
    /// coefficient (`width` values, zero past the last coefficient).
    basis: Vec<f64>,
    width: usize,
    lifter: Vec<f64>,
    floor: f64,
}

/// Most coefficients one transform gives.
const MAX_COEFFICIENTS: usize = 32;

impl Cepstrum {
    /// `n_bands` mel bands in, coefficients `first..=last` out (at most 32),
    /// lifter `L` (0 disables liftering), energies floored at `floor` before
    /// the log.
    pub fn new(n_bands: usize, first: usize, last: usize, lifter: f64, floor: f64) -> Self {
        assert!(last >= first && last - first < MAX_COEFFICIENTS);
        let m = n_bands as f64;
        let scale = (2.0 / m).sqrt();
        let count = last - first + 1;
        let width = count.div_ceil(4) * 4;
        let mut basis = vec![0.0; n_bands * width];
        for b in 0..n_bands {
            for (c, i) in (first..=last).enumerate() {
                basis[b * width + c] =
                    scale * (std::f64::consts::PI * i as f64 * (b as f64 + 0.5) / m).cos();
            }
        }
        let lifter = (first..=last)
            .map(|i| {
                if lifter > 0.0 {
                    1.0 + lifter / 2.0 * (std::f64::consts::PI * i as f64 / lifter).sin()
                } else {
                    1.0
                }
            })
            .collect();
        Cepstrum {
            basis,
            width,
            lifter,
            floor,
        }
    }

    /// Applies the transform to one frame of mel energies. Each coefficient's
    /// sum runs over the bands in order from −0.0 (as `Iterator::sum` does);
    /// the coefficients' sums run side by side, one per vector lane, instead of
    /// one after another.
    pub fn apply(&self, mel: &[f64], out: &mut [f32]) {
        return_if_avx!(self.apply_avx(mel, out));
        self.apply_plain(mel, out)
    }

    /// [`Cepstrum::apply`] compiled for AVX (the same operations, four
    /// coefficients per register where SSE2 holds two).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx,avx2,fma")]
    unsafe fn apply_avx(&self, mel: &[f64], out: &mut [f32]) {
        self.apply_plain(mel, out)
    }

    #[inline(always)]
    fn apply_plain(&self, mel: &[f64], out: &mut [f32]) {
        let w = self.width;
        let mut acc = [-0.0f64; MAX_COEFFICIENTS];
        for (&e, row) in mel.iter().zip(self.basis.chunks_exact(w)) {
            let log = e.max(self.floor).ln();
            for (a, &b) in acc[..w].iter_mut().zip(row) {
                *a += b * log;
            }
        }
        for ((o, s), l) in out.iter_mut().zip(acc).zip(&self.lifter) {
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

    /// The transform as defined, one coefficient's sum after another.
    #[test]
    fn side_by_side_sums_equal_one_after_another() {
        for (bands, first, last, floor) in [(26, 0, 14, 1e-8), (26, 1, 4, 1.0), (7, 2, 2, 1e-3)] {
            let c = Cepstrum::new(bands, first, last, 22.0, floor);
            let mel: Vec<f64> = (0..bands)
                .map(|b| ((b * 37 % 11) as f64 * 0.7).exp() * 1e-4 * (b % 5) as f64)
                .collect();
            let (mut out, mut plain) = (
                vec![0.0f32; last - first + 1],
                vec![0.0f32; last - first + 1],
            );
            c.apply(&mel, &mut out);
            // and the portable build, which processors without AVX2 take
            c.apply_plain(&mel, &mut plain);
            let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&out), bits(&plain));
            let m = bands as f64;
            for (k, i) in (first..=last).enumerate() {
                let mut s = -0.0f64;
                for (b, &e) in mel.iter().enumerate() {
                    let basis = (2.0 / m).sqrt()
                        * (std::f64::consts::PI * i as f64 * (b as f64 + 0.5) / m).cos();
                    s += basis * e.max(floor).ln();
                }
                let want =
                    (s * (1.0 + 11.0 * (std::f64::consts::PI * i as f64 / 22.0).sin())) as f32;
                assert_eq!(out[k].to_bits(), want.to_bits(), "{bands} bands, c{i}");
            }
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
