//! Pitch tracking over time by a Viterbi search through each frame's pitch
//! candidates plus an "unvoiced" state (after Luengo et al., ICASSP 2007, as
//! openSMILE 3.x implements it for eGeMAPS). Costs: a local cost per state from
//! its voicing and a frequency-range weight, and a transition cost from the
//! log-frequency jump and its change. The search is incremental: a frame is
//! decided once every surviving path agrees on it, or when it falls out of a
//! buffer of `buffer_len` frames (the best path then decides).
//!
//! Two details of openSMILE's costs are kept because they decide paths (see
//! docs/egemaps.md): an unvoiced-to-unvoiced step costs 1 rather than the
//! configured 0, and the "change of jump" term compares each voiced step with
//! the jump last evaluated, whichever pair of states that was.

use crate::shs::PitchCandidates;

/// Weights of the costs.
#[derive(Debug, Clone, Copy)]
pub struct ViterbiWeights {
    /// Local cost factor.
    pub local: f64,
    /// Voiced-to-voiced: per unit of |log frequency ratio|.
    pub jump: f64,
    /// Voiced-to-voiced: per unit of change of that ratio.
    pub jump_change: f64,
    /// Voiced-to-unvoiced and back.
    pub voicing_change: f64,
    /// Added to the local cost of a state on the wrong side of the voicing threshold.
    pub threshold: f64,
    /// Frequency-range weight factor.
    pub range: f64,
}

/// The weights eGeMAPS v02 runs with (its jump-change weight is the jump weight).
pub const EGEMAPS_WEIGHTS: ViterbiWeights = ViterbiWeights {
    local: 2.0,
    jump: 10.0,
    jump_change: 10.0,
    voicing_change: 10.0,
    threshold: 4.0,
    range: 1.0,
};

/// One decided frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrackedPitch {
    /// F0 of the chosen candidate, 0 for unvoiced.
    pub f0: f32,
    /// Voicing of the chosen candidate (of the first candidate when unvoiced).
    pub voicing: f32,
}

/// Penalty of an F0 outside the usual speaking range: 0 in 100-350 Hz, rising
/// linearly below and above, 1.2 from 600 Hz, 2 for no candidate.
pub fn frequency_weight(f: f32) -> f64 {
    let f = f64::from(f);
    if f > 0.0 && f < 100.0 {
        1.0 - f / 100.0
    } else if (100.0..350.0).contains(&f) {
        0.0
    } else if (350.0..600.0).contains(&f) {
        (f - 350.0) / 250.0
    } else if f >= 600.0 {
        1.2
    } else {
        2.0
    }
}

/// The incremental Viterbi pitch tracker.
#[derive(Debug, Clone)]
pub struct PitchViterbi {
    w: ViterbiWeights,
    threshold: f32,
    n_cand: usize,
    buffer_len: usize,
    frames: Vec<PitchCandidates>,
    written: usize,
    read: usize,
    path_len: usize,
    /// Frames decided so far (the index of the last decided frame + 1).
    decided: usize,
    paths: [Vec<usize>; 2],
    current: usize,
    best: Vec<usize>,
    costs: Vec<f64>,
    new_costs: Vec<f64>,
    last_jump: f64,
}

impl PitchViterbi {
    /// `n_cand` candidates per frame, voicing threshold `threshold`.
    pub fn new(n_cand: usize, buffer_len: usize, threshold: f32, w: ViterbiWeights) -> Self {
        let states = n_cand + 1;
        let buffer_len = buffer_len.max(1);
        PitchViterbi {
            w,
            threshold,
            n_cand,
            buffer_len,
            frames: vec![PitchCandidates::default(); buffer_len],
            written: 0,
            read: 0,
            path_len: 0,
            decided: 0,
            paths: [vec![0; states * buffer_len], vec![0; states * buffer_len]],
            current: 0,
            best: vec![0; buffer_len],
            costs: vec![0.0; states],
            new_costs: vec![0.0; states],
            last_jump: 1.0,
        }
    }

    fn states(&self) -> usize {
        self.n_cand + 1
    }

    fn f0(c: &PitchCandidates, i: usize) -> f32 {
        c.f0.get(i).copied().unwrap_or(0.0)
    }

