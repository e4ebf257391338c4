//! Jitter (local, DDP) and shimmer (local) from the waveform, guided by F0.
//!
//! For each F0 frame the waveform is walked period by period: the next period
//! length is the lag with the highest local maximum of the normalised
//! cross-correlation between consecutive segments (searched within ±r of the F0
//! period), refined by parabolic interpolation. Jitter compares consecutive
//! period lengths, shimmer the peak-to-peak amplitudes of consecutive periods.
//! Period state carries over from one voiced frame to the next.

use crate::parabola::parabola_vertex;

/// Periods needed in the analysed stretch.
const MIN_PERIODS: i64 = 2;
/// The configured correlation threshold (used when the quirk is off).
const MIN_CORRELATION: f32 = 0.5;

/// Jitter and shimmer of one frame.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct JitterFrame {
    pub jitter_local: f32,
    pub jitter_ddp: f32,
    pub shimmer_local: f32,
}

/// Settings of [`jitter_shimmer`].
#[derive(Debug, Clone, Copy)]
pub struct JitterOptions {
    /// Sample rate (Hz).
    pub sample_rate: u32,
    /// Length of the F0 analysis frame in samples.
    pub frame_len: usize,
    /// F0 frame step in samples.
    pub step: usize,
    /// Relative period search range r.
    pub search_range: f64,
    /// openSMILE quirk: accept a period when its correlation exceeds the lowest
    /// correlation seen so far in the frame (IS10 keeps it; see docs/is10.md).
    pub broken_threshold: bool,
    /// F0 frames that lag the waveform: F0 frame k is analysed from sample
    /// `(k + delay)·step` (1 behind IS10's pitch smoother, 0 for eGeMAPS,
    /// whose Viterbi output keeps each frame's own time).
    pub delay_frames: usize,
}

/// Normalised cross-correlation (Pearson, double precision) of `x[s..s+τ)` with
/// `x[s+τ..s+2τ)` for every lag τ in `lags`, written to `cc[τ − lags.start]`.
///
/// Each lag's sums run strictly in sample order, exactly as a one-lag-at-a-time
/// loop would: acceptance of a period can hinge on the last bit of these values
/// (see docs/is10.md). Speed comes from running sixteen (then eight, four)
/// consecutive lags side by side, one per vector lane, which keeps every
/// lane's order intact.
fn correlations(x: &[f64], s: usize, lags: std::ops::RangeInclusive<usize>, cc: &mut [f64]) {
    return_if_avx!(correlations_avx(x, s, lags, cc));
    correlations_plain(x, s, lags, cc)
}

/// [`correlations`] compiled for AVX: the means' divisions and the
/// normalisations get four lanes wide (the same operations).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx,avx2,fma")]
unsafe fn correlations_avx(
    x: &[f64],
    s: usize,
    lags: std::ops::RangeInclusive<usize>,
    cc: &mut [f64],
) {
    correlations_plain(x, s, lags, cc)
}

#[inline(always)]
fn correlations_plain(x: &[f64], s: usize, lags: std::ops::RangeInclusive<usize>, cc: &mut [f64]) {
    let (lo, hi) = (*lags.start(), *lags.end());
    // The first segment's sum is one running sum over x[s..], read off at
    // each lag's length: summed in index order from s, so continuing it from
    // one lag to the next gives each lag's sum exactly as summing afresh does.
    let mut run = RunningSum::default();
    let mut t0 = lo;
    while t0 <= hi {
        // sixteen lags at a time (four independent chains of additions in
        // the means' sums), eight or four for what is left, fewer at the end
        let lanes = match hi - t0 + 1 {
            n if n >= 16 => 16,
            n if n >= 8 => 8,
            n => n.min(4),
        };
        let cc = &mut cc[t0 - lo..];
        match lanes {
            16 => lag_group::<16>(x, s, t0, lanes, &mut run, cc),
            8 => lag_group::<8>(x, s, t0, lanes, &mut run, cc),
            _ => lag_group::<4>(x, s, t0, lanes, &mut run, cc),
        }
        t0 += lanes;
    }
}

