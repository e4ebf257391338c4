//! Delta regression coefficients.

use crate::smoothing::{at, map_frames};

/// Standard regression delta `d[n] = Σ_{i=1}^{W} i·(x[n+i] − x[n−i]) / (2·Σ i²)`,
/// with edge frames repeated; `f32` arithmetic.
pub fn delta_regression(x: &[f32], window: usize, n_out: usize) -> Vec<f32> {
    if x.is_empty() {
        return vec![0.0; n_out];
    }
    let norm: f32 = 2.0 * (1..=window).map(|i| (i * i) as f32).sum::<f32>();
    let edge = |n: isize| {
        let mut num = 0.0f32;
        for i in 1..=window as isize {
            num += i as f32 * (at(x, n + i) - at(x, n - i));
        }
        num / norm
    };
    if window == 2 {
        // IS10's window, its two terms written out so the frames vectorise
        let inner = |n: usize| {
            let mut num = 0.0f32;
            num += 1.0 * (x[n + 1] - x[n - 1]);
            num += 2.0 * (x[n + 2] - x[n - 2]);
            num / norm
        };
        return map_frames(x, 2, n_out, inner, edge);
    }
    map_frames(x, window, n_out, |n| edge(n as isize), edge)
}

/// Deltas only inside segments: a pair (x[n−i], x[n+i]) in which either value is
/// 0 (unvoiced) is left out.
///
/// The divisor depends on [`SegmentNorm`]. Columns are processed together, frame
/// by frame and column by column, because the accumulating divisor is shared.
pub fn delta_in_segments(
    columns: &[Vec<f32>],
    window: usize,
    n_out: usize,
    norm_mode: SegmentNorm,
) -> Vec<Vec<f32>> {
    let mut out = vec![vec![0.0f32; n_out]; columns.len()];
    let mut shared: f32 = 2.0 * (1..=window).map(|i| (i * i) as f32).sum::<f32>();
    for n in 0..n_out as isize {
        for (c, x) in columns.iter().enumerate() {
            if x.is_empty() {
                continue;
            }
            let mut num = 0.0f32;
            let mut local = 0.0f32;
            for i in 1..=window as isize {
                let (a, b) = (at(x, n - i), at(x, n + i));
                if a != 0.0 && b != 0.0 {
                    num += i as f32 * (b - a);
                    let w = (i * i) as f32;
                    shared += w;
                    local += 2.0 * w;
                }
            }
            let norm = match norm_mode {
                SegmentNorm::Accumulating => shared,
                SegmentNorm::PerFrame => local,
            };
            out[c][n as usize] = if norm != 0.0 { num / norm } else { 0.0 };
        }
    }
    out
}

/// How [`delta_in_segments`] normalises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SegmentNorm {
    /// The regression over the pairs actually used: `Σ i·Δ / (2·Σ_used i²)`.
    PerFrame,
    /// openSMILE 3.x: one divisor that starts at `2·Σ i²` and grows by `i²` for
    /// every pair used, never reset (over frames and columns), so deltas fade
    /// towards zero along a file. See `emo_lld::quirks`.
    Accumulating,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_frame_follows_the_definition_to_the_bit() {
        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        for len in 1..14usize {
            let x: Vec<f32> = (0..len).map(|i| ((i * 7 % 5) as f32 - 1.7) * 0.3).collect();
            for window in 1..4usize {
                for n_out in [0, 1, len.saturating_sub(1), len, len + 2, len + 5] {
                    let norm: f32 = 2.0 * (1..=window).map(|i| (i * i) as f32).sum::<f32>();
                    let want: Vec<f32> = (0..n_out as isize)
                        .map(|n| {
                            let mut num = 0.0f32;
                            for i in 1..=window as isize {
                                num += i as f32 * (at(&x, n + i) - at(&x, n - i));
                            }
                            num / norm
                        })
                        .collect();
                    let got = delta_regression(&x, window, n_out);
                    assert_eq!(bits(&got), bits(&want), "{len} {window} {n_out}");
                }
            }
        }
    }

    #[test]
    fn ramp_has_unit_slope() {
        let x: Vec<f32> = (0..8).map(|v| v as f32).collect();
        let d = delta_regression(&x, 2, 10);
        for v in &d[2..6] {
            assert!((v - 1.0).abs() < 1e-6);
        }
        // at the start x[-1] = x[-2] = 0: (1*(1-0) + 2*(2-0))/10 = 0.5
        assert!((d[0] - 0.5).abs() < 1e-6);
        // past the end everything repeats 7: delta 0
        assert_eq!(d[9], 0.0);
    }

    #[test]
    fn segments_skip_unvoiced_pairs() {
        let x = vec![0.0, 0.0, 2.0, 3.0, 4.0, 0.0, 0.0];
        let d = delta_in_segments(std::slice::from_ref(&x), 2, 7, SegmentNorm::PerFrame);
        // n = 3: both pairs voiced: (1*(4-2) + 2*(0-0)?) x[5]=0 so pair i=2 skipped
        // -> 1*(4-2) / 2 = 1
        assert!((d[0][3] - 1.0).abs() < 1e-6);
        assert_eq!(d[0][0], 0.0);
    }

    #[test]
    fn accumulating_divisor_grows() {
        let x: Vec<f32> = (1..=6).map(|v| v as f32).collect();
        let d = delta_in_segments(&[x], 2, 6, SegmentNorm::Accumulating);
        // frame 0: pairs (x0,x1) and (x0,x2) used: num = 1*(2-1) + 2*(3-1) = 5, norm = 10+1+4
        assert!((d[0][0] - 5.0 / 15.0).abs() < 1e-6);
        // frame 2: num = 1*2 + 2*4 = 10, norm = 15+5+5
        assert!((d[0][2] - 10.0 / 25.0).abs() < 1e-6);
    }
}
