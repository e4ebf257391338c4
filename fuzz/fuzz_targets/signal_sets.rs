//! Any bytes as a signal in memory, through every feature set: the path of
//! Python's `process_signal` and of a decoded file after mixing. The first four
//! bytes pick the set, the rate, the level and how often the samples repeat;
//! the rest are 16-bit samples. Must never panic; the functionals and the LLD
//! rows, when produced, must be finite.
#![no_main]
use emo_features::level::Level;
use emo_features::sets::{extract_samples, Choice, SetName};
use libfuzzer_sys::fuzz_target;
use std::path::Path;

/// Rates from the edges of what the sets take (eGeMAPS: 8-384 kHz) to the
/// usual ones, and a few odd ones.
const RATES: [u32; 16] = [
    4000, 7999, 8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000, 96000, 8001, 15999,
    16001, 384_000,
];

fuzz_target!(|data: &[u8]| {
    let [set, rate, level, repeat, body @ ..] = data else {
        return;
    };
    let set = SetName::ALL[usize::from(*set) % SetName::ALL.len()];
    let rate = RATES[usize::from(*rate) % RATES.len()];
    // levels from near silence (2^-40) to far beyond full scale (2^+23)
    let gain = 2f32.powi(i32::from(*level % 64) - 40);
    let one: Vec<f32> = body
        .chunks_exact(2)
        .map(|b| f32::from(i16::from_le_bytes([b[0], b[1]])) / 32768.0 * gain)
        .collect();
    // repeating short inputs reaches the 60 ms frames, the pitch tracker's
    // decisions and the voiced/unvoiced segments
    let samples = one.repeat(1 + usize::from(*repeat % 32));
    let Ok(choice) = Choice::new(set, Default::default()) else {
        return;
    };
    if let Ok(x) = extract_samples(&samples, rate, &choice, Path::new("fuzz")) {
        assert!(
            x.features().iter().all(|v| v.is_finite()),
            "{set}: functionals"
        );
        for level in [Level::Lld, Level::LldDeltas] {
            // sets without that level say so (an error, not a row)
            if let Ok(rows) = x.rows(level) {
                assert!(
                    rows.values.iter().all(|v| v.is_finite()),
                    "{set}: {level:?}"
                );
                assert_eq!(rows.values.len(), rows.columns * rows.starts.len());
            }
        }
    }
});
