//! Long recordings through the binary: voice-activity and fixed segments,
//! windowed features that equal the segment cut out as its own file, the
//! automatic cut of long files, and audio streamed on stdin.

mod common;

use common::{bin, text, tmp};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn read_clip(name: &str) -> Vec<i16> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/audio")
        .join(name);
    hound::WavReader::open(p)
        .unwrap()
        .into_samples::<i16>()
        .map(Result::unwrap)
        .collect()
}

/// `repeats` rounds of three EmoDB fixture clips (16 kHz), each followed by
/// a pause of quiet noise (about −66 dBFS) of 0.6-1.4 s; the samples and each
/// clip's (start, end) in seconds.
fn recording(repeats: usize) -> (Vec<i16>, Vec<(f64, f64)>) {
    let clips = ["08a04Wc.wav", "10a07Ta.wav", "13a01Ea.wav"].map(read_clip);
    let mut state = 12345u32;
    let mut noise = |n: usize, x: &mut Vec<i16>| {
        for _ in 0..n {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            x.push(((state >> 16) as i32 % 33 - 16) as i16);
        }
    };
    let mut x = Vec::new();
    let mut truth = Vec::new();
    noise(16000, &mut x);
    for r in 0..repeats {
        for (k, c) in clips.iter().enumerate() {
            let start = x.len();
            x.extend_from_slice(c);
            truth.push((start as f64 / 16000.0, x.len() as f64 / 16000.0));
            noise(9600 + 3200 * ((r + k) % 3), &mut x);
        }
    }
    (x, truth)
}

fn write_wav(path: &Path, x: &[i16]) {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 16000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    for &v in x {
        w.write_sample(v).unwrap();
    }
    w.finalize().unwrap();
}

/// A WAV stream as `ffmpeg -f wav -` writes one to a pipe: sizes unknown.
fn wav_stream(x: &[i16]) -> Vec<u8> {
    let mut h = Vec::new();
    h.extend_from_slice(b"RIFF\xff\xff\xff\xffWAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00");
    h.extend_from_slice(&16000u32.to_le_bytes());
    h.extend_from_slice(&32000u32.to_le_bytes());
    h.extend_from_slice(b"\x02\x00\x10\x00data\xff\xff\xff\xff");
    h.extend(x.iter().flat_map(|v| v.to_le_bytes()));
    h
}

fn run_with_stdin(cmd: &mut Command, input: Vec<u8>) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

/// (start, end) of each line of `classify` text output for a cut file.
fn segment_times(stdout: &str) -> Vec<(f64, f64)> {
    stdout
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f.len() == 5).then(|| (f[1].parse().unwrap(), f[2].parse().unwrap()))
        })
        .collect()
}

/// Writes recording 1 into `d` and runs `classify --segment vad` on it:
/// (its path, samples, clip times, the run).
fn classify_recording(d: &Path) -> (PathBuf, Vec<i16>, Vec<(f64, f64)>, Output) {
    let (x, truth) = recording(1);
    let rec = d.join("rec.wav");
    write_wav(&rec, &x);
    let o = bin()
        .args(["classify", "--segment", "vad"])
        .arg(&rec)
        .output()
        .unwrap();
    (rec, x, truth, o)
}