/// Zeros after the samples a period search reads, so that its last group of
/// lags, fewer than a vector holds, still runs in one (the lanes past the
/// last lag read the zeros; their results are dropped, and no lane reads
/// another's samples).
const LAG_PADDING: usize = 16;

/// `Σ x[s..s+len)` for growing `len`, added in index order.
#[derive(Default)]
struct RunningSum {
    sum: f64,
    len: usize,
}

impl RunningSum {
    fn up_to(&mut self, x: &[f64], s: usize, len: usize) -> f64 {
        while self.len < len {
            self.sum += x[s + self.len];
            self.len += 1;
        }
        self.sum
    }
}

/// The correlations of lags `t0..t0 + lanes` (`lanes ≤ L`) into `cc[0..lanes]`,
/// lag `t0 + l` in lane l.
#[inline(always)]
fn lag_group<const L: usize>(
    x: &[f64],
    s: usize,
    t0: usize,
    lanes: usize,
    run: &mut RunningSum,
    cc: &mut [f64],
) {
    // all L lanes where `x` holds what the last of them reads (padding past
    // the samples: lanes beyond `lanes` read it, and are dropped below)
    let full = lanes == L || x.len() >= s + 2 * (t0 + L - 1);
    // Second segments: lane l sums x[s+t0+l .. s+2(t0+l)). The first group
    // also starts the running sum of the first segments, in the same loop
    // (its chain of additions runs beside the lanes' instead of after them).
    let prefix = if run.len == 0 { &x[s..s + t0] } else { &[] };
    let (mut my, first) = if full {
        lane_sums::<L>(&x[s + t0..s + 2 * (t0 + L - 1)], t0, prefix)
    } else {
        lane_sums_plain::<L>(&x[s + t0..], t0, lanes, prefix)
    };
    if !prefix.is_empty() {
        *run = RunningSum {
            sum: first,
            len: t0,
        };
    }
    let mut mx = [0.0f64; L];
    for (l, m) in mx.iter_mut().enumerate().take(lanes) {
        *m = run.up_to(x, s, t0 + l);
    }
    // every lane, so that the loops have a fixed length (those past `lanes`
    // hold nothing used)
    for l in 0..L {
        let n = (t0 + l) as f64;
        mx[l] /= n;
        my[l] /= n;
    }
    // Centred products.
    let (c, nx, ny) = if full {
        lane_products::<L>(
            &x[s..s + t0 + L - 1],
            &x[s + t0..s + 2 * (t0 + L - 1)],
            t0,
            mx,
            my,
        )
    } else {
        lane_products_plain::<L>(&x[s..], &x[s + t0..], t0, mx, my, lanes)
    };
    let mut r = [0.0f64; L];
    for l in 0..L {
        r[l] = c[l] / (nx[l].sqrt() * ny[l].sqrt());
    }
    cc[..lanes].copy_from_slice(&r[..lanes]);
}

/// `out[l] = Σ_{i<n+l} y[i+l]` for L lanes (4, 8 or 16), each summed in increasing
/// i: lane l is the sum of a segment of n + l values starting at l. Beside
/// them, `Σ prefix` in increasing index (`prefix` holds n values or none).
fn lane_sums<const L: usize>(y: &[f64], n: usize, prefix: &[f64]) -> ([f64; L], f64) {
    // `y` holds n+2L−2 values and L is 4, 8 or 16, as the AVX build asserts.
    return_if_avx!(avx::lane_sums::<L>(y, n, prefix));
    lane_sums_plain(y, n, L, prefix)
}

/// [`lane_sums`] for the first `lanes` lanes (the rest stay 0), portably.
fn lane_sums_plain<const L: usize>(
    y: &[f64],
    n: usize,
    lanes: usize,
    prefix: &[f64],
) -> ([f64; L], f64) {
    let first: f64 = prefix.iter().fold(0.0, |a, &v| a + v);
    let mut acc = [0.0f64; L];
    // all lanes side by side while they all take part, then the tails
    for i in 0..n {
        for l in 0..lanes {
            acc[l] += y[i + l];
        }
    }
    for i in n..n + lanes.saturating_sub(1) {
        for l in (0..lanes).filter(|&l| i < n + l) {
            acc[l] += y[i + l];
        }
    }
    (acc, first)
}

