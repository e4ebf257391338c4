//! Long recordings into utterance-sized segments, each analysed like a clip.
//!
//! The paper's features and models are utterance-level; a call or interview
//! changes emotion as it goes. [`Segmenter`] cuts a stream of mono samples
//! into segments, by voice activity ([`vad`], from the IS10 loudness and
//! voicing of every 10 ms frame) or into fixed windows, keeping only the
//! samples a segment still to come can need; [`segment_file`] runs it over a
//! file and computes each segment's features from exactly its samples.

pub mod vad;

use emo_features::sets::{AnyExtracted, Choice};
use emo_lld::activity::{ActivityFrame, ActivityTracker};
use emo_lld::Settings;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::str::FromStr;
pub use vad::{FrameSpan, Vad, VadOptions};

/// How a recording is cut.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Method {
    /// The whole recording is one segment.
    None,
    /// Voice-activity segments.
    Vad,
    /// Windows of `win` seconds every `hop` seconds.
    Fixed { win: f64, hop: f64 },
    /// The whole recording while it is at most `max_utterance` seconds long,
    /// voice-activity segments once it is longer.
    Auto { max_utterance: f64 },
}

impl FromStr for Method {
    type Err = String;

    /// `none`, `vad` or `fixed:WIN,HOP` (seconds, e.g. `fixed:3,1`).
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "none" => return Ok(Method::None),
            "vad" => return Ok(Method::Vad),
            _ => {}
        }
        let bad = || {
            format!("'{s}' is not a segmentation: give none, vad or fixed:WIN,HOP (seconds, e.g. fixed:3,1)")
        };
        let spec = s.strip_prefix("fixed:").ok_or_else(bad)?;
        let (w, h) = spec.split_once(',').ok_or_else(bad)?;
        let (win, hop): (f64, f64) = (
            w.trim().parse().map_err(|_| bad())?,
            h.trim().parse().map_err(|_| bad())?,
        );
        if !(win.is_finite() && hop.is_finite() && win > 0.0 && hop > 0.0) {
            return Err(format!("{s}: window and hop must be positive seconds"));
        }
        Ok(Method::Fixed { win, hop })
    }
}

