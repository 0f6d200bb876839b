//! The failure model: the ground truth of what an attempt to a contact returns at a time.
//!
//! Every workload, imported or generated, is a set of failure windows: during
//! [start, end) every attempt to the contact fails with the window's code. Where windows
//! overlap, a permanent class wins over a retryable one, then the earlier start. A time
//! no window covers is delivered. Because the model is only windows, a generated world
//! exported to `failures.csv` and imported again is the same model, bit for bit.

use crate::rules::errors::{ErrorCode, ErrorTable};
use crate::time::Instant;
use crate::workload::ContactId;

/// One stretch of time during which every attempt to a contact fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// First failing instant.
    pub start: Instant,
    /// First instant after the window; [`Instant::NEVER`] for "until the end of the run".
    pub end: Instant,
    /// The error every attempt in the window returns.
    pub code: ErrorCode,
    /// The code's class is permanent (hard, opt-out, business final).
    pub permanent: bool,
}

/// All failure windows, grouped by contact and sorted by start.
#[derive(Debug, Clone, Default)]
pub struct FailureModel {
    /// `windows[offsets[c]..offsets[c + 1]]` are contact c's windows.
    offsets: Vec<u32>,
    windows: Vec<Window>,
}

impl FailureModel {
    /// Builds the model for `contacts` contacts from windows in any order. Windows of one
    /// contact with the same start keep their given order.
    pub fn new(contacts: usize, mut list: Vec<(ContactId, Window)>) -> Self {
        list.sort_by_key(|(c, w)| (*c, w.start));
        let mut offsets = Vec::with_capacity(contacts + 1);
        let mut next = 0usize;
        for c in 0..contacts {
            offsets.push(next as u32);
            while next < list.len() && list[next].0 as usize == c {
                next += 1;
            }
        }
        offsets.push(next as u32);
        debug_assert_eq!(next, list.len(), "every window belongs to a known contact");
        let windows = list.into_iter().map(|(_, w)| w).collect();
        FailureModel { offsets, windows }
    }

    /// Builds the model from windows already grouped by contact and sorted by start:
    /// `windows[offsets[c]..offsets[c + 1]]` are contact c's, and `offsets` has one entry
    /// per contact plus one.
    pub fn from_grouped(offsets: Vec<u32>, windows: Vec<Window>) -> Self {
        debug_assert_eq!(offsets.last().map(|&o| o as usize), Some(windows.len()));
        debug_assert!(offsets.windows(2).all(|p| p[0] <= p[1]));
        FailureModel { offsets, windows }
    }

    /// Marks each window permanent or not from the classification table.
    pub fn classify(&mut self, table: &ErrorTable) {
        for w in &mut self.windows {
            w.permanent = table.class(w.code).is_permanent();
        }
    }

    /// Number of contacts the model covers.
    pub fn contacts(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// Contact `c`'s windows, sorted by start.
    pub fn windows_of(&self, c: ContactId) -> &[Window] {
        let c = c as usize;
        match (self.offsets.get(c), self.offsets.get(c + 1)) {
            (Some(&a), Some(&b)) => &self.windows[a as usize..b as usize],
            _ => &[],
        }
    }

    /// Every window with its contact, in (contact, start) order.
    pub fn iter(&self) -> impl Iterator<Item = (ContactId, &Window)> + '_ {
        (0..self.contacts() as u32)
            .flat_map(move |c| self.windows_of(c).iter().map(move |w| (c, w)))
    }

    /// Asks the CPU to fetch where contact `c`'s windows start. A hint only: it never
    /// waits for memory.
    pub fn prefetch_offsets(&self, c: ContactId) {
        if let Some(offset) = self.offsets.get(c as usize) {
            crate::prefetch::hint(offset);
        }
    }

    /// Asks the CPU to fetch contact `c`'s first window. This reads the contact's offset,
    /// so call it only once [`FailureModel::prefetch_offsets`] has had time to bring it in.
    pub fn prefetch_windows(&self, c: ContactId) {
        if let Some(first) = self
            .offsets
            .get(c as usize)
            .and_then(|&o| self.windows.get(o as usize))
        {
            crate::prefetch::hint(first);
        }
    }

    /// What an attempt to `c` at `at` returns: `None` for delivered, else the error.
    pub fn outcome(&self, c: ContactId, at: Instant) -> Option<ErrorCode> {
        let mut retryable = None;
        for w in self.windows_of(c) {
            if w.start > at {
                break;
            }
            if at < w.end {
                if w.permanent {
                    return Some(w.code);
                }
                retryable.get_or_insert(w.code);
            }
        }
        retryable
    }

    /// The first instant at or after `at` when an attempt to `c` would be delivered, or
    /// `None` when every later attempt fails.
    pub fn next_available_after(&self, c: ContactId, at: Instant) -> Option<Instant> {
        let mut t = at;
        for w in self.windows_of(c) {
            if w.start > t {
                break;
            }
            if w.end > t {
                t = w.end;
            }
        }
        (t != Instant::NEVER).then_some(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(start: i64, end: i64, code: u16, permanent: bool) -> Window {
        Window {
            start: Instant(start),
            end: if end < 0 {
                Instant::NEVER
            } else {
                Instant(end)
            },
            code: ErrorCode(code),
            permanent,
        }
    }

    fn model() -> FailureModel {
        FailureModel::new(
            3,
            vec![
                (1, window(10, 20, 1, false)),
                (0, window(100, 200, 2, false)),
                (0, window(150, -1, 3, true)),
                (0, window(50, 120, 4, false)),
            ],
        )
    }

    #[test]
    fn uncovered_times_deliver() {
        let m = model();
        assert_eq!(m.outcome(0, Instant(49)), None);
        assert_eq!(m.outcome(1, Instant(20)), None, "end is exclusive");
        assert_eq!(m.outcome(2, Instant(0)), None, "a contact with no windows");
    }

    #[test]
    fn earlier_start_wins_between_retryable_windows() {
        assert_eq!(model().outcome(0, Instant(110)), Some(ErrorCode(4)));
    }

    #[test]
    fn permanent_wins_over_retryable() {
        assert_eq!(model().outcome(0, Instant(160)), Some(ErrorCode(3)));
    }

    #[test]
    fn next_available_skips_chained_windows() {
        let m = model();
        assert_eq!(m.next_available_after(1, Instant(12)), Some(Instant(20)));
        assert_eq!(m.next_available_after(1, Instant(25)), Some(Instant(25)));
        assert_eq!(
            m.next_available_after(0, Instant(60)),
            None,
            "the open window never ends"
        );
        assert_eq!(m.next_available_after(0, Instant(0)), Some(Instant(0)));
    }

    #[test]
    fn windows_are_grouped_by_contact_in_start_order() {
        let m = model();
        let starts: Vec<(u32, i64)> = m.iter().map(|(c, w)| (c, w.start.0)).collect();
        assert_eq!(starts, vec![(0, 50), (0, 100), (0, 150), (1, 10)]);
    }
}
