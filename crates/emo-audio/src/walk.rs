//! Inputs to audio files: files as given, directories walked (with walkdir)
//! once per real file.

use crate::AudioError;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// File extensions read as audio when walking directories.
pub const AUDIO_EXTENSIONS: [&str; 6] = ["wav", "wave", "flac", "mp3", "ogg", "oga"];

/// True if the path has an audio extension.
pub fn is_audio_path(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| AUDIO_EXTENSIONS.iter().any(|a| a.eq_ignore_ascii_case(e)))
}

/// What makes two paths the same file: on Unix its device and inode (one
/// `stat`, where the canonical path costs a `readlink` per component, and a
/// hard link is the same file too), elsewhere its canonical path; the path as
/// given where neither can be read.
#[derive(Debug, PartialEq, Eq, Hash)]
enum FileId {
    #[cfg(unix)]
    Inode(u64, u64),
    Path(PathBuf),
}

impl FileId {
    fn of(path: &Path) -> Self {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            if let Ok(m) = std::fs::metadata(path) {
                return FileId::Inode(m.dev(), m.ino());
            }
        }
        FileId::Path(std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned()))
    }
}

/// What [`find_audio_files`] found.
#[derive(Debug, Default)]
pub struct Found {
    /// Audio files, each real file once, in input order (directories sorted).
    pub files: Vec<PathBuf>,
    /// Inputs that do not exist and entries that could not be read.
    pub errors: Vec<AudioError>,
    /// What the walk passed over on purpose (directory loops, linked
    /// directories, files reached twice), for the user to see.
    pub notes: Vec<String>,
}

/// Expands inputs into audio files. Files are taken as given (whatever their
/// extension); directories are walked recursively for files with an audio
/// extension, sorted by name, hidden entries skipped. A link to a file is
/// taken; a link to a directory is walked only with `follow_links`, and then a
/// link back into its own ancestors is reported once and not walked again.
/// A file reached twice (named twice, or through links) is listed once.
pub fn find_audio_files(inputs: &[PathBuf], follow_links: bool) -> Found {
    let mut found = Found::default();
    let mut seen = HashSet::new();
    let mut twice = 0usize;
    let mut keep = |path: PathBuf, files: &mut Vec<PathBuf>| {
        // the file's identity only to recognise it again; the path is kept as reached
        if seen.insert(FileId::of(&path)) {
            files.push(path);
        } else {
            twice += 1;
        }
    };
    for input in inputs {
        if input.is_dir() {
            walk_dir(input, follow_links, &mut found, &mut keep);
        } else if input.exists() {
            keep(input.clone(), &mut found.files);
        } else {
            found.errors.push(AudioError::Open {
                path: input.clone(),
                source: std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "no such file or directory",
                ),
            });
        }
    }
    if twice > 0 {
        found.notes.push(format!(
            "{twice} file{} reached more than once (named twice or through links) taken once",
            if twice == 1 { "" } else { "s" }
        ));
    }
    found
}

fn walk_dir(
    root: &Path,
    follow_links: bool,
    found: &mut Found,
    keep: &mut impl FnMut(PathBuf, &mut Vec<PathBuf>),
) {
    let mut linked_dirs = 0usize;
    let walker = walkdir::WalkDir::new(root)
        .follow_links(follow_links)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()));
    for entry in walker {
        match entry {
            Ok(e) if e.file_type().is_dir() => {}
            Ok(e) if e.path_is_symlink() && !follow_links => {
                // not followed, so its file type is the link's: look at the target
                match std::fs::metadata(e.path()) {
                    Ok(m) if m.is_dir() => linked_dirs += 1,
                    Ok(_) if is_audio_path(e.path()) => keep(e.into_path(), &mut found.files),
                    Ok(_) => {}
                    Err(source) if is_audio_path(e.path()) => found.errors.push(AudioError::Open {
                        path: e.into_path(),
                        source,
                    }),
                    Err(_) => {}
                }
            }
            Ok(e) if is_audio_path(e.path()) => keep(e.into_path(), &mut found.files),
            Ok(_) => {}
            Err(err) => {
                let path = err.path().unwrap_or(root).to_owned();
                if let Some(ancestor) = err.loop_ancestor() {
                    found.notes.push(format!(
                        "{}: links back to {} (a directory loop), not walked again",
                        path.display(),
                        ancestor.display()
                    ));
                } else if is_audio_path(&path) || !is_dangling(&err) {
                    let source = err
                        .into_io_error()
                        .unwrap_or_else(|| std::io::Error::other("cannot walk"));
                    found.errors.push(AudioError::Open { path, source });
                }
            }
        }
    }
    if linked_dirs > 0 {
        found.notes.push(format!(
            "{}: {linked_dirs} linked director{} not walked (give --follow-links to walk them)",
            root.display(),
            if linked_dirs == 1 { "y" } else { "ies" }
        ));
    }
}

