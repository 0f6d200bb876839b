//! A result folder holds one set of results, never a mix. `results.toml`, renamed into
//! place after everything else, records which command wrote the folder (`run` or
//! `sweep`), the digest of its scenario, and the SHA-256 of every file of the set. So:
//!
//! - a command refuses a folder another kind of command wrote, unless forced;
//! - files the previous set had and the new one does not produce (an `attempts.csv` of
//!   an earlier `--trace`) are removed when the new set is complete;
//! - a killed run leaves files that do not match the record, which `plot` detects;
//! - no output overwrites one of the command's input files.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{atomic, digests};

/// The record's file name.
pub const RECORD: &str = "results.toml";

/// Result files a command may write, whatever its options; any of them present in a
/// folder belongs to the folder's set or is stale.
pub const RESULT_FILES: [&str; 9] = [
    "scenario.toml",
    "summary.csv",
    "suppressions.csv",
    "attempts.csv",
    "operator.csv",
    "aggregate.csv",
    "ttd.csv",
    "recommendation.csv",
    "report.html",
];

/// What a folder's record says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    /// The command that wrote the set: `run` or `sweep`.
    pub kind: String,
    /// The fingerprint digest of the scenario behind every file.
    pub scenario: String,
    /// File name → SHA-256 of its bytes.
    pub files: BTreeMap<String, String>,
}

/// Reads `dir`'s record, if it has one.
pub fn read_record(dir: &Path) -> anyhow::Result<Option<Record>> {
    read_toml(&dir.join(RECORD), "a results record")
}

/// Reads the TOML file at `path` into a `T`, or `None` when there is no such file (a
/// folder that no command has written yet); an unreadable or foreign file is an error
/// that names the file and says it is not `what`.
pub fn read_toml<T: serde::de::DeserializeOwned>(
    path: &Path,
    what: &str,
) -> anyhow::Result<Option<T>> {
    if !path.exists() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("could not read '{}'", path.display()))?;
    toml::from_str(&text)
        .map(Some)
        .with_context(|| format!("'{}' is not {what}", path.display()))
}

/// Checks that `kind` may write into `dir`: refuses a folder whose record names another
/// command unless `force`.
pub fn check_kind(dir: &Path, kind: &str, force: bool) -> anyhow::Result<()> {
    if let Some(old) = read_record(dir)?
        && old.kind != kind
        && !force
    {
        bail!(
            "'{}' holds the results of `retrysim {}`; a `{kind}` would mix with them. \
             Choose another --out, or add --force to replace them",
            dir.display(),
            old.kind
        );
    }
    Ok(())
}

/// Refuses when one of `inputs` is a file in `dir` that the command would write
/// (`writes` says which names it writes).
pub fn refuse_overwriting_inputs(
    dir: &Path,
    inputs: &[PathBuf],
    writes: impl Fn(&str) -> bool,
) -> anyhow::Result<()> {
    let Ok(dir) = dir.canonicalize() else {
        return Ok(());
    };
    for input in inputs {
        let Ok(real) = input.canonicalize() else {
            continue;
        };
        let name = real.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if real.parent() == Some(dir.as_path()) && writes(name) {
            bail!(
                "'{}' is an input of this command and would be overwritten by its output; \
                 choose another --out",
                input.display()
            );
        }
    }
    Ok(())
}

/// Whether `name` is a file a `run` or `sweep` may write into its folder.
pub fn is_result_file(name: &str) -> bool {
    RESULT_FILES.contains(&name)
        || name == RECORD
        || name.ends_with(".png")
        || name.ends_with(".svg")
}

/// Completes a folder's set: removes the files of the previous set (and stray result
/// files) that `written` does not include, then writes the record last.
pub fn finish(dir: &Path, kind: &str, scenario: &str, written: &[PathBuf]) -> anyhow::Result<()> {
    let names: Vec<String> = written
        .iter()
        .filter(|p| p.parent() == Some(dir))
        .filter_map(|p| p.file_name().and_then(|n| n.to_str()).map(str::to_string))
        .collect();
    let previous = read_record(dir)?.map(|r| r.files).unwrap_or_default();
    let stale = previous
        .keys()
        .map(String::as_str)
        .chain(RESULT_FILES)
        .filter(|n| !names.iter().any(|w| w == n) && is_result_file(n));
    for name in stale {
        let path = dir.join(name);
        if path.symlink_metadata().is_ok() {
            std::fs::remove_file(&path)
                .with_context(|| format!("could not remove the stale '{}'", path.display()))?;
        }
    }
    let files = names
        .into_iter()
        .map(|n| Ok((committed_digest(&dir.join(&n))?, n)))
        .map(|r: anyhow::Result<_>| r.map(|(d, n)| (n, d)))
        .collect::<anyhow::Result<_>>()?;
    let record = Record {
        kind: kind.to_string(),
        scenario: scenario.to_string(),
        files,
    };
    atomic::write_bytes(&dir.join(RECORD), toml::to_string(&record)?.as_bytes()).map(drop)
}

