//! `emo_pipe._native`: the Python binding's Rust half. It converts between
//! Python objects and emo-pipe's crates and does nothing else: decoding,
//! channel selection, segments and features come from `emo-audio` and
//! `emo-features`, classification from `emo-model`, exactly as the CLI uses
//! them. The Python half (`python/emo_pipe`) shapes the results into pandas
//! objects as opensmile-python does and raises its exception classes from the
//! error kinds returned here.
//!
//! No panic leaves this module: every call into the crates runs under
//! `catch_unwind` and a panic comes back as an error of kind `internal`.

use emo_audio::{AudioError, Channels, InputMode, Planar, ReadOptions, Span};
use emo_features::level::{Level, Rows};
use emo_features::sets::{AnyExtracted, Choice, SetName};
use emo_features::FeatureError;
use emo_lld::{LoudnessMode, Quirks};
use numpy::{PyArray1, PyArrayMethods, PyUntypedArrayMethods};
use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyTuple;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

// As in the CLI: extraction allocates and frees many short-lived frame
// buffers, which mimalloc serves faster than the system allocator.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// An error for the Python layer: a kind it maps to an exception class, and a
/// message that names the input and the cause.
#[derive(Debug)]
struct Failure {
    kind: &'static str,
    message: String,
}

impl Failure {
    fn new(kind: &'static str, message: impl Into<String>) -> Self {
        Failure {
            kind,
            message: message.into(),
        }
    }
}

impl From<FeatureError> for Failure {
    fn from(e: FeatureError) -> Self {
        let kind = match &e {
            FeatureError::Audio(AudioError::Open { source, .. })
                if source.kind() == std::io::ErrorKind::NotFound =>
            {
                "not_found"
            }
            FeatureError::Audio(AudioError::Open { .. }) => "open",
            _ => "audio",
        };
        Failure::new(kind, e.to_string())
    }
}

/// Runs `f`, turning a panic into a failure of kind `internal`.
fn guarded<T>(f: impl FnOnce() -> Result<T, Failure>) -> Result<T, Failure> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown cause".into());
        Err(Failure::new(
            "internal",
            format!("internal error in emo-pipe (please report it): {what}"),
        ))
    })
}

/// One analysed input: row-major values and each row's start and length in
/// seconds from the first analysed sample.
struct Output {
    values: Vec<f32>,
    columns: usize,
    starts: Vec<f64>,
    lengths: Vec<f64>,
    frames: usize,
    rate: u32,
}

impl Output {
    fn of(x: &AnyExtracted, level: Level) -> Result<Self, Failure> {
        let Rows {
            values,
            columns,
            starts,
            lengths,
        } = x.rows(level).map_err(|e| Failure::new("value", e))?;
        let (frames, rate) = x.frames_and_rate();
        Ok(Output {
            values,
            columns,
            starts,
            lengths,
            frames,
            rate,
        })
    }

    /// Joins the outputs of single channels side by side, channel by channel
    /// in each row, as opensmile-python lays out several channels.
    fn side_by_side(parts: Vec<Output>) -> Result<Output, Failure> {
        let mut it = parts.into_iter();
        let Some(first) = it.next() else {
            return Err(Failure::new("value", "no channel selected"));
        };
        let rest: Vec<Output> = it.collect();
        if rest.is_empty() {
            return Ok(first);
        }
        let rows = first.starts.len();
        if rest.iter().any(|p| p.starts.len() != rows) {
            return Err(Failure::new(
                "internal",
                "channels of one recording gave different numbers of frames",
            ));
        }
        let columns = first.columns * (rest.len() + 1);
        let mut values = Vec::with_capacity(rows * columns);
        for r in 0..rows {
            for p in std::iter::once(&first).chain(&rest) {
                values.extend_from_slice(&p.values[r * p.columns..(r + 1) * p.columns]);
            }
        }
        Ok(Output {
            values,
            columns,
            ..first
        })
    }

    fn into_py(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let rows = self.starts.len();
        let values = PyArray1::from_vec(py, self.values).reshape([rows, self.columns])?;
        let starts = PyArray1::from_vec(py, self.starts);
        let lengths = PyArray1::from_vec(py, self.lengths);
        Ok(("ok", values, starts, lengths, self.frames, self.rate)
            .into_pyobject(py)?
            .into_any()
            .unbind())
    }
}

fn result_to_py(py: Python<'_>, r: Result<Output, Failure>) -> PyResult<Py<PyAny>> {
    match r {
        Ok(o) => o.into_py(py),
        Err(f) => Ok(PyTuple::new(py, ["error", f.kind, f.message.as_str()])?
            .into_any()
            .unbind()),
    }
}

