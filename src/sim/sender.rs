//! The sender's own limits and its active queue: attempts per calendar minute, overall
//! and per domain, and a daily cap that grows during warm-up.
//!
//! An attempt that comes due when its slot is taken waits in its domain's queue. Queues
//! are served in one global order, earliest due time first, then lowest message id, so
//! the order never depends on the order in which same-instant events were scheduled. A
//! domain whose own minute is full is passed over; the others keep going.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::metrics::Trigger;
use crate::time::Instant;
use crate::workload::MessageId;
use crate::workload::capacity::{SenderLimits, Warmup};

/// One waiting attempt. Queue order is due time, then message id; the attempt number,
/// the trigger (in [`Trigger`]'s declaration order) and the note only break ties between
/// two waits for the same message at the same instant, so that the order stays total.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Waiting {
    /// When it came due.
    pub due: Instant,
    /// The message.
    pub message: MessageId,
    /// Its attempt number (1: the initial send).
    pub attempt: u32,
    /// What made the attempt: the send, the backoff, the job or an operator.
    pub trigger: Trigger,
    /// The operator action's note, if any.
    pub note: Option<u32>,
}

impl Waiting {
    fn key(&self) -> (Instant, MessageId, u32, u8, Option<u32>) {
        (
            self.due,
            self.message,
            self.attempt,
            self.trigger as u8,
            self.note,
        )
    }
}

impl Ord for Waiting {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key().cmp(&other.key())
    }
}

impl PartialOrd for Waiting {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// The limits' state during one run.
#[derive(Debug)]
pub(super) struct Sender {
    start: Instant,
    per_minute: Option<u32>,
    domain_limit: Vec<Option<u32>>,
    warmup: Option<Warmup>,
    minute: i64,
    used_minute: u32,
    used_domain: Vec<u32>,
    day: i64,
    used_day: u64,
    day_cap: u64,
    queues: Vec<BinaryHeap<Reverse<Waiting>>>,
    waiting: usize,
    /// A release is scheduled and not yet handled.
    pub tick_pending: bool,
}

impl Sender {
    /// The limits of a run starting at `start`; `domains` tracked domains (the last one
    /// stands for all others) and `domain_limit` their per-minute limits.
    pub fn new(start: Instant, limits: &SenderLimits, domain_limit: Vec<Option<u32>>) -> Self {
        let domains = domain_limit.len();
        let mut s = Sender {
            start,
            per_minute: limits.per_minute,
            domain_limit,
            warmup: limits.warmup,
            minute: i64::MIN,
            used_minute: 0,
            used_domain: vec![0; domains],
            day: i64::MIN,
            used_day: 0,
            day_cap: u64::MAX,
            queues: (0..domains).map(|_| BinaryHeap::new()).collect(),
            waiting: 0,
            tick_pending: false,
        };
        s.roll(start);
        s
    }

    /// Starts a new minute or day when `now` is past the current one.
    fn roll(&mut self, now: Instant) {
        let minute = now.0.div_euclid(60);
        if minute != self.minute {
            self.minute = minute;
            self.used_minute = 0;
            self.used_domain.iter_mut().for_each(|u| *u = 0);
        }
        let day = now.since(self.start).0.div_euclid(86_400);
        if day != self.day {
            self.day = day;
            self.used_day = 0;
            self.day_cap = self.warmup.map_or(u64::MAX, |w| {
                w.cap(day.clamp(0, i64::from(u32::MAX)) as u32)
            });
        }
    }

    fn overall_room(&self) -> bool {
        self.per_minute.is_none_or(|n| self.used_minute < n) && self.used_day < self.day_cap
    }

    fn domain_room(&self, domain: usize) -> bool {
        self.domain_limit[domain].is_none_or(|n| self.used_domain[domain] < n)
    }

    fn take(&mut self, domain: usize) {
        self.used_minute += 1;
        self.used_domain[domain] += 1;
        self.used_day += 1;
    }

