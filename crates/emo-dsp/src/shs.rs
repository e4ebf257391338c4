//! Pitch candidates by subharmonic summation (Hermes, 1988) on a log2-frequency
//! magnitude spectrum.

use crate::parabola::parabola_vertex;
use crate::spline::{LaneWork, NaturalSpline, LANES};

/// Options of [`LogFrequencySpectrum`].
#[derive(Debug, Clone, Copy)]
pub struct LogScaleOptions {
    /// Lowest frequency of the target axis (Hz).
    pub min_hz: f64,
    /// Keep only spectral peaks: zero the bins further than 2 from any peak.
    pub enhance_peaks: bool,
    /// Smooth `(a[i−1] + 2a[i] + a[i+1])/4` before interpolation.
    pub smooth: bool,
    /// Weight the result with an arctangent auditory curve (rising over the
    /// lowest octaves).
    pub auditory_weighting: bool,
}

/// Maps a linear magnitude spectrum onto an axis equally spaced in log2(f) by
/// natural cubic spline interpolation.
#[derive(Debug, Clone)]
pub struct LogFrequencySpectrum {
    opts: LogScaleOptions,
    spline: NaturalSpline,
    weights: Option<Vec<f64>>,
    n_out: usize,
    /// log2 of the lowest and highest target frequency, as stored in `f32`.
    pub log2_min: f32,
    pub log2_max: f32,
    /// Target points per octave, as stored in `f32`.
    pub points_per_octave: f32,
}

fn log2(x: f64) -> f64 {
    x.ln() / 2f64.ln()
}

impl LogFrequencySpectrum {
    /// `n_mag` magnitude bins spaced `bin_hz` apart; the target axis has `n_mag`
    /// points from `min_hz` to the highest bin's frequency.
    pub fn new(n_mag: usize, bin_hz: f64, opts: LogScaleOptions) -> Self {
        let max_hz = bin_hz * (n_mag as f64 - 1.0);
        let fmin_t = log2(opts.min_hz);
        let fmax_t = log2(max_hz);
        let step_t = (fmax_t - fmin_t) / (n_mag as f64 - 1.0);
        let mut knots: Vec<f64> = (0..n_mag)
            .map(|i| if i == 0 { 0.0 } else { log2(i as f64 * bin_hz) })
            .collect();
        // bin 0 (0 Hz) has no log; continue the first step below bin 1
        knots[0] = 2.0 * knots[1] - knots[2];
        let targets: Vec<f64> = (0..n_mag).map(|i| fmin_t + i as f64 * step_t).collect();
        let n_octaves = log2(max_hz / opts.min_hz);
        let ppo = n_mag as f64 / n_octaves;
        let weights = opts.auditory_weighting.then(|| {
            let s = ppo * log2(65.0 / 50.0) - 1.0;
            (0..n_mag)
                .map(|i| 0.5 + (3.0 * (i as f64 + 1.0 - s) / ppo).atan() / std::f64::consts::PI)
                .collect()
        });
        LogFrequencySpectrum {
            opts,
            spline: NaturalSpline::new(knots, &targets),
            weights,
            n_out: n_mag,
            log2_min: fmin_t as f32,
            log2_max: fmax_t as f32,
            points_per_octave: ppo as f32,
        }
    }

    /// Number of output points.
    pub fn len(&self) -> usize {
        self.n_out
    }

    /// True if there are no points.
    pub fn is_empty(&self) -> bool {
        self.n_out == 0
    }

    /// The spline's input: magnitudes as f64, peak-enhanced and smoothed as
    /// set (`raw` is scratch for the values before smoothing).
    #[inline(always)]
    fn shape(&self, mag: &[f32], y: &mut Vec<f64>, raw: &mut Vec<f64>, flags: &mut Vec<u8>) {
        let x = if self.opts.smooth { &mut *raw } else { &mut *y };
        x.clear();
        if self.opts.enhance_peaks {
            // the maxima of the f32 magnitudes are those of their f64 values
            let keep = kept_bins(mag, flags);
            x.extend(
                mag.iter()
                    .zip(keep)
                    .map(|(&v, &k)| zero_unless(f64::from(v), k)),
            );
        } else {
            x.extend(mag.iter().map(|&v| f64::from(v)));
        }
        if self.opts.smooth {
            smooth_121(raw, y);
        }
    }

