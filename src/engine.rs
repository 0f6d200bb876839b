//! The discrete-event core: a pending-event queue with a total order and the run loop
//! that merges it with a time-sorted arrival stream.
//!
//! This module knows nothing of email, SMS or retries. A [`Process`] supplies the
//! meaning of arrivals and events; the engine only decides which comes next. The order
//! is total and fixed: earlier time first, then lower rank (a process gives each kind of
//! event a rank), then the order of scheduling. Arrivals enter with their own rank and are
//! never pushed into the queue, so a stream of ten million sends costs no heap space.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::time::Instant;

/// One pending event: its time, its position among same-time events, and a payload.
#[derive(Debug, Clone, Copy)]
struct Entry<P> {
    at: Instant,
    /// Rank in the top 8 bits, scheduling sequence in the low 56: one comparison orders
    /// same-time events by kind and then by insertion.
    order: u64,
    payload: P,
}

impl<P> PartialEq for Entry<P> {
    fn eq(&self, other: &Self) -> bool {
        self.at == other.at && self.order == other.order
    }
}

impl<P> Eq for Entry<P> {}

impl<P> PartialOrd for Entry<P> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<P> Ord for Entry<P> {
    /// Reversed so that `BinaryHeap`, a max-heap, pops the earliest entry.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.at, other.order).cmp(&(self.at, self.order))
    }
}

/// The pending events of one run, popped in (time, rank, sequence) order.
#[derive(Debug)]
pub struct EventQueue<P> {
    heap: BinaryHeap<Entry<P>>,
    next_seq: u64,
}

const SEQ_BITS: u32 = 56;

impl<P: Copy> Default for EventQueue<P> {
    fn default() -> Self {
        Self::new()
    }
}

impl<P: Copy> EventQueue<P> {
    /// An empty queue.
    pub fn new() -> Self {
        EventQueue {
            heap: BinaryHeap::new(),
            next_seq: 0,
        }
    }

    /// Schedules `payload` at `at`; among events at the same instant, lower `rank` pops
    /// first, then earlier scheduling.
    pub fn schedule(&mut self, at: Instant, rank: u8, payload: P) {
        let order = (u64::from(rank) << SEQ_BITS) | self.next_seq;
        self.next_seq += 1;
        self.heap.push(Entry { at, order, payload });
    }

    /// Time and rank of the next event, without removing it.
    pub fn peek(&self) -> Option<(Instant, u8)> {
        self.heap
            .peek()
            .map(|e| (e.at, (e.order >> SEQ_BITS) as u8))
    }

    /// Removes and returns the next event.
    pub fn pop(&mut self) -> Option<(Instant, P)> {
        self.heap.pop().map(|e| (e.at, e.payload))
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// True when nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

/// A model driven by the engine: it reacts to arrivals and to the events it scheduled.
pub trait Process {
    /// What the queue holds; small and `Copy`, so the hot loop never allocates for it.
    type Event: Copy;
    /// What the arrival stream yields.
    type Arrival;

    /// Rank of arrivals among events at the same instant.
    const ARRIVAL_RANK: u8;

    /// Handles one arrival at `now`.
    fn arrive(&mut self, now: Instant, arrival: Self::Arrival, queue: &mut EventQueue<Self::Event>);

    /// Handles one scheduled event at `now`.
    fn handle(&mut self, now: Instant, event: Self::Event, queue: &mut EventQueue<Self::Event>);
}

/// Runs `process` over `arrivals` (which must be sorted by time) and every event they
/// cause, up to but excluding `end`. Events left in `queue` are those due at or after
/// `end`. Returns the number of arrivals and events handled.
pub fn run<P: Process>(
    process: &mut P,
    arrivals: impl IntoIterator<Item = (Instant, P::Arrival)>,
    queue: &mut EventQueue<P::Event>,
    end: Instant,
) -> u64 {
    let mut arrivals = arrivals.into_iter().peekable();
    let mut handled = 0;
    loop {
        let next_arrival = arrivals
            .peek()
            .map(|(t, _)| (*t, P::ARRIVAL_RANK))
            .filter(|(t, _)| *t < end);
        let next_event = queue.peek().filter(|(t, _)| *t < end);
        let take_arrival = match (next_arrival, next_event) {
            (None, None) => break,
            (Some(a), Some(e)) => a <= e,
            (Some(_), None) => true,
            (None, Some(_)) => false,
        };
        if take_arrival {
            let (at, arrival) = arrivals.next().expect("peeked arrival");
            process.arrive(at, arrival, queue);
        } else {
            let (at, event) = queue.pop().expect("peeked event");
            process.handle(at, event, queue);
        }
        handled += 1;
    }
    handled
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records what it sees and, for arrival `n`, schedules an echo `n` seconds later.
    #[derive(Default)]
    struct Recorder {
        seen: Vec<(i64, &'static str, u32)>,
    }

    impl Process for Recorder {
        type Event = (u8, u32);
        type Arrival = u32;
        const ARRIVAL_RANK: u8 = 1;

        fn arrive(&mut self, now: Instant, n: u32, queue: &mut EventQueue<(u8, u32)>) {
            self.seen.push((now.0, "arrival", n));
            queue.schedule(Instant(now.0 + i64::from(n)), 2, (2, n));
            queue.schedule(Instant(now.0 + i64::from(n)), 0, (0, n));
        }

        fn handle(&mut self, now: Instant, ev: (u8, u32), _: &mut EventQueue<(u8, u32)>) {
            self.seen
                .push((now.0, if ev.0 == 0 { "rank0" } else { "rank2" }, ev.1));
        }
    }

    #[test]
    fn same_time_events_pop_by_rank_then_insertion() {
        let mut q = EventQueue::new();
        q.schedule(Instant(5), 2, 'c');
        q.schedule(Instant(5), 1, 'a');
        q.schedule(Instant(5), 1, 'b');
        q.schedule(Instant(4), 9, 'z');
        let order: Vec<char> = std::iter::from_fn(|| q.pop().map(|(_, p)| p)).collect();
        assert_eq!(order, vec!['z', 'a', 'b', 'c']);
    }

    #[test]
    fn arrivals_merge_with_events_by_time_and_rank() {
        let mut r = Recorder::default();
        let mut q = EventQueue::new();
        let handled = run(
            &mut r,
            vec![(Instant(0), 3), (Instant(3), 7)],
            &mut q,
            Instant(100),
        );
        assert_eq!(
            r.seen,
            vec![
                (0, "arrival", 3),
                (3, "rank0", 3),
                (3, "arrival", 7),
                (3, "rank2", 3),
                (10, "rank0", 7),
                (10, "rank2", 7),
            ]
        );
        assert_eq!(handled, 6);
    }

    #[test]
    fn nothing_at_or_after_the_end_is_handled() {
        let mut r = Recorder::default();
        let mut q = EventQueue::new();
        run(
            &mut r,
            vec![(Instant(0), 10), (Instant(20), 1)],
            &mut q,
            Instant(10),
        );
        assert_eq!(r.seen, vec![(0, "arrival", 10)]);
        assert_eq!(q.len(), 2, "the echoes due at t=10 stay pending");
    }
}
