//! Bad and extreme audio: every file gets either a clear error naming it or
//! finite features; nothing panics. (Issue 7 extends this to committed fixtures.)

use emo_audio::ReadOptions;
use emo_features::extract_file;
use emo_lld::Settings;
use std::path::{Path, PathBuf};

fn wav(path: &Path, channels: u16, rate: u32, bits: u16, float: bool, samples: &[f64]) {
    let spec = hound::WavSpec {
        channels,
        sample_rate: rate,
        bits_per_sample: bits,
        sample_format: if float {
            hound::SampleFormat::Float
        } else {
            hound::SampleFormat::Int
        },
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    for &s in samples {
        if float {
            w.write_sample(s as f32).unwrap();
        } else {
            let max = (1i64 << (bits - 1)) - 1;
            w.write_sample((s * max as f64).round() as i32).unwrap();
        }
    }
    w.finalize().unwrap();
}

fn header(channels: u16, rate: u32, bits: u16, data_len: u32) -> Vec<u8> {
    let mut h = Vec::new();
    h.extend_from_slice(b"RIFF");
    h.extend_from_slice(&(36 + data_len).to_le_bytes());
    h.extend_from_slice(b"WAVEfmt ");
    h.extend_from_slice(&16u32.to_le_bytes());
    h.extend_from_slice(&1u16.to_le_bytes());
    h.extend_from_slice(&channels.to_le_bytes());
    h.extend_from_slice(&rate.to_le_bytes());
    let block = channels * bits / 8;
    h.extend_from_slice(&(rate * u32::from(block)).to_le_bytes());
    h.extend_from_slice(&block.to_le_bytes());
    h.extend_from_slice(&bits.to_le_bytes());
    h.extend_from_slice(b"data");
    h.extend_from_slice(&data_len.to_le_bytes());
    h
}

fn tone(n: usize, rate: f64) -> Vec<f64> {
    (0..n)
        .map(|i| 0.5 * (2.0 * std::f64::consts::PI * 200.0 * i as f64 / rate).sin())
        .collect()
}

#[test]
fn bad_and_extreme_inputs_never_panic_or_give_nan() {
    let d = std::env::temp_dir().join(format!("emo-bad-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    let p = |n: &str| d.join(n);
    // files that must be refused with a reason
    std::fs::write(p("empty.wav"), b"").unwrap();
    std::fs::write(p("header_only.wav"), header(1, 16000, 16, 0)).unwrap();
    std::fs::write(p("zero_channels.wav"), header(0, 16000, 16, 0)).unwrap();
    std::fs::write(
        p("zero_rate.wav"),
        [header(1, 0, 16, 4), vec![0, 1, 0, 1]].concat(),
    )
    .unwrap();
    std::fs::write(
        p("not_audio.wav"),
        b"hello, this is a text file pretending to be audio",
    )
    .unwrap();
    let mut x = 12345u64;
    let noise: Vec<u8> = (0..5000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    std::fs::write(p("random.flac"), &noise).unwrap();
    std::fs::write(p("random.mp3"), &noise).unwrap();
    wav(&p("nan.wav"), 1, 16000, 32, true, &[0.1, f64::NAN, 0.2]);
    // files that must give finite features
    let pcm = |v: &[f64]| -> Vec<u8> {
        v.iter()
            .flat_map(|s| ((s * 32767.0) as i16).to_le_bytes())
            .collect()
    };
    let t = tone(16000, 16000.0);
    std::fs::write(
        p("truncated.wav"),
        [header(1, 16000, 16, 32000), pcm(&t[..8000])].concat(),
    )
    .unwrap();
    std::fs::write(
        p("huge_declared.wav"),
        [header(1, 16000, 16, u32::MAX - 100), pcm(&t)].concat(),
    )
    .unwrap();
    wav(&p("one_sample.wav"), 1, 16000, 16, false, &[0.5]);
    wav(&p("20ms.wav"), 1, 16000, 16, false, &t[..320]);
    wav(&p("silence.wav"), 1, 16000, 16, false, &vec![0.0; 32000]);
    wav(&p("dc.wav"), 1, 16000, 16, false, &vec![0.3; 32000]);
    wav(
        &p("clipped.wav"),
        1,
        16000,
        16,
        false,
        &t.iter()
            .map(|v| (v * 8.0).clamp(-1.0, 1.0))
            .collect::<Vec<_>>(),
    );
    wav(&p("pcm8.wav"), 1, 16000, 8, false, &t);
    wav(&p("pcm32.wav"), 1, 16000, 32, false, &t);
    wav(
        &p("six_channels_96k.wav"),
        6,
        96000,
        16,
        false,
        &tone(6 * 96000, 96000.0),
    );
    let stereo: Vec<f64> = t.iter().flat_map(|&v| [v, 0.0]).collect();
    wav(&p("one_silent_channel.wav"), 2, 16000, 16, false, &stereo);

    let refused = [
        "empty",
        "header_only",
        "zero_channels",
        "zero_rate",
        "not_audio",
        "random",
        "nan",
    ];
    let mut files: Vec<PathBuf> = std::fs::read_dir(&d)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for f in &files {
        let name = f.file_stem().unwrap().to_string_lossy().into_owned();
        let r = extract_file(f, &Settings::default(), &ReadOptions::default());
        if refused.iter().any(|r| name.starts_with(r)) {
            let e = r.expect_err(&name).to_string();
            assert!(
                e.contains(&*f.file_name().unwrap().to_string_lossy()),
                "{name}: error must name the file: {e}"
            );
        } else {
            let x = r.unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(x.features.len(), 1582);
            assert!(
                x.features.iter().all(|v| v.is_finite()),
                "{name}: non-finite feature"
            );
        }
    }
    std::fs::remove_dir_all(&d).unwrap();
}
