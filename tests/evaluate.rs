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
