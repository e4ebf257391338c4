use anyhow::Result;
use emo_eval::Report;
use emo_features::table::csv_field;
use emo_model::{Model, Route};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `emo-pipe classify`.
#[derive(clap::Args)]
pub struct Args {
    /// Audio files or directories, or - for a stream on stdin (see --raw).
    /// A corpus directory (an IEMOCAP session or
    /// release, EmoDB, RAVDESS) is read as a corpus: its speakers are used for
    /// speaker normalisation and, where labels exist, UAR and a confusion
    /// matrix are printed.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Model file (default: the model built into emo-pipe; `emo-pipe model` describes it).
    #[arg(long)]
    model: Option<PathBuf>,
    /// One JSON object per clip instead of text.
    #[arg(long)]
    json: bool,
    /// CSV with columns path,speaker: the speaker of each clip (for
    /// speaker-normalised models).
    #[arg(long)]
    manifest: Option<PathBuf>,
    /// Each clip's speaker is the name of the directory it is in.
    #[arg(long)]
    speaker_dirs: bool,
    /// Worker threads (default: all cores).
    #[arg(short = 'j', long, default_value_t = 0)]
    jobs: usize,
    /// Follow symbolic links to directories when walking input directories
    /// (a link back into its own ancestors is reported and walked once).
    #[arg(long)]
    follow_links: bool,
    /// Refuse recordings longer than this (seconds).
    #[arg(long, default_value_t = 4.0 * 3600.0)]
    max_duration: f64,
    /// How recordings are cut into utterances, each classified like a clip:
    /// `none` (the whole file), `vad` (voice-activity segments) or
    /// `fixed:WIN,HOP` (windows of WIN seconds every HOP seconds). Default:
    /// `none` for files up to --max-utterance, `vad` (with a note) for longer ones.
    #[arg(long, value_name = "METHOD")]
    segment: Option<emo_segment::Method>,
    /// Files longer than this (seconds) are cut by voice activity unless
    /// --segment says otherwise.
    #[arg(long, default_value_t = 20.0, value_name = "S")]
    max_utterance: f64,
    /// One CSV line per clip or segment (file,start,end,label, then each
    /// class's probability) instead of text.
    #[arg(long, conflicts_with = "json")]
    csv: bool,
    /// Draw the timeline of the one input recording (PNG or SVG): each
    /// class's probability per segment above the recording's level, segments
    /// shaded.
    #[arg(long, value_name = "FILE.png|svg")]
    plot: Option<PathBuf>,
    /// With `-` (audio from stdin): headerless PCM, `s16le:RATE:CHANNELS` or
    /// `f32le:RATE:CHANNELS`; without it, stdin is read as a WAV stream.
    #[arg(long, value_name = "SPEC")]
    raw: Option<emo_audio::RawSpec>,
    #[command(flatten)]
    vad: crate::segment::VadArgs,
}

/// Prints the model's description (no audio needed).
pub fn describe(model: Option<&Path>) -> Result<ExitCode> {
    let m = load(model)?;
    out!("{}", serde_json::to_string_pretty(&m.meta)?);
    Ok(ExitCode::SUCCESS)
}

fn load(path: Option<&Path>) -> Result<Model> {
    Ok(match path {
        Some(p) => Model::load(p)?,
        None => Model::builtin()?,
    })
}

/// A clip, or a segment of a recording, to classify.
struct Unit {
    /// Index into the items.
    item: usize,
    /// Start and end in seconds.
    times: (f64, f64),
    /// A segment cut out of its file (rather than the whole file).
    cut: bool,
}

fn csv_header(classes: &[String]) {
    let cols: Vec<String> = classes.iter().map(|c| csv_field(c)).collect();
    out!("file,start,end,label,{}", cols.join(","));
}

