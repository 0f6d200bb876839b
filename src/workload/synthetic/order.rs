//! Putting the generated sends in time order with a counting sort on the creation second.
//!
//! The program is drawn as batches (campaign occurrences, then transactional streams), and
//! the stream must be ordered by creation time with ties in generation order: batch by
//! batch, and inside a batch in drawing order. That is exactly what a stable sort of the
//! concatenated batches by `created` gives, and exactly what a counting sort gives when
//! it counts sends per second, turns the counts into each second's first slot, and then
//! scatters the batches in order. A run spans a few million seconds, so the counts fit in
//! a small table, and the scatter writes each send once, straight into its final place:
//! no merge passes over the whole stream.

use rayon::prelude::*;

use crate::workload::SendRecord;

/// Counting sort is used while the seconds spanned are at most this many times the number
/// of sends (plus a fixed allowance); a sparse stream over a long horizon is sorted by
/// comparison instead, so the table never dwarfs the stream.
const SPAN_PER_SEND: usize = 4;
/// Seconds the counting table may span whatever the number of sends (about 48 days).
const SPAN_ALLOWANCE: usize = 1 << 22;

/// Joins `batches` into one stream sorted by creation time, ties in batch order then in
/// each batch's order: the order of a stable sort of the concatenation by `created`.
/// Generation uses [`by_creation_beside`]; this plain form is the tests' reference.
#[cfg(test)]
pub fn by_creation(batches: Vec<Vec<SendRecord>>) -> Vec<SendRecord> {
    Plan::of(&batches).apply(batches)
}

/// Sorts `batches` as `by_creation` does, on one core, while two other jobs run on the
/// other (one after the other with one thread): `read` reads the batches while the sort
/// plans (and counts), then `then` takes `read`'s result while the sort scatters the
/// batches, which frees them. Returns the sorted stream and `then`'s result.
///
/// The sort's two passes are serial and memory-bound, and the rest of a world's
/// generation reads nothing they write, so this hides most of the rest behind them.
pub fn by_creation_beside<A: Send, B: Send>(
    batches: Vec<Vec<SendRecord>>,
    read: impl FnOnce(&[Vec<SendRecord>]) -> A + Send,
    then: impl FnOnce(A) -> B + Send,
) -> (Vec<SendRecord>, B) {
    let (plan, a) = rayon::join(|| Plan::of(&batches), || read(&batches));
    // The plan is applied to the very batches it counted, which the scatter relies on.
    rayon::join(move || plan.apply(batches), move || then(a))
}

/// How the sort will order a set of batches, decided (and, for the counting sort,
/// counted) by reading them; [`Plan::apply`] then consumes them. Private, so that a plan
/// is only ever applied to the batches it was made from.
#[derive(Debug)]
enum Plan {
    /// The counting sort: `next[k]` is where the first send created in second `lo + k`
    /// goes, of `total` sends.
    Counting {
        next: Vec<u32>,
        lo: i64,
        total: usize,
    },
    /// The comparison sort, for streams too sparse (or too large) for a counting table.
    Comparison { total: usize },
}

impl Plan {
    /// Reads `batches` once for their time span, then, for a counting sort, once more
    /// to count the sends of each second.
    fn of(batches: &[Vec<SendRecord>]) -> Plan {
        let total: usize = batches.iter().map(Vec::len).sum();
        let bounds = batches
            .par_iter()
            .flat_map_iter(|b| b.iter().map(|s| s.created().0))
            .fold(
                || (i64::MAX, i64::MIN),
                |(lo, hi), t| (lo.min(t), hi.max(t)),
            )
            .reduce(|| (i64::MAX, i64::MIN), |a, b| (a.0.min(b.0), a.1.max(b.1)));
        if total == 0 {
            return Plan::Comparison { total };
        }
        let span = u64::try_from(i128::from(bounds.1) - i128::from(bounds.0) + 1).ok();
        match span.and_then(|s| usize::try_from(s).ok()) {
            Some(span)
                if span <= total.saturating_mul(SPAN_PER_SEND).max(SPAN_ALLOWANCE)
                    && u32::try_from(total).is_ok() =>
            {
                let lo = bounds.0;
                Plan::Counting {
                    next: first_slots(batches, lo, span),
                    lo,
                    total,
                }
            }
            _ => Plan::Comparison { total },
        }
    }

    /// Puts `batches`, the batches this plan was made from, in order.
    fn apply(self, batches: Vec<Vec<SendRecord>>) -> Vec<SendRecord> {
        match self {
            Plan::Counting { next, lo, total } => scatter(batches, next, lo, total),
            Plan::Comparison { total } => comparison(batches, total),
        }
    }
}

