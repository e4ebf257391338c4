//! Voice-activity decisions on 10 ms frames: a frame is active when its level
//! stands `margin_db` above the noise floor (a low percentile of the levels
//! of the last `floor_window` seconds) and above `min_level_dbfs`; activity runs become
//! segments with a hangover, a minimum speech length, a minimum pause, and a
//! maximum length past which a segment is split at its quietest frame.

use std::collections::VecDeque;

/// Parameters of [`Vad`]; times in seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VadOptions {
    /// How far above the noise floor a frame must be to count as active (dB).
    pub margin_db: f64,
    /// Frames quieter than this are never active (dB re full scale).
    pub min_level_dbfs: f64,
    /// The noise floor is taken over this many past seconds.
    pub floor_window: f64,
    /// The noise floor is this percentile of the window's frame levels: low
    /// enough to sit in the pauses, high enough that a few frames of digital
    /// near-silence inside an utterance do not drag it under the room noise.
    pub floor_percentile: f64,
    /// Voicing probability above which a frame counts as voiced.
    pub voicing: f64,
    /// A segment needs at least this much voiced audio, else it is noise.
    pub min_voiced: f64,
    /// Kept on both sides of the active frames.
    pub hangover: f64,
    /// Shorter segments are dropped.
    pub min_speech: f64,
    /// A segment closes after this much inactivity; shorter pauses are bridged.
    pub min_pause: f64,
    /// Longer segments are split at their quietest frame.
    pub max_segment: f64,
}

impl Default for VadOptions {
    fn default() -> Self {
        VadOptions {
            margin_db: 12.0,
            min_level_dbfs: -60.0,
            floor_window: 10.0,
            floor_percentile: 10.0,
            voicing: 0.6,
            min_voiced: 0.1,
            hangover: 0.1,
            min_speech: 0.25,
            min_pause: 0.25,
            max_segment: 10.0,
        }
    }
}

impl VadOptions {
    /// Checks that every parameter is usable; the message names the first that is not.
    pub fn check(&self) -> Result<(), String> {
        let times = [
            ("floor window", self.floor_window),
            ("min voiced", self.min_voiced),
            ("hangover", self.hangover),
            ("min speech", self.min_speech),
            ("min pause", self.min_pause),
        ];
        for (name, v) in times {
            if !(v.is_finite() && v >= 0.0) {
                return Err(format!("{name} must be a time of 0 s or more, not {v}"));
            }
        }
        if !(self.max_segment.is_finite() && self.max_segment >= 0.5) {
            return Err(format!(
                "max segment must be 0.5 s or more, not {}",
                self.max_segment
            ));
        }
        if !(self.margin_db.is_finite() && self.min_level_dbfs.is_finite()) {
            return Err("the VAD margin and minimum level must be finite".into());
        }
        if !(0.0..=100.0).contains(&self.floor_percentile) {
            return Err(format!(
                "floor percentile must be in 0..100, not {}",
                self.floor_percentile
            ));
        }
        if !(0.0..=1.0).contains(&self.voicing) {
            return Err(format!("voicing must be in 0..1, not {}", self.voicing));
        }
        Ok(())
    }
}

/// Frame levels of a sliding window in a histogram of 0.5 dB bins from
/// −120 dB to 0 dB, for its percentiles in constant memory.
#[derive(Default)]
struct LevelWindow {
    bins: VecDeque<u16>,
    counts: Vec<u32>,
}

const BINS: usize = 241;

impl LevelWindow {
    fn push(&mut self, level_dbfs: f64, window: usize) {
        if self.counts.is_empty() {
            self.counts = vec![0; BINS];
        }
        let b = ((level_dbfs.clamp(-120.0, 0.0) + 120.0) * 2.0).round() as usize;
        self.bins.push_back(b as u16);
        self.counts[b] += 1;
        while self.bins.len() > window {
            if let Some(old) = self.bins.pop_front() {
                self.counts[usize::from(old)] -= 1;
            }
        }
    }

    /// The level below which `p` % of the window's frames lie (the lowest
    /// level for p = 0).
    fn percentile(&self, p: f64) -> f64 {
        let n = self.bins.len();
        let rank = ((p / 100.0 * n as f64).ceil() as usize).clamp(1, n.max(1));
        let mut seen = 0;
        for (b, &c) in self.counts.iter().enumerate() {
            seen += c as usize;
            if seen >= rank {
                return b as f64 / 2.0 - 120.0;
            }
        }
        -120.0
    }
}

