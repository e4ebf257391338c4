//! A manifest CSV for any corpus: a header with `path,speaker,gender,label`
//! (any order, more columns allowed); relative paths are relative to the
//! manifest's folder.

use crate::{Corpus, CorpusError, Gender, Skipped, Utterance};
use std::path::{Path, PathBuf};

/// A simple comma-separated table: the column of each required name and the
/// data lines (1-based line number, trimmed fields), every line checked to have
/// as many fields as the header; blank lines are skipped.
struct Table {
    columns: Vec<usize>,
    rows: Vec<(usize, Vec<String>)>,
}

fn read_table(path: &Path, required: &[&str]) -> Result<Table, CorpusError> {
    let text = std::fs::read_to_string(path).map_err(|source| CorpusError::Io {
        path: path.to_owned(),
        source,
    })?;
    let parse = |line: usize, reason: String| CorpusError::Parse {
        path: path.to_owned(),
        line,
        reason,
    };
    let mut lines = text.lines().enumerate();
    let (_, header) = lines.next().ok_or_else(|| parse(1, "empty file".into()))?;
    let cols: Vec<String> = header
        .split(',')
        .map(|s| s.trim().to_ascii_lowercase())
        .collect();
    let columns = required
        .iter()
        .map(|name| {
            cols.iter().position(|c| c == name).ok_or_else(|| {
                parse(
                    1,
                    format!("no '{name}' column (need {})", required.join(",")),
                )
            })
        })
        .collect::<Result<Vec<usize>, _>>()?;
    let mut rows = Vec::new();
    for (i, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        let f: Vec<String> = line.split(',').map(|s| s.trim().to_string()).collect();
        if f.len() != cols.len() {
            return Err(parse(
                i + 1,
                format!("{} fields, the header has {}", f.len(), cols.len()),
            ));
        }
        rows.push((i + 1, f));
    }
    Ok(Table { columns, rows })
}

/// Reads a manifest CSV.
pub fn read_manifest(path: &Path) -> Result<Corpus, CorpusError> {
    let t = read_table(path, &["path", "speaker", "gender", "label"])?;
    let (pi, si, gi, li) = (t.columns[0], t.columns[1], t.columns[2], t.columns[3]);
    let parse = |line: usize, reason: String| CorpusError::Parse {
        path: path.to_owned(),
        line,
        reason,
    };
    let base = path.parent().unwrap_or(Path::new("."));
    let mut c = Corpus::default();
    for (line, f) in t.rows {
        let gender: Gender = f[gi].parse().map_err(|e: String| parse(line, e))?;
        let p = base.join(&f[pi]);
        if !p.exists() {
            c.skipped.push(Skipped {
                what: p.display().to_string(),
                reason: "file not found".into(),
            });
            continue;
        }
        let label = f[li].to_ascii_lowercase();
        if label.is_empty() {
            return Err(parse(line, "empty label".into()));
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
pub fn read_speaker_list(path: &Path) -> Result<Vec<(PathBuf, String)>, CorpusError> {
    let t = read_table(path, &["path", "speaker"])?;
    let base = path.parent().unwrap_or(Path::new("."));
    Ok(t.rows
        .into_iter()
        .map(|(_, f)| {
            let p = base.join(&f[t.columns[0]]);
            (
                std::fs::canonicalize(&p).unwrap_or(p),
                f[t.columns[1]].clone(),
            )
        })
        .collect())
}
