//! Natural cubic spline interpolation on a fixed pair of grids.

/// A natural cubic spline from fixed knots `x` (ascending) to fixed evaluation
/// points. Everything that depends only on the grids is computed once; per call
/// only the second derivatives of the data are solved (tridiagonal sweep) and the
/// cubic evaluated.
#[derive(Debug, Clone)]
pub struct NaturalSpline {
    x: Vec<f64>,
    /// Forward-sweep factors of the tridiagonal system, per interior knot.
    sig: Vec<f64>,
    p_inv: Vec<f64>,
    y2_coef: Vec<f64>,
    /// 1/(x[i+1] − x[i]) and 6/(x[i+1] − x[i−1]).
    inv_dx: Vec<f64>,
    six_over_span: Vec<f64>,
    /// For each target, its place between the knots.
    targets: Vec<Target>,
}

/// An evaluation point between knots `lo` and `lo + 1`, h apart: the weights
/// a and b of the line, a³ − a and b³ − b of the curvatures, and h²/6, all
/// fixed by the grids (the cubic is `a·y_lo + b·y_hi + (a3·y2_lo + b3·y2_hi)·h26`).
#[derive(Debug, Clone, Copy)]
struct Target {
    lo: usize,
    a: f64,
    b: f64,
    a3: f64,
    b3: f64,
    h26: f64,
}

impl NaturalSpline {
    /// Knots `x` (at least 3, strictly ascending) and evaluation points.
    pub fn new(x: Vec<f64>, at: &[f64]) -> Self {
        let n = x.len();
        let mut sig = vec![0.0; n];
        let mut p_inv = vec![0.0; n];
        let mut y2_coef = vec![0.0; n];
        for i in 1..n.saturating_sub(1) {
            let s = (x[i] - x[i - 1]) / (x[i + 1] - x[i - 1]);
            let p = s * y2_coef[i - 1] + 2.0;
            sig[i] = s;
            p_inv[i] = 1.0 / p;
            y2_coef[i] = (s - 1.0) / p;
        }
        let inv_dx: Vec<f64> = (0..n)
            .map(|i| {
                if i + 1 < n {
                    1.0 / (x[i + 1] - x[i])
                } else {
                    0.0
                }
            })
            .collect();
        let six_over_span: Vec<f64> = (0..n)
            .map(|i| {
                if i >= 1 && i + 1 < n {
                    6.0 / (x[i + 1] - x[i - 1])
                } else {
                    0.0
                }
            })
            .collect();
        let targets = at
            .iter()
            .map(|&t| {
                // bisection for the bracketing interval, as in Numerical Recipes' splint
                let (mut lo, mut hi) = (0usize, n - 1);
                while hi - lo > 1 {
                    let k = (hi + lo) >> 1;
                    if x[k] > t {
                        hi = k;
                    } else {
                        lo = k;
                    }
                }
                let h = x[hi] - x[lo];
                let a = (x[hi] - t) / h;
                let b = (t - x[lo]) / h;
                Target {
                    lo,
                    a,
                    b,
                    a3: a * a * a - a,
                    b3: b * b * b - b,
                    h26: h * h / 6.0,
                }
            })
            .collect();
        NaturalSpline {
            x,
            sig,
            p_inv,
            y2_coef,
            inv_dx,
            six_over_span,
            targets,
        }
    }

    /// Interpolates data `y` (one value per knot) at the evaluation points.
    pub fn eval(&self, y: &[f64], y2: &mut Vec<f64>, u: &mut Vec<f64>, out: &mut [f64]) {
        let n = self.x.len();
        y2.resize(n, 0.0);
        u.resize(n, 0.0);
        u[0] = 0.0;
        let mut slope_prev = (y[1] - y[0]) * self.inv_dx[0];
        for i in 1..n - 1 {
            let slope = (y[i + 1] - y[i]) * self.inv_dx[i];
            let d = slope - slope_prev;
            slope_prev = slope;
            u[i] = (d * self.six_over_span[i] - self.sig[i] * u[i - 1]) * self.p_inv[i];
        }
        y2[n - 1] = 0.0;
        for k in (0..n - 1).rev() {
            y2[k] = self.y2_coef[k] * y2[k + 1] + u[k];
        }
        for (o, t) in out.iter_mut().zip(&self.targets) {
            let (lo, hi) = (t.lo, t.lo + 1);
            *o = t.a * y[lo] + t.b * y[hi] + (t.a3 * y2[lo] + t.b3 * y2[hi]) * t.h26;
        }
    }
}

