//! Audio from a pipe: a WAV stream whose header cannot give the length (as
//! `ffmpeg -f wav -` and `arecord` write it), or headerless PCM described by
//! a [`RawSpec`]. Read as it arrives, block by block, so that a live source is
//! analysed as it is spoken and memory does not grow with the stream.
//!
//! hound and symphonia want a seekable file or a length they can trust; a
//! stream's header often says 0 or 0xFFFFFFFF, so the small RIFF header is
//! read here and the sample data taken until the source ends.

use crate::mixdown::{mix_float, mix_int, IntFormat};
use crate::{AudioError, Emitter, Sink, StreamInfo};
use std::io::Read;
use std::path::Path;

/// Rates and channel counts past these are taken as a damaged header.
const MAX_RATE: u32 = 768_000;
const MAX_CHANNELS: u16 = 64;
/// Frames read per block: about 60 ms at 16 kHz, so a live source is
/// analysed close behind the speech.
const STREAM_BLOCK_FRAMES: usize = 1024;

/// Sample encoding of headerless PCM.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawFormat {
    /// Signed 16-bit little-endian integers.
    S16le,
    /// 32-bit little-endian IEEE floats.
    F32le,
}

/// Headerless PCM: `s16le:RATE:CHANNELS` or `f32le:RATE:CHANNELS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawSpec {
    pub format: RawFormat,
    pub rate: u32,
    pub channels: u16,
}

impl std::str::FromStr for RawSpec {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let bad = |why: &str| {
            format!("--raw '{s}': {why} (give FORMAT:RATE:CHANNELS, FORMAT s16le or f32le, e.g. s16le:16000:1)")
        };
        let parts: Vec<&str> = s.split(':').collect();
        let [f, r, c] = parts[..] else {
            return Err(bad("three fields are needed"));
        };
        let format = match f {
            "s16le" => RawFormat::S16le,
            "f32le" => RawFormat::F32le,
            _ => return Err(bad(&format!("unknown sample format '{f}'"))),
        };
        let rate: u32 = r
            .parse()
            .map_err(|_| bad(&format!("'{r}' is not a rate in Hz")))?;
        let channels: u16 = c
            .parse()
            .map_err(|_| bad(&format!("'{c}' is not a channel count")))?;
        check_layout(rate, channels).map_err(|e| bad(&e))?;
        Ok(RawSpec {
            format,
            rate,
            channels,
        })
    }
}

fn check_layout(rate: u32, channels: u16) -> Result<(), String> {
    if !(1..=MAX_RATE).contains(&rate) {
        return Err(format!(
            "a sample rate of {rate} Hz is not usable (1 to {MAX_RATE} Hz)"
        ));
    }
    if !(1..=MAX_CHANNELS).contains(&channels) {
        return Err(format!(
            "{channels} channels is not usable (1 to {MAX_CHANNELS})"
        ));
    }
    Ok(())
}

/// How the sample bytes of a stream are laid out.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Encoding {
    Int(IntFormat),
    Float32,
}

impl Encoding {
    fn bytes(self) -> usize {
        match self {
            Encoding::Int(IntFormat::U8) => 1,
            Encoding::Int(IntFormat::I16) => 2,
            Encoding::Int(IntFormat::I24) => 3,
            Encoding::Int(IntFormat::I32) | Encoding::Float32 => 4,
        }
    }

    fn name(self) -> String {
        match self {
            Encoding::Int(_) => format!("pcm{}", 8 * self.bytes()),
            Encoding::Float32 => "float32".into(),
        }
    }
}

