//! A first-outcome ring filled on the idle core while a single run reads it.
//!
//! A single run spends most of its time on one core, and each new send costs it random
//! reads of the failure windows (where the contact's windows start, then the windows)
//! to learn what its first attempt returns. That answer depends only on the world, so
//! another thread can look it up a little ahead of the run: [`simulate`] runs the
//! simulation on the current thread and [`fill`] beside it (on another worker of the
//! rayon pool, which steals it), writing the outcomes into a ring of [`RING`] entries
//! that stays in cache, instead of a table of every send (40 MB at ten million sends).
//!
//! The protocol, all through atomics:
//! - the filler writes entries in message order, a chunk at a time, then publishes the
//!   end of the chunk in `ready` (`Release`);
//! - the run raises `low` (`Release`) as its arrivals pass, and never reads an entry
//!   below its own `low` or from `ready` on: for those it asks the failure model, as it
//!   does without a table (`FirstOutcomes::at`);
//! - the filler writes entry `j` into slot `j % RING` only when `j < low + RING` (with
//!   `low` loaded `Acquire`), so the slot's previous entry, `j - RING`, is below `low` and
//!   no longer read; when the run is ahead it skips to `low`, and when the ring is full
//!   it sleeps briefly;
//! - the run sets `stop` when it ends (also when it panics), and the filler returns.
//!
//! The run never waits for the filler, and a missing entry is computed inline, so the
//! result is the same whether the filler ran, ran late, or never started (as when the
//! pool has one thread and the filler's turn comes after the run).

use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use std::time::Duration;

use super::{FirstOutcomes, Outcome};
use crate::sim::{RunOutput, RunSpec};
use crate::workload::{MessageId, Workload};

/// Entries in the ring: 4 MB, which stays in the shared cache and lasts the run about
/// 0.1 s, so that the filler wakes rarely (see `NAP`).
pub const RING: usize = 1 << 20;
/// Entries the filler writes between two publications of `ready`.
const CHUNK: usize = 2048;
/// The run publishes its progress (`low`) once per this many arrivals.
pub const PUBLISH_EVERY: u32 = 1024;
/// How far ahead of the entry it computes the filler asks the CPU for the contact's
/// window offset; half as far for the windows themselves.
const LOOKAHEAD: usize = 16;
/// The filler's nap when the ring is (nearly) full: short against the time the run
/// takes to pass a quarter of the ring (about 25 ms), and long enough that a filler
/// waiting for it wakes only a few hundred times a run: on a loaded machine every
/// wake-up competes with the run for a core.
const NAP: Duration = Duration::from_millis(1);

impl FirstOutcomes {
    /// An empty ring of at most `size` entries (rounded up to a power of two) for a
    /// workload of `sends` sends and a run ending at `end`.
    pub fn ring(sends: usize, end: crate::time::Instant, size: usize) -> FirstOutcomes {
        let size = size
            .max(1)
            .next_power_of_two()
            .min(sends.max(1).next_power_of_two());
        FirstOutcomes {
            slots: (0..size).map(|_| AtomicU32::new(0)).collect(),
            mask: size - 1,
            ready: AtomicUsize::new(0),
            low: AtomicUsize::new(0),
            stop: AtomicBool::new(false),
            sends,
            end,
        }
    }

    /// The run's arrivals have reached `message`: it will read no entry below it (a
    /// later attempt at a creation instant of an earlier message asks the failure model).
    /// Nothing for a whole table, which other runs may share.
    #[inline]
    pub fn passed(&self, message: MessageId) {
        if self.mask != usize::MAX {
            self.low.fetch_max(message as usize, Ordering::Release);
        }
    }
}

/// Sets the ring's `stop` when dropped, so that the filler returns however the run ends.
struct StopOnDrop<'a>(&'a AtomicBool);

impl Drop for StopOnDrop<'_> {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Release);
    }
}

/// Runs `spec` (which has no table of its own) on the current thread with a ring filled
/// beside it by [`fill`]; the output is [`crate::sim::simulate`]'s.
pub fn simulate(spec: &RunSpec<'_>) -> RunOutput {
    simulate_in(spec, RING)
}

/// [`simulate`] with a ring of `size` entries (tests use small ones, so that the ring
/// wraps many times).
pub fn simulate_in(spec: &RunSpec<'_>, size: usize) -> RunOutput {
    debug_assert!(spec.first.is_none(), "a run reads one table");
    let ring = FirstOutcomes::ring(spec.workload.sends.len(), spec.end, size);
    let with_ring = RunSpec {
        first: Some(&ring),
        ..*spec
    };
    let (output, ()) = rayon::join(
        || {
            let _stop = StopOnDrop(&ring.stop);
            crate::sim::simulate(&with_ring)
        },
        || fill(&ring, spec.workload),
    );
    output
}

