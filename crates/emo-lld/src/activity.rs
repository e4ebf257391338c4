//! Frame activity for voice-activity detection: the two IS10 descriptors that
//! say whether someone is speaking, loudness (of each 25 ms frame) and the
//! voicing probability (of each 60 ms frame, after the pitch smoother), every
//! 10 ms, as a stream whose memory does not grow with its length.

use crate::pitch::{PitchAnalyzer, PitchSmoother};
use crate::settings::Variant;
use crate::spectral::{SpectralAnalyzer, LOUDNESS_EXPONENT, REFERENCE_INTENSITY};
use crate::LoudnessMode;
use crate::{LldError, Settings};
use emo_dsp::FrameGeometry;

/// Activity of one 10 ms step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ActivityFrame {
    /// Loudness of the 25 ms frame starting at this step (`pcm_loudness`, the
    /// whole Hamming-weighted frame).
    pub loudness: f32,
    /// Voicing probability of the 60 ms frame starting at this step
    /// (`voicingFinalUnclipped`); 0 where the recording ends before that frame.
    pub voicing: f32,
}

impl ActivityFrame {
    /// The frame's level in dB re full scale (a full-scale sine: −3 dB),
    /// floored at −120 dB for digital silence: loudness is the intensity
    /// relative to a reference, to the power 0.3.
    pub fn level_dbfs(&self) -> f64 {
        if self.loudness > 0.0 {
            let intensity =
                f64::from(self.loudness).powf(1.0 / LOUDNESS_EXPONENT) * REFERENCE_INTENSITY;
            (10.0 * intensity.log10()).max(-120.0)
        } else {
            -120.0
        }
    }
}

/// [`ActivityFrame`]s of a stream, block by block.
pub struct ActivityTracker {
    g25: FrameGeometry,
    g60: FrameGeometry,
    spectral: SpectralAnalyzer,
    pitch: PitchAnalyzer,
    smoother: PitchSmoother,
    buf: Vec<f32>,
    buf_start: usize,
    total: usize,
    /// Frames handed out.
    emitted: usize,
    /// Loudness of frames not yet handed out (their voicing is pending).
    loudness: std::collections::VecDeque<f32>,
    n25: usize,
    n60: usize,
    /// Smoothed voicing of frames not yet handed out.
    voicing: std::collections::VecDeque<f32>,
}

impl ActivityTracker {
    pub fn new(sample_rate: u32, settings: &Settings) -> Result<Self, LldError> {
        let (g25, g60) = crate::is10_geometries(sample_rate)?;
        let v = Variant::of(settings.feature_set);
        Ok(ActivityTracker {
            g25,
            g60,
            // the whole frame's loudness whatever the features use: openSMILE 3's
            // first-sample loudness says nothing about activity
            spectral: SpectralAnalyzer::new(g25, v.symmetric_padding, LoudnessMode::Documented),
            pitch: crate::pitch::pitch_analyzer(g60, &v),
            smoother: PitchSmoother::new(v.voicing_cutoff),
            buf: Vec::new(),
            buf_start: 0,
            total: 0,
            emitted: 0,
            loudness: Default::default(),
            n25: 0,
            n60: 0,
            voicing: Default::default(),
        })
    }

    /// Step between frames in samples (10 ms).
    pub fn step(&self) -> usize {
        self.g25.step
    }

    /// Length of the (25 ms) loudness frame in samples.
    pub fn frame_len(&self) -> usize {
        self.g25.size
    }

    /// Frames handed out so far.
    pub fn frames(&self) -> usize {
        self.emitted
    }

