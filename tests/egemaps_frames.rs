//! Frame-level agreement of the native eGeMAPS v02 contours with openSMILE's
//! (../shared/reference/egemaps/lld, 24 EmoDB and RAVDESS clips).

use emo_features::compare::FrameTable;
use emo_pipe_suite::shared;
use std::path::PathBuf;

fn clips() -> Vec<PathBuf> {
    std::fs::read_to_string(shared().join("reference/lld_clips.txt"))
        .unwrap()
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| shared().join(l))
        .collect()
}

#[test]
fn spectral_contours_match_opensmile_frame_by_frame() {
    let clips = clips();
    assert_eq!(clips.len(), 24);
    let names: Vec<String> = emo_egemaps::SPECTRAL_NAMES
        .iter()
        .map(|n| format!("{n}_sma3"))
        .collect();
    // worst error per contour, relative to the contour's largest magnitude
    let mut worst = vec![0.0f64; names.len()];
    let mut rows = 0;
    for clip in &clips {
        let stem = clip.file_stem().unwrap().to_string_lossy().to_string();
        let reference =
            FrameTable::read_csv(&shared().join(format!("reference/egemaps/lld/{stem}.csv")))
                .unwrap();
        let audio = emo_audio::read_audio(clip).unwrap();
        let ours = emo_egemaps::spectral_contours(&audio.samples, audio.sample_rate).unwrap();
        assert_eq!(ours[0].len(), reference.rows.len(), "{stem}: row count");
        rows += reference.rows.len();
        for (c, name) in names.iter().enumerate() {
            let j = reference.columns.iter().position(|n| n == name).unwrap();
            let want: Vec<f64> = reference
                .rows
                .iter()
                .map(|r| f64::from(r[j].unwrap()))
                .collect();
            let scale = want.iter().fold(0.0f64, |m, v| m.max(v.abs())).max(1e-12);
            for (o, w) in ours[c].iter().zip(&want) {
                worst[c] = worst[c].max((f64::from(*o) - w).abs() / scale);
            }
        }
    }
    assert!(rows > 4000);
    for (name, w) in names.iter().zip(&worst) {
        eprintln!("{name:24} worst relative error {w:.2e}");
        // single-precision agreement: openSMILE computes these in f32
        assert!(*w < 1e-4, "{name}: worst relative error {w}");
    }
}