/// Writes `ring`'s entries for `workload`'s sends in message order, ahead of the run,
/// until the last send or until the run stops.
pub fn fill(ring: &FirstOutcomes, workload: &Workload) {
    let (sends, failures) = (&workload.sends, &workload.failures);
    let size = ring.mask.wrapping_add(1);
    let mut next = 0;
    while next < sends.len() && !ring.stop.load(Ordering::Acquire) {
        let low = ring.low.load(Ordering::Acquire);
        // Entries the run has passed are never read: skip them.
        next = next.max(low);
        let end = (next + CHUNK).min(sends.len()).min(low + size);
        // Work for a quarter of the ring at least (or the last sends), not for every
        // chunk the run passes: each nap is a system call and a wake-up.
        if end <= next || (low + size - next < size / 4 && end < sends.len()) {
            std::thread::sleep(NAP);
            continue;
        }
        for j in next..end {
            if let Some(ahead) = sends.get(j + LOOKAHEAD) {
                failures.prefetch_offsets(ahead.contact());
            }
            if let Some(near) = sends.get(j + LOOKAHEAD / 2) {
                failures.prefetch_windows(near.contact());
            }
            let s = sends[j];
            let outcome = Outcome::of(failures, s.contact(), s.created(), ring.end);
            ring.slots[j & ring.mask].store(outcome.pack(), Ordering::Relaxed);
        }
        ring.ready.store(end, Ordering::Release);
        next = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::errors::ErrorCode;
    use crate::time::Instant;
    use crate::workload::{Channel, FailureModel, MessageType, SendRecord, Window};
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// `n` sends to 50 contacts, each failing in a few random windows; with `distinct`,
    /// each contact fails for good with its own code instead, so that neighbouring
    /// entries differ and a reused or unwritten slot would show.
    fn workload(seed: u64, n: usize, distinct: bool) -> Workload {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut windows = Vec::new();
        for c in 0..50u32 {
            let mut fail = |start, end, code| {
                let permanent = false;
                windows.push((
                    c,
                    Window {
                        start,
                        end,
                        code,
                        permanent,
                    },
                ));
            };
            if distinct {
                fail(Instant(-1), Instant::NEVER, ErrorCode(c as u16 + 1));
                continue;
            }
            for _ in 0..rng.random_range(0..4) {
                let start = rng.random_range(0..1_000i64);
                let end = if rng.random_bool(0.2) {
                    Instant::NEVER
                } else {
                    Instant(start + rng.random_range(1..300))
                };
                fail(Instant(start), end, ErrorCode(rng.random_range(1..9)));
            }
        }
        let mut sends: Vec<SendRecord> = (0..n)
            .map(|_| {
                let at = Instant(rng.random_range(0..1_000));
                let c = rng.random_range(0..50);
                SendRecord::new(at, c, 0, Channel::Email, MessageType::Marketing).unwrap()
            })
            .collect();
        sends.sort_by_key(|s| s.created());
        Workload {
            sends,
            failures: FailureModel::new(50, windows),
            ..Workload::default()
        }
    }

    /// A reader that lets the filler run as far ahead as the ring allows, then reads its
    /// current entry, one behind its published progress and one past the ring's reach,
    /// gets, whenever the ring answers, exactly the failure model's outcome: never an
    /// unwritten or reused slot.
    #[test]
    fn the_ring_answers_only_with_the_right_entry() {
        for (seed, size, distinct) in [
            (1, 1, true),
            (2, 4, true),
            (3, 64, true),
            (4, 64, false),
            (5, 5_000, true),
            (6, RING, false),
        ] {
            let w = workload(seed, 8_000, distinct);
            let (n, end) = (w.sends.len(), Instant(900));
            let ring = FirstOutcomes::ring(n, end, size);
            let size = ring.mask + 1;
            let answered = std::thread::scope(|scope| {
                scope.spawn(|| fill(&ring, &w));
                let _stop = StopOnDrop(&ring.stop);
                let mut answered = 0;
                for m in 0..n {
                    if m % 7 == 0 {
                        ring.passed(m as MessageId);
                    }
                    // The filler promises to keep at least three quarters of the ring
                    // ahead of `low` (it naps while less than a quarter is free).
                    let low = m - m % 7;
                    while !ring.is_ready((low + size - size / 4).min(n) - 1) {
                        std::thread::yield_now();
                    }
                    for k in [m, m.saturating_sub(3), low + size] {
                        let Some(s) = w.sends.get(k) else { continue };
                        let c = s.created();
                        if let Some(o) = ring.at(k as MessageId, c, c, end) {
                            let truth = Outcome::of(&w.failures, s.contact(), c, end);
                            assert_eq!(o, truth, "seed {seed} size {size} entry {k} at {m}");
                            answered += 1;
                        }
                    }
                }
                answered
            });
            assert!(ring.stop.load(Ordering::Relaxed));
            if size >= 8 {
                assert!(
                    answered >= n,
                    "each entry is answered when read ({answered})"
                );
            }
        }
    }

    /// A ring as large as the workload, filled before anything reads it, answers for
    /// every send, so the check above is not vacuous.
    #[test]
    fn a_ring_filled_first_answers_every_entry() {
        let w = workload(7, 3_000, false);
        let end = Instant(900);
        let ring = FirstOutcomes::ring(w.sends.len(), end, 4_096);
        fill(&ring, &w);
        for (m, s) in w.sends.iter().enumerate() {
            let c = s.created();
            let truth = Outcome::of(&w.failures, s.contact(), c, end);
            assert_eq!(ring.at(m as MessageId, c, c, end), Some(truth), "entry {m}");
        }
    }

    /// Without the run raising `low`, the filler stops at the ring's end and waits, and
    /// returns once the run stops.
    #[test]
    fn a_full_ring_waits_for_the_run_and_stops_with_it() {
        let w = workload(9, 1_000, true);
        let ring = FirstOutcomes::ring(w.sends.len(), Instant(900), 64);
        std::thread::scope(|scope| {
            let filler = scope.spawn(|| fill(&ring, &w));
            while ring.ready.load(Ordering::Acquire) < 64 {
                std::thread::yield_now();
            }
            std::thread::sleep(Duration::from_millis(5));
            assert_eq!(ring.ready.load(Ordering::Acquire), 64, "no slot is reused");
            drop(StopOnDrop(&ring.stop));
            filler.join().unwrap();
        });
    }
}
