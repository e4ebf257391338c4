//! Audio in: decode a file into mono `f32` samples at the file's own rate.
//!
//! openSMILE's wave reader mixes channels by summing the integer samples of all
//! channels in `f32`, dividing by the channel count and then by the format's full
//! scale, which for 16-bit audio is 32767 (not 32768). emo-pipe does the same so
//! that 16-bit files give bit-identical input samples; other integer widths use
//! the same 16-bit-relative scale (24-bit: 32767·256; 8-bit unsigned: centred and
//! scaled like 16-bit), 32-bit integers 2147483647 and float files are used as is.

use std::fs::File;
use std::io::BufReader;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

mod mixdown;
mod select;
mod signal;
mod stream;
mod walk;
pub use mixdown::{mix_float, mix_int, InputMode, IntFormat};
pub use select::{Channels, Span};
pub use signal::{mono_from_planar, Planar, SignalError};
pub use stream::{read_stream, RawFormat, RawSpec};
pub use walk::{find_audio_files, is_audio_path, Found, AUDIO_EXTENSIONS};

/// A decoded recording, mixed down to one channel.
#[derive(Debug, Clone)]
pub struct Audio {
    /// Mono samples, nominally in [-1, 1].
    pub samples: Vec<f32>,
    /// Sample rate in Hz.
    pub sample_rate: u32,
    /// Channel count of the source before mixdown.
    pub channels: u16,
    /// A short description of the source sample format, e.g. `pcm16`.
    pub format: String,
}

impl Audio {
    /// Duration in seconds.
    pub fn duration(&self) -> f64 {
        self.samples.len() as f64 / f64::from(self.sample_rate.max(1))
    }
}

/// Limits on what the reader accepts.
#[derive(Debug, Clone, Copy)]
pub struct ReadOptions {
    /// Refuse recordings longer than this many seconds (`None`: no limit).
    pub max_seconds: Option<f64>,
    /// Which openSMILE front end's samples to reproduce.
    pub mode: InputMode,
    /// Which channels are averaged into the mono signal.
    pub channels: Channels,
    /// Which stretch of the recording is read; the rest is skipped (WAV:
    /// seeked past, never read) and decoding stops at its end.
    pub span: Span,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            max_seconds: Some(4.0 * 3600.0),
            mode: InputMode::SmilExtract,
            channels: Channels::All,
            span: Span::WHOLE,
        }
    }
}

/// Why a file could not be read. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum AudioError {
    #[error("{path}: cannot open: {source}")]
    Open {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: not a readable audio file: {reason}")]
    Decode { path: PathBuf, reason: String },
    #[error("{path}: unsupported audio: {reason}")]
    Unsupported { path: PathBuf, reason: String },
    #[error("{path}: {reason}")]
    Invalid { path: PathBuf, reason: String },
    #[error("{path}: {seconds:.0} s is longer than the limit of {limit:.0} s (raise it with --max-duration)")]
    TooLong {
        path: PathBuf,
        seconds: f64,
        limit: f64,
    },
}

/// Reads an audio file with default limits.
pub fn read_audio(path: &Path) -> Result<Audio, AudioError> {
    read_audio_with(path, &ReadOptions::default())
}

/// Reads a whole audio file into memory: [`stream_audio`] with every block
/// collected.
pub fn read_audio_with(path: &Path, opts: &ReadOptions) -> Result<Audio, AudioError> {
    let mut samples = Vec::new();
    let info = stream_audio(path, opts, &mut |_, block| {
        samples.extend_from_slice(block);
        ControlFlow::Continue(())
    })?;
    Ok(Audio {
        samples,
        sample_rate: info.sample_rate,
        channels: info.channels,
        format: info.format,
    })
}

/// What [`stream_audio`] found in a file.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamInfo {
    /// Sample rate in Hz.
    pub sample_rate: u32,
    /// Channel count of the source before mixdown.
    pub channels: u16,
    /// A short description of the source sample format, e.g. `pcm16`.
    pub format: String,
    /// Mono samples handed to the sink.
    pub frames: usize,
    /// Position of the first of them in the source (non-zero for a segment).
    pub first_frame: u64,
}

