//! Spectral shape of one frame: alpha ratio, Hammarberg index, the slope of the
//! log power spectrum in a band, and spectral flux, as the eGeMAPS parameter set
//! defines them (Eyben et al. 2016, "The Geneva Minimalistic Acoustic Parameter
//! Set", §3.1.2). All take the bin frequencies `freqs` (Hz, one per bin) so that
//! they work at any FFT size and sample rate.

/// Floor of the power spectrum before a logarithm: the square of a 1e-7
/// magnitude floor.
pub const POWER_FLOOR: f32 = 1e-14;

const DB_PER_NEPER_POWER: f64 = 10.0 / std::f64::consts::LN_10;

fn db_ratio(num: f32, den: f32) -> f32 {
    // A vanishing numerator is floored, so silence gives a large negative
    // ratio rather than −∞.
    if num > POWER_FLOOR {
        (DB_PER_NEPER_POWER * f64::from(num / den).ln()) as f32
    } else {
        (DB_PER_NEPER_POWER * (f64::from(POWER_FLOOR).ln() - f64::from(den).ln())) as f32
    }
}

/// Alpha ratio in dB: the power summed over 1-5 kHz against that below 1 kHz,
/// `10·log10(Σ_{1k≤f≤5k} P / Σ_{f<1k} P)`; 0 when there is no power below 1 kHz.
/// The sums run in `f32`, bin by bin.
pub fn alpha_ratio_db(power: &[f32], freqs: &[f64]) -> f32 {
    let (mut low, mut high) = (0.0f32, 0.0f32);
    for (&p, &f) in power.iter().zip(freqs) {
        if f > 5000.0 {
            break;
        }
        if f < 1000.0 {
            low += p;
        } else {
            high += p;
        }
    }
    if low > 0.0 {
        db_ratio(high, low)
    } else {
        0.0
    }
}

/// Hammarberg index in dB: the strongest bin below 2 kHz against the strongest
/// in 2-5 kHz, `10·log10(max_{f<2k} P / max_{2k≤f≤5k} P)`; 0 when 2-5 kHz is silent.
pub fn hammarberg_index_db(power: &[f32], freqs: &[f64]) -> f32 {
    let (mut low, mut high) = (0.0f32, 0.0f32);
    for (&p, &f) in power.iter().zip(freqs) {
        if f > 5000.0 {
            break;
        }
        if f < 2000.0 {
            low = low.max(p);
        } else {
            high = high.max(p);
        }
    }
    if high > 0.0 {
        db_ratio(low, high)
    } else {
        0.0
    }
}

/// Power spectrum in dB, `10·log10(P)` in `f32`, with [`POWER_FLOOR`] below.
pub fn log_power_db(power: &[f32], out: &mut Vec<f32>) {
    let factor = DB_PER_NEPER_POWER as f32;
    let floor = (DB_PER_NEPER_POWER * f64::from(POWER_FLOOR).ln()) as f32;
    out.clear();
    out.extend(power.iter().map(|&p| {
        if p <= POWER_FLOOR {
            floor
        } else {
            factor * p.ln()
        }
    }));
}

/// The least-squares slope of the log power spectrum over a band `[lo, hi]` Hz
/// (dB/Hz). The band edges fall on bins with fractional weights, the way
/// openSMILE maps them; see docs/egemaps.md for the one quirk kept (the
/// regression's N counts the intervals between the edge bins, not the bins).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BandSlope {
    first: usize,
    last: usize,
    w_first: f64,
    w_last: f64,
    n: f64,
}

