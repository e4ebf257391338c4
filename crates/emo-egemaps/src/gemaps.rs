//! GeMAPS v01b, the minimalistic set of Eyben et al. 2016 (§3.1: 18 LLDs, 62
//! functionals). eGeMAPS (§3.2) is GeMAPS extended by MFCC 1-4, spectral flux,
//! the F2 and F3 bandwidths and the equivalent sound level; openSMILE computes
//! the shared part with one chain (its eGeMAPS v02 configuration includes the
//! GeMAPS v01b one unchanged), so GeMAPS is eGeMAPS's columns without the
//! extension, in the same order and with the same values.

use std::sync::OnceLock;

/// Number of GeMAPS functionals.
pub const N_FUNCTIONALS: usize = 62;

/// The LLDs eGeMAPS adds to GeMAPS, as the stems of their column names.
const EXTENSION: [&str; 13] = [
    "spectralFlux_",
    "spectralFluxV_",
    "spectralFluxUV_",
    "mfcc1_",
    "mfcc2_",
    "mfcc3_",
    "mfcc4_",
    "mfcc1V_",
    "mfcc2V_",
    "mfcc3V_",
    "mfcc4V_",
    "F2bandwidth_",
    "F3bandwidth_",
];

/// True if an eGeMAPS column (functional or LLD) is also a GeMAPS column.
pub fn in_gemaps(name: &str) -> bool {
    name != "equivalentSoundLevel_dBp" && !EXTENSION.iter().any(|s| name.starts_with(s))
}

/// Positions of the 62 GeMAPS functionals among eGeMAPS's 88.
pub fn functional_columns() -> &'static [usize] {
    static COLUMNS: OnceLock<Vec<usize>> = OnceLock::new();
    COLUMNS.get_or_init(|| columns_in(&crate::functionals::names()))
}

/// Positions of the 18 GeMAPS LLDs among eGeMAPS's 25.
pub fn lld_columns() -> &'static [usize] {
    static COLUMNS: OnceLock<Vec<usize>> = OnceLock::new();
    COLUMNS.get_or_init(|| columns_in(&crate::LLD_NAMES))
}

fn columns_in<S: AsRef<str>>(names: &[S]) -> Vec<usize> {
    (0..names.len())
        .filter(|&i| in_gemaps(names[i].as_ref()))
        .collect()
}

/// The 62 GeMAPS functionals out of the 88 eGeMAPS ones of the same signal.
pub fn functionals(egemaps: &[f32]) -> Vec<f32> {
    functional_columns().iter().map(|&c| egemaps[c]).collect()
}

/// The GeMAPS functional names, in openSMILE's order.
pub fn names() -> Vec<String> {
    let all = crate::functionals::names();
    functional_columns()
        .iter()
        .map(|&i| all[i].clone())
        .collect()
}

/// The GeMAPS LLD names, in openSMILE's order.
pub fn lld_names() -> Vec<&'static str> {
    lld_columns().iter().map(|&i| crate::LLD_NAMES[i]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gemaps_has_62_functionals_and_18_llds() {
        assert_eq!(names().len(), N_FUNCTIONALS);
        assert_eq!(lld_names().len(), 18);
        // the first and last of openSMILE's GeMAPSv01b columns
        assert_eq!(names()[0], "F0semitoneFrom27.5Hz_sma3nz_amean");
        assert_eq!(names()[61], "StddevUnvoicedSegmentLength");
        assert!(!names()
            .iter()
            .any(|n| n.contains("mfcc") || n.contains("Flux")));
        assert!(names().contains(&"F2frequency_sma3nz_amean".to_string()));
        assert!(!names().contains(&"F2bandwidth_sma3nz_amean".to_string()));
        assert!(names().contains(&"F1bandwidth_sma3nz_amean".to_string()));
        assert_eq!(lld_names()[17], "F3amplitudeLogRelF0_sma3nz");
        // the extension the paper lists: 26 functionals, 7 LLDs
        let all = crate::functionals::names();
        assert_eq!(all.len() - names().len(), 26);
        assert_eq!(crate::LLD_NAMES.len() - lld_names().len(), 7);
    }
}