impl StreamInfo {
    /// Duration in seconds.
    pub fn duration(&self) -> f64 {
        self.frames as f64 / f64::from(self.sample_rate.max(1))
    }
}

/// The receiver of decoded audio: called with the sample rate and each block of
/// mono samples in order; `Break` stops decoding early.
pub type Sink<'a> = dyn FnMut(u32, &[f32]) -> ControlFlow<()> + 'a;

/// Decodes a file block by block, handing each block of mono samples to `sink`
/// as soon as it is decoded, so memory stays bounded however long the file is.
/// WAV goes through hound (falling back to symphonia for WAV variants hound
/// does not take), everything else through symphonia. Blocks are checked before
/// they are handed on: a NaN or infinite sample ends decoding with an error, and
/// a file with no samples at all is an error.
pub fn stream_audio(
    path: &Path,
    opts: &ReadOptions,
    sink: &mut Sink<'_>,
) -> Result<StreamInfo, AudioError> {
    let is_wav = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("wav") || e.eq_ignore_ascii_case("wave"));
    let mut out = Emitter::new(path, sink);
    let head = if is_wav {
        match read_wav(path, opts, &mut out) {
            Ok(h) => h,
            Err(WavFailure::Fatal(e)) => return Err(e),
            Err(WavFailure::TrySymphonia(reason)) => {
                read_symphonia(path, opts, &mut out).map_err(|e| match e {
                    AudioError::Decode { path, .. } => AudioError::Decode { path, reason },
                    other => other,
                })?
            }
        }
    } else {
        read_symphonia(path, opts, &mut out)?
    };
    if let Some(i) = out.bad_sample {
        return Err(AudioError::Invalid {
            path: path.to_owned(),
            reason: format!("sample {i} is not a finite number (NaN or infinity)"),
        });
    }
    if out.frames == 0 {
        let span = &opts.span;
        return Err(AudioError::Invalid {
            path: path.to_owned(),
            reason: if span.is_whole() {
                "no audio samples".into()
            } else {
                format!(
                    "the segment from {} s{} holds no audio samples (it starts at or after the end of the recording, or is shorter than one sample)",
                    span.start,
                    span.end.map(|e| format!(" to {e} s")).unwrap_or_default()
                )
            },
        });
    }
    Ok(StreamInfo {
        sample_rate: head.rate,
        channels: head.channels,
        format: head.format,
        frames: out.frames,
        first_frame: out.first_frame,
    })
}

/// Rate, channels and format as a decoder reports them.
struct Head {
    rate: u32,
    channels: u16,
    format: String,
}

/// Checks blocks and hands them to the sink.
struct Emitter<'p, 's, 'a> {
    path: &'p Path,
    sink: &'s mut Sink<'a>,
    frames: usize,
    /// Index of the first non-finite sample, once one is seen.
    bad_sample: Option<usize>,
    /// Samples still to drop before the segment starts.
    skip: u64,
    /// Samples still to hand on before the segment ends (`None`: no end).
    remaining: Option<u64>,
    /// Position of the segment's first sample in the source.
    first_frame: u64,
}

impl<'p, 's, 'a> Emitter<'p, 's, 'a> {
    fn new(path: &'p Path, sink: &'s mut Sink<'a>) -> Self {
        Emitter {
            path,
            sink,
            frames: 0,
            bad_sample: None,
            skip: 0,
            remaining: None,
            first_frame: 0,
        }
    }

    /// Sets up the segment of `span` at `rate`; `already_skipped` samples were
    /// seeked past by the decoder. Returns the segment's first sample.
    fn start_span(&mut self, span: &Span, rate: u32, already_skipped: u64) -> u64 {
        let (first, len) = span.frames(rate);
        self.first_frame = first;
        self.skip = first.saturating_sub(already_skipped);
        self.remaining = len;
        first
    }

    /// Hands on a block of decoded samples, stopping at the first one that is
    /// not finite.
    fn emit(&mut self, rate: u32, block: &[f32]) -> ControlFlow<()> {
        self.emit_checked(rate, block, true)
    }

