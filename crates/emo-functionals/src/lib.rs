//! Statistics over a contour ("functionals"), with openSMILE's definitions:
//! positions are raw frame indices, regression errors are divided by N,
//! moments are population moments, kurtosis is Pearson's (normal = 3),
//! percentiles interpolate linearly between order statistics.
//!
//! Arithmetic is double precision; min, max and mean are rounded to `f32` once
//! (as openSMILE shares them between functionals), and so are the outputs.
// Index loops mirror the formulas they implement (x[n−i], x[n+i]).
#![allow(clippy::needless_range_loop)]

pub mod peaks;
pub mod segments;
mod select;

thread_local! {
    /// A contour's order keys and the selection's scratch, reused.
    static SCRATCH: std::cell::RefCell<(Vec<i32>, Vec<i32>)> =
        const { std::cell::RefCell::new((Vec::new(), Vec::new())) };
}

/// The 21 functionals of IS10, in output order, with openSMILE's names.
pub const NAMES: [&str; 21] = [
    "maxPos",
    "minPos",
    "amean",
    "linregc1",
    "linregc2",
    "linregerrA",
    "linregerrQ",
    "stddev",
    "skewness",
    "kurtosis",
    "quartile1",
    "quartile2",
    "quartile3",
    "iqr1-2",
    "iqr2-3",
    "iqr1-3",
    "percentile1.0",
    "percentile99.0",
    "pctlrange0-1",
    "upleveltime75",
    "upleveltime90",
];

/// The 19 functionals of the pitch group: all but `percentile1.0` and `pctlrange0-1`.
pub fn pitch_group_names() -> Vec<&'static str> {
    NAMES
        .iter()
        .copied()
        .filter(|n| *n != "percentile1.0" && *n != "pctlrange0-1")
        .collect()
}

/// Index of the first maximum and first minimum.
pub fn extreme_positions(x: &[f32]) -> (usize, usize) {
    let p = first_pass(x);
    (p.imax, p.imin)
}

/// What one pass over a contour gives: the first maximum and minimum, and
/// Σx and Σi·x in double.
struct FirstPass {
    imax: usize,
    imin: usize,
    sum: f64,
    weighted: f64,
}

/// One contour's [`first_pass_lanes`].
fn first_pass(x: &[f32]) -> FirstPass {
    let [p] = first_pass_lanes([x]);
    p
}

/// Arithmetic mean (double accumulation), rounded to `f32`.
pub fn mean(x: &[f32]) -> f32 {
    mean_of_sum(first_pass(x).sum, x.len())
}

fn mean_of_sum(sum: f64, n: usize) -> f32 {
    if n == 0 {
        return 0.0;
    }
    (sum / n as f64) as f32
}

/// Least-squares line `x̂_i = m·i + t`: returns (m, t, mean |e|, mean e²).
pub fn linear_regression(x: &[f32], mean: f32) -> (f64, f64, f64, f64) {
    let (m, t) = regression_line(x, first_pass(x).weighted, mean);
    let s = spread_sums(x, m, t, mean);
    regression_result(x, m, t, &s)
}

/// Slope and offset of the least-squares line from Σi·x and the mean.
fn regression_line(x: &[f32], weighted: f64, mean: f32) -> (f64, f64) {
    let n = x.len() as f64;
    if x.len() < 2 {
        return (0.0, 0.0);
    }
    let s1 = n * (n - 1.0) / 2.0;
    let s2 = n * (n - 1.0) * (2.0 * n - 1.0) / 6.0;
    let asum = f64::from(mean) * n;
    let t = (asum - weighted * s1 / s2) / (n - s1 * s1 / s2);
    let m = (weighted - t * s1) / s2;
    (m, t)
}

fn regression_result(x: &[f32], m: f64, t: f64, s: &SpreadSums) -> (f64, f64, f64, f64) {
    if x.len() < 2 {
        return (0.0, x.first().map_or(0.0, |&v| f64::from(v)), 0.0, 0.0);
    }
    let n = x.len() as f64;
    let fin = |v: f64| if v.is_finite() { v } else { 0.0 };
    (fin(m), fin(t), fin(s.abs_error / n), fin(s.sq_error / n))
}

