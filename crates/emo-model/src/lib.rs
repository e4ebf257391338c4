//! A model file holds everything needed from features (IS10, eGeMAPS or
//! both; the file records which) to an emotion
//! label: the normalisation, the DAE's emotional encoder (DAE systems), the
//! one-vs-one RBF SVM with its Platt sigmoids, the class names, and how it
//! was made. Weights are safetensors tensors; the metadata is JSON in the
//! safetensors header (`__metadata__["emo-pipe"]`), so the file opens in
//! Python with the `safetensors` package.
//!
//! A model may carry a second pipeline for clips without speaker information
//! (a speaker-normalised model cannot standardise a lone clip).

mod format;
mod svm;

pub use format::FORMAT_VERSION;
/// The array crate of the public API.
pub use ndarray;
pub use svm::CompactSvm;

use emo_dae::{DaeConfig, EmotionEncoder, SystemKind};
use emo_eval::systems::{scaled_f32, DaeSvm};
use emo_eval::{Data, Norm};
use emo_norm::MinMax;
use emo_svm::{SvmModel, SvmParams};
use ndarray::{Array2, ArrayView2};
use std::path::{Path, PathBuf};

/// Why a model could not be made, read or used.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: not a valid emo-pipe model file: {reason}")]
    Format { path: String, reason: String },
    #[error("{path}: made by a newer emo-pipe (model format {found}; this version reads up to {supported}); update emo-pipe")]
    Newer {
        path: String,
        found: u32,
        supported: u32,
    },
    #[error(transparent)]
    Write(#[from] emo_features::table::TableError),
    #[error("training failed: {0}")]
    Train(String),
    #[error("{0}")]
    Input(String),
}

/// How the model was made; stored as JSON in the file.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Meta {
    /// Always "emo-pipe-model".
    pub format: String,
    pub format_version: u32,
    /// emo-pipe version that wrote the file.
    pub writer: String,
    /// Feature set (`is10`, `is10-compat`, `egemaps` or `is10+egemaps`).
    pub feature_set: String,
    /// Loudness mode of the IS10 extractor (`documented` or `opensmile3`).
    pub loudness: String,
    /// Number of input features (1582 for IS10, 88 for eGeMAPS).
    pub n_features: usize,
    pub classes: Vec<String>,
    /// `static`, `dae`, `loss1`, `loss2`, `combination`, `nokl` or `random`.
    pub system: String,
    pub normalisation: Norm,
    /// Normalisation of the pipeline for clips without speaker information.
    pub fallback_normalisation: Option<Norm>,
    /// The fallback pipeline's SVM settings (default: those of `svm`).
    #[serde(default)]
    pub fallback_svm: Option<SvmParams>,
    pub dae: Option<DaeConfig>,
    pub svm: SvmParams,
    pub probabilities: String,
    pub seed: u64,
    /// Corpora the model was trained on.
    pub corpora: Vec<String>,
    pub utterances: usize,
    pub speakers: usize,
    /// The command that made the model.
    pub command: String,
    /// Free text: e.g. its measured accuracy and the licences of the training data.
    pub notes: Vec<String>,
    /// Encoder weights and support vectors stored in half precision (the
    /// model was trained and predicts with exactly those rounded values).
    #[serde(default)]
    pub half: bool,
}

/// `v` rounded to the nearest half-precision value.
pub fn to_half(v: f32) -> f32 {
    half::f16::from_f32(v).to_f32()
}

/// One way from raw features to classes.
#[derive(Debug, Clone, PartialEq)]
pub struct Pipeline {
    pub norm: Norm,
    pub minmax: MinMax,
    pub encoder: Option<EmotionEncoder>,
    pub svm: CompactSvm,
}

/// A class and the probabilities of all classes.
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    pub class: usize,
    pub probabilities: Vec<f64>,
}

impl Pipeline {
    /// Trains on labelled rows (already speaker- or corpus-standardised if
    /// `norm` says so), with `spec`'s system, DAE settings, seed and storage
    /// precision and the given SVM settings.
    pub fn fit(data: &Data, norm: Norm, svm: &SvmParams, spec: &Spec) -> Result<Self, ModelError> {
        let (system, dae, seed, half) = (spec.system.as_str(), &spec.dae, spec.seed, spec.half);
        let neutral = spec.neutral.as_ref();
        let train = |e: emo_eval::EvalError| ModelError::Train(e.to_string());
        let round = |v: f32| if half { to_half(v) } else { v };
        let (minmax, encoder, x) = if system == "static" {
            let minmax = MinMax::fit(data.x.view());
            let x = scaled_f32(&minmax, data.x.view()).mapv(|v| f64::from(round(v)));
            (minmax, None, x)
        } else {
            let kind: SystemKind = system.parse().map_err(ModelError::Train)?;
            let mut s = DaeSvm::new(kind, *dae, *svm);
            s.neutral = neutral.cloned();
            let (minmax, mut enc, mut x) = s.fit_front_end(data, seed).map_err(train)?;
            if half {
                // the SVM is trained on what the stored encoder computes
                enc.w.mapv_inplace(to_half);
                enc.b.mapv_inplace(to_half);
                let scaled = scaled_f32(&minmax, data.x.view());
                x = enc.features(scaled.view()).mapv(|v| f64::from(to_half(v)));
            }
            (minmax, Some(enc), x)
        };
        let mut model = SvmModel::fit(x.view(), &data.y, data.classes.len(), svm)
            .map_err(|e| ModelError::Train(e.to_string()))?;
        model
            .calibrate(x.view(), &data.y, svm, seed)
            .map_err(|e| ModelError::Train(e.to_string()))?;
        Ok(Pipeline {
            norm,
            minmax,
            encoder,
            svm: CompactSvm::from_model(&model),
        })
    }

