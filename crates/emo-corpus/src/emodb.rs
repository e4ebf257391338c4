//! EmoDB (Berlin Database of Emotional Speech): `03a01Fa.wav` = speaker 03,
//! text a01, emotion F, version a.

use crate::{list_dir, Corpus, CorpusError, Gender, Skipped, Utterance};
use std::path::Path;

const MALE: [&str; 5] = ["03", "10", "11", "12", "15"];
const FEMALE: [&str; 5] = ["08", "09", "13", "14", "16"];

fn emotion(letter: char) -> Option<&'static str> {
    Some(match letter {
        'W' => "anger",
        'L' => "boredom",
        'E' => "disgust",
        'A' => "fear",
        'F' => "happiness",
        'T' => "sadness",
        'N' => "neutral",
        _ => return None,
    })
}

/// (speaker, emotion letter) of an EmoDB file name.
pub(crate) fn parse_name(name: &str) -> Option<(String, char)> {
    let stem = name.strip_suffix(".wav")?;
    let b = stem.as_bytes();
    if b.len() != 7 || !b[0].is_ascii_digit() || !b[1].is_ascii_digit() || !b[3].is_ascii_digit() {
        return None;
    }
    Some((stem[..2].to_string(), b[5] as char))
}

/// Reads an EmoDB directory (the release's `wav/` folder or its parent).
pub fn read_emodb(dir: &Path) -> Result<Corpus, CorpusError> {
    let wav = if dir.join("wav").is_dir() {
        dir.join("wav")
    } else {
        dir.to_owned()
    };
    let mut c = Corpus::default();
    for name in list_dir(&wav)? {
        if !name.ends_with(".wav") {
            continue;
        }
        let skip = |reason: &str| Skipped {
            what: wav.join(&name).display().to_string(),
            reason: reason.to_string(),
        };
        let Some((spk, letter)) = parse_name(&name) else {
            c.skipped
                .push(skip("not an EmoDB file name (like 03a01Fa.wav)"));
            continue;
        };
        let Some(label) = emotion(letter) else {
            c.skipped
                .push(skip(&format!("unknown emotion letter '{letter}'")));
            continue;
        };
        let gender = if MALE.contains(&spk.as_str()) {
            Gender::Male
        } else if FEMALE.contains(&spk.as_str()) {
            Gender::Female
        } else {
            c.skipped.push(skip(&format!("unknown speaker '{spk}'")));
            continue;
        };
        c.utterances.push(Utterance {
            path: wav.join(&name),
            name: name.trim_end_matches(".wav").to_string(),
            speaker: format!("emodb-{spk}"),
            gender,
            label: label.to_string(),
            raw_label: letter.to_string(),
            corpus: "emodb".into(),
        });
    }
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(parse_name("03a01Fa.wav"), Some(("03".into(), 'F')));
        assert_eq!(parse_name("readme.wav"), None);
        assert_eq!(emotion('W'), Some("anger"));
        assert_eq!(emotion('X'), None);
    }
}
