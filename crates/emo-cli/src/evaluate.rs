use crate::data::{labelled_data, neutral_rows, DaeArgs, FeatureArgs, SvmArgs};
use anyhow::{bail, Context, Result};
use emo_dae::SystemKind;
use emo_eval::systems::{DaeSvm, StaticSvm};
use emo_eval::{evaluate_cross, evaluate_loso, seed_tables, Data, Norm, Report, System};
use emo_features::table::write_atomic;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `emo-pipe evaluate`.
#[derive(clap::Args)]
pub struct Args {
    /// Corpora: EmoDB, IEMOCAP or RAVDESS directories, or manifest CSVs
    /// (path,speaker,gender,label). Several are pooled (leave one speaker out
    /// over all their speakers) unless --test or --leave-one-corpus-out is given.
    corpus: Vec<PathBuf>,
    /// Cross-corpus: train on these corpora (default: the positional ones) ...
    #[arg(long, num_args = 1..)]
    train: Vec<PathBuf>,
    /// ... and test on this one.
    #[arg(long)]
    test: Option<PathBuf>,
    /// Hold out each of the given corpora in turn, training on the others.
    #[arg(long)]
    leave_one_corpus_out: bool,
    /// Normalisation before the per-fold min-max: minmax (none, the paper's),
    /// speaker (z-score within each speaker), corpus (z-score within each corpus).
    #[arg(long, default_value = "minmax")]
    norm: Norm,
    /// Systems, comma-separated: static (IS10 features, min-max, RBF SVM);
    /// dae (modified DAE, one gender-independent θn); loss1, loss2 (gender-
    /// dependent θn with the KL term, eqs. 9-10); combination (both, eq. 16);
    /// nokl (gender-dependent θn without KL); random (control: untrained
    /// 800-unit projection); all (every one of these).
    #[arg(long, default_value = "static", value_delimiter = ',')]
    system: Vec<String>,
    /// Classes to use (default: anger,happiness,sadness,neutral where the
    /// corpus has them, else all its labels).
    #[arg(long, value_delimiter = ',')]
    classes: Option<Vec<String>>,
    #[command(flatten)]
    source: FeatureArgs,
    #[command(flatten)]
    svm: SvmArgs,
    /// Choose C and γ per fold by an inner leave-one-speaker-out search on the
    /// training speakers only (C 0.1-100, γ 0.25-4 × scale; static system only).
    #[arg(long)]
    grid: bool,
    #[command(flatten)]
    dae: DaeArgs,
    /// Write the results as JSON.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Draw the confusion matrix of the first system (.png or .svg).
    #[arg(long)]
    plot: Option<PathBuf>,
    /// Random seed (DAE initialisation, shuffling, corruption).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Run each system with this many seeds (seed, seed+1, ...) and report
    /// mean ± standard deviation.
    #[arg(long, default_value_t = 1)]
    seeds: u64,
}

/// The systems named on the command line, in order, `all` expanded.
fn system_names(asked: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for s in asked {
        let s = s.trim().to_ascii_lowercase();
        let expanded: Vec<String> = if s == "all" {
            std::iter::once("static".to_string())
                .chain(SystemKind::ALL.iter().map(|k| k.name().to_string()))
                .collect()
        } else if s == "static" || s.parse::<SystemKind>().is_ok() {
            vec![s]
        } else {
            bail!("unknown system '{s}' (available: static, random, dae, loss1, loss2, combination, nokl, all)");
        };
        for e in expanded {
            if !out.contains(&e) {
                out.push(e);
            }
        }
    }
    Ok(out)
}

