use anyhow::{bail, Result};
use emo_features::table::{FeatureTable, Format};
use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `emo-pipe merge`.
#[derive(clap::Args)]
pub struct Args {
    /// Feature tables (CSV) with the same columns (all per file, or all per segment).
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// The joined table.
    #[arg(short, long)]
    output: PathBuf,
}

pub fn run(a: Args) -> Result<ExitCode> {
    let mut out = FeatureTable::default();
    // a row is a file, or a segment of one (its name with its times' bits)
    type RowKey = (String, Option<(u64, u64)>);
    let mut seen: HashMap<RowKey, (usize, PathBuf)> = HashMap::new();
    let mut timed = false;
    for (k, p) in a.inputs.iter().enumerate() {
        let t = FeatureTable::read_csv(p)?;
        if k == 0 {
            out.columns = t.columns.clone();
            timed = !t.times.is_empty();
        } else if t.columns != out.columns || (t.times.is_empty() == timed && !t.rows.is_empty()) {
            bail!(
                "{}: its columns differ from {}'s (a table of segments has start and end after name)",
                p.display(),
                a.inputs[0].display()
            );
        }
        let times: Vec<Option<(f64, f64)>> = if t.times.is_empty() {
            vec![None; t.rows.len()]
        } else {
            t.times.iter().copied().map(Some).collect()
        };
        for ((name, values), time) in t.rows.into_iter().zip(times) {
            let key = (name.clone(), time.map(|(a, b)| (a.to_bits(), b.to_bits())));
            if let Some((i, first)) = seen.get(&key) {
                if out.rows[*i].1 != values {
                    bail!(
                        "row '{name}' differs between {} and {}",
                        first.display(),
                        p.display()
                    );
                }
                continue;
            }
            seen.insert(key, (out.rows.len(), p.clone()));
            out.rows.push((name, values));
            out.times.extend(time);
        }
    }
    let mut order: Vec<usize> = (0..out.rows.len()).collect();
    let start = |i: usize| out.times.get(i).map_or(0.0, |t| t.0);
    order.sort_by(|&x, &y| {
        out.rows[x]
            .0
            .cmp(&out.rows[y].0)
            .then(start(x).total_cmp(&start(y)))
    });
    out = FeatureTable {
        rows: order.iter().map(|&i| out.rows[i].clone()).collect(),
        times: order
            .iter()
            .filter_map(|&i| out.times.get(i).copied())
            .collect(),
        columns: out.columns,
    };
    out.write(&a.output, Format::Csv)?;
    eprintln!(
        "{} rows from {} tables -> {}",
        out.rows.len(),
        a.inputs.len(),
        a.output.display()
    );
    Ok(ExitCode::SUCCESS)
}
