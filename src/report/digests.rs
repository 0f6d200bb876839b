//! The digest ([`FileHash::RESULTS`](super::file_hash::FileHash::RESULTS)) of every file
//! the atomic writer commits, computed while its bytes are written. `folder::finish`
//! lists each file's digest in `results.toml`; taking it from here spares reading the
//! file back from disk (a traced run's `attempts.csv` is hundreds of megabytes).
//!
//! The memory is small and only a shortcut: it holds the latest few commits, and a file
//! whose length no longer matches what was committed (rewritten by something else since)
//! is read and hashed again.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// How many commits are remembered. A result folder holds far fewer files; a sweep's
/// many point files, written before the final files, are forgotten first.
const KEPT: usize = 64;

/// A committed file: where, how long, and its digest in hex.
struct Known {
    path: PathBuf,
    len: u64,
    digest: String,
}

static KNOWN: Mutex<VecDeque<Known>> = Mutex::new(VecDeque::new());

/// Remembers that `path` was just committed with `len` bytes hashing to `digest`.
pub fn remember(path: &Path, len: u64, digest: String) {
    let mut known = KNOWN.lock().unwrap_or_else(|e| e.into_inner());
    push(&mut known, path, len, digest);
}

/// Adds a commit to `known`, replacing an older one of the same path and forgetting the
/// oldest when full.
fn push(known: &mut VecDeque<Known>, path: &Path, len: u64, digest: String) {
    known.retain(|k| k.path != path);
    if known.len() == KEPT {
        known.pop_front();
    }
    known.push_back(Known {
        path: path.to_path_buf(),
        len,
        digest,
    });
}

/// Forgets any digest remembered for `path`: it was just rewritten without one, and an
/// older digest of the same length must not be taken for the new bytes'.
pub fn forget(path: &Path) {
    let mut known = KNOWN.lock().unwrap_or_else(|e| e.into_inner());
    known.retain(|k| k.path != path);
}

/// The digest remembered for `path`, if its length on disk is still the committed one.
pub fn recall(path: &Path) -> Option<String> {
    let len = std::fs::symlink_metadata(path).ok()?.len();
    let known = KNOWN.lock().unwrap_or_else(|e| e.into_inner());
    known
        .iter()
        .rev()
        .find(|k| k.path == path && k.len == len)
        .map(|k| k.digest.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_of_another_length_is_not_recalled() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.csv");
        std::fs::write(&path, b"abc").unwrap();
        remember(&path, 3, "d".into());
        assert_eq!(recall(&path).as_deref(), Some("d"));
        std::fs::write(&path, b"abcd").unwrap();
        assert_eq!(recall(&path), None);
    }

    #[test]
    fn a_forgotten_file_is_not_recalled() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.csv");
        std::fs::write(&path, b"abc").unwrap();
        remember(&path, 3, "d".into());
        forget(&path);
        assert_eq!(recall(&path), None);
    }

    #[test]
    fn only_the_latest_commits_are_kept() {
        // A local list: the shared one is also used by tests running in parallel.
        let mut known = VecDeque::new();
        let first = Path::new("first.csv");
        push(&mut known, first, 1, "f".into());
        push(&mut known, first, 2, "g".into());
        assert_eq!(known.len(), 1);
        for k in 0..KEPT {
            push(&mut known, Path::new(&format!("{k}.csv")), 0, String::new());
        }
        assert_eq!(known.len(), KEPT);
        assert!(known.iter().all(|k| k.path != first));
    }
}
