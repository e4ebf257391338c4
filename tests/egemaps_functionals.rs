//! The 88 native eGeMAPS v02 functionals against openSMILE's on every EmoDB and
//! RAVDESS clip (../shared/reference/egemaps/{emodb,ravdess}.csv).

use emo_features::table::FeatureTable;
use emo_pipe_suite::shared;
use rayon::prelude::*;
use std::path::PathBuf;

fn pearson(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        sab += (x - ma) * (y - mb);
        saa += (x - ma) * (x - ma);
        sbb += (y - mb) * (y - mb);
    }
    sab / (saa.sqrt() * sbb.sqrt())
}

fn corpus_agreement(files: Vec<PathBuf>, reference: &str) -> Vec<(String, f64)> {
    let table = FeatureTable::read_csv(&shared().join(reference)).unwrap();
    let names = emo_egemaps::functionals::names();
    assert_eq!(table.columns, names, "feature names and order");
    let ours: Vec<(String, Vec<f32>)> = files
        .par_iter()
        .map(|p| {
            let a = emo_audio::read_audio(p).unwrap();
            let l = emo_egemaps::extract(&a.samples, a.sample_rate).unwrap();
            let stem = p.file_stem().unwrap().to_string_lossy().to_string();
            (stem, emo_egemaps::functionals::functionals(&l))
        })
        .collect();
    let mut want: Vec<Vec<f64>> = vec![Vec::new(); names.len()];
    let mut got: Vec<Vec<f64>> = vec![Vec::new(); names.len()];
    for (stem, f) in &ours {
        let (_, values) = table
            .rows
            .iter()
            .find(|(r, _)| r.trim_end_matches(".wav") == stem)
            .unwrap_or_else(|| panic!("{stem} in the reference"));
        for j in 0..names.len() {
            want[j].push(f64::from(values[j]));
            got[j].push(f64::from(f[j]));
        }
    }
    names
        .iter()
        .enumerate()
        .map(|(j, n)| (n.clone(), pearson(&got[j], &want[j])))
        .collect()
}

fn wavs(dir: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = walk(&shared().join(dir));
    v.sort();
    v
}

fn walk(d: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(d).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else if p.extension().is_some_and(|x| x == "wav") {
            out.push(p);
        }
    }
    out
}

#[test]
fn emodb_and_ravdess_functionals_correlate_with_opensmile() {
    for (dir, reference, files) in [
        ("corpora/emodb", "reference/egemaps/emodb.csv", 535),
        ("corpora/ravdess", "reference/egemaps/ravdess.csv", 336),
    ] {
        let f = wavs(dir);
        assert_eq!(f.len(), files);
        let r = corpus_agreement(f, reference);
        let at_999 = r.iter().filter(|(_, r)| *r >= 0.999).count();
        for (n, v) in &r {
            if *v < 0.999 {
                eprintln!("{dir}: {n} r = {v:.5}");
            }
        }
        eprintln!("{dir}: {at_999} of 88 at r >= 0.999");
        // all but the formant bandwidths (and at most one more) at 0.999;
        // every feature at 0.97 (docs/egemaps.md says why the bandwidths differ)
        assert!(at_999 >= 81, "{dir}: {at_999}");
        for (n, v) in &r {
            assert!(*v >= 0.97, "{dir}: {n} r = {v}");
        }
    }
}
