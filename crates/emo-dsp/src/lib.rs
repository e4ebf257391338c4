//! Pure signal-processing blocks. Each is a small function or struct with no
//! knowledge of the IS10 chain that strings them together (that is `emo-lld`).
//!
//! Where openSMILE's numbers depend on single-precision arithmetic (the LPC path,
//! smoothing, deltas) the blocks compute in `f32` in the same order, so that the
//! features match it to float32 precision rather than merely approximately.
// Index loops mirror the formulas they implement (x[n−i], x[n+i]).
#![allow(clippy::needless_range_loop)]

/// Returns from the enclosing function with `$avx`, a call of a block's AVX
/// build, when the processor has AVX2 and FMA, and falls through to the plain
/// code after it otherwise. Every AVX build here is the plain code compiled
/// wider, so both paths give the same bits (each block's tests compare them):
/// FMA is enabled for its code generation (broadcasts from registers,
/// three-operand forms), and a fused multiply-add is written out only as
/// `x·1 + y`, which rounds as the addition does; the call's other
/// preconditions are stated beside it.
macro_rules! return_if_avx {
    ($avx:expr) => {
        #[cfg(target_arch = "x86_64")]
        if crate::avx_builds() {
            // SAFETY: AVX2 and FMA are available (checked just above).
            #[allow(clippy::macro_metavars_in_unsafe)]
            return unsafe { $avx };
        }
    };
}

/// Whether the processor runs the blocks' AVX builds: AVX2 and FMA, the
/// features they are compiled with (see [`return_if_avx`]).
#[cfg(target_arch = "x86_64")]
pub(crate) fn avx_builds() -> bool {
    std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
}

/// A 4×4 transpose of `f32` lanes: `r[l]` holds four consecutive values of
/// sequence l; the result's vector q holds value q of the four sequences (how
/// the side-by-side sums read four frames at a time).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub(crate) fn transpose4(r: [std::arch::x86_64::__m128; 4]) -> [std::arch::x86_64::__m128; 4] {
    use std::arch::x86_64::*;
    // SAFETY: SSE is part of every x86-64 processor.
    unsafe {
        let (t0, t1) = (_mm_unpacklo_ps(r[0], r[1]), _mm_unpacklo_ps(r[2], r[3]));
        let (t2, t3) = (_mm_unpackhi_ps(r[0], r[1]), _mm_unpackhi_ps(r[2], r[3]));
        [
            _mm_movelh_ps(t0, t1),
            _mm_movehl_ps(t1, t0),
            _mm_movelh_ps(t2, t3),
            _mm_movehl_ps(t3, t2),
        ]
    }
}

/// A 4×4 transpose of `f64` lanes: `r[q]` holds value q of four sequences
/// (one per lane); the result's vector l holds sequence l's four values.
///
/// # Safety
/// AVX must be available.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub(crate) unsafe fn transpose4_f64(
    r: [std::arch::x86_64::__m256d; 4],
) -> [std::arch::x86_64::__m256d; 4] {
    use std::arch::x86_64::*;
    let t0 = _mm256_unpacklo_pd(r[0], r[1]);
    let t1 = _mm256_unpackhi_pd(r[0], r[1]);
    let t2 = _mm256_unpacklo_pd(r[2], r[3]);
    let t3 = _mm256_unpackhi_pd(r[2], r[3]);
    [
        _mm256_permute2f128_pd(t0, t2, 0x20),
        _mm256_permute2f128_pd(t1, t3, 0x20),
        _mm256_permute2f128_pd(t0, t2, 0x31),
        _mm256_permute2f128_pd(t1, t3, 0x31),
    ]
}

pub mod auditory;
pub mod delta;
pub mod formants;
pub mod framing;
pub mod harmonics;
pub mod jitter;
pub mod lpc;
pub mod lsp;
pub mod mel;
pub mod mfcc;
pub mod parabola;
pub mod pitch;
pub mod pitch_viterbi;
pub mod resample;
pub mod roots;
pub mod shs;
pub mod smoothing;
pub mod spectral_shape;
pub mod spectrum;
pub mod spline;
pub mod window;

pub use framing::FrameGeometry;
