//! Sorting a run's times to deliver. Most are zero (delivered by the first attempt, at
//! creation), so only the others need a comparison sort; the zeros are counted and put
//! in front. A sorted list of integers is unique, so the result is exactly what sorting
//! the whole list gives, and every quantile read from it is unchanged.

/// Sorts `ttd` ascending.
pub(super) fn sort(ttd: &mut [u32]) {
    // Compact the non-zero values to the front, in any order, and count the zeros.
    let mut kept = 0;
    for i in 0..ttd.len() {
        let t = ttd[i];
        if t != 0 {
            ttd[kept] = t;
            kept += 1;
        }
    }
    let zeros = ttd.len() - kept;
    ttd[..kept].sort_unstable();
    ttd.copy_within(..kept, zeros);
    ttd[..zeros].fill(0);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn zeros_go_first_and_the_rest_in_order() {
        let mut t = [5, 0, 3, 0, 0, 9, 3];
        sort(&mut t);
        assert_eq!(t, [0, 0, 0, 3, 3, 5, 9]);
    }

    proptest! {
        #[test]
        fn same_as_a_full_sort(mut v in proptest::collection::vec(
            prop_oneof![Just(0u32), 0u32..50, any::<u32>()], 0..300)) {
            let mut expected = v.clone();
            expected.sort_unstable();
            sort(&mut v);
            prop_assert_eq!(v, expected);
        }
    }
}