    /// SVM inputs of rows that went through the group standardisation.
    fn inputs(&self, x: ArrayView2<f64>) -> Array2<f64> {
        let scaled = scaled_f32(&self.minmax, x);
        match &self.encoder {
            Some(enc) => enc.features(scaled.view()).mapv(f64::from),
            None => scaled.mapv(f64::from),
        }
    }

    /// Predictions of rows that went through the group standardisation.
    pub fn predict(&self, x: ArrayView2<f64>) -> Vec<Prediction> {
        let inputs = self.inputs(x);
        inputs
            .rows()
            .into_iter()
            .map(|r| self.svm.predict(r))
            .collect()
    }
}

/// A trained model.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub meta: Meta,
    pub main: Pipeline,
    pub fallback: Option<Pipeline>,
}

/// Which pipeline classified the clips.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// The main pipeline.
    Main,
    /// The pipeline for clips without speaker information.
    Fallback,
    /// The main pipeline, each clip standardised as its own speaker
    /// (a speaker-normalised model without a fallback).
    LoneSpeaker,
}

/// What to train.
#[derive(Debug, Clone)]
pub struct Spec {
    pub system: String,
    pub norm: Norm,
    /// A second pipeline for lone clips (only with `speaker` normalisation).
    pub fallback: Option<Norm>,
    /// The fallback pipeline's SVM (default: `svm`).
    pub fallback_svm: Option<SvmParams>,
    pub dae: DaeConfig,
    pub svm: SvmParams,
    pub seed: u64,
    /// Raw features of neutral speech for θn (default: the neutral-labelled rows).
    pub neutral: Option<Array2<f64>>,
    /// Store (and use) encoder weights and support vectors in half precision.
    pub half: bool,
}

impl Model {
    /// Trains the model on all rows of `data` (raw features).
    pub fn train(data: &Data, spec: &Spec, meta_base: Meta) -> Result<Self, ModelError> {
        let main = Pipeline::fit(&data.normalised(spec.norm), spec.norm, &spec.svm, spec)?;
        let fallback = match spec.fallback {
            Some(n) if spec.norm == Norm::Speaker && n != Norm::Speaker => Some(Pipeline::fit(
                &data.normalised(n),
                n,
                spec.fallback_svm.as_ref().unwrap_or(&spec.svm),
                spec,
            )?),
            _ => None,
        };
        let mut speakers = data.speakers.clone();
        speakers.sort();
        speakers.dedup();
        let mut corpora = data.corpora.clone();
        corpora.sort();
        corpora.dedup();
        let meta = Meta {
            format: "emo-pipe-model".into(),
            format_version: FORMAT_VERSION,
            n_features: data.x.ncols(),
            classes: data.classes.clone(),
            system: spec.system.clone(),
            normalisation: spec.norm,
            fallback_normalisation: fallback.as_ref().map(|p| p.norm),
            fallback_svm: fallback.as_ref().and(spec.fallback_svm),
            dae: (spec.system != "static").then_some(spec.dae),
            svm: spec.svm,
            probabilities: "Platt sigmoid per pairwise machine (5-fold internal cross-validation) and pairwise coupling, as libsvm -b 1; the label is the most probable class".into(),
            seed: spec.seed,
            corpora,
            utterances: data.y.len(),
            speakers: speakers.len(),
            half: spec.half,
            ..meta_base
        };
        Ok(Model {
            meta,
            main,
            fallback,
        })
    }