/// For L lanes (4, 8 or 16), over i < n + l in increasing i:
/// Σ (x[i]−mx_l)(y[i+l]−my_l), Σ (x[i]−mx_l)², Σ (y[i+l]−my_l)².
fn lane_products<const L: usize>(
    x: &[f64],
    y: &[f64],
    n: usize,
    mx: [f64; L],
    my: [f64; L],
) -> ([f64; L], [f64; L], [f64; L]) {
    // `x` holds n+L−1 values, `y` n+2L−2, and L is 4, 8 or 16, as the AVX
    // build asserts.
    return_if_avx!(avx::lane_products::<L>(x, y, n, mx, my));
    lane_products_plain(x, y, n, mx, my, L)
}

/// [`lane_products`] for the first `lanes` lanes (the rest stay 0), portably.
fn lane_products_plain<const L: usize>(
    x: &[f64],
    y: &[f64],
    n: usize,
    mx: [f64; L],
    my: [f64; L],
    lanes: usize,
) -> ([f64; L], [f64; L], [f64; L]) {
    let (mut c, mut nx, mut ny) = ([0.0f64; L], [0.0f64; L], [0.0f64; L]);
    // all lanes side by side while they all take part, then the tails
    let mut step = |i: usize, l: usize| {
        let a = x[i] - mx[l];
        let b = y[i + l] - my[l];
        c[l] += a * b;
        nx[l] += a * a;
        ny[l] += b * b;
    };
    for i in 0..n {
        for l in 0..lanes {
            step(i, l);
        }
    }
    for i in n..n + lanes.saturating_sub(1) {
        for l in (0..lanes).filter(|&l| i < n + l) {
            step(i, l);
        }
    }
    (c, nx, ny)
}

/// AVX versions: the same operations in the same order per lane (separate
/// multiply and add; the one fused multiply-add, x·1 + (−mx), rounds as the
/// subtraction it stands for), so the results are bit-identical. L lanes are
/// L/4 registers, each its own chain of additions. The first n steps run in
/// every lane; in the L−1 steps after them lane l takes part while the step is
/// below n + l, and the others add +0.0 (their terms masked to zero), which
/// leaves a sum unchanged: a sum that starts at +0.0 is never −0.0.
#[cfg(target_arch = "x86_64")]
mod avx {
    use std::arch::x86_64::*;

    /// Lanes of register r that still take part at tail step j (step n + j).
    #[inline(always)]
    unsafe fn tail_mask(r: usize, j: usize) -> __m256d {
        let lane = _mm256_set_pd(3.0, 2.0, 1.0, 0.0);
        let lane = _mm256_add_pd(lane, _mm256_set1_pd((4 * r) as f64));
        _mm256_cmp_pd::<_CMP_GT_OQ>(lane, _mm256_set1_pd(j as f64))
    }

    #[target_feature(enable = "avx,avx2,fma")]
    pub unsafe fn lane_sums<const L: usize>(
        y: &[f64],
        n: usize,
        prefix: &[f64],
    ) -> ([f64; L], f64) {
        assert!(L.is_multiple_of(4) && L <= 16 && y.len() + 2 >= n + 2 * L);
        let mut acc = [_mm256_setzero_pd(); 4];
        let g = L / 4;
        let mut first = 0.0;
        if prefix.is_empty() {
            for i in 0..n {
                for (r, a) in acc.iter_mut().enumerate().take(g) {
                    *a = _mm256_add_pd(*a, _mm256_loadu_pd(y.as_ptr().add(i + 4 * r)));
                }
            }
        } else {
            for (i, &p) in prefix[..n].iter().enumerate() {
                for (r, a) in acc.iter_mut().enumerate().take(g) {
                    *a = _mm256_add_pd(*a, _mm256_loadu_pd(y.as_ptr().add(i + 4 * r)));
                }
                first += p;
            }
        }
        for j in 0..L - 1 {
            for (r, a) in acc.iter_mut().enumerate().take(g) {
                let v = _mm256_loadu_pd(y.as_ptr().add(n + j + 4 * r));
                *a = _mm256_add_pd(*a, _mm256_and_pd(v, tail_mask(r, j)));
            }
        }
        let mut out = [0.0f64; L];
        for (r, a) in acc.iter().enumerate().take(g) {
            _mm256_storeu_pd(out.as_mut_ptr().add(4 * r), *a);
        }
        (out, first)
    }