/// Σ|e| and Σe² of the residuals from the line `m·i + t`, and Σd², Σd³, Σd⁴
/// of the deviations d from the mean.
struct SpreadSums {
    abs_error: f64,
    sq_error: f64,
    m2: f64,
    m3: f64,
    m4: f64,
}

/// One contour's [`spread_sums_lanes`].
fn spread_sums(x: &[f32], m: f64, t: f64, mean: f32) -> SpreadSums {
    let [s] = spread_sums_lanes([x], [m], [t], [mean]);
    s
}

/// The first pass over `L` contours of one length: the extremes, and Σx
/// and Σi·x, both in index order from −0.0, as `Iterator::sum` adds. All of
/// it runs side by side, within a contour and across the contours, each
/// with its own order of operations, so the chains of dependent additions
/// overlap.
fn first_pass_lanes<const L: usize>(xs: [&[f32]; L]) -> [FirstPass; L] {
    let n = xs[0].len();
    assert!(xs.iter().all(|x| x.len() == n));
    let (mut imax, mut imin) = ([0usize; L], [0usize; L]);
    let first = xs.map(|x| x.first().copied().unwrap_or(0.0));
    let (mut max, mut min) = (first, first);
    let (mut sum, mut weighted) = ([-0.0f64; L], [-0.0f64; L]);
    for i in 0..n {
        let fi = i as f64;
        for l in 0..L {
            let v = xs[l][i];
            if v > max[l] {
                (max[l], imax[l]) = (v, i);
            }
            if v < min[l] {
                (min[l], imin[l]) = (v, i);
            }
            let d = f64::from(v);
            sum[l] += d;
            weighted[l] += fi * d;
        }
    }
    std::array::from_fn(|l| FirstPass {
        imax: imax[l],
        imin: imin[l],
        sum: sum[l],
        weighted: weighted[l],
    })
}

/// The [`SpreadSums`] of `L` contours of one length (each its own line and
/// mean): each sum from 0.0 in index order, all of them side by side
/// (independent chains of additions).
fn spread_sums_lanes<const L: usize>(
    xs: [&[f32]; L],
    m: [f64; L],
    t: [f64; L],
    mean: [f32; L],
) -> [SpreadSums; L] {
    let n = xs[0].len();
    assert!(xs.iter().all(|x| x.len() == n));
    let mu = mean.map(f64::from);
    let mut abs_error = [0.0f64; L];
    let mut sq_error = [0.0f64; L];
    let (mut m2, mut m3, mut m4) = ([0.0f64; L], [0.0f64; L], [0.0f64; L]);
    for i in 0..n {
        let fi = i as f64;
        for l in 0..L {
            let v = f64::from(xs[l][i]);
            let e = v - (m[l] * fi + t[l]);
            abs_error[l] += e.abs();
            sq_error[l] += e * e;
            let d = v - mu[l];
            let d2 = d * d;
            m2[l] += d2;
            m3[l] += d2 * d;
            m4[l] += d2 * d2;
        }
    }
    std::array::from_fn(|l| SpreadSums {
        abs_error: abs_error[l],
        sq_error: sq_error[l],
        m2: m2[l],
        m3: m3[l],
        m4: m4[l],
    })
}

/// Population standard deviation, skewness and (Pearson) kurtosis.
pub fn moments(x: &[f32], mean: f32) -> (f64, f64, f64) {
    moments_result(x.len(), &spread_sums(x, 0.0, 0.0, mean))
}

fn moments_result(len: usize, s: &SpreadSums) -> (f64, f64, f64) {
    let n = len as f64;
    let var = s.m2 / n;
    if var <= 0.0 || !var.is_finite() {
        return (0.0, 0.0, 0.0);
    }
    (
        var.sqrt(),
        s.m3 / (n * var.powf(1.5)),
        s.m4 / (n * var * var),
    )
}

