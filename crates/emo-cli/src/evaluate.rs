use crate::progress;
use anyhow::{bail, Context, Result};
use emo_corpus::PAPER_CLASSES;
use emo_eval::systems::StaticSvm;
use emo_eval::{evaluate_loso, Data, System};
use emo_features::table::{write_atomic, FeatureTable};
use emo_lld::{FeatureSet, LoudnessMode, Quirks, Settings};
use emo_svm::{Gamma, SvmParams};
use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `emo-pipe evaluate`.
#[derive(clap::Args)]
pub struct Args {
    /// Corpus: an EmoDB, IEMOCAP or RAVDESS directory, or a manifest CSV
    /// (path,speaker,gender,label).
    corpus: PathBuf,
    /// Corpus layout (default: recognised from the directory).
    #[arg(long)]
    corpus_format: Option<emo_corpus::Format>,
    /// System to evaluate. `static`: IS10 features, min-max fitted on each
    /// training fold, RBF SVM (one-vs-one, majority vote, as libsvm).
    #[arg(long, default_value = "static")]
    system: String,
    /// Classes to use (default: anger,happiness,sadness,neutral where the
    /// corpus has them, else all its labels).
    #[arg(long, value_delimiter = ',')]
    classes: Option<Vec<String>>,
    /// Use features from this CSV (rows named like the corpus's files, e.g.
    /// openSMILE's reference) instead of extracting them.
    #[arg(long)]
    features: Option<PathBuf>,
    /// Feature store: extracted features are kept here and reused.
    #[arg(long, default_value = "emo-pipe-store")]
    store: PathBuf,
    /// SVM penalty C.
    #[arg(long, default_value_t = 1.0)]
    c: f64,
    /// RBF γ: 'scale' (1 / (features × variance of the training data)) or a number.
    #[arg(long, default_value = "scale")]
    gamma: Gamma,
    /// Choose C and γ per fold by an inner leave-one-speaker-out search on the
    /// training speakers only (C 0.1-100, γ 0.25-4 × scale).
    #[arg(long)]
    grid: bool,
    /// Write the results as JSON.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Draw the confusion matrix (.png or .svg).
    #[arg(long)]
    plot: Option<PathBuf>,
    /// Random seed (for systems that train with randomness).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Worker threads (default: all cores).
    #[arg(short = 'j', long, default_value_t = 0)]
    jobs: usize,
    /// Feature set for extraction.
    #[arg(long, default_value = "is10")]
    feature_set: FeatureSet,
    /// Loudness for extraction (see `extract --help`).
    #[arg(long, default_value = "documented")]
    loudness: LoudnessMode,
}

pub fn run(a: Args) -> Result<ExitCode> {
    if a.jobs > 0 {
        // Only fails if a pool already exists, in which case it is used as is.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(a.jobs)
            .build_global();
    }
    let corpus = emo_corpus::read(&a.corpus, a.corpus_format)?;
    let labels = corpus.labels();
    let classes: Vec<String> = match &a.classes {
        Some(c) => c.iter().map(|s| s.trim().to_ascii_lowercase()).collect(),
        None if PAPER_CLASSES.iter().all(|c| labels.iter().any(|l| l == c)) => {
            PAPER_CLASSES.map(String::from).to_vec()
        }
        None => labels.clone(),
    };
    for c in &classes {
        if !labels.contains(c) {
            bail!(
                "class '{c}' does not occur in {} (it has: {})",
                a.corpus.display(),
                labels.join(", ")
            );
        }
    }
    let corpus = corpus.with_classes(&classes);
    let mut left_out: Vec<(String, String)> = Vec::new();
    let features: HashMap<String, Vec<f32>> = match &a.features {
        Some(f) => {
            let t = FeatureTable::read_csv(f)?;
            t.rows.into_iter().collect()
        }
        None => {
            let settings = Settings {
                feature_set: a.feature_set,
                quirks: Quirks {
                    loudness: a.loudness,
                    ..Quirks::default()
                },
            };
            let read = emo_audio::ReadOptions::default();
            let store =
                emo_store::Store::open(&a.store, &emo_store::settings_key(&settings, &read))?;
            let files: Vec<PathBuf> = corpus.utterances.iter().map(|u| u.path.clone()).collect();
            let bar = progress::bar(files.len(), "files");
            let results = store.features(&files, &settings, &read, a.jobs, |_, _| bar.inc(1));
            bar.finish_and_clear();
            let mut map = HashMap::new();
            for (u, r) in corpus.utterances.iter().zip(results) {
                match r {
                    Ok(v) => {
                        map.insert(u.name.clone(), v);
                    }
                    Err(e) => left_out.push((u.path.display().to_string(), e.to_string())),
                }
            }
            map
        }
    };
    let (data, missing) = Data::from_features(&corpus.utterances, &features, &classes);
    let already: std::collections::HashSet<String> =
        left_out.iter().map(|(p, _)| p.clone()).collect();
    left_out.extend(missing.into_iter().filter(|(p, _)| !already.contains(p)));
    if data.y.is_empty() {
        bail!("no utterance of {} has features", a.corpus.display());
    }
    let system: Box<dyn System> = match a.system.as_str() {
        "static" => Box::new(StaticSvm {
            params: SvmParams {
                c: a.c,
                gamma: a.gamma,
                ..Default::default()
            },
            grid: a.grid,
        }),
        other => bail!("unknown system '{other}' (available: static)"),
    };
    eprintln!(
        "{}: {} utterances, {} speakers, classes {}{}",
        a.corpus.display(),
        data.y.len(),
        data.speaker_list().len(),
        classes.join(","),
        if a.grid { ", inner grid search" } else { "" }
    );
    let report = evaluate_loso(&data, system.as_ref(), a.seed)?;
    out!("{}", report.table());
    if !corpus.skipped.is_empty() {
        out!(
            "{} corpus entries skipped by the reader (first: {}: {})",
            corpus.skipped.len(),
            corpus.skipped[0].what,
            corpus.skipped[0].reason
        );
    }
    for (p, why) in &left_out {
        out!("left out: {p}: {why}");
    }
    if let Some(path) = &a.json {
        let v = serde_json::json!({
            "corpus": a.corpus.display().to_string(),
            "classes": classes,
            "features": a.features.as_ref().map(|p| p.display().to_string()).unwrap_or_else(|| format!("emo-pipe {} (loudness {})", a.feature_set, a.loudness)),
            "svm": { "c": a.c, "gamma": a.gamma.to_string(), "grid": a.grid, "multiclass": "one-vs-one, majority vote" },
            "seed": a.seed,
            "left_out": left_out.iter().map(|(p, w)| serde_json::json!({"file": p, "reason": w})).collect::<Vec<_>>(),
            "systems": [report],
        });
        write_atomic(path, serde_json::to_string_pretty(&v)?.as_bytes())
            .with_context(|| format!("writing {}", path.display()))?;
    }
    if let Some(path) = &a.plot {
        emo_eval::plot::plot_confusion(&report, path).map_err(anyhow::Error::msg)?;
    }
    Ok(if left_out.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
