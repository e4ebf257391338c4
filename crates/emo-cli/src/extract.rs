use anyhow::{Context, Result};
use emo_features::level::Level;
use emo_features::row_names;
use emo_features::sets::{Choice, SetName};
use emo_features::table::{write_atomic, FeatureTable, Format};
use emo_lld::{LoudnessMode, Quirks};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `emo-pipe extract`.
#[derive(clap::Args)]
pub struct Args {
    /// Audio files (WAV, FLAC, MP3, OGG) or directories to walk, or - for a
    /// stream on stdin (see --raw; its rows are named `-`).
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Output feature table.
    #[arg(short, long)]
    output: PathBuf,
    /// Output format.
    #[arg(long, default_value = "csv")]
    format: Format,
    /// Also write frame-level LLDs, one CSV per file, into this directory.
    #[arg(long, value_name = "DIR")]
    lld: Option<PathBuf>,
    /// is10 (openSMILE 3.x IS10_paraling), is10-compat (the 2010 challenge
    /// set), egemaps (eGeMAPS v02: 88 functionals, 25 LLDs), gemaps (GeMAPS
    /// v01b: eGeMAPS without its extension, 62 functionals, 18 LLDs) or
    /// is10+egemaps (both sets' functionals in one row, 1670 columns).
    #[arg(long, default_value = "is10")]
    feature_set: SetName,
    /// Loudness: `documented` (the whole Hamming-weighted frame, the default) or
    /// `opensmile3` (openSMILE 3.x, which uses only the first sample of each frame:
    /// choose it to match openSMILE's pcm_loudness features number for number).
    #[arg(long, default_value = "documented")]
    loudness: LoudnessMode,
    /// Fix openSMILE's pitch-group quirks as well (growing delta divisor, jitter
    /// threshold); by default they are reproduced. See docs/compatibility.md.
    #[arg(long)]
    fix_quirks: bool,
    /// Worker threads (default: all cores).
    #[arg(short = 'j', long, default_value_t = 0)]
    jobs: usize,
    /// Reproduce the samples of `smilextract` (openSMILE's own reader, default)
    /// or of `python` (the opensmile Python package, which truncates mixed-down
    /// and non-16-bit audio to 16-bit integers). Identical for 16-bit mono files.
    #[arg(long, default_value = "smilextract")]
    input_mode: emo_audio::InputMode,
    /// Keep finished files in this feature store: a killed run, rerun with the
    /// same arguments, computes only what is missing (not with --lld).
    #[arg(long, value_name = "DIR")]
    store: Option<PathBuf>,
    /// Extract only slice K of N (files i with i mod N = K−1 of the sorted
    /// list), for cluster job arrays; join the outputs with `emo-pipe merge`.
    #[arg(long, value_name = "K/N")]
    shard: Option<emo_store::Shard>,
    /// Follow symbolic links to directories when walking input directories
    /// (a link back into its own ancestors is reported and walked once).
    #[arg(long)]
    follow_links: bool,
    /// Refuse recordings longer than this (seconds).
    #[arg(long, default_value_t = 4.0 * 3600.0)]
    max_duration: f64,
    /// Windowed features: one row per segment (`name,start,end`, then the
    /// features of exactly the segment's samples). `none` (one row per file,
    /// the default), `vad` (voice-activity segments) or `fixed:WIN,HOP`
    /// (windows of WIN seconds every HOP seconds).
    #[arg(long, default_value = "none", value_name = "METHOD")]
    segment: emo_segment::Method,
    /// With `-` (audio from stdin): headerless PCM, `s16le:RATE:CHANNELS` or
    /// `f32le:RATE:CHANNELS`; without it, stdin is read as a WAV stream.
    #[arg(long, value_name = "SPEC")]
    raw: Option<emo_audio::RawSpec>,
    #[command(flatten)]
    vad: crate::segment::VadArgs,
}