/// Where percentile `p` falls in `n` sorted values: the fractional index
/// p·(n−1) and the two order statistics it interpolates between.
fn percentile_position(n: usize, p: f64) -> (f64, usize, usize) {
    let idx = p * (n.max(1) - 1) as f64;
    (
        idx,
        idx.floor() as usize,
        (idx.ceil() as usize).min(n.max(1) - 1),
    )
}

/// Percentile `p` (0..1) of sorted data, linearly interpolated at index p·(N−1).
/// Only the two order statistics it interpolates between must be in place (see
/// [`place_ranks`]).
pub fn percentile(sorted: &[f32], p: f64) -> f64 {
    percentile_of(sorted.len(), p, |i| sorted[i])
}

/// [`percentile`] of `n` values whose order statistic r is `at(r)`.
fn percentile_of(n: usize, p: f64, at: impl Fn(usize) -> f32) -> f64 {
    if n == 0 {
        return 0.0;
    }
    let (idx, i1, i2) = percentile_position(n, p);
    if i1 == i2 {
        return f64::from(at(i1));
    }
    f64::from(at(i1)) * (i2 as f64 - idx) + f64::from(at(i2)) * (idx - i1 as f64)
}

/// Reorders `v` so that `v[r]` is the r-th smallest value for every rank in
/// `ranks` (ascending), as a full sort would leave it, by
/// selection: a handful of percentiles need far less work than sorting.
pub fn place_ranks<T: Ord>(v: &mut [T], ranks: &[usize]) {
    place_ranks_from(v, ranks, 0)
}

/// [`place_ranks`] on `v`, the stretch of the whole that starts at rank `base`.
fn place_ranks_from<T: Ord>(v: &mut [T], ranks: &[usize], base: usize) {
    if ranks.is_empty() || v.is_empty() {
        return;
    }
    let mid = ranks.len() / 2;
    let r = ranks[mid] - base;
    v.select_nth_unstable(r);
    let (left, right) = v.split_at_mut(r);
    place_ranks_from(left, &ranks[..mid], base);
    place_ranks_from(&mut right[1..], &ranks[mid + 1..], base + r + 1);
}

/// An integer whose order is `f32::total_cmp`'s order of the floats.
fn total_order_key(v: f32) -> i32 {
    let b = v.to_bits() as i32;
    b ^ ((((b >> 31) as u32) >> 1) as i32)
}

/// The float of a [`total_order_key`].
fn from_total_order_key(k: i32) -> f32 {
    f32::from_bits((k ^ ((((k >> 31) as u32) >> 1) as i32)) as u32)
}

/// Fraction of frames above `min + level·(max − min)`.
pub fn up_level_time(x: &[f32], min: f32, max: f32, level: f32) -> f64 {
    let threshold = level * (max - min) + min;
    let below = x.iter().filter(|&&v| v <= threshold).count();
    (x.len() - below) as f64 / x.len() as f64
}

/// The 21 IS10 functionals of one contour (`pitch_group`: the 19 of the pitch
/// group). An empty contour gives zeros.
pub fn is10_functionals(x: &[f32], pitch_group: bool, out: &mut Vec<f32>) {
    let count = if pitch_group { 19 } else { 21 };
    if x.is_empty() {
        out.extend(std::iter::repeat_n(0.0, count));
        return;
    }
    let first = first_pass(x);
    let mu = mean_of_sum(first.sum, x.len());
    let (m, t) = regression_line(x, first.weighted, mu);
    let spread = spread_sums(x, m, t, mu);
    is10_from_sums(x, pitch_group, &first, (m, t), &spread, out);
}

/// [`is10_functionals`] of four contours of one length, not of the pitch
/// group, one after another in `out`: bit-identical to four calls, with the
/// passes that add in order run over the four side by side.
pub fn is10_functionals4(xs: [&[f32]; 4], out: &mut Vec<f32>) {
    let n = xs[0].len();
    if n == 0 || xs.iter().any(|x| x.len() != n) {
        for x in xs {
            is10_functionals(x, false, out);
        }
        return;
    }
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
        // SAFETY: AVX2 and FMA are available (checked just above).
        return unsafe { is10_functionals4_avx(xs, out) };
    }
    is10_functionals4_plain(xs, out)
}

