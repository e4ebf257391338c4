//! Sustained single-core floating-point throughput of this machine for the
//! kernel shapes the IS10 chain is made of, at full SIMD width with fused
//! multiply-adds: the denominators of the cost model in docs/performance.md
//! (`python3 bench/cost_model.py` runs this and divides each block's work by
//! the rate of its shape).
//!
//! `cargo bench -p emo-dsp --bench kernels` prints one line per kernel:
//! `kernel <name> <Gflop/s>` (for `sqrt_f32` and `sqrt_f64`, billions of roots
//! per second).
// AVX-512 intrinsics are newer than the workspace's minimum Rust version; this
// benchmark is only built by `cargo bench`, on the toolchain at hand.
#![allow(clippy::incompatible_msrv)]

use std::hint::black_box;
use std::time::Instant;

/// Best Gflop/s of `reps` timed calls of `f`, which returns the flops it did.
fn rate(reps: usize, mut f: impl FnMut() -> f64) -> f64 {
    let mut best = 0.0f64;
    f(); // warm caches and clocks
    for _ in 0..reps {
        let t = Instant::now();
        let flops = f();
        best = best.max(flops / t.elapsed().as_secs_f64() / 1e9);
    }
    best
}

fn report(name: &str, gflops: Option<f64>) {
    match gflops {
        Some(g) => println!("kernel {name} {g:.2}"),
        None => println!("kernel {name} unsupported"),
    }
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::*;

    /// Independent accumulators, enough to cover FMA latency × throughput.
    const ACC: usize = 12;

    macro_rules! peak {
        ($name:ident, $feat:literal, $t:ty, $set:ident, $fma:ident, $lanes:expr) => {
            /// Register-resident FMAs on independent accumulators: the peak.
            #[target_feature(enable = $feat)]
            pub unsafe fn $name(iters: usize) -> f64 {
                let a = $set(1.000_000_1);
                let b = $set(0.999_999_9);
                let mut acc: [$t; ACC] = [$set(0.0); ACC];
                for _ in 0..iters {
                    for r in acc.iter_mut() {
                        *r = $fma(*r, a, b);
                    }
                }
                std::hint::black_box(&acc);
                (iters * ACC * $lanes * 2) as f64
            }
        };
    }
    peak!(
        peak_f32_512,
        "avx512f",
        __m512,
        _mm512_set1_ps,
        _mm512_fmadd_ps,
        16
    );
    peak!(
        peak_f64_512,
        "avx512f",
        __m512d,
        _mm512_set1_pd,
        _mm512_fmadd_pd,
        8
    );
    peak!(
        peak_f32_256,
        "avx2,fma",
        __m256,
        _mm256_set1_ps,
        _mm256_fmadd_ps,
        8
    );
    peak!(
        peak_f64_256,
        "avx2,fma",
        __m256d,
        _mm256_set1_pd,
        _mm256_fmadd_pd,
        4
    );

    macro_rules! roots {
        ($name:ident, $feat:literal, $t:ty, $set:ident, $sqrt:ident, $add:ident, $lanes:expr) => {
            /// Independent square roots (each chain `a ← √a + 1.5`, whose
            /// values stay away from 0 and 1): the rate of the magnitudes'
            /// one root per bin, in roots per second.
            #[target_feature(enable = $feat)]
            pub unsafe fn $name(iters: usize) -> f64 {
                let c = $set(1.5);
                let mut acc: [$t; ACC] = [$set(2.0); ACC];
                for _ in 0..iters {
                    for r in acc.iter_mut() {
                        *r = $add($sqrt(*r), c);
                    }
                }
                std::hint::black_box(&acc);
                (iters * ACC * $lanes) as f64
            }
        };
    }
    roots!(
        sqrt_f32_256,
        "avx",
        __m256,
        _mm256_set1_ps,
        _mm256_sqrt_ps,
        _mm256_add_ps,
        8
    );
    roots!(
        sqrt_f64_256,
        "avx",
        __m256d,
        _mm256_set1_pd,
        _mm256_sqrt_pd,
        _mm256_add_pd,
        4
    );
    roots!(
        sqrt_f32_512,
        "avx512f",
        __m512,
        _mm512_set1_ps,
        _mm512_sqrt_ps,
        _mm512_add_ps,
        16
    );

    /// The spectral resampler's shape, done as well as it can be: four frames'
    /// `out[i] += re·c[k][i] + a·s[k][i]` over two tables of `rows × n` floats
    /// (L2-resident), the outputs of a 64-sample tile kept in 16 registers for
    /// all rows, so each pair of table loads feeds eight fused multiply-adds.
    #[target_feature(enable = "avx512f")]
    pub unsafe fn table_stream_f32(
        c: &[f32],
        s: &[f32],
        n: usize,
        outs: &mut [Vec<f32>; 4],
    ) -> f64 {
        let rows = c.len() / n;
        let tiles = n / 64;
        for t in 0..tiles {
            let mut acc = [_mm512_setzero_ps(); 16];
            for k in 0..rows {
                let base = k * n + t * 64;
                let cv: [__m512; 4] =
                    std::array::from_fn(|j| _mm512_loadu_ps(c.as_ptr().add(base + 16 * j)));
                let sv: [__m512; 4] =
                    std::array::from_fn(|j| _mm512_loadu_ps(s.as_ptr().add(base + 16 * j)));
                for l in 0..4 {
                    let re = _mm512_set1_ps(0.5 + l as f32 + k as f32 * 1e-3);
                    let im = _mm512_set1_ps(0.25 - l as f32);
                    for j in 0..4 {
                        let a = &mut acc[4 * l + j];
                        *a = _mm512_fmadd_ps(re, cv[j], *a);
                        *a = _mm512_fmadd_ps(im, sv[j], *a);
                    }
                }
            }
            for l in 0..4 {
                for j in 0..4 {
                    _mm512_storeu_ps(outs[l].as_mut_ptr().add(t * 64 + 16 * j), acc[4 * l + j]);
                }
            }
        }
        (rows * 4 * tiles * 64 * 4) as f64
    }

    /// Lagged products in double precision (the jitter correlation's shape):
    /// Σ x[i]·y[i+l], Σ x², Σ y² for eight lags at once, L1-resident.
    #[target_feature(enable = "avx512f")]
    pub unsafe fn lagged_products_f64(x: &[f64], y: &[f64]) -> f64 {
        // two samples per step, each with its own three accumulators
        let mut acc = [[_mm512_setzero_pd(); 3]; 2];
        let n = x.len() / 2 * 2;
        let mut i = 0;
        while i < n {
            for (h, [c, nx, ny]) in acc.iter_mut().enumerate() {
                let a = _mm512_set1_pd(x[i + h]);
                let b = _mm512_loadu_pd(y.as_ptr().add(i + h));
                *c = _mm512_fmadd_pd(a, b, *c);
                *nx = _mm512_fmadd_pd(a, a, *nx);
                *ny = _mm512_fmadd_pd(b, b, *ny);
            }
            i += 2;
        }
        std::hint::black_box(acc);
        (n * 8 * 6) as f64
    }
}

