//! Real FFT of a zero-padded frame: complex bins and magnitudes.

use realfft::num_complex::Complex;
use rustfft::{Fft, FftNum, FftPlanner};
use std::sync::Arc;

/// A reusable forward real FFT of length K for frames of N ≤ K samples, in
/// double (`Spectrum`) or single precision (`MagnitudeSpectrum`, as openSMILE's
/// own FFT: twice as fast where only magnitudes are needed).
///
/// The K real samples are transformed as K/2 complex ones (even samples the
/// real parts, odd ones the imaginary parts) and the bins are split out of
/// that half-length transform ([`split_real_spectrum`]), the textbook method
/// realfft also uses, with the same operations; the split is ours so that it
/// runs in AVX registers, where realfft's loop is scalar (5 % of an IS10 run).
#[derive(Clone)]
pub struct RealSpectrum<T: SpectrumFloat> {
    fft: Arc<dyn Fft<T>>,
    /// `e^{−2πik/K}/2`, k = 1..K/4 (the split's twiddle factors).
    twiddles: Vec<Complex<T>>,
    /// The zero-padded frame as K/2 complex samples.
    input: Vec<Complex<T>>,
    output: Vec<Complex<T>>,
    scratch: Vec<Complex<T>>,
    offset: usize,
}

/// Double-precision spectrum (complex bins and magnitudes).
pub type Spectrum = RealSpectrum<f64>;
/// Single-precision spectrum, used for magnitudes.
pub type MagnitudeSpectrum = RealSpectrum<f32>;

