use anyhow::{Context, Result};
use emo_features::compare::compare;
use emo_features::table::FeatureTable;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `emo-pipe compare`.
#[derive(clap::Args)]
pub struct Args {
    /// emo-pipe's feature table (CSV).
    ours: PathBuf,
    /// Reference table (CSV with a `name` column), e.g. openSMILE's.
    reference: PathBuf,
    /// Correlation a feature must reach to count as agreeing.
    #[arg(long, default_value_t = 0.999)]
    min_r: f64,
    /// Share of features that must reach --min-r; below it the exit code is 1.
    #[arg(long)]
    need: Option<f64>,
    /// How many of the worst features to list.
    #[arg(long, default_value_t = 10)]
    show: usize,
}

pub fn run(a: Args) -> Result<ExitCode> {
    let ours = FeatureTable::read_csv(&a.ours)?;
    let reference = FeatureTable::read_csv(&a.reference)?;
    let c = compare(&ours, &reference)
        .with_context(|| format!("comparing {} with {}", a.ours.display(), a.reference.display()))?;
    println!(
        "{} files, {} features compared (r = Pearson correlation across files)",
        c.files,
        c.stats.len()
    );
    if !c.columns_missing_in_ours.is_empty() {
        println!(
            "{} reference features missing from {} (e.g. {})",
            c.columns_missing_in_ours.len(),
            a.ours.display(),
            c.columns_missing_in_ours[0]
        );
    }
    if !c.only_in_reference.is_empty() {
        println!("{} files only in the reference", c.only_in_reference.len());
    }
    if !c.only_in_ours.is_empty() {
        println!("{} files only in ours", c.only_in_ours.len());
    }
    println!("\n{:<10} {:>8} {:>12} {:>10} {:>10}", "group", "features", format!("r >= {}", a.min_r), "min r", "median r");
    for g in c.groups(a.min_r) {
        println!(
            "{:<10} {:>8} {:>12} {:>10.6} {:>10.6}",
            g.group, g.features, g.at_least, g.min_r, g.median_r
        );
    }
    let share = c.share_at_least(a.min_r);
    println!("\nall: {:.2}% of features with r >= {}", 100.0 * share, a.min_r);
    let mut worst: Vec<_> = c.stats.iter().collect();
    worst.sort_by(|x, y| x.r.total_cmp(&y.r));
    println!("\nlowest r:");
    println!("{:<44} {:>10} {:>11} {:>10}  worst file", "feature", "r", "max abs", "max rel");
    for s in worst.iter().take(a.show) {
        println!(
            "{:<44} {:>10.6} {:>11.4e} {:>10.3e}  {}",
            s.name, s.r, s.max_abs, s.max_rel, s.worst_file
        );
    }
    let loud = c.groups(a.min_r).into_iter().find(|g| g.group == "loudness");
    println!(
        "\nnote: openSMILE 3.x computes pcm_loudness from the first sample of each 25 ms frame; \
emo-pipe computes the documented whole-frame loudness unless extracted with --loudness opensmile3."
    );
    if let Some(g) = loud {
        if g.at_least < g.features && share > 0.5 {
            println!(
                "      here {} of {} loudness features miss r >= {}: the two tables were likely made \
with different loudness modes.",
                g.features - g.at_least,
                g.features,
                a.min_r
            );
        }
    }
    match a.need {
        Some(need) if share < need => {
            println!(
                "FAIL: {:.2}% < required {:.2}%",
                100.0 * share,
                100.0 * need
            );
            Ok(ExitCode::from(1))
        }
        Some(need) => {
            println!("PASS: {:.2}% >= required {:.2}%", 100.0 * share, 100.0 * need);
            Ok(ExitCode::SUCCESS)
        }
        None => Ok(ExitCode::SUCCESS),
    }
}
