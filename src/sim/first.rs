//! First-attempt outcomes, computed once per world and shared by every sweep point.
//!
//! What an attempt returns is the failure model's answer for (contact, instant); no
//! policy setting enters it. A message's first attempt is made at its creation instant
//! unless the sender's queue defers it, so the answer at that instant is the same for
//! every point of a sweep. Looking it up costs two random memory reads per send (where
//! the contact's windows start, then the windows), which a sweep would otherwise repeat
//! for every point; here it is one sequential read of four bytes per send.
//!
//! A single run (`retrysim run`) has no points to share the table with, but it has an
//! idle core while it simulates: [`ahead`] fills a small ring of the same outcomes there,
//! a little ahead of the run, which then reads them instead of the failure windows.
//!
//! The table is only a cache: [`FirstOutcomes::at`] answers only for a message's
//! creation instant and the run's end it was built for, and only with an entry that is
//! written and not yet reused, and the run asks the failure model itself for anything
//! else, so a result cannot depend on whether it was used or how far it was filled.

pub mod ahead;

use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};

use crate::rules::errors::ErrorCode;
use crate::time::Instant;
use crate::workload::{FailureModel, MessageId, SendRecord, Workload};

/// Set when the first attempt fails; the low 16 bits then hold the code.
const FAILS: u32 = 1 << 16;
/// Set when the failure never clears before the run's end (an attempt to a dead
/// address, counted in `attempts_to_dead`).
const DEAD: u32 = 1 << 17;

/// What an attempt at its creation instant returns, for every send of one workload (a
/// whole table, [`FirstOutcomes::new`]) or for a moving range of them (a ring that
/// [`ahead`] fills while a run reads it).
///
/// The entries are atomics so that the filling thread and the run share them without
/// `unsafe`; on the targets we build for, a relaxed load or store is a plain move.
#[derive(Debug)]
pub struct FirstOutcomes {
    /// One packed outcome per entry, entry `m` (message id `m`) in slot `m & mask`: the
    /// code in the low 16 bits, then [`FAILS`] and [`DEAD`].
    slots: Box<[AtomicU32]>,
    /// `usize::MAX` for a whole table (every message has its own slot), the ring's size
    /// less one for a ring.
    mask: usize,
    /// Entries below this are written (stored with `Release` after the entries).
    ready: AtomicUsize,
    /// A ring's reader reads no entry below this (it raises it as its arrivals pass),
    /// so the filler may reuse their slots; always 0 for a whole table.
    low: AtomicUsize,
    /// Set when the reading run has finished: a ring's filler stops.
    stop: AtomicBool,
    /// The number of sends of the workload.
    sends: usize,
    /// The run end `DEAD` was decided against.
    end: Instant,
}

/// One attempt's ground truth: the error, if any, and whether the contact stays failing
/// until the run's end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// `None` when the attempt is delivered.
    pub error: Option<ErrorCode>,
    /// The attempt fails and no later attempt before the end would be delivered.
    pub dead: bool,
}

impl Outcome {
    /// Asks the failure model, as an attempt does without the table.
    pub fn of(failures: &FailureModel, contact: u32, at: Instant, end: Instant) -> Outcome {
        let error = failures.outcome(contact, at);
        let dead = error.is_some()
            && failures
                .next_available_after(contact, at)
                .is_none_or(|t| t >= end);
        Outcome { error, dead }
    }

    fn pack(self) -> u32 {
        match self.error {
            None => 0,
            Some(code) => u32::from(code.0) | FAILS | if self.dead { DEAD } else { 0 },
        }
    }

    fn unpack(bits: u32) -> Outcome {
        Outcome {
            error: (bits & FAILS != 0).then_some(ErrorCode(bits as u16)),
            dead: bits & DEAD != 0,
        }
    }
}

impl FirstOutcomes {
    /// One pass over `workload`'s sends, in send order, deciding dead addresses against
    /// a run that ends at `end`.
    pub fn new(workload: &Workload, end: Instant) -> FirstOutcomes {
        let failures = &workload.failures;
        let slots: Box<[AtomicU32]> = workload
            .sends
            .iter()
            .map(|s| AtomicU32::new(Outcome::of(failures, s.contact(), s.created(), end).pack()))
            .collect();
        let sends = slots.len();
        FirstOutcomes {
            slots,
            mask: usize::MAX,
            ready: AtomicUsize::new(sends),
            low: AtomicUsize::new(0),
            stop: AtomicBool::new(false),
            sends,
            end,
        }
    }

