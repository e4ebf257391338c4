//! Bad and extreme audio (fixtures/bad, made by fixtures/make_bad_audio.py):
//! every file gets either a clear error naming it and the problem, or finite
//! features; nothing panics. A clip with no voiced frame gets zeros for the
//! whole pitch group (F0, jitter, shimmer and the onset feature), as openSMILE
//! writes; `F0final__Turn_duration` stays the clip's duration.

use emo_audio::ReadOptions;
use emo_features::{extract_file, feature_names};
use emo_lld::{FeatureSet, Settings};
use emo_pipe_suite::fixtures;

/// (file, expected error text) for the files that must be refused.
const REFUSED: [(&str, &str); 12] = [
    ("riff_zero_rate_as.mp3", "not a readable audio file"),
    ("empty.wav", "not a readable audio file"),
    ("header_only.wav", "no audio samples"),
    ("zero_channels.wav", "zero channels"),
    ("zero_rate.wav", "sample rate of 0"),
    ("not_audio.wav", "not a readable audio file"),
    ("random_bytes.wav", "not a readable audio file"),
    ("random_bytes.flac", "not a readable audio file"),
    ("random_bytes.mp3", "not a readable audio file"),
    ("random_bytes.ogg", "not a readable audio file"),
    ("float_nan_inf.wav", "not a finite number"),
    ("float_inf.wav", "not a finite number"),
];

/// Files that give features, and whether any frame is voiced.
const ACCEPTED: [(&str, bool); 14] = [
    ("truncated.wav", true),
    ("wrong_riff_size.wav", true),
    ("declared_far_beyond.wav", true),
    ("pcm8_unsigned.wav", true),
    ("pcm32.wav", true),
    ("float32.wav", true),
    ("six_channels_96k.wav", true),
    ("one_silent_channel.wav", true),
    ("clipped.wav", true),
    ("one_sample.wav", false),
    ("20ms.wav", false),
    ("silence_2s.wav", false),
    ("white_noise.wav", false),
    ("dc_offset.wav", false),
];

#[test]
fn every_fixture_is_listed() {
    let mut on_disk: Vec<String> = std::fs::read_dir(fixtures().join("bad"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = REFUSED
        .iter()
        .map(|r| r.0.to_string())
        .chain(ACCEPTED.iter().map(|a| a.0.to_string()))
        .collect();
    listed.sort();
    assert_eq!(
        on_disk, listed,
        "rerun fixtures/make_bad_audio.py or update the lists"
    );
}

#[test]
fn bad_files_are_refused_with_their_name_and_the_problem() {
    for (name, why) in REFUSED {
        let path = fixtures().join("bad").join(name);
        let e = extract_file(&path, &Settings::default(), &ReadOptions::default())
            .expect_err(name)
            .to_string();
        assert!(e.contains(name), "{name}: error must name the file: {e}");
        assert!(e.contains(why), "{name}: expected '{why}' in: {e}");
    }
}

#[test]
fn extreme_files_give_finite_features_and_unvoiced_ones_zero_pitch() {
    let names = feature_names(FeatureSet::Is10);
    let pitch: Vec<usize> = (0..names.len())
        .filter(|&i| {
            let n = &names[i];
            // the turn duration is the clip's length, voiced or not
            (n.starts_with("F0final") || n.starts_with("jitter") || n.starts_with("shimmer"))
                && !n.contains("Turn_duration")
        })
        .collect();
    assert_eq!(pitch.len(), 4 * 38 + 1);
    for (name, voiced) in ACCEPTED {
        let path = fixtures().join("bad").join(name);
        let x = extract_file(&path, &Settings::default(), &ReadOptions::default())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(x.features.len(), 1582);
        assert!(
            x.features.iter().all(|v| v.is_finite()),
            "{name}: non-finite feature"
        );
        let nonzero = pitch.iter().filter(|&&i| x.features[i] != 0.0).count();
        if voiced {
            assert!(
                nonzero > 100,
                "{name}: {nonzero} non-zero pitch-group features"
            );
        } else {
            assert_eq!(
                nonzero, 0,
                "{name}: no voiced frame, so the pitch group is all zeros"
            );
        }
    }
}

#[test]
fn egemaps_refuses_the_same_files_and_gives_finite_features_for_the_rest() {
    use emo_features::sets::{extract_file, Choice, SetName};
    let choice = Choice {
        set: SetName::Egemaps,
        quirks: Default::default(),
    };
    for (name, why) in REFUSED {
        let path = fixtures().join("bad").join(name);
        let e = extract_file(&path, &choice, &ReadOptions::default())
            .expect_err(name)
            .to_string();
        assert!(e.contains(name) && e.contains(why), "{name}: {e}");
    }
    for (name, _) in ACCEPTED {
        let path = fixtures().join("bad").join(name);
        let x = extract_file(&path, &choice, &ReadOptions::default())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(x.features().len(), 88);
        assert!(
            x.features().iter().all(|v| v.is_finite()),
            "{name}: non-finite feature"
        );
        // silence and clips shorter than one 60 ms frame have no F0
        if ["one_sample.wav", "20ms.wav", "silence_2s.wav"].contains(&name) {
            assert_eq!(x.features()[0], 0.0, "{name}: F0 mean");
        }
    }
}