    fn voicing(c: &PitchCandidates, i: usize) -> f32 {
        c.voicing.get(i).copied().unwrap_or(0.0)
    }

    fn local_cost(&self, i: usize, c: &PitchCandidates) -> f64 {
        if i < self.n_cand {
            let pv = f64::from(Self::voicing(c, i)).clamp(0.01, 1.0);
            let thr = if pv < f64::from(self.threshold) {
                self.w.threshold
            } else {
                0.0
            };
            (-pv.ln() + thr) * self.w.local + frequency_weight(Self::f0(c, i)) * self.w.range
        } else {
            let any_voiced = (0..self.n_cand).any(|j| Self::voicing(c, j) >= self.threshold);
            if any_voiced {
                self.w.local * self.w.threshold
            } else {
                0.0
            }
        }
    }

    /// From state `j` of the previous frame to state `i` of the current one.
    fn transition_cost(&mut self, i: usize, j: usize, prev: usize, cur: usize) -> f64 {
        let u = self.n_cand;
        if i < u && j < u {
            let f0 = Self::f0(&self.frames[prev], j);
            let f1 = Self::f0(&self.frames[cur], i);
            if f0 == 0.0 || f1 == 0.0 {
                return 999.0;
            }
            let r = f64::from(f1 / f0).ln();
            let x = self.w.jump * r.abs() + self.w.jump_change * (r - self.last_jump).abs();
            self.last_jump = r;
            x
        } else if (i == u) != (j == u) {
            self.last_jump = 0.0;
            self.w.voicing_change
        } else {
            1.0
        }
    }

    /// Adds the next frame's candidates; decided frames can then be taken with
    /// [`PitchViterbi::next`].
    pub fn push(&mut self, c: PitchCandidates) {
        if self.written - self.read >= self.buffer_len {
            // never the case while the caller drains after each push; keep
            // the oldest decision rather than overwrite an unread frame
            return;
        }
        let bl = self.buffer_len;
        let cur = self.written % bl;
        self.frames[cur] = c;
        self.written += 1;
        let states = self.states();
        if self.path_len == 0 {
            for i in 0..states {
                self.costs[i] = self.local_cost(i, &self.frames[cur]);
                self.paths[self.current][i * bl] = i;
            }
        } else {
            let prev = (self.written - 2) % bl;
            let next = 1 - self.current;
            for i in 0..states {
                let mut min_state = 0;
                let mut min_cost = self.transition_cost(i, 0, prev, cur) + self.costs[0];
                for j in 1..states {
                    let c = self.transition_cost(i, j, prev, cur) + self.costs[j];
                    if c < min_cost {
                        min_state = j;
                        min_cost = c;
                    }
                }
                self.new_costs[i] = min_cost + self.local_cost(i, &self.frames[cur]);
                let (a, b) = self.paths.split_at_mut(1);
                let (from, to) = if self.current == 0 {
                    (&a[0], &mut b[0])
                } else {
                    (&b[0], &mut a[0])
                };
                to[i * bl..(i + 1) * bl]
                    .copy_from_slice(&from[min_state * bl..(min_state + 1) * bl]);
                to[i * bl + self.path_len % bl] = i;
            }
            std::mem::swap(&mut self.costs, &mut self.new_costs);
            self.current = next;
        }
        self.path_len += 1;
        let path = &self.paths[self.current];
        if self.path_len - self.decided >= bl {
            // the oldest frame leaves the buffer: the best path decides it
            let s = self.cheapest();
            let k = self.decided;
            self.best[k % bl] = self.paths[self.current][s * bl + k % bl];
            self.decided += 1;
        } else {
            // decide every frame on which all paths agree
            while self.decided < self.path_len {
                let k = self.decided % bl;
                let x = path[k];
                if (1..states).any(|i| path[i * bl + k] != x) {
                    break;
                }
                self.best[k] = x;
                self.decided += 1;
            }
        }
    }

    fn cheapest(&self) -> usize {
        let mut s = 0;
        for i in 1..self.states() {
            if self.costs[i] < self.costs[s] {
                s = i;
            }
        }
        s
    }

