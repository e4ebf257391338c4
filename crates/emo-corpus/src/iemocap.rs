//! IEMOCAP: `Session1..5/sentences/wav/<dialog>/<utterance>.wav`, labels in
//! `Session*/dialog/EmoEvaluation/<dialog>.txt`, whose summary lines read
//! `[START - END]\tUTTERANCE_ID\tLABEL\t[V, A, D]`; the annotators' lines below
//! them are skipped. `xxx` marks no majority. Speaker = session + the gender
//! letter of the turn (`Ses01F_impro01_M003` → `Ses01M`): 10 speakers.
//!
//! Labels: `neu` neutral, `hap` happiness, `exc` happiness (excited merged
//! into happy, as in the paper), `sad` sadness, `ang` anger, `fru`
//! frustration, `sur` surprise, `fea` fear, `dis` disgust, `oth` other.

use crate::{list_dir, Corpus, CorpusError, Gender, Skipped, Utterance};
use std::collections::HashMap;
use std::path::Path;

fn emotion(code: &str) -> Option<&'static str> {
    Some(match code {
        "neu" => "neutral",
        "hap" | "exc" => "happiness",
        "sad" => "sadness",
        "ang" => "anger",
        "fru" => "frustration",
        "sur" => "surprise",
        "fea" => "fear",
        "dis" => "disgust",
        "oth" => "other",
        _ => return None,
    })
}

/// (session, gender) of an utterance id like `Ses01F_impro01_M003`.
/// A single IEMOCAP session folder.
pub fn is_session(path: &Path) -> bool {
    path.join("sentences").join("wav").is_dir() && path.join("dialog").is_dir()
}

fn speaker_of(id: &str) -> Option<(String, Gender)> {
    let session = id.get(..5).filter(|s| s.starts_with("Ses"))?;
    let turn = id.rsplit('_').next()?;
    let gender = match turn.chars().next()? {
        'M' => Gender::Male,
        'F' => Gender::Female,
        _ => return None,
    };
    Some((session.to_string(), gender))
}

/// Reads the IEMOCAP release root (the folder holding `Session1`..`Session5`)
/// or one session folder (holding `sentences` and `dialog`).
pub fn read_iemocap(root: &Path) -> Result<Corpus, CorpusError> {
    let mut c = Corpus::default();
    let sessions: Vec<std::path::PathBuf> = if is_session(root) {
        vec![root.to_owned()]
    } else {
        list_dir(root)?
            .into_iter()
            .filter(|n| n.starts_with("Session"))
            .map(|n| root.join(n))
            .collect()
    };
    if sessions.is_empty() {
        return Err(CorpusError::Layout {
            path: root.to_owned(),
            reason: "no Session folders".into(),
        });
    }
    for sdir in sessions {
        let evaldir = sdir.join("dialog").join("EmoEvaluation");
        let mut labels: HashMap<String, String> = HashMap::new();
        let eval_files = match list_dir(&evaldir) {
            Ok(v) => v,
            Err(_) => {
                c.skipped.push(Skipped {
                    what: evaldir.display().to_string(),
                    reason: "no EmoEvaluation folder: the session's utterances have no labels"
                        .into(),
                });
                Vec::new()
            }
        };
        for f in eval_files.iter().filter(|f| f.ends_with(".txt")) {
            let p = evaldir.join(f);
            let text = std::fs::read_to_string(&p).map_err(|source| CorpusError::Io {
                path: p.clone(),
                source,
            })?;
            for (i, line) in text.lines().enumerate() {
                if !line.starts_with('[') {
                    continue; // header, blank lines and the annotators' lines
                }
                let fields: Vec<&str> = line.split('\t').collect();
                if fields.len() < 3 {
                    return Err(CorpusError::Parse {
                        path: p.clone(),
                        line: i + 1,
                        reason: "summary line without tab-separated id and label".into(),
                    });
                }
                labels.insert(fields[1].trim().to_string(), fields[2].trim().to_string());
            }
        }
        let wavroot = sdir.join("sentences").join("wav");
        let dialogs = list_dir(&wavroot).unwrap_or_default();
        let mut seen = std::collections::HashSet::new();
        for d in dialogs {
            let ddir = wavroot.join(&d);
            if !ddir.is_dir() {
                continue;
            }
            for name in list_dir(&ddir)? {
                if !name.ends_with(".wav") || name.starts_with('.') {
                    continue;
                }
                let id = name.trim_end_matches(".wav").to_string();
                seen.insert(id.clone());
                let what = ddir.join(&name).display().to_string();
                let Some(raw) = labels.get(&id) else {
                    c.skipped.push(Skipped {
                        what,
                        reason: "no label in EmoEvaluation".into(),
                    });
                    continue;
                };
                if raw == "xxx" {
                    c.skipped.push(Skipped {
                        what,
                        reason: "no majority label (xxx)".into(),
                    });
                    continue;
                }
                let Some(label) = emotion(raw) else {
                    c.skipped.push(Skipped {
                        what,
                        reason: format!("unknown label '{raw}'"),
                    });
                    continue;
                };
                let Some((session, gender)) = speaker_of(&id) else {
                    c.skipped.push(Skipped {
                        what,
                        reason: "utterance id does not name session and speaker gender".into(),
                    });
                    continue;
                };
                let letter = if gender == Gender::Male { 'M' } else { 'F' };
                c.utterances.push(Utterance {
                    path: ddir.join(&name),
                    name: id,
                    speaker: format!("{session}{letter}"),
                    gender,
                    label: label.into(),
                    raw_label: raw.clone(),
                    corpus: "iemocap".into(),
                });
            }
        }
        let mut missing: Vec<&String> = labels.keys().filter(|k| !seen.contains(*k)).collect();
        missing.sort();
        for id in missing {
            c.skipped.push(Skipped {
                what: format!("{}/{id}.wav", wavroot.display()),
                reason: "labelled in EmoEvaluation but the wav is missing".into(),
            });
        }
    }
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speaker_from_id() {
        assert_eq!(
            speaker_of("Ses01F_impro01_M003"),
            Some(("Ses01".into(), Gender::Male))
        );
        assert_eq!(
            speaker_of("Ses05M_script02_2_F011"),
            Some(("Ses05".into(), Gender::Female))
        );
        assert_eq!(speaker_of("foo"), None);
        assert_eq!(emotion("exc"), Some("happiness"));
        assert_eq!(emotion("xxx"), None);
    }
}
