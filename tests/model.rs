//! Model files: trained, saved and loaded models predict exactly as the
//! in-memory model on the whole corpus; damaged or newer files are refused
//! with the file named.

use emo_corpus::{read, PAPER_CLASSES};
use emo_eval::{Data, Norm};
use emo_features::table::FeatureTable;
use emo_model::{Meta, Model, ModelError, Route, Spec};
use emo_pipe_suite::shared;
use emo_svm::SvmParams;
use std::collections::HashMap;

fn emodb() -> Data {
    let classes = PAPER_CLASSES.map(String::from).to_vec();
    let corpus = read(&shared().join("corpora/emodb"), None)
        .unwrap()
        .with_classes(&classes);
    let table = FeatureTable::read_csv(&shared().join("reference/is10/emodb.csv")).unwrap();
    let features: HashMap<String, Vec<f32>> = table.rows.into_iter().collect();
    Data::from_features(&corpus.utterances, &features, &classes).0
}

fn meta() -> Meta {
    Meta {
        format: String::new(),
        format_version: 0,
        writer: "test".into(),
        feature_set: "is10".into(),
        loudness: "opensmile3".into(),
        n_features: 0,
        classes: vec![],
        system: String::new(),
        normalisation: Norm::MinMax,
        fallback_normalisation: None,
        fallback_svm: None,
        dae: None,
        svm: SvmParams::default(),
        probabilities: String::new(),
        seed: 0,
        corpora: vec![],
        utterances: 0,
        speakers: 0,
        command: "test".into(),
        notes: vec![],
        half: false,
    }
}

fn spec(system: &str, norm: Norm) -> Spec {
    let small = |epochs, lr| emo_dae::Stage {
        epochs,
        lr,
        batch: 32,
    };
    Spec {
        system: system.into(),
        norm,
        fallback: Some(Norm::MinMax),
        fallback_svm: None,
        dae: emo_dae::DaeConfig {
            hidden: 64,
            neutral: small(3, 0.01),
            gender: small(2, 0.01),
            pretrain: small(3, 0.01),
            finetune: small(3, 0.05),
            ..Default::default()
        },
        svm: SvmParams::default(),
        seed: 5,
        neutral: None,
        half: false,
    }
}

fn round_trip(system: &str, norm: Norm) {
    let data = emodb();
    let model = Model::train(&data, &spec(system, norm), meta()).unwrap();
    let dir = std::env::temp_dir().join(format!("emo-model-{}-{system}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("m.safetensors");
    model.save(&path).unwrap();
    let loaded = Model::load(&path).unwrap();
    assert_eq!(loaded, model);
    let speakers = data.speakers.clone();
    let (a, ra) = model.classify(data.x.view(), Some(&speakers)).unwrap();
    let (b, rb) = loaded.classify(data.x.view(), Some(&speakers)).unwrap();
    assert_eq!(a, b);
    assert_eq!((ra, rb), (Route::Main, Route::Main));
    assert_eq!(a.len(), 339);
    // trained on these clips: most are right, every distribution sums to 1
    let right = a.iter().zip(&data.y).filter(|(p, &y)| p.class == y).count();
    assert!(right > 250, "{right} of 339");
    assert!(a
        .iter()
        .all(|p| (p.probabilities.iter().sum::<f64>() - 1.0).abs() < 1e-6));
    // the same seed gives the same file
    let again = Model::train(&data, &spec(system, norm), meta()).unwrap();
    assert_eq!(again.to_bytes().unwrap(), model.to_bytes().unwrap());
    if norm == Norm::Speaker {
        let (c, rc) = loaded.classify(data.x.view(), None).unwrap();
        assert_eq!(rc, Route::Fallback);
        assert_eq!(c.len(), 339);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn static_model_round_trips_exactly() {
    round_trip("static", Norm::MinMax);
}

#[test]
fn speaker_normalised_model_with_fallback_round_trips_exactly() {
    round_trip("static", Norm::Speaker);
}

#[test]
fn dae_model_round_trips_exactly() {
    round_trip("loss2", Norm::MinMax);
}

#[test]
fn half_precision_model_round_trips_exactly_at_about_half_the_size() {
    let data = emodb();
    for system in ["static", "dae"] {
        let mut s = spec(system, Norm::Speaker);
        let full = Model::train(&data, &s, meta()).unwrap();
        s.half = true;
        let half = Model::train(&data, &s, meta()).unwrap();
        let bytes = half.to_bytes().unwrap();
        assert!(
            bytes.len() * 10 < full.to_bytes().unwrap().len() * 6,
            "{system}"
        );
        let loaded = Model::from_bytes(&bytes, "half").unwrap();
        assert_eq!(loaded, half);
        let (a, _) = half.classify(data.x.view(), Some(&data.speakers)).unwrap();
        let (b, _) = loaded
            .classify(data.x.view(), Some(&data.speakers))
            .unwrap();
        assert_eq!(a, b);
        let (c, _) = full.classify(data.x.view(), Some(&data.speakers)).unwrap();
        let same = a.iter().zip(&c).filter(|(x, y)| x.class == y.class).count();
        assert!(
            same >= 330,
            "{system}: half and single precision agree on {same} of 339"
        );
    }
}

#[test]
fn damaged_and_newer_files_are_refused_with_their_name() {
    let data = emodb();
    let bytes = Model::train(&data, &spec("static", Norm::MinMax), meta())
        .unwrap()
        .to_bytes()
        .unwrap();
    let name = "some/model.safetensors";
    let err = |b: &[u8]| Model::from_bytes(b, name).unwrap_err().to_string();
    for (what, b) in [
        ("empty", Vec::new()),
        ("truncated", bytes[..bytes.len() / 2].to_vec()),
        ("header only", bytes[..200].to_vec()),
        (
            "random",
            (0..5000u32)
                .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
                .collect(),
        ),
    ] {
        let e = err(&b);
        assert!(
            e.contains(name) && e.contains("not a valid emo-pipe model"),
            "{what}: {e}"
        );
    }
    // a newer format version (same length, so the header stays valid)
    let key = b"\\\"format_version\\\":1";
    let at = bytes
        .windows(key.len())
        .position(|w| w == key)
        .expect("version in header");
    let mut newer_bytes = bytes.clone();
    newer_bytes[at + key.len() - 1] = b'7';
    let newer = Model::from_bytes(&newer_bytes, name).unwrap_err();
    assert!(
        matches!(newer, ModelError::Newer { found: 7, .. }),
        "{newer}"
    );
    assert!(newer.to_string().contains("newer emo-pipe"));
    // a corrupted tensor value (NaN in the SVM coefficients) is caught
    let st = safetensors_offset(&bytes, "main.svm.rho");
    let mut bad = bytes.clone();
    bad[st..st + 8].copy_from_slice(&f64::NAN.to_le_bytes());
    let e = err(&bad);
    assert!(e.contains("non-finite"), "{e}");
}

/// Byte offset of a tensor's data in a safetensors file.
fn safetensors_offset(bytes: &[u8], name: &str) -> usize {
    let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let header: serde_json::Value = serde_json::from_slice(&bytes[8..8 + n]).unwrap();
    8 + n + header[name]["data_offsets"][0].as_u64().unwrap() as usize
}
