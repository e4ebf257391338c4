//! Triangular mel filterbank.

/// `mel(f) = 1127·ln(1 + f/700)`.
pub fn hz_to_mel(f: f64) -> f64 {
    1127.0 * (1.0 + f / 700.0).ln()
}

/// Inverse of [`hz_to_mel`]: `f = 700·(e^{m/1127} − 1)`.
pub fn mel_to_hz(m: f64) -> f64 {
    700.0 * ((m / 1127.0).exp() - 1.0)
}

/// A bank of triangular filters with peak 1 and no area normalisation, spread
/// evenly on the mel scale between `lo_hz` and `hi_hz`. Only the bins strictly
/// between `round(lo/Δf)` and `round(hi/Δf)` contribute.
#[derive(Debug, Clone)]
pub struct MelFilterbank {
    n_bands: usize,
    /// Centre frequency of each band in Hz.
    centres_hz: Vec<f64>,
    /// Per band: first bin and the weights of its contiguous bins.
    bands: Vec<(usize, Vec<f64>)>,
}

impl MelFilterbank {
    /// `bin_hz` is the spacing of the spectrum's bins, `n_bins` their count
    /// (K/2+1). `hi_hz` above half the implied sampling rate `(n_bins−1)·2·bin_hz`
    /// (or ≤ 0, or below `lo_hz`) is replaced by that half.
    pub fn new(n_bands: usize, lo_hz: f64, hi_hz: f64, bin_hz: f64, n_bins: usize) -> Self {
        let nyquist = (n_bins.saturating_sub(1)) as f64 * bin_hz;
        let hi_hz = if hi_hz > nyquist || hi_hz <= 0.0 || hi_hz < lo_hz {
            nyquist
        } else {
            hi_hz
        };
        let mlo = hz_to_mel(lo_hz);
        let mhi = hz_to_mel(hi_hz);
        let centres: Vec<f64> = (0..n_bands + 2)
            .map(|m| mlo + m as f64 * (mhi - mlo) / (n_bands as f64 + 1.0))
            .collect();
        let n_lo = (lo_hz / bin_hz).round() as usize;
        let n_hi = ((hi_hz / bin_hz).round() as usize).min(n_bins);
        let mut taps = Vec::new();
        for bin in n_lo + 1..n_hi {
            let m = hz_to_mel(bin as f64 * bin_hz);
            let Some(j) = centres.iter().position(|&c| c >= m) else {
                continue;
            };
            if j == 0 {
                continue;
            }
            let w = (centres[j] - m) / (centres[j] - centres[j - 1]);
            if j >= 2 {
                taps.push((bin, j - 2, w));
            }
            if j - 1 < n_bands {
                taps.push((bin, j - 1, 1.0 - w));
            }
        }
        let mut bands: Vec<(usize, Vec<f64>)> = vec![(0, Vec::new()); n_bands];
        for &(bin, band, w) in &taps {
            let (start, ws) = &mut bands[band];
            if ws.is_empty() {
                *start = bin;
            }
            ws.push(w);
        }
        let centres_hz = centres[1..=n_bands].iter().map(|&m| mel_to_hz(m)).collect();
        MelFilterbank {
            n_bands,
            centres_hz,
            bands,
        }
    }

    /// Centre frequency of each band in Hz (where its triangle peaks).
    pub fn centres_hz(&self) -> &[f64] {
        &self.centres_hz
    }

    /// Number of bands.
    pub fn bands(&self) -> usize {
        self.n_bands
    }

    /// Band energies from a power spectrum `P[k] = |X[k]|²`.
    pub fn apply(&self, power: &[f64], out: &mut [f64]) {
        // Each band sums its bins in increasing order (bins are contiguous).
        for (o, (start, ws)) in out.iter_mut().zip(&self.bands) {
            let p = power.get(*start..).unwrap_or(&[]);
            let mut acc = 0.0;
            for (w, x) in ws.iter().zip(p) {
                acc += w * x;
            }
            *o = acc;
        }
    }

    /// [`MelFilterbank::apply`] for four spectra stored lane-major
    /// (`power[k][l]` is bin k of spectrum l), bit-identical to four calls:
    /// each band's four sums run side by side, and two bands at a time, so
    /// eight chains of dependent additions overlap.
    pub fn apply_lanes(&self, power: &[[f64; 4]], out: [&mut [f64]; 4]) {
        return_if_avx!(self.apply_lanes_avx(power, out));
        self.apply_lanes_plain(power, out)
    }

    /// [`MelFilterbank::apply_lanes`] compiled for AVX (four lanes in one register).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx,avx2,fma")]
    unsafe fn apply_lanes_avx(&self, power: &[[f64; 4]], out: [&mut [f64]; 4]) {
        self.apply_lanes_plain(power, out)
    }

