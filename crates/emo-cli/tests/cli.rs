//! End-to-end tests of the `emo-pipe` binary.

mod common;

use common::{bin, text, tmp};
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

/// A manifest (path,speaker,gender,label) over fixture clips:
/// `(file in fixtures/audio, speaker, gender, label)` per row.
fn fixture_manifest(rows: &[(&str, &str, &str, &str)]) -> String {
    let a = fixtures().join("audio");
    let mut m = String::from("path,speaker,gender,label\n");
    for (f, s, g, l) in rows {
        m.push_str(&format!("{},{s},{g},{l}\n", a.join(f).display()));
    }
    m
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

/// Issue 17: a folder with one clip and a link back to its parent gave 41 rows.
#[cfg(unix)]
#[test]
fn a_symlink_loop_gives_each_clip_once() {
    let d = tmp("loop");
    std::fs::create_dir_all(d.join("clips")).unwrap();
    std::fs::copy(fixtures().join("audio/08a04Wc.wav"), d.join("clips/a.wav")).unwrap();
    std::os::unix::fs::symlink(&d, d.join("clips/parent")).unwrap();
    for follow in [false, true] {
        let out = d.join(format!("f{follow}.csv"));
        let mut cmd = bin();
        cmd.arg("extract").arg(&d).arg("-o").arg(&out).arg("-j1");
        if follow {
            cmd.arg("--follow-links");
        }
        let o = cmd.output().unwrap();
        let (_, err) = text(&o);
        assert!(o.status.success(), "{err}");
        let csv = std::fs::read_to_string(&out).unwrap();
        assert_eq!(csv.lines().count(), 2, "header and one row: {err}");
        let want = if follow {
            "a directory loop"
        } else {
            "--follow-links"
        };
        assert_eq!(err.matches(want).count(), 1, "{err}");
    }
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

fn shared() -> PathBuf {
    std::env::var_os("EMO_PIPE_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"))
}

#[test]
fn killed_store_run_resumes_to_the_same_output() {
    let d = tmp("kill");
    let corpus = shared().join("corpora/emodb/wav");
    let full = d.join("full.csv");
    let o = bin()
        .arg("extract")
        .arg(&corpus)
        .arg("-o")
        .arg(&full)
        .output()
        .unwrap();
    assert!(o.status.success());
    let store = d.join("store");
    let out = d.join("resumed.csv");
    let mut child = bin()
        .arg("extract")
        .arg(&corpus)
        .arg("-o")
        .arg(&out)
        .arg("--store")
        .arg(&store)
        .args(["-j", "1"])
        .spawn()
        .unwrap();
    let count = |store: &Path| {
        std::fs::read_dir(store)
            .map(|rd| {
                rd.map(|e| {
                    std::fs::read_to_string(e.unwrap().path())
                        .unwrap_or_default()
                        .lines()
                        .count()
                })
                .sum::<usize>()
            })
            .unwrap_or(0)
    };
    // kill at a random moment after some files are done
    let wait_for = 20 + (std::process::id() as usize % 200);
    let t0 = std::time::Instant::now();
    while count(&store) < wait_for && t0.elapsed().as_secs() < 60 {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert!(!out.exists(), "no output from a killed run");
    let stored = count(&store);
    assert!(
        stored > 0 && stored < 535,
        "killed part-way: {stored} files stored"
    );
    let o = bin()
        .arg("extract")
        .arg(&corpus)
        .arg("-o")
        .arg(&out)
        .arg("--store")
        .arg(&store)
        .output()
        .unwrap();
    assert!(o.status.success());
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        std::fs::read_to_string(&full).unwrap()
    );
}

#[test]
fn shards_merge_into_the_whole() {
    let d = tmp("shard");
    let audio = fixtures().join("audio");
    let whole = d.join("whole.csv");
    assert!(bin()
        .arg("extract")
        .arg(&audio)
        .arg("-o")
        .arg(&whole)
        .status()
        .unwrap()
        .success());
    let mut parts = Vec::new();
    for k in 1..=3 {
        let p = d.join(format!("part{k}.csv"));
        let st = bin()
            .arg("extract")
            .arg(&audio)
            .arg("-o")
            .arg(&p)
            .arg("--shard")
            .arg(format!("{k}/3"))
            .arg("--store")
            .arg(d.join("store"))
            .status()
            .unwrap();
        assert!(st.success());
        parts.push(p);
    }
    let merged = d.join("merged.csv");
    assert!(bin()
        .arg("merge")
        .args(&parts)
        .arg("-o")
        .arg(&merged)
        .status()
        .unwrap()
        .success());
    let sorted = |p: &Path| {
        let t = std::fs::read_to_string(p).unwrap();
        let mut l: Vec<String> = t.lines().map(String::from).collect();
        l.sort();
        l
    };
    assert_eq!(sorted(&merged), sorted(&whole));
}

#[test]
fn evaluate_reports_and_names_what_it_left_out() {
    let d = tmp("eval");
    // a manifest over the fixture clips, with one broken file
    std::fs::write(d.join("broken.wav"), b"RIFF....WAVEnope").unwrap();
    let mut m = fixture_manifest(&[
        ("08a04Wc.wav", "s1", "f", "anger"),
        ("13a01Ea.wav", "s1", "f", "disgust"),
        ("10a07Ta.wav", "s2", "m", "sadness"),
        ("03-01-03-01-01-01-02.wav", "s2", "f", "happiness"),
        ("noisy10db.wav", "s3", "f", "anger"),
        ("rate44k.wav", "s3", "f", "sadness"),
    ]);
    m.push_str(&format!("{},s3,m,anger\n", d.join("broken.wav").display()));
    std::fs::write(d.join("m.csv"), m).unwrap();
    let json = d.join("r.json");
    let o = bin()
        .arg("evaluate")
        .arg(d.join("m.csv"))
        .args(["--classes", "anger,sadness", "--store"])
        .arg(d.join("store"))
        .arg("--json")
        .arg(&json)
        .arg("--plot")
        .arg(d.join("cm.svg"))
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{err}");
    assert!(
        out.contains("left out:") && out.contains("broken.wav"),
        "{out}"
    );
    assert!(out.contains("UAR"));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(v["systems"][0]["system"], "static");
    assert_eq!(v["systems"][0]["folds"].as_array().unwrap().len(), 3);
    assert!(v["systems"][0]["uar"].as_f64().is_some());
    assert_eq!(v["left_out"].as_array().unwrap().len(), 1);
    assert!(std::fs::read_to_string(d.join("cm.svg"))
        .unwrap()
        .contains("<svg"));
}

#[test]
fn evaluate_reads_the_iemocap_layout() {
    let d = tmp("iemocap");
    let o = bin()
        .arg("evaluate")
        .arg(fixtures().join("iemocap"))
        .arg("--store")
        .arg(d.join("store"))
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}{err}");
    assert!(err.contains("9 utterances, 4 speakers"), "{err}");
    assert!(out.contains("corpus entries skipped"), "{out}");
}