#[test]
fn vad_finds_each_clip_and_a_segment_row_is_the_segment_cut_out() {
    let d = tmp("vad");
    let (rec, x, truth, o) = classify_recording(&d);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    let times = segment_times(&out);
    assert_eq!(times.len(), truth.len(), "{out}");
    for ((a, b), (ta, tb)) in times.iter().zip(&truth) {
        assert!(
            (a - ta).abs() < 0.25 && (b - tb).abs() < 0.25,
            "{times:?} vs {truth:?}"
        );
    }

    // windowed features: the second segment's row against that segment as a file
    let table = d.join("seg.csv");
    let o = bin()
        .args(["extract", "--segment", "vad", "-o"])
        .arg(&table)
        .arg(&rec)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o).1);
    let csv = std::fs::read_to_string(&table).unwrap();
    let mut lines = csv.lines();
    assert!(lines
        .next()
        .unwrap()
        .starts_with("name,start,end,pcm_loudness_sma_max"));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), truth.len());
    let (start, end): (f64, f64) = (rows[1][1].parse().unwrap(), rows[1][2].parse().unwrap());
    let cut = d.join("cut.wav");
    write_wav(
        &cut,
        &x[(start * 16000.0).round() as usize..(end * 16000.0).round() as usize],
    );
    let one = d.join("one.csv");
    let o = bin()
        .args(["extract", "-o"])
        .arg(&one)
        .arg(&cut)
        .output()
        .unwrap();
    assert!(o.status.success());
    let one = std::fs::read_to_string(&one).unwrap();
    let row: Vec<&str> = one.lines().nth(1).unwrap().split(',').collect();
    assert_eq!(row.len() + 2, rows[1].len());
    assert_eq!(
        &row[1..],
        &rows[1][3..],
        "segment row differs from the cut-out file"
    );
}

#[test]
fn long_files_are_cut_by_default_with_a_note_and_short_ones_are_not() {
    let d = tmp("auto");
    let (x, truth) = recording(3);
    assert!(x.len() > 20 * 16000);
    let rec = d.join("long.wav");
    write_wav(&rec, &x);
    let o = bin()
        .args(["classify", "--csv"])
        .arg(&rec)
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("longer than 20 s") && err.contains("--segment none"),
        "{err}"
    );
    assert!(out.starts_with("file,start,end,label,anger,happiness,sadness,neutral\n"));
    assert_eq!(out.lines().count(), 1 + truth.len(), "{out}");
    // --segment none: the file as a whole
    let o = bin()
        .args(["classify", "--segment", "none"])
        .arg(&rec)
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert_eq!(out.lines().count(), 1);
    assert!(!err.contains("longer than"));
    // raising --max-utterance keeps it whole too
    let o = bin()
        .args(["classify", "--max-utterance", "100", "--json"])
        .arg(&rec)
        .output()
        .unwrap();
    let out = text(&o).0;
    assert_eq!(out.lines().count(), 1);
    assert!(!out.contains("\"start\""));
    // fixed windows: 3 s every 1 s
    let o = bin()
        .args(["classify", "--segment", "fixed:3,1", "--json"])
        .arg(&rec)
        .output()
        .unwrap();
    let out = text(&o).0;
    let dur = x.len() as f64 / 16000.0;
    assert_eq!(out.lines().count(), (dur - 3.0).floor() as usize + 1);
    assert!(
        out.lines().nth(2).unwrap().contains("\"start\":2.0"),
        "{out}"
    );
    // a window longer than the file is an error naming it
    let o = bin()
        .args(["extract", "--segment", "fixed:100,1", "-o"])
        .arg(d.join("t.csv"))
        .arg(&rec)
        .output()
        .unwrap();
    let err = text(&o).1;
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err.contains("long.wav") && err.contains("longer than the recording"),
        "{err}"
    );
}

