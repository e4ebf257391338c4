//! Channel mixdown and sample scaling.
//!
//! Two readers of openSMILE are reproduced, because their samples differ:
//!
//! * [`InputMode::SmilExtract`] (default): openSMILE's own wave reader. Integer
//!   samples of all channels are summed in `f32`, divided by the channel count,
//!   then by the full scale, which for 16-bit audio is 32767 (not 32768). Other
//!   widths use the same 16-bit-relative scale (24-bit: 32767·256; 8-bit
//!   unsigned: centred and ×256/32767, which openSMILE itself gets wrong), 32-bit
//!   integers 2147483647; float samples are used as they are.
//! * [`InputMode::Python`]: the `opensmile` Python package, which decodes to
//!   float (16-bit ÷32768, 24-bit ÷2²³, ...), averages the channels, truncates
//!   `x·32768` to a 16-bit integer (wrapping on overflow) and hands that to the
//!   engine, which divides by 32767.
//!
//! For 16-bit mono files both give exactly `v/32767`.

/// Which openSMILE front end to reproduce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum InputMode {
    #[default]
    SmilExtract,
    Python,
}

impl std::str::FromStr for InputMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "smilextract" => Ok(InputMode::SmilExtract),
            "python" => Ok(InputMode::Python),
            other => Err(format!(
                "unknown input mode '{other}' (expected smilextract or python)"
            )),
        }
    }
}

impl std::fmt::Display for InputMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            InputMode::SmilExtract => "smilextract",
            InputMode::Python => "python",
        })
    }
}

/// Integer sample widths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntFormat {
    /// 8-bit, already centred to −128..127.
    U8,
    I16,
    I24,
    I32,
}

impl IntFormat {
    /// The format for a sample width in bits, if supported.
    pub fn from_bits(bits: u32) -> Option<Self> {
        match bits {
            8 => Some(IntFormat::U8),
            16 => Some(IntFormat::I16),
            24 => Some(IntFormat::I24),
            32 => Some(IntFormat::I32),
            _ => None,
        }
    }

    fn bits(self) -> u32 {
        match self {
            IntFormat::U8 => 8,
            IntFormat::I16 => 16,
            IntFormat::I24 => 24,
            IntFormat::I32 => 32,
        }
    }

    /// openSMILE's divisor for this width.
    fn smile_scale(self) -> f32 {
        match self {
            IntFormat::U8 => 32767.0 / 256.0,
            IntFormat::I16 => 32767.0,
            IntFormat::I24 => 32767.0 * 256.0,
            IntFormat::I32 => 2147483647.0,
        }
    }
}

/// The Python package's hand-over to the engine: truncate to 16 bits, wrap on
/// overflow, then divide by 32767.
fn python_quantise(x: f64) -> f32 {
    let v = (x * 32768.0).trunc() as i64 as i16;
    f32::from(v) / 32767.0
}

/// Mixes interleaved integer samples to mono.
pub fn mix_int(interleaved: &[i32], channels: usize, fmt: IntFormat, mode: InputMode) -> Vec<f32> {
    let channels = channels.max(1);
    match mode {
        InputMode::SmilExtract => {
            let scale = fmt.smile_scale();
            if channels == 1 {
                // the sum of one sample is the sample and x / 1 is x, exactly:
                // the same values without a second division per sample, and
                // a loop the compiler vectorises
                return interleaved.iter().map(|&v| v as f32 / scale).collect();
            }
            let nch = channels as f32;
            interleaved
                .chunks_exact(channels)
                .map(|frame| {
                    let sum: f32 = frame.iter().fold(0.0f32, |acc, &v| acc + v as f32);
                    (sum / nch) / scale
                })
                .collect()
        }
        InputMode::Python => {
            let full = f64::from(1u32 << (fmt.bits() - 1));
            interleaved
                .chunks_exact(channels)
                .map(|frame| {
                    let mean =
                        frame.iter().map(|&v| f64::from(v) / full).sum::<f64>() / channels as f64;
                    python_quantise(mean)
                })
                .collect()
        }
    }
}

/// One channel of little-endian 16-bit samples, straight from the file's
/// bytes, scaled as [`mix_int`] scales one 16-bit channel in either mode:
/// `v / 32767` (the Python route's ÷32768, ×32768 and truncation give `v`
/// back exactly). One pass with no integer buffer between, which the
/// compiler vectorises. A trailing odd byte is ignored.
pub(crate) fn pcm16_mono(bytes: &[u8], out: &mut Vec<f32>) {
    out.clear();
    out.extend(
        bytes
            .chunks_exact(2)
            .map(|b| f32::from(i16::from_le_bytes([b[0], b[1]])) / 32767.0),
    );
}