#[test]
fn classify_uses_the_built_in_model_and_goes_on_past_bad_clips() {
    let d = tmp("classify");
    std::fs::copy(fixtures().join("audio/08a04Wc.wav"), d.join("a.wav")).unwrap();
    std::fs::copy(fixtures().join("audio/codec_flac.flac"), d.join("b.flac")).unwrap();
    std::fs::write(d.join("broken.wav"), b"RIFF\x10\x00\x00\x00WAVEjunkjunk").unwrap();
    let o = bin().arg("classify").arg(&d).output().unwrap();
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(
        lines.iter().any(|l| l.contains("broken.wav\terror\t")),
        "{out}"
    );
    assert!(err.contains("1 input(s) failed"), "{err}");
    // the good clips: a label and four probabilities that sum to one
    for l in lines.iter().filter(|l| !l.contains("broken")) {
        let f: Vec<&str> = l.split('\t').collect();
        assert!(
            ["anger", "happiness", "sadness", "neutral"].contains(&f[1]),
            "{l}"
        );
        let sum: f64 = f[2]
            .split(", ")
            .map(|kv| kv.split(' ').nth(1).unwrap().parse::<f64>().unwrap())
            .sum();
        assert!((sum - 1.0).abs() < 0.02, "{l}");
    }
    // JSON lines, one per clip
    let o = bin()
        .arg("classify")
        .arg(d.join("a.wav"))
        .arg("--json")
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert!(
        v["label"].is_string() && v["probabilities"]["anger"].is_number(),
        "{out}"
    );
}

#[test]
fn train_writes_a_model_that_classify_reads() {
    let d = tmp("train");
    // a manifest over fixture clips: two speakers, two classes
    let a = fixtures().join("audio");
    let m = fixture_manifest(&[
        ("08a04Wc.wav", "s1", "f", "anger"),
        ("codec_flac.flac", "s1", "f", "anger"),
        ("10a07Ta.wav", "s2", "m", "sadness"),
        ("noisy10db.wav", "s2", "m", "sadness"),
        ("pcm24.wav", "s3", "f", "anger"),
        ("rate8k.wav", "s3", "m", "sadness"),
    ]);
    std::fs::write(d.join("m.csv"), m).unwrap();
    let model = d.join("m.safetensors");
    let o = bin()
        .arg("train")
        .arg(d.join("m.csv"))
        .args(["--classes", "anger,sadness", "--store"])
        .arg(d.join("store"))
        .arg("-o")
        .arg(&model)
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}{err}");
    let o = bin()
        .arg("classify")
        .arg(a.join("08a04Wc.wav"))
        .arg("--model")
        .arg(&model)
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        out.contains("\tanger\t") || out.contains("\tsadness\t"),
        "{out}"
    );
    let o = bin().arg("model").arg(&model).output().unwrap();
    let (out, _) = text(&o);
    assert!(
        out.contains("\"classes\"") && out.contains("emo-pipe train"),
        "{out}"
    );
    // a damaged model is refused with its name
    std::fs::write(
        d.join("bad.safetensors"),
        b"\x08\x00\x00\x00\x00\x00\x00\x00{}garbage",
    )
    .unwrap();
    let o = bin()
        .arg("classify")
        .arg(a.join("08a04Wc.wav"))
        .arg("--model")
        .arg(d.join("bad.safetensors"))
        .output()
        .unwrap();
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err.contains("bad.safetensors") && err.contains("not a valid emo-pipe model"),
        "{err}"
    );
}