/// [`is10_functionals4`] with its two passes in AVX registers.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx,avx2,fma")]
unsafe fn is10_functionals4_avx(xs: [&[f32]; 4], out: &mut Vec<f32>) {
    // SAFETY (both passes): AVX2 and FMA are available, as this function's caller checked.
    is10_functionals4_with(
        xs,
        |xs| unsafe { avx::first_pass4(xs) },
        |xs, m, t, mu| unsafe { avx::spread_sums4(xs, m, t, mu) },
        out,
    )
}

#[inline(always)]
fn is10_functionals4_plain(xs: [&[f32]; 4], out: &mut Vec<f32>) {
    is10_functionals4_with(xs, first_pass_lanes, spread_sums_lanes, out)
}

/// [`is10_functionals4`] with the two passes given.
#[inline(always)]
fn is10_functionals4_with(
    xs: [&[f32]; 4],
    first_pass: impl Fn([&[f32]; 4]) -> [FirstPass; 4],
    spread_sums: impl Fn([&[f32]; 4], [f64; 4], [f64; 4], [f32; 4]) -> [SpreadSums; 4],
    out: &mut Vec<f32>,
) {
    let firsts = first_pass(xs);
    let mus: [f32; 4] = std::array::from_fn(|l| mean_of_sum(firsts[l].sum, xs[l].len()));
    let lines: [(f64, f64); 4] =
        std::array::from_fn(|l| regression_line(xs[l], firsts[l].weighted, mus[l]));
    let spreads = spread_sums(xs, lines.map(|l| l.0), lines.map(|l| l.1), mus);
    for l in 0..4 {
        is10_from_sums(xs[l], false, &firsts[l], lines[l], &spreads[l], out);
    }
}

/// The two passes of four contours with the four in one AVX register: the
/// values are read four frames at a time from each and transposed, then each
/// lane does its contour's operations in its order (separate multiplies and
/// adds, no fused ones), so the results are those of the portable loops.
#[cfg(target_arch = "x86_64")]
mod avx {
    use super::{FirstPass, SpreadSums};
    use std::arch::x86_64::*;

    /// Frame i of the four contours as four doubles, for every i in order.
    #[inline(always)]
    unsafe fn for_each_frame(xs: [&[f32]; 4], mut f: impl FnMut(__m256d)) {
        let n = xs[0].len();
        assert!(xs.iter().all(|x| x.len() == n));
        let mut i = 0;
        while i + 4 <= n {
            let mut r: [__m128; 4] = std::array::from_fn(|l| _mm_loadu_ps(xs[l].as_ptr().add(i)));
            // transpose: r[q] holds frame i+q of the four
            let t0 = _mm_unpacklo_ps(r[0], r[1]);
            let t1 = _mm_unpacklo_ps(r[2], r[3]);
            let t2 = _mm_unpackhi_ps(r[0], r[1]);
            let t3 = _mm_unpackhi_ps(r[2], r[3]);
            r = [
                _mm_movelh_ps(t0, t1),
                _mm_movehl_ps(t1, t0),
                _mm_movelh_ps(t2, t3),
                _mm_movehl_ps(t3, t2),
            ];
            for v in r {
                f(_mm256_cvtps_pd(v));
            }
            i += 4;
        }
        for i in i..n {
            f(_mm256_setr_pd(
                f64::from(xs[0][i]),
                f64::from(xs[1][i]),
                f64::from(xs[2][i]),
                f64::from(xs[3][i]),
            ));
        }
    }

    fn lanes(v: __m256d) -> [f64; 4] {
        let mut a = [0.0; 4];
        // SAFETY: `a` has room for four doubles.
        unsafe { _mm256_storeu_pd(a.as_mut_ptr(), v) };
        a
    }