    /// [`Emitter::emit`] for samples scaled from integers, finite by
    /// construction: no scan for the values they cannot hold.
    fn emit_finite(&mut self, rate: u32, block: &[f32]) -> ControlFlow<()> {
        self.emit_checked(rate, block, false)
    }

    fn emit_checked(&mut self, rate: u32, block: &[f32], check: bool) -> ControlFlow<()> {
        let mut block = block;
        if self.skip > 0 {
            let n = block
                .len()
                .min(usize::try_from(self.skip).unwrap_or(usize::MAX));
            block = &block[n..];
            self.skip -= n as u64;
        }
        let mut last = false;
        if let Some(r) = self.remaining {
            if block.len() as u64 >= r {
                block = &block[..r as usize];
                last = true;
            }
        }
        if check {
            if let Some(i) = block.iter().position(|x| !x.is_finite()) {
                self.bad_sample = Some(self.frames + i);
                return ControlFlow::Break(());
            }
        }
        if block.is_empty() {
            return if last {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            };
        }
        self.frames += block.len();
        if let Some(r) = &mut self.remaining {
            *r -= block.len() as u64;
        }
        let flow = (self.sink)(rate, block);
        if last {
            ControlFlow::Break(())
        } else {
            flow
        }
    }

    fn check_rate(&self, rate: u32) -> Result<(), AudioError> {
        if rate == 0 {
            return Err(AudioError::Invalid {
                path: self.path.to_owned(),
                reason: "sample rate is 0".into(),
            });
        }
        Ok(())
    }
}

fn check_length(path: &Path, frames: u64, rate: u32, opts: &ReadOptions) -> Result<(), AudioError> {
    if let Some(limit) = opts.max_seconds {
        let seconds = frames as f64 / f64::from(rate.max(1));
        if seconds > limit {
            return Err(AudioError::TooLong {
                path: path.to_owned(),
                seconds,
                limit,
            });
        }
    }
    Ok(())
}

enum WavFailure {
    Fatal(AudioError),
    TrySymphonia(String),
}

/// Interleaved samples decoded per block (per channel: this many frames).
const BLOCK_FRAMES: usize = 65536;

fn read_wav(path: &Path, opts: &ReadOptions, out: &mut Emitter) -> Result<Head, WavFailure> {
    let file = File::open(path).map_err(|source| {
        WavFailure::Fatal(AudioError::Open {
            path: path.to_owned(),
            source,
        })
    })?;
    let mut reader = hound::WavReader::new(BufReader::new(file))
        .map_err(|e| WavFailure::TrySymphonia(e.to_string()))?;
    let spec = reader.spec();
    let invalid = |reason: String| {
        WavFailure::Fatal(AudioError::Invalid {
            path: path.to_owned(),
            reason,
        })
    };
    if spec.channels == 0 {
        return Err(invalid("the header declares 0 channels".into()));
    }
    if spec.sample_rate == 0 {
        return Err(invalid("the header declares a sample rate of 0".into()));
    }
    // hound's length comes from the data chunk's declared size, which a damaged
    // file may overstate: the file's own size bounds what can be there.
    let file_len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(u64::MAX);
    let frame_bytes = u64::from(spec.channels) * u64::from(spec.bits_per_sample).div_ceil(8);
    let frames = u64::from(reader.duration()).min(file_len / frame_bytes.max(1));
    let nch = usize::from(spec.channels);
    opts.channels.check(nch).map_err(invalid)?;
    let rate = spec.sample_rate;
    let decode_err = |e: hound::Error| {
        WavFailure::Fatal(AudioError::Decode {
            path: path.to_owned(),
            reason: format!("damaged sample data: {e}"),
        })
    };
    // A segment: seek to its first frame instead of reading up to it.
    let (first, len) = opts.span.frames(rate);
    let seek = first.min(frames);
    if seek > 0 {
        reader
            .seek(seek as u32)
            .map_err(|e| decode_err(hound::Error::IoError(e)))?;
    }
    out.start_span(&opts.span, rate, seek);
    let left = frames - seek;
    check_length(path, len.map_or(left, |l| l.min(left)), rate, opts).map_err(WavFailure::Fatal)?;
    let ch = opts.channels;
    let format = match spec.sample_format {
        hound::SampleFormat::Float => {
            if spec.bits_per_sample != 32 {
                return Err(WavFailure::TrySymphonia(format!(
                    "{}-bit float WAV",
                    spec.bits_per_sample
                )));
            }
            for_each_block(reader.into_samples::<f32>(), nch, |raw| {
                let (raw, k) = ch.select(raw, nch);
                out.emit(rate, &mix_float(&raw, k, opts.mode))
            })
            .map_err(decode_err)?;
            "float32".to_string()
        }
        hound::SampleFormat::Int => {
            let fmt = IntFormat::from_bits(u32::from(spec.bits_per_sample)).ok_or_else(|| {
                WavFailure::Fatal(AudioError::Unsupported {
                    path: path.to_owned(),
                    reason: format!("{}-bit integer samples", spec.bits_per_sample),
                })
            })?;
            if spec.bits_per_sample == 16 {
                read_pcm16(reader, seek, path, fmt, opts, out).map_err(WavFailure::Fatal)?;
            } else {
                for_each_block(reader.into_samples::<i32>(), nch, |raw| {
                    let (raw, k) = ch.select(raw, nch);
                    out.emit_finite(rate, &mix_int(&raw, k, fmt, opts.mode))
                })
                .map_err(decode_err)?;
            }
            format!("pcm{}", spec.bits_per_sample)
        }
    };
    Ok(Head {
        rate,
        channels: spec.channels,
        format,
    })
}

