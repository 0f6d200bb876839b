//! The capacity keys of `[workload]`: `[[workload.capacity]]` (or, for any workload,
//! `capacity = "capacity.csv"`) and `[workload.sender]`. They are taken out of the
//! workload table before the workload itself is validated, so both workload kinds share
//! them and neither schema needs to know them.

use std::path::Path;

use crate::error::MessageError;
use crate::workload::capacity::{Limits, RawCapacity, RawSender};
use crate::workload::import::capacity_csv::read_capacity;

/// Removes the capacity keys from `table` and validates them.
pub fn take_limits(table: &mut toml::Table, base_dir: &Path) -> Result<Limits, MessageError> {
    let capacity: Vec<RawCapacity> = match table.remove("capacity") {
        None => Vec::new(),
        Some(toml::Value::String(file)) => {
            read_capacity(&base_dir.join(file)).map_err(|e| e.to_string())?
        }
        Some(v @ toml::Value::Array(_)) => v
            .try_into()
            .map_err(|e: toml::de::Error| format!("workload.capacity: {}", e.message()))?,
        Some(other) => {
            return Err(format!(
                "workload.capacity must be a list of [[workload.capacity]] tables or the path of a capacity.csv, got {other}"
            ).into());
        }
    };
    let sender: RawSender = match table.remove("sender") {
        None => RawSender::default(),
        Some(v) => v
            .try_into()
            .map_err(|e: toml::de::Error| format!("workload.sender: {}", e.message()))?,
    };
    Limits::from_raw(&capacity, &sender)
}

/// Copies the capacity keys of the written `[workload]` table into a resolved one, for
/// `retrysim check` and the result folder's `scenario.toml`.
pub fn copy_keys(written: Option<&toml::Value>, resolved: &mut toml::Table) {
    let Some(w) = written.and_then(toml::Value::as_table) else {
        return;
    };
    for key in ["capacity", "sender"] {
        if let Some(v) = w.get(key) {
            resolved.insert(key.into(), v.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capacity_keys_leave_the_workload_table() {
        let mut t: toml::Table = r#"
            kind = "synthetic"
            [[capacity]]
            domain = "gmail.com"
            rate = 100
            burst = 10
            [sender]
            per_minute = 50
        "#
        .parse()
        .unwrap();
        let l = take_limits(&mut t, Path::new(".")).unwrap();
        assert_eq!(t.keys().collect::<Vec<_>>(), vec!["kind"]);
        assert_eq!(l.capacity[0].burst, 10);
        assert_eq!(l.sender.per_minute, Some(50));
    }

    #[test]
    fn an_unknown_key_in_an_entry_is_named() {
        let mut t: toml::Table = "[[capacity]]\ndomain = \"a\"\nrate = 1\nburst = 1\nbrust = 2\n"
            .parse()
            .unwrap();
        let e = take_limits(&mut t, Path::new(".")).unwrap_err().to_string();
        assert!(
            e.starts_with("workload.capacity: unknown field `brust`"),
            "{e}"
        );
    }
}