    /// [`super::first_pass_lanes`] of four contours.
    #[target_feature(enable = "avx,avx2,fma")]
    pub(super) unsafe fn first_pass4(xs: [&[f32]; 4]) -> [FirstPass; 4] {
        assert!(!xs[0].is_empty());
        let first = _mm256_setr_pd(
            f64::from(xs[0][0]),
            f64::from(xs[1][0]),
            f64::from(xs[2][0]),
            f64::from(xs[3][0]),
        );
        let (mut max, mut min) = (first, first);
        let (mut imax, mut imin) = (_mm256_setzero_pd(), _mm256_setzero_pd());
        let (mut sum, mut weighted) = (_mm256_set1_pd(-0.0), _mm256_set1_pd(-0.0));
        // frame indices are whole numbers, exact in double
        let mut fi = _mm256_setzero_pd();
        for_each_frame(xs, |d| {
            let above = _mm256_cmp_pd::<_CMP_GT_OQ>(d, max);
            max = _mm256_blendv_pd(max, d, above);
            imax = _mm256_blendv_pd(imax, fi, above);
            let below = _mm256_cmp_pd::<_CMP_LT_OQ>(d, min);
            min = _mm256_blendv_pd(min, d, below);
            imin = _mm256_blendv_pd(imin, fi, below);
            sum = _mm256_add_pd(sum, d);
            weighted = _mm256_add_pd(weighted, _mm256_mul_pd(fi, d));
            fi = _mm256_add_pd(fi, _mm256_set1_pd(1.0));
        });
        let (imax, imin, sum, weighted) = (lanes(imax), lanes(imin), lanes(sum), lanes(weighted));
        std::array::from_fn(|l| FirstPass {
            imax: imax[l] as usize,
            imin: imin[l] as usize,
            sum: sum[l],
            weighted: weighted[l],
        })
    }

    /// [`super::spread_sums_lanes`] of four contours.
    #[target_feature(enable = "avx,avx2,fma")]
    pub(super) unsafe fn spread_sums4(
        xs: [&[f32]; 4],
        m: [f64; 4],
        t: [f64; 4],
        mean: [f32; 4],
    ) -> [SpreadSums; 4] {
        let ld = |a: [f64; 4]| _mm256_loadu_pd(a.as_ptr());
        let (m, t, mu) = (ld(m), ld(t), ld(mean.map(f64::from)));
        let sign = _mm256_set1_pd(-0.0);
        let zero = _mm256_setzero_pd();
        let (mut abs_error, mut sq_error) = (zero, zero);
        let (mut m2, mut m3, mut m4) = (zero, zero, zero);
        let mut fi = zero;
        for_each_frame(xs, |v| {
            let e = _mm256_sub_pd(v, _mm256_add_pd(_mm256_mul_pd(m, fi), t));
            abs_error = _mm256_add_pd(abs_error, _mm256_andnot_pd(sign, e));
            sq_error = _mm256_add_pd(sq_error, _mm256_mul_pd(e, e));
            let d = _mm256_sub_pd(v, mu);
            let d2 = _mm256_mul_pd(d, d);
            m2 = _mm256_add_pd(m2, d2);
            m3 = _mm256_add_pd(m3, _mm256_mul_pd(d2, d));
            m4 = _mm256_add_pd(m4, _mm256_mul_pd(d2, d2));
            fi = _mm256_add_pd(fi, _mm256_set1_pd(1.0));
        });
        let [ea, eq, m2, m3, m4] = [abs_error, sq_error, m2, m3, m4].map(lanes);
        std::array::from_fn(|l| SpreadSums {
            abs_error: ea[l],
            sq_error: eq[l],
            m2: m2[l],
            m3: m3[l],
            m4: m4[l],
        })
    }
}

