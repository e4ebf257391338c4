//! Streaming input: every format decodes block by block into exactly the
//! samples a whole-file read gives, a sink can stop decoding early, and
//! extraction from a stream equals extraction from samples in memory.

use emo_audio::{read_audio, stream_audio, ReadOptions};
use emo_lld::Settings;
use emo_pipe_suite::fixtures;
use std::ops::ControlFlow;

const FILES: [&str; 8] = [
    "08a04Wc.wav",
    "pcm24.wav",
    "float32.wav",
    "stereo48k.wav",
    "rate8k.wav",
    "codec_flac.flac",
    "codec_mp3.mp3",
    "codec_ogg.ogg",
];

#[test]
fn blocks_concatenate_to_the_whole_file() {
    for f in FILES {
        let path = fixtures().join("audio").join(f);
        let whole = read_audio(&path).unwrap();
        let (mut got, mut blocks) = (Vec::new(), 0);
        let info = stream_audio(&path, &ReadOptions::default(), &mut |rate, b| {
            assert_eq!(rate, whole.sample_rate);
            got.extend_from_slice(b);
            blocks += 1;
            ControlFlow::Continue(())
        })
        .unwrap();
        assert_eq!(got, whole.samples, "{f}");
        assert_eq!(info.frames, whole.samples.len());
        assert_eq!(info.channels, whole.channels);
        assert!(blocks >= 1);
    }
}