/// Why a recording could not be segmented. Every variant that concerns a
/// file names it.
#[derive(Debug, thiserror::Error)]
pub enum SegmentError {
    #[error("{0}")]
    Options(String),
    #[error("{path}: the window of {win} s is longer than the recording ({duration:.3} s)")]
    WindowTooLong {
        path: PathBuf,
        win: f64,
        duration: f64,
    },
    #[error("{path}: {source}")]
    Lld {
        path: PathBuf,
        source: emo_lld::LldError,
    },
    #[error(transparent)]
    Audio(#[from] emo_audio::AudioError),
    #[error(transparent)]
    Features(#[from] emo_features::FeatureError),
}

/// A segment's samples and where they start in the recording.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    /// Index of its first sample in the recording.
    pub start: usize,
    pub samples: Vec<f32>,
}

impl Segment {
    /// Start and end in seconds.
    pub fn times(&self, rate: u32) -> (f64, f64) {
        let r = f64::from(rate.max(1));
        (
            self.start as f64 / r,
            (self.start + self.samples.len()) as f64 / r,
        )
    }
}

enum Cutter {
    None,
    Vad {
        tracker: Box<ActivityTracker>,
        vad: Vad,
        frames: Vec<ActivityFrame>,
        frame_len: usize,
    },
    Fixed {
        win: usize,
        hop: usize,
        next: usize,
    },
    /// Waits, keeping the samples, until the recording is longer than
    /// `limit` samples, then becomes `Vad`.
    Auto {
        limit: usize,
        vad: VadOptions,
        rate: u32,
        settings: Settings,
    },
}

fn vad_cutter(vad: VadOptions, rate: u32, settings: &Settings) -> Result<Cutter, SegmentError> {
    vad.check().map_err(SegmentError::Options)?;
    let tracker = ActivityTracker::new(rate, settings).map_err(|source| SegmentError::Lld {
        path: PathBuf::from("<signal>"),
        source,
    })?;
    let step_sec = tracker.step() as f64 / f64::from(rate);
    Ok(Cutter::Vad {
        frame_len: tracker.frame_len(),
        tracker: Box::new(tracker),
        vad: Vad::new(vad, step_sec),
        frames: Vec::new(),
    })
}

/// Cuts a stream of mono samples into segments, block by block.
pub struct Segmenter {
    cutter: Cutter,
    /// Samples from absolute index `buf_start` on.
    buf: Vec<f32>,
    buf_start: usize,
    total: usize,
    emitted: usize,
    switched: bool,
}

impl Segmenter {
    pub fn new(
        method: Method,
        vad: VadOptions,
        sample_rate: u32,
        settings: &Settings,
    ) -> Result<Self, SegmentError> {
        let cutter = match method {
            Method::None => Cutter::None,
            Method::Vad => vad_cutter(vad, sample_rate, settings)?,
            Method::Auto { max_utterance } => {
                if !(max_utterance.is_finite() && max_utterance > 0.0) {
                    return Err(SegmentError::Options(format!(
                        "the longest utterance must be a positive time, not {max_utterance}"
                    )));
                }
                // built once now so that bad options or rates fail at the start
                vad_cutter(vad, sample_rate, settings)?;
                Cutter::Auto {
                    limit: (max_utterance * f64::from(sample_rate)).round() as usize,
                    vad,
                    rate: sample_rate,
                    settings: *settings,
                }
            }
            Method::Fixed { win, hop } => {
                let r = f64::from(sample_rate);
                Cutter::Fixed {
                    win: ((win * r).round() as usize).max(1),
                    hop: ((hop * r).round() as usize).max(1),
                    next: 0,
                }
            }
        };
        Ok(Segmenter {
            cutter,
            buf: Vec::new(),
            buf_start: 0,
            total: 0,
            emitted: 0,
            switched: false,
        })
    }

    /// Whether an [`Method::Auto`] segmenter found the recording too long for
    /// one utterance and cut it by voice activity.
    pub fn switched_to_vad(&self) -> bool {
        self.switched
    }

    /// Segments emitted so far.
    pub fn emitted(&self) -> usize {
        self.emitted
    }

    /// Samples taken so far.
    pub fn samples(&self) -> usize {
        self.total
    }

    /// Takes the next block; returns the segments it closes.
    pub fn push(&mut self, block: &[f32]) -> Vec<Segment> {
        self.buf.extend_from_slice(block);
        self.total += block.len();
        if let Cutter::Auto {
            limit,
            vad,
            rate,
            settings,
        } = &self.cutter
        {
            if self.total <= *limit {
                return Vec::new();
            }
            // options were checked in `new`, and the rate was accepted there
            match vad_cutter(*vad, *rate, settings) {
                Ok(c) => self.cutter = c,
                Err(_) => return Vec::new(),
            }
            self.switched = true;
            // everything kept so far is the block the VAD sees first
            let all = std::mem::take(&mut self.buf);
            let spans = self.spans(&all, false);
            self.buf = all;
            return self.emit(spans);
        }
        let spans = self.spans(block, false);
        self.emit(spans)
    }

    /// Ends the stream: the last segments.
    pub fn finish(&mut self) -> Vec<Segment> {
        let spans = self.spans(&[], true);
        self.emit(spans)
    }