/// A closed segment in frames: `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameSpan {
    pub start: usize,
    pub end: usize,
}

struct Open {
    start: usize,
    first_active: usize,
    last_active: usize,
    voiced: usize,
    /// Level of each frame from `start` on, for splitting.
    levels: VecDeque<f64>,
}

/// The decisions as a stream: one [`Vad::push`] per frame, in order.
pub struct Vad {
    o: VadOptions,
    step_sec: f64,
    floor: LevelWindow,
    next: usize,
    /// Where the previous segment ended: the next may not start before it.
    closed_until: usize,
    open: Option<Open>,
}

impl Vad {
    pub fn new(o: VadOptions, step_sec: f64) -> Self {
        Vad {
            o,
            step_sec,
            floor: LevelWindow::default(),
            next: 0,
            closed_until: 0,
            open: None,
        }
    }

    fn frames(&self, secs: f64) -> usize {
        (secs / self.step_sec).round() as usize
    }

    /// The earliest frame a segment still to be reported can start at: what
    /// a caller must keep of the signal.
    pub fn earliest_needed(&self) -> usize {
        match &self.open {
            Some(o) => o.start,
            None => self
                .next
                .saturating_sub(self.frames(self.o.hangover))
                .max(self.closed_until),
        }
    }

    /// Takes the next frame's level (dB re full scale) and voicing; returns
    /// the segments it closes.
    pub fn push(&mut self, level_dbfs: f64, voicing: f64) -> Vec<FrameSpan> {
        let k = self.next;
        self.next += 1;
        let window = self.frames(self.o.floor_window).max(1);
        self.floor.push(level_dbfs, window);
        let floor = self.floor.percentile(self.o.floor_percentile);
        let active = level_dbfs > floor + self.o.margin_db && level_dbfs > self.o.min_level_dbfs;
        let voiced = active && voicing > self.o.voicing;

        let mut out = Vec::new();
        let hang = self.frames(self.o.hangover);
        let pause = self.frames(self.o.min_pause).max(1);
        let longest = self.frames(self.o.max_segment);
        match &mut self.open {
            None if active => {
                let start = k.saturating_sub(hang).max(self.closed_until);
                let mut levels = VecDeque::new();
                // levels of the pre-roll are not known here; the split never looks there
                levels.extend(std::iter::repeat_n(f64::INFINITY, k - start));
                levels.push_back(level_dbfs);
                self.open = Some(Open {
                    start,
                    first_active: k,
                    last_active: k,
                    voiced: usize::from(voiced),
                    levels,
                });
            }
            None => {}
            Some(o) => {
                o.levels.push_back(level_dbfs);
                if active {
                    o.last_active = k;
                    o.voiced += usize::from(voiced);
                }
                if k - o.last_active >= pause {
                    let end = (o.last_active + 1 + hang).min(k + 1);
                    if let Some(s) = self.close(end) {
                        out.push(s);
                    }
                } else if k + 1 - o.start >= longest {
                    out.extend(self.split());
                }
            }
        }
        out
    }

    /// Ends the stream: the open segment, if long enough.
    pub fn finish(&mut self) -> Vec<FrameSpan> {
        let hang = self.frames(self.o.hangover);
        match &self.open {
            Some(o) => {
                let end = (o.last_active + 1 + hang).min(self.next);
                self.close(end).into_iter().collect()
            }
            None => Vec::new(),
        }
    }

    fn close(&mut self, end: usize) -> Option<FrameSpan> {
        let o = self.open.take()?;
        self.closed_until = end;
        let long = (o.last_active + 1).saturating_sub(o.first_active)
            >= self.frames(self.o.min_speech).max(1);
        let voiced = o.voiced >= self.frames(self.o.min_voiced);
        (long && voiced).then_some(FrameSpan {
            start: o.start,
            end,
        })
    }

