use crate::progress;
use anyhow::{bail, Context, Result};
use emo_corpus::PAPER_CLASSES;
use emo_eval::systems::StaticSvm;
use emo_eval::{evaluate_cross, evaluate_loso, Data, Norm, Report, System};
use emo_features::table::{write_atomic, FeatureTable};
use emo_lld::{FeatureSet, LoudnessMode, Quirks, Settings};
use emo_svm::{Gamma, SvmParams};
use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `emo-pipe evaluate`.
#[derive(clap::Args)]
pub struct Args {
    /// Corpora: EmoDB, IEMOCAP or RAVDESS directories, or manifest CSVs
    /// (path,speaker,gender,label). Several are pooled (leave one speaker out
    /// over all their speakers) unless --test or --leave-one-corpus-out is given.
    corpus: Vec<PathBuf>,
    /// Cross-corpus: train on these corpora (default: the positional ones) ...
    #[arg(long, num_args = 1..)]
    train: Vec<PathBuf>,
    /// ... and test on this one.
    #[arg(long)]
    test: Option<PathBuf>,
    /// Hold out each of the given corpora in turn, training on the others.
    #[arg(long)]
    leave_one_corpus_out: bool,
    /// Normalisation before the per-fold min-max: minmax (none, the paper's),
    /// speaker (z-score within each speaker), corpus (z-score within each corpus).
    #[arg(long, default_value = "minmax")]
    norm: Norm,
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
    /// Use features from these CSVs (rows named like the corpus's files, e.g.
    /// openSMILE's reference; repeat for several corpora) instead of extracting them.
    #[arg(long)]
    features: Vec<PathBuf>,
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
    // Which corpora, and which are tested on.
    let mut paths: Vec<PathBuf> = if a.train.is_empty() {
        a.corpus.clone()
    } else {
        a.train.clone()
    };
    if let Some(t) = &a.test {
        paths.push(t.clone());
    }
    if paths.is_empty() {
        bail!("give a corpus (or --train ... --test ...)");
    }
    let mut corpus = emo_corpus::Corpus::default();
    let mut names: Vec<String> = Vec::new();
    for p in &paths {
        let mut c = emo_corpus::read(p, a.corpus_format)?;
        let base = c
            .utterances
            .first()
            .map_or_else(|| "corpus".to_string(), |u| u.corpus.clone());
        let mut name = base.clone();
        let mut k = 2;
        while names.contains(&name) {
            name = format!("{base}-{k}");
            k += 1;
        }
        for u in &mut c.utterances {
            u.corpus = name.clone();
        }
        names.push(name);
        corpus.extend(c);
    }
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
                "class '{c}' does not occur in the corpora (they have: {})",
                labels.join(", ")
            );
        }
    }
    let corpus = corpus.with_classes(&classes);
    let mut left_out: Vec<(String, String)> = Vec::new();
    let features: HashMap<String, Vec<f32>> = if !a.features.is_empty() {
        let mut map = HashMap::new();
        for f in &a.features {
            map.extend(FeatureTable::read_csv(f)?.rows);
        }
        map
    } else {
        let settings = Settings {
            feature_set: a.feature_set,
            quirks: Quirks {
                loudness: a.loudness,
                ..Quirks::default()
            },
        };
        let read = emo_audio::ReadOptions::default();
        let store = emo_store::Store::open(&a.store, &emo_store::settings_key(&settings, &read))?;
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
    };
    let (data, missing) = Data::from_features(&corpus.utterances, &features, &classes);
    let already: std::collections::HashSet<String> =
        left_out.iter().map(|(p, _)| p.clone()).collect();
    left_out.extend(missing.into_iter().filter(|(p, _)| !already.contains(p)));
    if data.y.is_empty() {
        bail!("no utterance of the corpora has features");
    }
    let data = data.normalised(a.norm);
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
        "{}: {} utterances, {} speakers, classes {}, normalisation {:?}{}",
        names.join(" + "),
        data.y.len(),
        data.speaker_list().len(),
        classes.join(","),
        a.norm,
        if a.grid { ", inner grid search" } else { "" }
    );
    let mut reports: Vec<(String, Report)> = Vec::new();
    if a.test.is_some() {
        let test = names.last().cloned().unwrap_or_default();
        let train = names[..names.len() - 1].to_vec();
        let setup = format!("train {} -> test {test}", train.join("+"));
        reports.push((
            setup,
            evaluate_cross(&data, &train, &test, system.as_ref(), a.seed)?,
        ));
    } else if a.leave_one_corpus_out {
        if names.len() < 2 {
            bail!("--leave-one-corpus-out needs at least two corpora");
        }
        for test in &names {
            let train: Vec<String> = names.iter().filter(|n| *n != test).cloned().collect();
            let setup = format!("train {} -> test {test}", train.join("+"));
            reports.push((
                setup,
                evaluate_cross(&data, &train, test, system.as_ref(), a.seed)?,
            ));
        }
    } else {
        let setup = format!("leave one speaker out on {}", names.join("+"));
        reports.push((setup, evaluate_loso(&data, system.as_ref(), a.seed)?));
    }
    for (setup, report) in &reports {
        out!("{setup}\n{}", report.table());
    }
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
            "corpora": paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
            "classes": classes,
            "features": if a.features.is_empty() {
                format!("emo-pipe {} (loudness {})", a.feature_set, a.loudness)
            } else {
                a.features.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
            },
            "normalisation": a.norm,
            "svm": { "c": a.c, "gamma": a.gamma.to_string(), "grid": a.grid, "multiclass": "one-vs-one, majority vote" },
            "seed": a.seed,
            "left_out": left_out.iter().map(|(p, w)| serde_json::json!({"file": p, "reason": w})).collect::<Vec<_>>(),
            "setups": reports.iter().map(|(s, _)| s.clone()).collect::<Vec<_>>(),
            "systems": reports.iter().map(|(_, r)| r).collect::<Vec<_>>(),
        });
        write_atomic(path, serde_json::to_string_pretty(&v)?.as_bytes())
            .with_context(|| format!("writing {}", path.display()))?;
    }
    if let Some(path) = &a.plot {
        if let Some((_, r)) = reports.first() {
            emo_eval::plot::plot_confusion(r, path).map_err(anyhow::Error::msg)?;
        }
    }
    Ok(if left_out.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
