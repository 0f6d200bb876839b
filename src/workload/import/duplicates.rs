//! Finding a repeated message id among a million, without a set of a million strings.
//!
//! Every id's 64-bit hash is taken while the file is read (the id is in cache then).
//! Distinct hashes prove distinct ids, and that is the answer for nearly every file: one
//! radix pass scatters the hashes into buckets by their top bits, and each small bucket
//! is sorted and checked on its own (the two halves of the hash space on two threads). Only when two hashes are equal (a repeated id, or a
//! clash) does [`first`] compare the names themselves.

use std::hash::BuildHasher;

use rayon::prelude::*;
use rustc_hash::FxBuildHasher;

/// The hash [`any_equal`] expects for a name.
pub(super) fn hash(name: &str) -> u64 {
    FxBuildHasher.hash_one(name)
}

/// Whether two of `hashes` are equal.
pub(super) fn any_equal(hashes: &[u64]) -> bool {
    if hashes.len() < 2 {
        return false;
    }
    // Equal hashes share their top bit, so each half of the hash space is checked on
    // its own, on another thread when the pool has one: the answer is the same.
    [0, 1]
        .into_par_iter()
        .any(|top| any_equal_in_half(hashes, top))
}

/// Whether two of the `hashes` whose top bit is `top` are equal.
fn any_equal_in_half(hashes: &[u64], top: u64) -> bool {
    // About sixteen hashes a bucket, so sorting a bucket stays in registers and cache;
    // buckets by the bits below the top one.
    let bits = (hashes.len() / 32).max(2).ilog2();
    let shift = 63 - bits;
    let mask = (1u64 << bits) - 1;
    let bucket = |h: u64| ((h >> shift) & mask) as usize;
    let mut starts = vec![0usize; (1 << bits) + 1];
    for &h in hashes.iter().filter(|&&h| h >> 63 == top) {
        starts[bucket(h) + 1] += 1;
    }
    for i in 1..starts.len() {
        starts[i] += starts[i - 1];
    }
    let mut next = starts.clone();
    let mut scattered = vec![0u64; starts[1 << bits]];
    for &h in hashes.iter().filter(|&&h| h >> 63 == top) {
        let at = &mut next[bucket(h)];
        scattered[*at] = h;
        *at += 1;
    }
    starts.windows(2).any(|w| {
        let bucket = &mut scattered[w[0]..w[1]];
        bucket.sort_unstable();
        bucket.windows(2).any(|p| p[0] == p[1])
    })
}

/// The positions of the first repeated name (earlier, later): the pair whose later
/// position is smallest. Sorts 64-bit hashes, then compares the names of equal hashes.
pub(super) fn first<'s>(names: impl Iterator<Item = &'s str>) -> Option<(usize, usize)> {
    let names: Vec<&str> = names.collect();
    let mut hashed: Vec<(u64, usize)> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (hash(n), i))
        .collect();
    hashed.sort_unstable();
    let mut best: Option<(usize, usize)> = None;
    for run in hashed.chunk_by(|a, b| a.0 == b.0).filter(|r| r.len() > 1) {
        for (k, &(_, later)) in run.iter().enumerate() {
            if let Some(&(_, earlier)) = run[..k].iter().find(|(_, e)| names[*e] == names[later]) {
                let pair = (earlier.min(later), earlier.max(later));
                if best.is_none_or(|b| pair.1 < b.1) {
                    best = Some(pair);
                }
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Equal hashes are found whatever the buckets they fall in.
        #[test]
        fn any_equal_agrees_with_a_sort(mut hashes in prop::collection::vec(any::<u64>(), 0..400), dup in any::<prop::sample::Index>(), copy in any::<bool>()) {
            if copy && hashes.len() > 1 {
                let i = dup.index(hashes.len() - 1);
                hashes[i + 1] = hashes[0];
            }
            let mut sorted = hashes.clone();
            sorted.sort_unstable();
            let expected = sorted.windows(2).any(|p| p[0] == p[1]);
            prop_assert_eq!(any_equal(&hashes), expected);
        }

        /// Ids drawn from a small alphabet repeat often: the fast answer and the exact
        /// search agree on whether there is a repeat.
        #[test]
        fn hashes_of_names_agree_with_the_exact_search(names in prop::collection::vec("[a-d]{1,3}", 0..60)) {
            let hashes: Vec<u64> = names.iter().map(|n| hash(n)).collect();
            let exact = first(names.iter().map(String::as_str));
            prop_assert_eq!(any_equal(&hashes), exact.is_some());
            if let Some((a, b)) = exact {
                prop_assert!(a < b);
                prop_assert_eq!(&names[a], &names[b]);
                prop_assert!(names[..b].iter().collect::<std::collections::HashSet<_>>().len() == b);
            }
        }
    }
}