    /// An attempt to `domain` comes due at `now`: true if it may go at once (its slot
    /// is taken), false if it must wait (then the caller queues it with [`Sender::push`]).
    /// Nothing overtakes a waiting attempt: with a queue, everything joins it.
    pub fn admit(&mut self, now: Instant, domain: u16) -> bool {
        self.roll(now);
        let d = usize::from(domain);
        if self.waiting == 0 && self.overall_room() && self.domain_room(d) {
            self.take(d);
            return true;
        }
        false
    }

    /// Queues a waiting attempt.
    pub fn push(&mut self, domain: u16, waiting: Waiting) {
        self.queues[usize::from(domain)].push(Reverse(waiting));
        self.waiting += 1;
    }

    /// The next waiting attempt that may go at `now`, its slot taken.
    pub fn pop_ready(&mut self, now: Instant) -> Option<Waiting> {
        self.roll(now);
        if self.waiting == 0 || !self.overall_room() {
            return None;
        }
        let best = (0..self.queues.len())
            .filter(|&d| self.domain_room(d))
            .filter_map(|d| self.queues[d].peek().map(|w| (w.0, d)))
            .filter(|(w, _)| w.due <= now)
            .min()?;
        let (w, d) = best;
        self.queues[d].pop();
        self.waiting -= 1;
        self.take(d);
        Some(w)
    }

    /// When the queue should next be served: the next minute, or the next day when the
    /// warm-up cap is used up; `None` when nothing waits.
    pub fn next_release(&self, now: Instant) -> Option<Instant> {
        if self.waiting == 0 {
            return None;
        }
        if self.used_day >= self.day_cap {
            return Some(self.start.plus(crate::time::Span((self.day + 1) * 86_400)));
        }
        Some(Instant((now.0.div_euclid(60) + 1) * 60))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(due: i64, message: MessageId) -> Waiting {
        Waiting {
            due: Instant(due),
            message,
            attempt: 1,
            trigger: Trigger::Initial,
            note: None,
        }
    }

    fn limits(per_minute: u32) -> SenderLimits {
        SenderLimits {
            per_minute: Some(per_minute),
            ..SenderLimits::default()
        }
    }

    #[test]
    fn the_queue_serves_earliest_due_then_lowest_message_first() {
        let mut s = Sender::new(Instant(0), &limits(1), vec![None, None]);
        assert!(s.admit(Instant(0), 0));
        assert!(!s.admit(Instant(0), 0));
        s.push(1, w(10, 9));
        s.push(0, w(10, 4));
        s.push(0, w(5, 7));
        assert_eq!(s.pop_ready(Instant(30)), None, "the minute is used up");
        assert_eq!(s.next_release(Instant(30)), Some(Instant(60)));
        let order: Vec<MessageId> = (1..=3)
            .filter_map(|m| s.pop_ready(Instant(60 * m)).map(|w| w.message))
            .collect();
        assert_eq!(order, vec![7, 4, 9]);
        assert_eq!(s.next_release(Instant(180)), None);
    }

    #[test]
    fn a_full_domain_is_passed_over_while_others_go() {
        let mut s = Sender::new(Instant(0), &SenderLimits::default(), vec![Some(1), None]);
        assert!(s.admit(Instant(0), 0));
        assert!(!s.admit(Instant(1), 0));
        s.push(0, w(1, 1));
        s.push(1, w(2, 2));
        assert_eq!(s.pop_ready(Instant(2)).map(|w| w.message), Some(2));
        assert_eq!(s.pop_ready(Instant(2)), None);
        assert_eq!(s.pop_ready(Instant(60)).map(|w| w.message), Some(1));
    }

    #[test]
    fn the_warm_up_cap_holds_the_queue_until_the_next_day() {
        let l = SenderLimits {
            warmup: Some(Warmup {
                first_day: 1,
                factor: 2.0,
            }),
            ..SenderLimits::default()
        };
        let mut s = Sender::new(Instant(0), &l, vec![None]);
        assert!(s.admit(Instant(0), 0));
        assert!(!s.admit(Instant(100), 0));
        s.push(0, w(100, 1));
        assert_eq!(s.next_release(Instant(100)), Some(Instant(86_400)));
        assert_eq!(s.pop_ready(Instant(86_400)).map(|w| w.message), Some(1));
    }
}
