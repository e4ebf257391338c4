//! Re-synthesis of a frame at another rate from its spectrum (an inverse real DFT
//! evaluated on a different time grid), band-limited to avoid aliasing.

use crate::spectrum::Spectrum;
use realfft::num_complex::Complex;
use std::sync::Arc;

/// Evaluates `y[i] = (Re₀ [+ Re_{K/2}·cos(πKi/ν)] + Σ_{k=1}^{kmax/2−1} Re_k·cos(2πki/ν) − Im_k·sin(2πki/ν)) / (K/2)`
/// for i = 0..I, where ν is the period in output samples and `kmax = min(K, I)`
/// rounded down to even (the Nyquist term only when I ≥ K). Tables and
/// accumulation are `f32`, in the order DC, Nyquist, then k ascending with cosine
/// before sine, which reproduces openSMILE's resampled frames to float precision.
#[derive(Debug, Clone)]
pub struct SpectralResampler {
    k_fft: usize,
    n_out: usize,
    half_kmax: usize,
    nyquist: Option<Arc<[f32]>>,
    /// The cosines and sines by blocks of [`BLOCK`] outputs: for each block,
    /// for each k = 1..half_kmax, the block's cosines then its sines (zero past
    /// the last output), so that a block's accumulation streams one stretch
    /// of memory; shared between clones.
    table: Arc<[f32]>,
}

/// Outputs accumulated together (two AVX registers).
const BLOCK: usize = 16;

impl SpectralResampler {
    /// `k_fft`: FFT length K of the input spectrum; `n_out`: output samples I;
    /// `period`: ν, the denominator of the cosine/sine arguments.
    pub fn new(k_fft: usize, n_out: usize, period: f64) -> Self {
        let mut kmax = k_fft.min(n_out);
        kmax -= kmax % 2;
        let half_kmax = kmax / 2;
        let two_pi = 2.0 * std::f64::consts::PI;
        let rows = half_kmax.saturating_sub(1);
        let blocks = n_out.div_ceil(BLOCK);
        let mut table = vec![0.0f32; blocks * rows * 2 * BLOCK];
        for b in 0..blocks {
            for k in 1..half_kmax {
                let at = (b * rows + k - 1) * 2 * BLOCK;
                for j in 0..BLOCK.min(n_out - b * BLOCK) {
                    let i = b * BLOCK + j;
                    let arg = two_pi * (k * i) as f64 / period;
                    table[at + j] = arg.cos() as f32;
                    table[at + BLOCK + j] = arg.sin() as f32;
                }
            }
        }
        let nyquist = (n_out >= k_fft).then(|| {
            (0..n_out)
                .map(|i| (two_pi * ((k_fft / 2) * i) as f64 / period).cos() as f32)
                .collect::<Vec<f32>>()
                .into()
        });
        SpectralResampler {
            k_fft,
            n_out,
            half_kmax,
            nyquist,
            table: table.into(),
        }
    }

    /// Number of output samples.
    pub fn len(&self) -> usize {
        self.n_out
    }

    /// True if no samples are produced.
    pub fn is_empty(&self) -> bool {
        self.n_out == 0
    }

    /// Resamples from FFT bins 0..=K/2 (as from [`crate::spectrum::Spectrum`]).
    pub fn apply(&self, bins: &[Complex<f64>], out: &mut Vec<f32>) {
        let mut outs = [std::mem::take(out)];
        self.apply_frames([bins], &mut outs);
        let [o] = outs;
        *out = o;
    }

    /// [`SpectralResampler::apply`] for four frames at once: each table block is
    /// read once for all four, and every output keeps its own order of
    /// operations, so the results are bit-identical to four `apply` calls.
    pub fn apply_lanes(&self, bins: [&[Complex<f64>]; 4], outs: &mut [Vec<f32>; 4]) {
        self.apply_frames(bins, outs)
    }

    /// [`SpectralResampler::apply_lanes`] on the bins of the last transform
    /// of each of four spectra.
    pub fn apply_last_bins(&self, spectra: &[Spectrum; 4], outs: &mut [Vec<f32>; 4]) {
        let [a, b, c, d] = spectra;
        self.apply_lanes(
            [a.last_bins(), b.last_bins(), c.last_bins(), d.last_bins()],
            outs,
        )
    }