    /// The spline's output rounded to f32, auditory-weighted as set.
    #[inline(always)]
    fn finish(&self, res: &[f64], out: &mut Vec<f32>) {
        out.clear();
        // written once, not selected in place (which compiles to masked stores)
        match &self.weights {
            Some(w) => out.extend(res.iter().zip(w).map(|(&v, &wi)| {
                let o = v as f32;
                if o > 0.0 {
                    (f64::from(o) * wi) as f32
                } else {
                    0.0
                }
            })),
            None => out.extend(res.iter().map(|&v| v as f32)),
        }
    }

    /// Scales one magnitude spectrum.
    pub fn apply(&self, mag: &[f32], work: &mut SplineWork, out: &mut Vec<f32>) {
        self.shape(mag, &mut work.y, &mut work.raw, &mut work.flags);
        work.out.resize(self.n_out, 0.0);
        self.spline
            .eval(&work.y, &mut work.y2, &mut work.u, &mut work.out);
        self.finish(&work.out, out);
    }

    /// [`LogFrequencySpectrum::apply`] for four spectra at once (bit-identical).
    pub fn apply_lanes(
        &self,
        mags: [&[f32]; LANES],
        work: &mut LaneScaleWork,
        outs: &mut [Vec<f32>; LANES],
    ) {
        return_if_avx!(self.apply_lanes_avx(mags, work, outs));
        self.apply_lanes_plain(mags, work, outs)
    }

    /// [`LogFrequencySpectrum::apply_lanes`] compiled for AVX (the same
    /// operations; the conversions, peak tests and weighting get wider).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx,avx2,fma")]
    unsafe fn apply_lanes_avx(
        &self,
        mags: [&[f32]; LANES],
        work: &mut LaneScaleWork,
        outs: &mut [Vec<f32>; LANES],
    ) {
        self.apply_lanes_plain(mags, work, outs)
    }

    #[inline(always)]
    fn apply_lanes_plain(
        &self,
        mags: [&[f32]; LANES],
        work: &mut LaneScaleWork,
        outs: &mut [Vec<f32>; LANES],
    ) {
        self.shape_group(mags, work);
        let [y0, y1, y2, y3] = &work.y;
        let [o0, o1, o2, o3] = &mut work.out;
        self.spline
            .eval_lanes([y0, y1, y2, y3], &mut work.lanes, [o0, o1, o2, o3]);
        self.finish_group(work, outs);
    }

    /// The spline inputs of a group of four spectra, and room for its results.
    #[inline(always)]
    fn shape_group(&self, mags: [&[f32]; LANES], work: &mut LaneScaleWork) {
        for (l, mag) in mags.iter().enumerate() {
            self.shape(mag, &mut work.y[l], &mut work.raw, &mut work.flags);
            work.out[l].resize(self.n_out, 0.0);
        }
    }

    /// A group's spline results, finished into `outs`.
    #[inline(always)]
    fn finish_group(&self, work: &LaneScaleWork, outs: &mut [Vec<f32>; LANES]) {
        for (out, res) in outs.iter_mut().zip(&work.out) {
            self.finish(res, out);
        }
    }
}