/// Reads an audio stream (`raw`: headerless PCM; else a WAV stream) to its
/// end, handing mono blocks to `sink` as they arrive. `name` names the input
/// in errors. A WAV stream that ends before the length its header declares
/// is an error, raised after every complete frame has been handed on.
pub fn read_stream(
    input: &mut dyn Read,
    name: &Path,
    raw: Option<RawSpec>,
    opts: &crate::ReadOptions,
    sink: &mut Sink<'_>,
) -> Result<StreamInfo, AudioError> {
    let invalid = |reason: String| AudioError::Invalid {
        path: name.to_owned(),
        reason,
    };
    let (rate, channels, enc, declared) = match raw {
        Some(r) => {
            let enc = match r.format {
                RawFormat::S16le => Encoding::Int(IntFormat::I16),
                RawFormat::F32le => Encoding::Float32,
            };
            (r.rate, r.channels, enc, None)
        }
        None => read_wav_header(input, name)?,
    };
    let nch = usize::from(channels);
    opts.channels.check(nch).map_err(invalid)?;
    let mut out = Emitter::new(name, sink);
    out.start_span(&opts.span, rate, 0);
    let frame_bytes = nch * enc.bytes();
    let mut buf = vec![0u8; frame_bytes * STREAM_BLOCK_FRAMES];
    let mut have = 0usize;
    let mut taken: u64 = 0;
    let limit = declared.unwrap_or(u64::MAX);
    loop {
        let room = (buf.len() - have).min(usize::try_from(limit - taken).unwrap_or(usize::MAX));
        if room == 0 && have < frame_bytes {
            break;
        }
        let n = match input.read(&mut buf[have..have + room]) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return Err(AudioError::Decode {
                    path: name.to_owned(),
                    reason: format!("reading the stream failed after {taken} bytes: {e}"),
                })
            }
        };
        have += n;
        taken += n as u64;
        let whole = have / frame_bytes * frame_bytes;
        if whole == 0 {
            continue;
        }
        let block = decode(&buf[..whole], enc, nch, opts);
        buf.copy_within(whole..have, 0);
        have -= whole;
        if out.emit(rate, &block).is_break() {
            break;
        }
    }
    if let Some(i) = out.bad_sample {
        return Err(invalid(format!(
            "sample {i} is not a finite number (NaN or infinity)"
        )));
    }
    let secs = out.frames as f64 / f64::from(rate);
    if declared.is_some_and(|d| taken < d) {
        return Err(invalid(format!(
            "the stream ended after {secs:.3} s of audio, before the {} bytes of samples its header declares: it was cut short",
            limit
        )));
    }
    if have > 0 && out.remaining.is_none() {
        return Err(invalid(format!(
            "the stream ended after {secs:.3} s of audio inside a sample frame ({have} of {frame_bytes} bytes): it was cut short"
        )));
    }
    if out.frames == 0 {
        return Err(invalid("no audio samples in the stream".into()));
    }
    Ok(StreamInfo {
        sample_rate: rate,
        channels,
        format: enc.name(),
        frames: out.frames,
        first_frame: out.first_frame,
    })
}

