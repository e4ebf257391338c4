use anyhow::{bail, Context, Result};
use emo_features::compare::{compare, FrameComparison, FrameTable};
use emo_features::table::FeatureTable;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `emo-pipe compare`.
#[derive(clap::Args)]
pub struct Args {
    /// emo-pipe's feature table (CSV), or with --frames a directory of LLD CSVs.
    ours: PathBuf,
    /// Reference table (CSV with a `name` column, e.g. openSMILE's), or with
    /// --frames a directory of openSMILE's frame-level LLD CSVs.
    reference: PathBuf,
    /// Compare frame-level LLD files (as written by `extract --lld`) instead of
    /// functionals: every reference CSV is matched by file name.
    #[arg(long)]
    frames: bool,
    /// Correlation a feature must reach to count as agreeing.
    #[arg(long, default_value_t = 0.999)]
    min_r: f64,
    /// Share of features that must reach --min-r (with --frames: share of frames
    /// whose voicing agrees and whose F0 is within 1 %); below it the exit code is 1.
    #[arg(long)]
    need: Option<f64>,
    /// How many of the worst features to list.
    #[arg(long, default_value_t = 10)]
    show: usize,
}

pub fn run(a: Args) -> Result<ExitCode> {
    if a.frames {
        return run_frames(&a);
    }
    let ours = FeatureTable::read_csv(&a.ours)?;
    let reference = FeatureTable::read_csv(&a.reference)?;
    let c = compare(&ours, &reference).with_context(|| {
        format!(
            "comparing {} with {}",
            a.ours.display(),
            a.reference.display()
        )
    })?;
    out!(
        "{} files, {} features compared (r = Pearson correlation across files)",
        c.files,
        c.stats.len()
    );
    if !c.columns_missing_in_ours.is_empty() {
        out!(
            "{} reference features missing from {} (e.g. {})",
            c.columns_missing_in_ours.len(),
            a.ours.display(),
            c.columns_missing_in_ours[0]
        );
    }
    if !c.only_in_reference.is_empty() {
        out!("{} files only in the reference", c.only_in_reference.len());
    }
    if !c.only_in_ours.is_empty() {
        out!("{} files only in ours", c.only_in_ours.len());
    }
    let groups = c.groups(a.min_r);
    let w = groups
        .iter()
        .map(|g| g.group.len())
        .max()
        .unwrap_or(0)
        .max(10);
    out!(
        "\n{:<w$} {:>8} {:>12} {:>10} {:>10}",
        "group",
        "features",
        format!("r >= {}", a.min_r),
        "min r",
        "median r"
    );
    for g in &groups {
        out!(
            "{:<w$} {:>8} {:>12} {:>10.6} {:>10.6}",
            g.group,
            g.features,
            g.at_least,
            g.min_r,
            g.median_r
        );
    }
    let share = c.share_at_least(a.min_r);
    out!(
        "\nall: {:.2}% of features with r >= {}",
        100.0 * share,
        a.min_r
    );
    let mut worst: Vec<_> = c.stats.iter().collect();
    worst.sort_by(|x, y| x.r.total_cmp(&y.r));
    out!("\nlowest r:");
    out!(
        "{:<44} {:>10} {:>11} {:>10}  worst file",
        "feature",
        "r",
        "max abs",
        "max rel"
    );
    for s in worst.iter().take(a.show) {
        out!(
            "{:<44} {:>10.6} {:>11.4e} {:>10.3e}  {}",
            s.name,
            s.r,
            s.max_abs,
            s.max_rel,
            s.worst_file
        );
    }
    // only IS10's tables have pcm_loudness
    if let Some(g) = groups.iter().find(|g| g.group == "loudness") {
        out!(
            "\nnote: openSMILE 3.x computes pcm_loudness from the first sample of each 25 ms frame; \
emo-pipe computes the documented whole-frame loudness unless extracted with --loudness opensmile3."
        );
        if g.at_least < g.features && share > 0.5 {
            out!(
                "      here {} of {} loudness features miss r >= {}: the two tables were probably \
made with different loudness modes.",
                g.features - g.at_least,
                g.features,
                a.min_r
            );
        }
    }
    Ok(verdict(share, a.need))
}

fn verdict(share: f64, need: Option<f64>) -> ExitCode {
    match need {
        Some(need) if share < need => {
            out!(
                "FAIL: {:.2}% < required {:.2}%",
                100.0 * share,
                100.0 * need
            );
            ExitCode::from(1)
        }
        Some(need) => {
            out!(
                "PASS: {:.2}% >= required {:.2}%",
                100.0 * share,
                100.0 * need
            );
            ExitCode::SUCCESS
        }
        None => ExitCode::SUCCESS,
    }
}

fn run_frames(a: &Args) -> Result<ExitCode> {
    if !a.reference.is_dir() || !a.ours.is_dir() {
        bail!("--frames compares two directories of LLD CSVs");
    }
    let mut refs: Vec<PathBuf> = std::fs::read_dir(&a.reference)
        .with_context(|| format!("cannot read {}", a.reference.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    refs.sort();
    let mut cmp = FrameComparison::default();
    let mut missing = Vec::new();
    for r in &refs {
        let name = r.file_name().map(|n| n.to_os_string()).unwrap_or_default();
        let o = a.ours.join(&name);
        if !o.exists() {
            missing.push(o.display().to_string());
            continue;
        }
        let ours = FrameTable::read_csv(&o)?;
        let reference = FrameTable::read_csv(r)?;
        cmp.add(&r.display().to_string(), &ours, &reference);
    }
    cmp.finish();
    out!(
        "{} files compared frame by frame ({} reference files without a counterpart)",
        refs.len() - missing.len(),
        missing.len()
    );
    for (f, o, r) in &cmp.row_mismatches {
        out!("row count differs: {f}: ours {o}, reference {r}");
    }
    out!(
        "\n{:<34} {:>8} {:>12} {:>12}",
        "contour",
        "frames",
        "max abs",
        "mean abs"
    );
    for s in &cmp.stats {
        out!(
            "{:<34} {:>8} {:>12.3e} {:>12.3e}",
            s.name,
            s.frames,
            s.max_abs,
            s.mean_abs
        );
    }
    let agree = cmp.voicing_agree as f64 / cmp.pitch_frames.max(1) as f64;
    let within = cmp.f0_within_1pct as f64 / cmp.both_voiced.max(1) as f64;
    out!(
        "\nvoicing (F0 > 0) agrees on {}/{} frames ({:.3}%); F0 within 1% on {}/{} frames voiced in both ({:.3}%)",
        cmp.voicing_agree,
        cmp.pitch_frames,
        100.0 * agree,
        cmp.f0_within_1pct,
        cmp.both_voiced,
        100.0 * within
    );
    Ok(verdict(agree.min(within), a.need))
}
