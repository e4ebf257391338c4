//! The static baseline against scikit-learn's figures on the same features.

use emo_corpus::{read, PAPER_CLASSES};
use emo_eval::systems::StaticSvm;
use emo_eval::{evaluate_loso, Data};
use emo_features::table::FeatureTable;
use emo_pipe_suite::shared;
use emo_svm::{Gamma, SvmParams};
use std::collections::HashMap;

fn uar(classes: &[String], c: f64) -> f64 {
    let corpus = read(&shared().join("corpora/emodb"), None)
        .unwrap()
        .with_classes(classes);
    let table = FeatureTable::read_csv(&shared().join("reference/is10/emodb.csv")).unwrap();
    let features: HashMap<String, Vec<f32>> = table.rows.into_iter().collect();
    let (data, left_out) = Data::from_features(&corpus.utterances, &features, classes);
    assert!(left_out.is_empty());
    let sys = StaticSvm {
        params: SvmParams {
            c,
            gamma: Gamma::Scale,
            eps: 1e-3,
            balanced: false,
        },
        grid: false,
    };
    let r = evaluate_loso(&data, &sys, 1).unwrap();
    assert_eq!(r.folds.len(), 10);
    r.metrics.uar
}

#[test]
fn emodb_four_classes_matches_scikit_learn() {
    // ../shared/README.md: SVC(gamma='scale'), min-max per fold: 0.840 (C=1), 0.833 (C=10)
    let classes = PAPER_CLASSES.map(String::from).to_vec();
    assert!((uar(&classes, 1.0) - 0.840).abs() < 0.01);
    assert!((uar(&classes, 10.0) - 0.833).abs() < 0.01);
}

#[test]
fn emodb_seven_classes_matches_scikit_learn() {
    let classes: Vec<String> = [
        "anger",
        "boredom",
        "disgust",
        "fear",
        "happiness",
        "sadness",
        "neutral",
    ]
    .map(String::from)
    .to_vec();
    assert!((uar(&classes, 10.0) - 0.757).abs() < 0.01);
}

#[test]
fn cross_corpus_and_speaker_normalisation_match_scikit_learn() {
    use emo_eval::{evaluate_cross, Norm};
    // ../shared/README.md, reference features, SVC(gamma='scale'), C=1:
    // EmoDB -> RAVDESS 0.289 (min-max) and 0.544 (per-speaker z-score, then min-max);
    // EmoDB leave one speaker out with per-speaker z-score: 0.875.
    let classes = PAPER_CLASSES.map(String::from).to_vec();
    let mut corpus = read(&shared().join("corpora/emodb"), None).unwrap();
    corpus.extend(read(&shared().join("corpora/ravdess"), None).unwrap());
    let corpus = corpus.with_classes(&classes);
    let mut features: HashMap<String, Vec<f32>> = HashMap::new();
    for f in ["reference/is10/emodb.csv", "reference/is10/ravdess.csv"] {
        features.extend(FeatureTable::read_csv(&shared().join(f)).unwrap().rows);
    }
    let (data, left_out) = Data::from_features(&corpus.utterances, &features, &classes);
    assert!(left_out.is_empty());
    let sys = StaticSvm {
        params: SvmParams {
            c: 1.0,
            gamma: Gamma::Scale,
            eps: 1e-3,
            balanced: false,
        },
        grid: false,
    };
    let train = vec!["emodb".to_string()];
    let plain = evaluate_cross(&data, &train, "ravdess", &sys, 1).unwrap();
    assert!(
        (plain.metrics.uar - 0.289).abs() < 0.01,
        "{}",
        plain.metrics.uar
    );
    let spk = evaluate_cross(&data.normalised(Norm::Speaker), &train, "ravdess", &sys, 1).unwrap();
    assert!(
        (spk.metrics.uar - 0.544).abs() < 0.01,
        "{}",
        spk.metrics.uar
    );
    let emodb: Vec<usize> = (0..data.y.len())
        .filter(|&i| data.corpora[i] == "emodb")
        .collect();
    let loso = evaluate_loso(&data.subset(&emodb).normalised(Norm::Speaker), &sys, 1).unwrap();
    assert!(
        (loso.metrics.uar - 0.875).abs() < 0.01,
        "{}",
        loso.metrics.uar
    );
}
