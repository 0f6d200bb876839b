//! The statistics behind `aggregate.csv` (written by `report::aggregate`): per point and
//! metric, the mean across replications and the paired difference to the baseline. The
//! difference is paired by replication against the baseline point (common random numbers
//! make it much tighter than the difference of two means).

use super::record::PointRecord;
use super::stats::{self, Estimate};
use crate::metrics::{RunMetrics, Value};

/// One metric at one point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MetricStats {
    /// Mean and half-width across replications.
    pub mean: Estimate,
    /// Mean and half-width of the paired difference to the baseline.
    pub diff: Estimate,
}

/// Every metric at one point.
#[derive(Debug, Clone, PartialEq)]
pub struct PointStats {
    /// Point number.
    pub index: usize,
    /// Replications run.
    pub replications: usize,
    /// In [`RunMetrics::names`] order.
    pub metrics: Vec<MetricStats>,
}

/// The values of metric `m` in each replication of a point.
pub(crate) fn column(record: &PointRecord, m: usize) -> Vec<Option<f64>> {
    record
        .values
        .iter()
        .map(|run| run.get(m).copied().and_then(Value::as_f64))
        .collect()
}

/// Reduces the points, in order, against the point numbered `baseline`.
pub fn compute(records: &[PointRecord], baseline: usize) -> Vec<PointStats> {
    let base = &records[baseline];
    let names = base
        .values
        .first()
        .map_or(RunMetrics::names().len(), Vec::len);
    records
        .iter()
        .map(|record| PointStats {
            index: record.index,
            replications: record.values.len(),
            metrics: (0..names)
                .map(|m| {
                    let values = column(record, m);
                    MetricStats {
                        mean: stats::estimate(values.iter().copied()),
                        diff: stats::paired_difference(&values, &column(base, m)),
                    }
                })
                .collect(),
        })
        .collect()
}
