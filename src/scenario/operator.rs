//! The `[operator]` table: a scheduled operator who bulk-retries every failed message on
//! chosen days at one local time, with a given probability (S4, S8). Validated into an
//! [`OperatorSpec`] with messages that name the key and what is allowed.

use serde::Deserialize;

use crate::error::MessageError;
use crate::time::TimeOfDay;
use crate::workload::operator::{self, OperatorSpec, WEEKDAYS};

/// The local time of day of a slot when the table does not say: the start of an office
/// morning, after the portal's 06:00 job and before the late-morning campaigns.
pub const DEFAULT_AT: &str = "10:00";

/// The `[operator]` table as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOperator {
    days: Option<Vec<String>>,
    at: Option<String>,
    probability: Option<f64>,
    reason: Option<String>,
}

/// Validates the `[operator]` table. Missing keys take their defaults: Monday to Friday,
/// 10:00, probability 1, no reason.
pub fn operator_spec(table: &toml::Table) -> Result<OperatorSpec, MessageError> {
    let raw: RawOperator = toml::Value::Table(table.clone())
        .try_into()
        .map_err(|e: toml::de::Error| format!("operator: {}", e.message()))?;
    let probability = raw.probability.unwrap_or(1.0);
    if !(0.0..=1.0).contains(&probability) {
        return Err(format!("operator.probability must be 0..=1, got {probability}").into());
    }
    let at = raw.at.as_deref().unwrap_or(DEFAULT_AT);
    Ok(OperatorSpec {
        days: raw.days.map_or(Ok(WEEKDAYS.to_vec()), |d| days(&d))?,
        at: TimeOfDay::parse(at).map_err(|e| format!("operator.at: {e}"))?,
        probability,
        reason: raw.reason.filter(|r| !r.is_empty()),
    })
}

/// Days from `mon` to `sun`, sorted Monday first, repeats dropped; at least one.
fn days(names: &[String]) -> Result<Vec<chrono::Weekday>, MessageError> {
    let mut days = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            operator::parse_day(name).ok_or_else(|| {
                MessageError::from(format!(
                    "operator.days[{i}] must be a day from mon..sun, got {name:?}"
                ))
            })
        })
        .collect::<Result<Vec<_>, MessageError>>()?;
    if days.is_empty() {
        return Err("operator.days must name at least one day from mon..sun".into());
    }
    days.sort_by_key(chrono::Weekday::num_days_from_monday);
    days.dedup();
    Ok(days)
}

/// The spec as a TOML table with every default filled in.
pub fn to_table(spec: &OperatorSpec) -> toml::Table {
    let mut t = toml::Table::new();
    let days = spec
        .days
        .iter()
        .map(|d| toml::Value::String(operator::day_name(*d)))
        .collect();
    t.insert("days".into(), toml::Value::Array(days));
    t.insert("at".into(), toml::Value::String(spec.at.to_string()));
    t.insert("probability".into(), toml::Value::Float(spec.probability));
    if let Some(reason) = &spec.reason {
        t.insert("reason".into(), toml::Value::String(reason.clone()));
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> Result<OperatorSpec, MessageError> {
        operator_spec(&text.parse::<toml::Table>().unwrap())
    }

    #[test]
    fn an_empty_table_is_every_weekday_at_ten_always() {
        let spec = check("").unwrap();
        assert_eq!(spec.days, WEEKDAYS);
        assert_eq!(spec.at.to_string(), "10:00");
        assert_eq!(spec.probability, 1.0);
        assert_eq!(spec.reason, None);
    }

    #[test]
    fn days_are_sorted_and_deduplicated_and_integers_are_probabilities() {
        let spec = check("days = [\"sun\", \"Mon\", \"sun\"]\nprobability = 0").unwrap();
        assert_eq!(spec.days, [chrono::Weekday::Mon, chrono::Weekday::Sun]);
        assert_eq!(spec.probability, 0.0);
    }

    #[test]
    fn errors_name_the_key_and_the_range() {
        let err = |text: &str| check(text).unwrap_err().to_string();
        assert_eq!(
            err("probability = 1.5"),
            "operator.probability must be 0..=1, got 1.5"
        );
        assert_eq!(
            err("probability = -0.1"),
            "operator.probability must be 0..=1, got -0.1"
        );
        assert!(err("probability = nan").contains("operator.probability must be 0..=1"));
        assert_eq!(
            err("days = [\"mon\", \"funday\"]"),
            "operator.days[1] must be a day from mon..sun, got \"funday\""
        );
        assert_eq!(
            err("days = []"),
            "operator.days must name at least one day from mon..sun"
        );
        assert!(err("at = \"25:00\"").starts_with("operator.at: expected a time of day"));
        assert!(err("every = \"1d\"").starts_with("operator: unknown field `every`"));
    }

    #[test]
    fn the_table_round_trips() {
        let spec =
            check("days = [\"sat\"]\nat = \"07:30\"\nprobability = 0.25\nreason = \"x\"").unwrap();
        assert_eq!(operator_spec(&to_table(&spec)).unwrap(), spec);
    }
}
