//! The soft-bounce counter of one contact (E1, E4, E5) and its threshold (E2, E3).
//!
//! Seed `004_d32fcce6d09ec526.txt` counts every soft bounce of one delivery, but errors of
//! different deliveries only when they are at least a day apart. RULES.md E4 reads that as
//! a comparison with the last *counted* error: its delivery and its time.

use crate::time::{Instant, Span};

/// Identifies a delivery (campaign or batch) inside one run.
pub type DeliveryId = u32;

/// A contact's counter state: 16 bytes, because a million contacts keep one each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SoftBounceCounter {
    /// Counted soft bounces since the last delivery or suppression (E1).
    pub count: u8,
    /// Delivery of the last counted error; meaningful only while `count > 0`.
    last_delivery: DeliveryId,
    /// Time of the last counted error; meaningful only while `count > 0`.
    last_at: Instant,
}

impl SoftBounceCounter {
    /// Time and delivery of the last counted error, forgotten on reset (E4, E5).
    pub fn last_counted(&self) -> Option<(Instant, DeliveryId)> {
        (self.count > 0).then_some((self.last_at, self.last_delivery))
    }

    /// E1 and E4: records a soft bounce of `delivery` at `at`; returns whether it counted.
    pub fn record(&mut self, at: Instant, delivery: DeliveryId, gap: Span) -> bool {
        let counts = match self.last_counted() {
            None => true,
            Some((last_at, last_delivery)) => last_delivery == delivery || at.since(last_at) >= gap,
        };
        if counts {
            self.count = self.count.saturating_add(1);
            self.last_at = at;
            self.last_delivery = delivery;
        }
        counts
    }

    /// E5: a delivered attempt resets the counter and forgets the last counted error.
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
    fn same_delivery_errors_always_count_e4() {
        let mut c = SoftBounceCounter::default();
        for t in [0, 60, 120] {
            assert!(c.record(Instant(t), 1, DAY));
        }
        assert_eq!(c.count, 3);
    }

    #[test]
    fn other_delivery_within_the_gap_is_not_counted_e4() {
        let mut c = SoftBounceCounter::default();
        assert!(c.record(Instant(0), 1, DAY));
        assert!(!c.record(Instant(3600), 2, DAY));
        assert_eq!(c.count, 1);
        assert_eq!(
            c.last_counted(),
            Some((Instant(0), 1)),
            "uncounted errors change nothing"
        );
        assert!(
            c.record(Instant(86_400), 2, DAY),
            "a full day later it counts"
        );
        assert_eq!(c.count, 2);
    }

    #[test]
    fn zero_gap_counts_every_soft_bounce_e4() {
        let mut c = SoftBounceCounter::default();
        assert!(c.record(Instant(0), 1, Span::ZERO));
        assert!(c.record(Instant(0), 2, Span::ZERO));
        assert_eq!(c.count, 2);
    }

    #[test]
    fn delivery_resets_and_forgets_e5() {
        let mut c = SoftBounceCounter::default();
        c.record(Instant(0), 1, DAY);
        c.reset();
        assert_eq!(c, SoftBounceCounter::default());
        assert!(
            c.record(Instant(10), 2, DAY),
            "after a reset any delivery counts"
        );
    }

    #[test]
    fn threshold_is_reached_at_equality_e3() {
        let mut c = SoftBounceCounter::default();
        for t in 0..4 {
            c.record(Instant(t), 1, DAY);
        }
        assert!(!c.reached(5));
        c.record(Instant(5), 1, DAY);
        assert!(c.reached(5));
    }
}