/// Lanes evaluated side by side by [`NaturalSpline::eval_lanes`].
pub const LANES: usize = 4;

/// Scratch for [`NaturalSpline::eval_lanes`].
#[derive(Debug, Clone, Default)]
pub struct LaneWork {
    y: Vec<[f64; LANES]>,
    y2: Vec<[f64; LANES]>,
    u: Vec<[f64; LANES]>,
}

impl NaturalSpline {
    /// [`NaturalSpline::eval`] for four data sets at once, one per vector lane.
    /// Each lane performs exactly the scalar operations in the same order, so
    /// the results are bit-identical to four calls of `eval`.
    pub fn eval_lanes(&self, ys: [&[f64]; LANES], work: &mut LaneWork, outs: [&mut [f64]; LANES]) {
        return_if_avx!(self.eval_lanes_avx(ys, work, outs));
        self.eval_lanes_plain(ys, work, outs);
    }

    /// [`NaturalSpline::eval`] for eight data sets at once: as two calls of
    /// [`NaturalSpline::eval_lanes`], with the two groups' sweeps interleaved
    /// (two independent chains keep the processor busy where one waits).
    pub fn eval_lanes8(
        &self,
        ys: [&[f64]; 2 * LANES],
        work: [&mut LaneWork; 2],
        outs: [&mut [f64]; 2 * LANES],
    ) {
        return_if_avx!(self.eval_lanes8_avx(ys, work, outs));
        let [a, b, c, d, e, f, g, h] = ys;
        let [o0, o1, o2, o3, o4, o5, o6, o7] = outs;
        let [w0, w1] = work;
        self.eval_lanes_plain([a, b, c, d], w0, [o0, o1, o2, o3]);
        self.eval_lanes_plain([e, f, g, h], w1, [o4, o5, o6, o7]);
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx,avx2,fma")]
    unsafe fn eval_lanes_avx(
        &self,
        ys: [&[f64]; LANES],
        work: &mut LaneWork,
        outs: [&mut [f64]; LANES],
    ) {
        self.transpose_lanes_avx(ys, work);
        self.sweeps_avx([work]);
        self.evaluate_avx(work, outs);
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx,avx2,fma")]
    unsafe fn eval_lanes8_avx(
        &self,
        ys: [&[f64]; 2 * LANES],
        work: [&mut LaneWork; 2],
        outs: [&mut [f64]; 2 * LANES],
    ) {
        let [a, b, c, d, e, f, g, h] = ys;
        let [o0, o1, o2, o3, o4, o5, o6, o7] = outs;
        let [w0, w1] = work;
        self.transpose_lanes_avx([a, b, c, d], w0);
        self.transpose_lanes_avx([e, f, g, h], w1);
        self.sweeps_avx([&mut *w0, &mut *w1]);
        self.evaluate_avx(w0, [o0, o1, o2, o3]);
        self.evaluate_avx(w1, [o4, o5, o6, o7]);
    }

    /// The two sweeps of the tridiagonal solve for `G` groups of four lanes
    /// (transposed into their `y`), the groups' chains side by side.
    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    unsafe fn sweeps_avx<const G: usize>(&self, works: [&mut LaneWork; G]) {
        use std::arch::x86_64::*;
        let n = self.x.len();
        // the buffers as slices up front: the loops then keep their pointers
        // in registers instead of reloading them after every store
        let mut parts = works.map(|w| {
            let LaneWork { y, y2, u } = w;
            (&y[..], &mut y2[..], &mut u[..])
        });
        assert!(
            n >= 3
                && parts
                    .iter()
                    .all(|(y, y2, u)| y.len() == n && y2.len() == n && u.len() == n)
        );
        assert!(self.inv_dx.len() == n && self.six_over_span.len() == n);
        assert!(self.sig.len() == n && self.p_inv.len() == n && self.y2_coef.len() == n);
        // Both sweeps keep their running value in a register: reloading it
        // from the store just made stalls on store-to-load forwarding.
        let ld = |v: &[f64; LANES]| _mm256_loadu_pd(v.as_ptr());
        let set = |v: f64| _mm256_set1_pd(v);
        let mut slope_prev: [__m256d; G] = std::array::from_fn(|g| {
            let y = parts[g].0;
            _mm256_mul_pd(_mm256_sub_pd(ld(&y[1]), ld(&y[0])), set(self.inv_dx[0]))
        });
        let mut prev = [_mm256_setzero_pd(); G];
        for (_, _, u) in parts.iter_mut() {
            u[0] = [0.0; LANES];
        }
        for i in 1..n - 1 {
            let (inv, six, sig, pinv) = (
                set(self.inv_dx[i]),
                set(self.six_over_span[i]),
                set(self.sig[i]),
                set(self.p_inv[i]),
            );
            for (g, (y, _, u)) in parts.iter_mut().enumerate() {
                let slope = _mm256_mul_pd(_mm256_sub_pd(ld(&y[i + 1]), ld(&y[i])), inv);
                let d = _mm256_sub_pd(slope, slope_prev[g]);
                slope_prev[g] = slope;
                prev[g] = _mm256_mul_pd(
                    _mm256_sub_pd(_mm256_mul_pd(d, six), _mm256_mul_pd(sig, prev[g])),
                    pinv,
                );
                _mm256_storeu_pd(u[i].as_mut_ptr(), prev[g]);
            }
        }
        let mut next = [_mm256_setzero_pd(); G];
        for (_, y2, _) in parts.iter_mut() {
            y2[n - 1] = [0.0; LANES];
        }
        for k in (0..n - 1).rev() {
            let c = set(self.y2_coef[k]);
            for (g, (_, y2, u)) in parts.iter_mut().enumerate() {
                next[g] = _mm256_add_pd(_mm256_mul_pd(c, next[g]), ld(&u[k]));
                _mm256_storeu_pd(y2[k].as_mut_ptr(), next[g]);
            }
        }
    }

    /// The cubic at every target for four lanes whose `y` and `y2` are solved.
    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    unsafe fn evaluate_avx(&self, work: &LaneWork, outs: [&mut [f64]; LANES]) {
        use std::arch::x86_64::*;
        let (y, y2) = (&work.y, &work.y2);
        let [o0, o1, o2, o3] = outs;
        let m = self.targets.len();
        assert!(o0.len() >= m && o1.len() >= m && o2.len() >= m && o3.len() >= m);
        // The evaluation with the four lanes in one register, in the scalar
        // expression's order (separate multiplies and adds, as the scalar code).
        let mut t = 0;
        while t + 4 <= m {
            let mut r = [_mm256_setzero_pd(); 4];
            for (q, rq) in r.iter_mut().enumerate() {
                let Target {
                    lo,
                    a,
                    b,
                    a3,
                    b3,
                    h26,
                } = self.targets[t + q];
                let ylo = _mm256_loadu_pd(y[lo].as_ptr());
                let yhi = _mm256_loadu_pd(y[lo + 1].as_ptr());
                let dlo = _mm256_loadu_pd(y2[lo].as_ptr());
                let dhi = _mm256_loadu_pd(y2[lo + 1].as_ptr());
                let lin = _mm256_add_pd(
                    _mm256_mul_pd(_mm256_set1_pd(a), ylo),
                    _mm256_mul_pd(_mm256_set1_pd(b), yhi),
                );
                let cub = _mm256_add_pd(
                    _mm256_mul_pd(_mm256_set1_pd(a3), dlo),
                    _mm256_mul_pd(_mm256_set1_pd(b3), dhi),
                );
                *rq = _mm256_add_pd(lin, _mm256_mul_pd(cub, _mm256_set1_pd(h26)));
            }
            // r[q] holds target t+q of the four lanes
            let [r0, r1, r2, r3] = crate::transpose4_f64(r);
            _mm256_storeu_pd(o0.as_mut_ptr().add(t), r0);
            _mm256_storeu_pd(o1.as_mut_ptr().add(t), r1);
            _mm256_storeu_pd(o2.as_mut_ptr().add(t), r2);
            _mm256_storeu_pd(o3.as_mut_ptr().add(t), r3);
            t += 4;
        }
        self.evaluate_lanes(t, y, y2, [o0, o1, o2, o3]);
    }

    #[inline(always)]
    fn eval_lanes_plain(
        &self,
        ys: [&[f64]; LANES],
        work: &mut LaneWork,
        outs: [&mut [f64]; LANES],
    ) {
        self.second_derivatives_lanes(ys, work);
        self.evaluate_lanes(0, &work.y, &work.y2, outs);
    }

    /// [`NaturalSpline::transpose_lanes`] four points at a time, a 4×4
    /// transpose in registers (a quarter of the stores).
    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    unsafe fn transpose_lanes_avx(&self, ys: [&[f64]; LANES], work: &mut LaneWork) {
        use std::arch::x86_64::*;
        let n = self.size_lanes(work);
        assert!(ys.iter().all(|y| y.len() >= n));
        let mut i = 0;
        while i + 4 <= n {
            // lane l's points i..i+4 in, point i+q of every lane out
            let rows = crate::transpose4_f64(ys.map(|y| _mm256_loadu_pd(y.as_ptr().add(i))));
            for (q, row) in rows.into_iter().enumerate() {
                _mm256_storeu_pd(work.y[i + q].as_mut_ptr(), row);
            }
            i += 4;
        }
        copy_lanes_from(ys, work, i);
    }

    /// The data of the four lanes side by side.
    #[inline(always)]
    fn transpose_lanes(&self, ys: [&[f64]; LANES], work: &mut LaneWork) {
        self.size_lanes(work);
        copy_lanes_from(ys, work, 0);
    }

    /// Room for one point of each lane per knot in all three buffers; the
    /// number of knots.
    #[inline(always)]
    fn size_lanes(&self, work: &mut LaneWork) -> usize {
        let n = self.x.len();
        work.y.resize(n, [0.0; LANES]);
        work.y2.resize(n, [0.0; LANES]);
        work.u.resize(n, [0.0; LANES]);
        n
    }

    /// The data of the four lanes side by side, and their second derivatives.
    #[inline(always)]
    fn second_derivatives_lanes(&self, ys: [&[f64]; LANES], work: &mut LaneWork) {
        self.transpose_lanes(ys, work);
        let n = self.x.len();
        let (y, y2, u) = (&mut work.y, &mut work.y2, &mut work.u);
        u[0] = [0.0; LANES];
        let mut slope_prev = [0.0; LANES];
        for l in 0..LANES {
            slope_prev[l] = (y[1][l] - y[0][l]) * self.inv_dx[0];
        }
        for i in 1..n - 1 {
            let (inv, six, sig, pinv) = (
                self.inv_dx[i],
                self.six_over_span[i],
                self.sig[i],
                self.p_inv[i],
            );
            let prev = u[i - 1];
            let mut ui = [0.0; LANES];
            for l in 0..LANES {
                let slope = (y[i + 1][l] - y[i][l]) * inv;
                let d = slope - slope_prev[l];
                slope_prev[l] = slope;
                ui[l] = (d * six - sig * prev[l]) * pinv;
            }
            u[i] = ui;
        }
        y2[n - 1] = [0.0; LANES];
        for k in (0..n - 1).rev() {
            let c = self.y2_coef[k];
            let next = y2[k + 1];
            let mut v = [0.0; LANES];
            for l in 0..LANES {
                v[l] = c * next[l] + u[k][l];
            }
            y2[k] = v;
        }
    }

    /// The cubic at targets `from..` for the four lanes.
    #[inline(always)]
    fn evaluate_lanes(
        &self,
        from: usize,
        y: &[[f64; LANES]],
        y2: &[[f64; LANES]],
        outs: [&mut [f64]; LANES],
    ) {
        let [o0, o1, o2, o3] = outs;
        for (t, p) in self.targets.iter().enumerate().skip(from) {
            let (lo, hi) = (p.lo, p.lo + 1);
            let mut r = [0.0; LANES];
            for l in 0..LANES {
                r[l] =
                    p.a * y[lo][l] + p.b * y[hi][l] + (p.a3 * y2[lo][l] + p.b3 * y2[hi][l]) * p.h26;
            }
            o0[t] = r[0];
            o1[t] = r[1];
            o2[t] = r[2];
            o3[t] = r[3];
        }
    }
}

/// Point `k` of the four lanes side by side, for every point from `from` on
/// (`work.y` sized to the knots).
#[inline(always)]
fn copy_lanes_from(ys: [&[f64]; LANES], work: &mut LaneWork, from: usize) {
    for (k, yk) in work.y.iter_mut().enumerate().skip(from) {
        for l in 0..LANES {
            yk[l] = ys[l][k];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reproduces_knots_and_lines() {
        let x = vec![0.0, 1.0, 2.5, 4.0];
        let s = NaturalSpline::new(x.clone(), &[0.0, 1.0, 2.5, 4.0, 0.5, 3.0]);
        let y: Vec<f64> = x.iter().map(|v| 2.0 * v - 1.0).collect();
        let mut out = vec![0.0; 6];
        s.eval(&y, &mut Vec::new(), &mut Vec::new(), &mut out);
        let expect = [-1.0, 1.0, 4.0, 7.0, 0.0, 5.0];
        for (a, b) in out.iter().zip(expect) {
            assert!((a - b).abs() < 1e-12);
        }
    }

    #[test]
    fn lanes_are_bit_identical_to_single_evaluations() {
        let x: Vec<f64> = (1..40).map(|i| (i as f64).ln()).collect();
        let at: Vec<f64> = (0..50).map(|i| 0.1 + i as f64 * 0.07).collect();
        let s = NaturalSpline::new(x.clone(), &at);
        let data: Vec<Vec<f64>> = (0..4)
            .map(|l| x.iter().map(|v| (v * (l + 1) as f64).sin() * 3.7).collect())
            .collect();
        let mut single = vec![vec![0.0; at.len()]; 4];
        for l in 0..4 {
            s.eval(&data[l], &mut Vec::new(), &mut Vec::new(), &mut single[l]);
        }
        let mut lanes = vec![vec![0.0; at.len()]; 4];
        let [a, b, c, d] = &mut lanes[..] else {
            unreachable!()
        };
        s.eval_lanes(
            [&data[0], &data[1], &data[2], &data[3]],
            &mut LaneWork::default(),
            [a, b, c, d],
        );
        // and the portable lanes, which processors without AVX2 and FMA take
        let mut plain = vec![vec![0.0; at.len()]; 4];
        let [a, b, c, d] = &mut plain[..] else {
            unreachable!()
        };
        s.eval_lanes_plain(
            [&data[0], &data[1], &data[2], &data[3]],
            &mut LaneWork::default(),
            [a, b, c, d],
        );
        for l in 0..4 {
            for ((p, q), r) in single[l].iter().zip(&lanes[l]).zip(&plain[l]) {
                assert_eq!(p.to_bits(), q.to_bits());
                assert_eq!(p.to_bits(), r.to_bits());
            }
        }
    }

    #[test]
    fn eight_lanes_are_bit_identical_to_single_evaluations() {
        let x: Vec<f64> = (1..60).map(|i| (i as f64).ln()).collect();
        let at: Vec<f64> = (0..70).map(|i| 0.05 + i as f64 * 0.058).collect();
        let s = NaturalSpline::new(x.clone(), &at);
        let data: Vec<Vec<f64>> = (0..8)
            .map(|l| {
                x.iter()
                    .map(|v| (v * (l + 1) as f64).cos() * 2.1 - 0.3)
                    .collect()
            })
            .collect();
        let ys: [&[f64]; 8] = std::array::from_fn(|l| &data[l][..]);
        let mut got = vec![vec![0.0; at.len()]; 8];
        let [a, b, c, d, e, f, g, h] = &mut got[..] else {
            unreachable!()
        };
        let (mut w0, mut w1) = (LaneWork::default(), LaneWork::default());
        s.eval_lanes8(ys, [&mut w0, &mut w1], [a, b, c, d, e, f, g, h]);
        for l in 0..8 {
            let mut single = vec![0.0; at.len()];
            s.eval(&data[l], &mut Vec::new(), &mut Vec::new(), &mut single);
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&got[l]), bits(&single), "lane {l}");
        }
    }

    #[test]
    fn natural_spline_through_three_points() {
        // Knots 0,1,2 with y = 0,1,0: natural spline has y''(1) = -3, so at x = 0.5:
        // S = 0.5 + (0.125-0.5)(-3)/6 ... a=0.5,b=0.5: 0.5*0 + 0.5*1 + ((0.125-0.5)*0 + (0.125-0.5)*(-3))/6
        let s = NaturalSpline::new(vec![0.0, 1.0, 2.0], &[0.5]);
        let mut out = [0.0];
        s.eval(&[0.0, 1.0, 0.0], &mut Vec::new(), &mut Vec::new(), &mut out);
        assert!((out[0] - (0.5 + 0.375 * 3.0 / 6.0)).abs() < 1e-12);
    }
}