fn parse<T: std::str::FromStr<Err = String>>(s: &str) -> PyResult<T> {
    s.parse().map_err(PyValueError::new_err)
}

/// The feature extractor behind `emo_pipe.Smile`.
#[pyclass(frozen, module = "emo_pipe._native")]
struct Extractor {
    choice: Choice,
    level: Level,
    read: ReadOptions,
    /// Channels analysed one by one and laid side by side (`None`: one
    /// signal, from `read.channels`).
    split: Option<Vec<usize>>,
}

impl Extractor {
    fn file(&self, path: &Path, span: (f64, Option<f64>)) -> Result<Output, Failure> {
        let span = Span::new(span.0, span.1)
            .map_err(|e| Failure::new("value", format!("{}: {e}", path.display())))?;
        let mut read = self.read;
        read.span = span;
        let one = |read: &ReadOptions| -> Result<Output, Failure> {
            let x = guarded(|| Ok(emo_features::sets::extract_file(path, &self.choice, read)?))?;
            Output::of(&x, self.level)
        };
        match &self.split {
            None => one(&read),
            Some(channels) => Output::side_by_side(
                channels
                    .iter()
                    .map(|&c| {
                        read.channels = single(c)?;
                        one(&read)
                    })
                    .collect::<Result<_, _>>()?,
            ),
        }
    }

    fn signal(
        &self,
        data: &SignalData,
        channels: usize,
        rate: u32,
        span: Span,
    ) -> Result<Output, Failure> {
        let (a, b) = span.signal_range(rate, data.frames(channels));
        let one = |select: Channels| -> Result<Output, Failure> {
            let cut = data.cut(channels, a, b);
            let mono = emo_audio::mono_from_planar(cut.planar(), channels, select, self.read.mode)
                .map_err(|e| Failure::new("signal", e.to_string()))?;
            let x = guarded(|| {
                emo_features::sets::extract_samples(
                    &mono,
                    rate,
                    &self.choice,
                    std::path::Path::new("<signal>"),
                )
                .map_err(|e| Failure::new("signal", e.to_string()))
            })?;
            Output::of(&x, self.level)
        };
        match &self.split {
            None => one(self.read.channels),
            Some(chs) => Output::side_by_side(
                chs.iter()
                    .map(|&c| one(single(c)?))
                    .collect::<Result<_, _>>()?,
            ),
        }
    }
}

fn single(c: usize) -> Result<Channels, Failure> {
    Channels::one(c).ok_or_else(|| Failure::new("value", format!("channel {c} is out of range")))
}

/// Samples copied out of a numpy array, channel-major.
enum SignalData {
    I16(Vec<i16>),
    F32(Vec<f32>),
    F64(Vec<f64>),
}

impl SignalData {
    fn len(&self) -> usize {
        match self {
            SignalData::I16(v) => v.len(),
            SignalData::F32(v) => v.len(),
            SignalData::F64(v) => v.len(),
        }
    }

    fn frames(&self, channels: usize) -> usize {
        self.len() / channels.max(1)
    }

    /// Samples `[a, b)` of every channel.
    fn cut(&self, channels: usize, a: usize, b: usize) -> SignalData {
        fn cut<T: Copy>(v: &[T], channels: usize, a: usize, b: usize) -> Vec<T> {
            let n = v.len() / channels.max(1);
            (0..channels)
                .flat_map(|c| v[c * n + a..c * n + b].iter().copied())
                .collect()
        }
        match self {
            SignalData::I16(v) => SignalData::I16(cut(v, channels, a, b)),
            SignalData::F32(v) => SignalData::F32(cut(v, channels, a, b)),
            SignalData::F64(v) => SignalData::F64(cut(v, channels, a, b)),
        }
    }

    fn planar(&self) -> Planar<'_> {
        match self {
            SignalData::I16(v) => Planar::I16(v),
            SignalData::F32(v) => Planar::F32(v),
            SignalData::F64(v) => Planar::F64(v),
        }
    }
}

/// Copies a C-contiguous numpy array of int16, float32 or float64 of one or
/// two dimensions; returns its samples and channel count.
fn signal_data(signal: &Bound<'_, PyAny>) -> Result<(SignalData, usize), Failure> {
    let bad = |m: String| Failure::new("signal", m);
    let shape = |dims: &[usize]| -> Result<usize, Failure> {
        match dims {
            [_] => Ok(1),
            [c, _] => Ok(*c),
            other => Err(bad(format!(
                "the signal has {} dimensions; expected (samples,) or (channels, samples)",
                other.len()
            ))),
        }
    };
    macro_rules! take {
        ($t:ty, $variant:ident) => {
            if let Ok(a) = signal.cast::<numpy::PyArrayDyn<$t>>() {
                let ro = a.readonly();
                let channels = shape(ro.shape())?;
                let v = ro
                    .as_slice()
                    .map_err(|_| bad("the signal is not a contiguous array".into()))?
                    .to_vec();
                return Ok((SignalData::$variant(v), channels));
            }
        };
    }
    take!(f32, F32);
    take!(f64, F64);
    take!(i16, I16);
    let dtype = signal
        .getattr("dtype")
        .map(|d| d.to_string())
        .unwrap_or_else(|_| signal.get_type().to_string());
    Err(bad(format!(
        "signal of dtype {dtype} is not supported: give float32, float64 or int16 samples"
    )))
}

