//! Harmonics of F0 in a magnitude spectrum and the measures built on them:
//! the level of each harmonic relative to the fundamental (H1-H2, H1-A3 and
//! formant amplitudes of eGeMAPS, Eyben et al. 2016 §3.1.1) and the
//! harmonics-to-noise ratio from the autocorrelation (Boersma 1993).

use crate::parabola::parabola_vertex;
use realfft::num_complex::Complex;
use realfft::{ComplexToReal, RealFftPlanner};
use std::sync::Arc;

/// Level of a harmonic below which it counts as absent (dB re the fundamental).
pub const ABSENT_DB: f32 = -201.0;
const FLOOR_DB: f32 = -200.0;

/// One harmonic `h·F0`: the spectral peak found for it.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Harmonic {
    /// Peak bin, or `None` when no peak was found (or it repeats the one below).
    pub bin: Option<usize>,
    /// Magnitude at the peak bin.
    pub magnitude: f32,
    /// Frequency and magnitude of the parabola through the peak and its neighbours.
    pub frequency: f32,
    pub magnitude_interpolated: f32,
    /// `20·log10(interpolated magnitude / magnitude of the fundamental's bin)`,
    /// floored at −200 dB; [`ABSENT_DB`] when absent. 0 for the fundamental.
    pub level_db: f32,
    /// Dropped because it landed on the bin of the harmonic below (its level,
    /// from [`HarmonicLevels`], is [`ABSENT_DB`]).
    pub repeat: bool,
}

fn is_peak(x: &[f32], n: usize) -> bool {
    let len = x.len();
    if n >= len {
        return false;
    }
    if n + 1 < len {
        if n > 0 {
            x[n] > x[n - 1] && x[n] > x[n + 1]
        } else {
            x[0] > x[1]
        }
    } else {
        n > 0 && x[n] > x[n - 1]
    }
}

/// `freqs.partition_point(|&x| x <= f)` for an increasing axis, found from
/// the guess an evenly spaced axis gives and then walked to exactly.
fn first_above(freqs: &[f64], f: f64) -> usize {
    let len = freqs.len();
    let step = if len > 1 { freqs[1] - freqs[0] } else { 0.0 };
    let guess = (f - freqs.first().copied().unwrap_or(0.0)) / step + 1.0;
    let mut b = if guess.is_finite() && guess > 0.0 {
        (guess as usize).min(len)
    } else {
        0
    };
    while b > 0 && freqs[b - 1] > f {
        b -= 1;
    }
    while b < len && freqs[b] <= f {
        b += 1;
    }
    b
}

/// The bin whose frequency is nearest `f`, searching up from `start`; 0 when
/// `f` is beyond the last bin.
fn nearest_bin(freqs: &[f64], f: f32, start: usize) -> usize {
    let f = f64::from(f);
    // the first bin at or after `start` above f (the axis is increasing)
    let b = first_above(freqs, f).max(start.max(1));
    if b >= freqs.len() {
        return 0;
    }
    if freqs[b] - f > f - freqs[b - 1] {
        b - 1
    } else {
        b
    }
}

/// The first `n` harmonics of `f0` (the fundamental is harmonic 0): for each,
/// the nearest bin if it is a peak, else the nearest peak within half an F0 on
/// either side (looking up first). A harmonic that lands on the same bin as
/// the one below it is absent.
pub fn harmonic_peaks(f0: f32, mag: &[f32], freqs: &[f64], n: usize) -> Vec<Harmonic> {
    let mut h = Vec::new();
    harmonic_peaks_into(f0, mag, freqs, n, &mut h);
    let levels = HarmonicLevels::of(&h);
    for i in 0..h.len() {
        h[i].level_db = levels.level_db(&h, i);
    }
    h
}