impl BandSlope {
    pub fn new(lo_hz: f64, hi_hz: f64, freqs: &[f64]) -> Self {
        let bins = freqs.len();
        let step = |i: usize| freqs[i] - freqs[i - 1];
        // lower edge: the bin before the first frequency above it
        let i = freqs.iter().position(|&f| f > lo_hz).unwrap_or(bins);
        let mut w_first = if i > 0 && i < bins {
            (freqs[i] - lo_hz) / step(i)
        } else {
            1.0
        };
        let idx_first = (i as f64 - 1.0).clamp(0.0, bins as f64);
        // upper edge: the bin at it, or the one before the first above it
        let hi32 = f64::from(hi_hz as f32);
        let i = freqs.iter().position(|&f| f >= hi32).unwrap_or(bins);
        let mut w_last = if i > 0 && i < bins {
            (hi_hz - freqs[i - 1]) / step(i)
        } else {
            1.0
        };
        let idx_last = if i < bins && freqs[i] == hi32 {
            i as f64
        } else {
            i as f64 - 1.0
        }
        .min(bins as f64 - 1.0);
        if w_first == 0.0 {
            w_first = 1.0;
        }
        if w_last == 0.0 {
            w_last = 1.0;
        }
        let n = idx_last - idx_first;
        let mut first = idx_first.floor().max(0.0) as usize;
        let mut last = idx_last.floor().max(0.0) as usize;
        if first >= bins {
            first = bins.saturating_sub(1);
            last = first;
            w_first = 0.0;
            w_last = 0.0;
        } else if last >= bins {
            last = bins - 1;
            w_last = 1.0;
        }
        BandSlope {
            first,
            last,
            w_first,
            w_last,
            n,
        }
    }

    /// How many bins from 0 up [`BandSlope::apply`] reads: a caller need not
    /// compute `y` past them.
    pub fn bins_read(&self) -> usize {
        self.last + 1
    }

    /// Slope of `y` (one value per bin, e.g. [`log_power_db`], at least
    /// [`BandSlope::bins_read`] of them) against frequency.
    pub fn apply(&self, y: &[f32], freqs: &[f64]) -> f32 {
        if y.is_empty() {
            return 0.0;
        }
        let (a, b) = (self.first, self.last);
        let fa = freqs[a] * self.w_first;
        let mut sf = fa;
        let mut sff = fa * fa;
        let mut sfy = fa * f64::from(y[a]);
        let mut sy = self.w_first * f64::from(y[a]);
        for i in a + 1..b.min(y.len()) {
            sff += freqs[i] * freqs[i];
            sf += freqs[i];
            sfy += freqs[i] * f64::from(y[i]);
            sy += f64::from(y[i]);
        }
        let fb = freqs[b] * self.w_last;
        sff += fb * fb;
        sf += fb;
        sfy += fb * f64::from(y[b]);
        sy += self.w_last * f64::from(y[b]);
        let den = self.n * sff - sf * sf;
        if den == 0.0 {
            0.0
        } else {
            ((self.n * sfy - sf * sy) / den) as f32
        }
    }
}

/// Spectral flux: the root mean square change of the magnitude spectrum from
/// the previous frame, `√(Σ_k (|X_t[k]| − |X_{t−1}[k]|)² / K)`, over `bins`.
pub fn spectral_flux(mag: &[f32], prev: &[f32], bins: std::ops::Range<usize>) -> f32 {
    let n = bins.len();
    let mut acc = 0.0f64;
    for k in bins {
        let d = f64::from(mag[k]) - f64::from(prev[k]);
        acc += d * d;
    }
    if n == 0 || acc <= 0.0 {
        0.0
    } else {
        (acc / n as f64).sqrt() as f32
    }
}

