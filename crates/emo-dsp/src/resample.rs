//! Re-synthesis of a frame at another rate from its spectrum (an inverse real DFT
//! evaluated on a different time grid), band-limited to avoid aliasing.

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
    /// Row-major by k (k = 1..half_kmax), then i; shared between clones.
    cos: Arc<[f32]>,
    sin: Arc<[f32]>,
}

impl SpectralResampler {
    /// `k_fft`: FFT length K of the input spectrum; `n_out`: output samples I;
    /// `period`: ν, the denominator of the cosine/sine arguments.
    pub fn new(k_fft: usize, n_out: usize, period: f64) -> Self {
        let mut kmax = k_fft.min(n_out);
        kmax -= kmax % 2;
        let half_kmax = kmax / 2;
        let two_pi = 2.0 * std::f64::consts::PI;
        let rows = half_kmax.saturating_sub(1);
        let mut cos = vec![0.0f32; rows * n_out];
        let mut sin = vec![0.0f32; rows * n_out];
        for k in 1..half_kmax {
            for i in 0..n_out {
                let arg = two_pi * (k * i) as f64 / period;
                cos[(k - 1) * n_out + i] = arg.cos() as f32;
                sin[(k - 1) * n_out + i] = arg.sin() as f32;
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
            cos: cos.into(),
            sin: sin.into(),
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
        out.clear();
        out.resize(self.n_out, bins[0].re as f32);
        if let Some(nyq) = &self.nyquist {
            let re = bins[self.k_fft / 2].re as f32;
            for (o, &c) in out.iter_mut().zip(nyq.iter()) {
                *o += re * c;
            }
        }
        // Loop over k outside so each output keeps its own sequential order
        // while the inner loop vectorises.
        for k in 1..self.half_kmax {
            let re = bins[k].re as f32;
            let a = -bins[k].im as f32;
            let c = &self.cos[(k - 1) * self.n_out..k * self.n_out];
            let s = &self.sin[(k - 1) * self.n_out..k * self.n_out];
            accumulate(out, re, c, a, s);
        }
        let norm = (self.k_fft / 2) as f32;
        for o in out.iter_mut() {
            *o /= norm;
        }
    }
}

/// `out[i] += re·c[i]; out[i] += a·s[i]` — two roundings per term, no fused
/// multiply-add, so every instruction set gives the same bits.
fn accumulate(out: &mut [f32], re: f32, c: &[f32], a: f32, s: &[f32]) {
    return_if_avx!(accumulate_avx(out, re, c, a, s));
    accumulate_plain(out, re, c, a, s);
}

#[inline(always)]
fn accumulate_plain(out: &mut [f32], re: f32, c: &[f32], a: f32, s: &[f32]) {
    for ((o, &cv), &sv) in out.iter_mut().zip(c).zip(s) {
        *o += re * cv;
        *o += a * sv;
    }
}

/// The same loop compiled for 8-wide AVX (AVX has no FMA, so results are identical).
/// One frame's coefficients for [`SpectralResampler::apply_lanes`].
type Coef = (f32, f32);

impl SpectralResampler {
    /// [`SpectralResampler::apply`] for four frames at once: each table row is
    /// read once for all four, and every output keeps its own order of
    /// operations, so the results are bit-identical to four `apply` calls.
    pub fn apply_lanes(&self, bins: [&[Complex<f64>]; 4], outs: &mut [Vec<f32>; 4]) {
        for (out, b) in outs.iter_mut().zip(bins) {
            out.clear();
            out.resize(self.n_out, b[0].re as f32);
            if let Some(nyq) = &self.nyquist {
                let re = b[self.k_fft / 2].re as f32;
                for (o, &c) in out.iter_mut().zip(nyq.iter()) {
                    *o += re * c;
                }
            }
        }
        let n = self.n_out;
        for k in 1..self.half_kmax {
            let coef: [Coef; 4] =
                std::array::from_fn(|f| (bins[f][k].re as f32, -bins[f][k].im as f32));
            let c = &self.cos[(k - 1) * n..k * n];
            let s = &self.sin[(k - 1) * n..k * n];
            accumulate_lanes(outs, coef, c, s);
        }
        let norm = (self.k_fft / 2) as f32;
        for out in outs.iter_mut() {
            for o in out.iter_mut() {
                *o /= norm;
            }
        }
    }
}

fn accumulate_lanes(outs: &mut [Vec<f32>; 4], coef: [Coef; 4], c: &[f32], s: &[f32]) {
    let n = c.len().min(s.len());
    assert!(outs.iter().all(|o| o.len() >= n));
    // Every output holds at least n values (asserted above), as the AVX build writes.
    return_if_avx!(accumulate_lanes_avx(outs, coef, &c[..n], &s[..n]));
    for (out, &(re, a)) in outs.iter_mut().zip(&coef) {
        for i in 0..n {
            out[i] += re * c[i];
            out[i] += a * s[i];
        }
    }
}

/// Eight outputs of four frames per step: the table values are loaded once,
/// each output gets `+ re·c` then `+ a·s` (separate multiply and add, no FMA).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx")]
unsafe fn accumulate_lanes_avx(outs: &mut [Vec<f32>; 4], coef: [Coef; 4], c: &[f32], s: &[f32]) {
    use std::arch::x86_64::*;
    let n = c.len();
    let full = n / 8 * 8;
    let ptr: [*mut f32; 4] = std::array::from_fn(|f| outs[f].as_mut_ptr());
    let re: [__m256; 4] = std::array::from_fn(|f| _mm256_set1_ps(coef[f].0));
    let im: [__m256; 4] = std::array::from_fn(|f| _mm256_set1_ps(coef[f].1));
    let mut i = 0;
    while i < full {
        let cv = _mm256_loadu_ps(c.as_ptr().add(i));
        let sv = _mm256_loadu_ps(s.as_ptr().add(i));
        for f in 0..4 {
            let o = ptr[f].add(i);
            let mut acc = _mm256_loadu_ps(o);
            acc = _mm256_add_ps(acc, _mm256_mul_ps(re[f], cv));
            acc = _mm256_add_ps(acc, _mm256_mul_ps(im[f], sv));
            _mm256_storeu_ps(o, acc);
        }
        i += 8;
    }
    for f in 0..4 {
        for j in full..n {
            let o = ptr[f].add(j);
            *o += coef[f].0 * c[j];
            *o += coef[f].1 * s[j];
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx")]
unsafe fn accumulate_avx(out: &mut [f32], re: f32, c: &[f32], a: f32, s: &[f32]) {
    accumulate_plain(out, re, c, a, s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spectrum::Spectrum;

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