/// Prints one clip's or segment's decision as text, JSON or CSV.
#[allow(clippy::too_many_arguments)]
fn print_unit(
    a: &Args,
    classes: &[String],
    file: &str,
    u: &Unit,
    p: &emo_model::Prediction,
    route: Route,
    speaker: &Option<String>,
    truth: &Option<String>,
) {
    let label = &classes[p.class];
    let (start, end) = u.times;
    if a.json {
        let probs: serde_json::Map<String, serde_json::Value> = classes
            .iter()
            .zip(&p.probabilities)
            .map(|(c, v)| (c.clone(), serde_json::json!(v)))
            .collect();
        let mut obj = serde_json::json!({
            "file": file,
            "label": label,
            "probabilities": probs,
            "speaker": speaker,
            "truth": truth,
            "pipeline": match route { Route::Main => "main", Route::Fallback => "fallback", Route::LoneSpeaker => "lone-speaker" },
        });
        if u.cut {
            obj["start"] = serde_json::json!(seconds(start));
            obj["end"] = serde_json::json!(seconds(end));
        }
        out!("{obj}");
    } else if a.csv {
        let probs: Vec<String> = p.probabilities.iter().map(|v| format!("{v:.4}")).collect();
        out!(
            "{},{start:.3},{end:.3},{},{}",
            csv_field(file),
            csv_field(label),
            probs.join(",")
        );
    } else {
        let probs: Vec<String> = classes
            .iter()
            .zip(&p.probabilities)
            .map(|(c, v)| format!("{c} {v:.2}"))
            .collect();
        if u.cut {
            out!(
                "{file}\t{start:.3}\t{end:.3}\t{label}\t{}",
                probs.join(", ")
            );
        } else {
            out!("{file}\t{label}\t{}", probs.join(", "));
        }
    }
}

