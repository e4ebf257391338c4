//! Lengths of the stretches of a contour that differ from (`NotEqual`) or
//! equal (`Equal`) a value, as openSMILE's segment functionals find them: a
//! stretch starts once it has lasted `min_segment` frames and ends after
//! `min_pause` frames of the other kind; its length is counted from its first
//! frame to the last frame before the pause, minus one (openSMILE's count).
//! eGeMAPS uses it for voiced and unvoiced segments of F0 (Eyben et al. 2016,
//! §3.2).

/// Which frames make up a segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SegmentKind {
    NotEqual,
    Equal,
}

/// Segment lengths in frames.
pub fn segment_lengths(
    x: &[f32],
    value: f32,
    kind: SegmentKind,
    min_segment: usize,
    min_pause: usize,
) -> Vec<usize> {
    let in_kind = |v: f32| match kind {
        SegmentKind::NotEqual => v != value,
        SegmentKind::Equal => v == value,
    };
    let mut out = Vec::new();
    let (mut state, mut start_count, mut end_count, mut start) = (0u8, 0usize, 0usize, 0usize);
    let mut add = |end: usize, start: usize| out.push(end.saturating_sub(start));
    for (i, &v) in x.iter().enumerate() {
        if in_kind(v) {
            match state {
                1 => {
                    end_count = 0;
                    start_count += 1;
                    if start_count >= min_segment {
                        start_count = 0;
                        state = 2;
                    }
                }
                0 => {
                    start_count += 1;
                    start = i;
                    state = 1;
                }
                _ => end_count = 0,
            }
        } else {
            match state {
                2 => {
                    start_count = 0;
                    end_count += 1;
                    if end_count >= min_pause {
                        state = 0;
                        add(i - end_count, start);
                        end_count = 0;
                    }
                }
                1 => {
                    end_count += 1;
                    if end_count >= min_pause {
                        state = 0;
                        end_count = 0;
                        start_count = 0;
                    }
                }
                _ => {}
            }
        }
    }
    if state == 2 {
        end_count += 1;
        add(x.len().saturating_sub(end_count), start);
    }
    out
}

/// Mean and population standard deviation of segment lengths (frames).
pub fn length_stats(lengths: &[usize]) -> (f32, f32) {
    let n = lengths.len();
    let total: usize = lengths.iter().sum();
    let mean = if n > 1 {
        total as f32 / n as f32
    } else {
        total as f32
    };
    if n <= 1 {
        return (mean, 0.0);
    }
    let var: f32 = lengths
        .iter()
        .map(|&l| (l as f32 - mean) * (l as f32 - mean))
        .sum::<f32>()
        / n as f32;
    (mean, var.sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn voiced_stretches_by_hand() {
        // voiced 2..=7 (6 frames), pause of 3, voiced 11..=12 (too short), pause,
        // voiced 16..=19 running to the end
        let mut x = vec![0.0f32; 20];
        for i in (2..=7).chain(11..=12).chain(16..=19) {
            x[i] = 1.0;
        }
        let v = segment_lengths(&x, 0.0, SegmentKind::NotEqual, 3, 2);
        // first: ends when the second pause frame is seen at i = 9: end 9−2 = 7,
        // length 7 − 2 = 5; last: runs to the end: (20 − 1) − 16 = 3
        assert_eq!(v, vec![5, 3]);
        let (m, s) = length_stats(&v);
        assert_eq!((m, s), (4.0, 1.0));
        // the pauses: 8..=10 ends at i = 12 (two voiced frames): 10 − 8 = 2;
        // 13..=15 ends at i = 17: 15 − 13 = 2; 0..=1 is too short
        let p = segment_lengths(&x, 0.0, SegmentKind::Equal, 3, 2);
        assert_eq!(p, vec![2, 2]);
    }
}
