//! RAVDESS speech: `Actor_05/03-01-05-02-01-01-05.wav` = modality, channel,
//! emotion, intensity, statement, repetition, actor (odd male, even female).

use crate::{list_dir, Corpus, CorpusError, Gender, Skipped, Utterance};
use std::path::Path;

fn emotion(code: &str) -> Option<&'static str> {
    Some(match code {
        "01" => "neutral",
        "02" => "calm",
        "03" => "happiness",
        "04" => "sadness",
        "05" => "anger",
        "06" => "fear",
        "07" => "disgust",
        "08" => "surprise",
        _ => return None,
    })
}

/// Reads a RAVDESS directory of `Actor_NN` folders.
pub fn read_ravdess(dir: &Path) -> Result<Corpus, CorpusError> {
    let mut c = Corpus::default();
    for actor_dir in list_dir(dir)?
        .into_iter()
        .filter(|n| n.starts_with("Actor_"))
    {
        let ad = dir.join(&actor_dir);
        for name in list_dir(&ad)? {
            if !name.ends_with(".wav") {
                continue;
            }
            let what = ad.join(&name).display().to_string();
            let parts: Vec<&str> = name.trim_end_matches(".wav").split('-').collect();
            if parts.len() != 7 {
                c.skipped.push(Skipped {
                    what,
                    reason: "not a RAVDESS file name (7 dash-separated fields)".into(),
                });
                continue;
            }
            let Some(label) = emotion(parts[2]) else {
                c.skipped.push(Skipped {
                    what,
                    reason: format!("unknown emotion code '{}'", parts[2]),
                });
                continue;
            };
            let Ok(actor) = parts[6].parse::<u32>() else {
                c.skipped.push(Skipped {
                    what,
                    reason: format!("actor '{}' is not a number", parts[6]),
                });
                continue;
            };
            c.utterances.push(Utterance {
                path: ad.join(&name),
                name: name.trim_end_matches(".wav").to_string(),
                speaker: format!("ravdess-{actor:02}"),
                gender: if actor % 2 == 1 {
                    Gender::Male
                } else {
                    Gender::Female
                },
                label: label.into(),
                raw_label: parts[2].into(),
                corpus: "ravdess".into(),
            });
        }
    }
    Ok(c)
}