    /// Sample ranges closed by the samples just taken.
    fn spans(&mut self, block: &[f32], eof: bool) -> Vec<(usize, usize)> {
        let total = self.total;
        match &mut self.cutter {
            Cutter::None | Cutter::Auto { .. } => {
                if eof && total > 0 {
                    vec![(0, total)]
                } else {
                    Vec::new()
                }
            }
            Cutter::Vad {
                tracker,
                vad,
                frames,
                frame_len,
            } => {
                frames.clear();
                if eof {
                    tracker.finish(frames);
                } else {
                    tracker.push(block, frames);
                }
                let step = tracker.step();
                let mut closed: Vec<FrameSpan> = Vec::new();
                for f in frames.iter() {
                    closed.extend(vad.push(f.level_dbfs(), f64::from(f.voicing)));
                }
                if eof {
                    closed.extend(vad.finish());
                }
                closed
                    .into_iter()
                    .map(|s| {
                        let end = ((s.end - 1) * step + *frame_len).min(total);
                        (s.start * step, end)
                    })
                    .collect()
            }
            Cutter::Fixed { win, hop, next } => {
                let mut out = Vec::new();
                while *next * *hop + *win <= total {
                    out.push((*next * *hop, *next * *hop + *win));
                    *next += 1;
                }
                out
            }
        }
    }

    fn emit(&mut self, spans: Vec<(usize, usize)>) -> Vec<Segment> {
        let out: Vec<Segment> = spans
            .into_iter()
            .filter(|&(a, b)| b > a && a >= self.buf_start)
            .map(|(a, b)| Segment {
                start: a,
                samples: self.buf[a - self.buf_start..b - self.buf_start].to_vec(),
            })
            .collect();
        self.emitted += out.len();
        // keep only what a segment still to come can start at
        let keep = match &self.cutter {
            Cutter::None | Cutter::Auto { .. } => 0,
            Cutter::Vad { tracker, vad, .. } => vad.earliest_needed() * tracker.step(),
            Cutter::Fixed { hop, next, .. } => *next * *hop,
        };
        let dead = keep.saturating_sub(self.buf_start).min(self.buf.len());
        if dead >= 1 << 14 && dead * 2 >= self.buf.len() {
            self.buf.drain(..dead);
            self.buf_start += dead;
        }
        out
    }
}

/// A segment of a file with its features.
#[derive(Debug, Clone)]
pub struct SegmentFeatures {
    /// Start and end in seconds.
    pub start: f64,
    pub end: f64,
    pub extracted: AnyExtracted,
}

/// What [`segment_file`] did with a file.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segmented {
    /// Segments found.
    pub segments: usize,
    /// Duration of the recording in seconds.
    pub duration: f64,
    /// [`Method::Auto`] found it longer than one utterance.
    pub switched_to_vad: bool,
}

/// Streams a file through a [`Segmenter`] and computes the features of each
/// segment from exactly its samples (the numbers the segment cut out as its
/// own file gives), calling `on_segment` as each segment closes.
pub fn segment_file(
    path: &Path,
    read: &emo_audio::ReadOptions,
    choice: &Choice,
    method: Method,
    vad: VadOptions,
    on_segment: &mut dyn FnMut(SegmentFeatures),
) -> Result<Segmented, SegmentError> {
    segment_source(
        path,
        &mut |sink| emo_audio::stream_audio(path, read, sink),
        choice,
        method,
        vad,
        on_segment,
    )
}

/// A decoder run: hands mono blocks to the sink, says what it read.
pub type Source<'a> = dyn FnMut(&mut emo_audio::Sink<'_>) -> Result<emo_audio::StreamInfo, emo_audio::AudioError>
    + 'a;

