//! Extraction of many files in parallel; failures are collected, not fatal.

use crate::{extract_file, Extracted, FeatureError};
use emo_lld::Settings;
use rayon::prelude::*;
use std::path::PathBuf;

/// Extracts every file on a pool of `threads` workers (0: all cores), calling
/// `on_done` after each file (from worker threads). Results keep input order.
pub fn extract_batch<F>(
    files: &[PathBuf],
    settings: &Settings,
    read: &emo_audio::ReadOptions,
    threads: usize,
    on_done: F,
) -> Vec<Result<Extracted, FeatureError>>
where
    F: Fn(&PathBuf, &Result<Extracted, FeatureError>) + Sync,
{
    let run = || {
        files
            .par_iter()
            .map(|p| {
                let r = extract_file(p, settings, read);
                on_done(p, &r);
                r
            })
            .collect()
    };
    in_pool(threads, run)
}

/// Runs `work` on a pool of `threads` workers (0: all cores); if no pool can
/// be built, on the current (global) one.
pub fn in_pool<R: Send>(threads: usize, work: impl FnOnce() -> R + Send) -> R {
    match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(pool) => pool.install(work),
        Err(_) => work(),
    }
}

/// [`extract_batch`] for any feature set ([`crate::sets`]), where each
/// worker hands file `i`'s extraction to `keep(i, x)` as soon as it is done
/// and only what `keep` returns is held until the batch ends: a batch's
/// memory then grows with what the caller keeps (say, one row of
/// functionals), not with every file's frame-level contours.
pub fn extract_batch_choice<T, F, K>(
    files: &[PathBuf],
    choice: &crate::sets::Choice,
    read: &emo_audio::ReadOptions,
    threads: usize,
    on_done: F,
    keep: K,
) -> Vec<Result<T, FeatureError>>
where
    T: Send,
    F: Fn(&PathBuf) + Sync,
    K: Fn(usize, crate::sets::AnyExtracted) -> T + Sync,
{
    let run = || {
        files
            .par_iter()
            .enumerate()
            .map(|(i, p)| {
                let r = crate::sets::extract_file(p, choice, read).map(|x| keep(i, x));
                on_done(p);
                r
            })
            .collect()
    };
    in_pool(threads, run)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sets::{Choice, SetName};
    use std::path::Path;

    #[test]
    fn keep_sees_each_file_once_with_its_index_and_order_holds() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
        let files: Vec<PathBuf> = [
            "audio/08a04Wc.wav",
            "bad/empty.wav",
            "audio/10a07Ta.wav",
            "audio/13a01Ea.wav",
        ]
        .iter()
        .map(|f| root.join(f))
        .collect();
        let choice = Choice::new(
            SetName::Is10(emo_lld::FeatureSet::default()),
            emo_lld::Quirks::default(),
        )
        .unwrap();
        let read = emo_audio::ReadOptions::default();
        let seen = std::sync::Mutex::new(Vec::new());
        let got = extract_batch_choice(
            &files,
            &choice,
            &read,
            2,
            |_| {},
            |i, x| {
                seen.lock().unwrap().push(i);
                (i, x.into_features().len())
            },
        );
        assert_eq!(got.len(), 4);
        assert!(got[1].is_err(), "the empty file fails in its place");
        for i in [0, 2, 3] {
            assert_eq!(got[i].as_ref().ok(), Some(&(i, 1582)));
        }
        let mut seen = seen.into_inner().unwrap();
        seen.sort_unstable();
        assert_eq!(seen, [0, 2, 3]);
    }
}