    /// At the end of the input: decides all remaining frames by the best path.
    pub fn flush(&mut self) {
        let s = self.cheapest();
        let bl = self.buffer_len;
        while self.decided < self.path_len {
            let k = self.decided % bl;
            self.best[k] = self.paths[self.current][s * bl + k];
            self.decided += 1;
        }
    }

    /// The next decided frame, in input order.
    pub fn next_decided(&mut self) -> Option<TrackedPitch> {
        if self.read >= self.decided {
            return None;
        }
        let k = self.read % self.buffer_len;
        let s = self.best[k];
        let c = &self.frames[k];
        self.read += 1;
        Some(if s < self.n_cand {
            TrackedPitch {
                f0: Self::f0(c, s),
                voicing: Self::voicing(c, s),
            }
        } else {
            TrackedPitch {
                f0: 0.0,
                voicing: Self::voicing(c, 0),
            }
        })
    }
}

/// F0 in semitones above 27.5 Hz, `12·log2(f/27.5)`; 1 for a voiced F0 at or
/// below 29.136 Hz (one semitone), 0 for unvoiced.
pub fn semitones_from_27_5_hz(f0: f32) -> f32 {
    if f0 > 29.136 {
        12.0 * (f0 / 27.5).ln() / 2f32.ln()
    } else if f0 > 0.0 {
        1.0
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cands(f: &[f32], v: &[f32]) -> PitchCandidates {
        PitchCandidates {
            f0: f.to_vec(),
            voicing: v.to_vec(),
            score: v.to_vec(),
        }
    }

    fn track(frames: Vec<PitchCandidates>, n: usize) -> Vec<TrackedPitch> {
        let mut v = PitchViterbi::new(n, 40, 0.7, EGEMAPS_WEIGHTS);
        let mut out = Vec::new();
        for f in frames {
            v.push(f);
            while let Some(t) = v.next_decided() {
                out.push(t);
            }
        }
        v.flush();
        while let Some(t) = v.next_decided() {
            out.push(t);
        }
        out
    }

    #[test]
    fn frequency_weight_is_piecewise_linear() {
        assert_eq!(frequency_weight(0.0), 2.0);
        assert!((frequency_weight(50.0) - 0.5).abs() < 1e-12);
        assert_eq!(frequency_weight(200.0), 0.0);
        assert!((frequency_weight(475.0) - 0.5).abs() < 1e-12);
        assert_eq!(frequency_weight(700.0), 1.2);
    }

    #[test]
    fn octave_error_in_one_frame_is_bridged() {
        // a steady 200 Hz voice whose best candidate jumps to 400 Hz once;
        // the 200 Hz candidate is still there, a little less voiced
        let mut frames = Vec::new();
        for k in 0..20 {
            if k == 10 {
                frames.push(cands(&[400.0, 200.0], &[0.9, 0.85]));
            } else {
                frames.push(cands(&[200.0, 400.0], &[0.9, 0.5]));
            }
        }
        let out = track(frames, 2);
        assert_eq!(out.len(), 20);
        assert!(out.iter().all(|t| t.f0 == 200.0), "{out:?}");
        assert_eq!(out[10].voicing, 0.85);
    }

    #[test]
    fn weak_frames_are_unvoiced_and_every_frame_comes_out_once() {
        let mut frames = Vec::new();
        for k in 0..100 {
            let voiced = (30..60).contains(&k);
            let v = if voiced { 0.9 } else { 0.2 };
            frames.push(cands(&[150.0, 300.0], &[v, v / 2.0]));
        }
        let out = track(frames, 2);
        assert_eq!(out.len(), 100);
        for (k, t) in out.iter().enumerate() {
            assert_eq!(t.f0 > 0.0, (30..60).contains(&k), "frame {k}");
        }
        // unvoiced frames report the first candidate's voicing
        assert_eq!(out[0].voicing, 0.2);
    }

    #[test]
    fn semitones() {
        assert_eq!(semitones_from_27_5_hz(0.0), 0.0);
        assert_eq!(semitones_from_27_5_hz(29.0), 1.0);
        assert!((semitones_from_27_5_hz(55.0) - 12.0).abs() < 1e-5);
        assert!((semitones_from_27_5_hz(440.0) - 48.0).abs() < 1e-4);
    }
}