/// [`segment_file`] for any decoder run, e.g. [`emo_audio::read_stream`] on
/// stdin; `name` names the input in errors. If the input fails part way (a
/// stream cut short), the segments its audio so far closes, the last one
/// included, are handed on before the error is returned.
pub fn segment_source(
    name: &Path,
    source: &mut Source<'_>,
    choice: &Choice,
    method: Method,
    vad: VadOptions,
    on_segment: &mut dyn FnMut(SegmentFeatures),
) -> Result<Segmented, SegmentError> {
    if method == Method::None {
        return whole_source(name, source, choice, on_segment);
    }
    // voice activity is found from IS10's loudness and voicing, whatever the set
    let settings = &choice.is10_part().unwrap_or_default();
    let mut seg: Option<Result<Segmenter, SegmentError>> = None;
    let mut rate = 0;
    let mut failed: Option<SegmentError> = None;
    let mut handle = |rate: u32, segments: Vec<Segment>, failed: &mut Option<SegmentError>| {
        for s in segments {
            let (start, end) = s.times(rate);
            match emo_features::sets::extract_samples(&s.samples, rate, choice, name) {
                Ok(extracted) => on_segment(SegmentFeatures {
                    start,
                    end,
                    extracted,
                }),
                Err(e) => {
                    *failed = Some(e.into());
                    return ControlFlow::Break(());
                }
            }
        }
        ControlFlow::Continue(())
    };
    let read = source(&mut |r, block| {
        rate = r;
        match seg.get_or_insert_with(|| Segmenter::new(method, vad, r, settings)) {
            Ok(s) => {
                let out = s.push(block);
                handle(r, out, &mut failed)
            }
            Err(_) => ControlFlow::Break(()),
        }
    });
    let mut s = match seg {
        Some(Ok(s)) => s,
        Some(Err(SegmentError::Lld { source, .. })) => {
            return Err(SegmentError::Lld {
                path: name.to_owned(),
                source,
            })
        }
        Some(Err(e)) => return Err(e),
        // no samples came: the reader has said why (it refuses empty input)
        None => {
            return Err(match read {
                Err(e) => e.into(),
                Ok(_) => SegmentError::Options(format!("{}: no audio samples", name.display())),
            })
        }
    };
    if let Some(e) = failed {
        return Err(e);
    }
    // what was read is decided, even when the input then failed
    let out = s.finish();
    let _ = handle(rate, out, &mut failed);
    if let Some(e) = failed {
        return Err(e);
    }
    let info = read?;
    if let (Method::Fixed { win, .. }, 0) = (method, s.emitted()) {
        return Err(SegmentError::WindowTooLong {
            path: name.to_owned(),
            win,
            duration: info.duration(),
        });
    }
    Ok(Segmented {
        segments: s.emitted(),
        duration: info.duration(),
        switched_to_vad: s.switched_to_vad(),
    })
}

/// [`segment_source`] without segmenting: the whole input is one segment,
/// analysed as it is decoded rather than collected first, so a stream of any
/// length is never held whole.
fn whole_source(
    name: &Path,
    source: &mut Source<'_>,
    choice: &Choice,
    on_segment: &mut dyn FnMut(SegmentFeatures),
) -> Result<Segmented, SegmentError> {
    use emo_features::sets::SetStream;
    let mut stream: Option<Result<SetStream, emo_features::FeatureError>> = None;
    let read = source(&mut |rate, block| match stream
        .get_or_insert_with(|| SetStream::new(rate, choice, name))
    {
        Ok(x) => {
            x.push(block);
            ControlFlow::Continue(())
        }
        Err(_) => ControlFlow::Break(()),
    });
    let x = match stream {
        Some(Ok(x)) => x,
        Some(Err(e)) => return Err(e.into()),
        // no samples came: the reader has said why (it refuses empty input)
        None => {
            return Err(match read {
                Err(e) => e.into(),
                Ok(_) => SegmentError::Options(format!("{}: no audio samples", name.display())),
            })
        }
    };
    // what was read is analysed, even when the input then failed
    let extracted = x.finish();
    let (frames, rate) = extracted.frames_and_rate();
    let duration = frames as f64 / f64::from(rate.max(1));
    on_segment(SegmentFeatures {
        start: 0.0,
        end: duration,
        extracted,
    });
    read?;
    Ok(Segmented {
        segments: 1,
        duration,
        switched_to_vad: false,
    })
}