    fn apply_frames<const F: usize>(&self, bins: [&[Complex<f64>]; F], outs: &mut [Vec<f32>; F]) {
        // whole blocks while accumulating; cut to the outputs at the end
        let padded = self.n_out.div_ceil(BLOCK) * BLOCK;
        for (out, b) in outs.iter_mut().zip(bins) {
            out.clear();
            out.resize(padded, b[0].re as f32);
            if let Some(nyq) = &self.nyquist {
                let re = b[self.k_fft / 2].re as f32;
                for (o, &c) in out.iter_mut().zip(nyq.iter()) {
                    *o += re * c;
                }
            }
        }
        let mut coef = vec![[(0.0f32, 0.0f32); F]; self.half_kmax.saturating_sub(1)];
        for (f, b) in bins.iter().enumerate() {
            row_coefficients(&b[1..self.half_kmax.max(1)], &mut coef, f);
        }
        accumulate_blocks(outs, &coef, &self.table);
        let norm = (self.k_fft / 2) as f32;
        // a power of two divides as its reciprocal multiplies (both round the
        // same exact quotient); K is one for every feature set
        let exact_recip = norm.to_bits() & 0x007f_ffff == 0;
        for out in outs.iter_mut() {
            out.truncate(self.n_out);
            if exact_recip {
                let r = 1.0 / norm;
                out.iter_mut().for_each(|o| *o *= r);
            } else {
                out.iter_mut().for_each(|o| *o /= norm);
            }
        }
    }
}

/// One frame's coefficients of a row k: `(Re_k, −Im_k)`.
type Coef = (f32, f32);

/// Frame `f`'s coefficients of rows 1.. from its bins 1.. (`coef[k − 1][f]`
/// from bin k), rounded to `f32`; with AVX two bins per conversion.
fn row_coefficients<const F: usize>(bins: &[Complex<f64>], coef: &mut [[Coef; F]], f: usize) {
    let n = bins.len().min(coef.len());
    let (bins, coef) = (&bins[..n], &mut coef[..n]);
    return_if_avx!(row_coefficients_avx(bins, coef, f));
    for (c, b) in coef.iter_mut().zip(bins) {
        c[f] = coef_of(b);
    }
}