pub fn run(a: Args) -> Result<ExitCode> {
    a.source.prepare()?;
    let systems = system_names(&a.system)?;
    let mut paths: Vec<PathBuf> = if a.train.is_empty() {
        a.corpus.clone()
    } else {
        a.train.clone()
    };
    if let Some(t) = &a.test {
        paths.push(t.clone());
    }
    if paths.is_empty() {
        bail!("give a corpus (or --train ... --test ...)");
    }
    let (data, corpus, names, left_out) = labelled_data(&paths, a.classes.as_deref(), &a.source)?;
    let classes = data.classes.clone();
    let data = data.normalised(a.norm);
    let svm = a.svm.params();
    let neutral = match &a.dae.neutral {
        Some(_) if a.norm != Norm::MinMax => {
            bail!(
                "--neutral works with --norm minmax only (its clips have no speaker grouping here)"
            )
        }
        Some(p) => Some(neutral_rows(p, &a.source)?),
        None => None,
    };
    let config = a.dae.config();
    eprintln!(
        "{}: {} utterances, {} speakers, classes {}, normalisation {:?}{}",
        names.join(" + "),
        data.y.len(),
        data.speaker_list().len(),
        classes.join(","),
        a.norm,
        if a.grid { ", inner grid search" } else { "" }
    );
    // (setup, system, seed, report)
    let mut runs: Vec<(String, String, u64, Report)> = Vec::new();
    let mut kl_notes: Vec<String> = Vec::new();
    for name in &systems {
        let system: Box<dyn System> = if name == "static" {
            Box::new(StaticSvm {
                params: svm,
                grid: a.grid,
            })
        } else {
            let kind: SystemKind = name.parse().map_err(anyhow::Error::msg)?;
            let mut s = DaeSvm::new(kind, config, svm);
            s.neutral = neutral.as_ref().map(|n| n.to_owned());
            Box::new(s)
        };
        // static has no randomness: one run stands for every seed
        let seeds = if name == "static" { 1 } else { a.seeds.max(1) };
        for seed in a.seed..a.seed + seeds {
            let started = std::time::Instant::now();
            for (setup, report) in run_setups(&a, &data, &names, system.as_ref(), seed)? {
                eprintln!(
                    "{name} seed {seed}: {setup}: UAR {:.1} % ({:.0} s)",
                    100.0 * report.metrics.uar,
                    started.elapsed().as_secs_f64()
                );
                runs.push((setup, name.clone(), seed, report));
            }
        }
        if let Some(note) = kl_note(name, system.as_ref()) {
            kl_notes.push(note);
        }
    }
    let mut setups: Vec<String> = runs.iter().map(|r| r.0.clone()).collect();
    setups.dedup();
    for setup in &setups {
        if runs.iter().filter(|r| &r.0 == setup).count() == 1 || a.seeds <= 1 && systems.len() == 1
        {
            for (_, _, _, report) in runs.iter().filter(|r| &r.0 == setup) {
                out!("{setup}\n{}", report.table());
            }
        } else {
            let grouped: Vec<(String, Vec<Report>)> = systems
                .iter()
                .map(|s| {
                    let reps = runs
                        .iter()
                        .filter(|r| &r.0 == setup && &r.1 == s)
                        .map(|r| r.3.clone())
                        .collect();
                    (s.clone(), reps)
                })
                .collect();
            out!(
                "{setup} (mean ± sd over seeds {}..{})\n{}",
                a.seed,
                a.seed + a.seeds.max(1) - 1,
                seed_tables(&grouped)
            );
        }
    }
    for n in &kl_notes {
        out!("{n}");
    }
    if !corpus.skipped.is_empty() {
        out!(
            "{} corpus entries skipped by the reader (first: {}: {})",
            corpus.skipped.len(),
            corpus.skipped[0].what,
            corpus.skipped[0].reason
        );
    }
    for (p, why) in &left_out {
        out!("left out: {p}: {why}");
    }
    if let Some(path) = &a.json {
        let v = serde_json::json!({
            "corpora": paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
            "classes": classes,
            "features": a.source.describe(),
            "normalisation": a.norm,
            "svm": { "c": a.svm.c, "gamma": a.svm.gamma.to_string(), "grid": a.grid, "multiclass": "one-vs-one, majority vote" },
            "dae": config,
            "neutral_speech": a.dae.neutral.as_ref().map_or("neutral-labelled clips of the training speakers".to_string(), |p| p.display().to_string()),
            "seed": a.seed,
            "seeds": a.seeds,
            "left_out": left_out.iter().map(|(p, w)| serde_json::json!({"file": p, "reason": w})).collect::<Vec<_>>(),
            "setups": runs.iter().map(|r| r.0.clone()).collect::<Vec<_>>(),
            "run_seeds": runs.iter().map(|r| r.2).collect::<Vec<_>>(),
            "systems": runs.iter().map(|r| &r.3).collect::<Vec<_>>(),
            "kl_gradient": kl_notes,
        });
        write_atomic(path, serde_json::to_string_pretty(&v)?.as_bytes())
            .with_context(|| format!("writing {}", path.display()))?;
    }
    if let Some(path) = &a.plot {
        if let Some(r) = runs.first() {
            emo_eval::plot::plot_confusion(&r.3, path).map_err(anyhow::Error::msg)?;
        }
    }
    Ok(if left_out.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Every (setup, report) this command's split asks for.
fn run_setups(
    a: &Args,
    data: &Data,
    names: &[String],
    system: &dyn System,
    seed: u64,
) -> Result<Vec<(String, Report)>> {
    let mut out = Vec::new();
    if a.test.is_some() {
        let test = names.last().cloned().unwrap_or_default();
        let train = names[..names.len() - 1].to_vec();
        let setup = format!("train {} -> test {test}", train.join("+"));
        out.push((setup, evaluate_cross(data, &train, &test, system, seed)?));
    } else if a.leave_one_corpus_out {
        if names.len() < 2 {
            bail!("--leave-one-corpus-out needs at least two corpora");
        }
        for test in names {
            let train: Vec<String> = names.iter().filter(|n| *n != test).cloned().collect();
            let setup = format!("train {} -> test {test}", train.join("+"));
            out.push((setup, evaluate_cross(data, &train, test, system, seed)?));
        }
    } else {
        let setup = format!("leave one speaker out on {}", names.join("+"));
        out.push((setup, evaluate_loso(data, system, seed)?));
    }
    Ok(out)
}

/// The size of the KL part of the gradient against the reconstruction part,
/// over every gender-dependent DAE this system trained.
fn kl_note(name: &str, system: &dyn System) -> Option<String> {
    let dae = system.as_any()?.downcast_ref::<DaeSvm>()?;
    let log = dae.log.lock().ok()?;
    let ratios: Vec<f64> = log
        .iter()
        .flat_map(|r| {
            r.gender
                .iter()
                .flat_map(|(_, h)| h.kl_grad_ratio.iter().copied())
        })
        .collect();
    if ratios.is_empty() {
        return None;
    }
    let (m, _) = emo_eval::mean_sd(&ratios);
    let max = ratios.iter().cloned().fold(0.0, f64::max);
    Some(format!(
        "{name}: |KL part| / |reconstruction part| of the weight gradient: mean {m:.2e}, max {max:.2e} over {} epochs",
        ratios.len()
    ))
}