impl LogFrequencySpectrum {
    /// [`LogFrequencySpectrum::apply_lanes`] for eight spectra at once, two
    /// groups of four whose spline sweeps run side by side (bit-identical).
    pub fn apply_lanes8(
        &self,
        mags: [&[f32]; 2 * LANES],
        work: &mut [LaneScaleWork; 2],
        outs: &mut [[Vec<f32>; LANES]; 2],
    ) {
        return_if_avx!(self.apply_lanes8_avx(mags, work, outs));
        self.apply_lanes8_plain(mags, work, outs)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx,avx2,fma")]
    unsafe fn apply_lanes8_avx(
        &self,
        mags: [&[f32]; 2 * LANES],
        work: &mut [LaneScaleWork; 2],
        outs: &mut [[Vec<f32>; LANES]; 2],
    ) {
        self.apply_lanes8_plain(mags, work, outs)
    }

    #[inline(always)]
    fn apply_lanes8_plain(
        &self,
        mags: [&[f32]; 2 * LANES],
        work: &mut [LaneScaleWork; 2],
        outs: &mut [[Vec<f32>; LANES]; 2],
    ) {
        for (g, w) in work.iter_mut().enumerate() {
            self.shape_group(std::array::from_fn(|l| mags[g * LANES + l]), w);
        }
        let [w0, w1] = work;
        let ([y0, y1, y2, y3], [y4, y5, y6, y7]) = (&w0.y, &w1.y);
        let ([o0, o1, o2, o3], [o4, o5, o6, o7]) = (&mut w0.out, &mut w1.out);
        self.spline.eval_lanes8(
            [y0, y1, y2, y3, y4, y5, y6, y7],
            [&mut w0.lanes, &mut w1.lanes],
            [o0, o1, o2, o3, o4, o5, o6, o7],
        );
        for (outs, w) in outs.iter_mut().zip(work.iter()) {
            self.finish_group(w, outs);
        }
    }
}

/// Scratch buffers for [`LogFrequencySpectrum::apply_lanes`].
#[derive(Debug, Default, Clone)]
pub struct LaneScaleWork {
    y: [Vec<f64>; LANES],
    raw: Vec<f64>,
    flags: Vec<u8>,
    out: [Vec<f64>; LANES],
    lanes: LaneWork,
}

/// Scratch buffers for [`LogFrequencySpectrum::apply`].
#[derive(Debug, Default, Clone)]
pub struct SplineWork {
    y: Vec<f64>,
    raw: Vec<f64>,
    flags: Vec<u8>,
    y2: Vec<f64>,
    u: Vec<f64>,
    out: Vec<f64>,
}

/// The mean of each sequence (all of one length), summed in f64 in index
/// order; the lanes' sums run side by side, each in its own order.
fn means_in_order<const L: usize>(ss: [&[f32]; L]) -> [f64; L] {
    let n = ss[0].len();
    assert!(n >= 2 && ss.iter().all(|s| s.len() == n));
    let mut acc: [f64; L] = std::array::from_fn(|l| f64::from(ss[l][0]));
    for i in 1..n - 1 {
        for l in 0..L {
            acc[l] += f64::from(ss[l][i]);
        }
    }
    std::array::from_fn(|l| (acc[l] + f64::from(ss[l][n - 1])) / n as f64)
}

/// [`means_in_order`] of `G` groups of four sequences; with AVX each group's
/// four sums are one register, fed four values of each sequence at a time
/// (transposed), the groups' chains of additions side by side.
fn means_by_fours<const G: usize>(ss: [[&[f32]; 4]; G]) -> [[f64; 4]; G] {
    return_if_avx!(means_by_fours_avx(ss));
    ss.map(means_in_order)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx,avx2,fma")]
unsafe fn means_by_fours_avx<const G: usize>(ss: [[&[f32]; 4]; G]) -> [[f64; 4]; G] {
    use std::arch::x86_64::*;
    let n = ss[0][0].len();
    assert!(n >= 2 && ss.iter().flatten().all(|s| s.len() == n));
    let column = |g: usize, i: usize| {
        let s = &ss[g];
        _mm256_setr_pd(
            f64::from(s[0][i]),
            f64::from(s[1][i]),
            f64::from(s[2][i]),
            f64::from(s[3][i]),
        )
    };
    let mut acc: [__m256d; G] = std::array::from_fn(|g| column(g, 0));
    let mut i = 1;
    while i + 4 < n {
        for (g, acc) in acc.iter_mut().enumerate() {
            let r: [__m128; 4] = std::array::from_fn(|l| _mm_loadu_ps(ss[g][l].as_ptr().add(i)));
            // row q holds value i+q of the four
            for row in crate::transpose4(r) {
                *acc = _mm256_add_pd(*acc, _mm256_cvtps_pd(row));
            }
        }
        i += 4;
    }
    for i in i..n - 1 {
        for (g, acc) in acc.iter_mut().enumerate() {
            *acc = _mm256_add_pd(*acc, column(g, i));
        }
    }
    std::array::from_fn(|g| {
        let sum = _mm256_add_pd(acc[g], column(g, n - 1));
        let mut out = [0.0f64; 4];
        _mm256_storeu_pd(
            out.as_mut_ptr(),
            _mm256_div_pd(sum, _mm256_set1_pd(n as f64)),
        );
        out
    })
}

/// Zeroes every bin more than 2 bins away from a local maximum (between two
/// consecutive maxima, bins `p₁+3 ..= p₂−3`). With exactly one maximum openSMILE
/// zeroes everything from bin 3 on, wherever the maximum is; this reproduces it.
///
/// The maxima are found on the unchanged spectrum (no zeroed bin is ever
/// read by a later test), so they are flagged first, and a bin between the
/// first and the last maximum is zeroed unless a maximum lies within 2 of
/// it: branch-free passes that vectorise, instead of a fill per gap.
#[inline(always)]
pub fn keep_peaks(a: &mut [f64], flags: &mut Vec<u8>) {
    let keep = kept_bins(a, flags);
    for (v, &k) in a.iter_mut().zip(keep) {
        *v = zero_unless(*v, k);
    }
}

/// `v` if `keep` is 1, else +0.0: an AND of the bits, which the compiler keeps
/// as plain loads and stores (a select here became a masked store, slow on
/// AMD processors).
#[inline(always)]
fn zero_unless(v: f64, keep: u8) -> f64 {
    f64::from_bits(v.to_bits() & u64::from(keep).wrapping_neg())
}

/// One 0/1 byte per bin of `a`: the bins [`keep_peaks`] keeps. `flags` is
/// reused scratch (the maxima with two zero bytes each side, then the result).
#[inline(always)]
fn kept_bins<'a, T: PartialOrd + Copy>(a: &[T], flags: &'a mut Vec<u8>) -> &'a [u8] {
    let n = a.len();
    flags.resize(2 * n + 4, 1);
    let (peak, keep) = flags.split_at_mut(n + 4);
    if n < 2 {
        keep.fill(1);
        return keep;
    }
    peak[..2].fill(0);
    peak[n + 2..].fill(0);
    peak[2] = u8::from(a[0] > a[1]);
    for (i, f) in peak[3..n + 1].iter_mut().enumerate() {
        *f = u8::from((a[i + 1] > a[i]) & (a[i + 1] >= a[i + 2]));
    }
    peak[n + 1] = u8::from(a[n - 1] > a[n - 2]);
    let first = peak.iter().position(|&f| f != 0);
    let last = peak.iter().rposition(|&f| f != 0);
    let (first, last) = match (first, last) {
        (Some(first), Some(last)) if first != last => (first - 2, last - 2),
        (first, _) => {
            // none: all kept; one: the first three only
            for (i, k) in keep.iter_mut().enumerate() {
                *k = u8::from(first.is_none() || i < 3);
            }
            return keep;
        }
    };
    // bin i is peak[i + 2]: near a maximum if any of peak[i..=i + 4] is set
    // (five shifted slices OR-ed, which vectorises); kept anyway outside
    // first..=last
    let keep = &mut keep[..n];
    let (p0, p1, p2, p3, p4) = (
        &peak[..n],
        &peak[1..n + 1],
        &peak[2..n + 2],
        &peak[3..n + 3],
        &peak[4..n + 4],
    );
    for i in 0..n {
        keep[i] = u8::from((p0[i] | p1[i] | p2[i] | p3[i] | p4[i]) != 0);
    }
    keep[..first].fill(1);
    keep[last + 1..].fill(1);
    keep
}

