//! The metrics of one run as one table: each row a `summary.csv` column name and the
//! function that reads it from a [`RunMetrics`]. The column order, the names and the
//! values all come from here, so a new metric is one new row, and no caller builds a
//! list of (name, value) pairs per run to find one value.

use super::summary::{RunMetrics, Value};
use crate::rules::eligibility::Refusal;

/// One metric of a run: its column name and how to read it.
#[derive(Clone, Copy)]
pub struct MetricDef {
    /// Column name in `summary.csv`.
    pub name: &'static str,
    read: fn(&RunMetrics) -> Value,
}

impl MetricDef {
    /// This metric's value in `run`.
    pub fn value(&self, run: &RunMetrics) -> Value {
        (self.read)(run)
    }
}

impl std::fmt::Debug for MetricDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

/// `a / b`, missing when `b` is zero (a rate of nothing is not 0%).
fn ratio(a: f64, b: u64) -> Value {
    if b == 0 {
        Value::Missing
    } else {
        Value::Real(a / b as f64)
    }
}

/// The nearest-rank quantile of time to deliver, missing when nothing was delivered.
fn ttd(run: &RunMetrics, q: f64) -> Value {
    run.ttd_quantile(q)
        .map_or(Value::Missing, |s| Value::Count(u64::from(s)))
}

/// Operator retries refused for `reason`; `REFUSALS` below must follow `Refusal::ALL`.
fn skipped(run: &RunMetrics, reason: Refusal) -> Value {
    let i = Refusal::ALL.iter().position(|r| *r == reason).unwrap_or(0);
    Value::Count(run.counters.retry_skipped[i])
}

/// Shorthand for a row that reads one counter.
macro_rules! count {
    ($name:literal, $field:ident) => {
        MetricDef {
            name: $name,
            read: |m| Value::Count(m.counters.$field),
        }
    };
}

/// Shorthand for a row of refused operator retries, one per S2 reason.
macro_rules! refused {
    ($name:literal, $reason:ident) => {
        MetricDef {
            name: $name,
            read: |m| skipped(m, Refusal::$reason),
        }
    };
}

/// Every metric of a run, in `summary.csv` column order (before the load columns, which
/// only worlds with limits have). The first twenty are the order DESIGN.md documents.
pub const RUN_METRICS: [MetricDef; 33] = [
    count!("messages", messages),
    count!("attempts", attempts),
    count!("delivered", delivered),
    MetricDef {
        name: "delivery_rate",
        read: |m| ratio(m.counters.delivered as f64, m.counters.messages),
    },
    count!("first_attempt_delivered", first_attempt_delivered),
    count!("recovered_by_retry", recovered_by_retry),
    count!("expired", expired),
    count!("hard_bounced", hard_bounced),
    count!("opted_out", opted_out),
    count!("failed", failed),
    count!("suppressed_messages", suppressed_messages),
    count!("skipped_suppressed", skipped_suppressed),
    count!("pending", pending),
    count!("suppressed_contacts", suppressed_contacts),
    count!("false_suppressions", false_suppressions),
    count!("attempts_to_dead", attempts_to_dead),
    count!("lost_deliveries", lost_deliveries),
    MetricDef {
        name: "ttd_p50_s",
        read: |m| ttd(m, 0.5),
    },
    MetricDef {
        name: "ttd_p90_s",
        read: |m| ttd(m, 0.9),
    },
    MetricDef {
        name: "ttd_p99_s",
        read: |m| ttd(m, 0.99),
    },
    count!("contacts", contacts),
    MetricDef {
        name: "false_suppression_rate",
        read: |m| ratio(m.counters.false_suppressions as f64, m.counters.contacts),
    },
    MetricDef {
        name: "attempts_per_delivered",
        read: |m| ratio(m.counters.attempts as f64, m.counters.delivered),
    },
    MetricDef {
        name: "cost_total",
        read: |m| Value::Real(m.counters.cost_total),
    },
    MetricDef {
        name: "cost_per_delivered",
        read: |m| ratio(m.counters.cost_total, m.counters.delivered),
    },
    count!("retry_queued", retry_queued),
    refused!("retry_skipped_contact_suppressed", ContactSuppressed),
    refused!("retry_skipped_not_last_message", NotLastMessage),
    refused!("retry_skipped_not_failed", NotFailed),
    refused!("retry_skipped_not_retryable", NotRetryable),
    refused!("retry_skipped_wait_not_elapsed", WaitNotElapsed),
    refused!("retry_skipped_max_auto_attempts", MaxAutoAttempts),
    refused!("retry_skipped_retry_period_ended", RetryPeriodEnded),
];

/// The position of the metric called `name` in [`RUN_METRICS`], if there is one.
pub fn position(name: &str) -> Option<usize> {
    RUN_METRICS.iter().position(|m| m.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refused_retry_columns_follow_the_s2_reasons_in_order() {
        let names: Vec<&str> = RUN_METRICS.iter().map(|m| m.name).collect();
        let start = position("retry_skipped_contact_suppressed").unwrap();
        for (i, reason) in Refusal::ALL.iter().enumerate() {
            assert_eq!(names[start + i], format!("retry_skipped_{}", reason.name()));
        }
    }

    #[test]
    fn every_metric_name_is_unique() {
        for (i, m) in RUN_METRICS.iter().enumerate() {
            assert_eq!(position(m.name), Some(i), "{}", m.name);
        }
    }

    #[test]
    fn rates_are_missing_when_their_denominator_is_zero() {
        let mut run = RunMetrics::default();
        let rate = &RUN_METRICS[position("delivery_rate").unwrap()];
        assert_eq!(rate.value(&run), Value::Missing);
        run.counters.messages = 4;
        run.counters.delivered = 3;
        assert_eq!(rate.value(&run), Value::Real(0.75));
        run.counters.retry_skipped[1] = 7;
        let skipped = &RUN_METRICS[position("retry_skipped_not_last_message").unwrap()];
        assert_eq!(skipped.value(&run), Value::Count(7));
    }
}