#[test]
fn classify_reads_an_iemocap_session_and_summarises() {
    let o = bin()
        .arg("classify")
        .arg(fixtures().join("iemocap/Session1"))
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}{err}");
    assert!(err.contains("read as a iemocap corpus"), "{err}");
    assert!(out.contains("UAR") && out.contains("confusion"), "{out}");
}

#[test]
fn killed_train_never_leaves_a_half_written_model() {
    let d = tmp("killtrain");
    let m = fixture_manifest(&[
        ("08a04Wc.wav", "s1", "f", "anger"),
        ("codec_flac.flac", "s1", "f", "neutral"),
        ("10a07Ta.wav", "s2", "m", "sadness"),
        ("noisy10db.wav", "s2", "m", "neutral"),
        ("pcm24.wav", "s3", "f", "anger"),
        ("rate8k.wav", "s3", "m", "sadness"),
    ]);
    std::fs::write(d.join("m.csv"), &m).unwrap();
    let model = d.join("model.safetensors");
    let train = |seed: u64| {
        let mut c = bin();
        c.arg("train")
            .arg(d.join("m.csv"))
            .args([
                "--classes",
                "anger,sadness,neutral",
                "--system",
                "dae",
                "--hidden",
                "300",
                "--batch",
                "2",
            ])
            .args(["--seed", &seed.to_string(), "--store"])
            .arg(d.join("store"))
            .arg("-o")
            .arg(&model);
        c
    };
    assert!(train(1).output().unwrap().status.success());
    let old = std::fs::read(&model).unwrap();
    let valid = |p: &Path| bin().arg("model").arg(p).output().unwrap().status.success();
    for i in 0..8u64 {
        let mut child = train(10 + i).spawn().unwrap();
        let ms = (std::process::id() as u64 * 7 + i * 131) % 1500;
        std::thread::sleep(std::time::Duration::from_millis(ms));
        let _ = child.kill(); // SIGKILL (may already have finished)
        child.wait().unwrap();
        let now = std::fs::read(&model).unwrap();
        assert!(
            valid(&model),
            "attempt {i} (killed after {ms} ms): the model file is not valid"
        );
        if now != old {
            // a complete new model replaced the old one in one step
            assert!(now.len() > 1000);
        }
    }
}

#[test]
fn recordings_over_the_duration_limit_are_refused_by_name() {
    let d = tmp("limit");
    for cmd in ["extract", "classify"] {
        let mut c = bin();
        c.arg(cmd)
            .arg(fixtures().join("audio/08a04Wc.wav"))
            .args(["--max-duration", "1"]);
        if cmd == "extract" {
            c.arg("-o").arg(d.join("f.csv"));
        }
        let o = c.output().unwrap();
        let (out, err) = text(&o);
        assert_eq!(o.status.code(), Some(1), "{cmd}: {out}{err}");
        assert!(
            err.contains("08a04Wc.wav") && err.contains("longer than the limit of 1 s"),
            "{cmd}: {err}"
        );
    }
}