/// `classify -`: audio from stdin, each segment printed as soon as it closes.
fn run_stream(a: &Args, model: &Model, choice: &emo_features::sets::Choice) -> Result<ExitCode> {
    let method = a.segment.unwrap_or(emo_segment::Method::Auto {
        max_utterance: a.max_utterance,
    });
    let vad = a.vad.options()?;
    // an endless stream has no length limit
    let read = emo_audio::ReadOptions {
        max_seconds: None,
        ..Default::default()
    };
    let classes = &model.meta.classes;
    if a.csv {
        csv_header(classes);
    }
    let name = std::path::Path::new("<stdin>");
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut decided = 0usize;
    let mut failed: Option<String> = None;
    let mut routes = std::collections::BTreeSet::new();
    let r = emo_segment::segment_source(
        name,
        &mut |sink| emo_audio::read_stream(&mut input, name, a.raw, &read, sink),
        choice,
        method,
        vad,
        &mut |s| {
            if failed.is_some() {
                return;
            }
            // a stream's speaker statistics are not known until it ends:
            // each segment goes through the model on its own
            match model.classify_clips(&[s.extracted.features()], &[None]) {
                Ok(mut v) => {
                    if let Some((p, route)) = v.pop() {
                        if routes.insert(route as u8) && route != Route::Main {
                            eprintln!(
                                "note: a stream's segments are classified as they close, without speaker statistics: {}",
                                if route == Route::Fallback { "through the model's fallback pipeline (min-max only)" } else { "each standardised as a lone speaker" }
                            );
                        }
                        let u = Unit {
                            item: 0,
                            times: (s.start, s.end),
                            cut: true,
                        };
                        print_unit(a, classes, "-", &u, &p, route, &None, &None);
                        decided += 1;
                    }
                }
                Err(e) => failed = Some(e.to_string()),
            }
        },
    );
    if let Some(e) = failed {
        anyhow::bail!("<stdin>: {e}");
    }
    match r {
        Ok(info) => {
            eprintln!(
                "{} segment(s) of {:.3} s of audio from stdin",
                info.segments, info.duration
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("emo-pipe: error: {e} ({decided} segment(s) decided before it were printed)");
            Ok(ExitCode::from(1))
        }
    }
}

/// Seconds rounded to milliseconds, as they are printed.
fn seconds(t: f64) -> f64 {
    (t * 1000.0).round() / 1000.0
}

/// One clip to classify.
struct Item {
    path: PathBuf,
    speaker: Option<String>,
    label: Option<String>,
}

fn collect(a: &Args) -> Result<(Vec<Item>, Vec<String>)> {
    let mut items = Vec::new();
    let mut missing = Vec::new();
    for input in &a.inputs {
        if input.is_dir() {
            if let Ok(format) = emo_corpus::detect(input) {
                let c = emo_corpus::read(input, Some(format))?;
                // a folder that merely contains some EmoDB-named clips is a folder
                let all =
                    emo_audio::find_audio_files(std::slice::from_ref(input), a.follow_links).files;
                if c.utterances.len() + c.skipped.len() < all.len() {
                    items.extend(all.into_iter().map(|path| Item {
                        path,
                        speaker: None,
                        label: None,
                    }));
                    continue;
                }
                eprintln!(
                    "{}: read as a {} corpus ({} utterances)",
                    input.display(),
                    format!("{format:?}").to_ascii_lowercase(),
                    c.utterances.len()
                );
                for u in c.utterances {
                    items.push(Item {
                        path: u.path,
                        speaker: Some(u.speaker),
                        label: Some(u.label),
                    });
                }
                continue;
            }
        }
        let found = emo_audio::find_audio_files(std::slice::from_ref(input), a.follow_links);
        crate::progress::notes(&found.notes);
        missing.extend(found.errors.iter().map(ToString::to_string));
        items.extend(found.files.into_iter().map(|path| Item {
            path,
            speaker: None,
            label: None,
        }));
    }
    let manifest = match &a.manifest {
        Some(m) => Some(
            emo_corpus::read_speaker_list(m)?
                .into_iter()
                .collect::<HashMap<_, _>>(),
        ),
        None => None,
    };
    for it in &mut items {
        if let Some(m) = &manifest {
            let key = std::fs::canonicalize(&it.path).unwrap_or_else(|_| it.path.clone());
            if let Some(s) = m.get(&key) {
                it.speaker = Some(s.clone());
            }
        }
        if a.speaker_dirs {
            if let Some(d) = it.path.parent().and_then(|p| p.file_name()) {
                it.speaker = Some(d.to_string_lossy().into_owned());
            }
        }
    }
    Ok((items, missing))
}

pub fn run(a: Args) -> Result<ExitCode> {
    let model = load(a.model.as_deref())?;
    let choice = model.choice()?;
    let read = emo_audio::ReadOptions {
        max_seconds: Some(a.max_duration),
        ..Default::default()
    };
    if crate::segment::reads_stdin(&a.inputs, a.raw.is_some())? {
        if a.plot.is_some() {
            anyhow::bail!("--plot draws a file's timeline; it does not take a stream on stdin");
        }
        return run_stream(&a, &model, &choice);
    }
    let (items, missing) = collect(&a)?;
    if a.plot.is_some() && items.len() + missing.len() != 1 {
        anyhow::bail!("--plot draws one recording: give one audio file");
    }
    let mut failures: Vec<String> = missing;
    let files: Vec<PathBuf> = items.iter().map(|i| i.path.clone()).collect();
    let method = a.segment.unwrap_or(emo_segment::Method::Auto {
        max_utterance: a.max_utterance,
    });
    let vad = a.vad.options()?;
    let bar = crate::progress::bar(files.len(), "files");
    let results =
        emo_segment::segment_batch(&files, &read, &choice, method, vad, a.jobs, |_| bar.inc(1));
    bar.finish_and_clear();
    // one unit per clip or segment; `rows[k]` is None for a failed file
    let mut units: Vec<Unit> = Vec::new();
    let mut rows: Vec<Option<Vec<f32>>> = Vec::new();
    let mut switched = 0;
    let mut durations = vec![0.0; items.len()];
    for (i, (it, r)) in items.iter().zip(results).enumerate() {
        match r {
            Ok((info, segments)) => {
                switched += usize::from(info.switched_to_vad);
                durations[i] = info.duration;
                let cut =
                    info.switched_to_vad || !matches!(method, emo_segment::Method::Auto { .. });
                for s in segments {
                    units.push(Unit {
                        item: i,
                        times: (s.start, s.end),
                        cut,
                    });
                    rows.push(Some(s.extracted.into_features()));
                }
            }
            Err(e) => {
                units.push(Unit {
                    item: i,
                    times: (0.0, 0.0),
                    cut: false,
                });
                rows.push(None);
                failures.push(e.to_string());
                if a.json {
                    out!(
                        "{}",
                        serde_json::json!({"file": it.path.display().to_string(), "error": e.to_string()})
                    );
                } else if a.csv {
                    out!(
                        "{},,,error,{}",
                        csv_field(&it.path.display().to_string()),
                        csv_field(&e.to_string())
                    );
                } else {
                    out!("{}\terror\t{e}", it.path.display());
                }
            }
        }
    }
    if switched > 0 {
        eprintln!(
            "note: {switched} file(s) longer than {} s (--max-utterance) were cut into voice-activity segments, \
             each classified on its own (--segment none classifies a file as a whole)",
            a.max_utterance
        );
    }
    let ok: Vec<usize> = (0..units.len()).filter(|&k| rows[k].is_some()).collect();
    let feature_rows: Vec<&[f32]> = ok.iter().filter_map(|&k| rows[k].as_deref()).collect();
    // the segments of a recording are one speaker's unless it is named
    let speakers: Vec<Option<String>> = ok
        .iter()
        .map(|&k| {
            let (u, it) = (&units[k], &items[units[k].item]);
            it.speaker
                .clone()
                .or_else(|| u.cut.then(|| format!("file:{}", it.path.display())))
        })
        .collect();
    let mut predictions: Vec<Option<(emo_model::Prediction, Route)>> = vec![None; units.len()];
    for (&i, p) in ok
        .iter()
        .zip(model.classify_clips(&feature_rows, &speakers)?)
    {
        predictions[i] = Some(p);
    }
    for route in [Route::Fallback, Route::LoneSpeaker] {
        let n = predictions
            .iter()
            .filter(|p| p.as_ref().is_some_and(|(_, r)| *r == route))
            .count();
        if n > 0 {
            eprintln!(
                "note: {n} clip(s) without speaker information: the model is speaker-normalised, so they go through {} \
                 (give --manifest or --speaker-dirs for the speaker-normalised pipeline; README says what this costs)",
                if route == Route::Fallback { "its fallback pipeline (min-max only)" } else { "standardisation as lone speakers" }
            );
        }
    }
    let classes = &model.meta.classes;
    let (mut truth, mut pred) = (Vec::new(), Vec::new());
    if a.csv {
        csv_header(classes);
    }
    for (u, p) in units.iter().zip(&predictions) {
        let Some((p, route)) = p else { continue };
        let it = &items[u.item];
        print_unit(
            &a,
            classes,
            &it.path.display().to_string(),
            u,
            p,
            *route,
            &it.speaker,
            &it.label,
        );
        if let Some(t) = it
            .label
            .as_ref()
            .and_then(|l| classes.iter().position(|c| c == l))
        {
            truth.push(t);
            pred.push(p.class);
        }
    }
    if let (Some(plot), Some(it)) = (&a.plot, items.first()) {
        let decisions: Vec<emo_plot::Decision> = units
            .iter()
            .zip(&predictions)
            .filter_map(|(u, p)| {
                p.as_ref().map(|(p, _)| emo_plot::Decision {
                    start: u.times.0,
                    end: u.times.1,
                    probabilities: p.probabilities.clone(),
                })
            })
            .collect();
        if !decisions.is_empty() {
            let env = emo_plot::file_envelope(&it.path, &read, durations[0])?;
            emo_plot::timeline(
                plot,
                &it.path.display().to_string(),
                classes,
                &decisions,
                &env,
                durations[0],
            )?;
            eprintln!(
                "timeline of {} segment(s) -> {}",
                decisions.len(),
                plot.display()
            );
        }
    }
    if !truth.is_empty() {
        let r = Report::new("classify", classes, &truth, &pred, Vec::new());
        let msg = format!(
            "{} labelled clips of the model's classes\n{}",
            truth.len(),
            r.table()
        );
        if a.json {
            eprintln!("{msg}")
        } else {
            out!("{msg}")
        }
    }
    if failures.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!("{} input(s) failed:", failures.len());
    for f in &failures {
        eprintln!("  {f}");
    }
    Ok(ExitCode::from(1))
}
