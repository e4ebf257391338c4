//! Real FFT of a zero-padded frame: complex bins and magnitudes.

use realfft::num_complex::Complex;
use realfft::{RealFftPlanner, RealToComplex};
use std::sync::Arc;

/// A reusable forward real FFT of length K for frames of N ≤ K samples.
#[derive(Clone)]
pub struct Spectrum {
    fft: Arc<dyn RealToComplex<f64>>,
    input: Vec<f64>,
    output: Vec<Complex<f64>>,
    scratch: Vec<Complex<f64>>,
    offset: usize,
}

impl Spectrum {
    /// `symmetric_padding`: place the frame in the middle of the buffer
    /// (`floor((K−N)/2)` zeros first) instead of at its start. The magnitude does not
    /// depend on it; the phase does.
    pub fn new(fft_len: usize, frame_len: usize, symmetric_padding: bool) -> Self {
        let mut planner = RealFftPlanner::<f64>::new();
        let fft = planner.plan_fft_forward(fft_len);
        let input = fft.make_input_vec();
        let output = fft.make_output_vec();
        let scratch = fft.make_scratch_vec();
        let offset = if symmetric_padding {
            (fft_len - frame_len.min(fft_len)) / 2
        } else {
            0
        };
        Spectrum {
            fft,
            input,
            output,
            scratch,
            offset,
        }
    }

    /// Number of bins K/2+1.
    pub fn bins(&self) -> usize {
        self.output.len()
    }

    /// Transforms a frame; returns bins 0..=K/2 (unnormalised, `X[k] = Σ x[n]e^{−2πikn/K}`).
    pub fn transform(&mut self, frame: &[f32]) -> &[Complex<f64>] {
        let end = self.offset + frame.len().min(self.input.len() - self.offset);
        self.input[..self.offset].fill(0.0);
        self.input[end..].fill(0.0);
        for (dst, &x) in self.input[self.offset..end].iter_mut().zip(frame) {
            *dst = f64::from(x);
        }
        // Lengths are fixed at construction, so the transform cannot fail.
        let _ = self
            .fft
            .process_with_scratch(&mut self.input, &mut self.output, &mut self.scratch);
        &self.output
    }

    /// Magnitudes `|X[k]|`, k = 0..=K/2, rounded to `f32`.
    pub fn magnitude(&mut self, frame: &[f32], out: &mut Vec<f32>) {
        let bins = self.transform(frame);
        out.clear();
        out.extend(
            bins.iter()
                .map(|c| (c.re * c.re + c.im * c.im).sqrt() as f32),
        );
    }
}

/// Magnitudes only, from a single-precision FFT (as openSMILE's own FFT is):
/// twice as fast where the phase is not needed.
#[derive(Clone)]
pub struct MagnitudeSpectrum {
    fft: Arc<dyn RealToComplex<f32>>,
    input: Vec<f32>,
    output: Vec<Complex<f32>>,
    scratch: Vec<Complex<f32>>,
    offset: usize,
}

impl MagnitudeSpectrum {
    /// See [`Spectrum::new`].
    pub fn new(fft_len: usize, frame_len: usize, symmetric_padding: bool) -> Self {
        let mut planner = RealFftPlanner::<f32>::new();
        let fft = planner.plan_fft_forward(fft_len);
        MagnitudeSpectrum {
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

    /// Magnitudes `|X[k]|`, k = 0..=K/2.
    pub fn magnitude(&mut self, frame: &[f32], out: &mut Vec<f32>) {
        let end = self.offset + frame.len().min(self.input.len() - self.offset);
        self.input[..self.offset].fill(0.0);
        self.input[end..].fill(0.0);
        self.input[self.offset..end].copy_from_slice(&frame[..end - self.offset]);
        // Lengths are fixed at construction, so the transform cannot fail.
        let _ = self
            .fft
            .process_with_scratch(&mut self.input, &mut self.output, &mut self.scratch);
        out.clear();
        out.extend(self.output.iter().map(|c| {
            let (re, im) = (f64::from(c.re), f64::from(c.im));
            (re * re + im * im).sqrt() as f32
        }));
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
}
