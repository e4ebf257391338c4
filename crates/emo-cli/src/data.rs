//! Arguments shared by `evaluate` and `train`: which corpora, which classes,
//! where the features come from, and the DAE settings.

use crate::progress;
use anyhow::{bail, Result};
use emo_corpus::{Corpus, PAPER_CLASSES};
use emo_dae::{Corruption, DaeConfig, LossScale, Stage};
use emo_eval::Data;
use emo_features::sets::{Choice, SetName};
use emo_features::table::FeatureTable;
use emo_lld::{LoudnessMode, Quirks};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Files left out of a run: (file, reason).
pub type LeftOut = Vec<(String, String)>;

/// Where features come from.
#[derive(clap::Args, Clone)]
pub struct FeatureArgs {
    /// Use features from these CSVs (rows named like the corpus's files, e.g.
    /// openSMILE's reference; repeat for several corpora) instead of extracting them.
    #[arg(long)]
    pub features: Vec<PathBuf>,
    /// Feature store: extracted features are kept here and reused.
    #[arg(long, default_value = "emo-pipe-store")]
    pub store: PathBuf,
    /// Feature set for extraction: is10, is10-compat, egemaps, gemaps or is10+egemaps
    /// (a model records it, and `classify` extracts it).
    #[arg(long, default_value = "is10")]
    pub feature_set: SetName,
    /// Loudness for extraction (see `extract --help`).
    #[arg(long, default_value = "documented")]
    pub loudness: LoudnessMode,
    /// Corpus layout (default: recognised from the directory).
    #[arg(long)]
    pub corpus_format: Option<emo_corpus::Format>,
    /// Worker threads (default: all cores).
    #[arg(short = 'j', long, default_value_t = 0)]
    pub jobs: usize,
}

impl FeatureArgs {
    /// Checks the arguments before any work (a set and loudness that do not
    /// go together are refused) and sizes the global thread pool to `--jobs`.
    pub fn prepare(&self) -> Result<()> {
        self.choice()?;
        if self.jobs > 0 {
            // Only fails if a pool already exists, in which case it is used as is.
            let _ = rayon::ThreadPoolBuilder::new()
                .num_threads(self.jobs)
                .build_global();
        }
        Ok(())
    }

    pub fn choice(&self) -> Result<Choice> {
        let quirks = Quirks {
            loudness: self.loudness,
            ..Quirks::default()
        };
        Choice::new(self.feature_set, quirks).map_err(|e| anyhow::anyhow!("--loudness: {e}"))
    }

    /// A description for reports and model files.
    pub fn describe(&self) -> String {
        if self.features.is_empty() {
            format!("emo-pipe {} (loudness {})", self.feature_set, self.loudness)
        } else {
            let v: Vec<String> = self
                .features
                .iter()
                .map(|p| p.display().to_string())
                .collect();
            v.join(", ")
        }
    }

    /// Features of the corpus's utterances by name, and the files that have
    /// none (with the reason).
    pub fn load(&self, corpus: &Corpus) -> Result<(HashMap<String, Vec<f32>>, LeftOut)> {
        let mut left_out = Vec::new();
        if !self.features.is_empty() {
            let mut map = HashMap::new();
            for f in &self.features {
                map.extend(FeatureTable::read_csv(f)?.rows);
            }
            return Ok((map, left_out));
        }
        let choice = self.choice()?;
        let read = emo_audio::ReadOptions::default();
        let store = emo_store::Store::open_with_width(
            &self.store,
            &emo_store::choice_key(&choice, &read),
            choice.width(),
        )?;
        let files: Vec<PathBuf> = corpus.utterances.iter().map(|u| u.path.clone()).collect();
        let bar = progress::bar(files.len(), "files");
        let results = store.features(&files, &choice, &read, self.jobs, |_, _| bar.inc(1));
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
        Ok((map, left_out))
    }
}