impl<T: SpectrumFloat> RealSpectrum<T> {
    /// `symmetric_padding`: place the frame in the middle of the buffer
    /// (`floor((K−N)/2)` zeros first) instead of at its start. The magnitude does not
    /// depend on it; the phase does. K must be even (every FFT length of the
    /// feature sets is a power of two); an odd K is rounded up.
    pub fn new(fft_len: usize, frame_len: usize, symmetric_padding: bool) -> Self {
        let fft_len = (fft_len + 1) & !1;
        let half = fft_len / 2;
        let fft = FftPlanner::<T>::new().plan_fft_forward(half);
        // the angle in f64, then the cosine and sine rounded to T and halved (exact)
        let half_of = |v: f64| T::from_f64(v).unwrap_or_else(T::zero) * T::from(0.5);
        let twiddles = (1..fft_len.div_ceil(4))
            .map(|k| {
                let angle = -2.0 * std::f64::consts::PI / fft_len as f64 * k as f64;
                Complex::new(half_of(angle.cos()), half_of(angle.sin()))
            })
            .collect();
        let zero = Complex::new(T::zero(), T::zero());
        RealSpectrum {
            input: vec![zero; half],
            output: vec![zero; half + 1],
            scratch: vec![zero; fft.get_outofplace_scratch_len()],
            twiddles,
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

    /// `L` transforms sharing one plan (each with its own buffers), for frames
    /// analysed side by side whose bins must all stay available.
    pub fn lanes<const L: usize>(
        fft_len: usize,
        frame_len: usize,
        symmetric_padding: bool,
    ) -> [Self; L] {
        let one = Self::new(fft_len, frame_len, symmetric_padding);
        std::array::from_fn(|_| one.clone())
    }

    /// Transforms a frame; returns bins 0..=K/2 (unnormalised, `X[k] = Σ x[n]e^{−2πikn/K}`).
    pub fn transform(&mut self, frame: &[f32]) -> &[Complex<T>] {
        self.pack(frame);
        let half = self.input.len();
        self.fft.process_outofplace_with_scratch(
            &mut self.input,
            &mut self.output[..half],
            &mut self.scratch,
        );
        split_real_spectrum(&self.twiddles, &mut self.output);
        &self.output
    }

    /// The frame, zero-padded, as the half-length complex input.
    fn pack(&mut self, frame: &[f32]) {
        return_if_avx!(self.pack_avx(frame));
        self.pack_plain(frame)
    }

    /// [`RealSpectrum::pack`] compiled for AVX (the same conversions and
    /// copies, wider).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx,avx2,fma")]
    unsafe fn pack_avx(&mut self, frame: &[f32]) {
        self.pack_plain(frame)
    }

    #[inline(always)]
    fn pack_plain(&mut self, frame: &[f32]) {
        let k = 2 * self.input.len();
        let frame = &frame[..frame.len().min(k - self.offset)];
        let zero = T::from(0.0);
        // sample j of the padded frame is the real (even j) or imaginary (odd j)
        // part of input[j/2]; the transform leaves its input as scratch, so
        // every element is written: the padding's with zeros
        let (mut at, mut rest) = (self.offset, frame);
        self.input[..at / 2].fill(Complex::new(zero, zero));
        if at % 2 == 1 {
            if let Some((&x, tail)) = rest.split_first() {
                self.input[at / 2] = Complex::new(zero, T::from(x));
                (at, rest) = (at + 1, tail);
            }
        }
        let pairs = rest.chunks_exact(2);
        let last = pairs.remainder();
        let mut end = at / 2 + pairs.len();
        for (c, p) in self.input[at / 2..].iter_mut().zip(pairs) {
            *c = Complex::new(T::from(p[0]), T::from(p[1]));
        }
        if let [x] = last {
            self.input[end] = Complex::new(T::from(*x), zero);
            end += 1;
        }
        self.input[end..].fill(Complex::new(zero, zero));
    }

    /// The bins of the last [`RealSpectrum::transform`] (zeros before the first).
    pub fn last_bins(&self) -> &[Complex<T>] {
        &self.output
    }

    /// Magnitudes `|X[k]|`, k = 0..=K/2 (computed in double), rounded to `f32`.
    pub fn magnitude(&mut self, frame: &[f32], out: &mut Vec<f32>) {
        let bins = self.transform(frame);
        magnitudes(bins, out);
    }
}

/// The sample types of [`RealSpectrum`]: `f32` and `f64`, each with its own
/// AVX form of [`split_real_spectrum`].
pub trait SpectrumFloat: FftNum + From<f32> + Into<f64> {
    /// [`split_real_spectrum`] in this precision.
    fn split(twiddles: &[Complex<Self>], out: &mut [Complex<Self>]);
}

impl SpectrumFloat for f32 {
    fn split(twiddles: &[Complex<f32>], out: &mut [Complex<f32>]) {
        return_if_avx!(split_avx::f32x8(twiddles, out));
        split_real_spectrum_plain(twiddles, out, 0)
    }
}

impl SpectrumFloat for f64 {
    fn split(twiddles: &[Complex<f64>], out: &mut [Complex<f64>]) {
        return_if_avx!(split_avx::f64x4(twiddles, out));
        split_real_spectrum_plain(twiddles, out, 0)
    }
}

/// Turns `out[0..K/2]`, the K/2-point transform Z of a real signal's even
/// (real part) and odd (imaginary part) samples, into its bins X[0..=K/2]:
/// with `E = (Z[k] + conj Z[K/2−k])/2` and `O = (Z[k] − conj Z[K/2−k])/2i`,
/// `X[k] = E + e^{−2πik/K}·O` and `X[K/2−k] = conj(E − e^{−2πik/K}·O)`, both
/// from the same pair. `twiddles` are `e^{−2πik/K}/2`, k = 1..K/4. With AVX
/// where the processor has it: the same operations, so the same bits.
pub fn split_real_spectrum<T: SpectrumFloat>(twiddles: &[Complex<T>], out: &mut [Complex<T>]) {
    T::split(twiddles, out)
}

/// The split of pairs `from..` (the AVX forms do the pairs before `from`
/// and leave the rest, and the two ends of the spectrum, to this).
fn split_real_spectrum_plain<T: FftNum>(
    twiddles: &[Complex<T>],
    out: &mut [Complex<T>],
    from: usize,
) {
    let bins = out.len();
    if bins < 2 {
        return;
    }
    let zero = T::zero();
    let first = out[0];
    out[0] = Complex::new(first.re + first.im, zero);
    out[bins - 1] = Complex::new(first.re - first.im, zero);
    let (left, right, pairs) = split_halves(twiddles, out);
    let right_len = right.len();
    let half = T::from_f64(0.5).unwrap_or(zero);
    for i in from..pairs {
        let (a, b, w) = (left[i], right[right_len - 1 - i], twiddles[i]);
        let (sum_re, sum_im) = (a.re + b.re, a.im + b.im);
        let (diff_re, diff_im) = (a.re - b.re, a.im - b.im);
        let half_sum_re = half * sum_re;
        let half_diff_im = half * diff_im;
        let odd_re = sum_im * w.re + diff_re * w.im;
        let odd_im = sum_im * w.im - diff_re * w.re;
        left[i] = Complex::new(half_sum_re + odd_re, half_diff_im + odd_im);
        right[right_len - 1 - i] = Complex::new(half_sum_re - odd_re, odd_im - half_diff_im);
    }
    if bins % 2 == 1 {
        out[bins / 2].im = -out[bins / 2].im;
    }
}

/// Bins 1..K/4 (`left`), bins K/4..K/2 (`right`, read backwards: pair i is
/// `left[i]` with `right[right.len() − 1 − i]`), and the number of pairs.
fn split_halves<'a, T>(
    twiddles: &[Complex<T>],
    out: &'a mut [Complex<T>],
) -> (&'a mut [Complex<T>], &'a mut [Complex<T>], usize) {
    let bins = out.len();
    let (left, right) = out.split_at_mut(bins / 2);
    let right_len = right.len() - 1;
    let (left, right) = (&mut left[1..], &mut right[..right_len]);
    let pairs = twiddles.len().min(left.len()).min(right.len());
    (left, right, pairs)
}

/// The pairs of [`split_real_spectrum`] four (f32) or two (f64) at a time.
/// Each lane does the plain loop's operations in its order: the odd part
/// `(s·w.re + d·w.im, s·w.im − d·w.re)` is one add-subtract of
/// `s·(w.re, w.im)` and `d·(−w.im, −w.re)` (`x − (−y)` is `x + y` exactly).
#[cfg(target_arch = "x86_64")]
mod split_avx {
    use super::{split_halves, split_real_spectrum_plain, Complex};
    use std::arch::x86_64::*;

