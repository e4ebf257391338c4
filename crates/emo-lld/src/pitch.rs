//! The 60 ms branch: pitch candidates by subharmonic summation, then the pitch
//! smoother that yields F0final, F0finEnv and voicingFinalUnclipped.

use crate::settings::Variant;
pub use emo_dsp::pitch::PitchAnalyzer;
use emo_dsp::pitch::PitchOptions;
use emo_dsp::shs::{LogScaleOptions, ShsOptions};
use emo_dsp::FrameGeometry;

/// The IS10 variant's pitch analyser on 60 ms frames.
pub(crate) fn pitch_analyzer(geometry: FrameGeometry, v: &Variant) -> PitchAnalyzer {
    PitchAnalyzer::new(
        geometry,
        PitchOptions {
            frame_sec: 0.060,
            window_sigma: 0.25,
            symmetric_padding: v.symmetric_padding,
            scale: LogScaleOptions {
                min_hz: v.shs_min_hz,
                enhance_peaks: v.shs_spectrum_shaping,
                smooth: v.shs_spectrum_shaping,
                auditory_weighting: v.shs_spectrum_shaping,
            },
            shs: ShsOptions {
                harmonics: 15,
                compression: 0.85,
                candidates: v.shs_candidates,
                greedy: v.shs_greedy,
                min_pitch: 52.0,
                max_pitch: 620.0,
            },
        },
    )
}

/// Output of the pitch smoother for one frame.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SmoothedPitch {
    pub f0_final: f32,
    pub f0_envelope: f32,
    pub voicing: f32,
}

/// Removes one-frame voiced blips (a voiced frame between unvoiced ones) and
/// undoes octave jumps that do not persist. (Its rule for filling one-frame
/// unvoiced gaps can never fire, as in openSMILE: the state it waits for is
/// overwritten first.) It runs one frame behind its input:
/// the first input frame yields no output, and output k describes input frame k.
pub fn smooth_pitch(best: &[(f32, f32)], voicing_cutoff: f32) -> Vec<SmoothedPitch> {
    let mut s = PitchSmoother::new(voicing_cutoff);
    best.iter().filter_map(|&(f0, v)| s.push(f0, v)).collect()
}

/// [`smooth_pitch`] one frame at a time, for streaming.
#[derive(Debug, Clone)]
pub struct PitchSmoother {
    voicing_cutoff: f32,
    started: bool,
    last: f32,
    last_voice: f32,
    env: f32,
    ons: i8,
    ons_octave: i8,
}

impl PitchSmoother {
    pub fn new(voicing_cutoff: f32) -> Self {
        PitchSmoother {
            voicing_cutoff,
            started: false,
            last: 0.0,
            last_voice: 0.0,
            env: 0.0,
            ons: 0,
            ons_octave: 0,
        }
    }

    /// Takes the best candidate of the next frame; returns the smoothed
    /// previous frame (nothing for the very first input).
    pub fn push(&mut self, f0: f32, voicing: f32) -> Option<SmoothedPitch> {
        if !self.started {
            self.started = true;
            return None;
        }
        let p = if voicing > self.voicing_cutoff {
            f0
        } else {
            0.0
        };
        let voice_out = self.last_voice;
        self.last_voice = voicing;
        let last = self.last;
        if last == 0.0 && p > 0.0 {
            self.ons = 1;
        }
        if last > 0.0 && p == 0.0 && self.ons == 0 {
            self.ons = -1;
        }
        if last > 0.0 && p > 0.0 {
            self.ons = 0;
        }
        if last == 0.0 && p == 0.0 {
            self.ons = 0;
        }
        if p == 0.0 && self.ons == 1 {
            self.last = 0.0;
        } else if p > 0.0 && self.ons == -1 {
            self.last = p;
        }
        let (mut halving, mut doubling) = (false, false);
        if self.last > 0.0 && p > 0.0 {
            let factor = self.last / p;
            if factor > 1.2 {
                halving = true;
            } else if factor < 0.8 {
                doubling = true;
            }
        }
        // an octave jump that reverses the previous one is accepted
        if (doubling && self.ons_octave == -1) || (halving && self.ons_octave == 1) {
            self.last = p;
        }
        if doubling {
            self.ons_octave = 1;
        }
        if halving && self.ons == 0 {
            self.ons_octave = -1;
        }
        if !(halving || doubling) {
            self.ons_octave = 0;
        }
        let f0_final = self.last;
        self.last = p;
        if f0_final > 0.0 {
            self.env = if self.env == 0.0 {
                f0_final
            } else {
                0.75 * self.env + 0.25 * f0_final
            };
        }
        Some(SmoothedPitch {
            f0_final,
            f0_envelope: self.env,
            voicing: voice_out,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use emo_dsp::shs::PitchCandidates;

    #[test]
    fn four_and_eight_at_once_equal_one_by_one() {
        let g = FrameGeometry::new(0.060, 0.010, 16000);
        for set in [crate::FeatureSet::Is10, crate::FeatureSet::Is10Compat] {
            let mut a = pitch_analyzer(g, &Variant::of(set));
            let frames: Vec<Vec<f32>> = (0..8)
                .map(|k| {
                    (0..960)
                        .map(|n| {
                            let t = n as f32 / 16000.0;
                            (2.0 * std::f32::consts::PI * (120.0 + 40.0 * k as f32) * t).sin()
                                * (1.0 + 0.3 * (t * 7.0).sin())
                        })
                        .collect()
                })
                .collect();
            let one: Vec<PitchCandidates> = frames.iter().map(|f| a.analyse(f)).collect();
            let four = a.analyse4([&frames[0], &frames[1], &frames[2], &frames[3]]);
            assert_eq!(one[..4], four);
            let eight = a.analyse8(std::array::from_fn(|l| &frames[l][..]));
            assert_eq!(one, eight.to_vec());
        }
    }

    fn f0s(v: &[SmoothedPitch]) -> Vec<f32> {
        v.iter().map(|s| s.f0_final).collect()
    }

    #[test]
    fn one_frame_blip_is_removed_and_gap_filled() {
        let v = 0.9;
        let input: Vec<(f32, f32)> = [0.0, 100.0, 0.0, 0.0, 200.0, 200.0, 0.0, 200.0, 200.0, 0.0]
            .iter()
            .map(|&f| (f, if f > 0.0 { v } else { 0.1 }))
            .collect();
        let out = smooth_pitch(&input, 0.7);
        assert_eq!(out.len(), input.len() - 1);
        // output k = frame k: the blip at frame 1 is gone; the gap at frame 6 stays
        assert_eq!(
            f0s(&out),
            vec![0.0, 0.0, 0.0, 0.0, 200.0, 200.0, 0.0, 200.0, 200.0]
        );
        // voicing is that of frame k (0 for k = 0)
        assert_eq!(out[0].voicing, 0.0);
        assert_eq!(out[1].voicing, 0.9);
    }

    #[test]
    fn envelope_follows_with_factor_quarter() {
        let input: Vec<(f32, f32)> = [0.0, 100.0, 100.0, 120.0, 120.0, 0.0]
            .iter()
            .map(|&f| (f, if f > 0.0 { 0.9 } else { 0.0 }))
            .collect();
        let out = smooth_pitch(&input, 0.7);
        let env: Vec<f32> = out.iter().map(|s| s.f0_envelope).collect();
        assert_eq!(env[1], 100.0);
        assert_eq!(env[3], 0.75 * 100.0 + 0.25 * 120.0);
    }
}
