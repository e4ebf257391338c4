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
        let (mem, _) = emo_features::extract_samples(&a.samples, a.sample_rate, &settings).unwrap();
        let streamed =
            emo_features::extract_file(&path, &settings, &ReadOptions::default()).unwrap();
        assert_eq!(streamed.features, mem, "{f}");
        assert_eq!(streamed.duration_sec, a.duration());
    }
}
