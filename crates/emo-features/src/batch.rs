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

/// [`extract_batch`] for any feature set ([`crate::sets`]).
pub fn extract_batch_choice<F>(
    files: &[PathBuf],
    choice: &crate::sets::Choice,
    read: &emo_audio::ReadOptions,
    threads: usize,
    on_done: F,
) -> Vec<Result<crate::sets::AnyExtracted, FeatureError>>
where
    F: Fn(&PathBuf) + Sync,
{
    let run = || {
        files
            .par_iter()
            .map(|p| {
                let r = crate::sets::extract_file(p, choice, read);
                on_done(p);
                r
            })
            .collect()
    };
    in_pool(threads, run)
}