/// [`harmonic_peaks`] into `h` without the levels (a frame reads only a few
/// of them; [`HarmonicLevels`] gives them, so `level_db` is left at 0): a
/// harmonic dropped as a repeat of the one below is marked `repeat`.
pub fn harmonic_peaks_into(f0: f32, mag: &[f32], freqs: &[f64], n: usize, h: &mut Vec<Harmonic>) {
    let bins = mag.len().min(freqs.len());
    let mag = &mag[..bins];
    let freqs = &freqs[..bins];
    h.clear();
    h.resize(n, Harmonic::default());
    let mut last = nearest_bin(freqs, 0.5 * f0, 1);
    let first = nearest_bin(freqs, 0.5 * f0, last);
    // the bin the harmonic below stands on (its peak, else its candidate; −1
    // past the spectrum, 0 after a repeat), for the repeat check
    let mut key_below = 0i64;
    for i in 0..n {
        let cand = nearest_bin(freqs, (i + 1) as f32 * f0, last);
        let mut key = -1i64;
        if cand < bins {
            key = cand as i64;
            let mut peak = None;
            if is_peak(mag, cand) {
                peak = Some(cand);
            } else {
                let lower = nearest_bin(freqs, (i as f32 + 0.5) * f0, last) as isize;
                let upper = nearest_bin(freqs, (i as f32 + 1.5) * f0, cand) as isize;
                let (mut l, mut r) = (cand as isize - 1, cand as isize + 1);
                while (l >= lower || r <= upper) && peak.is_none() {
                    if r <= upper {
                        if is_peak(mag, r as usize) {
                            peak = Some(r as usize);
                            break;
                        }
                        r += 1;
                    }
                    if l >= lower {
                        if l >= 0 && is_peak(mag, l as usize) {
                            peak = Some(l as usize);
                            break;
                        }
                        l -= 1;
                    }
                }
            }
            match peak {
                Some(p) if p >= first && p + 1 < bins && p >= 1 => {
                    let (fx, my) = parabola_vertex(
                        (freqs[p - 1], f64::from(mag[p - 1])),
                        (freqs[p], f64::from(mag[p])),
                        (freqs[p + 1], f64::from(mag[p + 1])),
                    );
                    h[i].bin = Some(p);
                    key = p as i64;
                    h[i].magnitude = mag[p];
                    h[i].frequency = fx as f32;
                    h[i].magnitude_interpolated = my as f32;
                }
                _ => h[i].bin = None,
            }
            last = cand;
        }
        if i > 0 && key == key_below {
            h[i] = Harmonic {
                bin: None,
                repeat: true,
                ..Default::default()
            };
            key = 0;
        }
        key_below = key;
    }
}

/// The levels of harmonics found by [`harmonic_peaks_into`]:
/// `20·log10(interpolated magnitude / magnitude of the fundamental's bin)`,
/// floored at −200 dB, 0 for the fundamental, [`ABSENT_DB`] for a repeat or
/// when the fundamental has no magnitude.
#[derive(Debug, Clone, Copy)]
pub struct HarmonicLevels {
    log_ref: Option<f64>,
}

impl HarmonicLevels {
    pub fn of(h: &[Harmonic]) -> Self {
        let ref_mag = h.first().map(|x| x.magnitude).unwrap_or(0.0);
        HarmonicLevels {
            log_ref: (ref_mag != 0.0).then(|| f64::from(ref_mag.log10())),
        }
    }

    /// The level of harmonic `i` (dB re the fundamental).
    pub fn level_db(&self, h: &[Harmonic], i: usize) -> f32 {
        if i == 0 {
            return 0.0;
        }
        let x = h[i];
        if x.repeat {
            return ABSENT_DB;
        }
        match self.log_ref {
            Some(lr) if x.magnitude_interpolated > 0.0 => {
                ((20.0 * (f64::from(x.magnitude_interpolated).log10() - lr)) as f32).max(FLOOR_DB)
            }
            Some(_) => FLOOR_DB,
            None => ABSENT_DB,
        }
    }
}

