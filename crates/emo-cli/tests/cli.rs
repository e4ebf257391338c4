//! End-to-end tests of the `emo-pipe` binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_emo-pipe"))
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("emo-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn extract_goes_on_past_bad_files_and_names_them() {
    let d = tmp("bad");
    std::fs::copy(fixtures().join("audio/08a04Wc.wav"), d.join("good.wav")).unwrap();
    std::fs::write(d.join("broken.wav"), b"RIFF\x10\x00\x00\x00WAVEjunkjunk").unwrap();
    std::fs::write(d.join("notes.txt"), b"not audio, not an audio extension").unwrap();
    let out = d.join("f.csv");
    let o = bin()
        .arg("extract")
        .arg(&d)
        .arg(d.join("missing.wav"))
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("broken.wav"), "{err}");
    assert!(err.contains("missing.wav"), "{err}");
    assert!(err.contains("2 input(s) failed"), "{err}");
    let csv = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 2, "header and the good file");
    assert!(lines[1].starts_with("good,"));
    assert_eq!(lines[1].split(',').count(), 1583);
    assert!(!csv.contains("NaN") && !csv.contains("inf"));
}

#[test]
fn extract_writes_lld_and_arff() {
    let d = tmp("lld");
    let o = bin()
        .args([
            "extract",
            "--format",
            "arff",
            "--feature-set",
            "is10-compat",
            "--loudness",
            "opensmile3",
        ])
        .arg(fixtures().join("audio/13a01Ea.wav"))
        .arg("-o")
        .arg(d.join("f.arff"))
        .arg("--lld")
        .arg(d.join("lld"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{:?}", text(&o));
    let arff = std::fs::read_to_string(d.join("f.arff")).unwrap();
    assert!(arff.contains("@attribute F0final__Turn_numOnsets numeric"));
    assert!(arff.contains("'13a01Ea',"));
    let lld = std::fs::read_to_string(d.join("lld/13a01Ea.csv")).unwrap();
    let reference =
        std::fs::read_to_string(fixtures().join("reference/is10-compat/lld/13a01Ea.csv")).unwrap();
    assert_eq!(
        lld.lines().next(),
        reference.lines().next(),
        "same columns as openSMILE"
    );
    assert_eq!(
        lld.lines().count(),
        reference.lines().count(),
        "same frames as openSMILE"
    );
}

#[test]
fn compare_gates_on_the_share_of_agreeing_features() {
    let d = tmp("cmp");
    let out = d.join("f.csv");
    let o = bin()
        .args([
            "extract",
            "--loudness",
            "opensmile3",
            "-j",
            "2",
            "--input-mode",
            "python",
        ])
        .arg(fixtures().join("audio"))
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{:?}", text(&o));
    let reference = fixtures().join("reference/is10.csv");
    let pass = bin()
        .arg("compare")
        .arg(&out)
        .arg(&reference)
        .args(["--min-r", "0.99", "--need", "0.95"])
        .output()
        .unwrap();
    let (stdout, _) = text(&pass);
    assert!(pass.status.success(), "{stdout}");
    assert!(stdout.contains("PASS") && stdout.contains("loudness") && stdout.contains("pitch"));
    let fail = bin()
        .arg("compare")
        .arg(&out)
        .arg(&reference)
        .args(["--min-r", "0.99999999", "--need", "1.0"])
        .output()
        .unwrap();
    assert_eq!(fail.status.code(), Some(1));
    assert!(text(&fail).0.contains("FAIL"));
}

#[test]
fn compare_names_malformed_files() {
    let d = tmp("malformed");
    let bad = d.join("bad.csv");
    std::fs::write(&bad, "name,a\nx,1\ny,oops\n").unwrap();
    let o = bin().arg("compare").arg(&bad).arg(&bad).output().unwrap();
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2));
    assert!(err.contains("bad.csv:3") && err.contains("oops"), "{err}");
}

#[test]
fn help_explains_loudness_modes() {
    let o = bin().args(["extract", "--help"]).output().unwrap();
    let (out, _) = text(&o);
    assert!(out.contains("opensmile3") && out.contains("first sample"));
}
