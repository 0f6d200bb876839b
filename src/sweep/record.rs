//! What one finished sweep point produced: every metric of each replication and the
//! quantiles of time to deliver pooled over its replications. The store writes and reads
//! these records; the statistics and the recommendation reduce them.

use crate::metrics::{RunMetrics, Value};

/// The quantiles of time to deliver kept per point: 0.01, 0.02, ..., 1.00.
pub const TTD_QUANTILES: usize = 100;

/// What one finished point produced.
#[derive(Debug, Clone, PartialEq)]
pub struct PointRecord {
    /// Point number.
    pub index: usize,
    /// Per replication, the value of every metric of [`RunMetrics::names`].
    pub values: Vec<Vec<Value>>,
    /// Time to deliver in seconds at quantile k/100 (k = 1..=100), pooled over
    /// replications; `None` when nothing was delivered.
    pub ttd: Vec<Option<u32>>,
    /// The same quantiles over the messages that needed a retry (time to deliver above
    /// zero): the part of the distribution a retry policy shapes.
    pub retried_ttd: Vec<Option<u32>>,
}

impl PointRecord {
    /// Summarises the replications of point `index`.
    pub fn from_runs(index: usize, runs: &[RunMetrics]) -> PointRecord {
        let values = runs.iter().map(RunMetrics::values).collect();
        let mut pooled = Vec::with_capacity(runs.iter().map(|m| m.ttd_sorted.len()).sum());
        for m in runs {
            pooled.extend_from_slice(&m.ttd_sorted);
        }
        // Each run's list is sorted already, so one run's needs no second sort.
        if runs.len() > 1 {
            pooled.sort_unstable();
        }
        let first_retried = pooled.partition_point(|&s| s == 0);
        PointRecord {
            index,
            values,
            ttd: quantiles(&pooled),
            retried_ttd: quantiles(&pooled[first_retried..]),
        }
    }
}

/// Nearest-rank quantiles k/100 (k = 1..=100) of a sorted sample.
fn quantiles(sorted: &[u32]) -> Vec<Option<u32>> {
    let n = sorted.len();
    (1..=TTD_QUANTILES)
        .map(|k| {
            let rank = (k * n).div_ceil(TTD_QUANTILES).clamp(1, n.max(1));
            sorted.get(rank - 1).copied()
        })
        .collect()
}
