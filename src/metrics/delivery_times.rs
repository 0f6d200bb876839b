//! A run's times to deliver, kept as a count of zeros and the sorted other times.
//!
//! Most messages are delivered by their first attempt, at their creation instant, so
//! their time to deliver is zero: at ten million messages, a list holding every value
//! would be some 40 MB, nine tenths of it zeros. Counting the zeros keeps only the
//! times that retries shaped, and reading a quantile is still one index into the
//! ascending list the whole would have been.

/// Times to deliver of a run (or of pooled runs), in seconds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeliveryTimes {
    /// Messages delivered at their creation instant (time to deliver zero).
    pub zeros: u64,
    /// The other times, ascending once [`DeliveryTimes::finish`] has run.
    pub later: Vec<u32>,
}

impl DeliveryTimes {
    /// Records one delivered message's time to deliver.
    #[inline]
    pub fn push(&mut self, seconds: u32) {
        if seconds == 0 {
            self.zeros += 1;
        } else {
            self.later.push(seconds);
        }
    }

    /// Sorts the non-zero times; call once every time is in.
    pub fn finish(&mut self) {
        self.later.sort_unstable();
    }

    /// Pools sorted runs into one sorted whole.
    pub fn pool<'a>(runs: impl IntoIterator<Item = &'a DeliveryTimes>) -> DeliveryTimes {
        let runs: Vec<&DeliveryTimes> = runs.into_iter().collect();
        let mut later = Vec::with_capacity(runs.iter().map(|r| r.later.len()).sum());
        for r in &runs {
            later.extend_from_slice(&r.later);
        }
        // One run's list is sorted already; several need one sort of the whole.
        if runs.len() > 1 {
            later.sort_unstable();
        }
        DeliveryTimes {
            zeros: runs.iter().map(|r| r.zeros).sum(),
            later,
        }
    }

    /// Number of delivered messages.
    pub fn len(&self) -> u64 {
        self.zeros + self.later.len() as u64
    }

    /// True when nothing was delivered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The value at 1-based `rank` of the ascending whole, if there is one.
    pub fn at_rank(&self, rank: u64) -> Option<u32> {
        Self::rank_in(self.zeros, &self.later, rank)
    }

    /// The value at 1-based `rank` of `zeros` zeros followed by the ascending `later`.
    pub fn rank_in(zeros: u64, later: &[u32], rank: u64) -> Option<u32> {
        match rank {
            0 => None,
            r if r <= zeros => Some(0),
            r => later.get((r - zeros - 1) as usize).copied(),
        }
    }

    /// The nearest-rank `q`-quantile, if anything was delivered.
    pub fn quantile(&self, q: f64) -> Option<u32> {
        let n = self.len();
        if n == 0 {
            return None;
        }
        let rank = ((q * n as f64).ceil() as u64).clamp(1, n);
        self.at_rank(rank)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn of(values: &[u32]) -> DeliveryTimes {
        let mut t = DeliveryTimes::default();
        for &v in values {
            t.push(v);
        }
        t.finish();
        t
    }

    #[test]
    fn zeros_are_counted_and_the_rest_sorted() {
        let t = of(&[5, 0, 3, 0, 0, 9, 3]);
        assert_eq!(t.zeros, 3);
        assert_eq!(t.later, [3, 3, 5, 9]);
        let whole: Vec<Option<u32>> = (0..=8).map(|r| t.at_rank(r)).collect();
        let expected = [
            None,
            Some(0),
            Some(0),
            Some(0),
            Some(3),
            Some(3),
            Some(5),
            Some(9),
        ];
        assert_eq!(whole[..8], expected);
        assert_eq!(whole[8], None);
    }

    proptest! {
        /// Every rank and quantile reads what the sorted full list holds, for one run
        /// and for pooled runs.
        #[test]
        fn reads_as_the_sorted_full_list(
            runs in prop::collection::vec(prop::collection::vec(
                prop_oneof![Just(0u32), 0u32..50, any::<u32>()], 0..100), 1..4),
            q in 0.0f64..=1.0,
        ) {
            let mut full: Vec<u32> = runs.concat();
            full.sort_unstable();
            let parts: Vec<DeliveryTimes> = runs.iter().map(|r| of(r)).collect();
            let pooled = DeliveryTimes::pool(&parts);
            prop_assert_eq!(pooled.len(), full.len() as u64);
            for rank in 1..=full.len() {
                prop_assert_eq!(pooled.at_rank(rank as u64), Some(full[rank - 1]));
            }
            let n = full.len();
            let expected = (n > 0).then(|| full[((q * n as f64).ceil() as usize).clamp(1, n) - 1]);
            prop_assert_eq!(pooled.quantile(q), expected);
        }
    }
}