/// The IS10 functionals of a non-empty contour once its two passes are done.
fn is10_from_sums(
    x: &[f32],
    pitch_group: bool,
    first: &FirstPass,
    (m, t): (f64, f64),
    spread: &SpreadSums,
    out: &mut Vec<f32>,
) {
    let (imax, imin) = (first.imax, first.imin);
    let (max, min) = (x[imax], x[imin]);
    let mu = mean_of_sum(first.sum, x.len());
    let (m, t, ea, eq) = regression_result(x, m, t, spread);
    let (sd, skew, kurt) = moments_result(x.len(), spread);
    const PERCENTILES: [f64; 5] = [0.01, 0.25, 0.5, 0.75, 0.99];
    let mut ranks = PERCENTILES
        .map(|p| percentile_position(x.len(), p))
        .map(|(_, a, b)| [a, b]);
    let ranks = ranks.as_flattened_mut();
    ranks.sort_unstable();
    // the distinct ranks first (an index falls on a rank for both its neighbours)
    let mut distinct = 0;
    for i in 0..ranks.len() {
        if i == 0 || ranks[i] != ranks[distinct - 1] {
            ranks[distinct] = ranks[i];
            distinct += 1;
        }
    }
    let ranks = &ranks[..distinct];
    // integer keys in `f32::total_cmp` order: comparisons of plain integers
    let mut values = [0i32; 10];
    SCRATCH.with(|s| {
        let (keys, work) = &mut *s.borrow_mut();
        keys.clear();
        keys.extend(x.iter().map(|&v| total_order_key(v)));
        select::values_at_ranks(keys, ranks, &mut values[..distinct], work);
    });
    // `percentile_of` asks only for the ranks listed
    let at = |r: usize| from_total_order_key(values[ranks.partition_point(|&q| q < r)]);
    let [p1, q1, q2, q3, p99] = PERCENTILES.map(|p| percentile_of(x.len(), p, at) as f32);
    out.extend([
        imax as f32,
        imin as f32,
        mu,
        m as f32,
        t as f32,
        ea as f32,
        eq as f32,
        sd as f32,
        skew as f32,
        kurt as f32,
        q1,
        q2,
        q3,
        q2 - q1,
        q3 - q2,
        q3 - q1,
    ]);
    if !pitch_group {
        out.push(p1);
    }
    out.push(p99);
    if !pitch_group {
        out.push((p99 - p1).abs());
    }
    out.push(up_level_time(x, min, max, 0.75) as f32);
    out.push(up_level_time(x, min, max, 0.9) as f32);
}

