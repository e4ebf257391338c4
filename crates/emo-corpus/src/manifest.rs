//! A manifest CSV for any corpus: a header with `path,speaker,gender,label`
//! (any order, more columns allowed); relative paths are relative to the
//! manifest's folder.

use crate::{Corpus, CorpusError, Gender, Skipped, Utterance};
use std::path::Path;

/// Reads a manifest CSV.
pub fn read_manifest(path: &Path) -> Result<Corpus, CorpusError> {
    let text = std::fs::read_to_string(path).map_err(|source| CorpusError::Io {
        path: path.to_owned(),
        source,
    })?;
    let parse = |line: usize, reason: String| CorpusError::Parse {
        path: path.to_owned(),
        line,
        reason,
    };
    let base = path.parent().unwrap_or(Path::new("."));
    let mut lines = text.lines().enumerate();
    let (_, header) = lines
        .next()
        .ok_or_else(|| parse(1, "empty manifest".into()))?;
    let cols: Vec<String> = header
        .split(',')
        .map(|s| s.trim().to_ascii_lowercase())
        .collect();
    let col = |name: &str| {
        cols.iter().position(|c| c == name).ok_or_else(|| {
            parse(
                1,
                format!("no '{name}' column (need path,speaker,gender,label)"),
            )
        })
    };
    let (pi, si, gi, li) = (col("path")?, col("speaker")?, col("gender")?, col("label")?);
    let mut c = Corpus::default();
    for (i, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split(',').map(str::trim).collect();
        if f.len() != cols.len() {
            return Err(parse(
                i + 1,
                format!("{} fields, the header has {}", f.len(), cols.len()),
            ));
        }
        let gender: Gender = f[gi].parse().map_err(|e: String| parse(i + 1, e))?;
        let p = base.join(f[pi]);
        if !p.exists() {
            c.skipped.push(Skipped {
                what: p.display().to_string(),
                reason: "file not found".into(),
            });
            continue;
        }
        let label = f[li].to_ascii_lowercase();
        if label.is_empty() {
            return Err(parse(i + 1, "empty label".into()));
        }
        c.utterances.push(Utterance {
            name: p
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default(),
            path: p,
            speaker: f[si].to_string(),
            gender,
            raw_label: f[li].to_string(),
            label,
            corpus: "manifest".into(),
        });
    }
    Ok(c)
}

/// A speaker list for classification: a CSV with `path,speaker` columns (more
/// allowed). Returns (canonical path, speaker) pairs; relative paths are
/// relative to the list's folder.
pub fn read_speaker_list(path: &Path) -> Result<Vec<(std::path::PathBuf, String)>, CorpusError> {
    let text = std::fs::read_to_string(path).map_err(|source| CorpusError::Io {
        path: path.to_owned(),
        source,
    })?;
    let parse = |line: usize, reason: String| CorpusError::Parse {
        path: path.to_owned(),
        line,
        reason,
    };
    let base = path.parent().unwrap_or(Path::new("."));
    let mut lines = text.lines().enumerate();
    let (_, header) = lines.next().ok_or_else(|| parse(1, "empty file".into()))?;
    let cols: Vec<String> = header
        .split(',')
        .map(|s| s.trim().to_ascii_lowercase())
        .collect();
    let col = |name: &str| {
        cols.iter()
            .position(|c| c == name)
            .ok_or_else(|| parse(1, format!("no '{name}' column (need path,speaker)")))
    };
    let (pi, si) = (col("path")?, col("speaker")?);
    let mut out = Vec::new();
    for (i, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split(',').map(str::trim).collect();
        if f.len() != cols.len() {
            return Err(parse(
                i + 1,
                format!("{} fields, the header has {}", f.len(), cols.len()),
            ));
        }
        let p = base.join(f[pi]);
        out.push((std::fs::canonicalize(&p).unwrap_or(p), f[si].to_string()));
    }
    Ok(out)
}