    /// Takes the next block; appends every frame it completes to `out`.
    pub fn push(&mut self, block: &[f32], out: &mut Vec<ActivityFrame>) {
        self.buf.extend_from_slice(block);
        self.total += block.len();
        while self.n25 * self.g25.step + self.g25.size <= self.total {
            let f = self.g25.frame(&self.buf, self.buf_start, self.n25);
            self.loudness.push_back(self.spectral.loudness(f));
            self.n25 += 1;
        }
        while self.n60 * self.g60.step + self.g60.size <= self.total {
            let f = self.g60.frame(&self.buf, self.buf_start, self.n60);
            let c = self.pitch.analyse(f);
            // the smoother runs one frame behind: this yields frame n60 − 1
            if let Some(s) = self.smoother.push(c.f0[0], c.voicing[0]) {
                self.voicing.push_back(s.voicing);
            }
            self.n60 += 1;
        }
        self.hand_out(out, false);
        // drop samples neither framing reads again
        let keep = (self.n25 * self.g25.step).min(self.n60 * self.g60.step);
        let dead = keep.saturating_sub(self.buf_start);
        if dead >= 1 << 14 {
            self.buf.drain(..dead);
            self.buf_start += dead;
        }
    }

    /// Ends the stream: the last frames, with voicing 0 where none was computed.
    pub fn finish(&mut self, out: &mut Vec<ActivityFrame>) {
        self.hand_out(out, true);
    }

    fn hand_out(&mut self, out: &mut Vec<ActivityFrame>, eof: bool) {
        while let Some(&loudness) = self.loudness.front() {
            let voicing = match self.voicing.pop_front() {
                Some(v) => v,
                None if eof => 0.0,
                None => break,
            };
            self.loudness.pop_front();
            out.push(ActivityFrame { loudness, voicing });
            self.emitted += 1;
        }
        if eof {
            self.voicing.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(rate: u32, secs: f64, hz: f64, amp: f32) -> Vec<f32> {
        (0..(secs * f64::from(rate)) as usize)
            .map(|i| {
                amp * (2.0 * std::f64::consts::PI * hz * i as f64 / f64::from(rate)).sin() as f32
            })
            .collect()
    }

    #[test]
    fn a_frame_every_step_and_any_block_split_gives_the_same_frames() {
        let mut x = tone(16000, 1.0, 200.0, 0.3);
        x.extend(vec![0.0; 8000]);
        let run = |block: usize| {
            let mut t = ActivityTracker::new(16000, &Settings::default()).unwrap();
            let mut out = Vec::new();
            for b in x.chunks(block) {
                t.push(b, &mut out);
            }
            t.finish(&mut out);
            out
        };
        let a = run(x.len());
        // 25 ms frames every 10 ms in 1.5 s: floor((24000 − 400)/160) + 1
        assert_eq!(a.len(), (24000 - 400) / 160 + 1);
        assert_eq!(a, run(777));
        assert_eq!(a, run(1));
    }

    #[test]
    fn a_voiced_tone_is_loud_and_voiced_silence_is_neither() {
        let mut x = tone(16000, 1.0, 180.0, 0.3);
        x.extend(vec![0.0; 16000]);
        let mut t = ActivityTracker::new(16000, &Settings::default()).unwrap();
        let mut out = Vec::new();
        t.push(&x, &mut out);
        t.finish(&mut out);
        let mid = out[50];
        assert!(mid.voicing > 0.7, "{mid:?}");
        let quiet = out[140];
        assert_eq!(quiet.level_dbfs(), -120.0);
        assert!(quiet.voicing < 0.5);
        // 10·log10 of the intensity ratio between two amplitudes is 20·log10
        let mut t = ActivityTracker::new(16000, &Settings::default()).unwrap();
        let mut soft = Vec::new();
        t.push(&tone(16000, 1.0, 180.0, 0.03), &mut soft);
        let d = mid.level_dbfs() - soft[50].level_dbfs();
        assert!((d - 20.0).abs() < 0.01, "{d}");
        // mean square of a sine is A²/2 (the Hamming weighting normalised out)
        let want = 10.0 * (0.3f64 * 0.3 / 2.0).log10();
        assert!(
            (mid.level_dbfs() - want).abs() < 0.1,
            "{} vs {want}",
            mid.level_dbfs()
        );
    }
}
