//! Frame-level agreement with openSMILE's LLD output (../shared/reference/*/lld,
//! 24 clips) and with the fixtures' own references.

use emo_features::compare::{FrameComparison, FrameTable};
use emo_features::table::lld_csv;
use emo_lld::{FeatureSet, Quirks, Settings};
use emo_pipe_suite::{fixtures, shared};
use std::path::{Path, PathBuf};

fn frames_for(path: &Path, settings: &Settings, mode: emo_audio::InputMode) -> FrameTable {
    let read = emo_audio::ReadOptions {
        mode,
        ..Default::default()
    };
    let x = emo_features::extract_file(path, settings, &read).unwrap();
    // one directory per call, removed after: tests run side by side
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("emo-frames-{}-{call}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(format!("{}.csv", emo_features::row_name(path)));
    std::fs::write(&p, lld_csv(&x.contours)).unwrap();
    let t = FrameTable::read_csv(&p).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    t
}

fn compare_dir(
    audio: &[PathBuf],
    refdir: &Path,
    set: FeatureSet,
    mode: emo_audio::InputMode,
) -> FrameComparison {
    let settings = Settings {
        feature_set: set,
        quirks: Quirks::opensmile3(),
    };
    let mut c = FrameComparison::default();
    for a in audio {
        let stem = emo_features::row_name(a);
        let reference = FrameTable::read_csv(&refdir.join(format!("{stem}.csv"))).unwrap();
        let ours = frames_for(a, &settings, mode);
        assert_eq!(ours.rows.len(), reference.rows.len(), "{stem}: frame count");
        c.add(&stem, &ours, &reference);
    }
    c.finish();
    c
}

/// Largest frame-level error allowed per contour family (real speech, 16 kHz).
fn tolerance(name: &str) -> f64 {
    if name.starts_with("lspFreq") {
        0.02
    } else if name.starts_with("F0") {
        0.05
    } else {
        1e-3
    }
}

#[test]
fn shared_lld_clips_match_frame_by_frame() {
    let clips: Vec<PathBuf> = std::fs::read_to_string(shared().join("reference/lld_clips.txt"))
        .unwrap()
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| shared().join(l))
        .collect();
    assert_eq!(clips.len(), 24);
    for (set, dir) in [
        (FeatureSet::Is10, "is10"),
        (FeatureSet::Is10Compat, "is10-compat"),
    ] {
        let c = compare_dir(
            &clips,
            &shared().join("reference").join(dir).join("lld"),
            set,
            Default::default(),
        );
        assert_eq!(c.stats.len(), 76);
        for s in &c.stats {
            assert!(
                s.max_abs <= tolerance(&s.name),
                "{dir} {}: max abs {}",
                s.name,
                s.max_abs
            );
        }
        assert!(c.voicing_agree as f64 >= 0.99 * c.pitch_frames as f64);
        assert!(c.f0_within_1pct as f64 >= 0.99 * c.both_voiced as f64);
        assert!(
            c.both_voiced > 2000,
            "enough voiced frames to mean something"
        );
    }
}

#[test]
fn fixture_formats_match_their_references() {
    // Other rates, stereo, 24-bit, float, FLAC, Vorbis, MP3: references made by
    // the opensmile Python package, so read them the way it does.
    let audio: Vec<PathBuf> = [
        "rate8k.wav",
        "rate44k.wav",
        "stereo48k.wav",
        "pcm24.wav",
        "float32.wav",
        "codec_flac.flac",
        "noisy10db.wav",
    ]
    .iter()
    .map(|f| fixtures().join("audio").join(f))
    .collect();
    let c = compare_dir(
        &audio,
        &fixtures().join("reference/is10/lld"),
        FeatureSet::Is10,
        emo_audio::InputMode::Python,
    );
    assert!(
        c.voicing_agree as f64 >= 0.98 * c.pitch_frames as f64,
        "{} of {}",
        c.voicing_agree,
        c.pitch_frames
    );
    assert!(c.f0_within_1pct as f64 >= 0.98 * c.both_voiced as f64);
    for s in c
        .stats
        .iter()
        .filter(|s| s.name.starts_with("mfcc_sma[") || s.name.starts_with("logMel"))
    {
        assert!(s.mean_abs < 1e-3, "{}: mean abs {}", s.name, s.mean_abs);
    }
}
