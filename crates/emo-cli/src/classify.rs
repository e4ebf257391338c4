use anyhow::Result;
use emo_eval::Report;
use emo_features::batch::extract_batch;
use emo_model::{Model, Route};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `emo-pipe classify`.
#[derive(clap::Args)]
pub struct Args {
    /// Audio files or directories. A corpus directory (an IEMOCAP session or
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
    let settings = model.settings()?;
    let read = emo_audio::ReadOptions {
        max_seconds: Some(a.max_duration),
        ..Default::default()
    };
    let (items, missing) = collect(&a)?;
    let mut failures: Vec<String> = missing;
    let files: Vec<PathBuf> = items.iter().map(|i| i.path.clone()).collect();
    let bar = crate::progress::bar(files.len(), "files");
    let results = extract_batch(&files, &settings, &read, a.jobs, |_, _| bar.inc(1));
    bar.finish_and_clear();
    let mut rows: Vec<Option<Vec<f32>>> = Vec::with_capacity(items.len());
    for (it, r) in items.iter().zip(results) {
        match r {
            Ok(x) => rows.push(Some(x.features)),
            Err(e) => {
                rows.push(None);
                failures.push(e.to_string());
                if a.json {
                    out!(
                        "{}",
                        serde_json::json!({"file": it.path.display().to_string(), "error": e.to_string()})
                    );
                } else {
                    out!("{}\terror\t{e}", it.path.display());
                }
            }
        }
    }
    let ok: Vec<usize> = (0..items.len()).filter(|&i| rows[i].is_some()).collect();
    let feature_rows: Vec<&[f32]> = ok.iter().filter_map(|&i| rows[i].as_deref()).collect();
    let speakers: Vec<Option<String>> = ok.iter().map(|&i| items[i].speaker.clone()).collect();
    let mut predictions: Vec<Option<(emo_model::Prediction, Route)>> = vec![None; items.len()];
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
    for (it, p) in items.iter().zip(&predictions) {
        let Some((p, route)) = p else { continue };
        let label = &classes[p.class];
        if a.json {
            let probs: serde_json::Map<String, serde_json::Value> = classes
                .iter()
                .zip(&p.probabilities)
                .map(|(c, v)| (c.clone(), serde_json::json!(v)))
                .collect();
            out!(
                "{}",
                serde_json::json!({
                    "file": it.path.display().to_string(),
                    "label": label,
                    "probabilities": probs,
                    "speaker": it.speaker,
                    "truth": it.label,
                    "pipeline": match route { Route::Main => "main", Route::Fallback => "fallback", Route::LoneSpeaker => "lone-speaker" },
                })
            );
        } else {
            let probs: Vec<String> = classes
                .iter()
                .zip(&p.probabilities)
                .map(|(c, v)| format!("{c} {v:.2}"))
                .collect();
            out!("{}\t{label}\t{}", it.path.display(), probs.join(", "));
        }
        if let Some(t) = it
            .label
            .as_ref()
            .and_then(|l| classes.iter().position(|c| c == l))
        {
            truth.push(t);
            pred.push(p.class);
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