#[test]
fn egemaps_goes_through_streams_segments_and_models() {
    use std::io::Write;
    let d = tmp("egemaps-model");
    let a = fixtures().join("audio");
    let clip = a.join("08a04Wc.wav");
    let run_stdin = |args: &[&str]| {
        let mut c = bin()
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        c.stdin
            .take()
            .unwrap()
            .write_all(&std::fs::read(&clip).unwrap())
            .unwrap();
        c.wait_with_output().unwrap()
    };
    // a stream gives the file's numbers
    let o = bin()
        .args(["extract", "--feature-set", "egemaps"])
        .arg(&clip)
        .arg("-o")
        .arg(d.join("file.csv"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{:?}", text(&o));
    let stdin_csv = d.join("stdin.csv");
    let o = run_stdin(&[
        "extract",
        "--feature-set",
        "egemaps",
        "-",
        "-o",
        stdin_csv.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{:?}", text(&o));
    let values = |p: &Path| {
        let s = std::fs::read_to_string(p).unwrap();
        let row = s.lines().nth(1).unwrap().to_string();
        row.split_once(',').unwrap().1.to_string()
    };
    assert_eq!(values(&d.join("file.csv")), values(&stdin_csv));
    // fixed windows: one row of 88 per whole second
    let o = bin()
        .args([
            "extract",
            "--feature-set",
            "egemaps",
            "--segment",
            "fixed:1,1",
        ])
        .arg(&clip)
        .arg("-o")
        .arg(d.join("seg.csv"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{:?}", text(&o));
    let seg = std::fs::read_to_string(d.join("seg.csv")).unwrap();
    let secs = emo_audio::read_audio(&clip).unwrap().duration().floor() as usize;
    assert_eq!(seg.lines().count(), 1 + secs);
    assert!(seg.lines().all(|l| l.split(',').count() == 3 + 88));
    // the combined set has no LLD level: refused before any work
    let o = bin()
        .args(["extract", "--feature-set", "is10+egemaps", "--lld"])
        .arg(d.join("lld"))
        .arg(&clip)
        .arg("-o")
        .arg(d.join("x.csv"))
        .output()
        .unwrap();
    assert!(!o.status.success() && text(&o).1.contains("functionals only"));
    // IS10's loudness mode means nothing to eGeMAPS: every front end refuses
    // it before any work, instead of ignoring it
    std::fs::write(
        d.join("m.csv"),
        fixture_manifest(&[("08a04Wc.wav", "s1", "f", "anger")]),
    )
    .unwrap();
    let clip_arg = clip.to_str().unwrap();
    for cmd in [
        vec!["extract", clip_arg, "-o", "x.csv"],
        vec!["train", "m.csv", "-o", "x.safetensors"],
        vec!["evaluate", "m.csv"],
    ] {
        let o = bin()
            .current_dir(&d)
            .args(&cmd)
            .args(["--feature-set", "egemaps", "--loudness", "opensmile3"])
            .output()
            .unwrap();
        let err = text(&o).1;
        assert!(
            !o.status.success() && err.contains("--loudness") && err.contains("egemaps has none"),
            "{cmd:?}: {err}"
        );
    }
    assert!(!d.join("x.csv").exists() && !d.join("x.safetensors").exists());
    // a model records its set, and classify extracts it from files and streams
    std::fs::write(
        d.join("m.csv"),
        fixture_manifest(&[
            ("08a04Wc.wav", "s1", "f", "anger"),
            ("codec_flac.flac", "s1", "f", "anger"),
            ("10a07Ta.wav", "s2", "m", "sadness"),
            ("noisy10db.wav", "s2", "m", "sadness"),
        ]),
    )
    .unwrap();
    let model = d.join("m.safetensors");
    let o = bin()
        .arg("train")
        .arg(d.join("m.csv"))
        .args([
            "--feature-set",
            "egemaps",
            "--classes",
            "anger,sadness",
            "--store",
        ])
        .arg(d.join("store"))
        .arg("-o")
        .arg(&model)
        .output()
        .unwrap();
    assert!(o.status.success(), "{:?}", text(&o));
    let (desc, _) = text(&bin().arg("model").arg(&model).output().unwrap());
    assert!(desc.contains("\"feature_set\": \"egemaps\"") && desc.contains("\"n_features\": 88"));
    let o = bin()
        .args(["classify", "--csv", "--segment", "none", "--model"])
        .arg(&model)
        .arg(&clip)
        .output()
        .unwrap();
    let (from_file, err) = text(&o);
    assert!(o.status.success(), "{err}");
    let o = run_stdin(&[
        "classify",
        "--csv",
        "--segment",
        "none",
        "--model",
        model.to_str().unwrap(),
        "-",
    ]);
    let (from_stream, err) = text(&o);
    assert!(o.status.success(), "{err}");
    // the same probabilities for the same audio (the stream's row names it `-`)
    let probs = |s: &str| {
        s.lines()
            .nth(1)
            .unwrap()
            .split(',')
            .skip(3)
            .collect::<Vec<_>>()
            .join(",")
    };
    assert_eq!(probs(&from_file), probs(&from_stream));
    // a table of another width is refused by train, naming both widths
    let o = bin()
        .arg("train")
        .arg(d.join("m.csv"))
        .args(["--classes", "anger,sadness", "--features"])
        .arg(d.join("file.csv"))
        .arg("-o")
        .arg(d.join("bad.safetensors"))
        .output()
        .unwrap();
    let (_, err) = text(&o);
    assert!(
        !o.status.success() && err.contains("88 columns") && err.contains("is10 has 1582"),
        "{err}"
    );
}