#[pymethods]
impl Extractor {
    #[new]
    #[pyo3(signature = (feature_set, level, loudness, input_mode, channels, mixdown, max_duration))]
    fn new(
        feature_set: &str,
        level: &str,
        loudness: &str,
        input_mode: &str,
        channels: Option<Vec<usize>>,
        mixdown: bool,
        max_duration: Option<f64>,
    ) -> PyResult<Self> {
        let set: SetName = parse(feature_set)?;
        let loudness: LoudnessMode = parse(loudness)?;
        let quirks = Quirks {
            loudness,
            ..Quirks::default()
        };
        let choice = Choice::new(set, quirks)
            .map_err(|e| PyValueError::new_err(format!("loudness={loudness}: {e}")))?;
        let level: Level = parse(level)?;
        // refuse a level the set does not have now, not at the first file
        choice.names(level).map_err(PyValueError::new_err)?;
        let select = |chs: &[usize]| {
            Channels::of(chs).ok_or_else(|| {
                PyValueError::new_err(format!("channels {chs:?}: channels are numbered 0 to 63"))
            })
        };
        let (read_channels, split) = match channels {
            None => (Channels::All, None),
            Some(chs) if chs.is_empty() => {
                return Err(PyValueError::new_err("channels: no channel selected"))
            }
            Some(chs) if mixdown || chs.len() == 1 => (select(&chs)?, None),
            Some(chs) => {
                select(&chs)?;
                (Channels::All, Some(chs))
            }
        };
        if max_duration.is_some_and(|d| d.is_nan() || d <= 0.0) {
            return Err(PyValueError::new_err(
                "max_duration must be a positive number of seconds",
            ));
        }
        Ok(Extractor {
            choice,
            level,
            read: ReadOptions {
                max_seconds: max_duration,
                mode: parse::<InputMode>(input_mode)?,
                channels: read_channels,
                span: Span::WHOLE,
            },
            split,
        })
    }

    /// Column names of one channel, in openSMILE's order.
    fn names(&self) -> PyResult<Vec<String>> {
        self.choice.names(self.level).map_err(PyValueError::new_err)
    }

    /// Extracts files on `workers` threads with the GIL released. Each entry
    /// is `("ok", values, starts, lengths, frames, rate)` or
    /// `("error", kind, message)`, in input order.
    fn process_files(
        &self,
        py: Python<'_>,
        paths: Vec<PathBuf>,
        spans: Vec<(f64, Option<f64>)>,
        workers: usize,
    ) -> PyResult<Vec<Py<PyAny>>> {
        if spans.len() != paths.len() {
            return Err(PyValueError::new_err(format!(
                "{} files but {} segments",
                paths.len(),
                spans.len()
            )));
        }
        let one = |(p, s): (&PathBuf, &(f64, Option<f64>))| guarded(|| self.file(p, *s));
        let results: Vec<Result<Output, Failure>> = py.detach(|| {
            if workers <= 1 || paths.len() <= 1 {
                // on this thread: a pool of threads per call is what a loop
                // of process_file calls would otherwise pay for every file
                paths.iter().zip(&spans).map(one).collect()
            } else {
                emo_features::batch::in_pool(workers, || {
                    paths.par_iter().zip(spans.par_iter()).map(one).collect()
                })
            }
        });
        results.into_iter().map(|r| result_to_py(py, r)).collect()
    }

    /// Extracts a numpy signal (`(samples,)` or `(channels, samples)`, C
    /// order), the stretch `[start, end)` seconds of it.
    #[pyo3(signature = (signal, rate, start, end))]
    fn process_signal(
        &self,
        py: Python<'_>,
        signal: &Bound<'_, PyAny>,
        rate: i64,
        start: f64,
        end: Option<f64>,
    ) -> PyResult<Py<PyAny>> {
        let prepared = (|| {
            let rate = u32::try_from(rate).ok().filter(|&r| r > 0).ok_or_else(|| {
                Failure::new(
                    "signal",
                    format!("sampling rate {rate} Hz is not a positive rate"),
                )
            })?;
            let span = Span::new(start, end).map_err(|e| Failure::new("signal", e))?;
            let (data, channels) = signal_data(signal)?;
            Ok((data, channels, rate, span))
        })();
        let r = match prepared {
            Ok((data, channels, rate, span)) => {
                py.detach(|| guarded(|| self.signal(&data, channels, rate, span)))
            }
            Err(f) => Err(f),
        };
        result_to_py(py, r)
    }
}

