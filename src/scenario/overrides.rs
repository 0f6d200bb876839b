//! `--set KEY=VALUE`: change any scenario key by its dotted path before validation.
//!
//! The value is read as a TOML value (`3`, `true`, `"84h"`, `[1, 2]`, `{ kind = "fixed",
//! interval = "1h" }`); text that is not valid TOML is taken as a string, so
//! `--set policy.retry_period=24h` needs no quotes.

use crate::error::MessageError;

/// Applies one `KEY=VALUE` assignment to `doc`.
pub fn apply(doc: &mut toml::Table, assignment: &str) -> Result<(), MessageError> {
    let (path, text) = assignment
        .split_once('=')
        .ok_or_else(|| format!("--set expects KEY=VALUE, got {assignment:?}"))?;
    let path = path.trim();
    if path.is_empty() || path.split('.').any(str::is_empty) {
        return Err(format!(
            "--set: {path:?} is not a dotted key path such as policy.retry_period"
        )
        .into());
    }
    set(doc, path, parse_value(text.trim()))
}

/// Reads `text` as a TOML value, or as a plain string when it is not one.
pub fn parse_value(text: &str) -> toml::Value {
    format!("v = {text}")
        .parse::<toml::Table>()
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| toml::Value::String(text.to_string()))
}

/// Sets `path` (dotted) in `doc` to `value`, creating tables on the way.
pub fn set(doc: &mut toml::Table, path: &str, value: toml::Value) -> Result<(), MessageError> {
    let mut parts: Vec<&str> = path.split('.').collect();
    let last = parts.pop().expect("split yields at least one part");
    let mut table = doc;
    for (i, part) in parts.iter().enumerate() {
        let entry = table
            .entry(part.to_string())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        table = entry.as_table_mut().ok_or_else(|| {
            format!(
                "cannot set {path}: {} is not a table",
                parts[..=i].join(".")
            )
        })?;
    }
    table.insert(last.to_string(), value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_toml_or_plain_text() {
        let mut doc = toml::Table::new();
        apply(&mut doc, "policy.soft_bounce_threshold=3").unwrap();
        apply(&mut doc, "policy.retry_period=24h").unwrap();
        apply(&mut doc, "policy.hard_bounce_suppresses = false").unwrap();
        let policy = doc["policy"].as_table().unwrap();
        assert_eq!(policy["soft_bounce_threshold"].as_integer(), Some(3));
        assert_eq!(policy["retry_period"].as_str(), Some("24h"));
        assert_eq!(policy["hard_bounce_suppresses"].as_bool(), Some(false));
    }

    #[test]
    fn bad_assignments_are_explained() {
        let mut doc: toml::Table = "name = \"x\"".parse().unwrap();
        assert!(
            apply(&mut doc, "no-equals-sign")
                .unwrap_err()
                .to_string()
                .contains("KEY=VALUE")
        );
        assert!(apply(&mut doc, "policy..x=1").is_err());
        assert!(
            apply(&mut doc, "name.inner=1")
                .unwrap_err()
                .to_string()
                .contains("name is not a table")
        );
    }
}