/// Mixes interleaved float samples to mono.
pub fn mix_float(interleaved: &[f32], channels: usize, mode: InputMode) -> Vec<f32> {
    let channels = channels.max(1);
    let nch = channels as f32;
    interleaved
        .chunks_exact(channels)
        .map(|frame| {
            let mean = frame.iter().fold(0.0f32, |acc, &v| acc + v) / nch;
            match mode {
                InputMode::SmilExtract => mean,
                InputMode::Python => python_quantise(f64::from(mean)),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use InputMode::*;

    #[test]
    fn sixteen_bit_full_scale_is_32767() {
        let m = mix_int(&[32767, -32767, 16384], 1, IntFormat::I16, SmilExtract);
        assert_eq!(m, vec![1.0, -1.0, 16384.0f32 / 32767.0]);
        assert_eq!(
            m,
            mix_int(&[32767, -32767, 16384], 1, IntFormat::I16, Python)
        );
    }

    #[test]
    fn bytes_of_one_channel_give_mix_int_values_in_both_modes() {
        // every 16-bit value, plus an odd trailing byte that is ignored
        let ints: Vec<i32> = (i32::from(i16::MIN)..=i32::from(i16::MAX)).collect();
        let mut bytes: Vec<u8> = ints
            .iter()
            .flat_map(|&v| (v as i16).to_le_bytes())
            .collect();
        bytes.push(0x7f);
        let mut out = vec![9.0; 3];
        pcm16_mono(&bytes, &mut out);
        for mode in [SmilExtract, Python] {
            let want = mix_int(&ints, 1, IntFormat::I16, mode);
            assert_eq!(out.len(), want.len());
            assert!(out
                .iter()
                .zip(&want)
                .all(|(a, b)| a.to_bits() == b.to_bits()));
        }
    }

    #[test]
    fn stereo_mean_and_python_truncation() {
        let m = mix_int(&[100, 301, -2, 5], 2, IntFormat::I16, SmilExtract);
        assert_eq!(m, vec![200.5 / 32767.0, 1.5 / 32767.0]);
        // the Python package truncates the mean to an integer
        let p = mix_int(&[100, 301, -2, 5], 2, IntFormat::I16, Python);
        assert_eq!(p, vec![200.0 / 32767.0, 1.0 / 32767.0]);
        assert_eq!(
            mix_float(&[0.5, 0.25, 1.0, -1.0], 2, SmilExtract),
            vec![0.375, 0.0]
        );
    }

    #[test]
    fn widths_scale_like_sixteen_bit() {
        let a = mix_int(&[64], 1, IntFormat::U8, SmilExtract)[0];
        let b = mix_int(&[64 * 256], 1, IntFormat::I16, SmilExtract)[0];
        assert!((a - b).abs() < 1e-7);
        assert_eq!(mix_int(&[64], 1, IntFormat::U8, Python)[0], b);
        let c = mix_int(&[1000 * 256], 1, IntFormat::I24, SmilExtract)[0];
        assert!((c - 1000.0 / 32767.0).abs() < 1e-7);
        assert_eq!(
            mix_int(&[1000 * 256 + 17], 1, IntFormat::I24, Python)[0],
            1000.0 / 32767.0
        );
    }

    #[test]
    fn python_mode_wraps_full_scale_float() {
        // 1.0 becomes 32768, which wraps to -32768 in 16 bits, as numpy does.
        assert_eq!(mix_float(&[1.0], 1, Python)[0], -32768.0 / 32767.0);
    }

    #[test]
    fn incomplete_trailing_frame_is_dropped() {
        assert_eq!(mix_int(&[1, 2, 3], 2, IntFormat::I16, SmilExtract).len(), 1);
    }

    #[test]
    fn the_mono_shortcut_gives_the_bits_of_the_general_mix() {
        let mut state = 0x2545_f491u32;
        let xs: Vec<i32> = (0..100_000)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                state as i32
            })
            .collect();
        for fmt in [
            IntFormat::U8,
            IntFormat::I16,
            IntFormat::I24,
            IntFormat::I32,
        ] {
            let scale = fmt.smile_scale();
            let general: Vec<f32> = xs
                .iter()
                .map(|&v| (0.0f32 + v as f32) / 1.0 / scale)
                .collect();
            let mono = mix_int(&xs, 1, fmt, SmilExtract);
            assert!(mono
                .iter()
                .zip(&general)
                .all(|(a, b)| a.to_bits() == b.to_bits()));
        }
    }
}
