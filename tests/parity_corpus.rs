//! The issue targets, measured on all 535 EmoDB clips against openSMILE's own
//! IS10 output in ../shared/reference (both variants).

use emo_audio::ReadOptions;
use emo_features::batch::extract_batch;
use emo_features::compare::compare;
use emo_features::table::FeatureTable;
use emo_features::{feature_names, row_names};
use emo_lld::{FeatureSet, LoudnessMode, Quirks, Settings};
use emo_pipe_suite::shared;

fn extract_emodb(settings: &Settings) -> FeatureTable {
    let dir = shared().join("corpora/emodb/wav");
    let found = emo_audio::find_audio_files(&[dir], false);
    assert!(found.errors.is_empty());
    let files = found.files;
    assert_eq!(files.len(), 535);
    let results = extract_batch(&files, settings, &ReadOptions::default(), 0, |_, _| {});
    let names = row_names(&files);
    FeatureTable {
        columns: feature_names(settings.feature_set),
        rows: names
            .into_iter()
            .zip(results)
            .map(|(n, r)| (n, r.expect("every EmoDB clip extracts").features))
            .collect(),
        times: Vec::new(),
    }
}

fn check(set: FeatureSet, reference: &str, min_r: f64, need: f64) {
    let settings = Settings {
        feature_set: set,
        quirks: Quirks::opensmile3(),
    };
    let ours = extract_emodb(&settings);
    let reference = FeatureTable::read_csv(&shared().join(reference)).unwrap();
    let c = compare(&ours, &reference).unwrap();
    assert_eq!(c.files, 535);
    assert_eq!(c.stats.len(), 1582, "every reference feature is produced");
    let share = c.share_at_least(min_r);
    let worst: Vec<_> = {
        let mut w: Vec<_> = c.stats.iter().collect();
        w.sort_by(|a, b| a.r.total_cmp(&b.r));
        w.iter()
            .take(5)
            .map(|s| format!("{} r={:.5}", s.name, s.r))
            .collect()
    };
    assert!(
        share >= need,
        "{set}: only {:.2}% of features reach r >= {min_r}; worst: {worst:?}",
        100.0 * share
    );
    // no group may be broken wholesale
    for g in c.groups(0.99) {
        assert!(
            g.at_least as f64 >= 0.97 * g.features as f64,
            "{set}: group {} {:?}",
            g.group,
            g
        );
    }
}

#[test]
fn is10_all_1582_features_match_opensmile() {
    // issue 2's bar (r >= 0.9999 on 99 %) holds for the whole set, pitch included
    check(FeatureSet::Is10, "reference/is10/emodb.csv", 0.9999, 0.99);
}

#[test]
fn is10_compat_all_1582_features_match_opensmile() {
    check(
        FeatureSet::Is10Compat,
        "reference/is10-compat/emodb.csv",
        0.999,
        0.99,
    );
}

#[test]
fn documented_loudness_differs_only_in_loudness() {
    let settings = Settings {
        feature_set: FeatureSet::Is10,
        quirks: Quirks {
            loudness: LoudnessMode::Documented,
            ..Quirks::opensmile3()
        },
    };
    let ours = extract_emodb(&settings);
    let reference = FeatureTable::read_csv(&shared().join("reference/is10/emodb.csv")).unwrap();
    let c = compare(&ours, &reference).unwrap();
    let groups = c.groups(0.9999);
    let loud = groups.iter().find(|g| g.group == "loudness").unwrap();
    assert!(
        loud.at_least < loud.features / 2,
        "documented loudness is a different quantity"
    );
    let rest: usize = groups
        .iter()
        .filter(|g| g.group != "loudness")
        .map(|g| g.at_least)
        .sum();
    let total: usize = groups
        .iter()
        .filter(|g| g.group != "loudness")
        .map(|g| g.features)
        .sum();
    assert!(rest as f64 >= 0.99 * total as f64);
}