    /// The outcome of `message` at `at`, if the table holds it: only at the message's
    /// creation instant `created`, and only for a run ending at `end`.
    #[inline]
    pub fn at(
        &self,
        message: MessageId,
        created: Instant,
        at: Instant,
        end: Instant,
    ) -> Option<Outcome> {
        if at != created || end != self.end {
            return None;
        }
        let m = message as usize;
        // A ring's slot holds entry `m` only between the reader's own `low` (below it
        // the filler may have reused the slot) and `ready` (from it on, not yet written).
        if m < self.low.load(Ordering::Relaxed) || m >= self.ready.load(Ordering::Acquire) {
            return None;
        }
        self.slots
            .get(m & self.mask)
            .map(|b| Outcome::unpack(b.load(Ordering::Relaxed)))
    }

    /// Whether the entry of `message` is written (a hint for what to prefetch: the
    /// answer may change as the filler goes on).
    #[inline]
    pub fn is_ready(&self, message: usize) -> bool {
        message < self.ready.load(Ordering::Relaxed)
    }

    /// Whether the table was built for a workload of `sends` sends.
    pub fn covers(&self, sends: usize) -> bool {
        self.sends == sends
    }
}

impl super::Simulation<'_> {
    /// What an attempt of `message` (sent as `send`) at `now` returns: from the table
    /// when the run has one and it holds this instant, else from the failure model.
    #[inline]
    pub(super) fn ground_truth(
        &self,
        message: MessageId,
        send: SendRecord,
        now: Instant,
    ) -> Outcome {
        let end = self.spec.end;
        self.spec
            .first
            .and_then(|t| t.at(message, send.created(), now, end))
            .unwrap_or_else(|| Outcome::of(&self.spec.workload.failures, send.contact(), now, end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::{Channel, MessageType, Window};

    fn send(created: i64, contact: u32) -> SendRecord {
        SendRecord::new(
            Instant(created),
            contact,
            0,
            Channel::Email,
            MessageType::Marketing,
        )
        .expect("a test time fits")
    }

    fn window(start: i64, end: Instant, code: u16) -> Window {
        Window {
            start: Instant(start),
            end,
            code: ErrorCode(code),
            permanent: false,
        }
    }

    /// Contact 0 fails with code 7 during [10, 20); contact 1 fails with code 9 from 5
    /// on and never recovers; contact 2 has no windows.
    fn workload() -> Workload {
        let failures = FailureModel::new(
            3,
            vec![
                (0, window(10, Instant(20), 7)),
                (1, window(5, Instant::NEVER, 9)),
            ],
        );
        Workload {
            sends: vec![send(10, 0), send(20, 0), send(4, 1), send(5, 1), send(0, 2)],
            failures,
            ..Workload::default()
        }
    }

    #[test]
    fn each_send_gets_its_creation_instants_outcome() {
        let w = workload();
        let end = Instant(100);
        let t = FirstOutcomes::new(&w, end);
        let got: Vec<Option<Outcome>> = (0..5)
            .map(|m| {
                let created = w.sends[m].created();
                t.at(m as u32, created, created, end)
            })
            .collect();
        let fail = |code, dead| {
            Some(Outcome {
                error: Some(ErrorCode(code)),
                dead,
            })
        };
        let ok = Some(Outcome {
            error: None,
            dead: false,
        });
        assert_eq!(got, [fail(7, false), ok, ok, fail(9, true), ok]);
    }

    #[test]
    fn a_window_ending_at_the_run_end_makes_the_address_dead() {
        let w = workload();
        let t = FirstOutcomes::new(&w, Instant(20));
        assert_eq!(
            t.at(0, Instant(10), Instant(10), Instant(20))
                .map(|o| o.dead),
            Some(true)
        );
    }

    #[test]
    fn other_instants_and_other_ends_are_not_answered() {
        let w = workload();
        let t = FirstOutcomes::new(&w, Instant(100));
        assert_eq!(
            t.at(0, Instant(10), Instant(11), Instant(100)),
            None,
            "a later attempt"
        );
        assert_eq!(
            t.at(0, Instant(10), Instant(10), Instant(99)),
            None,
            "another end"
        );
        assert_eq!(
            t.at(9, Instant(10), Instant(10), Instant(100)),
            None,
            "no such send"
        );
        assert!(t.covers(5) && !t.covers(4));
    }
}
