//! The 88 eGeMAPS v02 functionals (Eyben et al. 2016, §3.2 and Table 1) of a
//! recording's LLDs, in openSMILE's order and with its names.

use crate::{quirks, Llds, N_SPECTRAL};
use emo_dsp::smoothing::moving_average3;
use emo_functionals::peaks::peak_stats;
use emo_functionals::segments::{length_stats, segment_lengths, SegmentKind};
use emo_functionals::{mean, moments, percentile};

/// Frame period of every contour (s).
const PERIOD: f32 = 0.01;
/// Peaks must rise or fall by this share of the contour's range.
const PEAK_THRESHOLD: f32 = 0.1;
/// F0 (semitones) above which a frame counts as voiced.
const VOICED: f32 = 0.000001;
/// Segments need 3 frames; pauses 2.
const MIN_SEGMENT: usize = 3;
const MIN_PAUSE: usize = 2;

/// Number of features.
pub const N_FUNCTIONALS: usize = 88;

/// The 88 names in openSMILE's order.
pub fn names() -> Vec<String> {
    let mut v = Vec::with_capacity(N_FUNCTIONALS);
    let full = |v: &mut Vec<String>, base: &str| {
        for f in [
            "amean",
            "stddevNorm",
            "percentile20.0",
            "percentile50.0",
            "percentile80.0",
            "pctlrange0-2",
            "meanRisingSlope",
            "stddevRisingSlope",
            "meanFallingSlope",
            "stddevFallingSlope",
        ] {
            v.push(format!("{base}_{f}"));
        }
    };
    full(&mut v, "F0semitoneFrom27.5Hz_sma3nz");
    full(&mut v, "loudness_sma3");
    let two = |v: &mut Vec<String>, base: &str| {
        v.push(format!("{base}_amean"));
        v.push(format!("{base}_stddevNorm"));
    };
    for b in ["spectralFlux", "mfcc1", "mfcc2", "mfcc3", "mfcc4"] {
        two(&mut v, &format!("{b}_sma3"));
    }
    for b in VOICE_NAMES {
        two(&mut v, &format!("{b}_sma3nz"));
    }
    for b in VOICED_SPECTRAL {
        two(&mut v, &format!("{b}_sma3nz"));
    }
    for b in UNVOICED_SPECTRAL {
        v.push(format!("{b}_sma3nz_amean"));
    }
    v.extend(TEMPORAL_NAMES.map(String::from));
    v
}

/// The last seven features: the temporal ones and the equivalent sound level,
/// named without an LLD.
pub const TEMPORAL_NAMES: [&str; 7] = [
    "loudnessPeaksPerSec",
    "VoicedSegmentsPerSec",
    "MeanVoicedSegmentLengthSec",
    "StddevVoicedSegmentLengthSec",
    "MeanUnvoicedSegmentLength",
    "StddevUnvoicedSegmentLength",
    "equivalentSoundLevel_dBp",
];

const VOICE_NAMES: [&str; 14] = [
    "jitterLocal",
    "shimmerLocaldB",
    "HNRdBACF",
    "logRelF0-H1-H2",
    "logRelF0-H1-A3",
    "F1frequency",
    "F1bandwidth",
    "F1amplitudeLogRelF0",
    "F2frequency",
    "F2bandwidth",
    "F2amplitudeLogRelF0",
    "F3frequency",
    "F3bandwidth",
    "F3amplitudeLogRelF0",
];
const VOICED_SPECTRAL: [&str; 9] = [
    "alphaRatioV",
    "hammarbergIndexV",
    "slopeV0-500",
    "slopeV500-1500",
    "spectralFluxV",
    "mfcc1V",
    "mfcc2V",
    "mfcc3V",
    "mfcc4V",
];
const UNVOICED_SPECTRAL: [&str; 5] = [
    "alphaRatioUV",
    "hammarbergIndexUV",
    "slopeUV0-500",
    "slopeUV500-1500",
    "spectralFluxUV",
];

/// Arithmetic mean (summed in double, rounded to `f32`) and the standard
/// deviation divided by the mean (by 1 where the mean is 0; signed, as
/// eGeMAPS's compatible setting has it).
pub fn mean_stddev_norm(x: &[f32]) -> (f32, f32) {
    if x.is_empty() {
        return (0.0, 0.0);
    }
    let m = mean(x);
    let (sd, _, _) = moments(x, m);
    let d = if m == 0.0 { 1.0 } else { f64::from(m) };
    (m, (sd / d) as f32)
}

fn nonzero(x: &[f32]) -> Vec<f32> {
    x.iter().copied().filter(|&v| v != 0.0).collect()
}

