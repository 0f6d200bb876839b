//! What one finished sweep point produced: every metric of each replication and the
//! quantiles of time to deliver pooled over its replications. The store writes and reads
//! these records; the statistics and the recommendation reduce them.

use crate::metrics::{DeliveryTimes, RunMetrics, Value};

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
        let pooled = DeliveryTimes::pool(runs.iter().map(|m| &m.ttd));
        PointRecord {
            index,
            values,
            ttd: quantiles(pooled.zeros, &pooled.later),
            retried_ttd: quantiles(0, &pooled.later),
        }
    }
}

/// Nearest-rank quantiles k/100 (k = 1..=100) of `zeros` zeros followed by the ascending `later`.
fn quantiles(zeros: u64, later: &[u32]) -> Vec<Option<u32>> {
    let n = zeros + later.len() as u64;
    (1..=TTD_QUANTILES as u64)
        .map(|k| {
            let rank = (k * n).div_ceil(TTD_QUANTILES as u64).clamp(1, n.max(1));
            DeliveryTimes::rank_in(zeros, later, rank)
        })
        .collect()
}
