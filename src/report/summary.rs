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
    let mut f = vec![
        row.point.to_string(),
        row.replication.to_string(),
        row.seed.to_string(),
    ];
    f.extend(row.metrics.values().into_iter().map(format_value));
    f.extend(row.swept.iter().map(|v| neutralise(v).into_owned()));
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
