//! openSMILE 3.x behaviour that eGeMAPS reproduces although no definition asks
//! for it, each named and explained here (and listed in docs/compatibility.md).
//!
//! - **End-of-input split of the voice-contour smoothing.** When the input
//!   ends, openSMILE's smoother over the voice contours has seen only the frames
//!   the Viterbi pitch tracker had decided before it was flushed, less one. It
//!   smooths those as if the recording ended there (the last one repeated as its
//!   own right neighbour, plus one extra row that repeats it), and then smooths
//!   the frames that arrive with the flush with the true neighbours, skipping
//!   one frame's row. This moves the last two or three rows of the 15
//!   `_sma3nz` contours; [`smooth_voice_contour`] does the same.
//! - The Viterbi tracker's costs (`emo_dsp::pitch_viterbi`): an unvoiced-to-
//!   unvoiced step costs 1, and the jump-change weight equals the jump weight.
//! - "H1-H2" is the level of harmonic index 1 minus that of index 2, where
//!   index 0 is the fundamental (`source::VoiceFrame::h1_h2`).
//! - The spectral slope's regression counts the intervals between the band's
//!   edge bins as N (`emo_dsp::spectral_shape::BandSlope`).

use emo_dsp::smoothing::moving_average3_nonzero;

/// `_sma3nz` smoothing of a voice contour of `raw.len()` frames into `rows`
/// rows, with openSMILE's end-of-input split after frame `split` (the frames
/// decided before the tracker's flush, less one; see the module notes).
/// Without a split (`None`, or one at the last frame) it is plain
/// [`moving_average3_nonzero`].
pub fn smooth_voice_contour(raw: &[f32], rows: usize, split: Option<usize>) -> Vec<f32> {
    let full = moving_average3_nonzero(raw, rows);
    let Some(b) = split else {
        return full;
    };
    if b + 1 >= raw.len() {
        return full;
    }
    // rows 0..=b+1 see the input cut after frame b
    let head = moving_average3_nonzero(&raw[..=b], (b + 2).min(rows));
    let mut out = full;
    out[..head.len()].copy_from_slice(&head);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_split_repeats_the_cut_frame_then_resumes() {
        let raw = [3.0, 6.0, 9.0, 12.0, 15.0];
        // rows = frames + 1; split after frame 2
        let y = smooth_voice_contour(&raw, 6, Some(2));
        // rows 0-2 as usual but row 2's right neighbour is frame 2 itself; row 3
        // repeats frame 2; rows 4-5 from the full input, edge repeated
        assert_eq!(y, vec![4.0, 6.0, 8.0, 9.0, 14.0, 15.0]);
        assert_eq!(
            smooth_voice_contour(&raw, 6, None),
            moving_average3_nonzero(&raw, 6)
        );
    }
}
