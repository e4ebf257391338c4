//! Channel mixdown and sample scaling, as openSMILE's wave reader does them.

/// Integer sample widths and the full-scale value openSMILE divides by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntFormat {
    /// 8-bit, already centred to -128..127; scaled like 16-bit (×256/32767).
    U8,
    /// 16-bit: ÷32767.
    I16,
    /// 24-bit: ÷(32767·256).
    I24,
    /// 32-bit: ÷2147483647.
    I32,
}

impl IntFormat {
    /// The format for a WAV `bits_per_sample`, if supported.
    pub fn from_bits(bits: u16) -> Option<Self> {
        match bits {
            8 => Some(IntFormat::U8),
            16 => Some(IntFormat::I16),
            24 => Some(IntFormat::I24),
            32 => Some(IntFormat::I32),
            _ => None,
        }
    }

    fn full_scale(self) -> f32 {
        match self {
            IntFormat::U8 => 32767.0 / 256.0,
            IntFormat::I16 => 32767.0,
            IntFormat::I24 => 32767.0 * 256.0,
            IntFormat::I32 => 2147483647.0,
        }
    }
}

/// Mixes interleaved integer samples to mono: the channel sum in `f32`, divided by
/// the channel count, then by the full scale (the same operation order as
/// openSMILE, so 16-bit input is reproduced bit for bit).
pub fn mix_int(interleaved: &[i32], channels: usize, fmt: IntFormat) -> Vec<f32> {
    let channels = channels.max(1);
    let scale = fmt.full_scale();
    let nch = channels as f32;
    interleaved
        .chunks_exact(channels)
        .map(|frame| {
            let sum: f32 = frame.iter().fold(0.0f32, |acc, &v| acc + v as f32);
            (sum / nch) / scale
        })
        .collect()
}

/// Mixes interleaved float samples to mono (the channel mean).
pub fn mix_float(interleaved: &[f32], channels: usize) -> Vec<f32> {
    let channels = channels.max(1);
    let nch = channels as f32;
    interleaved
        .chunks_exact(channels)
        .map(|frame| frame.iter().fold(0.0f32, |acc, &v| acc + v) / nch)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sixteen_bit_full_scale_is_32767() {
        let m = mix_int(&[32767, -32767, 16384], 1, IntFormat::I16);
        assert_eq!(m, vec![1.0, -1.0, 16384.0f32 / 32767.0]);
    }

    #[test]
    fn stereo_is_the_channel_mean() {
        let m = mix_int(&[100, 300, -2, 4], 2, IntFormat::I16);
        assert_eq!(m, vec![200.0 / 32767.0, 1.0 / 32767.0]);
        assert_eq!(mix_float(&[0.5, 0.25, 1.0, -1.0], 2), vec![0.375, 0.0]);
    }

    #[test]
    fn eight_and_twenty_four_bit_scale_like_sixteen() {
        // 8-bit value 64 (after centring) is the 16-bit value 64*256.
        let a = mix_int(&[64], 1, IntFormat::U8)[0];
        let b = mix_int(&[64 * 256], 1, IntFormat::I16)[0];
        assert!((a - b).abs() < 1e-7);
        let c = mix_int(&[1000 * 256], 1, IntFormat::I24)[0];
        assert!((c - 1000.0 / 32767.0).abs() < 1e-7);
    }

    #[test]
    fn incomplete_trailing_frame_is_dropped() {
        assert_eq!(mix_int(&[1, 2, 3], 2, IntFormat::I16).len(), 1);
    }
}