/// How many of the first `n` harmonics of `f0` [`harmonic_peaks`] needs to
/// find every harmonic whose peak can lie at or below `hz`, on a spectrum of
/// bins `bin_hz` apart (at least three: the fundamental, H1 and H2). Harmonic
/// `i` (0-based) peaks at or above the bin nearest `(i + ½)·F0`, and its
/// interpolated frequency lies within a bin of the peak, so it is at least
/// `(i + ½)·F0 − 1.5` bins; one harmonic more is kept for rounding.
pub fn harmonics_reaching(f0: f32, hz: f64, bin_hz: f64, n: usize) -> usize {
    let f0 = f64::from(f0);
    if !(f0 > 0.0 && hz.is_finite() && bin_hz.is_finite()) {
        return n;
    }
    let last = ((hz + 1.5 * bin_hz) / f0 - 0.5).floor().max(0.0);
    if last >= n as f64 {
        return n;
    }
    (last as usize + 2).clamp(3.min(n), n)
}

/// For each formant frequency, the harmonic (index) with the largest peak
/// magnitude within ±20 % of it, if any.
pub fn formant_harmonics(formants: &[f32], harmonics: &[Harmonic]) -> Vec<Option<usize>> {
    formants
        .iter()
        .map(|&f| {
            let (lo, hi) = (0.8 * f, 1.2 * f);
            let mut best = None;
            let mut best_mag = 0.0f32;
            for (i, h) in harmonics.iter().enumerate() {
                if h.frequency >= lo && h.frequency <= hi && h.magnitude > best_mag {
                    best = Some(i);
                    best_mag = h.magnitude;
                }
            }
            best
        })
        .collect()
}

/// Harmonics-to-noise ratio in dB from the autocorrelation of a frame, got as
/// the inverse FFT of its power spectrum: `10·log10(r(T0)/(r(0) − r(T0)))`
/// at the autocorrelation peak nearest the F0 period, within [−90, 110] dB
/// (openSMILE's clamps); 0 when unvoiced.
#[derive(Clone)]
pub struct AcfHnr {
    ifft: Arc<dyn ComplexToReal<f64>>,
    spec: Vec<Complex<f64>>,
    acf: Vec<f64>,
    acf32: Vec<f32>,
    scratch: Vec<Complex<f64>>,
}

impl AcfHnr {
    /// For magnitude spectra of `bins` = K/2+1 bins.
    pub fn new(bins: usize) -> Self {
        let k = 2 * bins.saturating_sub(1).max(1);
        let ifft = RealFftPlanner::<f64>::new().plan_fft_inverse(k);
        AcfHnr {
            spec: ifft.make_input_vec(),
            acf: ifft.make_output_vec(),
            scratch: ifft.make_scratch_vec(),
            acf32: Vec::new(),
            ifft,
        }
    }

    /// `mag`: the frame's magnitude spectrum; `f0` in Hz; `nyquist_hz` the last bin's frequency.
    pub fn hnr_db(&mut self, mag: &[f32], f0: f32, nyquist_hz: f64) -> f32 {
        let bins = self.spec.len();
        let lag = if f0 > 0.0 {
            (2.0 * nyquist_hz / f64::from(f0)).floor() as usize
        } else {
            0
        };
        // unvoiced: no period to look at, so no autocorrelation to compute
        if mag.len() != bins || lag == 0 {
            return 0.0;
        }
        for (s, &m) in self.spec.iter_mut().zip(mag) {
            *s = Complex::new(f64::from(m * m), 0.0);
        }
        // the transform cannot fail: lengths are fixed at construction
        let _ = self
            .ifft
            .process_with_scratch(&mut self.spec, &mut self.acf, &mut self.scratch);
        self.acf32.clear();
        self.acf32.extend(
            self.acf[..bins]
                .iter()
                .map(|&v| (v.abs() / bins as f64) as f32),
        );
        let t0 = closest_peak(&self.acf32, lag);
        if t0 == 0 {
            return 0.0;
        }
        let a0 = f64::from(self.acf32[0]);
        let at = f64::from(self.acf32[t0]);
        let d = a0 - at;
        let ratio = if d == 0.0 { 1e11 } else { at / d };
        (10.0 * ratio.clamp(1e-9, 1e11).log10()) as f32
    }
}

