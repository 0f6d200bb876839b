//! The `[sweep]` table read as a grid: every key is a dotted scenario path with a list of
//! values, and the points are the product of the lists.
//!
//! Keys come in the table's (sorted) order; the last key varies fastest, so point numbers
//! read like an odometer. Reserved keys (`design`, `samples`) are not swept.

use super::Point;
use super::SweepError;

/// The most points a sweep may have: each point is a whole study, so more is a mistake
/// (or a job for several sweeps), and the plan of every point is held in memory.
pub const MAX_POINTS: usize = 100_000;

/// Keys of `[sweep]` that configure the design rather than name a swept path.
pub const RESERVED: [&str; 2] = ["design", "samples"];

/// The text of a value in a CSV column: strings as they are, numbers and booleans via
/// `Display`, anything else as TOML.
pub fn value_text(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        toml::Value::Integer(n) => n.to_string(),
        toml::Value::Float(x) => x.to_string(),
        toml::Value::Boolean(b) => b.to_string(),
        other => other.to_string(),
    }
}

/// Reads a grid `[sweep]` table into its swept keys and points.
pub fn points(table: &toml::Table) -> Result<(Vec<String>, Vec<Point>), SweepError> {
    let mut axes: Vec<(String, Vec<toml::Value>)> = Vec::new();
    for (key, value) in table {
        if RESERVED.contains(&key.as_str()) {
            continue;
        }
        check_key(key)?;
        let list = value.as_array().ok_or_else(|| {
            format!("sweep.\"{key}\" must be a list of values such as [1, 3, 5], got {value}")
        })?;
        if list.is_empty() {
            return Err(format!("sweep.\"{key}\" must list at least one value").into());
        }
        axes.push((key.clone(), list.clone()));
    }
    let keys: Vec<String> = axes.iter().map(|(k, _)| k.clone()).collect();
    let total = axes
        .iter()
        .try_fold(1usize, |n, (_, v)| n.checked_mul(v.len()))
        .filter(|&n| n <= MAX_POINTS)
        .ok_or_else(|| {
            let sizes: Vec<String> = axes.iter().map(|(_, v)| v.len().to_string()).collect();
            format!(
                "sweep: the grid {} has more than {MAX_POINTS} points; sweep fewer values \
                 or use design = \"lhs\"",
                sizes.join(" × ")
            )
        })?;
    let points = (0..total)
        .map(|index| {
            let mut rest = index;
            let mut assignments = vec![(String::new(), toml::Value::Boolean(false)); axes.len()];
            for (slot, (key, values)) in assignments.iter_mut().zip(&axes).rev() {
                *slot = (key.clone(), values[rest % values.len()].clone());
                rest /= values.len();
            }
            Point { index, assignments }
        })
        .collect();
    Ok((keys, points))
}

/// Scenario keys that cannot vary between points: every point runs the same
/// replications from the same seed (common random numbers), in one output folder.
pub const UNSWEEPABLE: [&str; 3] = ["replications", "seed", "name"];

/// A swept key must be a dotted path without empty parts, and not one of
/// [`UNSWEEPABLE`].
pub fn check_key(key: &str) -> Result<(), SweepError> {
    if key.is_empty() || key.split('.').any(str::is_empty) {
        return Err(format!(
            "sweep: {key:?} is not a dotted key path such as \"policy.retry_period\""
        )
        .into());
    }
    if UNSWEEPABLE.contains(&key) {
        return Err(format!(
            "sweep: {key:?} cannot be swept: every point shares the scenario's {key} \
             (set it once at the top of the scenario)"
        )
        .into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grid_is_the_product_with_the_last_key_fastest() {
        let table: toml::Table = r#"
            "policy.soft_bounce_threshold" = [1, 3, 5]
            "policy.retry_period" = ["6h", "84h"]
        "#
        .parse()
        .unwrap();
        let (keys, points) = points(&table).unwrap();
        assert_eq!(
            keys,
            ["policy.retry_period", "policy.soft_bounce_threshold"]
        );
        assert_eq!(points.len(), 6);
        assert_eq!(points[4].values_text(), ["84h", "3"]);
        assert_eq!(points[2].values_text(), ["6h", "5"]);
    }

    #[test]
    fn a_grid_too_large_to_count_is_refused_not_wrapped() {
        let mut table = toml::Table::new();
        for k in 0..64 {
            table.insert(
                format!("policy.k{k:02}"),
                toml::Value::Array(vec![1.into(), 2.into()]),
            );
        }
        assert!(
            points(&table)
                .unwrap_err()
                .message()
                .contains("more than 100000 points")
        );
        let big: Vec<toml::Value> = (0..1000).map(toml::Value::from).collect();
        let table: toml::Table = [("a.x", &big), ("a.y", &big)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), toml::Value::Array(v.clone())))
            .collect();
        assert!(
            points(&table)
                .unwrap_err()
                .message()
                .contains("1000 × 1000")
        );
    }

    #[test]
    fn replications_seed_and_name_cannot_be_swept() {
        for key in UNSWEEPABLE {
            let table: toml::Table = format!("{key} = [1, 2]").parse().unwrap();
            assert!(
                points(&table)
                    .unwrap_err()
                    .message()
                    .contains("cannot be swept"),
                "{key}"
            );
        }
    }

    #[test]
    fn a_key_without_a_list_is_explained() {
        let table: toml::Table = r#""policy.x" = 3"#.parse().unwrap();
        assert!(
            points(&table)
                .unwrap_err()
                .message()
                .contains("must be a list")
        );
        let table: toml::Table = r#""policy.x" = []"#.parse().unwrap();
        assert!(
            points(&table)
                .unwrap_err()
                .message()
                .contains("at least one")
        );
    }
}
