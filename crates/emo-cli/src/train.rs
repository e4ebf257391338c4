use crate::data::{labelled_data, neutral_rows, DaeArgs, FeatureArgs, SvmArgs};
use anyhow::{Context, Result};
use emo_eval::Norm;
use emo_model::{Meta, Model, Spec};
use emo_svm::SvmParams;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `emo-pipe train`.
#[derive(clap::Args)]
pub struct Args {
    /// Corpora to train on (all their speakers): EmoDB, IEMOCAP or RAVDESS
    /// directories, or manifest CSVs (path,speaker,gender,label).
    #[arg(required = true)]
    corpus: Vec<PathBuf>,
    /// Output model file (safetensors).
    #[arg(short, long)]
    output: PathBuf,
    /// static, dae, loss1, loss2, combination, nokl or random (see `evaluate --help`).
    #[arg(long, default_value = "static")]
    system: String,
    /// Normalisation before min-max: minmax (the paper's), speaker or corpus.
    #[arg(long, default_value = "minmax")]
    norm: Norm,
    /// With --norm speaker: also train a pipeline for clips without speaker
    /// information, with this normalisation (minmax or corpus; 'none' for no fallback).
    #[arg(long, default_value = "minmax")]
    fallback_norm: String,
    /// SVM penalty C of the fallback pipeline (default: --c).
    #[arg(long)]
    fallback_c: Option<f64>,
    /// Classes (default: anger,happiness,sadness,neutral where present, else all labels).
    #[arg(long, value_delimiter = ',')]
    classes: Option<Vec<String>>,
    #[command(flatten)]
    source: FeatureArgs,
    #[command(flatten)]
    svm: SvmArgs,
    #[command(flatten)]
    dae: DaeArgs,
    /// Random seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// A line of free text stored in the model (repeatable), e.g. its measured UAR.
    #[arg(long)]
    note: Vec<String>,
    /// Store encoder weights and support vectors in half precision (half the
    /// file size; the model is trained and predicts with the rounded values).
    #[arg(long)]
    half: bool,
}

pub fn run(a: Args) -> Result<ExitCode> {
    a.source.prepare()?;
    if a.system != "static" {
        a.system
            .parse::<emo_dae::SystemKind>()
            .map_err(anyhow::Error::msg)?;
    }
    let fallback = match a.fallback_norm.as_str() {
        "none" => None,
        s => Some(s.parse::<Norm>().map_err(anyhow::Error::msg)?),
    };
    let (data, _, names, left_out) = labelled_data(&a.corpus, a.classes.as_deref(), &a.source)?;
    let width = a.source.choice()?.width();
    if data.x.ncols() != width {
        // the model records the set, and classify extracts it
        anyhow::bail!(
            "the features have {} columns but --feature-set {} has {width}: give the set the --features tables hold",
            data.x.ncols(),
            a.source.feature_set
        );
    }
    let neutral = match &a.dae.neutral {
        Some(_) if a.norm != Norm::MinMax => {
            anyhow::bail!(
                "--neutral works with --norm minmax only (its clips have no speaker grouping here)"
            )
        }
        Some(p) => Some(neutral_rows(p, &a.source)?),
        None => None,
    };
    let spec = Spec {
        system: a.system.clone(),
        norm: a.norm,
        fallback,
        fallback_svm: a.fallback_c.map(|c| SvmParams {
            c,
            ..a.svm.params()
        }),
        dae: a.dae.config(),
        svm: a.svm.params(),
        seed: a.seed,
        neutral,
        half: a.half,
    };
    let command = std::iter::once("emo-pipe".to_string())
        .chain(std::env::args().skip(1))
        .collect::<Vec<_>>()
        .join(" ");
    let base = Meta {
        format: String::new(),
        format_version: 0,
        writer: format!("emo-pipe {}", env!("CARGO_PKG_VERSION")),
        feature_set: a.source.feature_set.to_string(),
        loudness: a.source.loudness.to_string(),
        n_features: 0,
        classes: Vec::new(),
        system: String::new(),
        normalisation: a.norm,
        fallback_normalisation: None,
        fallback_svm: None,
        dae: None,
        svm: spec.svm,
        probabilities: String::new(),
        seed: a.seed,
        corpora: Vec::new(),
        utterances: 0,
        speakers: 0,
        command,
        notes: a.note.clone(),
        half: a.half,
    };
    eprintln!(
        "training {} ({:?} normalisation) on {}: {} utterances, {} speakers",
        a.system,
        a.norm,
        names.join(" + "),
        data.y.len(),
        data.speaker_list().len()
    );
    let model = Model::train(&data, &spec, base)?;
    model
        .save(&a.output)
        .with_context(|| format!("writing {}", a.output.display()))?;
    let size = std::fs::metadata(&a.output).map(|m| m.len()).unwrap_or(0);
    eprintln!(
        "{} ({size} bytes, {} support vectors)",
        a.output.display(),
        model.main.svm.support.nrows()
    );
    for (p, why) in &left_out {
        eprintln!("left out: {p}: {why}");
    }
    Ok(if left_out.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
