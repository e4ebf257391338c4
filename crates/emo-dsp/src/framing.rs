//! Frame geometry: frame and step lengths in samples at any sample rate.

/// Sizes of one framing level in samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameGeometry {
    /// Frame length N in samples.
    pub size: usize,
    /// Step S in samples.
    pub step: usize,
    /// FFT length: the next power of two ≥ N.
    pub fft_len: usize,
}

impl FrameGeometry {
    /// `N = round(size_sec·fs)`, `S = round(step_sec·fs)`, halves rounded away from
    /// zero (C `round`), which decides N and S at rates such as 22.05 kHz.
    pub fn new(size_sec: f64, step_sec: f64, sample_rate: u32) -> Self {
        let t = 1.0 / f64::from(sample_rate);
        let size = ((size_sec / t).round() as usize).max(1);
        let step = ((step_sec / t).round() as usize).max(1);
        FrameGeometry {
            size,
            step,
            fft_len: size.next_power_of_two(),
        }
    }

    /// Number of complete frames in `len` samples: `floor((L−N)/S)+1`, or 0.
    pub fn count(&self, len: usize) -> usize {
        if len < self.size {
            0
        } else {
            (len - self.size) / self.step + 1
        }
    }

    /// The samples of frame `k` from `signal`, which holds the recording's
    /// samples from index `signal_start` on (0: the whole recording; more when
    /// a stream has dropped what no frame reads again).
    pub fn frame<'a>(&self, signal: &'a [f32], signal_start: usize, k: usize) -> &'a [f32] {
        let s = k * self.step - signal_start;
        &signal[s..s + self.size]
    }
}

/// Drops the samples before absolute index `keep` from `buf`, which holds the
/// samples from absolute index `*buf_start` on, for streaming extractors that
/// keep only what later frames read. In large steps only (at least 2^16
/// samples and half the buffer): moving the kept tail costs a copy.
pub fn forget_before(buf: &mut Vec<f32>, buf_start: &mut usize, keep: usize) {
    let dead = keep.saturating_sub(*buf_start).min(buf.len());
    if dead >= (1 << 16) && dead * 2 >= buf.len() {
        buf.drain(..dead);
        *buf_start += dead;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_at_common_rates() {
        let g = FrameGeometry::new(0.025, 0.010, 16000);
        assert_eq!((g.size, g.step, g.fft_len), (400, 160, 512));
        let g = FrameGeometry::new(0.025, 0.010, 44100);
        assert_eq!((g.size, g.step, g.fft_len), (1103, 441, 2048));
        let g = FrameGeometry::new(0.010, 0.010, 22050);
        assert_eq!(g.step, 221);
        let g = FrameGeometry::new(0.060, 0.010, 8000);
        assert_eq!((g.size, g.fft_len), (480, 512));
    }

    #[test]
    fn frame_count() {
        let g = FrameGeometry::new(0.025, 0.010, 16000);
        assert_eq!(g.count(48000), 298);
        assert_eq!(g.count(399), 0);
        assert_eq!(g.count(400), 1);
        assert_eq!(g.count(559), 1);
        assert_eq!(g.count(560), 2);
    }

    #[test]
    fn frame_from_a_buffer_that_starts_later() {
        let g = FrameGeometry::new(0.025, 0.010, 16000);
        let x: Vec<f32> = (0..1000).map(|v| v as f32).collect();
        assert_eq!(g.frame(&x, 0, 2)[0], 320.0);
        // the same frame from a buffer holding samples 300.. only
        assert_eq!(g.frame(&x[300..], 300, 2), g.frame(&x, 0, 2));
        assert_eq!(g.frame(&x, 0, 2).len(), 400);
    }
}
