//! What a sweep's points depend on, recorded so that points of two different worlds can
//! never be joined: every key of the resolved scenario (flattened to dotted paths), the
//! SHA-256 of every imported file's bytes, and the tool's version. Its digest is kept in
//! the manifest and in every point file; when two fingerprints differ, the first
//! differing key is named.

use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

use crate::report::file_hash::{FileHash, sha256_hex};
use crate::scenario::{Scenario, WorkloadSpec};

/// Dotted key → value text, in key order.
pub type Fingerprint = BTreeMap<String, String>;

/// The fingerprint of `scenario`, reading (and hashing) its imported files.
pub fn of(scenario: &Scenario) -> anyhow::Result<Fingerprint> {
    let mut entries = Fingerprint::new();
    flatten("", &toml::Value::Table(scenario.resolved()), &mut entries);
    entries.insert(
        "retrysim.version".to_string(),
        env!("CARGO_PKG_VERSION").to_string(),
    );
    if let WorkloadSpec::Csv(trace) = &scenario.workload {
        let files = [
            ("sends", Some(&trace.sends)),
            ("failures", trace.failures.as_ref()),
        ];
        let files = files
            .into_iter()
            .chain([("actions", trace.actions.as_ref())]);
        for (key, path) in files {
            if let Some(path) = path {
                // A device or a pipe would be read without end (or consumed).
                anyhow::ensure!(
                    std::fs::metadata(path).is_ok_and(|m| m.is_file()),
                    "'{}' is not a regular file",
                    path.display()
                );
                entries.insert(
                    format!("input.{key}.sha256"),
                    FileHash::Sha256.of_file(path)?,
                );
            }
        }
    }
    Ok(entries)
}

/// The SHA-256 of the fingerprint's `key=value` lines, in hex.
pub fn digest(fingerprint: &Fingerprint) -> String {
    let mut hash = Sha256::new();
    for (key, value) in fingerprint {
        hash.update(key.as_bytes());
        hash.update(b"=");
        hash.update(value.as_bytes());
        hash.update(b"\n");
    }
    sha256_hex(hash)
}

/// The first key (in key order) whose value differs between `old` and `new`, described
/// as `KEY: OLD → NEW`.
pub fn first_difference(old: &Fingerprint, new: &Fingerprint) -> Option<String> {
    let keys = old.keys().chain(new.keys());
    let mut keys: Vec<&String> = keys.collect();
    keys.sort();
    keys.dedup();
    keys.into_iter().find_map(|key| {
        let (a, b) = (old.get(key), new.get(key));
        (a != b).then(|| {
            let show = |v: Option<&String>| v.map_or("(absent)".to_string(), |v| v.clone());
            format!("{key}: {} → {}", show(a), show(b))
        })
    })
}

fn flatten(prefix: &str, value: &toml::Value, out: &mut Fingerprint) {
    match value {
        toml::Value::Table(table) => {
            for (key, v) in table {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                flatten(&path, v, out);
            }
        }
        other => {
            out.insert(prefix.to_string(), other.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(sets: &[&str]) -> Fingerprint {
        let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
        of(&Scenario::load(None, &sets).unwrap()).unwrap()
    }

    #[test]
    fn the_first_differing_key_is_named() {
        let a = load(&[]);
        let b = load(&["workload.contacts=1234", "policy.cross_delivery_gap=\"1h\""]);
        assert_ne!(digest(&a), digest(&b));
        assert_eq!(digest(&a), digest(&load(&[])));
        let diff = first_difference(&a, &b).unwrap();
        assert!(diff.starts_with("policy.cross_delivery_gap: "), "{diff}");
        assert_eq!(first_difference(&a, &a), None);
    }

    #[test]
    fn imported_files_are_fingerprinted_by_their_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let sends = dir.path().join("sends.csv");
        let header = "message_id,contact,created_at,delivery_id,channel,message_type\n";
        std::fs::write(&sends, header).unwrap();
        let scenario_path = dir.path().join("s.toml");
        std::fs::write(
            &scenario_path,
            "[workload]\nkind = \"csv\"\nsends = \"sends.csv\"\n",
        )
        .unwrap();
        let before = of(&Scenario::load(Some(&scenario_path), &[]).unwrap()).unwrap();
        std::fs::write(
            &sends,
            format!("{header}m,a,2026-01-05T00:00:00Z,d,email,marketing\n"),
        )
        .unwrap();
        let after = of(&Scenario::load(Some(&scenario_path), &[]).unwrap()).unwrap();
        let diff = first_difference(&before, &after).unwrap();
        assert!(diff.starts_with("input.sends.sha256: "), "{diff}");
    }
}
