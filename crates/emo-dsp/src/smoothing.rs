//! Moving-average smoothing of a contour over 3 frames.
//!
//! Frames before the start repeat the first frame and frames past the end repeat
//! the last; the output may be longer than the input (openSMILE emits one frame
//! more than it reads), so the caller gives the output length.

fn at(x: &[f32], i: isize) -> f32 {
    x[i.clamp(0, x.len() as isize - 1) as usize]
}

/// `y[n] = (x[n] + x[n−1] + x[n+1]) / 3` in `f32`, in that order.
pub fn moving_average3(x: &[f32], n_out: usize) -> Vec<f32> {
    if x.is_empty() {
        return vec![0.0; n_out];
    }
    (0..n_out as isize)
        .map(|n| {
            let mut y = at(x, n);
            y += at(x, n - 1);
            y += at(x, n + 1);
            y / 3.0
        })
        .collect()
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
