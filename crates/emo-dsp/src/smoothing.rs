//! Moving-average smoothing of a contour over 3 frames.
//!
//! Frames before the start repeat the first frame and frames past the end repeat
//! the last; the output may be longer than the input (openSMILE emits one frame
//! more than it reads), so the caller gives the output length.

/// `x[i]` with the edge frames repeated beyond either end.
pub(crate) fn at(x: &[f32], i: isize) -> f32 {
    x[i.clamp(0, x.len() as isize - 1) as usize]
}

/// `[f(n) for n in 0..n_out]`, where `f(n)` reads `x[n − reach ..= n + reach]`
/// with the edge frames repeated (`f` is given twice: `inner` for the frames
/// whose reads all fall inside `x`, as plain indexing that vectorises, and
/// `edge` through [`at`] for the rest; both must do the same operations).
pub(crate) fn map_frames(
    x: &[f32],
    reach: usize,
    n_out: usize,
    inner: impl Fn(usize) -> f32,
    edge: impl Fn(isize) -> f32,
) -> Vec<f32> {
    let lo = reach.min(n_out);
    let hi = x.len().saturating_sub(reach).clamp(lo, n_out.max(lo));
    let mut out = Vec::with_capacity(n_out);
    out.extend((0..lo).map(|n| edge(n as isize)));
    out.extend((lo..hi).map(inner));
    out.extend((hi..n_out).map(|n| edge(n as isize)));
    out
}

/// `y[n] = (x[n] + x[n−1] + x[n+1]) / 3` in `f32`, in that order.
pub fn moving_average3(x: &[f32], n_out: usize) -> Vec<f32> {
    if x.is_empty() {
        return vec![0.0; n_out];
    }
    let mean3 = |c: f32, before: f32, after: f32| {
        let mut y = c;
        y += before;
        y += after;
        y / 3.0
    };
    map_frames(
        x,
        1,
        n_out,
        |n| mean3(x[n], x[n - 1], x[n + 1]),
        |n| mean3(at(x, n), at(x, n - 1), at(x, n + 1)),
    )
}

/// Smoothing that treats 0 as "no value" (unvoiced): a zero stays zero, and a
/// non-zero frame is the mean of the non-zero values among its 3 neighbours.
pub fn moving_average3_nonzero(x: &[f32], n_out: usize) -> Vec<f32> {
    if x.is_empty() {
        return vec![0.0; n_out];
    }
    (0..n_out as isize)
        .map(|n| {
            let c = at(x, n);
            if c == 0.0 {
                return 0.0;
            }
            let mut y = c;
            let mut count = 1.0f32;
            for v in [at(x, n - 1), at(x, n + 1)] {
                if v != 0.0 {
                    y += v;
                    count += 1.0;
                }
            }
            y / count
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_frame_follows_the_definition_to_the_bit() {
        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        for len in 1..12usize {
            let x: Vec<f32> = (0..len).map(|i| ((i * 5 % 7) as f32 - 2.9) * 0.7).collect();
            for n_out in [0, 1, len.saturating_sub(1), len, len + 3] {
                let want: Vec<f32> = (0..n_out as isize)
                    .map(|n| {
                        let mut y = at(&x, n);
                        y += at(&x, n - 1);
                        y += at(&x, n + 1);
                        y / 3.0
                    })
                    .collect();
                assert_eq!(
                    bits(&moving_average3(&x, n_out)),
                    bits(&want),
                    "{len} {n_out}"
                );
            }
        }
    }

    #[test]
    fn edges_repeat_and_output_can_be_longer() {
        let y = moving_average3(&[3.0, 6.0, 9.0], 4);
        assert_eq!(y, vec![4.0, 6.0, 8.0, 9.0]);
    }

    #[test]
    fn zeros_are_skipped() {
        let y = moving_average3_nonzero(&[0.0, 2.0, 4.0, 0.0, 6.0], 5);
        assert_eq!(y, vec![0.0, 3.0, 3.0, 0.0, 6.0]);
    }
}