    #[target_feature(enable = "avx,avx2,fma")]
    pub unsafe fn lane_products<const L: usize>(
        x: &[f64],
        y: &[f64],
        n: usize,
        mx: [f64; L],
        my: [f64; L],
    ) -> ([f64; L], [f64; L], [f64; L]) {
        assert!(L.is_multiple_of(4) && L <= 16);
        assert!(x.len() + 1 >= n + L && y.len() + 2 >= n + 2 * L);
        let mut o = ([0.0f64; L], [0.0f64; L], [0.0f64; L]);
        // two registers (eight lags) per pass: their six chains of additions
        // already keep the adders busy, and more would not fit the registers
        for r0 in (0..L / 4).step_by(2) {
            let g = (L / 4 - r0).min(2);
            let ld = |v: &[f64; L], r: usize| _mm256_loadu_pd(v.as_ptr().add(4 * (r0 + r)));
            let vmx: [__m256d; 2] = std::array::from_fn(|r| ld(&mx, r.min(g - 1)));
            let vmy: [__m256d; 2] = std::array::from_fn(|r| ld(&my, r.min(g - 1)));
            let zero = _mm256_setzero_pd();
            let (mut c, mut nx, mut ny) = ([zero; 2], [zero; 2], [zero; 2]);
            // x − mx as x·1 + (−mx) in one rounding, which is the
            // subtraction's result: it runs on the multiply units, which the
            // additions leave idle (1 comes through black_box so that it is
            // not folded back into a subtraction)
            let one = _mm256_set1_pd(std::hint::black_box(1.0));
            let nmx = vmx.map(|m| _mm256_xor_pd(m, _mm256_set1_pd(-0.0)));
            let yr = y.as_ptr().add(4 * r0);
            for (i, &xv) in x[..n].iter().enumerate() {
                let xv = _mm256_set1_pd(xv);
                for r in 0..g {
                    let a = _mm256_fmadd_pd(xv, one, nmx[r]);
                    let b = _mm256_sub_pd(_mm256_loadu_pd(yr.add(i + 4 * r)), vmy[r]);
                    c[r] = _mm256_add_pd(c[r], _mm256_mul_pd(a, b));
                    nx[r] = _mm256_add_pd(nx[r], _mm256_mul_pd(a, a));
                    ny[r] = _mm256_add_pd(ny[r], _mm256_mul_pd(b, b));
                }
            }
            // the last lane of the pass takes part up to step n + 4(r0 + g) − 2
            for j in 0..4 * (r0 + g) - 1 {
                let i = n + j;
                let xv = _mm256_set1_pd(x[i]);
                for r in 0..g {
                    let m = tail_mask(r0 + r, j);
                    let a = _mm256_sub_pd(xv, vmx[r]);
                    let b = _mm256_sub_pd(_mm256_loadu_pd(yr.add(i + 4 * r)), vmy[r]);
                    c[r] = _mm256_add_pd(c[r], _mm256_and_pd(_mm256_mul_pd(a, b), m));
                    nx[r] = _mm256_add_pd(nx[r], _mm256_and_pd(_mm256_mul_pd(a, a), m));
                    ny[r] = _mm256_add_pd(ny[r], _mm256_and_pd(_mm256_mul_pd(b, b), m));
                }
            }
            for r in 0..g {
                let at = 4 * (r0 + r);
                _mm256_storeu_pd(o.0.as_mut_ptr().add(at), c[r]);
                _mm256_storeu_pd(o.1.as_mut_ptr().add(at), nx[r]);
                _mm256_storeu_pd(o.2.as_mut_ptr().add(at), ny[r]);
            }
        }
        o
    }
}

/// Peak-to-peak amplitude over samples 1..n−2 of a period.
fn peak_to_peak(x: &[f32]) -> f32 {
    if x.len() < 3 {
        return 0.0;
    }
    let (mut hi, mut lo) = (x[1], x[1]);
    for &v in &x[1..x.len() - 1] {
        if v > hi {
            hi = v;
        }
        if v < lo {
            lo = v;
        }
    }
    hi - lo
}