/// Bins `[lo, hi]` of an analysis range in Hz: from the last bin at or below
/// `lo_hz` to the last bin below `hi_hz`.
pub fn bin_range(lo_hz: f64, hi_hz: f64, freqs: &[f64]) -> std::ops::Range<usize> {
    let lo = freqs.iter().rposition(|&f| lo_hz >= f).unwrap_or(0);
    let hi = freqs
        .iter()
        .rposition(|&f| hi_hz > f)
        .unwrap_or(freqs.len().saturating_sub(1));
    lo..hi + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn axis(n: usize, df: f64) -> Vec<f64> {
        (0..n).map(|i| i as f64 * df).collect()
    }

    #[test]
    fn alpha_ratio_of_equal_power_below_and_above_1khz() {
        let f = axis(257, 31.25);
        // 32 bins below 1 kHz at power 1; 129 bins in 1-5 kHz at power 32/129
        let p: Vec<f32> = f
            .iter()
            .map(|&x| if x < 1000.0 { 1.0 } else { 32.0 / 129.0 })
            .collect();
        assert!(alpha_ratio_db(&p, &f).abs() < 1e-4);
        let p: Vec<f32> = f
            .iter()
            .map(|&x| if x < 1000.0 { 1.0 } else { 0.0 })
            .collect();
        // silence above 1 kHz: floored, finite
        let a = alpha_ratio_db(&p, &f);
        assert!(a.is_finite() && a < -140.0);
        assert_eq!(alpha_ratio_db(&[0.0; 257], &f), 0.0);
    }

    #[test]
    fn hammarberg_index_compares_peaks() {
        let f = axis(257, 31.25);
        let mut p = vec![0.01f32; 257];
        p[10] = 100.0; // 312.5 Hz
        p[100] = 1.0; // 3125 Hz
        p[200] = 1000.0; // 6250 Hz: outside 5 kHz, ignored
        assert!((hammarberg_index_db(&p, &f) - 20.0).abs() < 1e-4);
    }

    #[test]
    fn slope_of_a_straight_line_in_the_band_edges_inclusive() {
        let f = axis(257, 31.25);
        let y: Vec<f32> = f.iter().map(|&x| (0.01 * x) as f32).collect();
        let s = BandSlope::new(0.0, 500.0, &f);
        assert_eq!((s.first, s.last, s.n), (0, 16, 16.0));
        // 17 points, N = 16: slope = (16·Σfy − Σf·Σy)/(16·Σf² − (Σf)²), which for
        // y = a·f is a·(16·Σf² − Σf·Σf)/(16·Σf² − (Σf)²) = a exactly
        assert!((s.apply(&y, &f) - 0.01).abs() < 1e-6);
        let s = BandSlope::new(500.0, 1500.0, &f);
        assert_eq!((s.first, s.last, s.n), (16, 48, 32.0));
        assert!((s.apply(&y, &f) - 0.01).abs() < 1e-6);
        // it reads bins 0..=48 only: the spectrum cut after them gives the same bits
        assert_eq!(s.bins_read(), 49);
        let wiggly: Vec<f32> = (0..257).map(|i| ((i * 37) % 11) as f32).collect();
        assert_eq!(
            s.apply(&wiggly[..49], &f).to_bits(),
            s.apply(&wiggly, &f).to_bits()
        );
    }

    #[test]
    fn slope_regression_counts_intervals_hand_worked() {
        // bins at 0, 1, 2 Hz, band 0-2: N = 2 (intervals), three points.
        let f = [0.0, 1.0, 2.0];
        let s = BandSlope::new(0.0, 2.0, &f);
        // y = (0, 0, 3): Σf=3, Σf²=5, Σfy=6, Σy=3 → (2·6 − 3·3)/(2·5 − 9) = 3
        assert!((s.apply(&[0.0, 0.0, 3.0], &f) - 3.0).abs() < 1e-6);
    }

    #[test]
    fn flux_of_a_uniform_change() {
        let a = vec![1.0f32; 10];
        let b = vec![3.0f32; 10];
        assert!((spectral_flux(&b, &a, 0..10) - 2.0).abs() < 1e-6);
        assert_eq!(spectral_flux(&a, &a, 0..10), 0.0);
    }

    #[test]
    fn analysis_range_0_to_5khz() {
        let f = axis(257, 31.25);
        assert_eq!(bin_range(0.0, 5000.0, &f), 0..160);
    }

    #[test]
    fn log_power_floors_silence() {
        let mut out = Vec::new();
        log_power_db(&[0.0, 1.0, 100.0], &mut out);
        assert!((out[0] + 140.0).abs() < 1e-3);
        assert_eq!(out[1], 0.0);
        assert!((out[2] - 20.0).abs() < 1e-4);
    }
}
