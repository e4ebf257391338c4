//! A feature store: one append-only file per extraction setting in a store
//! directory, one line per finished audio file, keyed by the file's path, size
//! and modification time. A killed run loses at most the line being written
//! (a line without its final newline is discarded on the next open), and the
//! next run computes only what is missing. A changed setting has another file.

use emo_features::sets::Choice;
use emo_features::FeatureError;
use emo_lld::Settings;
use rayon::prelude::*;
use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Errors of the store itself (not of the audio files).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("shard '{0}' is not K/N with 1 <= K <= N")]
    Shard(String),
}

/// One slice of a corpus for a cluster job array: files whose index i (in the
/// sorted list) has `i % count == index − 1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl std::str::FromStr for Shard {
    type Err = StoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || StoreError::Shard(s.to_string());
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count): (usize, usize) = (
            k.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if index == 0 || count == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl Shard {
    /// The files of this shard, in order.
    pub fn select<T: Clone>(&self, items: &[T]) -> Vec<T> {
        items
            .iter()
            .enumerate()
            .filter(|(i, _)| i % self.count == self.index - 1)
            .map(|(_, x)| x.clone())
            .collect()
    }
}

/// The fingerprint of everything that changes a feature set's numbers. IS10's
/// is the key it had before other sets existed, so its stores stay valid.
pub fn choice_key(choice: &Choice, read: &emo_audio::ReadOptions) -> String {
    match choice.is10_part() {
        Some(settings) => is10_key(&choice.set.to_string(), &settings, read),
        None => with_read_span(
            format!(
                "r{}-{}-input-{}",
                emo_features::FEATURE_REVISION,
                choice.set,
                read.mode
            ),
            read,
        ),
    }
}

/// The fingerprint of a set that runs the IS10 chain, named `set`.
fn is10_key(set: &str, settings: &Settings, read: &emo_audio::ReadOptions) -> String {
    let q = &settings.quirks;
    let flag = |on: bool| if on { "opensmile3" } else { "fixed" };
    let key = format!(
        "r{}-{set}-loudness-{}-pitchdelta-{}-jitter-{}-input-{}",
        emo_features::FEATURE_REVISION,
        q.loudness,
        flag(q.growing_pitch_delta_norm),
        flag(q.broken_jitter_threshold),
        read.mode
    );
    with_read_span(key, read)
}

fn with_read_span(mut key: String, read: &emo_audio::ReadOptions) -> String {
    // what is read of each file (keys of whole, all-channel reads are unchanged)
    if let emo_audio::Channels::Mask(m) = read.channels {
        key.push_str(&format!("-channels-{m:x}"));
    }
    if !read.span.is_whole() {
        key.push_str(&format!("-span-{}-{:?}", read.span.start, read.span.end));
    }
    key
}

fn file_key(path: &Path) -> Option<String> {
    let m = std::fs::metadata(path).ok()?;
    let mtime = m
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_nanos();
    let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
    Some(format!("{}|{}|{}", abs.display(), m.len(), mtime))
}

/// An open store file for one setting.
pub struct Store {
    path: PathBuf,
    file: Mutex<File>,
    done: HashMap<String, Vec<f32>>,
}

impl Store {
    /// Opens (or creates) the IS10 store for a setting in `dir`, dropping a torn last line.
    pub fn open(dir: &Path, key: &str) -> Result<Self, StoreError> {
        Self::open_with_width(dir, key, emo_features::N_FEATURES)
    }

    /// [`Store::open`] for lines of `width` features (see [`width`]); lines
    /// of another width are ignored.
    pub fn open_with_width(dir: &Path, key: &str, width: usize) -> Result<Self, StoreError> {
        let io = |path: &Path| {
            let path = path.to_owned();
            move |source| StoreError::Io { path, source }
        };
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        let path = dir.join(format!("{key}.tsv"));
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(&path)
            .map_err(io(&path))?;
        let mut text = String::new();
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).map_err(io(&path))?;
        // Keep only complete lines; a torn tail is cut off before appending.
        let complete = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
        if complete < bytes.len() {
            file.set_len(complete as u64).map_err(io(&path))?;
            file.seek(SeekFrom::End(0)).map_err(io(&path))?;
        }
        text.push_str(&String::from_utf8_lossy(&bytes[..complete]));
        let mut done = HashMap::new();
        for line in text.lines() {
            let mut parts = line.splitn(2, '\t');
            let (Some(k), Some(vals)) = (parts.next(), parts.next()) else {
                continue;
            };
            let v: Result<Vec<f32>, _> = vals.split(',').map(str::parse::<f32>).collect();
            if let Ok(v) = v {
                if v.len() == width {
                    done.insert(k.to_string(), v);
                }
            }
        }
        Ok(Store {
            path,
            file: Mutex::new(file),
            done,
        })
    }

    /// Path of the store file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Number of files already in the store.
    pub fn len(&self) -> usize {
        self.done.len()
    }

    /// True if nothing is stored yet.
    pub fn is_empty(&self) -> bool {
        self.done.is_empty()
    }

    fn append(&self, key: &str, values: &[f32]) -> Result<(), StoreError> {
        let mut line = String::with_capacity(values.len() * 12 + key.len() + 2);
        line.push_str(key);
        line.push('\t');
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                line.push(',');
            }
            line.push_str(&v.to_string());
        }
        line.push('\n');
        let mut f = self.file.lock().unwrap_or_else(|e| e.into_inner());
        // One write call per line: a crash leaves at most a torn last line.
        f.write_all(line.as_bytes())
            .and_then(|_| f.flush())
            .map_err(|source| StoreError::Io {
                path: self.path.clone(),
                source,
            })
    }

    /// Features of every file: from the store where present, otherwise
    /// extracted (in parallel on `threads` workers, 0 = all cores) and appended.
    /// `on_done` is called once per file, with whether it was computed now.
    pub fn features<F>(
        &self,
        files: &[PathBuf],
        choice: &Choice,
        read: &emo_audio::ReadOptions,
        threads: usize,
        on_done: F,
    ) -> Vec<Result<Vec<f32>, FeatureError>>
    where
        F: Fn(&Path, bool) + Sync,
    {
        let run = || {
            files
                .par_iter()
                .map(|p| {
                    let key = file_key(p);
                    if let Some(v) = key.as_ref().and_then(|k| self.done.get(k)) {
                        on_done(p, false);
                        return Ok(v.clone());
                    }
                    let r = emo_features::sets::extract_file(p, choice, read)
                        .map(|x| x.into_features());
                    if let (Ok(v), Some(k)) = (&r, &key) {
                        // A store that cannot be written is not worth failing a
                        // file for: the features are still returned.
                        let _ = self.append(k, v);
                    }
                    on_done(p, true);
                    r
                })
                .collect()
        };
        emo_features::batch::in_pool(threads, run)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use emo_features::sets::SetName;

    #[test]
    fn shards_partition_the_list() {
        let items: Vec<usize> = (0..10).collect();
        let s1: Shard = "1/3".parse().unwrap();
        let s3: Shard = "3/3".parse().unwrap();
        assert_eq!(s1.select(&items), vec![0, 3, 6, 9]);
        assert_eq!(s3.select(&items), vec![2, 5, 8]);
        assert!("0/3".parse::<Shard>().is_err());
        assert!("4/3".parse::<Shard>().is_err());
        assert!("x".parse::<Shard>().is_err());
    }

    #[test]
    fn every_set_has_its_own_key_and_is10_keeps_its_old_one() {
        let read = emo_audio::ReadOptions::default();
        let is10 = Settings::default();
        let c = Choice {
            set: SetName::Is10(is10.feature_set),
            quirks: is10.quirks,
        };
        // the key IS10 stores have always had
        assert_eq!(
            choice_key(&c, &read),
            format!(
                "r{}-is10-loudness-documented-pitchdelta-opensmile3-jitter-opensmile3-input-smilextract",
                emo_features::FEATURE_REVISION
            )
        );
        let e = Choice {
            set: SetName::Egemaps,
            ..c
        };
        assert!(choice_key(&e, &read).contains("egemaps"));
        assert_ne!(choice_key(&e, &read), choice_key(&c, &read));
        assert_eq!(SetName::Egemaps.width(), 88);
        let both = Choice {
            set: SetName::Is10Egemaps,
            ..c
        };
        let k = choice_key(&both, &read);
        assert!(k.contains("is10+egemaps-loudness-"), "{k}");
        assert_ne!(k, choice_key(&c, &read));
        assert_eq!(SetName::Is10Egemaps.width(), 1670);
    }

    #[test]
    fn lines_of_another_width_are_ignored() {
        let dir = std::env::temp_dir().join(format!("emo-store-w-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let s = Store::open_with_width(&dir, "k", 88).unwrap();
        s.append("a", &[0.5f32; 88]).unwrap();
        s.append("b", &[0.5f32; 87]).unwrap();
        drop(s);
        let s = Store::open_with_width(&dir, "k", 88).unwrap();
        assert_eq!(s.len(), 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn torn_last_line_is_dropped() {
        let dir = std::env::temp_dir().join(format!("emo-store-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let s = Store::open(&dir, "k").unwrap();
        let v = vec![1.5f32; emo_features::N_FEATURES];
        s.append("a", &v).unwrap();
        drop(s);
        // simulate a crash in the middle of the next line
        let mut f = OpenOptions::new()
            .append(true)
            .open(dir.join("k.tsv"))
            .unwrap();
        f.write_all(b"b\t1,2,3").unwrap();
        drop(f);
        let s = Store::open(&dir, "k").unwrap();
        assert_eq!(s.len(), 1);
        assert_eq!(s.done["a"], v);
        s.append("c", &v).unwrap();
        drop(s);
        let s = Store::open(&dir, "k").unwrap();
        assert_eq!(s.len(), 2);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