/// Jitter and shimmer for every F0 frame. F0 frame k is analysed on the waveform
/// from sample `(k+1)·step` (the pitch smoother delays F0 by one frame).
pub fn jitter_shimmer(signal: &[f32], f0: &[f32], o: &JitterOptions) -> Vec<JitterFrame> {
    let mut t = JitterTracker::new(*o);
    f0.iter().map(|&f| t.analyse(f, signal, 0)).collect()
}

/// [`jitter_shimmer`] one F0 frame at a time, for streaming: the period state
/// carries over between calls, and each call needs only a window of the
/// signal ([`JitterTracker::needs_from`] to [`JitterTracker::needs_until`]).
#[derive(Debug, Clone)]
pub struct JitterTracker {
    o: JitterOptions,
    /// Index of the next F0 frame.
    k: usize,
    last_idx: i64,
    last_mis: i64,
    last_t0: f32,
    last_diff: f32,
    last_jl: f32,
    last_jddp: f32,
    last_sh: f32,
    cc: Vec<f64>,
    // the stretch's samples in double precision, converted per frame (a copy of
    // the whole signal would double the memory of long recordings)
    mat64: Vec<f64>,
}

impl JitterTracker {
    pub fn new(o: JitterOptions) -> Self {
        JitterTracker {
            o,
            k: 0,
            last_idx: 0,
            last_mis: 0,
            last_t0: 0.0,
            last_diff: 0.0,
            last_jl: 0.0,
            last_jddp: 0.0,
            last_sh: 0.0,
            cc: Vec::new(),
            mat64: Vec::new(),
        }
    }

    /// First sample the next frame may read.
    pub fn needs_from(&self) -> usize {
        let start_vidx = (self.k + self.o.delay_frames) as i64 * self.o.step as i64;
        self.last_idx.min(start_vidx).max(0) as usize
    }

    /// One past the last sample the next frame may read (it reads less where
    /// the signal ends first).
    pub fn needs_until(&self) -> usize {
        (self.k + self.o.delay_frames) * self.o.step + self.o.frame_len
    }

