//! What the binary's test files share: running it, reading its output, and
//! scratch directories that do not outlive their test.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The `emo-pipe` binary under test.
pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_emo-pipe"))
}

/// A run's standard output and standard error, as text.
pub fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// A scratch directory of one test, removed when the test ends (pass or
/// fail), so that runs of the suite leave nothing in the temporary directory.
pub struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl std::ops::Deref for TempDir {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<Path> for TempDir {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<std::ffi::OsStr> for TempDir {
    fn as_ref(&self) -> &std::ffi::OsStr {
        self.0.as_os_str()
    }
}

/// A fresh, empty scratch directory named after the test process and `name`.
pub fn tmp(name: &str) -> TempDir {
    let d = std::env::temp_dir().join(format!("emo-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    TempDir(d)
}