#[test]
fn a_stream_on_stdin_gives_the_file_s_segments_and_a_cut_stream_keeps_what_was_decided() {
    let d = tmp("stdin");
    let (_, x, _, o) = classify_recording(&d);
    let from_file = segment_times(&text(&o).0);

    let o = run_with_stdin(
        bin().args(["classify", "-", "--segment", "vad"]),
        wav_stream(&x),
    );
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    assert_eq!(segment_times(&out), from_file);
    assert!(out.lines().all(|l| l.starts_with("-\t")));

    // raw PCM
    let raw: Vec<u8> = x.iter().flat_map(|v| v.to_le_bytes()).collect();
    let o = run_with_stdin(
        bin().args([
            "classify",
            "-",
            "--segment",
            "vad",
            "--raw",
            "s16le:16000:1",
        ]),
        raw,
    );
    assert_eq!(segment_times(&text(&o).0), from_file);

    // cut inside the last clip, mid-sample: the earlier segments, then the error
    let mut cut = wav_stream(&x[..(from_file[2].0 * 16000.0) as usize + 8000]);
    cut.push(7);
    let o = run_with_stdin(bin().args(["classify", "-", "--segment", "vad"]), cut);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert_eq!(segment_times(&out).len(), 3, "{out}");
    assert!(
        err.contains("<stdin>") && err.contains("cut short"),
        "{err}"
    );

    // bad headers and specs
    let o = run_with_stdin(bin().args(["classify", "-"]), b"RIFF\0\0".to_vec());
    let err = text(&o).1;
    assert_eq!(o.status.code(), Some(1));
    assert!(err.contains("inside its WAV header"), "{err}");
    let mut absurd = wav_stream(&x[..100]);
    absurd[24..28].copy_from_slice(&4_000_000_000u32.to_le_bytes());
    let err = text(&run_with_stdin(bin().args(["classify", "-"]), absurd)).1;
    assert!(err.contains("4000000000 Hz"), "{err}");
    let o = bin()
        .args(["classify", "-", "--raw", "s16le:16k:1"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("'16k' is not a rate"));

    // extract from stdin: one row per segment
    let table = d.join("t.csv");
    let o = run_with_stdin(
        bin()
            .args(["extract", "-", "--segment", "vad", "-o"])
            .arg(&table),
        wav_stream(&x),
    );
    assert!(o.status.success(), "{}", text(&o).1);
    let csv = std::fs::read_to_string(&table).unwrap();
    assert_eq!(csv.lines().count(), 1 + from_file.len());
    assert!(csv.lines().nth(1).unwrap().starts_with("-,"));
}

/// `extract -` without `--segment` analyses the stream as it arrives (never
/// collected whole): one row with the numbers of the same samples as a file,
/// for IS10, eGeMAPS and both; a stream cut short still gives the row of the
/// samples that came, then the error.
#[test]
fn a_whole_stream_on_stdin_equals_its_file_and_a_cut_one_keeps_its_row() {
    let d = tmp("stdin-whole");
    let (x, _) = recording(1);
    let features = |csv: &Path| -> Vec<String> {
        let s = std::fs::read_to_string(csv).unwrap();
        assert_eq!(s.lines().count(), 2, "{s}");
        let row = s.lines().nth(1).unwrap();
        row.split(',').skip(1).map(str::to_owned).collect()
    };
    let (file, table) = (d.join("rec.wav"), d.join("t.csv"));
    // the row of `samples` written as a file
    let of_file = |set: &str, samples: &[i16]| {
        write_wav(&file, samples);
        let o = bin()
            .args(["extract", "--feature-set", set, "-o"])
            .arg(&table)
            .arg(&file)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", text(&o).1);
        features(&table)
    };
    let cut_at = x.len() / 2 + 123;
    for set in ["is10", "egemaps", "is10+egemaps"] {
        let from_file = of_file(set, &x);

        let o = run_with_stdin(
            bin()
                .args(["extract", "--feature-set", set, "-", "-o"])
                .arg(&table),
            wav_stream(&x),
        );
        assert!(o.status.success(), "{set}: {}", text(&o).1);
        assert_eq!(features(&table), from_file, "{set}");

        // cut mid-sample: the row of the samples before the cut, exit 1
        let first_half = of_file(set, &x[..cut_at]);
        let mut cut = wav_stream(&x[..cut_at]);
        cut.push(7);
        let o = run_with_stdin(
            bin()
                .args(["extract", "--feature-set", set, "-", "-o"])
                .arg(&table),
            cut,
        );
        let err = text(&o).1;
        assert_eq!(o.status.code(), Some(1), "{set}: {err}");
        assert!(
            err.contains("<stdin>") && err.contains("cut short"),
            "{err}"
        );
        assert_eq!(features(&table), first_half, "{set}");
    }
}