    #[inline(always)]
    fn apply_lanes_plain(&self, power: &[[f64; 4]], mut out: [&mut [f64]; 4]) {
        // a band's weights and the bins they meet (fewer where the spectrum ends)
        fn taps<'a>(
            band: &'a (usize, Vec<f64>),
            power: &'a [[f64; 4]],
        ) -> (&'a [f64], &'a [[f64; 4]]) {
            let (start, ws) = band;
            let p = power.get(*start..).unwrap_or(&[]);
            let n = ws.len().min(p.len());
            (&ws[..n], &p[..n])
        }
        let add = |acc: &mut [f64; 4], w: f64, x: &[f64; 4]| {
            for l in 0..4 {
                acc[l] += w * x[l];
            }
        };
        let mut sums = [[0.0f64; 4]; 2];
        for (pair, bands) in self.bands.chunks(2).enumerate() {
            let (wa, pa) = taps(&bands[0], power);
            let (wb, pb) = bands.get(1).map_or((&[][..], &[][..]), |b| taps(b, power));
            let both = wa.len().min(wb.len());
            let [a, b] = &mut sums;
            (*a, *b) = ([0.0; 4], [0.0; 4]);
            for i in 0..both {
                add(a, wa[i], &pa[i]);
                add(b, wb[i], &pb[i]);
            }
            for i in both..wa.len() {
                add(a, wa[i], &pa[i]);
            }
            for i in both..wb.len() {
                add(b, wb[i], &pb[i]);
            }
            for (j, acc) in sums.iter().enumerate().take(bands.len()) {
                for (o, &v) in out.iter_mut().zip(acc) {
                    o[2 * pair + j] = v;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mel_of_700_hz() {
        assert!((hz_to_mel(700.0) - 1127.0 * 2f64.ln()).abs() < 1e-9);
        assert!((mel_to_hz(hz_to_mel(1234.5)) - 1234.5).abs() < 1e-9);
    }

    #[test]
    fn centres_are_evenly_spaced_in_mel() {
        let fb = MelFilterbank::new(4, 0.0, 4000.0, 31.25, 257);
        let step = hz_to_mel(4000.0) / 5.0;
        for (k, &c) in fb.centres_hz().iter().enumerate() {
            assert!((hz_to_mel(c) - (k + 1) as f64 * step).abs() < 1e-9);
        }
    }

    #[test]
    fn each_interior_bin_weights_sum_to_one() {
        let fb = MelFilterbank::new(26, 20.0, 8000.0, 31.25, 257);
        let mut sums = vec![0.0; 257];
        let mut bins_per_band = [0; 26];
        for (band, (start, ws)) in fb.bands.iter().enumerate() {
            for (j, &w) in ws.iter().enumerate() {
                sums[start + j] += w;
                bins_per_band[band] += 1;
                assert!((0.0..=1.0).contains(&w));
            }
        }
        // bins 2..=255 are used; away from the first and last half-triangle the
        // rising and falling slopes add to one.
        assert_eq!(sums[0], 0.0);
        assert_eq!(sums[1], 0.0);
        assert_eq!(sums[256], 0.0);
        for s in &sums[5..220] {
            assert!((s - 1.0).abs() < 1e-12);
        }
        assert!(bins_per_band.iter().all(|&n| n > 0));
    }

    #[test]
    fn single_bin_at_a_centre_feeds_one_band_fully() {
        // Build a bank whose second centre falls exactly on a bin and check the weight.
        let fb = MelFilterbank::new(2, 0.0, 300.0, 100.0, 4);
        // centres in mel at 0, m(300)/3, 2m(300)/3, m(300); bins 1 and 2 used.
        let mut out = [0.0; 2];
        fb.apply(&[0.0, 1.0, 0.0, 0.0], &mut out);
        let c1 = hz_to_mel(300.0) / 3.0;
        let m = hz_to_mel(100.0);
        // bin 1 lies between centre 0 and 1 (m < c1?) or 1 and 2
        if m <= c1 {
            assert!((out[0] - m / c1).abs() < 1e-12);
        } else {
            let c2 = 2.0 * c1;
            assert!((out[0] - (c2 - m) / (c2 - c1)).abs() < 1e-12);
        }
    }

    #[test]
    fn four_spectra_at_once_are_bit_identical() {
        let fb = MelFilterbank::new(26, 20.0, 8000.0, 31.25, 257);
        let spectra: Vec<Vec<f64>> = (0..4)
            .map(|l| {
                (0..257)
                    .map(|k| ((k * (l + 2)) as f64 * 0.37).sin().abs() * 1e3)
                    .collect()
            })
            .collect();
        let mut four = vec![vec![0.0; 26]; 4];
        let [a, b, c, d] = &mut four[..] else {
            unreachable!()
        };
        let interleave = |n: usize| -> Vec<[f64; 4]> {
            (0..n)
                .map(|k| std::array::from_fn(|l| spectra[l][k]))
                .collect()
        };
        let lanes = interleave(257);
        fb.apply_lanes(&lanes, [a, b, c, d]);
        for l in 0..4 {
            let mut one = vec![0.0; 26];
            fb.apply(&spectra[l], &mut one);
            assert!(one
                .iter()
                .zip(&four[l])
                .all(|(p, q)| p.to_bits() == q.to_bits()));
        }
        // an odd number of bands, and a spectrum that ends inside the last ones
        let fb = MelFilterbank::new(7, 20.0, 6500.0, 31.25, 257);
        let short: Vec<&[f64]> = spectra.iter().map(|s| &s[..180]).collect();
        let lanes = interleave(180);
        let mut four = vec![vec![0.0; 7]; 4];
        let [a, b, c, d] = &mut four[..] else {
            unreachable!()
        };
        fb.apply_lanes(&lanes, [a, b, c, d]);
        for l in 0..4 {
            let mut one = vec![0.0; 7];
            fb.apply(short[l], &mut one);
            assert_eq!(
                one.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
                four[l].iter().map(|v| v.to_bits()).collect::<Vec<_>>()
            );
        }
    }
}