/// 16-bit PCM, read in blocks of whole frames and mixed down block by block
/// (the common case: much faster than a per-sample iterator). A file cut short
/// keeps its complete frames. The reader stands `seeked` frames into the data.
fn read_pcm16<R: std::io::Read>(
    reader: hound::WavReader<R>,
    seeked: u64,
    path: &Path,
    fmt: IntFormat,
    opts: &ReadOptions,
    out: &mut Emitter,
) -> Result<(), AudioError> {
    use std::io::Read;
    let nch = usize::from(reader.spec().channels).max(1);
    let declared = (u64::from(reader.len())).saturating_sub(seeked * nch as u64) * 2;
    let rate = reader.spec().sample_rate;
    let mode = opts.mode;
    let frame_bytes = 2 * nch;
    let mut data = reader.into_inner().take(declared);
    // no bigger than the data chunk says (a short file allocates no 128 KiB),
    // and at least a frame, so that every read makes progress
    let frames = usize::try_from(declared).unwrap_or(usize::MAX) / frame_bytes;
    let block = frame_bytes * BLOCK_FRAMES.min(frames.max(1));
    // filled by `read_to_end`, which writes into spare capacity: the buffer
    // is never zeroed first
    let mut bytes: Vec<u8> = Vec::with_capacity(block);
    let mut ints: Vec<i32> = Vec::new();
    let mut mono: Vec<f32> = Vec::new();
    // one channel kept as it is: converted straight from the bytes
    let one_channel = nch == 1 && opts.channels.keeps_all(nch);
    loop {
        let want = (block - bytes.len()) as u64;
        let n = (&mut data)
            .take(want)
            .read_to_end(&mut bytes)
            .map_err(|e| AudioError::Decode {
                path: path.to_owned(),
                reason: format!("damaged sample data: {e}"),
            })?;
        // fewer bytes than asked for: the data (or the file) has ended
        let end = (n as u64) < want;
        let whole = bytes.len() / frame_bytes * frame_bytes;
        let flow = if one_channel {
            mixdown::pcm16_mono(&bytes[..whole], &mut mono);
            out.emit_finite(rate, &mono)
        } else {
            ints.clear();
            ints.extend(
                bytes[..whole]
                    .chunks_exact(2)
                    .map(|b| i32::from(i16::from_le_bytes([b[0], b[1]]))),
            );
            let (sel, k) = opts.channels.select(&ints, nch);
            out.emit_finite(rate, &mix_int(&sel, k, fmt, mode))
        };
        if end || flow.is_break() {
            return Ok(());
        }
        // keep a partial frame for the next block
        bytes.drain(..whole);
    }
}