    /// Analyses the next F0 frame. `signal` holds the samples from absolute
    /// index `offset` on, at least up to [`needs_until`](Self::needs_until) or
    /// the end of the recording, and from no later than
    /// [`needs_from`](Self::needs_from).
    pub fn analyse(&mut self, f: f32, signal: &[f32], offset: usize) -> JitterFrame {
        let o = self.o;
        let t = 1.0 / f64::from(o.sample_rate);
        let len_f = o.frame_len as i64;
        let pp_len = o.step as i64;
        let k = self.k;
        self.k += 1;
        let (mut last_idx, mut last_mis) = (self.last_idx, self.last_mis);
        let (mut last_t0, mut last_diff) = (self.last_t0, self.last_diff);
        let (mut last_jl, mut last_jddp, mut last_sh) =
            (self.last_jl, self.last_jddp, self.last_sh);
        let cc = &mut self.cc;
        let mat64 = &mut self.mat64;
        let start_vidx = (k + o.delay_frames) as i64 * pp_len;
        let to_read0 = pp_len + last_mis;
        let mut to_read = to_read0;
        let voiced = f > 0.0;
        let (mut t0f, mut t0min, mut t0max) = (0i64, 0i64, 0i64);
        if voiced {
            let tf = (1.0 / f64::from(f)) / t;
            t0f = tf.round() as i64;
            t0min = ((1.0 - o.search_range) * tf).floor() as i64;
            t0max = ((1.0 + o.search_range) * tf).ceil() as i64;
            to_read = to_read.max(MIN_PERIODS * t0max + MIN_PERIODS);
        }
        let max_read = last_mis + len_f;
        to_read = to_read.min(max_read);
        if start_vidx - last_mis != last_idx {
            // discontinuity (the first frame): restart at this frame
            last_idx = start_vidx;
            to_read = to_read.min(len_f);
        }
        let begin = (last_idx.max(0) as usize).clamp(offset, offset + signal.len());
        let end = (begin + to_read.max(0) as usize).min(offset + signal.len());
        let mat = &signal[begin - offset..end - offset];
        let n = mat.len() as i64;

        let (mut n_periods, mut n_local, mut n_ddp) = (0.0f32, 0.0f32, 0.0f32);
        let (mut avg_period, mut jl, mut jddp) = (0.0f32, 0.0f32, 0.0f32);
        let (mut avg_amp, mut avg_amp_diff) = (0.0f32, 0.0f32);
        let mut min_cc = -2.0f32;
        let last_period;
        if voiced && t0min >= 1 {
            let mut start = 0i64;
            let mut lp = 0i64;
            let span = (t0max - t0min + 1) as usize;
            cc.clear();
            cc.resize(span, 0.0);
            mat64.clear();
            mat64.extend(mat.iter().map(|&v| f64::from(v)));
            // room for a last group of lags to run full width (see `lag_group`)
            mat64.resize(mat64.len() + LAG_PADDING, 0.0);
            while start < n - 2 * t0max - 1 {
                correlations(mat64, start as usize, t0min as usize..=t0max as usize, cc);
                let mut best: Option<usize> = None;
                let mut best_v = 0.0f64;
                for i in 1..span.saturating_sub(2) {
                    if cc[i - 1] < cc[i] && cc[i] > cc[i + 1] && (best.is_none() || cc[i] > best_v)
                    {
                        best = Some(i);
                        best_v = cc[i];
                    }
                }
                match best {
                    None => start += t0f,
                    Some(bi) => {
                        let pp = t0min + bi as i64;
                        let os = start as usize;
                        start += pp;
                        let ppu = pp as usize;
                        let a0 = peak_to_peak(&mat[os..os + ppu]);
                        let s1 = start as usize;
                        let a1 = peak_to_peak(&mat[s1..(s1 + ppu).min(mat.len())]);
                        let ad = (a0 - a1).abs();
                        let b = bi as f64;
                        let (vx, cci) = parabola_vertex(
                            (b - 1.0, cc[bi - 1]),
                            (b, cc[bi]),
                            (b + 1.0, cc[bi + 1]),
                        );
                        let period_sec = (t0min as f64 + vx).abs() * t;
                        let cci32 = cci as f32;
                        if min_cc == -2.0 || min_cc > cci32 {
                            min_cc = cci32;
                        }
                        let threshold = if o.broken_threshold {
                            min_cc
                        } else {
                            MIN_CORRELATION
                        };
                        if cci > f64::from(threshold) {
                            let period = period_sec as f32;
                            avg_period += period;
                            n_periods += 1.0;
                            if last_t0 > 0.0 {
                                let diff = (last_t0 - period).abs();
                                jl += diff;
                                n_local += 1.0;
                                if last_diff > 0.0 {
                                    jddp += (last_diff - diff).abs();
                                    n_ddp += 1.0;
                                }
                                last_diff = diff;
                            }
                            last_t0 = period;
                            avg_amp += (a0 + a1) / 2.0;
                            avg_amp_diff += ad;
                        }
                    }
                }
                if start < to_read0 - 1 {
                    lp = start;
                }
            }
            last_period = lp;
            last_mis = to_read0 - last_period;
        } else {
            last_period = to_read0;
            last_mis = 0;
            last_t0 = 0.0;
            last_diff = 0.0;
            last_jl = 0.0;
            last_jddp = 0.0;
            last_sh = 0.0;
        }
        last_idx += last_period;

        let mut frame = JitterFrame::default();
        if voiced {
            if n_periods > 0.0 && n_local > 0.0 {
                last_jl = (jl / n_local) / (avg_period / n_periods);
            }
            if n_periods > 0.0 && n_ddp > 0.0 {
                last_jddp = (jddp / n_ddp) / (avg_period / n_periods);
            }
            if n_periods > 0.0 {
                last_sh = if avg_amp > 0.0 {
                    avg_amp_diff / avg_amp
                } else {
                    0.0
                };
            }
            // with no accepted period the last values are repeated
            last_jl = last_jl.min(1.0);
            last_jddp = last_jddp.min(1.0);
            last_sh = last_sh.min(1.0);
            let repeat = n_periods == 0.0;
            frame.jitter_local = if n_local > 0.0 || repeat {
                last_jl
            } else {
                0.0
            };
            frame.jitter_ddp = if n_ddp > 0.0 || repeat {
                last_jddp
            } else {
                0.0
            };
            frame.shimmer_local = last_sh;
        }
        self.last_idx = last_idx;
        self.last_mis = last_mis;
        self.last_t0 = last_t0;
        self.last_diff = last_diff;
        self.last_jl = last_jl;
        self.last_jddp = last_jddp;
        self.last_sh = last_sh;
        frame
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(broken: bool) -> JitterOptions {
        JitterOptions {
            sample_rate: 16000,
            frame_len: 960,
            step: 160,
            search_range: 0.2,
            broken_threshold: broken,
            delay_frames: 1,
        }
    }

    /// A pulse-like periodic wave whose period alternates between p and p+d
    /// samples and whose amplitude alternates between 1 and 1−s.
    fn alternating(len: usize, p: usize, d: usize, s: f32) -> Vec<f32> {
        let mut x = vec![0.0f32; len];
        let mut pos = 0usize;
        let mut k = 0;
        while pos < len {
            let per = if k % 2 == 0 { p } else { p + d };
            let amp = if k % 2 == 0 { 1.0 } else { 1.0 - s };
            for i in 0..per {
                if pos + i < len {
                    let ph = i as f32 / per as f32;
                    x[pos + i] =
                        amp * (-(ph * 12.0)).exp() * (2.0 * std::f32::consts::PI * ph * 3.0).cos();
                }
            }
            pos += per;
            k += 1;
        }
        x
    }

    #[test]
    fn perfectly_periodic_signal_has_no_jitter() {
        let x = alternating(16000, 100, 0, 0.0);
        let f0 = vec![160.0f32; 90];
        let j = jitter_shimmer(&x, &f0, &opts(false));
        for fr in &j[5..] {
            assert!(fr.jitter_local < 1e-3, "{fr:?}");
            assert!(fr.shimmer_local < 1e-3, "{fr:?}");
        }
    }

    #[test]
    fn alternating_periods_give_known_jitter() {
        // periods 100 and 104 samples: |ΔT| = 4 samples, mean period 102
        let x = alternating(16000, 100, 4, 0.2);
        let f0 = vec![16000.0f32 / 102.0; 90];
        let j = jitter_shimmer(&x, &f0, &opts(false));
        let mean_jl: f32 = j[10..80].iter().map(|f| f.jitter_local).sum::<f32>() / 70.0;
        assert!((mean_jl - 4.0 / 102.0).abs() < 0.01, "{mean_jl}");
        // shimmer: |1 - 0.8| / 0.9
        let mean_sh: f32 = j[10..80].iter().map(|f| f.shimmer_local).sum::<f32>() / 70.0;
        assert!((mean_sh - 0.2 / 0.9).abs() < 0.05, "{mean_sh}");
    }

    /// One lag at a time, as the definition reads: means, then centred sums.
    fn correlation_one_lag(x: &[f64], s: usize, tau: usize) -> f64 {
        let (mut mx, mut my) = (0.0f64, 0.0f64);
        for i in 0..tau {
            mx += x[s + i];
        }
        for i in 0..tau {
            my += x[s + tau + i];
        }
        (mx, my) = (mx / tau as f64, my / tau as f64);
        let (mut c, mut nx, mut ny) = (0.0f64, 0.0f64, 0.0f64);
        for i in 0..tau {
            let (a, b) = (x[s + i] - mx, x[s + tau + i] - my);
            c += a * b;
            nx += a * a;
            ny += b * b;
        }
        c / (nx.sqrt() * ny.sqrt())
    }

    #[test]
    fn lag_groups_are_bit_identical_to_one_lag_at_a_time() {
        let x: Vec<f64> = alternating(4000, 97, 3, 0.1)
            .iter()
            .enumerate()
            .map(|(i, &v)| f64::from(v) + ((i * 7919) % 13) as f64 * 1e-3)
            .collect();
        // ranges of 1 to 40 lags: groups of sixteen, eight, four and fewer
        for (lo, n) in [
            (80, 16),
            (90, 29),
            (20usize, 1usize),
            (30, 3),
            (40, 4),
            (50, 7),
            (60, 8),
            (70, 13),
            (75, 40),
        ] {
            // with samples to spare after the last lag's (a last group of
            // fewer lags runs full width), and with none (it runs lag by lag)
            let hi = lo + n - 1;
            for x in [&x[..], &x[..11 + 2 * hi]] {
                let (mut cc, mut plain) = (vec![0.0; n], vec![0.0; n]);
                correlations(x, 11, lo..=hi, &mut cc);
                correlations_plain(x, 11, lo..=hi, &mut plain);
                for (k, (&c, &p)) in cc.iter().zip(&plain).enumerate() {
                    let one = correlation_one_lag(x, 11, lo + k);
                    assert_eq!(c.to_bits(), one.to_bits(), "lags from {lo}, lag {}", lo + k);
                    assert_eq!(p.to_bits(), one.to_bits(), "portable, lag {}", lo + k);
                }
            }
        }
    }

    #[test]
    fn plain_and_vector_lanes_agree_to_the_bit() {
        let y: Vec<f64> = (0..140)
            .map(|i| ((i * 31 % 17) as f64 - 8.0) * 0.37)
            .collect();
        let n = 100;
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        let (m4, m8) = (
            [0.1, -0.2, 0.3, 0.05],
            [0.1, -0.2, 0.3, 0.05, 0.7, -1.1, 0.0, 2.0],
        );
        let m16: [f64; 16] = std::array::from_fn(|l| m8[l % 8] * (1.0 + l as f64));
        // the reads end where lane L−1 needs them to
        let (y4, y8, y16) = (&y[..n + 6], &y[..n + 14], &y[..n + 30]);
        assert_eq!(
            bits(&lane_sums::<16>(y16, n, &[]).0),
            bits(&lane_sums_plain::<16>(y16, n, 16, &[]).0)
        );
        let (a, b) = (
            lane_products::<16>(&y[..n + 15], y16, n, m16, m16),
            lane_products_plain::<16>(&y[..n + 15], y16, n, m16, m16, 16),
        );
        assert_eq!(
            [bits(&a.0), bits(&a.1), bits(&a.2)],
            [bits(&b.0), bits(&b.1), bits(&b.2)]
        );
        assert_eq!(
            bits(&lane_sums::<4>(y4, n, &[]).0),
            bits(&lane_sums_plain::<4>(y4, n, 4, &[]).0)
        );
        assert_eq!(
            bits(&lane_sums::<8>(y8, n, &[]).0),
            bits(&lane_sums_plain::<8>(y8, n, 8, &[]).0)
        );
        // each lane sums n + l values, the tail included
        let l5: f64 = y[5..n + 10].iter().sum();
        assert_eq!(lane_sums::<8>(y8, n, &[]).0[5].to_bits(), l5.to_bits());
        // the sum of a prefix beside the lanes leaves them as they are
        let prefix = &y[7..7 + n];
        let want: f64 = prefix.iter().sum();
        for (lanes, first) in [
            lane_sums::<8>(y8, n, prefix),
            lane_sums_plain::<8>(y8, n, 8, prefix),
        ] {
            assert_eq!(bits(&lanes), bits(&lane_sums::<8>(y8, n, &[]).0));
            assert_eq!(first.to_bits(), want.to_bits());
        }
        let (a, b) = (
            lane_products::<4>(&y[..n + 3], y4, n, m4, m4),
            lane_products_plain::<4>(&y[..n + 3], y4, n, m4, m4, 4),
        );
        assert_eq!(
            [bits(&a.0), bits(&a.1), bits(&a.2)],
            [bits(&b.0), bits(&b.1), bits(&b.2)]
        );
        let (a, b) = (
            lane_products::<8>(&y[..n + 7], y8, n, m8, m8),
            lane_products_plain::<8>(&y[..n + 7], y8, n, m8, m8, 8),
        );
        assert_eq!(
            [bits(&a.0), bits(&a.1), bits(&a.2)],
            [bits(&b.0), bits(&b.1), bits(&b.2)]
        );
    }

    #[test]
    fn unvoiced_frames_are_zero() {
        let x = alternating(8000, 100, 0, 0.0);
        let j = jitter_shimmer(&x, &[0.0; 40], &opts(true));
        assert!(j.iter().all(|f| *f == JitterFrame::default()));
    }
}