/// Number of onsets: upward crossings of `threshold`, counting a start above it.
pub fn onsets(x: &[f32], threshold: f32) -> usize {
    let mut above = x.first().is_some_and(|&v| v > threshold);
    let mut n = 0;
    for &v in x.iter().skip(1) {
        if v > threshold && !above {
            n += 1;
            above = true;
        } else if v <= threshold && above {
            above = false;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(x: &[f32]) -> Vec<f32> {
        let mut v = Vec::new();
        is10_functionals(x, false, &mut v);
        v
    }

    #[test]
    fn hand_worked_small_contour() {
        // x = 1 3 2 5 4
        let f = all(&[1.0, 3.0, 2.0, 5.0, 4.0]);
        assert_eq!(f[0], 3.0); // maxPos
        assert_eq!(f[1], 0.0); // minPos
        assert_eq!(f[2], 3.0); // mean
                               // slope: sum (i-2)(x-3) / sum (i-2)^2 = (4 + 0 + 0 + 2 + 2)/10 = 0.8, t = 3 - 0.8*2 = 1.4
        assert!((f[3] - 0.8).abs() < 1e-6 && (f[4] - 1.4).abs() < 1e-6);
        // residuals: -0.4, 0.8, -1.0, 1.2, -0.6 -> mean |e| = 0.8, mean e^2 = 0.72
        assert!((f[5] - 0.8).abs() < 1e-6 && (f[6] - 0.72).abs() < 1e-6);
        // population sd = sqrt(2), skew 0, kurtosis = (16+1+1+16+0... ) : d = -2 0 -1 2 1
        assert!((f[7] - 2f32.sqrt()).abs() < 1e-6);
        assert!(f[8].abs() < 1e-6);
        assert!((f[9] - (34.0 / 5.0) / 4.0).abs() < 1e-6);
        // sorted 1 2 3 4 5: q1 = 2, q2 = 3, q3 = 4, p1 = 1.04, p99 = 4.96
        assert_eq!(&f[10..16], &[2.0, 3.0, 4.0, 1.0, 1.0, 2.0]);
        assert!((f[16] - 1.04).abs() < 1e-6 && (f[17] - 4.96).abs() < 1e-6);
        assert!((f[18] - 3.92).abs() < 1e-6);
        // > 1 + 0.75*4 = 4: only 5 -> 0.2; > 4.6: only 5 -> 0.2
        assert!((f[19] - 0.2).abs() < 1e-7 && (f[20] - 0.2).abs() < 1e-7);
    }

    /// The passes as the formulas read, one after another, and percentiles by
    /// a full sort: the fused passes and the selection give the same bits.
    #[test]
    fn four_contours_at_once_equal_four_calls() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        for n in [1usize, 2, 3, 5, 64, 281, 1000] {
            let xs: Vec<Vec<f32>> = (0..4)
                .map(|l| {
                    (0..n)
                        .map(|i| match (l, next() % 8) {
                            // a constant contour, and others with repeated
                            // values, zeros of both signs and ties for the extremes
                            (0, _) => 2.5,
                            (_, 0) => 0.0,
                            (_, 1) => -0.0,
                            (_, 2) => 1.0,
                            _ => ((next() >> 40) as f32 / 16_777_216.0 - 0.4) * (1.0 + i as f32),
                        })
                        .collect()
                })
                .collect();
            let four = [&xs[0][..], &xs[1][..], &xs[2][..], &xs[3][..]];
            let mut want = Vec::new();
            for x in four {
                is10_functionals(x, false, &mut want);
            }
            let mut got = vec![7.0];
            is10_functionals4(four, &mut got);
            assert_eq!(bits(&got[1..]), bits(&want), "n = {n}");
            // the portable lanes too, wherever the vector ones ran above
            let mut plain = Vec::new();
            is10_functionals4_plain(four, &mut plain);
            assert_eq!(bits(&plain), bits(&want), "n = {n}");
        }
        // contours of different lengths (or empty) are taken one by one
        let mut want = Vec::new();
        let mut got = Vec::new();
        let odd = [&[1.0f32, 2.0][..], &[3.0], &[], &[4.0, -1.0, 0.5]];
        for x in odd {
            is10_functionals(x, false, &mut want);
        }
        is10_functionals4(odd, &mut got);
        assert_eq!(bits(&got), bits(&want));
    }

    #[test]
    fn fused_passes_equal_one_pass_per_statistic() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for n in [1usize, 2, 3, 17, 280, 1001] {
            let x: Vec<f32> = (0..n)
                .map(|i| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    ((state >> 40) as f32 / 16_777_216.0 - 0.3) * (1.0 + i as f32 * 0.01)
                })
                .collect();
            let mu = (x.iter().map(|&v| f64::from(v)).sum::<f64>() / n as f64) as f32;
            let (mut imax, mut imin) = (0, 0);
            for (i, &v) in x.iter().enumerate() {
                if v > x[imax] {
                    imax = i;
                }
                if v < x[imin] {
                    imin = i;
                }
            }
            let num: f64 = x
                .iter()
                .enumerate()
                .map(|(i, &v)| i as f64 * f64::from(v))
                .sum();
            let nf = n as f64;
            let (s1, s2) = (
                nf * (nf - 1.0) / 2.0,
                nf * (nf - 1.0) * (2.0 * nf - 1.0) / 6.0,
            );
            let t = (f64::from(mu) * nf - num * s1 / s2) / (nf - s1 * s1 / s2);
            let m = (num - t * s1) / s2;
            let (mut ea, mut eq) = (0.0, 0.0);
            let (mut m2, mut m3, mut m4) = (0.0, 0.0, 0.0);
            for (i, &v) in x.iter().enumerate() {
                let e = f64::from(v) - (m * i as f64 + t);
                ea += e.abs();
                eq += e * e;
                let d = f64::from(v) - f64::from(mu);
                m2 += d * d;
                m3 += d * d * d;
                m4 += d * d * (d * d);
            }
            let f = all(&x);
            // percentiles by a full sort
            let mut sorted = x.clone();
            sorted.sort_unstable_by(f32::total_cmp);
            let [p1, q1, q2, q3, p99] =
                [0.01, 0.25, 0.5, 0.75, 0.99].map(|p| percentile(&sorted, p) as f32);
            assert_eq!(
                f[10..19].iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
                [
                    q1,
                    q2,
                    q3,
                    q2 - q1,
                    q3 - q2,
                    q3 - q1,
                    p1,
                    p99,
                    (p99 - p1).abs()
                ]
                .map(|v| v.to_bits())
                .to_vec(),
                "{n}"
            );
            assert_eq!(f[0], imax as f32);
            assert_eq!(f[1], imin as f32);
            assert_eq!(f[2].to_bits(), mu.to_bits(), "{n}");
            if n >= 2 {
                let want = [m, t, ea / nf, eq / nf].map(|v| v as f32);
                assert_eq!(
                    f[3..7].iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
                    want.map(|v| v.to_bits()).to_vec(),
                    "{n}"
                );
                let var = m2 / nf;
                let want = [var.sqrt(), m3 / (nf * var.powf(1.5)), m4 / (nf * var * var)]
                    .map(|v| v as f32);
                assert_eq!(
                    f[7..10].iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
                    want.map(|v| v.to_bits()).to_vec(),
                    "{n}"
                );
            }
        }
    }

    #[test]
    fn first_extreme_wins_and_constant_contour_is_safe() {
        let f = all(&[2.0, 2.0, 2.0]);
        assert_eq!(f[0], 0.0);
        assert_eq!(f[1], 0.0);
        assert_eq!(f[7], 0.0);
        assert_eq!(f[8], 0.0);
        assert_eq!(f[9], 0.0);
        assert!(f.iter().all(|v| v.is_finite()));
        assert_eq!(f[19], 0.0);
    }

    #[test]
    fn pitch_group_has_19_and_empty_gives_zeros() {
        let mut v = Vec::new();
        is10_functionals(&[1.0, 2.0], true, &mut v);
        assert_eq!(v.len(), 19);
        let mut e = Vec::new();
        is10_functionals(&[], true, &mut e);
        assert_eq!(e, vec![0.0; 19]);
        assert_eq!(pitch_group_names().len(), 19);
    }

    #[test]
    fn onset_counting() {
        assert_eq!(onsets(&[0.0, 1.0, 1.0, 0.0, 2.0, 0.0], 0.0), 2);
        assert_eq!(onsets(&[1.0, 0.0, 1.0], 0.0), 1);
        assert_eq!(onsets(&[], 0.0), 0);
    }

    #[test]
    fn placed_ranks_equal_a_full_sort() {
        let mut state = 3u32;
        for n in 1..200 {
            let x: Vec<f32> = (0..n)
                .map(|_| {
                    state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                    ((state >> 20) % 37) as f32 - 18.0
                })
                .collect();
            let mut sorted = x.clone();
            sorted.sort_unstable_by(f32::total_cmp);
            let ranks: Vec<usize> = [0, n / 3, n / 2, n / 2 + 1, n - 1]
                .into_iter()
                .filter(|&r| r < n)
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            let mut placed: Vec<i32> = x.iter().map(|&v| total_order_key(v)).collect();
            place_ranks(&mut placed, &ranks);
            for &r in &ranks {
                assert_eq!(
                    from_total_order_key(placed[r]),
                    sorted[r],
                    "n = {n}, rank {r}"
                );
            }
        }
    }

    #[test]
    fn integer_keys_keep_the_total_order() {
        let v = [
            f32::NEG_INFINITY,
            -3.5,
            -1e-30,
            -0.0,
            0.0,
            1e-30,
            2.0,
            f32::INFINITY,
        ];
        for w in v.windows(2) {
            assert!(total_order_key(w[0]) < total_order_key(w[1]), "{w:?}");
        }
        for x in v {
            assert_eq!(
                from_total_order_key(total_order_key(x)).to_bits(),
                x.to_bits()
            );
        }
    }

    #[test]
    fn percentile_interpolates() {
        assert_eq!(percentile(&[0.0, 10.0], 0.25), 2.5);
        assert_eq!(percentile(&[7.0], 0.99), 7.0);
    }
}