/// Reads corpora; each gets a distinct name (its corpus name, numbered if repeated).
pub fn read_corpora(
    paths: &[PathBuf],
    format: Option<emo_corpus::Format>,
) -> Result<(Corpus, Vec<String>)> {
    let mut corpus = Corpus::default();
    let mut names: Vec<String> = Vec::new();
    for p in paths {
        let mut c = emo_corpus::read(p, format)?;
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
    Ok((corpus, names))
}

/// The classes asked for, or the paper's four where the corpus has them, or all its labels.
pub fn choose_classes(corpus: &Corpus, asked: Option<&[String]>) -> Result<Vec<String>> {
    let labels = corpus.labels();
    let classes: Vec<String> = match asked {
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
    Ok(classes)
}

/// Corpora, classes and features as labelled rows; the files left out.
pub fn labelled_data(
    paths: &[PathBuf],
    classes: Option<&[String]>,
    f: &FeatureArgs,
) -> Result<(Data, Corpus, Vec<String>, LeftOut)> {
    let (corpus, names) = read_corpora(paths, f.corpus_format)?;
    let classes = choose_classes(&corpus, classes)?;
    let corpus = corpus.with_classes(&classes);
    let (features, mut left_out) = f.load(&corpus)?;
    let (data, missing) = Data::from_features(&corpus.utterances, &features, &classes);
    let already: std::collections::HashSet<String> =
        left_out.iter().map(|(p, _)| p.clone()).collect();
    left_out.extend(missing.into_iter().filter(|(p, _)| !already.contains(p)));
    if data.y.is_empty() {
        bail!("no utterance of the corpora has features");
    }
    Ok((data, corpus, names, left_out))
}

/// Raw features of every readable utterance of a neutral-speech corpus (for θn).
pub fn neutral_rows(path: &Path, f: &FeatureArgs) -> Result<ndarray::Array2<f64>> {
    let (corpus, _) = read_corpora(&[path.to_owned()], f.corpus_format)?;
    let (features, left_out) = f.load(&corpus)?;
    let rows: Vec<&Vec<f32>> = corpus
        .utterances
        .iter()
        .filter_map(|u| features.get(&u.name))
        .collect();
    if rows.is_empty() {
        bail!(
            "{}: no readable utterance for the neutral DAE",
            path.display()
        );
    }
    if !left_out.is_empty() {
        eprintln!(
            "neutral speech: {} files left out (first: {}: {})",
            left_out.len(),
            left_out[0].0,
            left_out[0].1
        );
    }
    let d = rows[0].len();
    Ok(ndarray::Array2::from_shape_fn((rows.len(), d), |(i, j)| {
        f64::from(rows[i][j])
    }))
}

/// The SVM settings.
#[derive(clap::Args, Clone, Copy)]
pub struct SvmArgs {
    /// SVM penalty C.
    #[arg(long, default_value_t = 1.0)]
    pub c: f64,
    /// RBF γ: 'scale' (1 / (features × variance of the training data)) or a number.
    #[arg(long, default_value = "scale")]
    pub gamma: emo_svm::Gamma,
    /// Weight C per class: C·n/(k·n_c) for a class of n_c of n training rows in
    /// k classes (scikit-learn's class_weight='balanced'); without it every
    /// class gets C, as in the paper and scikit-learn's default.
    #[arg(long)]
    pub balanced: bool,
}

impl SvmArgs {
    pub fn params(&self) -> emo_svm::SvmParams {
        emo_svm::SvmParams {
            c: self.c,
            gamma: self.gamma,
            balanced: self.balanced,
            ..Default::default()
        }
    }
}

/// The DAE settings; defaults are the paper's (section 3.3).
#[derive(clap::Args, Clone)]
pub struct DaeArgs {
    /// Hidden units of every DAE projection.
    #[arg(long, default_value_t = 800)]
    pub hidden: usize,
    /// Input corruption: gaussian:SD, masking:P or none.
    #[arg(long, default_value = "gaussian:0.1", value_parser = parse_corruption)]
    pub corruption: Corruption,
    /// Squared error summed over the 1582 inputs (sum) or averaged (mean).
    #[arg(long, default_value = "sum", value_parser = parse_scale)]
    pub loss_scale: LossScale,
    /// Hold q (eq. 12) fixed within an epoch (default: gradients flow through q).
    #[arg(long)]
    pub q_per_epoch: bool,
    /// Minibatch size of every DAE stage.
    #[arg(long, default_value_t = 1000)]
    pub batch: usize,
    /// Epochs of the neutral DAE θn.
    #[arg(long, default_value_t = 30)]
    pub neutral_epochs: usize,
    /// Learning rate of θn.
    #[arg(long, default_value_t = 0.01)]
    pub neutral_lr: f32,
    /// Epochs of the gender-dependent DAEs.
    #[arg(long, default_value_t = 10)]
    pub gender_epochs: usize,
    /// Learning rate of the gender-dependent DAEs.
    #[arg(long, default_value_t = 0.01)]
    pub gender_lr: f32,
    /// β of Loss1 (eq. 9).
    #[arg(long, default_value_t = 0.01)]
    pub beta: f32,
    /// γ of Loss2 (eq. 10).
    #[arg(long, default_value_t = 0.1)]
    pub gamma_kl: f32,
    /// Pre-training epochs of the emotional projection.
    #[arg(long, default_value_t = 20)]
    pub pretrain_epochs: usize,
    /// Pre-training learning rate.
    #[arg(long, default_value_t = 0.01)]
    pub pretrain_lr: f32,
    /// Fine-tuning epochs (softmax on the emotional hidden layer).
    #[arg(long, default_value_t = 12)]
    pub finetune_epochs: usize,
    /// Fine-tuning learning rate.
    #[arg(long, default_value_t = 0.05)]
    pub finetune_lr: f32,
    /// Weight α of the emotional reconstruction (eq. 5).
    #[arg(long, default_value_t = 0.7)]
    pub alpha: f32,
    /// Neutral speech for θn (directory or manifest; default: the training
    /// speakers' neutral-labelled clips of each fold).
    #[arg(long)]
    pub neutral: Option<PathBuf>,
}

impl DaeArgs {
    pub fn config(&self) -> DaeConfig {
        let stage = |epochs, lr| Stage {
            epochs,
            lr,
            batch: self.batch,
        };
        DaeConfig {
            hidden: self.hidden,
            corruption: self.corruption,
            loss_scale: self.loss_scale,
            q_per_epoch: self.q_per_epoch,
            neutral: stage(self.neutral_epochs, self.neutral_lr),
            gender: stage(self.gender_epochs, self.gender_lr),
            beta: self.beta,
            gamma: self.gamma_kl,
            pretrain: stage(self.pretrain_epochs, self.pretrain_lr),
            finetune: stage(self.finetune_epochs, self.finetune_lr),
            alpha: self.alpha,
        }
    }
}

fn parse_corruption(s: &str) -> Result<Corruption, String> {
    let (kind, level) = s.split_once(':').unwrap_or((s, ""));
    let level = || {
        level
            .parse::<f32>()
            .ok()
            .filter(|v| v.is_finite() && *v >= 0.0)
            .ok_or_else(|| format!("corruption level '{level}' is not a non-negative number"))
    };
    match kind {
        "gaussian" => Ok(Corruption::Gaussian(level()?)),
        "masking" => Ok(Corruption::Masking(level()?)),
        "none" => Ok(Corruption::None),
        other => Err(format!(
            "unknown corruption '{other}' (gaussian:SD, masking:P or none)"
        )),
    }
}

fn parse_scale(s: &str) -> Result<LossScale, String> {
    match s {
        "sum" => Ok(LossScale::Sum),
        "mean" => Ok(LossScale::Mean),
        other => Err(format!("unknown loss scale '{other}' (sum or mean)")),
    }
}
