//! What part of a recording is read: which channels feed the mono signal, and
//! which stretch of time.
//!
//! Both follow the conventions of audinterface / opensmile-python, so that a
//! segment or channel asked for there gives the same samples here: times are
//! turned into sample positions by rounding half to even (`round(t·rate)`),
//! the segment's length likewise from its duration.

/// Which channels are averaged into the mono signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Channels {
    /// Every channel (SMILExtract's reader, and the CLI's default).
    #[default]
    All,
    /// The channels whose bit is set (bit `c` is channel `c`, from 0).
    Mask(u64),
}

impl Channels {
    /// One channel.
    pub fn one(channel: usize) -> Option<Self> {
        (channel < 64).then(|| Channels::Mask(1u64 << channel))
    }

    /// A set of channels; `None` if one is 64 or above.
    pub fn of(channels: &[usize]) -> Option<Self> {
        channels
            .iter()
            .try_fold(0u64, |m, &c| (c < 64).then(|| m | (1u64 << c)))
            .map(Channels::Mask)
    }

    /// Checks the selection against a source with `available` channels.
    pub(crate) fn check(self, available: usize) -> Result<(), String> {
        match self {
            Channels::All => Ok(()),
            Channels::Mask(0) => Err("no channel selected".into()),
            Channels::Mask(m) => {
                let highest = 63 - m.leading_zeros() as usize;
                if highest >= available {
                    Err(format!(
                        "channel {highest} was asked for, but the audio has {available} channel{}",
                        if available == 1 { "" } else { "s" }
                    ))
                } else {
                    Ok(())
                }
            }
        }
    }

    /// True if the selection keeps every one of `channels` channels, as is.
    pub(crate) fn keeps_all(self, channels: usize) -> bool {
        match self {
            Channels::All => true,
            Channels::Mask(m) => m == (u64::MAX >> (64 - channels.clamp(1, 64))),
        }
    }

    /// Keeps the selected channels of interleaved frames of `channels`
    /// samples: the samples and their new channel count. Borrowed where
    /// nothing is dropped.
    pub fn select<'a, T: Copy>(
        self,
        interleaved: &'a [T],
        channels: usize,
    ) -> (std::borrow::Cow<'a, [T]>, usize) {
        let channels = channels.max(1);
        let mask = match self {
            Channels::Mask(m) if !self.keeps_all(channels) => m,
            _ => return (std::borrow::Cow::Borrowed(interleaved), channels),
        };
        let keep = mask.count_ones() as usize;
        let mut out = Vec::with_capacity(interleaved.len() / channels * keep);
        for frame in interleaved.chunks_exact(channels) {
            out.extend(
                frame
                    .iter()
                    .enumerate()
                    .filter(|(c, _)| *c < 64 && mask & (1u64 << c) != 0)
                    .map(|(_, &v)| v),
            );
        }
        (std::borrow::Cow::Owned(out), keep)
    }
}

/// A stretch of a recording, in seconds from its start.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Span {
    /// Where the stretch begins.
    pub start: f64,
    /// Where it ends (`None`: the end of the recording).
    pub end: Option<f64>,
}

impl Span {
    /// The whole recording.
    pub const WHOLE: Span = Span {
        start: 0.0,
        end: None,
    };

    /// A span, checked: `start` ≥ 0, `end` > `start`, both finite.
    pub fn new(start: f64, end: Option<f64>) -> Result<Self, String> {
        if !start.is_finite() || start < 0.0 {
            return Err(format!(
                "segment start {start} s is not a time ≥ 0 in the recording"
            ));
        }
        if let Some(e) = end {
            if !e.is_finite() || e <= start {
                return Err(format!(
                    "segment end {e} s is not after its start ({start} s)"
                ));
            }
        }
        Ok(Span { start, end })
    }

    /// True for the whole recording.
    pub fn is_whole(&self) -> bool {
        self.start == 0.0 && self.end.is_none()
    }

    /// The first sample and the number of samples (`None`: to the end) at
    /// `rate`, rounded half to even as audiofile rounds offset and duration.
    pub fn frames(&self, rate: u32) -> (u64, Option<u64>) {
        let r = f64::from(rate);
        let first = (self.start * r).round_ties_even() as u64;
        let len = self
            .end
            .map(|e| ((e - self.start) * r).round_ties_even() as u64);
        (first, len)
    }
}

impl Span {
    /// The samples `[first, last)` of an in-memory signal of `len` samples,
    /// as audinterface cuts a signal: each end at `round(t·rate)`, clipped to
    /// the signal.
    pub fn signal_range(&self, rate: u32, len: usize) -> (usize, usize) {
        let at = |t: f64| ((t * f64::from(rate)).round_ties_even() as usize).min(len);
        (at(self.start), self.end.map_or(len, at))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selection_keeps_channels_in_order() {
        let x = [1, 2, 3, 4, 5, 6];
        let (s, n) = Channels::one(1).unwrap().select(&x, 3);
        assert_eq!((&s[..], n), (&[2, 5][..], 1));
        let (s, n) = Channels::of(&[2, 0]).unwrap().select(&x, 3);
        assert_eq!((&s[..], n), (&[1, 3, 4, 6][..], 2));
        // all channels, by mask or by default, borrow the input
        assert!(matches!(
            Channels::of(&[0, 1, 2]).unwrap().select(&x, 3).0,
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(Channels::All.select(&x, 3).1, 3);
    }

    #[test]
    fn selection_is_checked_against_the_source() {
        assert!(Channels::one(1).unwrap().check(2).is_ok());
        let e = Channels::one(2).unwrap().check(2).unwrap_err();
        assert!(e.contains("channel 2") && e.contains("2 channels"), "{e}");
        assert!(Channels::Mask(0).check(2).is_err());
        assert!(Channels::one(64).is_none());
    }

    #[test]
    fn span_rounds_half_to_even_like_audiofile() {
        // 0.5 s at 16 kHz is sample 8000; 1.5/16000 s rounds to 2 (even)
        assert_eq!(
            Span::new(0.5, Some(1.5)).unwrap().frames(16000),
            (8000, Some(16000))
        );
        assert_eq!(
            Span::new(1.5 / 16000.0, None).unwrap().frames(16000),
            (2, None)
        );
        assert_eq!(
            Span::new(2.5 / 16000.0, None).unwrap().frames(16000),
            (2, None)
        );
        assert!(Span::new(-1.0, None).is_err());
        assert!(Span::new(1.0, Some(1.0)).is_err());
        assert!(Span::new(f64::NAN, None).is_err());
        assert!(Span::WHOLE.is_whole());
        // in memory: both ends rounded on their own, clipped to the signal
        let s = Span::new(0.5, Some(9.0)).unwrap();
        assert_eq!(s.signal_range(16000, 20000), (8000, 20000));
    }
}
