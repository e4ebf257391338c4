//! Pure signal-processing blocks. Each is a small function or struct with no
//! knowledge of the IS10 chain that strings them together (that is `emo-lld`).
//!
//! Where openSMILE's numbers depend on single-precision arithmetic (the LPC path,
//! smoothing, deltas) the blocks compute in `f32` in the same order, so that the
//! features match it to float32 precision rather than merely approximately.
// Index loops mirror the formulas they implement (x[n−i], x[n+i]).
#![allow(clippy::needless_range_loop)]

/// Returns from the enclosing function with `$avx`, a call of a block's AVX
/// build, when the processor has AVX, and falls through to the plain code
/// after it otherwise. Every AVX build here is the plain code compiled wider
/// without fused multiply-adds, so both paths give the same bits (each block's
/// tests compare them); the call's other preconditions are stated beside it.
macro_rules! return_if_avx {
    ($avx:expr) => {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx") {
            // SAFETY: AVX is available (checked just above).
            #[allow(clippy::macro_metavars_in_unsafe)]
            return unsafe { $avx };
        }
    };
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