/// A chain of dependent scalar multiply-adds (Clenshaw recurrences, bisection,
/// recursive filters): the rate when nothing can run side by side.
fn serial_f32(iters: usize) -> f64 {
    let (mut b0, mut b1) = (0.1f32, 0.2f32);
    let x2 = black_box(0.37f32);
    for _ in 0..iters {
        let t = b0;
        b0 = x2.mul_add(b0, -b1) + 0.001;
        b1 = t;
    }
    black_box((b0, b1));
    (iters * 3) as f64
}

fn main() {
    // `cargo bench` passes --bench; nothing else is accepted
    let reps = 7;
    report(
        "serial_f32",
        Some(rate(reps, || serial_f32(black_box(20_000_000)))),
    );
    #[cfg(target_arch = "x86_64")]
    {
        let avx512 = std::arch::is_x86_feature_detected!("avx512f");
        let avx2 = std::arch::is_x86_feature_detected!("avx2")
            && std::arch::is_x86_feature_detected!("fma");
        let it = 2_000_000;
        // SAFETY (all calls below): each runs only when its features were detected.
        report(
            "peak_f32_256",
            avx2.then(|| rate(reps, || unsafe { x86::peak_f32_256(it) })),
        );
        report(
            "peak_f64_256",
            avx2.then(|| rate(reps, || unsafe { x86::peak_f64_256(it) })),
        );
        report(
            "peak_f32_512",
            avx512.then(|| rate(reps, || unsafe { x86::peak_f32_512(it) })),
        );
        report(
            "peak_f64_512",
            avx512.then(|| rate(reps, || unsafe { x86::peak_f64_512(it) })),
        );
        // roots per second, the better of the two widths
        let avx = std::arch::is_x86_feature_detected!("avx");
        let roots = [
            avx.then(|| rate(reps, || unsafe { x86::sqrt_f32_256(it) })),
            avx512.then(|| rate(reps, || unsafe { x86::sqrt_f32_512(it) })),
        ];
        report("sqrt_f32", roots.into_iter().flatten().reduce(f64::max));
        // for comparison: the double-precision root the magnitudes take
        report(
            "sqrt_f64",
            avx.then(|| rate(reps, || unsafe { x86::sqrt_f64_256(it) })),
        );
        let (rows, n) = (136, 275);
        let c: Vec<f32> = (0..rows * n).map(|i| (i as f32 * 0.001).cos()).collect();
        let s: Vec<f32> = (0..rows * n).map(|i| (i as f32 * 0.001).sin()).collect();
        let mut outs: [Vec<f32>; 4] = std::array::from_fn(|_| vec![0.0f32; n]);
        report(
            "table_stream_f32",
            avx512.then(|| {
                rate(reps, || {
                    (0..200)
                        .map(|_| unsafe { x86::table_stream_f32(&c, &s, n, &mut outs) })
                        .sum()
                })
            }),
        );
        let x: Vec<f64> = (0..400).map(|i| (i as f64 * 0.07).sin()).collect();
        let y: Vec<f64> = (0..416).map(|i| (i as f64 * 0.05).cos()).collect();
        report(
            "lagged_products_f64",
            avx512.then(|| {
                rate(reps, || {
                    (0..20_000)
                        .map(|_| unsafe { x86::lagged_products_f64(black_box(&x), black_box(&y)) })
                        .sum()
                })
            }),
        );
    }
}