/// The counting sort's table: the first slot of each of `span` seconds from `lo`.
fn first_slots(batches: &[Vec<SendRecord>], lo: i64, span: usize) -> Vec<u32> {
    let mut next = vec![0u32; span];
    for b in batches {
        for s in b {
            next[(s.created().0 - lo) as usize] += 1;
        }
    }
    let mut at = 0u32;
    for n in &mut next {
        let count = *n;
        *n = at;
        at += count;
    }
    next
}

/// The counting sort's scatter: `total` sends, `next` from [`first_slots`].
///
/// The output is not filled before the scatter: a filled vector would fault in all of
/// its pages at once while every batch is still held, so generation would peak at twice
/// the stream. Unfilled, its pages come in as sends land in them, while each batch is
/// freed as soon as it has been scattered.
fn scatter(
    batches: Vec<Vec<SendRecord>>,
    mut next: Vec<u32>,
    lo: i64,
    total: usize,
) -> Vec<SendRecord> {
    let slot = |s: &SendRecord| (s.created().0 - lo) as usize;
    let mut out: Vec<SendRecord> = Vec::with_capacity(total);
    let room = &mut out.spare_capacity_mut()[..total];
    let mut written = 0usize;
    for b in batches {
        for s in &b {
            let k = &mut next[slot(s)];
            room[*k as usize].write(*s);
            *k += 1;
        }
        written += b.len();
    }
    assert_eq!(written, total, "every send is scattered once");
    // SAFETY: the first slots are the running sums of the per-second counts of these
    // same batches, so the scatter wrote each of the `total` slots exactly once: each
    // second's sends fill its range, and the ranges tile 0..total. Every element is
    // initialised.
    unsafe { out.set_len(total) };
    out
}

/// The comparison sort, for streams too sparse (or too large) for a counting table.
fn comparison(batches: Vec<Vec<SendRecord>>, total: usize) -> Vec<SendRecord> {
    let mut sends = Vec::with_capacity(total);
    for batch in batches {
        sends.extend(batch);
    }
    // Stable: same-second sends keep generation order.
    sends.par_sort_by_key(|s| s.created());
    sends
}

#[cfg(test)]
mod tests {
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use super::*;
    use crate::time::Instant;
    use crate::workload::{Channel, MessageType};

    fn send(created: i64, contact: u32, delivery: u32) -> SendRecord {
        SendRecord::new(
            Instant(created),
            contact,
            delivery,
            Channel::Email,
            MessageType::Marketing,
        )
        .expect("a test time fits")
    }

    /// Batches of sends with many equal seconds, each send distinguishable by its ids.
    fn batches(seed: u64, spread: i64) -> Vec<Vec<SendRecord>> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        (0..12u32)
            .map(|b| {
                let n = rng.random_range(0..2_000u32);
                (0..n)
                    .map(|i| send(1_767_571_200 + rng.random_range(0..spread), i, b))
                    .collect()
            })
            .collect()
    }

    fn stable_sort(batches: &[Vec<SendRecord>]) -> Vec<SendRecord> {
        let mut all: Vec<SendRecord> = batches.concat();
        all.sort_by_key(|s| s.created());
        all
    }

    #[test]
    fn counting_gives_the_stable_sort_order() {
        for (seed, spread) in [(1, 1), (2, 60), (3, 7_200), (4, 2_592_000)] {
            let b = batches(seed, spread);
            assert_eq!(by_creation(b.clone()), stable_sort(&b), "seed {seed}");
        }
    }

    #[test]
    fn sparse_streams_fall_back_to_the_same_order() {
        let b = vec![
            vec![send(0, 0, 0), send(400_000_000, 1, 0), send(0, 2, 0)],
            vec![send(400_000_000, 3, 1), send(-5, 4, 1)],
        ];
        assert_eq!(by_creation(b.clone()), stable_sort(&b));
    }

    #[test]
    fn empty_batches_give_an_empty_stream() {
        assert!(by_creation(vec![Vec::new(), Vec::new()]).is_empty());
        assert!(by_creation(Vec::new()).is_empty());
    }

    /// A plan applied to other batches than it was made from must not leave slots
    /// unwritten: the scatter's count check stops it.
    #[test]
    #[should_panic(expected = "every send is scattered once")]
    fn a_plan_applied_to_fewer_sends_is_refused() {
        let b = batches(5, 60);
        let plan = Plan::of(&b);
        let mut fewer = b;
        fewer.pop();
        fewer.push(Vec::new());
        let _ = plan.apply(fewer);
    }

    #[test]
    fn beside_gives_the_same_stream_and_both_results() {
        for threads in [1, 2] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let b = batches(6, 600);
            let expected = stable_sort(&b);
            let (sends, n) = pool.install(|| {
                by_creation_beside(
                    b,
                    |read| read.iter().map(Vec::len).sum::<usize>(),
                    |n| n * 2,
                )
            });
            assert_eq!(sends, expected, "{threads} thread(s)");
            assert_eq!(n, expected.len() * 2);
        }
    }
}