/// Calls `f(i, a)` for every strict local maximum `a[i]` (above both
/// neighbours) with `i` in `lo..hi` (`lo ≥ 1`, `hi < a.len()`), in order. The
/// tests run branch-free 64 bins at a time into a bit mask before any `f` of
/// that block runs, so `f` may change bins those tests have already read.
#[inline(always)]
fn for_each_peak(lo: usize, hi: usize, a: &mut [f32], f: &mut impl FnMut(usize, &mut [f32])) {
    assert!(lo >= 1 && hi < a.len());
    let mut base = lo;
    while base < hi {
        let end = (base + 64).min(hi);
        let mut mask = peak_bits(a, base, end);
        while mask != 0 {
            f(base + mask.trailing_zeros() as usize, a);
            mask &= mask - 1;
        }
        base = end;
    }
}

/// Bit k set: `a[base + k]` is above both neighbours (`base ≥ 1`, `end ≤
/// base + 64`, `end < a.len()`); with AVX eight bins per comparison.
#[inline(always)]
fn peak_bits(a: &[f32], base: usize, end: usize) -> u64 {
    // the bounds are the caller's, as the AVX build asserts
    return_if_avx!(peak_bits_avx(a, base, end));
    peak_bits_plain(a, base, end, 0)
}

/// [`peak_bits`] from bit `from` on, one bin at a time.
#[inline(always)]
fn peak_bits_plain(a: &[f32], base: usize, end: usize, from: usize) -> u64 {
    let mut mask = 0u64;
    for k in from..end - base {
        let i = base + k;
        mask |= u64::from((a[i - 1] < a[i]) & (a[i] > a[i + 1])) << k;
    }
    mask
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx,avx2,fma")]
unsafe fn peak_bits_avx(a: &[f32], base: usize, end: usize) -> u64 {
    use std::arch::x86_64::*;
    assert!(base >= 1 && end < a.len() && end - base <= 64);
    let p = a.as_ptr();
    let mut mask = 0u64;
    let mut k = 0;
    while base + k + 8 <= end {
        let at = p.add(base + k);
        let (left, centre, right) = (
            _mm256_loadu_ps(at.sub(1)),
            _mm256_loadu_ps(at),
            _mm256_loadu_ps(at.add(1)),
        );
        let peak = _mm256_and_ps(
            _mm256_cmp_ps::<_CMP_LT_OQ>(left, centre),
            _mm256_cmp_ps::<_CMP_GT_OQ>(centre, right),
        );
        mask |= (_mm256_movemask_ps(peak) as u32 as u64) << k;
        k += 8;
    }
    mask | peak_bits_plain(a, base, end, k)
}

/// `out[i] = (x[i−1] + 2x[i] + x[i+1])/4` for all but the last bin (`x[−1] =
/// 0`), which is copied. Out of place, so every term is a plain load and the
/// arithmetic vectorises.
#[inline(always)]
pub fn smooth_121(x: &[f64], out: &mut Vec<f64>) {
    out.clear();
    let n = x.len();
    if n < 2 {
        out.extend_from_slice(x);
        return;
    }
    out.push((0.0 + 2.0 * x[0] + x[1]) / 4.0);
    out.extend(
        x[..n - 2]
            .iter()
            .zip(&x[1..n - 1])
            .zip(&x[2..])
            .map(|((&before, &cur), &next)| (before + 2.0 * cur + next) / 4.0),
    );
    out.push(x[n - 1]);
}

/// Subharmonic summation settings.
#[derive(Debug, Clone, Copy)]
pub struct ShsOptions {
    /// Harmonics summed (including the fundamental).
    pub harmonics: usize,
    /// Weight factor per harmonic: harmonic h weighs `compression^(h−1)`.
    pub compression: f32,
    /// Candidates kept.
    pub candidates: usize,
    /// `true`: keep the highest-scoring peaks; `false`: keep the last peaks that
    /// each beat every earlier one, scanning up in frequency (the 2010 algorithm).
    pub greedy: bool,
    /// Candidates outside [min, max] Hz are dropped.
    pub min_pitch: f32,
    pub max_pitch: f32,
}

/// Pitch candidates of one frame, best first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PitchCandidates {
    pub f0: Vec<f32>,
    pub voicing: Vec<f32>,
    pub score: Vec<f32>,
}