/// Hands interleaved samples on in blocks of whole frames; a file cut short
/// inside its data chunk keeps the complete frames read so far (as openSMILE
/// does) instead of failing.
fn for_each_block<T, I>(
    iter: I,
    channels: usize,
    mut f: impl FnMut(&[T]) -> ControlFlow<()>,
) -> Result<(), hound::Error>
where
    I: Iterator<Item = Result<T, hound::Error>>,
{
    let block = channels.max(1) * BLOCK_FRAMES;
    let mut buf = Vec::with_capacity(block);
    for s in iter {
        match s {
            Ok(v) => buf.push(v),
            Err(hound::Error::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(e) => return Err(e),
        }
        if buf.len() == block {
            if f(&buf).is_break() {
                return Ok(());
            }
            buf.clear();
        }
    }
    // the mixdown drops an incomplete trailing frame
    let _ = f(&buf);
    Ok(())
}

thread_local! {
    /// Set while a third-party decoder runs on this thread (see [`quiet_decoder_panics`]).
    static IN_DECODER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Keeps the panic message of a third-party decoder that fails on malformed
/// data off stderr: such a panic is caught and reported as an ordinary
/// decoding error naming the file. Other panics are printed as before. Call
/// once at program start.
pub fn quiet_decoder_panics() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !IN_DECODER.with(|f| f.get()) {
            previous(info);
        }
    }));
}

/// Symphonia, with its panics on malformed data (found by fuzzing: e.g. a
/// zero sample rate in a RIFF header behind another extension) turned into
/// decoding errors.
fn read_symphonia(path: &Path, opts: &ReadOptions, out: &mut Emitter) -> Result<Head, AudioError> {
    IN_DECODER.with(|f| f.set(true));
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_symphonia_unguarded(path, opts, out)
    }));
    IN_DECODER.with(|f| f.set(false));
    r.unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "malformed data".into());
        Err(AudioError::Decode {
            path: path.to_owned(),
            reason: format!("the decoder failed on malformed data ({what})"),
        })
    })
}

