//! Results that finish in any order, taken in order: each replication's task puts its
//! result in its own slot, and the thread writing the results takes slot after slot.
//! While the slot it needs is empty, that thread runs the pool's pending work (another
//! replication, or a piece of one's generation) instead of leaving its core idle.

use std::panic::{self, AssertUnwindSafe};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

/// How long a waiting thread sleeps before it looks for pool work again, when it found
/// none: short enough that a piece of work spawned meanwhile (generation splits its
/// loops) waits little, long enough that the wait costs no measurable CPU.
const POLL: Duration = Duration::from_micros(200);

/// A task's outcome: its value, or the panic that stopped it (raised again in the
/// taker, so a panicking replication fails the run as it did on the pool).
type Outcome<T> = std::thread::Result<T>;

/// One slot per task, filled by [`Slots::run`] and emptied by [`Slots::take`].
#[derive(Debug)]
pub(super) struct Slots<T> {
    ready: Mutex<Vec<Option<Outcome<T>>>>,
    filled: Condvar,
}

impl<T> Slots<T> {
    /// `count` empty slots.
    pub(super) fn new(count: usize) -> Slots<T> {
        Slots {
            ready: Mutex::new((0..count).map(|_| None).collect()),
            filled: Condvar::new(),
        }
    }

    /// Runs `task` and puts its value, or its panic, in slot `index`.
    pub(super) fn run(&self, index: usize, task: impl FnOnce() -> T) {
        let outcome = panic::catch_unwind(AssertUnwindSafe(task));
        self.lock()[index] = Some(outcome);
        self.filled.notify_all();
    }

    /// The value of slot `index`, once its task has run; raises its task's panic.
    pub(super) fn take(&self, index: usize) -> T {
        loop {
            if let Some(outcome) = self.lock()[index].take() {
                return outcome.unwrap_or_else(|p| panic::resume_unwind(p));
            }
            if rayon::yield_now() == Some(rayon::Yield::Executed) {
                continue;
            }
            let ready = self.lock();
            if ready[index].is_none() {
                // Woken at once when a slot fills; the timeout only bounds how long
                // pool work spawned meanwhile waits for this thread.
                let _ = self.filled.wait_timeout(ready, POLL);
            }
        }
    }

    /// The slots, whatever a panicking task left (it never holds the lock).
    fn lock(&self) -> MutexGuard<'_, Vec<Option<Outcome<T>>>> {
        self.ready.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_taken_in_order_whatever_order_they_finish_in() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let slots = Slots::new(8);
        let taken: Vec<usize> = pool.install(|| {
            rayon::in_place_scope_fifo(|scope| {
                for k in 0..8 {
                    let slots = &slots;
                    scope.spawn_fifo(move |_| {
                        // Later tasks finish first.
                        std::thread::sleep(Duration::from_millis(8 - k as u64));
                        slots.run(k, || k * 10);
                    });
                }
                (0..8).map(|k| slots.take(k)).collect()
            })
        });
        assert_eq!(taken, (0..8).map(|k| k * 10).collect::<Vec<_>>());
    }

    #[test]
    fn a_waiting_thread_runs_pending_tasks_itself() {
        // One thread: the task can only run if the thread waiting for it runs it.
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let slots = Slots::new(1);
        let value = pool.install(|| {
            rayon::in_place_scope_fifo(|scope| {
                let slots = &slots;
                scope.spawn_fifo(move |_| slots.run(0, || "done"));
                slots.take(0)
            })
        });
        assert_eq!(value, "done");
    }

    #[test]
    fn a_task_panic_is_raised_in_the_taker() {
        let slots: Slots<u32> = Slots::new(1);
        slots.run(0, || panic!("replication failed"));
        let raised = panic::catch_unwind(AssertUnwindSafe(|| slots.take(0))).unwrap_err();
        assert_eq!(raised.downcast_ref::<&str>(), Some(&"replication failed"));
    }
}
