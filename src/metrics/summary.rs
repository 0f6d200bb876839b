//! The counters of one run and the named metrics derived from them: one row of
//! `summary.csv`.

use super::table::RUN_METRICS;
use crate::rules::eligibility::Refusal;

/// Raw counts kept during a run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Counters {
    /// Contacts sent at least one message in the run.
    pub contacts: u64,
    /// Messages created inside the run.
    pub messages: u64,
    /// Attempts made.
    pub attempts: u64,
    /// Messages delivered.
    pub delivered: u64,
    /// Messages delivered by their first attempt.
    pub first_attempt_delivered: u64,
    /// Messages delivered by a later attempt.
    pub recovered_by_retry: u64,
    /// Messages whose retry period ended (E6).
    pub expired: u64,
    /// Messages ended by a hard bounce (E8).
    pub hard_bounced: u64,
    /// Messages ended by an opt-out (S9).
    pub opted_out: u64,
    /// Messages still failed at the end, or ended by a final business error.
    pub failed: u64,
    /// Messages whose pending retry was cancelled by a suppression (E3).
    pub suppressed_messages: u64,
    /// Messages never attempted because their contact was suppressed (E3, E9).
    pub skipped_suppressed: u64,
    /// Messages with a retry due at or after the end of the run.
    pub pending: u64,
    /// Contacts added to the suppression list at least once.
    pub suppressed_contacts: u64,
    /// Soft-bounce suppressions of contacts the model delivers to later in the run.
    pub false_suppressions: u64,
    /// Attempts to contacts the model never delivers to again in the run.
    pub attempts_to_dead: u64,
    /// Skipped messages the model would have delivered at their creation.
    pub lost_deliveries: u64,
    /// Operator retries queued (S3, S4).
    pub retry_queued: u64,
    /// Operator retries refused, by reason (S2), in [`Refusal::ALL`] order.
    pub retry_skipped: [u64; Refusal::ALL.len()],
    /// The price of every attempt made.
    pub cost_total: f64,
}

/// A metric's value in one run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    /// A count.
    Count(u64),
    /// A real number.
    Real(f64),
    /// Not defined in this run (e.g. a quantile with nothing delivered).
    Missing,
}

impl Value {
    /// The value as a number, if defined.
    pub fn as_f64(self) -> Option<f64> {
        match self {
            Value::Count(n) => Some(n as f64),
            Value::Real(x) => Some(x),
            Value::Missing => None,
        }
    }
}

/// One named metric.
#[derive(Debug, Clone, PartialEq)]
pub struct Metric {
    /// Column name in `summary.csv`.
    pub name: String,
    /// Its value.
    pub value: Value,
}

/// Everything a run measured.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunMetrics {
    /// The counts.
    pub counters: Counters,
    /// Time to deliver of every delivered message, in seconds.
    pub ttd: super::DeliveryTimes,
    /// Load totals, only in a world with capacity or sender limits.
    pub load: Option<super::LoadMetrics>,
}

impl RunMetrics {
    /// The nearest-rank `q`-quantile of time to deliver, if anything was delivered.
    pub fn ttd_quantile(&self, q: f64) -> Option<u32> {
        self.ttd.quantile(q)
    }

    /// The metrics in `summary.csv` column order.
    pub fn metrics(&self) -> Vec<Metric> {
        let names = RunMetrics::names_for(self.load.is_some());
        names
            .into_iter()
            .zip(self.values())
            .map(|(name, value)| Metric { name, value })
            .collect()
    }

    /// The metrics' values in `summary.csv` column order, without their names.
    pub fn values(&self) -> Vec<Value> {
        let mut out: Vec<Value> = RUN_METRICS.iter().map(|m| m.value(self)).collect();
        if let Some(load) = &self.load {
            out.extend(load.values());
        }
        out
    }

    /// The column names of runs with (`load`) or without load metrics, in order.
    pub fn names_for(load: bool) -> Vec<String> {
        let mut names = RunMetrics::names();
        if load {
            names.extend(super::load::LOAD_COLUMNS.iter().map(|n| n.to_string()));
        }
        names
    }

    /// The names of [`RunMetrics::metrics`] without load metrics, in order.
    pub fn names() -> Vec<String> {
        RUN_METRICS.iter().map(|m| m.name.to_string()).collect()
    }

    /// Final states add up to the number of messages (DESIGN.md, summary.csv).
    pub fn is_conserved(&self) -> bool {
        let c = &self.counters;
        c.delivered
            + c.expired
            + c.hard_bounced
            + c.opted_out
            + c.failed
            + c.suppressed_messages
            + c.skipped_suppressed
            + c.pending
            == c.messages
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_use_the_nearest_rank() {
        let m = RunMetrics {
            ttd: super::super::DeliveryTimes {
                zeros: 0,
                later: (1..=10).collect(),
            },
            ..Default::default()
        };
        assert_eq!(m.ttd_quantile(0.5), Some(5));
        assert_eq!(m.ttd_quantile(0.9), Some(9));
        assert_eq!(m.ttd_quantile(0.99), Some(10));
        assert_eq!(RunMetrics::default().ttd_quantile(0.5), None);
    }

    #[test]
    fn summary_columns_start_with_the_documented_ones() {
        let names = RunMetrics::names();
        let documented = "messages,attempts,delivered,delivery_rate,first_attempt_delivered,\
            recovered_by_retry,expired,hard_bounced,opted_out,failed,suppressed_messages,\
            skipped_suppressed,pending,suppressed_contacts,false_suppressions,attempts_to_dead,\
            lost_deliveries,ttd_p50_s,ttd_p90_s,ttd_p99_s";
        assert_eq!(names[..20].join(","), documented);
    }
}
