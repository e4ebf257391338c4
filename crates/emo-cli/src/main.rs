//! The `emo-pipe` command line: argument parsing and printing only; the work is
//! done by the library crates.

/// Prints a line to stdout; if the reader has gone away (e.g. `| head`) the
/// rest of the command still runs and writes its files.
macro_rules! out {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($t)*);
    }};
}

mod classify;
mod compare;
mod data;
mod evaluate;
mod extract;
mod merge;
mod progress;
mod segment;
mod train;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

// Extraction allocates and frees many short-lived frame buffers; mimalloc
// serves them faster than the system allocator.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "emo-pipe",
    version,
    about = "Speech emotion recognition from raw audio, with native openSMILE IS10 features",
    long_about = "Speech emotion recognition from raw audio, with native openSMILE IS10 features.\n\n\
Exit codes: 0 success; 1 some inputs failed (the others were processed and written; \
each failure is listed); 2 the command itself failed (bad arguments, unwritable output)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Classify the emotion of audio clips (with the built-in model unless --model is given).
    ///
    /// The built-in model: static IS10 features, per-speaker normalisation, RBF SVM,
    /// trained on EmoDB and RAVDESS (4 classes; research / non-commercial use). Within
    /// EmoDB (leave one speaker out) the recipe scores 84.0 % UAR with min-max and
    /// 87.9 % with per-speaker normalisation; on speakers it never saw (RAVDESS
    /// actors 9-12) 63.3 % with speakers given (--speaker-dirs, --manifest) and
    /// 55.5 % on lone clips. README, "The built-in model", says how these were measured.
    Classify(classify::Args),
    /// Print a model's description (the built-in one unless a file is given).
    Model {
        /// Model file.
        file: Option<std::path::PathBuf>,
    },
    /// Extract the 1582 IS10 features of audio files or directories.
    Extract(extract::Args),
    /// Compare a feature table with a reference (e.g. openSMILE's) feature by feature.
    Compare(compare::Args),
    /// Leave-one-speaker-out evaluation of a system on a corpus.
    Evaluate(evaluate::Args),
    /// Train a model file on corpora (all their speakers).
    Train(train::Args),
    /// Join feature tables (e.g. the shards of a cluster job array).
    Merge(merge::Args),
}

/// Turns transparent huge pages off for this process. The allocator returns
/// freed memory to the system and takes it back file after file; with huge
/// pages each return and refault zeroes 2 MiB, which cost 6-7 % of extraction
/// time (`perf`, docs/performance.md). Memory use is unchanged. This comes
/// after the allocator's first memory, taken before `main`: mimalloc's
/// `no_thp` feature (Cargo.toml) keeps it from asking for huge pages there.
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and touches no memory of
    // ours; a kernel without it returns an error, which changes nothing.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

fn main() -> ExitCode {
    no_huge_pages();
    emo_audio::quiet_decoder_panics();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Classify(a) => classify::run(a),
        Command::Model { file } => classify::describe(file.as_deref()),
        Command::Extract(a) => extract::run(a),
        Command::Compare(a) => compare::run(a),
        Command::Evaluate(a) => evaluate::run(a),
        Command::Merge(a) => merge::run(a),
        Command::Train(a) => train::run(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("emo-pipe: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