/// A row's coefficient of one frame from its bin: `(Re, −Im)` in `f32`.
fn coef_of(b: &Complex<f64>) -> Coef {
    (b.re as f32, -b.im as f32)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx,avx2,fma")]
unsafe fn row_coefficients_avx<const F: usize>(
    bins: &[Complex<f64>],
    coef: &mut [[Coef; F]],
    f: usize,
) {
    use std::arch::x86_64::*;
    assert!(coef.len() == bins.len() && f < F);
    // the sign of every imaginary part flipped (negation is exact)
    let flip = _mm_castsi128_ps(_mm_setr_epi32(0, i32::MIN, 0, i32::MIN));
    let pairs = bins.len() / 2;
    for p in 0..pairs {
        // (re, im) of bins 2p and 2p + 1, rounded to f32 as `as f32` does
        let v = _mm256_loadu_pd(bins.as_ptr().add(2 * p).cast::<f64>());
        let c = _mm_castps_pd(_mm_xor_ps(_mm256_cvtpd_ps(v), flip));
        // one pair each (8 bytes; no alignment needed)
        _mm_storel_pd(coef[2 * p].as_mut_ptr().add(f).cast::<f64>(), c);
        _mm_storeh_pd(coef[2 * p + 1].as_mut_ptr().add(f).cast::<f64>(), c);
    }
    for k in 2 * pairs..bins.len() {
        coef[k][f] = coef_of(&bins[k]);
    }
}

/// `out_f[i] += Re_f,k·cos(2πki/ν); out_f[i] += −Im_f,k·sin(2πki/ν)` for the
/// rows k in order (`coef[k − 1]`): two roundings per term, no fused
/// multiply-add, so every instruction set gives the same bits, and every
/// output the single-frame order of operations. `outs` hold whole blocks.
fn accumulate_blocks<const F: usize>(outs: &mut [Vec<f32>; F], coef: &[[Coef; F]], table: &[f32]) {
    let blocks = outs[0].len() / BLOCK;
    assert!(table.len() >= blocks * coef.len() * 2 * BLOCK);
    assert!(outs.iter().all(|o| o.len() >= blocks * BLOCK));
    // Every output holds `blocks` whole blocks and the table all their rows
    // (asserted above), as the AVX build reads and writes.
    return_if_avx!(accumulate_blocks_avx(outs, coef, table, blocks));
    accumulate_blocks_plain(outs, coef, table, blocks)
}

fn accumulate_blocks_plain<const F: usize>(
    outs: &mut [Vec<f32>; F],
    coef: &[[Coef; F]],
    table: &[f32],
    blocks: usize,
) {
    for b in 0..blocks {
        for (k, row) in coef.iter().enumerate() {
            let t = &table[(b * coef.len() + k) * 2 * BLOCK..][..2 * BLOCK];
            let (c, s) = t.split_at(BLOCK);
            for (out, &(re, a)) in outs.iter_mut().zip(row) {
                for (j, o) in out[b * BLOCK..][..BLOCK].iter_mut().enumerate() {
                    *o += re * c[j];
                    *o += a * s[j];
                }
            }
        }
    }
}

/// A block of sixteen outputs of every frame is held in registers while the
/// rows pass (no output is loaded or stored per row); each output gets
/// `+ re·c` then `+ a·s` row by row, as the portable loop.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx,avx2,fma")]
unsafe fn accumulate_blocks_avx<const F: usize>(
    outs: &mut [Vec<f32>; F],
    coef: &[[Coef; F]],
    table: &[f32],
    blocks: usize,
) {
    use std::arch::x86_64::*;
    let ptr: [*mut f32; F] = std::array::from_fn(|f| outs[f].as_mut_ptr());
    let mut t = table.as_ptr();
    for b in 0..blocks {
        let i = b * BLOCK;
        let mut acc: [[__m256; 2]; F] = std::array::from_fn(|f| {
            [
                _mm256_loadu_ps(ptr[f].add(i)),
                _mm256_loadu_ps(ptr[f].add(i + 8)),
            ]
        });
        for row in coef {
            let (c0, c1) = (_mm256_loadu_ps(t), _mm256_loadu_ps(t.add(8)));
            let (s0, s1) = (_mm256_loadu_ps(t.add(16)), _mm256_loadu_ps(t.add(24)));
            t = t.add(2 * BLOCK);
            for (a, &(re, im)) in acc.iter_mut().zip(row) {
                let (re, im) = (_mm256_set1_ps(re), _mm256_set1_ps(im));
                a[0] = _mm256_add_ps(a[0], _mm256_mul_ps(re, c0));
                a[0] = _mm256_add_ps(a[0], _mm256_mul_ps(im, s0));
                a[1] = _mm256_add_ps(a[1], _mm256_mul_ps(re, c1));
                a[1] = _mm256_add_ps(a[1], _mm256_mul_ps(im, s1));
            }
        }
        for (f, a) in acc.iter().enumerate() {
            _mm256_storeu_ps(ptr[f].add(i), a[0]);
            _mm256_storeu_ps(ptr[f].add(i + 8), a[1]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_when_grid_is_unchanged_and_band_limited() {
        // A low-frequency cosine over K samples, resampled onto the same K-point grid.
        let k = 64;
        let x: Vec<f32> = (0..k)
            .map(|n| (2.0 * std::f64::consts::PI * 3.0 * n as f64 / k as f64).cos() as f32 + 0.25)
            .collect();
        let mut s = Spectrum::new(k, k, false);
        let bins = s.transform(&x).to_vec();
        let r = SpectralResampler::new(k, k, k as f64);
        let mut y = Vec::new();
        r.apply(&bins, &mut y);
        // The DC term is not halved, so y = x + mean(x).
        for (a, b) in x.iter().zip(&y) {
            assert!((a + 0.25 - b).abs() < 1e-5, "{a} {b}");
        }
    }

    #[test]
    fn four_frames_at_once_are_bit_identical() {
        let k = 512;
        let r = SpectralResampler::new(k, 275, 352.0);
        let mut s = Spectrum::new(k, 400, true);
        let bins: Vec<Vec<Complex<f64>>> = (0..4)
            .map(|f| {
                let x: Vec<f32> = (0..400)
                    .map(|n| ((n * (f + 3)) as f32 * 0.01).sin() * 0.3)
                    .collect();
                s.transform(&x).to_vec()
            })
            .collect();
        let mut single = Vec::new();
        let mut lanes: [Vec<f32>; 4] = Default::default();
        r.apply_lanes([&bins[0], &bins[1], &bins[2], &bins[3]], &mut lanes);
        for f in 0..4 {
            r.apply(&bins[f], &mut single);
            assert_eq!(
                single.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
                lanes[f].iter().map(|v| v.to_bits()).collect::<Vec<_>>()
            );
        }
    }

    /// The definition in the order the type promises: DC, Nyquist, then k
    /// ascending with cosine before sine, all in `f32`, then the scaling.
    fn resample_by_definition(
        bins: &[Complex<f64>],
        k_fft: usize,
        n_out: usize,
        period: f64,
    ) -> Vec<f32> {
        let mut kmax = k_fft.min(n_out);
        kmax -= kmax % 2;
        let two_pi = 2.0 * std::f64::consts::PI;
        (0..n_out)
            .map(|i| {
                let mut o = bins[0].re as f32;
                if n_out >= k_fft {
                    let c = (two_pi * ((k_fft / 2) * i) as f64 / period).cos() as f32;
                    o += bins[k_fft / 2].re as f32 * c;
                }
                for k in 1..kmax / 2 {
                    let arg = two_pi * (k * i) as f64 / period;
                    o += bins[k].re as f32 * arg.cos() as f32;
                    o += -bins[k].im as f32 * arg.sin() as f32;
                }
                o / (k_fft / 2) as f32
            })
            .collect()
    }

    #[test]
    fn blocks_plain_and_vector_follow_the_definition_to_the_bit() {
        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        // IS10's 275 outputs from K = 512, a grid with the Nyquist term, and
        // outputs fewer than a block
        for (k, n_out, period) in [(512, 275, 352.0), (64, 70, 70.0), (32, 5, 7.5)] {
            let mut s = Spectrum::new(k, k, false);
            let bins: Vec<Vec<Complex<f64>>> = (0..4)
                .map(|f| {
                    let x: Vec<f32> = (0..k)
                        .map(|n| ((n * (f + 2)) as f32 * 0.037).cos() * 0.4)
                        .collect();
                    s.transform(&x).to_vec()
                })
                .collect();
            let r = SpectralResampler::new(k, n_out, period);
            let mut lanes: [Vec<f32>; 4] = Default::default();
            r.apply_lanes([&bins[0], &bins[1], &bins[2], &bins[3]], &mut lanes);
            for f in 0..4 {
                let want = resample_by_definition(&bins[f], k, n_out, period);
                assert_eq!(bits(&lanes[f]), bits(&want), "{k} {n_out} frame {f}");
            }
            // the portable loop gives the same accumulation as the AVX one
            let padded = n_out.div_ceil(BLOCK) * BLOCK;
            let coef: Vec<[Coef; 4]> = (1..r.half_kmax)
                .map(|kk| std::array::from_fn(|f| (bins[f][kk].re as f32, -bins[f][kk].im as f32)))
                .collect();
            let start: [Vec<f32>; 4] = std::array::from_fn(|f| vec![0.1 * f as f32; padded]);
            let (mut a, mut b) = (start.clone(), start);
            accumulate_blocks(&mut a, &coef, &r.table);
            accumulate_blocks_plain(&mut b, &coef, &r.table, padded / BLOCK);
            for f in 0..4 {
                assert_eq!(bits(&a[f]), bits(&b[f]));
            }
        }
    }

    #[test]
    fn row_coefficients_are_the_rounded_bins() {
        for n in 0..8usize {
            let bins: Vec<Complex<f64>> = (0..n)
                .map(|k| Complex::new(0.1 + k as f64 / 3.0, -0.7 * k as f64 + 1e-9))
                .collect();
            let mut coef = vec![[(9.0f32, 9.0f32); 4]; n];
            row_coefficients(&bins, &mut coef, 2);
            for (c, b) in coef.iter().zip(&bins) {
                let want = (b.re as f32, -b.im as f32);
                assert_eq!(
                    (c[2].0.to_bits(), c[2].1.to_bits()),
                    (want.0.to_bits(), want.1.to_bits())
                );
                assert_eq!(c[1], (9.0, 9.0), "other frames untouched");
            }
        }
    }

    #[test]
    fn halving_the_rate_keeps_the_waveform() {
        let k = 64;
        let f = 2.0;
        let x: Vec<f32> = (0..k)
            .map(|n| (2.0 * std::f64::consts::PI * f * n as f64 / k as f64).sin() as f32)
            .collect();
        let mut s = Spectrum::new(k, k, false);
        let bins = s.transform(&x).to_vec();
        let r = SpectralResampler::new(k, 32, 32.0);
        let mut y = Vec::new();
        r.apply(&bins, &mut y);
        for (i, v) in y.iter().enumerate() {
            let expect = (2.0 * std::f64::consts::PI * f * i as f64 / 32.0).sin();
            assert!((f64::from(*v) - expect).abs() < 1e-5);
        }
    }
}