    #[target_feature(enable = "avx,avx2,fma")]
    pub(super) unsafe fn f32x8(twiddles: &[Complex<f32>], out: &mut [Complex<f32>]) {
        if out.len() < 2 {
            return;
        }
        let (left, right, pairs) = split_halves(twiddles, out);
        let right_len = right.len();
        let done = pairs / 4 * 4;
        let half = _mm256_set1_ps(0.5);
        let sign = _mm256_set1_ps(-0.0);
        // [c0, c1, c2, c3] <-> [c3, c2, c1, c0], complex numbers as pairs of lanes
        let reverse = |x: __m256| _mm256_permute_ps(_mm256_permute2f128_ps(x, x, 1), 0b01_00_11_10);
        for i in (0..done).step_by(4) {
            let (lp, rp, wp) = (
                left[i..i + 4].as_mut_ptr().cast::<f32>(),
                right[right_len - 4 - i..right_len - i]
                    .as_mut_ptr()
                    .cast::<f32>(),
                twiddles[i..i + 4].as_ptr().cast::<f32>(),
            );
            let a = _mm256_loadu_ps(lp);
            let b = reverse(_mm256_loadu_ps(rp));
            let w = _mm256_loadu_ps(wp);
            let sum = _mm256_add_ps(a, b);
            let diff = _mm256_sub_ps(a, b);
            let w_neg_swapped = _mm256_xor_ps(_mm256_permute_ps(w, 0b10_11_00_01), sign);
            let odd = _mm256_addsub_ps(
                _mm256_mul_ps(_mm256_movehdup_ps(sum), w),
                _mm256_mul_ps(_mm256_moveldup_ps(diff), w_neg_swapped),
            );
            // (sum.re/2, diff.im/2)
            let h = _mm256_blend_ps(
                _mm256_mul_ps(half, sum),
                _mm256_mul_ps(half, diff),
                0b1010_1010,
            );
            _mm256_storeu_ps(lp, _mm256_add_ps(h, odd));
            let r = _mm256_sub_ps(
                _mm256_blend_ps(h, odd, 0b1010_1010),
                _mm256_blend_ps(odd, h, 0b1010_1010),
            );
            _mm256_storeu_ps(rp, reverse(r));
        }
        split_real_spectrum_plain(twiddles, out, done)
    }