/// Subharmonic summation over a log2-frequency spectrum.
#[derive(Debug, Clone)]
pub struct SubharmonicSummation {
    opts: ShsOptions,
    shifts: Vec<usize>,
    log2_min: f32,
    log2_step: f32,
}

impl SubharmonicSummation {
    /// `scale` describes the input axis (from [`LogFrequencySpectrum`]).
    pub fn new(opts: ShsOptions, n_points: usize, scale: &LogFrequencySpectrum) -> Self {
        let ppo = f64::from(scale.points_per_octave);
        let shifts = (2..=opts.harmonics)
            .map(|h| (ppo * log2(h as f64)).floor() as usize)
            .collect();
        SubharmonicSummation {
            opts,
            shifts,
            log2_min: scale.log2_min,
            log2_step: (scale.log2_max - scale.log2_min) / (n_points as f32 - 1.0),
        }
    }

    /// The subharmonic sum `SS[j] = (X[j] + Σ_{h≥2} c^{h−1}·X[j+s_h]) / H`, floored at 0.
    pub fn sum(&self, x: &[f32], ss: &mut Vec<f32>) {
        return_if_avx!(self.sum_avx(x, ss));
        self.sum_plain(x, ss)
    }

    /// [`SubharmonicSummation::sum`] compiled for AVX: the same operations, 8 lanes wide.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx,avx2,fma")]
    unsafe fn sum_avx(&self, x: &[f32], ss: &mut Vec<f32>) {
        self.sum_plain(x, ss)
    }

