//! The two digests the tool takes of whole files, and which one serves what:
//!
//! - **BLAKE3** for the result files that `results.toml` lists. They are written on
//!   every run, and a traced run's `attempts.csv` is over a hundred megabytes. SHA-256
//!   hashes 1.6 GiB/s on one core here, even with the CPU's SHA instructions, and was
//!   the largest single cost of writing a trace; BLAKE3 hashes 6.2 GiB/s
//!   (`cargo bench --bench engine -- digest`; docs/PERFORMANCE.md, "BLAKE3 for result
//!   files"). `b3sum FILE` prints the same hex.
//! - **SHA-256** for the imported files a sweep's fingerprint records (users compare
//!   those with `sha256sum` of their own data), and to check the results folders that
//!   earlier versions wrote, whose `results.toml` names no digest.

use std::io::Read;
use std::path::Path;

use anyhow::Context;
use sha2::{Digest, Sha256};

/// The hasher that [`FileHash::RESULTS`] names, fed as result files are written.
pub type ResultsHasher = blake3::Hasher;

/// The lowercase hex text of a finished [`ResultsHasher`].
pub fn results_hex(hash: &ResultsHasher) -> String {
    hash.finalize().to_hex().to_string()
}

/// A digest of whole files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileHash {
    /// BLAKE3 (256-bit output), for result files.
    Blake3,
    /// SHA-256, for imported files and the result folders of earlier versions.
    Sha256,
}

impl FileHash {
    /// The digest result folders are written with.
    pub const RESULTS: FileHash = FileHash::Blake3;

    /// Its name in `results.toml`.
    pub fn name(self) -> &'static str {
        match self {
            FileHash::Blake3 => "blake3",
            FileHash::Sha256 => "sha256",
        }
    }

    /// The digest `name` stands for in a `results.toml`; a record without the key was
    /// written before it existed, with SHA-256.
    pub fn named(name: Option<&str>) -> Option<FileHash> {
        match name {
            None | Some("sha256") => Some(FileHash::Sha256),
            Some("blake3") => Some(FileHash::Blake3),
            Some(_) => None,
        }
    }

    /// The lowercase hex digest of the file at `path`.
    pub fn of_file(self, path: &Path) -> anyhow::Result<String> {
        match self {
            FileHash::Blake3 => {
                let mut hash = blake3::Hasher::new();
                read_chunks(path, |chunk| {
                    hash.update(chunk);
                })?;
                Ok(hash.finalize().to_hex().to_string())
            }
            FileHash::Sha256 => {
                let mut hash = Sha256::new();
                read_chunks(path, |chunk| hash.update(chunk))?;
                Ok(sha256_hex(hash))
            }
        }
    }
}

/// Reads the file at `path` from start to end, handing each chunk read to `take`.
fn read_chunks(path: &Path, mut take: impl FnMut(&[u8])) -> anyhow::Result<()> {
    let context = || format!("could not read '{}'", path.display());
    let mut file = std::fs::File::open(path).with_context(context)?;
    let mut buf = vec![0u8; 1 << 16];
    loop {
        match file.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => take(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e).with_context(context),
        }
    }
}

/// The lowercase hex text of a finished SHA-256.
pub fn sha256_hex(hash: Sha256) -> String {
    use std::fmt::Write;
    let bytes = hash.finalize();
    let mut text = String::with_capacity(2 * bytes.len());
    for b in bytes {
        let _ = write!(text, "{b:02x}");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Published test vectors for "abc".
    const ABC_SHA256: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    const ABC_BLAKE3: &str = "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85";

    #[test]
    fn files_hash_to_the_published_digests() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("abc.txt");
        std::fs::write(&path, b"abc").unwrap();
        assert_eq!(FileHash::Sha256.of_file(&path).unwrap(), ABC_SHA256);
        assert_eq!(FileHash::Blake3.of_file(&path).unwrap(), ABC_BLAKE3);
    }

    #[test]
    fn a_file_longer_than_one_read_hashes_as_a_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("long.bin");
        let bytes: Vec<u8> = (0..300_000u32).map(|k| (k * 7 % 251) as u8).collect();
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(
            FileHash::Blake3.of_file(&path).unwrap(),
            blake3::hash(&bytes).to_hex().to_string()
        );
        assert_eq!(
            FileHash::Sha256.of_file(&path).unwrap(),
            sha256_hex(Sha256::new_with_prefix(&bytes))
        );
    }

    #[test]
    fn the_results_hasher_is_the_digest_results_are_written_with() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("abc.txt");
        std::fs::write(&path, b"abc").unwrap();
        let mut hash = ResultsHasher::new();
        hash.update(b"abc");
        assert_eq!(
            results_hex(&hash),
            FileHash::RESULTS.of_file(&path).unwrap()
        );
    }

    #[test]
    fn records_without_a_digest_name_are_sha256() {
        assert_eq!(FileHash::named(None), Some(FileHash::Sha256));
        for hash in [FileHash::Sha256, FileHash::Blake3] {
            assert_eq!(FileHash::named(Some(hash.name())), Some(hash));
        }
        assert_eq!(FileHash::named(Some("md5")), None);
    }

    #[test]
    fn a_missing_file_is_an_error_that_names_it() {
        let err = FileHash::RESULTS
            .of_file(Path::new("/nonexistent/results.csv"))
            .unwrap_err();
        assert!(
            format!("{err:#}").contains("/nonexistent/results.csv"),
            "{err:#}"
        );
    }
}