/// A model behind `emo_pipe.Model`.
#[pyclass(frozen, module = "emo_pipe._native")]
struct Model {
    model: emo_model::Model,
}

fn model_error(e: emo_model::ModelError) -> PyErr {
    match e {
        emo_model::ModelError::Io { .. } => PyOSError::new_err(e.to_string()),
        other => PyValueError::new_err(other.to_string()),
    }
}

#[pymethods]
impl Model {
    #[staticmethod]
    fn load(path: PathBuf) -> PyResult<Self> {
        let model = guarded(|| {
            emo_model::Model::load(&path).map_err(|e| match e {
                emo_model::ModelError::Io { .. } => Failure::new("open", e.to_string()),
                other => Failure::new("model", other.to_string()),
            })
        })
        .map_err(|f| match f.kind {
            "open" => PyOSError::new_err(f.message),
            _ => PyValueError::new_err(f.message),
        })?;
        Ok(Model { model })
    }

    #[staticmethod]
    fn builtin() -> PyResult<Self> {
        Ok(Model {
            model: emo_model::Model::builtin().map_err(model_error)?,
        })
    }

    /// The model's description (its JSON metadata).
    fn description(&self) -> PyResult<String> {
        serde_json::to_string(&self.model.meta).map_err(|e| PyValueError::new_err(e.to_string()))
    }

    fn classes(&self) -> Vec<String> {
        self.model.meta.classes.clone()
    }

    fn feature_set(&self) -> String {
        self.model.meta.feature_set.clone()
    }

    fn loudness(&self) -> String {
        self.model.meta.loudness.clone()
    }

    fn feature_names(&self) -> PyResult<Vec<String>> {
        let c = self.model.choice().map_err(model_error)?;
        c.names(Level::Functionals).map_err(PyValueError::new_err)
    }

    /// Classifies feature rows (a C-contiguous float32 array `(clips,
    /// features)`), each with its speaker or `None`: the class index of each
    /// clip, the probabilities row-major, and the pipeline that classified it.
    fn predict(
        &self,
        py: Python<'_>,
        rows: numpy::PyReadonlyArray2<'_, f32>,
        speakers: Vec<Option<String>>,
    ) -> PyResult<(Vec<usize>, Vec<f64>, Vec<&'static str>)> {
        let [n, d] = [rows.shape()[0], rows.shape()[1]];
        let flat = rows
            .as_slice()
            .map_err(|_| PyValueError::new_err("feature rows are not a contiguous array"))?
            .to_vec();
        if let Some(i) = flat.iter().position(|v| !v.is_finite()) {
            return Err(PyValueError::new_err(format!(
                "feature row {} holds a value that is not finite (column {})",
                i / d.max(1),
                i % d.max(1)
            )));
        }
        let r = py.detach(|| {
            guarded(|| {
                let refs: Vec<&[f32]> = if d == 0 {
                    vec![&[][..]; n]
                } else {
                    flat.chunks(d).collect()
                };
                self.model
                    .classify_clips(&refs, &speakers)
                    .map_err(|e| Failure::new("model", e.to_string()))
            })
        });
        let preds = r.map_err(|f| PyValueError::new_err(f.message))?;
        let mut classes = Vec::with_capacity(n);
        let mut probs = Vec::new();
        let mut routes = Vec::with_capacity(n);
        for (p, route) in preds {
            classes.push(p.class);
            probs.extend(p.probabilities);
            routes.push(match route {
                emo_model::Route::Main => "main",
                emo_model::Route::Fallback => "fallback",
                emo_model::Route::LoneSpeaker => "lone-speaker",
            });
        }
        Ok((classes, probs, routes))
    }
}

/// Names the feature sets, levels, loudness and input modes the extractor takes.
#[pyfunction]
fn choices() -> Vec<(&'static str, Vec<String>)> {
    vec![
        ("feature_set", SetName::ALL.map(|s| s.to_string()).to_vec()),
        (
            "feature_level",
            [Level::Functionals, Level::Lld, Level::LldDeltas]
                .map(|l| l.to_string())
                .to_vec(),
        ),
    ]
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    // A decoder that panics on malformed data is reported as a decoding error
    // naming the file; its panic message stays off stderr.
    emo_audio::quiet_decoder_panics();
    m.add_class::<Extractor>()?;
    m.add_class::<Model>()?;
    m.add_function(wrap_pyfunction!(choices, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