/// amean, stddevNorm, percentiles 20/50/80, range 20-80 and the slopes.
fn full_set(x: &[f32], out: &mut Vec<f32>) {
    let (mean, sn) = mean_stddev_norm(x);
    let mut sorted = x.to_vec();
    sorted.sort_by(f32::total_cmp);
    let p: Vec<f32> = [0.2, 0.5, 0.8]
        .iter()
        .map(|&q| percentile(&sorted, q) as f32)
        .collect();
    let s = peak_stats(x, PEAK_THRESHOLD, PERIOD);
    out.extend([
        mean,
        sn,
        p[0],
        p[1],
        p[2],
        (p[2] - p[0]).abs(),
        s.mean_rising,
        s.stddev_rising,
        s.mean_falling,
        s.stddev_falling,
    ]);
}

/// The 88 features of a recording's LLDs.
pub fn functionals(l: &Llds) -> Vec<f32> {
    let mut out = Vec::with_capacity(N_FUNCTIONALS);
    let n20 = l.raw.first().map_or(0, Vec::len);
    let f0 = &l.raw[N_SPECTRAL];
    let n60 = f0.len();
    let voice_rows = n60 + usize::from(n60 > 0);
    // the voice functionals see the rows smoothed before the end-of-input
    // flush (quirks::smooth_voice_contour): up to and including the split
    let seen = l.split.map_or(voice_rows, |s| (s + 1).min(voice_rows));
    let voice_smooth = |c: &[f32]| {
        let mut y = quirks::smooth_voice_contour(c, voice_rows, l.split);
        y.truncate(seen);
        y
    };
    let spectral = |i: usize| moving_average3(&l.raw[i], n20);

    let f0_smooth = voice_smooth(f0);
    full_set(&nonzero(&f0_smooth), &mut out);
    let loudness = spectral(0);
    full_set(&loudness, &mut out);
    for i in 5..N_SPECTRAL {
        let (m, s) = mean_stddev_norm(&spectral(i));
        out.extend([m, s]);
    }
    // voice contours over voiced frames; the formants are zeroed where unvoiced
    for c in 1..15 {
        let mut raw = l.raw[N_SPECTRAL + c].clone();
        let formant_column = (6..15).contains(&c) && (c - 6) % 3 != 2;
        if formant_column {
            for (v, &f) in raw.iter_mut().zip(f0) {
                if f <= VOICED {
                    *v = 0.0;
                }
            }
        }
        let (m, s) = mean_stddev_norm(&nonzero(&voice_smooth(&raw)));
        out.extend([m, s]);
    }
    // spectral descriptors of voiced and of unvoiced frames
    let gated = |i: usize, voiced: bool| -> Vec<f32> {
        l.raw[i]
            .iter()
            .take(n60)
            .zip(f0)
            .map(|(&v, &f)| if (f > VOICED) == voiced { v } else { 0.0 })
            .collect()
    };
    for i in 1..N_SPECTRAL {
        let (m, s) = mean_stddev_norm(&nonzero(&voice_smooth(&gated(i, true))));
        out.extend([m, s]);
    }
    for i in 1..6 {
        let (m, _) = mean_stddev_norm(&nonzero(&voice_smooth(&gated(i, false))));
        out.push(m);
    }
    // temporal: loudness peaks, voiced and unvoiced segments
    let s = peak_stats(&loudness, PEAK_THRESHOLD, PERIOD);
    out.push(per_second(s.n_peaks, loudness.len()));
    let voiced = segment_lengths(
        &f0_smooth,
        0.0,
        SegmentKind::NotEqual,
        MIN_SEGMENT,
        MIN_PAUSE,
    );
    let (vm, vs) = length_stats(&voiced);
    out.push(per_second(voiced.len(), f0_smooth.len()));
    out.extend([vm * PERIOD, vs * PERIOD]);
    let pauses = segment_lengths(&f0_smooth, 0.0, SegmentKind::Equal, MIN_SEGMENT, MIN_PAUSE);
    let (pm, ps) = length_stats(&pauses);
    out.extend([pm * PERIOD, ps * PERIOD]);
    let (e, _) = mean_stddev_norm(&l.energy);
    out.push((10.0 / std::f64::consts::LN_10 * f64::from(e.max(1e-12)).ln()) as f32);
    for v in out.iter_mut() {
        if !v.is_finite() {
            *v = 0.0;
        }
    }
    out
}

fn per_second(count: usize, frames: usize) -> f32 {
    if frames == 0 {
        0.0
    } else {
        count as f32 / (frames as f32 * PERIOD)
    }
}