    #[inline(always)]
    fn sum_plain(&self, x: &[f32], ss: &mut Vec<f32>) {
        ss.clear();
        ss.extend_from_slice(x);
        let mut w = self.opts.compression;
        for &s in &self.shifts {
            if s < x.len() {
                for (o, &v) in ss.iter_mut().zip(&x[s..]) {
                    *o += v * w;
                }
            }
            w *= self.opts.compression;
        }
        let h = self.opts.harmonics as f32;
        for v in ss.iter_mut() {
            *v /= h;
            if *v < 0.0 {
                *v = 0.0;
            }
        }
    }

    /// Candidates from one log-frequency spectrum. Voicing is `1 − mean(SS)/score`.
    pub fn detect(&self, x: &[f32], ss: &mut Vec<f32>) -> PitchCandidates {
        self.sum(x, ss);
        let [mean] = means_in_order([&ss[..]]);
        self.candidates(ss, mean)
    }

    /// [`SubharmonicSummation::detect`] for `G` groups of four spectra,
    /// bit-identical to single calls: each group's four means (sequential
    /// sums, a chain of dependent adds each) are summed side by side in one
    /// register, the groups' chains interleaved.
    pub fn detect_groups<const G: usize>(
        &self,
        xs: [[&[f32]; 4]; G],
        ss: &mut [[Vec<f32>; 4]; G],
    ) -> [[PitchCandidates; 4]; G] {
        for (xs, ss) in xs.iter().zip(ss.iter_mut()) {
            for (x, s) in xs.iter().zip(ss.iter_mut()) {
                self.sum(x, s);
            }
        }
        let means = means_by_fours(ss.each_ref().map(|g| g.each_ref().map(|s| &s[..])));
        std::array::from_fn(|g| {
            std::array::from_fn(|l| self.candidates(&mut ss[g][l], means[g][l]))
        })
    }

