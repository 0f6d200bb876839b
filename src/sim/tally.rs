//! The compact form of a retry action's results (S2, S4, S5): one row per result and
//! reason with a count, instead of one row per message.
//!
//! A bulk retry or an automatic job run visits every failed message; keeping a row for
//! each would make memory grow with actions × failed messages. Without `--trace` the run
//! keeps only these counts, at most one row per reason for each action.

use crate::metrics::{OperatorRecord, OperatorResult};
use crate::rules::eligibility::Refusal;
use crate::time::Instant;

/// Messages counted by result: index 0 for queued, then one per refusal reason in
/// [`Refusal::ALL`] order.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Tally {
    counts: [u32; 1 + Refusal::ALL.len()],
}

impl Tally {
    /// Counts one message's result. Only `Queued` and `Skipped` occur in a selection.
    pub(super) fn add(&mut self, result: OperatorResult) {
        self.counts[slot(result.refusal())] += 1;
    }

    /// The rows of one action at `at`: queued first, then each reason in check order;
    /// results that no message had are left out.
    pub(super) fn rows(
        &self,
        at: Instant,
        action: &'static str,
    ) -> impl Iterator<Item = OperatorRecord> + '_ {
        let results = std::iter::once(OperatorResult::Queued)
            .chain(Refusal::ALL.iter().map(|r| OperatorResult::Skipped(*r)));
        results
            .zip(self.counts)
            .filter(|(_, count)| *count > 0)
            .map(move |(result, count)| OperatorRecord {
                at,
                action,
                message: None,
                result,
                count,
            })
    }
}

/// Where a result is counted in [`Tally`] and in the run's `retry_skipped` counters.
pub(super) fn slot(refusal: Option<Refusal>) -> usize {
    match refusal {
        None => 0,
        Some(r) => 1 + Refusal::ALL.iter().position(|x| *x == r).unwrap_or(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_count_each_result_once_queued_first_s4() {
        let mut t = Tally::default();
        for r in [
            OperatorResult::Skipped(Refusal::WaitNotElapsed),
            OperatorResult::Queued,
            OperatorResult::Skipped(Refusal::WaitNotElapsed),
            OperatorResult::Skipped(Refusal::ContactSuppressed),
        ] {
            t.add(r);
        }
        let rows: Vec<(OperatorResult, u32)> = t
            .rows(Instant(0), "bulk")
            .map(|r| (r.result, r.count))
            .collect();
        assert_eq!(
            rows,
            [
                (OperatorResult::Queued, 1),
                (OperatorResult::Skipped(Refusal::ContactSuppressed), 1),
                (OperatorResult::Skipped(Refusal::WaitNotElapsed), 2),
            ]
        );
    }
}