    /// Splits the open segment at its quietest frame in its second half.
    fn split(&mut self) -> Option<FrameSpan> {
        let min_voiced = self.frames(self.o.min_voiced);
        let o = self.open.as_mut()?;
        let n = o.levels.len();
        let (cut, _) = o.levels.iter().enumerate().skip(n / 2).fold(
            (n - 1, f64::INFINITY),
            |best, (i, &l)| {
                if l < best.1 {
                    (i, l)
                } else {
                    best
                }
            },
        );
        let cut = cut.max(1);
        let span = FrameSpan {
            start: o.start,
            end: o.start + cut,
        };
        o.levels.drain(..cut);
        o.start += cut;
        o.first_active = o.first_active.max(o.start);
        // the voiced count is not kept per frame: both halves are taken as voiced
        o.voiced = o.voiced.max(min_voiced);
        self.closed_until = span.end;
        Some(span)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_window_percentiles_forget_frames_past_the_window() {
        let mut w = LevelWindow::default();
        for l in [-70.0, -60.0, -50.0, -40.0, -30.0] {
            w.push(l, 4);
        }
        // the window holds −60..−30
        assert_eq!(w.percentile(0.0), -60.0);
        assert_eq!(w.percentile(25.0), -60.0);
        assert_eq!(w.percentile(50.0), -50.0);
        assert_eq!(w.percentile(100.0), -30.0);
        w.push(-200.0, 4);
        assert_eq!(w.percentile(0.0), -120.0);
    }

    /// Runs frames of (level, voicing) given as runs of (frames, level, voicing).
    fn run(o: VadOptions, runs: &[(usize, f64, f64)]) -> Vec<FrameSpan> {
        let mut v = Vad::new(o, 0.01);
        let mut out = Vec::new();
        for &(n, l, vc) in runs {
            for _ in 0..n {
                out.extend(v.push(l, vc));
            }
        }
        out.extend(v.finish());
        out
    }

    #[test]
    fn two_utterances_with_a_pause_give_two_segments_with_hangover() {
        let o = VadOptions::default();
        // 1 s noise at −70, 1 s speech at −20, 0.6 s pause, 0.8 s speech, 1 s noise
        let s = run(
            o,
            &[
                (100, -70.0, 0.0),
                (100, -20.0, 0.9),
                (60, -70.0, 0.0),
                (80, -20.0, 0.9),
                (100, -70.0, 0.0),
            ],
        );
        assert_eq!(
            s,
            [
                FrameSpan {
                    start: 90,
                    end: 210
                },
                FrameSpan {
                    start: 250,
                    end: 350
                }
            ]
        );
    }

    #[test]
    fn a_short_pause_is_bridged_and_noise_bursts_are_dropped() {
        let o = VadOptions::default();
        let s = run(
            o,
            &[
                (100, -70.0, 0.0),
                (50, -20.0, 0.9),
                (15, -70.0, 0.0),
                (50, -20.0, 0.9),
                (100, -70.0, 0.0),
            ],
        );
        assert_eq!(
            s,
            [FrameSpan {
                start: 90,
                end: 225
            }]
        );
        // loud but unvoiced (a door slam) and too short: nothing
        let s = run(o, &[(100, -70.0, 0.0), (40, -20.0, 0.0), (100, -70.0, 0.0)]);
        assert!(s.is_empty(), "{s:?}");
        let s = run(o, &[(100, -70.0, 0.0), (10, -20.0, 0.9), (100, -70.0, 0.0)]);
        assert!(s.is_empty(), "shorter than min speech: {s:?}");
    }

    #[test]
    fn a_long_segment_is_split_at_its_quietest_frame() {
        let o = VadOptions {
            max_segment: 2.0,
            ..Default::default()
        };
        // 3 s of speech with a dip (still active) at 1.5 s
        let s = run(
            o,
            &[
                (100, -70.0, 0.0),
                (150, -20.0, 0.9),
                (3, -45.0, 0.9),
                (147, -20.0, 0.9),
                (100, -70.0, 0.0),
            ],
        );
        assert_eq!(s.len(), 2, "{s:?}");
        assert_eq!(
            s[0],
            FrameSpan {
                start: 90,
                end: 250
            }
        );
        assert_eq!(s[1].start, 250);
        assert_eq!(s[1].end, 410);
    }

    #[test]
    fn quiet_recordings_stay_silent_and_options_are_checked() {
        let s = run(
            VadOptions::default(),
            &[(100, -100.0, 0.0), (100, -75.0, 0.9), (100, -100.0, 0.0)],
        );
        assert!(s.is_empty(), "below min level: {s:?}");
        assert!(VadOptions {
            min_pause: -1.0,
            ..Default::default()
        }
        .check()
        .unwrap_err()
        .contains("min pause"));
        assert!(VadOptions {
            max_segment: 0.1,
            ..Default::default()
        }
        .check()
        .is_err());
        assert!(VadOptions::default().check().is_ok());
    }
}