/// Every file's segments with their features, on a pool of `threads` workers
/// (0: all cores), calling `on_done` after each file. Results keep input order.
pub fn segment_batch<F>(
    files: &[PathBuf],
    read: &emo_audio::ReadOptions,
    choice: &Choice,
    method: Method,
    vad: VadOptions,
    threads: usize,
    on_done: F,
) -> Vec<Result<(Segmented, Vec<SegmentFeatures>), SegmentError>>
where
    F: Fn(&PathBuf) + Sync,
{
    use rayon::prelude::*;
    emo_features::batch::in_pool(threads, || {
        files
            .par_iter()
            .map(|p| {
                let mut segs = Vec::new();
                let r = segment_file(p, read, choice, method, vad, &mut |s| segs.push(s));
                on_done(p);
                r.map(|info| (info, segs))
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_parse_and_bad_specs_say_what_is_wanted() {
        assert_eq!("vad".parse::<Method>(), Ok(Method::Vad));
        assert_eq!("none".parse::<Method>(), Ok(Method::None));
        assert_eq!(
            "fixed:3,1".parse::<Method>(),
            Ok(Method::Fixed { win: 3.0, hop: 1.0 })
        );
        for bad in [
            "fixed:3",
            "fixed:a,1",
            "fixed:0,1",
            "fixed:3,-1",
            "window",
            "fixed:inf,1",
        ] {
            let e = bad.parse::<Method>().unwrap_err();
            assert!(e.contains(bad), "{e}");
        }
    }

    fn run(method: Method, x: &[f32], block: usize) -> Vec<Segment> {
        let mut s =
            Segmenter::new(method, VadOptions::default(), 16000, &Settings::default()).unwrap();
        let mut out = Vec::new();
        for b in x.chunks(block) {
            out.extend(s.push(b));
        }
        out.extend(s.finish());
        out
    }

    #[test]
    fn fixed_windows_cover_whole_windows_with_their_samples() {
        let x: Vec<f32> = (0..16000 * 5 + 100).map(|i| i as f32).collect();
        let s = run(Method::Fixed { win: 2.0, hop: 1.0 }, &x, 1000);
        let starts: Vec<usize> = s.iter().map(|s| s.start).collect();
        assert_eq!(starts, [0, 16000, 32000, 48000]);
        for seg in &s {
            assert_eq!(seg.samples.len(), 32000);
            assert_eq!(seg.samples[0], seg.start as f32);
        }
        assert_eq!(s, run(Method::Fixed { win: 2.0, hop: 1.0 }, &x, 77777));
    }

    #[test]
    fn vad_finds_two_tone_bursts_in_silence_whatever_the_blocks() {
        let rate = 16000.0;
        let tone = |secs: f64| -> Vec<f32> {
            (0..(secs * rate) as usize)
                .map(|i| 0.3 * (2.0 * std::f64::consts::PI * 180.0 * i as f64 / rate).sin() as f32)
                .collect()
        };
        let quiet = |secs: f64| vec![0.0f32; (secs * rate) as usize];
        let x: Vec<f32> = [quiet(1.0), tone(1.0), quiet(0.8), tone(1.5), quiet(1.0)].concat();
        let s = run(Method::Vad, &x, 4096);
        let times: Vec<(f64, f64)> = s.iter().map(|s| s.times(16000)).collect();
        assert_eq!(times.len(), 2, "{times:?}");
        // onsets and offsets within hangover plus a frame of the truth
        for ((a, b), (ta, tb)) in times.iter().zip([(1.0, 2.0), (2.8, 4.3)]) {
            assert!(
                (a - ta).abs() <= 0.13 && (b - tb).abs() <= 0.13,
                "{times:?}"
            );
        }
        assert_eq!(s, run(Method::Vad, &x, 333));
        assert_eq!(s, run(Method::Vad, &x, x.len()));
        // auto: the whole signal while it is short enough, else the VAD's cuts
        let whole = run(Method::Auto { max_utterance: 6.0 }, &x, 4096);
        assert_eq!(whole.len(), 1);
        assert_eq!((whole[0].start, whole[0].samples.len()), (0, x.len()));
        assert_eq!(s, run(Method::Auto { max_utterance: 2.0 }, &x, 4096));
        assert_eq!(s, run(Method::Auto { max_utterance: 2.0 }, &x, 100));
    }
}