pub fn run(a: Args) -> Result<ExitCode> {
    let mut quirks = if a.fix_quirks {
        Quirks::fixed()
    } else {
        Quirks::default()
    };
    quirks.loudness = a.loudness;
    let choice = Choice::new(a.feature_set, quirks)
        .map_err(|e| anyhow::anyhow!("--loudness / --fix-quirks: {e}"))?;
    let read = emo_audio::ReadOptions {
        max_seconds: Some(a.max_duration),
        mode: a.input_mode,
        ..Default::default()
    };
    if a.lld.is_some() {
        // a set without an LLD level is refused before any work
        choice.names(Level::Lld).map_err(anyhow::Error::msg)?;
    }
    if crate::segment::reads_stdin(&a.inputs, a.raw.is_some())? {
        return run_stdin(&a, &choice, &read);
    }
    if a.store.is_some() && a.lld.is_some() {
        anyhow::bail!("--store keeps functionals only; run --lld without --store");
    }
    let (files, missing, failures) = list_inputs(&a)?;
    if a.segment != emo_segment::Method::None {
        return run_segmented(&a, &choice, &read, &files, failures);
    }
    run_files(&a, &choice, &read, &files, missing, failures)
}

/// Whole files of any set, one row each, through the store when `--store` is
/// given; LLD files with `--lld`.
fn run_files(
    a: &Args,
    choice: &Choice,
    read: &emo_audio::ReadOptions,
    files: &[PathBuf],
    missing: usize,
    mut failures: Vec<String>,
) -> Result<ExitCode> {
    let bar = crate::progress::bar(files.len(), "files");
    let names = row_names(files);
    // per file: its features, and why its LLD file could not be written
    type Outcome = Result<(Vec<f32>, Option<String>), String>;
    let results: Vec<Outcome> = if let Some(dir) = &a.store {
        let store = emo_store::Store::open_with_width(
            dir,
            &emo_store::choice_key(choice, read),
            choice.width(),
        )?;
        store
            .features(files, choice, read, a.jobs, |_, _| bar.inc(1))
            .into_iter()
            .map(|x| x.map(|v| (v, None)).map_err(|e| e.to_string()))
            .collect()
    } else {
        // each worker writes its file's LLDs and keeps only the functionals
        let keep = |i: usize, x: emo_features::sets::AnyExtracted| {
            let lld_failure = a.lld.as_ref().and_then(|dir| {
                let p = dir.join(format!("{}.csv", names[i]));
                x.lld_csv()
                    .map_err(anyhow::Error::msg)
                    .and_then(|csv| Ok(write_atomic(&p, csv.as_bytes())?))
                    .err()
                    .map(|e| e.to_string())
            });
            (x.into_features(), lld_failure)
        };
        emo_features::batch::extract_batch_choice(files, choice, read, a.jobs, |_| bar.inc(1), keep)
            .into_iter()
            .map(|x| x.map_err(|e| e.to_string()))
            .collect()
    };
    bar.finish_and_clear();
    let mut table = empty_table(choice)?;
    for (name, r) in names.into_iter().zip(results) {
        match r {
            Ok((features, lld_failure)) => {
                failures.extend(lld_failure);
                table.rows.push((name, features));
            }
            Err(e) => failures.push(e),
        }
    }
    let what = format!("{} of {} files", table.rows.len(), files.len() + missing);
    write_table(a, &table, &what, &describe(choice))?;
    finish(failures)
}