/// A link to nothing met while following links: noise unless it names audio.
fn is_dangling(err: &walkdir::Error) -> bool {
    err.io_error()
        .is_some_and(|e| e.kind() == std::io::ErrorKind::NotFound)
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|n| n.starts_with('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("emo-walk-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("b.wav"), b"x").unwrap();
        std::fs::write(dir.join("sub/a.flac"), b"x").unwrap();
        std::fs::write(dir.join("notes.txt"), b"x").unwrap();
        std::fs::create_dir_all(dir.join(".hidden")).unwrap();
        std::fs::write(dir.join(".hidden/c.wav"), b"x").unwrap();
        dir
    }

    fn names(f: &Found, root: &Path) -> Vec<String> {
        f.files
            .iter()
            .map(|p| p.strip_prefix(root).unwrap().to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn walks_sorted_skipping_hidden_and_non_audio() {
        let dir = tree("plain");
        let f = find_audio_files(std::slice::from_ref(&dir), false);
        assert_eq!(names(&f, &dir), ["b.wav", "sub/a.flac"]);
        assert!(f.errors.is_empty() && f.notes.is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn missing_input_is_an_error_naming_it() {
        let f = find_audio_files(&[PathBuf::from("/no/such/dir/x.wav")], false);
        assert!(f.files.is_empty());
        assert!(f.errors[0].to_string().contains("/no/such/dir/x.wav"));
    }

    #[test]
    fn the_same_file_twice_is_listed_once() {
        let dir = tree("twice");
        let b = dir.join("b.wav");
        let f = find_audio_files(&[b.clone(), dir.clone(), b], false);
        assert_eq!(names(&f, &dir), ["b.wav", "sub/a.flac"]);
        assert!(f.notes[0].starts_with("2 files reached more than once"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    #[test]
    fn a_file_through_a_link_is_the_same_file() {
        let dir = tree("links");
        let (b, soft, hard) = (
            dir.join("b.wav"),
            dir.join("soft.wav"),
            dir.join("hard.wav"),
        );
        std::os::unix::fs::symlink(&b, &soft).unwrap();
        std::fs::hard_link(&b, &hard).unwrap();
        // the first name reached is kept; the other two are the same file
        let f = find_audio_files(&[soft.clone(), b.clone(), hard], false);
        assert_eq!(f.files, [soft]);
        assert!(f.notes[0].starts_with("2 files reached more than once"));
        // a different file with the same content is another file
        let copy = dir.join("copy.wav");
        std::fs::copy(&b, &copy).unwrap();
        assert_eq!(
            find_audio_files(&[b.clone(), copy.clone()], false).files,
            [b, copy]
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_loop_is_walked_once_and_reported_once() {
        let dir = tree("loop");
        std::os::unix::fs::symlink(&dir, dir.join("sub/up")).unwrap();
        std::os::unix::fs::symlink(dir.join("b.wav"), dir.join("sub/b-link.wav")).unwrap();

        // default: the linked directory is not walked, the linked file is the same file
        let f = find_audio_files(std::slice::from_ref(&dir), false);
        assert_eq!(names(&f, &dir), ["b.wav", "sub/a.flac"]);
        assert!(f
            .notes
            .iter()
            .any(|n| n.contains("1 linked directory not walked")));
        assert!(f.errors.is_empty());

        // following links: the loop is found, reported once, nothing listed twice
        let f = find_audio_files(std::slice::from_ref(&dir), true);
        assert_eq!(names(&f, &dir), ["b.wav", "sub/a.flac"]);
        let loops: Vec<_> = f.notes.iter().filter(|n| n.contains("loop")).collect();
        assert_eq!(loops.len(), 1, "{:?}", f.notes);
        assert!(loops[0].contains("sub/up"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    #[test]
    fn a_linked_directory_is_walked_when_asked() {
        let dir = tree("linked");
        let other = dir.with_extension("other");
        let _ = std::fs::remove_dir_all(&other);
        std::fs::create_dir_all(&other).unwrap();
        std::fs::write(other.join("z.wav"), b"x").unwrap();
        std::os::unix::fs::symlink(&other, dir.join("sub/more")).unwrap();
        std::os::unix::fs::symlink(dir.join("gone.wav"), dir.join("dangling.wav")).unwrap();
        let f = find_audio_files(std::slice::from_ref(&dir), true);
        assert_eq!(names(&f, &dir), ["b.wav", "sub/a.flac", "sub/more/z.wav"]);
        // a dangling link to an audio file is an error naming the link
        let f = find_audio_files(std::slice::from_ref(&dir), false);
        assert_eq!(f.errors.len(), 1);
        assert!(f.errors[0].to_string().contains("dangling.wav"));
        let _ = std::fs::remove_dir_all(&dir);
        let _ = std::fs::remove_dir_all(&other);
    }
}