/// The peak of `x` nearest `idx` (looking down first at each distance); the
/// nearer end when there is none.
fn closest_peak(x: &[f32], idx: usize) -> usize {
    let n = x.len();
    if n == 0 {
        return 0;
    }
    let idx = idx.min(n - 1);
    if is_peak(x, idx) {
        return idx;
    }
    let mut o = 1;
    while idx > o || idx + o < n - 1 {
        if idx > o && is_peak(x, idx - o) {
            return idx - o;
        }
        if idx + o < n - 1 && is_peak(x, idx + o) {
            return idx + o;
        }
        o += 1;
    }
    let (first, last, mid) = (x[0], x[n - 1], x[idx]);
    if first > mid && last <= mid {
        0
    } else if first <= mid && last > mid {
        n - 1
    } else if first > mid && last > mid {
        if idx < n / 2 {
            0
        } else {
            n - 1
        }
    } else {
        idx
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn axis(n: usize, df: f64) -> Vec<f64> {
        (0..n).map(|i| i as f64 * df).collect()
    }

    /// Magnitude spectrum of harmonics at h·f0 with amplitudes `amps`, each a
    /// small triangle so that it is a peak.
    fn harmonic_spectrum(f0: f64, amps: &[f32], df: f64, n: usize) -> Vec<f32> {
        let mut m = vec![0.001f32; n];
        for (h, &a) in amps.iter().enumerate() {
            let b = ((h + 1) as f64 * f0 / df).round() as usize;
            if b + 1 < n {
                m[b] = a;
                m[b - 1] = a / 2.0;
                m[b + 1] = a / 2.0;
            }
        }
        m
    }

    #[test]
    fn levels_of_known_harmonics() {
        let df = 1000.0 / 64.0; // 15.625 Hz
        let f = axis(513, df);
        // f0 = 125 Hz = bin 8; harmonic 2 at half the amplitude: −6.02 dB
        // (the parabola through (a/2, a, a/2) peaks at a, so interpolation adds nothing)
        let m = harmonic_spectrum(125.0, &[1.0, 0.5, 0.25, 0.1], df, 513);
        let h = harmonic_peaks(125.0, &m, &f, 5);
        assert_eq!(h[0].bin, Some(8));
        assert_eq!(h[0].level_db, 0.0);
        assert!((h[1].level_db - 20.0 * 0.5f32.log10()).abs() < 1e-4);
        assert!((h[2].level_db - 20.0 * 0.25f32.log10()).abs() < 1e-4);
        assert!((h[1].frequency - 250.0).abs() < 1e-3);
        // the fifth harmonic has no peak of its own
        assert_eq!(h[4].bin, None);
    }

    #[test]
    fn first_above_is_the_partition_point() {
        let even = axis(257, 1000.0 / 64.0);
        let uneven: Vec<f64> = (0..100).map(|i| (i as f64).powf(1.5)).collect();
        let repeated = [0.0, 1.0, 1.0, 1.0, 2.0];
        for freqs in [&even[..], &uneven[..], &repeated[..], &[][..], &[5.0][..]] {
            for f in [-1.0, 0.0, 0.5, 1.0, 3.3, 15.625, 999.9, 1e9, f64::NAN] {
                assert_eq!(
                    first_above(freqs, f),
                    freqs.partition_point(|&x| x <= f),
                    "{f} in {freqs:?}"
                );
            }
        }
    }

    #[test]
    fn harmonics_past_the_count_never_peak_below_the_limit() {
        let df = 1000.0 / 64.0;
        let f = axis(513, df);
        // a dense, irregular spectrum: peaks everywhere, so the search wanders
        let m: Vec<f32> = (0..513)
            .map(|i| 1.0 + ((i * 7919 % 97) as f32 / 97.0))
            .collect();
        for f0 in [55.0f32, 87.3, 125.0, 210.0, 333.3, 600.0] {
            for hz in [0.0, 700.0, 2500.0, 4200.0] {
                let k = harmonics_reaching(f0, hz, df, 100);
                let all = harmonic_peaks(f0, &m, &f, 100);
                assert!((3..=100).contains(&k));
                // the first k are the same with or without the rest
                assert_eq!(harmonic_peaks(f0, &m, &f, k)[..], all[..k]);
                for (i, h) in all.iter().enumerate().skip(k) {
                    assert!(
                        h.bin.is_none() || f64::from(h.frequency) > hz,
                        "f0 {f0}, limit {hz}: harmonic {i} at {} Hz",
                        h.frequency
                    );
                }
            }
        }
        // by hand: 125 Hz, limit 1000 Hz, bins of 15.625 Hz: the last harmonic
        // that can peak below it is i = floor((1000 + 23.4)/125 − 0.5) = 7
        assert_eq!(harmonics_reaching(125.0, 1000.0, df, 100), 9);
        assert_eq!(harmonics_reaching(125.0, 1e6, df, 100), 100);
        assert_eq!(harmonics_reaching(0.0, 1000.0, df, 100), 100);
    }

    #[test]
    fn formant_takes_the_strongest_harmonic_near_it() {
        let df = 1000.0 / 64.0;
        let f = axis(513, df);
        let m = harmonic_spectrum(125.0, &[1.0, 0.5, 0.25, 0.6, 0.2], df, 513);
        let h = harmonic_peaks(125.0, &m, &f, 6);
        // ±20 % of 560 Hz holds 500 (h index 3) and 625 (index 4): the larger wins
        assert_eq!(formant_harmonics(&[560.0, 5000.0], &h), vec![Some(3), None]);
    }

    #[test]
    fn hnr_of_a_pure_tone_is_high_and_of_noise_low() {
        let n = 1024;
        let fs = 16000.0f64;
        let mut spec = crate::spectrum::MagnitudeSpectrum::new(n, n, false);
        let w = crate::window::gaussian(n, 0.4);
        let frame =
            |x: Vec<f32>| -> Vec<f32> { x.iter().zip(&w).map(|(v, w)| v * *w as f32).collect() };
        let tone = frame(
            (0..n)
                .map(|i| (2.0 * std::f64::consts::PI * 200.0 * i as f64 / fs).sin() as f32)
                .collect(),
        );
        let mut mag = Vec::new();
        spec.magnitude(&tone, &mut mag);
        let mut hnr = AcfHnr::new(mag.len());
        let nyq = fs / 2.0;
        let tonal = hnr.hnr_db(&mag, 200.0, nyq);
        // white noise from a fixed linear congruential sequence
        let mut s = 12345u32;
        let noise = frame(
            (0..n)
                .map(|_| {
                    s = s.wrapping_mul(1_103_515_245).wrapping_add(12345);
                    (s >> 8) as f32 / (1u32 << 24) as f32 - 0.5
                })
                .collect(),
        );
        spec.magnitude(&noise, &mut mag);
        let noisy = hnr.hnr_db(&mag, 200.0, nyq);
        assert!(tonal > 10.0, "{tonal}");
        assert!(noisy < 0.0, "{noisy}");
        assert_eq!(hnr.hnr_db(&mag, 0.0, nyq), 0.0);
    }

    #[test]
    fn nearest_bin_equals_a_scan_from_start() {
        let f = axis(65, 15.625);
        let scan = |x: f32, start: usize| -> usize {
            let x = f64::from(x);
            for b in start.max(1)..f.len() {
                if f[b] > x {
                    return if f[b] - x > x - f[b - 1] { b - 1 } else { b };
                }
            }
            0
        };
        for i in 0..2000 {
            let x = i as f32 * 0.55;
            for start in [0, 1, 5, 30, 64, 70] {
                assert_eq!(
                    nearest_bin(&f, x, start),
                    scan(x, start),
                    "{x} from {start}"
                );
            }
        }
    }

    #[test]
    fn closest_peak_looks_both_ways() {
        let x = [5.0, 1.0, 2.0, 1.0, 1.0, 1.0, 3.0, 1.0];
        assert_eq!(closest_peak(&x, 2), 2);
        assert_eq!(closest_peak(&x, 4), 2);
        assert_eq!(closest_peak(&x, 5), 6);
    }
}
