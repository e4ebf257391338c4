//! Samples handed over in memory (a Python array, say) rather than read from a
//! file: channel selection, mixdown and scaling as for a file, so that the
//! samples of a file give the same signal as the file itself.

use crate::{mix_float, mix_int, Channels, InputMode, IntFormat};

/// Channel-major samples, `channels` planes of equal length one after another
/// (numpy's `(channels, samples)` in C order).
#[derive(Debug, Clone, Copy)]
pub enum Planar<'a> {
    /// 16-bit integers, as a 16-bit file holds them.
    I16(&'a [i16]),
    /// Floats with full scale 1.0 = 32768, as soundfile and audiofile decode
    /// 16-bit audio.
    F32(&'a [f32]),
    F64(&'a [f64]),
}

impl Planar<'_> {
    fn len(&self) -> usize {
        match self {
            Planar::I16(v) => v.len(),
            Planar::F32(v) => v.len(),
            Planar::F64(v) => v.len(),
        }
    }
}

/// Why in-memory samples were refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SignalError {
    #[error("the signal is empty")]
    Empty,
    #[error("the signal holds {len} values, which do not split into {channels} channels")]
    Shape { len: usize, channels: usize },
    #[error("sample {index} of channel {channel} is not a finite number (NaN or infinity)")]
    NotFinite { channel: usize, index: usize },
    #[error("{0}")]
    Channels(String),
}

/// Mixes planar samples to the mono signal the extractor takes.
///
/// Integers are scaled as a 16-bit file's are (÷32767). Floats are read as
/// decoders deliver a 16-bit file (÷32768): with [`InputMode::SmilExtract`]
/// they are brought to the engine's scale (×32768/32767), so that the samples
/// of a 16-bit file give exactly the file's signal; with [`InputMode::Python`]
/// they are truncated to 16 bits first, as the `opensmile` package hands them
/// over.
pub fn mono_from_planar(
    data: Planar<'_>,
    channels: usize,
    select: Channels,
    mode: InputMode,
) -> Result<Vec<f32>, SignalError> {
    let len = data.len();
    if len == 0 {
        return Err(SignalError::Empty);
    }
    if channels == 0 || !len.is_multiple_of(channels) {
        return Err(SignalError::Shape { len, channels });
    }
    select.check(channels).map_err(SignalError::Channels)?;
    let n = len / channels;
    let interleave = |get: &dyn Fn(usize) -> f64| -> Result<Vec<f32>, SignalError> {
        let mut out = Vec::with_capacity(len);
        for i in 0..n {
            for c in 0..channels {
                let v = get(c * n + i);
                if !v.is_finite() {
                    return Err(SignalError::NotFinite {
                        channel: c,
                        index: i,
                    });
                }
                out.push(v as f32);
            }
        }
        Ok(out)
    };
    let to_engine_scale = |mut mono: Vec<f32>| {
        if mode == InputMode::SmilExtract {
            for v in &mut mono {
                *v = *v * 32768.0 / 32767.0;
            }
        }
        mono
    };
    Ok(match data {
        Planar::I16(v) => {
            let mut inter = Vec::with_capacity(len);
            for i in 0..n {
                inter.extend((0..channels).map(|c| i32::from(v[c * n + i])));
            }
            let (sel, k) = select.select(&inter, channels);
            mix_int(&sel, k, IntFormat::I16, mode)
        }
        Planar::F32(v) => {
            let inter = interleave(&|i| f64::from(v[i]))?;
            let (sel, k) = select.select(&inter, channels);
            to_engine_scale(mix_float(&sel, k, mode))
        }
        Planar::F64(v) => {
            let inter = interleave(&|i| v[i])?;
            let (sel, k) = select.select(&inter, channels);
            to_engine_scale(mix_float(&sel, k, mode))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_samples_of_a_16_bit_file_give_the_file_signal() {
        let ints: [i16; 6] = [100, -32768, 32767, 7, 301, -2];
        let floats: Vec<f32> = ints.iter().map(|&v| f32::from(v) / 32768.0).collect();
        let doubles: Vec<f64> = ints.iter().map(|&v| f64::from(v) / 32768.0).collect();
        for (ch, sel) in [
            (1, Channels::All),
            (2, Channels::All),
            (2, Channels::Mask(2)),
        ] {
            for mode in [InputMode::SmilExtract, InputMode::Python] {
                let a = mono_from_planar(Planar::I16(&ints), ch, sel, mode).unwrap();
                let b = mono_from_planar(Planar::F32(&floats), ch, sel, mode).unwrap();
                let c = mono_from_planar(Planar::F64(&doubles), ch, sel, mode).unwrap();
                assert_eq!(a, b, "{ch} {sel:?} {mode:?}");
                assert_eq!(a, c, "{ch} {sel:?} {mode:?}");
            }
        }
        // planar (channel-major) layout: channel 1 is the second half
        let m = mono_from_planar(
            Planar::I16(&ints),
            2,
            Channels::Mask(2),
            InputMode::SmilExtract,
        )
        .unwrap();
        assert_eq!(m, vec![7.0 / 32767.0, 301.0 / 32767.0, -2.0 / 32767.0]);
    }

    #[test]
    fn bad_signals_are_refused_by_cause() {
        let m = InputMode::SmilExtract;
        assert_eq!(
            mono_from_planar(Planar::F32(&[]), 1, Channels::All, m),
            Err(SignalError::Empty)
        );
        assert!(matches!(
            mono_from_planar(Planar::F32(&[0.0, 1.0, f32::NAN, 0.0]), 2, Channels::All, m),
            Err(SignalError::NotFinite {
                channel: 1,
                index: 0
            })
        ));
        assert!(matches!(
            mono_from_planar(Planar::F32(&[0.0; 3]), 2, Channels::All, m),
            Err(SignalError::Shape { .. })
        ));
        assert!(matches!(
            mono_from_planar(Planar::F32(&[0.0; 4]), 2, Channels::Mask(4), m),
            Err(SignalError::Channels(_))
        ));
    }
}