    /// Candidates from a subharmonic sum and its mean.
    fn candidates(&self, ss: &mut [f32], mean: f64) -> PitchCandidates {
        let n = ss.len();
        let nc = self.opts.candidates;
        let mut idx = vec![0usize; nc];
        let mut score = vec![0.0f32; nc];
        let mut found = 0usize;
        let greedy = self.opts.greedy;
        let mut take = |i: usize, ss: &mut [f32]| {
            if greedy {
                // scores are positive and kept in descending order, zeros last:
                // a peak enters only if it beats the last or the list has room
                if score[nc - 1] != 0.0 && score[nc - 1] >= ss[i] {
                    return;
                }
                if let Some(j) = (0..nc).find(|&j| score[j] == 0.0 || score[j] < ss[i]) {
                    for jj in (j + 1..nc).rev() {
                        score[jj] = score[jj - 1];
                        idx[jj] = idx[jj - 1];
                    }
                    idx[j] = i;
                    score[j] = ss[i];
                    found = (found + 1).min(nc);
                }
            } else if ss[i] > score[0] || score[0] == 0.0 {
                for j in (1..nc).rev() {
                    score[j] = score[j - 1];
                    idx[j] = idx[j - 1];
                }
                idx[0] = i;
                score[0] = ss[i];
                found = (found + 1).min(nc);
            }
        };
        for_each_peak(1, n - 1, ss, &mut take);

        let mut f0 = vec![0.0f32; nc];
        let mut voicing = vec![0.0f32; nc];
        for c in 0..found {
            let j = idx[c];
            let jf = j as f32;
            let x1 = jf * self.log2_step + self.log2_min;
            let x2 = (jf + 1.0) * self.log2_step + self.log2_min;
            let x0 = (jf - 1.0) * self.log2_step + self.log2_min;
            let (vx, vy) = parabola_vertex(
                (f64::from(x0), f64::from(ss[j - 1])),
                (f64::from(x1), f64::from(ss[j])),
                (f64::from(x2), f64::from(ss[j + 1])),
            );
            f0[c] = (vx * 2f64.ln()).exp() as f32;
            score[c] = vy as f32;
            voicing[c] = if vy > 0.0 && vy > mean {
                (1.0 - mean / vy) as f32
            } else {
                0.0
            };
        }
        for s in score.iter_mut().skip(found) {
            *s = 0.0;
        }

        // Drop candidates outside the pitch range, closing the gaps.
        let mut remaining = found;
        let mut i = 0isize;
        while (i as usize) < nc && remaining > 0 {
            let iu = i as usize;
            if f0[iu] > self.opts.max_pitch || f0[iu] < self.opts.min_pitch {
                let was = f0[iu];
                for j in iu + 1..nc {
                    f0[j - 1] = f0[j];
                    voicing[j - 1] = voicing[j];
                    score[j - 1] = score[j];
                }
                f0[nc - 1] = 0.0;
                voicing[nc - 1] = 0.0;
                score[nc - 1] = 0.0;
                if was > 0.0 {
                    remaining -= 1;
                    i -= 1;
                }
            }
            i += 1;
        }
        // Best score first.
        let mut best = 0;
        for i in 1..nc {
            if score[i] > score[best] {
                best = i;
            }
        }
        f0.swap(0, best);
        voicing.swap(0, best);
        score.swap(0, best);
        PitchCandidates { f0, voicing, score }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keep_peaks_between_two_maxima() {
        let mut a = vec![0.0, 5.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 6.0, 0.0];
        keep_peaks(&mut a, &mut Vec::new());
        // peaks at 1 and 8: zero bins 4..=5
        assert_eq!(a, vec![0.0, 5.0, 1.0, 1.0, 0.0, 0.0, 1.0, 1.0, 6.0, 0.0]);
        // no maximum: all kept; one: the first three bins only
        let mut flat = vec![1.0; 6];
        keep_peaks(&mut flat, &mut Vec::new());
        assert_eq!(flat, vec![1.0; 6]);
        let mut rising = vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        keep_peaks(&mut rising, &mut Vec::new());
        assert_eq!(rising, vec![1.0, 2.0, 3.0, 0.0, 0.0, 0.0]);
    }

    /// The definition, written plainly: flags first, then zeroing.
    fn keep_peaks_plain(a: &mut [f64]) {
        let n = a.len();
        let mut peak = vec![false; n];
        peak[0] = a[0] > a[1];
        for i in 1..n - 1 {
            peak[i] = a[i] > a[i - 1] && a[i] >= a[i + 1];
        }
        peak[n - 1] = a[n - 1] > a[n - 2];
        let p: Vec<usize> = (0..n).filter(|&i| peak[i]).collect();
        for w in p.windows(2) {
            if w[1] >= w[0] + 6 {
                a[w[0] + 3..=w[1] - 3].fill(0.0);
            }
        }
        if p.len() == 1 {
            a[3..].fill(0.0);
        }
    }

    #[test]
    fn keep_peaks_matches_its_definition_on_random_spectra() {
        let mut state = 7u64;
        // one scratch for all trials, as the analysers reuse theirs
        let mut scratch = vec![1u8; 9];
        for trial in 0..504 {
            // and four of over 4096 bins
            let n = if trial < 500 {
                2 + trial % 300
            } else {
                4090 + 3 * trial % 17
            };
            // few distinct values, so plateaus and ties occur
            let mut a: Vec<f64> = (0..n)
                .map(|_| {
                    state = state
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    ((state >> 60) % (2 + (trial as u64 % 7))) as f64
                })
                .collect();
            let mut b = a.clone();
            keep_peaks(&mut a, &mut scratch);
            if n >= 4 {
                keep_peaks_plain(&mut b);
                assert_eq!(a, b, "n = {n}");
            }
        }
    }

    #[test]
    fn four_means_at_once_are_the_means_in_order() {
        for n in [2usize, 3, 5, 6, 9, 513] {
            let ss: Vec<Vec<f32>> = (0..4)
                .map(|l| {
                    (0..n)
                        .map(|i| ((i * (l + 3)) as f32 * 0.37).sin() * 1e3)
                        .collect()
                })
                .collect();
            let four = [&ss[0][..], &ss[1][..], &ss[2][..], &ss[3][..]];
            let want = means_in_order(four);
            let two = [four, [four[3], four[2], four[1], four[0]]];
            let [got, reversed] = means_by_fours(two);
            for (l, m) in got.iter().enumerate() {
                assert_eq!(m.to_bits(), want[l].to_bits(), "n = {n}");
                assert_eq!(reversed[3 - l].to_bits(), want[l].to_bits());
                let one: [f64; 1] = means_in_order([four[l]]);
                assert_eq!(m.to_bits(), one[0].to_bits());
            }
        }
    }

    #[test]
    fn peak_masks_match_the_definition() {
        let mut state = 11u64;
        for n in [3usize, 9, 64, 65, 66, 130, 513] {
            // few distinct values (ties), and a NaN now and then
            let a: Vec<f32> = (0..n)
                .map(|_| {
                    state = state
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    match (state >> 59) % 9 {
                        8 => f32::NAN,
                        v => v as f32 - 2.0,
                    }
                })
                .collect();
            let mut base = 1;
            while base < n - 1 {
                let end = (base + 64).min(n - 1);
                let want: u64 = (base..end)
                    .filter(|&i| a[i - 1] < a[i] && a[i] > a[i + 1])
                    .map(|i| 1u64 << (i - base))
                    .sum();
                assert_eq!(peak_bits(&a, base, end), want, "n = {n}, base = {base}");
                assert_eq!(peak_bits_plain(&a, base, end, 0), want);
                base = end;
            }
        }
    }

    #[test]
    fn smoothing_121() {
        let mut a = Vec::new();
        smooth_121(&[4.0, 0.0, 8.0, 4.0], &mut a);
        assert_eq!(a, vec![2.0, 3.0, 5.0, 4.0]);
        // the vectorised loop gives the bits of the definition, at every length
        // (the first bin's 0 + 2·(−0) is +0, as the definition's)
        for n in 0usize..40 {
            let x: Vec<f64> = (0..n)
                .map(|i| {
                    if i == 0 {
                        -0.0
                    } else {
                        ((i * 37 % 11) as f64 * 0.3).sin()
                    }
                })
                .collect();
            let mut want = x.clone();
            let mut prev = 0.0;
            for i in 0..n.saturating_sub(1) {
                let cur = want[i];
                want[i] = (prev + 2.0 * cur + want[i + 1]) / 4.0;
                prev = cur;
            }
            let mut got = vec![7.0; 3];
            smooth_121(&x, &mut got);
            assert_eq!(
                got.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
                want.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
                "n = {n}"
            );
        }
    }

    #[test]
    fn harmonic_comb_peaks_at_the_fundamental() {
        // A synthetic log-frequency spectrum with peaks at 200, 400, ..., 3000 Hz.
        let n = 513;
        let scale = LogFrequencySpectrum::new(
            n,
            15.625,
            LogScaleOptions {
                min_hz: 25.0,
                enhance_peaks: false,
                smooth: false,
                auditory_weighting: false,
            },
        );
        let step = (scale.log2_max - scale.log2_min) / (n as f32 - 1.0);
        let x: Vec<f32> = (0..n)
            .map(|i| {
                let f = 2f32.powf(scale.log2_min + i as f32 * step);
                (1..=15)
                    .map(|h| {
                        let d = (f / (200.0 * h as f32)).log2() * 40.0;
                        (-d * d).exp()
                    })
                    .sum()
            })
            .collect();
        let shs = SubharmonicSummation::new(
            ShsOptions {
                harmonics: 15,
                compression: 0.85,
                candidates: 3,
                greedy: false,
                min_pitch: 52.0,
                max_pitch: 620.0,
            },
            n,
            &scale,
        );
        let c = shs.detect(&x, &mut Vec::new());
        assert!((c.f0[0] - 200.0).abs() < 4.0, "{:?}", c);
        assert!(c.voicing[0] > 0.5);
        // the AVX sum (taken here where the processor has it) and the plain one agree
        let (mut a, mut b) = (Vec::new(), Vec::new());
        shs.sum(&x, &mut a);
        shs.sum_plain(&x, &mut b);
        assert!(a.iter().zip(&b).all(|(p, q)| p.to_bits() == q.to_bits()));
    }
}
