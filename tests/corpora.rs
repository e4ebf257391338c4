//! Corpus readers on the real EmoDB/RAVDESS layouts and the IEMOCAP fixture tree.

use emo_corpus::{detect, read, Format, Gender, PAPER_CLASSES};
use emo_pipe_suite::{fixtures, shared};

#[test]
fn iemocap_tree_gives_majority_labels_and_reports_the_rest() {
    let root = fixtures().join("iemocap");
    assert_eq!(detect(&root).unwrap(), Format::Iemocap);
    let c = read(&root, None).unwrap();
    let names: Vec<&str> = c.utterances.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(c.utterances.len(), 10, "{names:?}");
    let exc = c
        .utterances
        .iter()
        .find(|u| u.name == "Ses01F_impro01_F001")
        .unwrap();
    assert_eq!(
        (exc.label.as_str(), exc.raw_label.as_str()),
        ("happiness", "exc")
    );
    let m = c
        .utterances
        .iter()
        .find(|u| u.name == "Ses01F_impro01_M000")
        .unwrap();
    assert_eq!((m.speaker.as_str(), m.gender), ("Ses01M", Gender::Male));
    assert_eq!(c.speakers(), vec!["Ses01F", "Ses01M", "Ses02F", "Ses02M"]);
    let why = |id: &str| {
        c.skipped
            .iter()
            .find(|s| s.what.contains(id))
            .map(|s| s.reason.clone())
            .unwrap_or_default()
    };
    assert!(why("F002").contains("no majority"));
    assert!(why("F003").contains("unknown label 'zzz'"));
    assert!(why("M003").contains("wav is missing"));
    assert!(why("M009").contains("no label"));
    // the paper's four classes drop frustration
    let four = c.with_classes(&PAPER_CLASSES.map(String::from));
    assert_eq!(four.utterances.len(), 9);
}

#[test]
fn emodb_and_ravdess_layouts() {
    let e = read(&shared().join("corpora/emodb"), None).unwrap();
    assert_eq!(e.utterances.len(), 535);
    assert!(e.skipped.is_empty());
    assert_eq!(e.speakers().len(), 10);
    let four = e.clone().with_classes(&PAPER_CLASSES.map(String::from));
    assert_eq!(four.utterances.len(), 339);
    let a = four
        .utterances
        .iter()
        .filter(|u| u.label == "anger")
        .count();
    assert_eq!(a, 127);
    let r = read(&shared().join("corpora/ravdess"), None).unwrap();
    assert_eq!(r.utterances.len(), 336);
    assert_eq!(r.speakers().len(), 12);
    let odd = r
        .utterances
        .iter()
        .find(|u| u.speaker == "ravdess-05")
        .unwrap();
    assert_eq!(odd.gender, Gender::Male);
}

#[test]
fn manifest_reader_names_bad_lines() {
    let d = std::env::temp_dir().join(format!("emo-manifest-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    std::fs::copy(fixtures().join("audio/08a04Wc.wav"), d.join("a.wav")).unwrap();
    let m = d.join("m.csv");
    std::fs::write(
        &m,
        "path,speaker,gender,label\na.wav,s1,f,Anger\ngone.wav,s2,m,neutral\n",
    )
    .unwrap();
    let c = read(&m, None).unwrap();
    assert_eq!(c.utterances.len(), 1);
    assert_eq!(c.utterances[0].label, "anger");
    assert_eq!(c.skipped.len(), 1);
    std::fs::write(&m, "path,speaker,gender,label\na.wav,s1,x,anger\n").unwrap();
    let e = read(&m, None).unwrap_err().to_string();
    assert!(e.contains("m.csv:2") && e.contains("gender"), "{e}");
    std::fs::write(&m, "path,speaker,label\n").unwrap();
    assert!(read(&m, None).unwrap_err().to_string().contains("'gender'"));
    let _ = std::fs::remove_dir_all(&d);
}
