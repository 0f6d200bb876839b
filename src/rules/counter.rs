//! The soft-bounce counter of one contact (E1, E4, E5) and its threshold (E2, E3).
//!
//! Seed `004_d32fcce6d09ec526.txt` counts every soft bounce of one delivery, but errors of
//! different deliveries only when they are at least a day apart. A delivery sends one
//! message to a contact, so RULES.md E4 (revised) reads "the same delivery" as "the same
//! message": a bounce counts when the counter is empty, when its message has bounced
//! before (a retry of that delivery), or when the gap since the last *counted* error has
//! passed. An older message's failure therefore never stops a newer message's own
//! retries from counting.

use crate::time::{Instant, Span};

/// Identifies a delivery (campaign or batch) inside one run.
pub type DeliveryId = u32;

/// Which deliveries reset the counter (E5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CounterReset {
    /// Any delivered attempt resets it (the default reading).
    #[default]
    AnyDelivery,
    /// Only a delivery on attempt 2 or later resets it: the seed's literal "successful
    /// after a retry".
    AfterRetry,
}

impl CounterReset {
    /// Every value, for messages that list them.
    pub const ALL: [CounterReset; 2] = [CounterReset::AnyDelivery, CounterReset::AfterRetry];

    /// The name used in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            CounterReset::AnyDelivery => "any_delivery",
            CounterReset::AfterRetry => "after_retry",
        }
    }

    /// The value named `text`, if any.
    pub fn parse(text: &str) -> Option<CounterReset> {
        CounterReset::ALL.into_iter().find(|r| r.name() == text)
    }

    /// E5: whether a delivery on attempt number `attempt` resets the counter.
    pub fn resets_on(self, attempt: u32) -> bool {
        match self {
            CounterReset::AnyDelivery => true,
            CounterReset::AfterRetry => attempt >= 2,
        }
    }
}

/// A contact's counter state: 16 bytes, because a million contacts keep one each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SoftBounceCounter {
    /// Counted soft bounces since the last reset (E1).
    pub count: u8,
    /// Time of the last counted error; meaningful only while `count > 0`.
    last_at: Instant,
}

impl SoftBounceCounter {
    /// Time of the last counted error, forgotten on reset (E4, E5).
    pub fn last_counted(&self) -> Option<Instant> {
        (self.count > 0).then_some(self.last_at)
    }

    /// E1 and E4: records a soft bounce at `at`; `bounced_before` says whether the same
    /// message has soft-bounced earlier. Returns whether the bounce counted.
    pub fn record(&mut self, at: Instant, bounced_before: bool, gap: Span) -> bool {
        let counts = match self.last_counted() {
            None => true,
            Some(last_at) => bounced_before || at.since(last_at) >= gap,
        };
        if counts {
            self.count = self.count.saturating_add(1);
            self.last_at = at;
        }
        counts
    }

    /// E5: a reset sets the counter to 0 and forgets the last counted error.
    pub fn reset(&mut self) {
        *self = SoftBounceCounter::default();
    }

    /// E3: true once the counter has reached `threshold`.
    pub fn reached(&self, threshold: u8) -> bool {
        self.count >= threshold
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: Span = Span(86_400);

    #[test]
    fn retries_of_one_message_always_count_e4() {
        let mut c = SoftBounceCounter::default();
        assert!(c.record(Instant(0), false, DAY));
        assert!(c.record(Instant(60), true, DAY));
        assert!(c.record(Instant(120), true, DAY));
        assert_eq!(c.count, 3);
    }

    #[test]
    fn first_bounce_of_another_message_within_the_gap_is_not_counted_e4() {
        let mut c = SoftBounceCounter::default();
        assert!(c.record(Instant(0), false, DAY));
        assert!(!c.record(Instant(3600), false, DAY));
        assert_eq!(c.count, 1);
        assert_eq!(
            c.last_counted(),
            Some(Instant(0)),
            "uncounted errors change nothing"
        );
        assert!(
            c.record(Instant(86_400), false, DAY),
            "a full day later it counts"
        );
        assert_eq!(c.count, 2);
    }

    #[test]
    fn a_later_messages_own_retry_counts_within_the_gap_e4() {
        // Message A bounced at 0 (counted). Message B's first bounce at 1 h is not
        // counted, but its retry at 2 h is: B has bounced before.
        let mut c = SoftBounceCounter::default();
        assert!(c.record(Instant(0), false, DAY));
        assert!(!c.record(Instant(3600), false, DAY));
        assert!(c.record(Instant(7200), true, DAY));
        assert_eq!(c.count, 2);
        assert_eq!(c.last_counted(), Some(Instant(7200)));
    }

    #[test]
    fn zero_gap_counts_every_soft_bounce_e4() {
        let mut c = SoftBounceCounter::default();
        assert!(c.record(Instant(0), false, Span::ZERO));
        assert!(c.record(Instant(0), false, Span::ZERO));
        assert_eq!(c.count, 2);
    }

    #[test]
    fn reset_forgets_the_last_counted_error_e5() {
        let mut c = SoftBounceCounter::default();
        c.record(Instant(0), false, DAY);
        c.reset();
        assert_eq!(c, SoftBounceCounter::default());
        assert!(
            c.record(Instant(10), false, DAY),
            "after a reset any bounce counts"
        );
    }

    #[test]
    fn after_retry_resets_only_on_a_later_attempt_e5() {
        assert!(CounterReset::AnyDelivery.resets_on(1));
        assert!(!CounterReset::AfterRetry.resets_on(1));
        assert!(CounterReset::AfterRetry.resets_on(2));
        assert_eq!(
            CounterReset::parse("after_retry"),
            Some(CounterReset::AfterRetry)
        );
        assert_eq!(CounterReset::parse("never"), None);
    }

    #[test]
    fn threshold_is_reached_at_equality_e3() {
        let mut c = SoftBounceCounter::default();
        for t in 0..4 {
            c.record(Instant(t), true, DAY);
        }
        assert!(!c.reached(5));
        c.record(Instant(5), true, DAY);
        assert!(c.reached(5));
    }
}
