//! A result folder holds one set of results, never a mix. `results.toml`, renamed into
//! place after everything else, records which command wrote the folder (`run` or
//! `sweep`), the digest of its scenario, and the digest of every file of the set
//! (BLAKE3, named by its `digest` key; a record without the key is from an earlier
//! version and lists SHA-256 digests, which `verify` still checks). So:
//!
//! - a command refuses a folder another kind of command wrote, unless forced;
//! - files the previous set had and the new one does not produce (an `attempts.csv` of
//!   an earlier `--trace`) are removed when the new set is complete;
//! - a killed run leaves files that do not match the record, which `plot` detects;
//! - no output overwrites one of the command's input files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};

use super::file_hash::FileHash;
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
    /// The digest of `files` (`blake3`); absent in the records of earlier versions,
    /// whose digests are SHA-256.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
    /// File name → digest of its bytes, in hex.
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
        digest: Some(FileHash::RESULTS.name().to_string()),
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
    let Some(hash) = FileHash::named(record.digest.as_deref()) else {
        bail!(
            "'{}' lists digests of a kind this version does not know ({:?}); it was \
             written by a newer retrysim: run the command again with this one",
            dir.join(RECORD).display(),
            record.digest.as_deref().unwrap_or_default()
        );
    };
    for (name, digest) in &record.files {
        let path = dir.join(name);
        if hash.of_file(&path).ok().as_ref() != Some(digest) {
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

/// The digest of a file this process just committed: remembered from writing it when
/// the atomic writer wrote it, else read back.
fn committed_digest(path: &Path) -> anyhow::Result<String> {
    digests::recall(path).map_or_else(|| FileHash::RESULTS.of_file(path), Ok)
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
    fn a_record_names_its_digest_and_lists_the_files_blake3() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        finish(d, "run", "x", &[write(d, "summary.csv", "abc")]).unwrap();
        let text = std::fs::read_to_string(d.join(RECORD)).unwrap();
        assert!(text.contains("digest = \"blake3\"\n"), "{text}");
        // The published BLAKE3 digest of "abc", as `b3sum` prints it.
        assert!(
            text.contains(
                "\"summary.csv\" = \"6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85\""
            ),
            "{text}"
        );
    }

    /// A folder written before records named their digest lists SHA-256 digests: it still
    /// verifies, and a changed file in it is still found.
    #[test]
    fn a_record_of_an_earlier_version_is_checked_with_sha256() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        write(d, "summary.csv", "abc");
        let old = "kind = \"run\"\nscenario = \"x\"\n\n[files]\n\"summary.csv\" = \
                   \"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\"\n";
        write(d, RECORD, old);
        assert_eq!(verify(d).unwrap().digest, None);
        write(d, "summary.csv", "abd");
        assert!(verify(d).unwrap_err().to_string().contains("mixes results"));
    }

    #[test]
    fn a_digest_this_version_does_not_know_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        write(d, "summary.csv", "abc");
        let record = "kind = \"run\"\nscenario = \"x\"\ndigest = \"sha3\"\n\n[files]\n\"summary.csv\" = \"00\"\n";
        write(d, RECORD, record);
        let e = verify(d).unwrap_err().to_string();
        assert!(e.contains("results.toml") && e.contains("\"sha3\""), "{e}");
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
