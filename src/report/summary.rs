//! `summary.csv`: one row per (policy point, replication) with every metric, then one
//! column per swept key.

use std::path::{Path, PathBuf};

use crate::metrics::{RunMetrics, Value};
use crate::report::{atomic, neutralise, real};

/// One row of `summary.csv`.
#[derive(Debug, Clone, Copy)]
pub struct SummaryRow<'a> {
    /// Policy point number (0 for a single run).
    pub point: usize,
    /// Replication number.
    pub replication: u32,
    /// Scenario seed.
    pub seed: u64,
    /// What the run measured.
    pub metrics: &'a RunMetrics,
    /// The value of each swept key at this point, as text.
    pub swept: &'a [String],
}

/// The header: `point,replication,seed`, the metrics, then the swept keys.
pub fn header(keys: &[String]) -> Vec<String> {
    header_for(keys, false)
}

/// The header of runs with (`load`) or without the load columns.
pub fn header_for(keys: &[String], load: bool) -> Vec<String> {
    let mut h: Vec<String> = ["point", "replication", "seed"].map(String::from).to_vec();
    h.extend(RunMetrics::names_for(load));
    h.extend(keys.iter().cloned());
    h
}

/// Formats a metric value for CSV: counts as integers, reals at fixed precision,
/// missing values as empty fields.
pub fn format_value(v: Value) -> String {
    match v {
        Value::Count(n) => n.to_string(),
        Value::Real(x) => real(x),
        Value::Missing => String::new(),
    }
}

/// The fields of one row, in header order.
pub fn fields(row: &SummaryRow<'_>) -> Vec<String> {
    row_fields(
        row.point,
        row.replication,
        row.seed,
        &row.metrics.values(),
        row.swept,
    )
}

/// The one row builder of `summary.csv`, shared by a run (from its [`RunMetrics`]) and a
/// sweep (from the values kept in its point files), so the two files cannot drift apart:
/// `point,replication,seed`, the metric `values` in header order, then the swept values.
pub fn row_fields(
    point: usize,
    replication: u32,
    seed: u64,
    values: &[Value],
    swept: &[String],
) -> Vec<String> {
    let mut f = vec![point.to_string(), replication.to_string(), seed.to_string()];
    f.extend(values.iter().map(|v| format_value(*v)));
    f.extend(swept.iter().map(|v| neutralise(v).into_owned()));
    f
}

/// Writes `summary.csv` at `path`.
pub fn write(path: &Path, keys: &[String], rows: &[SummaryRow<'_>]) -> anyhow::Result<PathBuf> {
    atomic::write_csv(path, |w| {
        let load = rows.first().is_some_and(|r| r.metrics.load.is_some());
        w.write_record(header_for(keys, load))?;
        for row in rows {
            w.write_record(fields(row))?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_is_point_replication_seed_metrics_then_neutralised_swept_values() {
        let values = [Value::Count(3), Value::Real(0.5), Value::Missing];
        let swept = ["=1+1".to_string(), "6h".to_string()];
        assert_eq!(
            row_fields(2, 1, 7, &values, &swept),
            ["2", "1", "7", "3", "0.500000", "", "'=1+1", "6h"]
        );
    }
}
