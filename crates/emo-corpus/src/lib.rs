//! Corpora as one list of [`Utterance`]s: EmoDB, IEMOCAP and RAVDESS from their
//! release layouts, and any other corpus from a manifest CSV.
//!
//! Readers never stop at a bad entry: what cannot be used (a missing wav, an
//! unknown label, an utterance without a majority label) is listed in
//! [`Corpus::skipped`] with the reason.

mod emodb;
mod iemocap;
mod manifest;
mod ravdess;

pub use emodb::read_emodb;
pub use iemocap::read_iemocap;
pub use manifest::{read_manifest, read_speaker_list};
pub use ravdess::read_ravdess;

use std::path::{Path, PathBuf};

/// Speaker gender.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Gender {
    Female,
    Male,
}

impl std::str::FromStr for Gender {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "f" | "female" | "w" => Ok(Gender::Female),
            "m" | "male" => Ok(Gender::Male),
            other => Err(format!(
                "unknown gender '{other}' (expected female/f or male/m)"
            )),
        }
    }
}

impl std::fmt::Display for Gender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Gender::Female => "female",
            Gender::Male => "male",
        })
    }
}

/// The paper's four classes, in the order reports use.
pub const PAPER_CLASSES: [&str; 4] = ["anger", "happiness", "sadness", "neutral"];

/// One labelled recording.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Utterance {
    pub path: PathBuf,
    /// Unique row name (the file stem for the corpora here).
    pub name: String,
    /// Speaker id, unique across corpora (e.g. `emodb-03`, `Ses01F`).
    pub speaker: String,
    pub gender: Gender,
    /// Canonical emotion name (`anger`, `happiness`, `sadness`, `neutral`, ...).
    pub label: String,
    /// The corpus's own label (e.g. IEMOCAP `exc`, merged into `happiness`).
    pub raw_label: String,
    pub corpus: String,
}

/// An entry a reader could not use, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    pub what: String,
    pub reason: String,
}

/// A corpus as read.
#[derive(Debug, Clone, Default)]
pub struct Corpus {
    pub utterances: Vec<Utterance>,
    pub skipped: Vec<Skipped>,
}

impl Corpus {
    /// Keeps the utterances whose label is in `classes`.
    pub fn with_classes(mut self, classes: &[String]) -> Self {
        self.utterances
            .retain(|u| classes.iter().any(|c| c == &u.label));
        self
    }

    /// Labels present, sorted.
    pub fn labels(&self) -> Vec<String> {
        let mut l: Vec<String> = self.utterances.iter().map(|u| u.label.clone()).collect();
        l.sort();
        l.dedup();
        l
    }

    /// Speakers present, sorted.
    pub fn speakers(&self) -> Vec<String> {
        let mut s: Vec<String> = self.utterances.iter().map(|u| u.speaker.clone()).collect();
        s.sort();
        s.dedup();
        s
    }

    /// Appends another corpus.
    pub fn extend(&mut self, other: Corpus) {
        self.utterances.extend(other.utterances);
        self.skipped.extend(other.skipped);
    }
}

/// Why a corpus could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}: {reason}")]
    Parse {
        path: PathBuf,
        line: usize,
        reason: String,
    },
    #[error("{path}: {reason}")]
    Layout { path: PathBuf, reason: String },
}

/// Corpus layouts emo-pipe reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    EmoDb,
    Iemocap,
    Ravdess,
    Manifest,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "emodb" => Ok(Format::EmoDb),
            "iemocap" => Ok(Format::Iemocap),
            "ravdess" => Ok(Format::Ravdess),
            "manifest" => Ok(Format::Manifest),
            other => Err(format!(
                "unknown corpus format '{other}' (expected emodb, iemocap, ravdess or manifest)"
            )),
        }
    }
}

/// Recognises a corpus layout: a `.csv` file is a manifest; a directory with
/// `Session1`..`Session5` is IEMOCAP; one with `Actor_NN` folders is RAVDESS;
/// one whose wavs (directly or in `wav/`) are named like `03a01Fa.wav` is EmoDB.
pub fn detect(path: &Path) -> Result<Format, CorpusError> {
    let layout = |reason: &str| CorpusError::Layout {
        path: path.to_owned(),
        reason: reason.to_string(),
    };
    if path.is_file() {
        return if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
        {
            Ok(Format::Manifest)
        } else {
            Err(layout("a file that is not a .csv manifest"))
        };
    }
    let names = list_dir(path)?;
    if iemocap::is_session(path)
        || names
            .iter()
            .any(|n| n.starts_with("Session") && path.join(n).join("sentences").is_dir())
    {
        return Ok(Format::Iemocap);
    }
    if names.iter().any(|n| n.starts_with("Actor_")) {
        return Ok(Format::Ravdess);
    }
    let wavdir = if names.iter().any(|n| n == "wav") {
        path.join("wav")
    } else {
        path.to_owned()
    };
    if list_dir(&wavdir)?
        .iter()
        .any(|n| emodb::parse_name(n).is_some())
    {
        return Ok(Format::EmoDb);
    }
    Err(layout(
        "not a recognised corpus (IEMOCAP Session folders, RAVDESS Actor_NN folders, EmoDB wavs) \
         and not a manifest CSV; give --corpus-format or a manifest",
    ))
}

/// Reads a corpus in the given (or detected) layout.
pub fn read(path: &Path, format: Option<Format>) -> Result<Corpus, CorpusError> {
    match format.map_or_else(|| detect(path), Ok)? {
        Format::EmoDb => read_emodb(path),
        Format::Iemocap => read_iemocap(path),
        Format::Ravdess => read_ravdess(path),
        Format::Manifest => read_manifest(path),
    }
}

pub(crate) fn list_dir(path: &Path) -> Result<Vec<String>, CorpusError> {
    let rd = std::fs::read_dir(path).map_err(|source| CorpusError::Io {
        path: path.to_owned(),
        source,
    })?;
    let mut v: Vec<String> = rd
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    Ok(v)
}