/// Checks that `dir` holds one consistent set: a record, every file it lists unchanged,
/// and no result file it does not list.
pub fn verify(dir: &Path) -> anyhow::Result<Record> {
    let Some(record) = read_record(dir)? else {
        bail!(
            "'{}' has no {RECORD}: its results are incomplete (an interrupted run) or were \
             not written by retrysim; run the command again",
            dir.display()
        );
    };
    for (name, digest) in &record.files {
        let path = dir.join(name);
        if file_digest(&path).ok().as_ref() != Some(digest) {
            bail!(
                "'{}' is not the file {RECORD} lists: the folder mixes results of different \
                 runs or scenarios; run the command again",
                path.display()
            );
        }
    }
    for name in RESULT_FILES {
        if !record.files.contains_key(name) && dir.join(name).exists() {
            bail!(
                "'{}' does not belong to the results {RECORD} lists (a `{}` of scenario {}): \
                 the folder mixes results; remove it or run the command again",
                dir.join(name).display(),
                record.kind,
                &record.scenario[..record.scenario.len().min(12)]
            );
        }
    }
    Ok(record)
}

/// The SHA-256 of a file this process just committed: remembered from writing it when
/// the atomic writer wrote it, else read back.
fn committed_digest(path: &Path) -> anyhow::Result<String> {
    digests::recall(path).map_or_else(|| file_digest(path), Ok)
}

/// The SHA-256 of a file's bytes, in hex.
pub fn file_digest(path: &Path) -> anyhow::Result<String> {
    let mut file = std::fs::File::open(path)
        .with_context(|| format!("could not read '{}'", path.display()))?;
    let mut hash = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file
            .read(&mut buf)
            .with_context(|| format!("could not read '{}'", path.display()))?;
        if n == 0 {
            return Ok(digests::hex(hash));
        }
        hash.update(&buf[..n]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn a_new_set_removes_the_files_the_old_one_had() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let old = [write(d, "summary.csv", "a"), write(d, "attempts.csv", "b")];
        finish(d, "run", "x", &old).unwrap();
        let notes = write(d, "notes.txt", "mine");
        let new = [write(d, "summary.csv", "c")];
        finish(d, "run", "x", &new).unwrap();
        assert!(!d.join("attempts.csv").exists());
        assert!(notes.exists(), "files that are not results are left alone");
        assert_eq!(verify(d).unwrap().files.len(), 1);
    }

    #[test]
    fn another_kind_is_refused_unless_forced() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        finish(d, "sweep", "x", &[write(d, "summary.csv", "a")]).unwrap();
        let e = check_kind(d, "run", false).unwrap_err();
        assert!(e.to_string().contains("results of `retrysim sweep`"), "{e}");
        check_kind(d, "run", true).unwrap();
        check_kind(d, "sweep", false).unwrap();
    }

    #[test]
    fn a_changed_or_stray_file_makes_the_folder_mixed() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        assert!(
            verify(d)
                .unwrap_err()
                .to_string()
                .contains("has no results.toml")
        );
        finish(d, "run", "x", &[write(d, "summary.csv", "a")]).unwrap();
        verify(d).unwrap();
        write(d, "aggregate.csv", "from another sweep");
        assert!(
            verify(d)
                .unwrap_err()
                .to_string()
                .contains("does not belong")
        );
        std::fs::remove_file(d.join("aggregate.csv")).unwrap();
        write(d, "summary.csv", "other");
        assert!(verify(d).unwrap_err().to_string().contains("mixes results"));
    }

    #[test]
    fn an_input_in_the_output_folder_is_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let input = write(d, "scenario.toml", "name = \"x\"");
        let e =
            refuse_overwriting_inputs(d, std::slice::from_ref(&input), is_result_file).unwrap_err();
        assert!(e.to_string().contains("would be overwritten"), "{e}");
        let other = write(d, "study.toml", "");
        refuse_overwriting_inputs(d, &[other], is_result_file).unwrap();
        let sub = d.join("sub");
        std::fs::create_dir(&sub).unwrap();
        refuse_overwriting_inputs(&sub, &[input], is_result_file).unwrap();
    }
}
