//! Swept keys that make no difference over part of the grid: "retry_period has no
//! effect at soft_bounce_threshold ≤ 5".
//!
//! Because every point sees the same world (common random numbers), two points whose
//! every metric is equal in every replication behave identically, and the difference
//! between them is the key's, exactly zero. Saying so keeps a reader from mistaking a
//! tie-break between identical points for a finding.

use crate::metrics::{RunMetrics, Value};
use crate::sweep::record::PointRecord;

/// The short name of a key: `policy.retry_period` reads as `retry_period`.
pub fn short(key: &str) -> &str {
    key.strip_prefix("policy.").unwrap_or(key)
}

/// Whether a metric describes the results rather than the operator's bookkeeping: an
/// operator who tries and is refused (`retry_skipped_*`) has changed nothing.
fn is_result(name: &str) -> bool {
    !name.starts_with("retry_queued") && !name.starts_with("retry_skipped_")
}

/// Whether two points gave exactly the same results in every replication.
fn same(a: &PointRecord, b: &PointRecord) -> bool {
    let results: Vec<bool> = RunMetrics::names().iter().map(|n| is_result(n)).collect();
    let number = |v: &Value| v.as_f64().map(f64::to_bits);
    a.values.len() == b.values.len()
        && a.values.iter().zip(&b.values).all(|(x, y)| {
            x.len() == y.len()
                && (x.iter().zip(y).enumerate()).all(|(m, (p, q))| {
                    !results.get(m).copied().unwrap_or(true) || number(p) == number(q)
                })
        })
}

/// One sentence per swept key that has no effect somewhere, in key order.
///
/// `points[i]` holds point i's values in `keys` order; `records[i]` its results.
pub fn sentences(keys: &[String], points: &[Vec<String>], records: &[PointRecord]) -> Vec<String> {
    (0..keys.len())
        .filter_map(|k| sentence(keys, k, points, records))
        .collect()
}

/// Groups of points that differ only in key `k`, each with the other keys' values.
fn groups(k: usize, points: &[Vec<String>]) -> Vec<(Vec<String>, Vec<usize>)> {
    let mut groups: Vec<(Vec<String>, Vec<usize>)> = Vec::new();
    for (i, values) in points.iter().enumerate() {
        let mut others = values.clone();
        others.remove(k);
        match groups.iter_mut().find(|g| g.0 == others) {
            Some(g) => g.1.push(i),
            None => groups.push((others, vec![i])),
        }
    }
    groups.retain(|g| g.1.len() > 1);
    groups
}

fn sentence(
    keys: &[String],
    k: usize,
    points: &[Vec<String>],
    records: &[PointRecord],
) -> Option<String> {
    let groups = groups(k, points);
    let flat: Vec<bool> = groups
        .iter()
        .map(|(_, members)| {
            members
                .iter()
                .all(|&i| same(&records[i], &records[members[0]]))
        })
        .collect();
    let n_flat = flat.iter().filter(|f| **f).count();
    if n_flat == 0 {
        return None;
    }
    let name = short(&keys[k]);
    if n_flat == groups.len() {
        return Some(format!("{name} has no effect at any swept point"));
    }
    if keys.len() != 2 {
        return Some(format!(
            "{name} has no effect in {n_flat} of {} combinations of the other keys",
            groups.len()
        ));
    }
    let other = short(&keys[1 - k]);
    let values: Vec<&str> = groups.iter().map(|g| g.0[0].as_str()).collect();
    let chosen: Vec<bool> = flat;
    Some(format!(
        "{name} has no effect at {other} {}",
        range_words(&values, &chosen)
    ))
}

/// `≤ 5`, `≥ 10` or `= 1, 3` for the chosen values among `values` (numbers in numeric
/// order, other text in the order given).
pub fn range_words(values: &[&str], chosen: &[bool]) -> String {
    let mut order: Vec<usize> = (0..values.len()).collect();
    let numbers: Option<Vec<f64>> = values.iter().map(|v| v.parse::<f64>().ok()).collect();
    if let Some(numbers) = &numbers {
        order.sort_by(|&a, &b| numbers[a].total_cmp(&numbers[b]));
    }
    let picked: Vec<usize> = order.iter().copied().filter(|&i| chosen[i]).collect();
    let n = picked.len();
    let prefix = order[..n] == picked[..];
    let suffix = order[order.len() - n..] == picked[..];
    if numbers.is_some() && prefix && n > 1 {
        format!("≤ {}", values[picked[n - 1]])
    } else if numbers.is_some() && suffix && n > 1 {
        format!("≥ {}", values[picked[0]])
    } else {
        let listed: Vec<&str> = picked.iter().map(|&i| values[i]).collect();
        format!("= {}", listed.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(index: usize, delivered: &[u64]) -> PointRecord {
        PointRecord {
            index,
            values: delivered.iter().map(|d| vec![Value::Count(*d)]).collect(),
            ttd: Vec::new(),
            retried_ttd: Vec::new(),
        }
    }

    fn grid(thresholds: &[&str], periods: &[&str]) -> Vec<Vec<String>> {
        let mut points = Vec::new();
        for t in thresholds {
            for p in periods {
                points.push(vec![t.to_string(), p.to_string()]);
            }
        }
        points
    }

    #[test]
    fn a_key_without_effect_at_low_thresholds_is_named_with_its_range() {
        let keys = ["policy.soft_bounce_threshold", "policy.retry_period"].map(String::from);
        let points = grid(&["1", "3", "5", "10"], &["6h", "84h"]);
        // Thresholds 1, 3 and 5: both periods give the same results; 10 differs.
        let delivered = [
            [5, 5],
            [5, 5],
            [6, 6],
            [6, 6],
            [7, 7],
            [7, 7],
            [8, 9],
            [9, 9],
        ];
        let records: Vec<PointRecord> = delivered
            .iter()
            .enumerate()
            .map(|(i, d)| record(i, d))
            .collect();
        assert_eq!(
            sentences(&keys, &points, &records),
            ["retry_period has no effect at soft_bounce_threshold ≤ 5"]
        );
    }

    #[test]
    fn a_key_that_always_matters_gets_no_sentence() {
        let keys = ["policy.x".to_string()];
        let points = vec![vec!["1".to_string()], vec!["2".to_string()]];
        let records = vec![record(0, &[1, 2]), record(1, &[1, 3])];
        assert!(sentences(&keys, &points, &records).is_empty());
        let flat = vec![record(0, &[1, 2]), record(1, &[1, 2])];
        assert_eq!(
            sentences(&keys, &points, &flat),
            ["x has no effect at any swept point"]
        );
    }

    #[test]
    fn ranges_read_as_bounds_or_lists() {
        let values = ["1", "2", "5", "10", "20"];
        assert_eq!(
            range_words(&values, &[false, false, false, true, true]),
            "≥ 10"
        );
        assert_eq!(
            range_words(&values, &[true, false, true, false, false]),
            "= 1, 5"
        );
        assert_eq!(range_words(&["b", "a"], &[true, false]), "= b");
    }
}
