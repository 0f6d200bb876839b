//! A finished run's messages and contacts counted by state, on the pool's threads.
//!
//! The count reads every message's state once (20 bytes each: 200 MB at ten million
//! messages) after the simulation, when the second core has nothing else to do, so the
//! vectors are cut in halves counted on both cores. The counts are integers, added in a
//! fixed order, so they do not depend on the thread count.

use super::state::{ContactState, MessageState, NO_MESSAGE, Status};

/// Below this many items a slice is counted on the current thread.
const SERIAL_BELOW: usize = 1 << 20;

/// Messages per [`Status`], indexed by its discriminant.
pub type ByStatus = [u64; 10];

/// Contacts sent at least one message, and contacts ever suppressed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Contacts {
    /// Contacts with a last message.
    pub reached: u64,
    /// Contacts suppressed at least once.
    pub ever_suppressed: u64,
}

/// Counts `messages` by status and `contacts` by what happened to them.
pub fn count(messages: &[MessageState], contacts: &[ContactState]) -> (ByStatus, Contacts) {
    rayon::join(|| by_status(messages), || by_contact(contacts))
}

/// Messages per status.
pub fn by_status(messages: &[MessageState]) -> ByStatus {
    if messages.len() < SERIAL_BELOW {
        return by_status_here(messages);
    }
    let (a, b) = messages.split_at(messages.len() / 2);
    let (mut x, y) = rayon::join(|| by_status(a), || by_status(b));
    for (x, y) in x.iter_mut().zip(y) {
        *x += y;
    }
    x
}

/// Messages per status, on this thread. Four messages at a time go to four separate
/// tables: most messages share one status, and a single table would make each increment
/// wait for the store of the one before it.
fn by_status_here(messages: &[MessageState]) -> ByStatus {
    let mut lanes = [ByStatus::default(); 4];
    let mut quads = messages.chunks_exact(4);
    for quad in &mut quads {
        for (lane, m) in lanes.iter_mut().zip(quad) {
            lane[m.status() as usize] += 1;
        }
    }
    for m in quads.remainder() {
        lanes[0][m.status() as usize] += 1;
    }
    let mut counts = ByStatus::default();
    for lane in &lanes {
        for (c, n) in counts.iter_mut().zip(lane) {
            *c += n;
        }
    }
    counts
}

/// Contacts reached and ever suppressed.
fn by_contact(contacts: &[ContactState]) -> Contacts {
    let mut counts = Contacts::default();
    for c in contacts {
        counts.reached += u64::from(c.last_message != NO_MESSAGE);
        counts.ever_suppressed += u64::from(c.ever_suppressed);
    }
    counts
}

/// The count of `status` in `counts`.
pub fn of(counts: &ByStatus, status: Status) -> u64 {
    counts[status as usize]
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(8))]

        /// Counted in halves on the pool, each status has exactly the count of a plain
        /// pass, at one and at two threads, across the serial threshold.
        #[test]
        fn halves_count_what_a_pass_counts(
            seed in any::<u64>(),
            len in prop_oneof![0usize..100, SERIAL_BELOW - 2..SERIAL_BELOW + 2, 2 * SERIAL_BELOW + 1..2 * SERIAL_BELOW + 3],
        ) {
            let mut x = seed | 1;
            let messages: Vec<MessageState> = (0..len)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    let mut m = MessageState::default();
                    m.set_status(Status::ALL[(x % 10) as usize]);
                    m
                })
                .collect();
            let mut plain = ByStatus::default();
            for (i, s) in Status::ALL.iter().enumerate() {
                plain[i] = messages.iter().filter(|m| m.status() == *s).count() as u64;
            }
            for threads in [1, 2] {
                let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
                let got = pool.install(|| by_status(&messages));
                prop_assert_eq!(got, plain);
                for s in Status::ALL {
                    prop_assert_eq!(of(&got, s), plain[s as usize]);
                }
            }
        }
    }

    #[test]
    fn contacts_are_counted_by_reach_and_suppression() {
        let mut contacts = vec![ContactState::default(); 5];
        contacts[1].last_message = 7;
        contacts[2].last_message = 0;
        contacts[2].ever_suppressed = true;
        contacts[4].ever_suppressed = true;
        let expected = Contacts {
            reached: 2,
            ever_suppressed: 2,
        };
        assert_eq!(count(&[], &contacts).1, expected);
    }
}
