//! Shared helpers of the top-level integration tests: where the fixtures and
//! the shared corpora are.

use std::path::PathBuf;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `fixtures/` of this repository.
pub fn fixtures() -> PathBuf {
    root().join("fixtures")
}

/// The shared material (`../shared` beside the checkout, or `$EMO_PIPE_SHARED`).
/// Tests that need it fail, not skip, when it is missing: CI always has it.
pub fn shared() -> PathBuf {
    let p = std::env::var_os("EMO_PIPE_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("..").join("shared"));
    assert!(
        p.join("reference").is_dir(),
        "shared material not found at {} (set EMO_PIPE_SHARED)",
        p.display()
    );
    p
}