/// `--segment`: one row per segment of each file.
fn run_segmented(
    a: &Args,
    choice: &Choice,
    read: &emo_audio::ReadOptions,
    files: &[PathBuf],
    mut failures: Vec<String>,
) -> Result<ExitCode> {
    if a.store.is_some() || a.lld.is_some() {
        anyhow::bail!("--segment writes functionals per segment; run --store and --lld without it");
    }
    let vad = a.vad.options()?;
    let bar = crate::progress::bar(files.len(), "files");
    let results =
        emo_segment::segment_batch(files, read, choice, a.segment, vad, a.jobs, |_| bar.inc(1));
    bar.finish_and_clear();
    let mut table = empty_table(choice)?;
    let (total, mut done) = (files.len() + failures.len(), 0);
    for (name, r) in row_names(files).into_iter().zip(results) {
        match r {
            Ok((_, segments)) => {
                done += 1;
                for s in segments {
                    table.rows.push((name.clone(), s.extracted.into_features()));
                    table.times.push((s.start, s.end));
                }
            }
            Err(e) => failures.push(e.to_string()),
        }
    }
    let what = format!("{} segments of {done} of {total} files", table.rows.len());
    write_table(a, &table, &what, &describe(choice))?;
    finish(failures)
}

/// `extract -`: the stream on stdin, as one row or (--segment) one per segment.
fn run_stdin(a: &Args, choice: &Choice, read: &emo_audio::ReadOptions) -> Result<ExitCode> {
    if a.store.is_some() || a.lld.is_some() {
        anyhow::bail!("--store and --lld take files, not a stream on stdin");
    }
    let vad = a.vad.options()?;
    let read = emo_audio::ReadOptions {
        max_seconds: None,
        ..*read
    };
    let name = std::path::Path::new("<stdin>");
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut table = empty_table(choice)?;
    let r = emo_segment::segment_source(
        name,
        &mut |sink| emo_audio::read_stream(&mut input, name, a.raw, &read, sink),
        choice,
        a.segment,
        vad,
        &mut |s| {
            table.rows.push(("-".into(), s.extracted.into_features()));
            table.times.push((s.start, s.end));
        },
    );
    if a.segment == emo_segment::Method::None {
        table.times.clear();
    }
    // what was decided is written, even if the stream then failed
    write_table(
        a,
        &table,
        &format!("{} row(s) from stdin", table.rows.len()),
        &describe(choice),
    )?;
    finish(r.err().map(|e| e.to_string()).into_iter().collect())
}

/// A table with the feature set's columns and no rows yet.
fn empty_table(choice: &Choice) -> Result<FeatureTable> {
    Ok(FeatureTable {
        columns: choice
            .names(Level::Functionals)
            .map_err(anyhow::Error::msg)?,
        ..Default::default()
    })
}

/// The input files (walked, sharded), the inputs that could not be listed,
/// and those as the first failures; creates the `--lld` directory.
fn list_inputs(a: &Args) -> Result<(Vec<PathBuf>, usize, Vec<String>)> {
    let found = emo_audio::find_audio_files(&a.inputs, a.follow_links);
    crate::progress::notes(&found.notes);
    let mut files = found.files;
    if let Some(shard) = a.shard {
        files = shard.select(&files);
    }
    let failures: Vec<String> = found.errors.iter().map(ToString::to_string).collect();
    if let Some(dir) = &a.lld {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    Ok((files, failures.len(), failures))
}

/// The set (and IS10's loudness), for the line that reports a written table.
fn describe(choice: &Choice) -> String {
    if choice.is10_part().is_some() {
        format!("{}, loudness {}", choice.set, choice.quirks.loudness)
    } else {
        choice.set.to_string()
    }
}

/// Writes the table to `--output` and says so: `{what} -> OUTPUT (N features, {set})`.
fn write_table(a: &Args, table: &FeatureTable, what: &str, set: &str) -> Result<()> {
    table
        .write_with_threads(&a.output, a.format, a.jobs)
        .with_context(|| format!("cannot write {}", a.output.display()))?;
    eprintln!(
        "{what} -> {} ({} features, {set})",
        a.output.display(),
        table.columns.len(),
    );
    Ok(())
}

fn finish(failures: Vec<String>) -> Result<ExitCode> {
    if failures.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("{} input(s) failed:", failures.len());
        for f in &failures {
            eprintln!("  {f}");
        }
        Ok(ExitCode::from(1))
    }
}
