//! Real FFT of a zero-padded frame: complex bins and magnitudes.

use realfft::num_complex::Complex;
use realfft::{RealFftPlanner, RealToComplex};
use std::sync::Arc;

/// A reusable forward real FFT of length K for frames of N ≤ K samples, in
/// double (`Spectrum`) or single precision (`MagnitudeSpectrum`, as openSMILE's
/// own FFT: twice as fast where only magnitudes are needed).
#[derive(Clone)]
pub struct RealSpectrum<T: realfft::FftNum> {
    fft: Arc<dyn RealToComplex<T>>,
    input: Vec<T>,
    output: Vec<Complex<T>>,
    scratch: Vec<Complex<T>>,
    offset: usize,
}

/// Double-precision spectrum (complex bins and magnitudes).
pub type Spectrum = RealSpectrum<f64>;
/// Single-precision spectrum, used for magnitudes.
pub type MagnitudeSpectrum = RealSpectrum<f32>;

impl<T: realfft::FftNum + From<f32> + Into<f64>> RealSpectrum<T> {
    /// `symmetric_padding`: place the frame in the middle of the buffer
    /// (`floor((K−N)/2)` zeros first) instead of at its start. The magnitude does not
    /// depend on it; the phase does.
    pub fn new(fft_len: usize, frame_len: usize, symmetric_padding: bool) -> Self {
        let fft = RealFftPlanner::<T>::new().plan_fft_forward(fft_len);
        RealSpectrum {
            input: fft.make_input_vec(),
            output: fft.make_output_vec(),
            scratch: fft.make_scratch_vec(),
            offset: if symmetric_padding {
                (fft_len - frame_len.min(fft_len)) / 2
            } else {
                0
            },
            fft,
        }
    }

    /// Number of bins K/2+1.
    pub fn bins(&self) -> usize {
        self.output.len()
    }

    /// Transforms a frame; returns bins 0..=K/2 (unnormalised, `X[k] = Σ x[n]e^{−2πikn/K}`).
    pub fn transform(&mut self, frame: &[f32]) -> &[Complex<T>] {
        let end = self.offset + frame.len().min(self.input.len() - self.offset);
        let zero = T::from(0.0);
        self.input[..self.offset].fill(zero);
        self.input[end..].fill(zero);
        for (dst, &x) in self.input[self.offset..end].iter_mut().zip(frame) {
            *dst = T::from(x);
        }
        // Lengths are fixed at construction, so the transform cannot fail.
        let _ = self
            .fft
            .process_with_scratch(&mut self.input, &mut self.output, &mut self.scratch);
        &self.output
    }

    /// Magnitudes `|X[k]|`, k = 0..=K/2 (computed in double), rounded to `f32`.
    pub fn magnitude(&mut self, frame: &[f32], out: &mut Vec<f32>) {
        let bins = self.transform(frame);
        magnitudes(bins, out);
    }
}

/// `|X[k]|` computed in double and rounded to `f32`; with AVX where the
/// processor has it (the same operations, 4 lanes wide).
pub fn magnitudes<T: Copy + Into<f64>>(bins: &[Complex<T>], out: &mut Vec<f32>) {
    out.clear();
    out.resize(bins.len(), 0.0);
    return_if_avx!(magnitudes_avx(bins, out));
    magnitudes_plain(bins, out)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx")]
unsafe fn magnitudes_avx<T: Copy + Into<f64>>(bins: &[Complex<T>], out: &mut [f32]) {
    magnitudes_plain(bins, out)
}

#[inline(always)]
fn magnitudes_plain<T: Copy + Into<f64>>(bins: &[Complex<T>], out: &mut [f32]) {
    for (o, c) in out.iter_mut().zip(bins) {
        let (re, im): (f64, f64) = (c.re.into(), c.im.into());
        *o = (re * re + im * im).sqrt() as f32;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cosine_lands_in_its_bin() {
        let k = 16;
        let frame: Vec<f32> = (0..k)
            .map(|n| (2.0 * std::f64::consts::PI * 3.0 * n as f64 / k as f64).cos() as f32)
            .collect();
        let mut s = Spectrum::new(k, k, false);
        let mut mag = Vec::new();
        s.magnitude(&frame, &mut mag);
        assert_eq!(mag.len(), 9);
        assert!((mag[3] - 8.0).abs() < 1e-5); // N/2 for a unit cosine
        assert!(mag[2].abs() < 1e-5 && mag[4].abs() < 1e-5);
    }

    #[test]
    fn single_precision_magnitudes_agree() {
        let frame: Vec<f32> = (0..960)
            .map(|n| ((n * n) as f32 * 0.001).sin() * 0.4)
            .collect();
        let (mut a, mut b) = (
            Spectrum::new(1024, 960, true),
            MagnitudeSpectrum::new(1024, 960, true),
        );
        let (mut ma, mut mb) = (Vec::new(), Vec::new());
        a.magnitude(&frame, &mut ma);
        b.magnitude(&frame, &mut mb);
        let peak = ma.iter().fold(0.0f32, |m, v| m.max(*v));
        for (x, y) in ma.iter().zip(&mb) {
            assert!((x - y).abs() <= 1e-5 * peak);
        }
    }

    #[test]
    fn padding_position_keeps_magnitude() {
        let frame = [1.0f32, -2.0, 0.5];
        let mut a = Spectrum::new(8, 3, false);
        let mut b = Spectrum::new(8, 3, true);
        let (mut ma, mut mb) = (Vec::new(), Vec::new());
        a.magnitude(&frame, &mut ma);
        b.magnitude(&frame, &mut mb);
        for (x, y) in ma.iter().zip(&mb) {
            assert!((x - y).abs() < 1e-6);
        }
        // DC = sum of samples
        assert!((ma[0] - 0.5).abs() < 1e-7);
    }

    #[test]
    fn the_avx_and_plain_magnitudes_agree_to_the_bit() {
        let frame: Vec<f32> = (0..400)
            .map(|n| ((n * 7) as f32 * 0.013).cos() * 0.7)
            .collect();
        let mut s = Spectrum::new(512, 400, false);
        let bins = s.transform(&frame).to_vec();
        let mut a = Vec::new();
        magnitudes(&bins, &mut a);
        let mut b = vec![0.0; bins.len()];
        magnitudes_plain(&bins, &mut b);
        assert!(a.iter().zip(&b).all(|(p, q)| p.to_bits() == q.to_bits()));
    }
}