fn read_symphonia_unguarded(
    path: &Path,
    opts: &ReadOptions,
    out: &mut Emitter,
) -> Result<Head, AudioError> {
    use symphonia::core::audio::{AudioBufferRef, Signal};
    use symphonia::core::codecs::DecoderOptions;
    use symphonia::core::errors::Error as SymErr;
    use symphonia::core::formats::FormatOptions;
    use symphonia::core::io::MediaSourceStream;
    use symphonia::core::meta::MetadataOptions;
    use symphonia::core::probe::Hint;

    let decode = |reason: String| AudioError::Decode {
        path: path.to_owned(),
        reason,
    };
    let file = File::open(path).map_err(|source| AudioError::Open {
        path: path.to_owned(),
        source,
    })?;
    let mss = MediaSourceStream::new(Box::new(file), Default::default());
    let mut hint = Hint::new();
    if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
        hint.with_extension(ext);
    }
    let probed = symphonia::default::get_probe()
        .format(
            &hint,
            mss,
            &FormatOptions {
                // trim encoder delay and padding (MP3 LAME tags, Vorbis granules)
                enable_gapless: true,
                ..Default::default()
            },
            &MetadataOptions::default(),
        )
        .map_err(|e| decode(format!("unrecognised format ({e})")))?;
    let mut format = probed.format;
    let track = format
        .default_track()
        .ok_or_else(|| decode("no audio track".into()))?;
    let track_id = track.id;
    let params = track.codec_params.clone();
    let rate = params
        .sample_rate
        .ok_or_else(|| decode("no sample rate in the stream".into()))?;
    out.check_rate(rate)?;
    // The stream's declared length may be wrong (damaged headers); the limit is
    // enforced on what is actually decoded, below.
    let mut decoder = symphonia::default::get_codecs()
        .make(&params, &DecoderOptions::default())
        .map_err(|e| AudioError::Unsupported {
            path: path.to_owned(),
            reason: e.to_string(),
        })?;
    let mut channels: u16 = 0;
    let mut fmt_name = String::from("unknown");
    // Compressed streams are decoded from their start; the samples before a
    // segment are dropped unanalysed and decoding stops at its end.
    out.start_span(&opts.span, rate, 0);
    let ch = opts.channels;
    let max_samples = opts
        .max_seconds
        .map(|s| (s * f64::from(rate)).ceil() as usize);
    loop {
        let packet = match format.next_packet() {
            Ok(p) => p,
            Err(SymErr::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(SymErr::ResetRequired) => break,
            Err(e) => return Err(decode(e.to_string())),
        };
        if packet.track_id() != track_id {
            continue;
        }
        let buf = match decoder.decode(&packet) {
            Ok(b) => b,
            // A damaged packet in a lossy stream is skipped, as players do.
            Err(SymErr::DecodeError(_)) => continue,
            Err(e) => return Err(decode(e.to_string())),
        };
        let spec = *buf.spec();
        channels = spec.channels.count() as u16;
        ch.check(usize::from(channels))
            .map_err(|reason| AudioError::Invalid {
                path: path.to_owned(),
                reason,
            })?;
        macro_rules! int_planes {
            ($b:expr, $fmt:expr, $name:expr, $conv:expr) => {{
                fmt_name = $name.into();
                let b = $b;
                let n = b.frames();
                let nch = b.spec().channels.count();
                let mut inter = Vec::with_capacity(n * nch);
                for i in 0..n {
                    for c in 0..nch {
                        inter.push($conv(b.chan(c)[i]));
                    }
                }
                let (inter, k) = ch.select(&inter, nch);
                mix_int(&inter, k, $fmt, opts.mode)
            }};
        }
        let mono = match buf {
            AudioBufferRef::U8(b) => {
                int_planes!(b, IntFormat::U8, "pcm8", |v: u8| i32::from(v) - 128)
            }
            AudioBufferRef::S8(b) => int_planes!(b, IntFormat::U8, "pcm8", i32::from),
            AudioBufferRef::S16(b) => int_planes!(b, IntFormat::I16, "pcm16", i32::from),
            AudioBufferRef::S24(b) => {
                int_planes!(
                    b,
                    IntFormat::I24,
                    "pcm24",
                    |v: symphonia::core::sample::i24| v.inner()
                )
            }
            AudioBufferRef::S32(b) => {
                // Lossless decoders (FLAC) deliver narrower samples shifted up to
                // 32 bits; undo the shift so 16-bit FLAC equals 16-bit WAV.
                let bits = params
                    .bits_per_sample
                    .filter(|b| matches!(b, 8 | 16 | 24))
                    .unwrap_or(32);
                let fmt = IntFormat::from_bits(bits).unwrap_or(IntFormat::I32);
                let shift = 32 - bits;
                int_planes!(b, fmt, format!("pcm{bits}"), |v: i32| v >> shift)
            }
            AudioBufferRef::F32(b) => {
                fmt_name = "float32".into();
                let n = b.frames();
                let nch = b.spec().channels.count();
                let mut inter = Vec::with_capacity(n * nch);
                for i in 0..n {
                    for c in 0..nch {
                        inter.push(b.chan(c)[i]);
                    }
                }
                let (inter, k) = ch.select(&inter, nch);
                mix_float(&inter, k, opts.mode)
            }
            other => {
                // Remaining formats (u16/u24/u32/f64) go through a float copy.
                let mut sb = symphonia::core::audio::SampleBuffer::<f32>::new(
                    other.capacity() as u64,
                    *other.spec(),
                );
                sb.copy_interleaved_ref(other);
                fmt_name = "float".into();
                let (inter, k) = ch.select(sb.samples(), spec.channels.count());
                mix_float(&inter, k, opts.mode)
            }
        };
        let flow = out.emit(rate, &mono);
        if let Some(max) = max_samples {
            if out.frames > max {
                return Err(AudioError::TooLong {
                    path: path.to_owned(),
                    seconds: out.frames as f64 / f64::from(rate),
                    limit: opts.max_seconds.unwrap_or_default(),
                });
            }
        }
        if flow.is_break() {
            break;
        }
    }
    if channels == 0 {
        channels = params.channels.map(|c| c.count() as u16).unwrap_or(0);
    }
    Ok(Head {
        rate,
        channels,
        format: fmt_name,
    })
}