fn decode(bytes: &[u8], enc: Encoding, nch: usize, opts: &crate::ReadOptions) -> Vec<f32> {
    match enc {
        Encoding::Float32 => {
            let v: Vec<f32> = bytes
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect();
            let (v, k) = opts.channels.select(&v, nch);
            mix_float(&v, k, opts.mode)
        }
        Encoding::Int(fmt) => {
            let v: Vec<i32> = match fmt {
                IntFormat::U8 => bytes.iter().map(|&b| i32::from(b) - 128).collect(),
                IntFormat::I16 => bytes
                    .chunks_exact(2)
                    .map(|b| i32::from(i16::from_le_bytes([b[0], b[1]])))
                    .collect(),
                IntFormat::I24 => bytes
                    .chunks_exact(3)
                    .map(|b| i32::from_le_bytes([0, b[0], b[1], b[2]]) >> 8)
                    .collect(),
                IntFormat::I32 => bytes
                    .chunks_exact(4)
                    .map(|b| i32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                    .collect(),
            };
            let (v, k) = opts.channels.select(&v, nch);
            mix_int(&v, k, fmt, opts.mode)
        }
    }
}

/// Reads exactly `buf.len()` bytes of the header, or says where it ended.
fn header_bytes(
    input: &mut dyn Read,
    buf: &mut [u8],
    name: &Path,
    at: &mut u64,
) -> Result<(), AudioError> {
    let mut got = 0;
    while got < buf.len() {
        match input.read(&mut buf[got..]) {
            Ok(0) => {
                return Err(AudioError::Invalid {
                    path: name.to_owned(),
                    reason: format!(
                        "the stream ended inside its WAV header, after {} bytes",
                        *at + got as u64
                    ),
                })
            }
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => {
                return Err(AudioError::Decode {
                    path: name.to_owned(),
                    reason: format!("reading the WAV header failed: {e}"),
                })
            }
        }
    }
    *at += got as u64;
    Ok(())
}

/// Rate, channels, encoding and the declared data length (None: unknown,
/// read to the end) of a WAV stream, leaving `input` at its first sample.
fn read_wav_header(
    input: &mut dyn Read,
    name: &Path,
) -> Result<(u32, u16, Encoding, Option<u64>), AudioError> {
    let invalid = |reason: String| AudioError::Invalid {
        path: name.to_owned(),
        reason,
    };
    let mut at = 0u64;
    let mut riff = [0u8; 12];
    header_bytes(input, &mut riff, name, &mut at)?;
    if &riff[0..4] != b"RIFF" || &riff[8..12] != b"WAVE" {
        return Err(AudioError::Decode {
            path: name.to_owned(),
            reason: "not a WAV stream (no RIFF/WAVE header); for headerless samples give --raw FORMAT:RATE:CHANNELS, e.g. --raw s16le:16000:1".into(),
        });
    }
    let mut fmt: Option<(u32, u16, Encoding)> = None;
    loop {
        let mut head = [0u8; 8];
        header_bytes(input, &mut head, name, &mut at)?;
        let size = u32::from_le_bytes([head[4], head[5], head[6], head[7]]);
        match &head[0..4] {
            b"fmt " => {
                if !(16..=1024).contains(&size) {
                    return Err(invalid(format!("a format chunk of {size} bytes")));
                }
                let mut f = vec![0u8; size as usize + (size as usize & 1)];
                header_bytes(input, &mut f, name, &mut at)?;
                let u16_at = |i: usize| u16::from_le_bytes([f[i], f[i + 1]]);
                let mut tag = u16_at(0);
                let channels = u16_at(2);
                let rate = u32::from_le_bytes([f[4], f[5], f[6], f[7]]);
                let bits = u16_at(14);
                if tag == 0xFFFE && size >= 26 {
                    tag = u16_at(24); // the sub-format GUID starts with the format tag
                }
                check_layout(rate, channels)
                    .map_err(|e| invalid(format!("the header says {e}")))?;
                let enc = match (tag, bits) {
                    (1, b) => IntFormat::from_bits(u32::from(b)).map(Encoding::Int),
                    (3, 32) => Some(Encoding::Float32),
                    _ => None,
                }
                .ok_or_else(|| AudioError::Unsupported {
                    path: name.to_owned(),
                    reason: format!("WAV format {tag} with {bits}-bit samples (a stream takes 8/16/24/32-bit PCM or 32-bit float)"),
                })?;
                fmt = Some((rate, channels, enc));
            }
            b"data" => {
                let Some((rate, channels, enc)) = fmt else {
                    return Err(invalid(
                        "the data chunk comes before the format chunk".into(),
                    ));
                };
                // streams written before their length is known say 0 or
                // (nearly) 0xFFFFFFFF: read those to the end
                let declared = (size != 0 && size < 0x7FFF_0000).then_some(u64::from(size));
                return Ok((rate, channels, enc, declared));
            }
            _ => {
                if size > 1 << 20 {
                    return Err(invalid(format!(
                        "a '{}' chunk of {size} bytes before the samples",
                        String::from_utf8_lossy(&head[0..4])
                    )));
                }
                let mut skip = vec![0u8; size as usize + (size as usize & 1)];
                header_bytes(input, &mut skip, name, &mut at)?;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ops::ControlFlow;

    fn wav_header(rate: u32, channels: u16, bits: u16, tag: u16, data: u32) -> Vec<u8> {
        let mut h = Vec::new();
        h.extend_from_slice(b"RIFF");
        h.extend_from_slice(&0xFFFF_FFFFu32.to_le_bytes());
        h.extend_from_slice(b"WAVEfmt ");
        h.extend_from_slice(&16u32.to_le_bytes());
        h.extend_from_slice(&tag.to_le_bytes());
        h.extend_from_slice(&channels.to_le_bytes());
        h.extend_from_slice(&rate.to_le_bytes());
        let align = channels * bits / 8;
        h.extend_from_slice(&(rate * u32::from(align)).to_le_bytes());
        h.extend_from_slice(&align.to_le_bytes());
        h.extend_from_slice(&bits.to_le_bytes());
        h.extend_from_slice(b"LIST");
        h.extend_from_slice(&3u32.to_le_bytes());
        h.extend_from_slice(b"abc\0"); // odd size, padded
        h.extend_from_slice(b"data");
        h.extend_from_slice(&data.to_le_bytes());
        h
    }

    fn run(bytes: &[u8], raw: Option<RawSpec>) -> (Result<StreamInfo, AudioError>, Vec<f32>) {
        let mut got = Vec::new();
        // a reader handing out 7 bytes at a time, as a pipe may
        struct Trickle<'a>(&'a [u8]);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let n = buf.len().min(7).min(self.0.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let r = read_stream(
            &mut Trickle(bytes),
            Path::new("<stdin>"),
            raw,
            &crate::ReadOptions::default(),
            &mut |_, b| {
                got.extend_from_slice(b);
                ControlFlow::Continue(())
            },
        );
        (r, got)
    }

    #[test]
    fn a_wav_stream_of_unknown_length_is_read_to_its_end_and_mixed_as_files_are() {
        let mut s = wav_header(16000, 2, 16, 1, 0xFFFF_FFFF);
        for (l, r) in [(32767i16, 0i16), (-32767, -32767), (100, 300)] {
            s.extend_from_slice(&l.to_le_bytes());
            s.extend_from_slice(&r.to_le_bytes());
        }
        let (info, x) = run(&s, None);
        let info = info.unwrap();
        assert_eq!(
            (info.sample_rate, info.channels, info.frames),
            (16000, 2, 3)
        );
        assert_eq!(x, [0.5, -1.0, 200.0 / 32767.0]);
    }

    #[test]
    fn raw_specs_parse_and_bad_ones_name_the_field() {
        assert_eq!(
            "f32le:48000:2".parse::<RawSpec>(),
            Ok(RawSpec {
                format: RawFormat::F32le,
                rate: 48000,
                channels: 2
            })
        );
        for (bad, why) in [
            ("s16le:16000", "three fields"),
            ("u8:16000:1", "'u8'"),
            ("s16le:fast:1", "'fast'"),
            ("s16le:0:1", "0 Hz"),
            ("s16le:16000:0", "0 channels"),
            ("s16le:99999999:1", "not usable"),
        ] {
            let e = bad.parse::<RawSpec>().unwrap_err();
            assert!(e.contains(why) && e.contains(bad), "{bad}: {e}");
        }
        let raw: Vec<u8> = [0.25f32, -0.5]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        let (info, x) = run(&raw, "f32le:8000:1".parse().ok());
        assert_eq!(info.unwrap().sample_rate, 8000);
        assert_eq!(x, [0.25, -0.5]);
    }

    #[test]
    fn cut_and_absurd_streams_say_what_is_wrong_after_handing_on_what_came() {
        let h = wav_header(16000, 1, 16, 1, 0);
        let e = run(&h[..20], None).0.unwrap_err().to_string();
        assert!(
            e.contains("<stdin>") && e.contains("inside its WAV header, after 20 bytes"),
            "{e}"
        );
        let e = run(&wav_header(0, 1, 16, 1, 0), None)
            .0
            .unwrap_err()
            .to_string();
        assert!(e.contains("0 Hz"), "{e}");
        let e = run(&wav_header(16000, 9999, 16, 1, 0), None)
            .0
            .unwrap_err()
            .to_string();
        assert!(e.contains("9999 channels"), "{e}");
        let e = run(&wav_header(16000, 1, 12, 1, 0), None)
            .0
            .unwrap_err()
            .to_string();
        assert!(e.contains("12-bit"), "{e}");
        let e = run(b"ID3 not a wav at all", None)
            .0
            .unwrap_err()
            .to_string();
        assert!(e.contains("--raw"), "{e}");
        // a declared length the stream does not reach: what came is kept
        let mut s = wav_header(16000, 1, 16, 1, 1000);
        s.extend_from_slice(&[0, 64, 0, 64, 1]);
        let (r, x) = run(&s, None);
        assert_eq!(x.len(), 2);
        assert!(r.unwrap_err().to_string().contains("cut short"));
        // an unknown length ending inside a frame
        let mut s = wav_header(16000, 1, 16, 1, 0);
        s.extend_from_slice(&[0, 64, 7]);
        let (r, x) = run(&s, None);
        assert_eq!(x.len(), 1);
        assert!(r.unwrap_err().to_string().contains("inside a sample frame"));
        let e = run(&wav_header(16000, 1, 16, 1, 0), None)
            .0
            .unwrap_err()
            .to_string();
        assert!(e.contains("no audio samples"), "{e}");
    }
}