    #[target_feature(enable = "avx,avx2,fma")]
    pub(super) unsafe fn f64x4(twiddles: &[Complex<f64>], out: &mut [Complex<f64>]) {
        if out.len() < 2 {
            return;
        }
        let (left, right, pairs) = split_halves(twiddles, out);
        let right_len = right.len();
        let done = pairs / 2 * 2;
        let half = _mm256_set1_pd(0.5);
        let sign = _mm256_set1_pd(-0.0);
        let reverse = |x: __m256d| _mm256_permute2f128_pd(x, x, 1);
        for i in (0..done).step_by(2) {
            let (lp, rp, wp) = (
                left[i..i + 2].as_mut_ptr().cast::<f64>(),
                right[right_len - 2 - i..right_len - i]
                    .as_mut_ptr()
                    .cast::<f64>(),
                twiddles[i..i + 2].as_ptr().cast::<f64>(),
            );
            let a = _mm256_loadu_pd(lp);
            let b = reverse(_mm256_loadu_pd(rp));
            let w = _mm256_loadu_pd(wp);
            let sum = _mm256_add_pd(a, b);
            let diff = _mm256_sub_pd(a, b);
            let w_neg_swapped = _mm256_xor_pd(_mm256_permute_pd(w, 0b0101), sign);
            let odd = _mm256_addsub_pd(
                _mm256_mul_pd(_mm256_permute_pd(sum, 0b1111), w),
                _mm256_mul_pd(_mm256_movedup_pd(diff), w_neg_swapped),
            );
            let h = _mm256_blend_pd(_mm256_mul_pd(half, sum), _mm256_mul_pd(half, diff), 0b1010);
            _mm256_storeu_pd(lp, _mm256_add_pd(h, odd));
            let r = _mm256_sub_pd(
                _mm256_blend_pd(h, odd, 0b1010),
                _mm256_blend_pd(odd, h, 0b1010),
            );
            _mm256_storeu_pd(rp, reverse(r));
        }
        split_real_spectrum_plain(twiddles, out, done)
    }
}

/// `|X[k]|` computed in double and rounded to `f32`; with AVX where the
/// processor has it (the same operations, 4 lanes wide).
pub fn magnitudes<T: Copy + Into<f64>>(bins: &[Complex<T>], out: &mut Vec<f32>) {
    // every value is written below: only a change of length fills
    out.resize(bins.len(), 0.0);
    return_if_avx!(magnitudes_avx(bins, out));
    magnitudes_plain(bins, out)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx,avx2,fma")]
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
    fn packing_builds_agree() {
        // odd and even frame lengths and paddings; f32 and f64 inputs
        for (k, n, symmetric) in [
            (16, 11, true),
            (16, 16, false),
            (1024, 960, true),
            (512, 399, false),
        ] {
            let frame: Vec<f32> = (0..n).map(|i| (i as f32 * 0.31).cos() - 0.2).collect();
            let (mut a, mut b) = (
                Spectrum::new(k, n, symmetric),
                Spectrum::new(k, n, symmetric),
            );
            a.pack(&frame);
            b.pack_plain(&frame);
            assert_eq!(a.input, b.input, "K = {k}, n = {n}");
            let (mut a, mut b) = (
                MagnitudeSpectrum::new(k, n, symmetric),
                MagnitudeSpectrum::new(k, n, symmetric),
            );
            a.pack(&frame);
            b.pack_plain(&frame);
            assert_eq!(a.input, b.input, "K = {k}, n = {n}");
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

    /// realfft's forward transform, which ours reimplements (it splits the
    /// half-length transform in AVX registers, where realfft's loop is scalar).
    fn realfft_bins<T: SpectrumFloat>(padded: &[f32]) -> Vec<Complex<T>> {
        let fft = realfft::RealFftPlanner::<T>::new().plan_fft_forward(padded.len());
        let mut input: Vec<T> = padded.iter().map(|&x| T::from(x)).collect();
        let mut out = fft.make_output_vec();
        fft.process(&mut input, &mut out).unwrap_or(());
        out
    }

    fn bits<T: Into<f64> + Copy>(v: &[Complex<T>]) -> Vec<(u64, u64)> {
        v.iter()
            .map(|c| (c.re.into().to_bits(), c.im.into().to_bits()))
            .collect()
    }

    #[test]
    fn bins_are_realfft_s_to_the_bit() {
        // FFT lengths of the feature sets and small ones, frames placed at
        // even and odd offsets
        for (k, n, symmetric) in [
            (1024, 960, true),
            (512, 400, false),
            (512, 401, true),
            (8, 3, true),
            (4, 4, false),
            (2048, 1323, true),
        ] {
            let frame: Vec<f32> = (0..n)
                .map(|i| ((i * i) as f32 * 0.0007).sin() * 0.6 - 0.01)
                .collect();
            let offset = if symmetric { (k - n) / 2 } else { 0 };
            let mut padded = vec![0.0f32; k];
            padded[offset..offset + n].copy_from_slice(&frame);
            let (mut a, mut b) = (
                Spectrum::new(k, n, symmetric),
                MagnitudeSpectrum::new(k, n, symmetric),
            );
            assert_eq!(
                bits(a.transform(&frame)),
                bits(&realfft_bins::<f64>(&padded)),
                "f64 {k} {n}"
            );
            assert_eq!(
                bits(b.transform(&frame)),
                bits(&realfft_bins::<f32>(&padded)),
                "f32 {k} {n}"
            );
            // a shorter frame after it: nothing of the last one is left
            let short = &frame[..n / 2];
            let mut padded = vec![0.0f32; k];
            padded[offset..offset + n / 2].copy_from_slice(short);
            assert_eq!(
                bits(a.transform(short)),
                bits(&realfft_bins::<f64>(&padded)),
                "f64 {k} {n} then {}",
                n / 2
            );
            assert_eq!(
                bits(b.transform(short)),
                bits(&realfft_bins::<f32>(&padded)),
                "f32 {k} {n} then {}",
                n / 2
            );
        }
    }

    #[test]
    fn lanes_keep_their_own_bins() {
        let mut lanes = Spectrum::lanes::<3>(512, 400, true);
        let frames: Vec<Vec<f32>> = (0..3)
            .map(|l| {
                (0..400)
                    .map(|i| ((i * (l + 2)) as f32 * 0.01).sin())
                    .collect()
            })
            .collect();
        for (s, f) in lanes.iter_mut().zip(&frames) {
            s.transform(f);
        }
        for (s, f) in lanes.iter().zip(&frames) {
            let mut fresh = Spectrum::new(512, 400, true);
            assert_eq!(bits(s.last_bins()), bits(fresh.transform(f)));
        }
    }

    #[test]
    fn the_avx_and_plain_splits_agree_to_the_bit() {
        for k in [4usize, 8, 12, 64, 512, 1024] {
            let z: Vec<Complex<f64>> = (0..k / 2)
                .map(|i| Complex::new((i as f64 * 1.3).sin() * 9.0, (i as f64 * 0.7).cos() - 0.2))
                .collect();
            let s = Spectrum::new(k, k, false);
            let run = |plain: bool| {
                let mut out = z.clone();
                out.push(Complex::new(0.0, 0.0));
                if plain {
                    split_real_spectrum_plain(&s.twiddles, &mut out, 0);
                } else {
                    split_real_spectrum(&s.twiddles, &mut out);
                }
                out
            };
            assert_eq!(bits(&run(true)), bits(&run(false)), "f64 {k}");
            let z32: Vec<Complex<f32>> = z
                .iter()
                .map(|c| Complex::new(c.re as f32, c.im as f32))
                .collect();
            let s32 = MagnitudeSpectrum::new(k, k, false);
            let run32 = |plain: bool| {
                let mut out = z32.clone();
                out.push(Complex::new(0.0, 0.0));
                if plain {
                    split_real_spectrum_plain(&s32.twiddles, &mut out, 0);
                } else {
                    split_real_spectrum(&s32.twiddles, &mut out);
                }
                out
            };
            assert_eq!(bits(&run32(true)), bits(&run32(false)), "f32 {k}");
        }
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
