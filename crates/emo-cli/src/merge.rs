use anyhow::{bail, Result};
use emo_features::table::{FeatureTable, Format};
use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `emo-pipe merge`.
#[derive(clap::Args)]
pub struct Args {
    /// Feature tables (CSV) with the same columns.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// The joined table.
    #[arg(short, long)]
    output: PathBuf,
}

pub fn run(a: Args) -> Result<ExitCode> {
    let mut out = FeatureTable::default();
    let mut seen: HashMap<String, (usize, PathBuf)> = HashMap::new();
    for p in &a.inputs {
        let t = FeatureTable::read_csv(p)?;
        if out.columns.is_empty() {
            out.columns = t.columns.clone();
        } else if t.columns != out.columns {
            bail!(
                "{}: its columns differ from {}'s",
                p.display(),
                a.inputs[0].display()
            );
        }
        for (name, values) in t.rows {
            if let Some((i, first)) = seen.get(&name) {
                if out.rows[*i].1 != values {
                    bail!(
                        "row '{name}' differs between {} and {}",
                        first.display(),
                        p.display()
                    );
                }
                continue;
            }
            seen.insert(name.clone(), (out.rows.len(), p.clone()));
            out.rows.push((name, values));
        }
    }
    out.rows.sort_by(|x, y| x.0.cmp(&y.0));
    out.write(&a.output, Format::Csv)?;
    eprintln!(
        "{} rows from {} tables -> {}",
        out.rows.len(),
        a.inputs.len(),
        a.output.display()
    );
    Ok(ExitCode::SUCCESS)
}