/// Long stereo WAVs in the three sample formats WAV decoding reads block by
/// block (16-bit, 24-bit, 32-bit float), several blocks long and the 16-bit one
/// cut inside its last frame: streamed samples equal a plain per-sample
/// mixdown (mean of the channels, then openSMILE's integer divisor) of what
/// hound reads, so no block boundary drops, repeats or splits a frame.
#[test]
fn long_files_decode_across_block_boundaries() {
    let dir = std::env::temp_dir().join(format!("emo-streaming-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let frames = 150_001usize; // more than two 65,536-frame blocks
    let wave = |i: usize, ch: usize| ((i * (7 + 5 * ch)) % 2001) as f64 / 1000.0 - 1.0;
    for (bits, float, scale) in [
        (16u16, false, 32767.0f32),
        (24, false, 32767.0 * 256.0),
        (32, true, 1.0),
    ] {
        let path = dir.join(format!("long{bits}.wav"));
        let spec = stereo_16k(bits, float);
        let mut w = hound::WavWriter::create(&path, spec).unwrap();
        let full = f64::from((1u32 << (bits - 1)) - 1);
        for i in 0..frames {
            for ch in 0..2 {
                if float {
                    w.write_sample(wave(i, ch) as f32).unwrap();
                } else {
                    w.write_sample((wave(i, ch) * full) as i32).unwrap();
                }
            }
        }
        w.finalize().unwrap();
        let mut complete = frames;
        if bits == 16 {
            // cut one byte: the last frame is incomplete and must be dropped
            let len = std::fs::metadata(&path).unwrap().len();
            std::fs::OpenOptions::new()
                .write(true)
                .open(&path)
                .unwrap()
                .set_len(len - 1)
                .unwrap();
            complete -= 1;
        }
        let expected: Vec<f32> = if float {
            let x: Vec<f32> = hound::WavReader::open(&path)
                .unwrap()
                .samples::<f32>()
                .map(|v| v.unwrap())
                .collect();
            x.chunks_exact(2).map(|f| (f[0] + f[1]) / 2.0).collect()
        } else {
            let x: Vec<i32> = hound::WavReader::open(&path)
                .unwrap()
                .samples::<i32>()
                .map_while(Result::ok)
                .collect();
            x.chunks_exact(2)
                .map(|f| (f[0] as f32 + f[1] as f32) / 2.0 / scale)
                .collect()
        };
        assert_eq!(expected.len(), complete, "{bits}-bit oracle");
        let (mut got, mut blocks) = (Vec::new(), 0);
        let info = stream_audio(&path, &ReadOptions::default(), &mut |_, b| {
            got.extend_from_slice(b);
            blocks += 1;
            ControlFlow::Continue(())
        })
        .unwrap();
        assert!(blocks >= 3, "{bits}-bit: {blocks} blocks");
        assert_eq!(info.frames, complete, "{bits}-bit");
        assert_eq!(got, expected, "{bits}-bit");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_sink_can_stop_decoding() {
    let path = fixtures().join("audio/stereo48k.wav");
    let total = read_audio(&path).unwrap().samples.len();
    let mut calls = 0;
    let info = stream_audio(&path, &ReadOptions::default(), &mut |_, _| {
        calls += 1;
        ControlFlow::Break(())
    })
    .unwrap();
    assert_eq!(calls, 1);
    assert!(info.frames < total, "{} of {total}", info.frames);
}

#[test]
fn streamed_extraction_equals_extraction_in_memory() {
    let settings = Settings::default();
    for f in FILES {
        let path = fixtures().join("audio").join(f);
        let a = read_audio(&path).unwrap();
        let mem = emo_features::extract_samples(&a.samples, a.sample_rate, &settings)
            .unwrap()
            .features;
        let streamed =
            emo_features::extract_file(&path, &settings, &ReadOptions::default()).unwrap();
        assert_eq!(streamed.features, mem, "{f}");
        assert_eq!(streamed.duration_sec, a.duration());
    }
}

/// eGeMAPS through every reader: the file streamed through the set seam
/// equals its samples analysed in memory, for eGeMAPS alone and beside IS10.
#[test]
fn streamed_egemaps_equals_egemaps_in_memory() {
    use emo_features::sets::{extract_file, extract_samples, Choice, SetName};
    for set in [SetName::Egemaps, SetName::Is10Egemaps] {
        let choice = Choice::new(set, Default::default()).unwrap();
        for f in FILES {
            let path = fixtures().join("audio").join(f);
            let a = read_audio(&path).unwrap();
            let mem = extract_samples(&a.samples, a.sample_rate, &choice, &path).unwrap();
            let streamed = extract_file(&path, &choice, &ReadOptions::default()).unwrap();
            assert_eq!(streamed.features(), mem.features(), "{set} {f}");
            assert_eq!(streamed.frames_and_rate(), mem.frames_and_rate());
        }
    }
}

fn egemaps_in_blocks(x: &[f32], rate: u32, sizes: &[usize]) -> emo_egemaps::Llds {
    let mut e = emo_egemaps::Extractor::new(rate).unwrap();
    let (mut at, mut i) = (0, 0);
    while at < x.len() {
        let n = sizes[i % sizes.len()].min(x.len() - at);
        e.push(&x[at..at + n]);
        at += n;
        i += 1;
    }
    e.finish()
}

/// Any split of the samples into blocks gives the eGeMAPS contours of one
/// block, bit for bit, at every fixture's rate and on a recording long enough
/// (a clip five times over) that the extractor drops samples between blocks.
#[test]
fn egemaps_contours_do_not_depend_on_the_blocks() {
    let clip = read_audio(&fixtures().join("audio").join("08a04Wc.wav")).unwrap();
    let long: Vec<f32> = clip.samples.repeat(5);
    let mut inputs = vec![(long, clip.sample_rate)];
    for f in FILES {
        let a = read_audio(&fixtures().join("audio").join(f)).unwrap();
        inputs.push((a.samples, a.sample_rate));
    }
    for (x, rate) in &inputs {
        let whole = egemaps_in_blocks(x, *rate, &[x.len()]);
        let f0 = &whole.raw[emo_egemaps::N_SPECTRAL];
        let jitter = &whole.raw[emo_egemaps::N_SPECTRAL + 1];
        assert!(f0.iter().any(|&v| v > 0.0), "no voiced frame at {rate} Hz");
        assert!(jitter.iter().any(|&v| v > 0.0), "no jitter at {rate} Hz");
        for sizes in [&[1usize, 7, 160, 999][..], &[4093], &[65536, 3]] {
            let split = egemaps_in_blocks(x, *rate, sizes);
            let what = format!("{rate} Hz, {} samples, blocks {sizes:?}", x.len());
            assert_eq!(split.columns(), whole.columns(), "{what}");
            assert_eq!(split.raw, whole.raw, "{what}");
            assert_eq!(split.energy, whole.energy, "{what}");
            assert_eq!(split.split, whole.split, "{what}");
        }
    }
}

/// Ten times the long clip in 20 ms blocks: the extractor holds a bounded
/// window of samples, never the recording.
#[test]
fn egemaps_holds_a_bounded_window_of_samples() {
    let clip = read_audio(&fixtures().join("audio").join("08a04Wc.wav")).unwrap();
    let rate = clip.sample_rate;
    let mut e = emo_egemaps::Extractor::new(rate).unwrap();
    let mut most = 0;
    for _ in 0..50 {
        for block in clip.samples.chunks(320) {
            e.push(block);
            most = most.max(e.held());
        }
    }
    let frame = (0.06 * f64::from(rate)) as usize;
    // the drain step (2^16) twice over plus the undecided pitch frames
    // (40 of 10 ms) and one 60 ms frame, never the samples pushed
    assert!(
        most <= 2 * (1 << 16) + rate as usize * 4 / 10 + 2 * frame,
        "held {most} of {} samples",
        50 * clip.samples.len()
    );
    let llds = e.finish();
    let (_, g60) = emo_egemaps::geometries(rate).unwrap();
    assert_eq!(
        llds.rows(),
        emo_egemaps::row_count(50 * clip.samples.len(), g60)
    );
}

/// A segment's samples are exactly the whole file's samples from
/// `round(start·rate)` for `round((end−start)·rate)` samples, in every format
/// (WAV seeks to the segment; compressed formats drop what comes before it).
#[test]
fn segments_are_the_whole_files_samples_cut_out() {
    use emo_audio::Span;
    for f in FILES {
        let path = fixtures().join("audio").join(f);
        let whole = read_audio(&path).unwrap();
        let rate = whole.sample_rate;
        for (start, end) in [(0.5, Some(1.25)), (0.123456, None), (0.0, Some(0.3))] {
            let span = Span::new(start, end).unwrap();
            let read = ReadOptions {
                span,
                ..Default::default()
            };
            let seg = emo_audio::read_audio_with(&path, &read).unwrap();
            let (first, len) = span.frames(rate);
            let first = first as usize;
            let last = len.map_or(whole.samples.len(), |l| first + l as usize);
            assert_eq!(
                seg.samples,
                whole.samples[first..last],
                "{f} {start}-{end:?}"
            );
        }
        // past the end: a named error, not an empty signal
        let read = ReadOptions {
            span: Span::new(100.0, None).unwrap(),
            ..Default::default()
        };
        let e = emo_audio::read_audio_with(&path, &read)
            .unwrap_err()
            .to_string();
        assert!(e.contains(f) && e.contains("holds no audio samples"), "{e}");
    }
}

/// Segments of long WAVs (16-bit through the block reader, float through the
/// sample iterator) cross block boundaries and still equal the cut-out samples.
#[test]
fn segments_of_long_files_cross_block_boundaries() {
    use emo_audio::Span;
    let dir = std::env::temp_dir().join(format!("emo-segments-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (bits, float) in [(16u16, false), (32, true)] {
        let path = dir.join(format!("long{bits}.wav"));
        let spec = stereo_16k(bits, float);
        let mut w = hound::WavWriter::create(&path, spec).unwrap();
        for i in 0..300_000i32 {
            for ch in 0..2 {
                let v = ((i * (3 + ch)) % 20001 - 10000) as f32 / 10000.0;
                if float {
                    w.write_sample(v).unwrap();
                } else {
                    w.write_sample((v * 32000.0) as i16).unwrap();
                }
            }
        }
        w.finalize().unwrap();
        let whole = read_audio(&path).unwrap();
        let span = Span::new(3.3, Some(14.05)).unwrap();
        let read = ReadOptions {
            span,
            ..Default::default()
        };
        let seg = emo_audio::read_audio_with(&path, &read).unwrap();
        assert_eq!(seg.samples, whole.samples[52_800..224_800], "{bits}-bit");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Channel selection: one channel of a stereo file is that channel's samples;
/// every channel selected is the default mixdown.
#[test]
fn selected_channels_of_a_stereo_file() {
    use emo_audio::Channels;
    let path = fixtures().join("audio").join("stereo48k.wav");
    let raw: Vec<i32> = hound::WavReader::open(&path)
        .unwrap()
        .samples::<i32>()
        .map(|v| v.unwrap())
        .collect();
    let read = |channels| {
        emo_audio::read_audio_with(
            &path,
            &ReadOptions {
                channels,
                ..Default::default()
            },
        )
        .unwrap()
        .samples
    };
    for c in 0..2 {
        let expect: Vec<f32> = raw.chunks_exact(2).map(|f| f[c] as f32 / 32767.0).collect();
        assert_eq!(read(Channels::one(c).unwrap()), expect, "channel {c}");
    }
    assert_eq!(read(Channels::of(&[0, 1]).unwrap()), read(Channels::All));
    let e = emo_audio::read_audio_with(
        &path,
        &ReadOptions {
            channels: Channels::one(2).unwrap(),
            ..Default::default()
        },
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("stereo48k.wav") && e.contains("channel 2"),
        "{e}"
    );
}

/// A 16 kHz two-channel WAV layout of `bits` bits, integer or float.
fn stereo_16k(bits: u16, float: bool) -> hound::WavSpec {
    hound::WavSpec {
        channels: 2,
        sample_rate: 16000,
        bits_per_sample: bits,
        sample_format: if float {
            hound::SampleFormat::Float
        } else {
            hound::SampleFormat::Int
        },
    }
}