    /// Classifies raw feature rows. `speakers` (one per row) is needed by a
    /// speaker-normalised model; without it the fallback pipeline is used.
    pub fn classify(
        &self,
        x: ArrayView2<f64>,
        speakers: Option<&[String]>,
    ) -> Result<(Vec<Prediction>, Route), ModelError> {
        if x.ncols() != self.meta.n_features {
            return Err(ModelError::Input(format!(
                "the model takes {} features, the rows have {}",
                self.meta.n_features,
                x.ncols()
            )));
        }
        let mut x = x.to_owned();
        let one_group = vec![0u8; x.nrows()];
        let route = match (self.main.norm, speakers) {
            (Norm::MinMax, _) => Route::Main,
            (Norm::Speaker, Some(s)) => {
                emo_norm::standardise_groups(&mut x, s);
                Route::Main
            }
            (Norm::Corpus, _) => {
                // the clips given together are taken as one corpus
                emo_norm::standardise_groups(&mut x, &one_group);
                Route::Main
            }
            (Norm::Speaker, None) => match &self.fallback {
                Some(f) => {
                    if f.norm == Norm::Corpus {
                        emo_norm::standardise_groups(&mut x, &one_group);
                    }
                    return Ok((f.predict(x.view()), Route::Fallback));
                }
                None => {
                    let own: Vec<usize> = (0..x.nrows()).collect();
                    emo_norm::standardise_groups(&mut x, &own);
                    Route::LoneSpeaker
                }
            },
        };
        Ok((self.main.predict(x.view()), route))
    }

    /// Writes the model atomically (temporary file, then rename): an existing
    /// model at `path` is never half-overwritten.
    pub fn save(&self, path: &Path) -> Result<(), ModelError> {
        let bytes = format::to_bytes(self)?;
        Ok(emo_features::table::write_atomic(path, &bytes)?)
    }

    /// Reads a model file.
    pub fn load(path: &Path) -> Result<Self, ModelError> {
        let bytes = std::fs::read(path).map_err(|source| ModelError::Io {
            path: path.to_owned(),
            source,
        })?;
        format::from_bytes(&bytes, &path.display().to_string())
    }

    /// Reads a model from bytes (e.g. the embedded default model); `name`
    /// names it in errors.
    pub fn from_bytes(bytes: &[u8], name: &str) -> Result<Self, ModelError> {
        format::from_bytes(bytes, name)
    }

    /// The file's bytes.
    pub fn to_bytes(&self) -> Result<Vec<u8>, ModelError> {
        format::to_bytes(self)
    }

    /// The model built into emo-pipe (made by `scripts/default_model.sh`;
    /// README, "The built-in model", says how it was trained and chosen).
    pub fn builtin() -> Result<Self, ModelError> {
        Self::from_bytes(BUILTIN_MODEL, BUILTIN_NAME)
    }

    /// The feature set and extraction settings the model was trained with.
    pub fn choice(&self) -> Result<emo_features::sets::Choice, ModelError> {
        let bad = |reason: String| ModelError::Format {
            path: "model metadata".into(),
            reason,
        };
        let choice = emo_features::sets::Choice {
            set: self.meta.feature_set.parse().map_err(bad)?,
            quirks: emo_lld::Quirks {
                loudness: self.meta.loudness.parse().map_err(bad)?,
                ..emo_lld::Quirks::default()
            },
        };
        if choice.width() != self.meta.n_features {
            return Err(bad(format!(
                "{} has {} features, the model takes {}",
                choice.set,
                choice.width(),
                self.meta.n_features
            )));
        }
        Ok(choice)
    }

    /// Classifies clips given as raw feature rows, each with its speaker if
    /// known. A speaker-normalised model standardises the clips of each known
    /// speaker together and sends the others through its fallback pipeline;
    /// any other model takes all clips together. Each clip's prediction comes
    /// with the pipeline that made it, in input order.
    pub fn classify_clips(
        &self,
        rows: &[&[f32]],
        speakers: &[Option<String>],
    ) -> Result<Vec<(Prediction, Route)>, ModelError> {
        if rows.len() != speakers.len() {
            return Err(ModelError::Input(format!(
                "{} feature rows but {} speaker entries",
                rows.len(),
                speakers.len()
            )));
        }
        let groups: Vec<(Vec<usize>, bool)> = if self.meta.normalisation == Norm::Speaker {
            let (with, without) = (0..rows.len()).partition(|&i| speakers[i].is_some());
            vec![(with, true), (without, false)]
        } else {
            vec![((0..rows.len()).collect(), false)]
        };
        let mut out: Vec<Option<(Prediction, Route)>> = vec![None; rows.len()];
        for (idx, use_speakers) in groups {
            if idx.is_empty() {
                continue;
            }
            let d = self.meta.n_features;
            if let Some(&bad) = idx.iter().find(|&&i| rows[i].len() != d) {
                return Err(ModelError::Input(format!(
                    "the model takes {d} features, row {bad} has {}",
                    rows[bad].len()
                )));
            }
            let x = Array2::from_shape_fn((idx.len(), d), |(r, j)| f64::from(rows[idx[r]][j]));
            let names: Vec<String> = idx
                .iter()
                .map(|&i| speakers[i].clone().unwrap_or_default())
                .collect();
            let (preds, route) = self.classify(x.view(), use_speakers.then_some(&names[..]))?;
            for (&i, p) in idx.iter().zip(preds) {
                out[i] = Some((p, route));
            }
        }
        Ok(out.into_iter().flatten().collect())
    }
}

/// The built-in model's file.
static BUILTIN_MODEL: &[u8] = include_bytes!("../models/default.safetensors");
/// How the built-in model is named in errors.
const BUILTIN_NAME: &str = "(built-in model)";
