//! When a suppressed contact is let go again (E9): a release delay per failure reason or
//! per error class, over the policy's single `suppression_ttl`.
//!
//! Some platforms release their suppression lists on their own, and not after the same
//! time for every cause: Adobe Campaign, for one, lets a "mailbox full" quarantine go
//! later than other soft-error quarantines and keeps hard-error ones. A
//! [`ReleaseDelays`] holds the scenario's `release_after` table: keys are reason names of
//! the reason table (`mailbox_full`) or class names (`soft`, `hard`, `opt_out`), each with
//! a delay or none (kept to the end of the run). The failure that caused the suppression
//! picks the delay: its reason first, then its class, then `suppression_ttl`.

use crate::rules::errors::ErrorClass;
use crate::time::Span;

/// The `release_after` table of one policy: (key, delay) pairs sorted by key, where a
/// `None` delay keeps the contact suppressed to the end of the run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReleaseDelays {
    entries: Vec<(String, Option<Span>)>,
}

impl ReleaseDelays {
    /// The table of `entries`; a key given twice keeps its last delay. Sorting by key
    /// keeps printing and comparing independent of the order the file lists them in.
    pub fn new(entries: impl IntoIterator<Item = (String, Option<Span>)>) -> ReleaseDelays {
        let mut entries: Vec<(String, Option<Span>)> = entries.into_iter().collect();
        entries.reverse();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        entries.dedup_by(|later, earlier| later.0 == earlier.0);
        ReleaseDelays { entries }
    }

    /// True when the policy names no reason or class, so `suppression_ttl` alone decides.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every (key, delay), sorted by key.
    pub fn entries(&self) -> &[(String, Option<Span>)] {
        &self.entries
    }

    /// How long a suppression caused by a failure of `reason` and `class` lasts: the
    /// reason's delay, else the class's, else `default` (the policy's
    /// `suppression_ttl`). `None` means to the end of the run.
    pub fn after(&self, reason: &str, class: ErrorClass, default: Option<Span>) -> Option<Span> {
        self.lookup(reason)
            .or_else(|| self.lookup(class.name()))
            .unwrap_or(default)
    }

    fn lookup(&self, key: &str) -> Option<Option<Span>> {
        self.entries
            .binary_search_by(|(k, _)| k.as_str().cmp(key))
            .ok()
            .map(|i| self.entries[i].1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn adobe_like() -> ReleaseDelays {
        ReleaseDelays::new([
            ("soft".to_string(), Some(Span::hours(240))),
            ("mailbox_full".to_string(), Some(Span::hours(720))),
            ("hard".to_string(), None),
        ])
    }

    #[test]
    fn a_reason_wins_over_its_class_e9() {
        let r = adobe_like();
        let ttl = Some(Span::hours(1));
        assert_eq!(
            r.after("mailbox_full", ErrorClass::Soft, ttl),
            Some(Span::hours(720))
        );
        assert_eq!(
            r.after("network", ErrorClass::Soft, ttl),
            Some(Span::hours(240))
        );
    }

    #[test]
    fn a_class_without_a_delay_keeps_the_contact_e9() {
        let r = adobe_like();
        assert_eq!(
            r.after("user_unknown", ErrorClass::Hard, Some(Span::hours(1))),
            None
        );
    }

    #[test]
    fn unnamed_reasons_and_classes_fall_back_to_the_ttl_e9() {
        let r = adobe_like();
        assert_eq!(
            r.after("opted_out", ErrorClass::OptOut, Some(Span::hours(3))),
            Some(Span::hours(3))
        );
        assert_eq!(
            ReleaseDelays::default().after("mailbox_full", ErrorClass::Soft, None),
            None
        );
    }

    #[test]
    fn entries_are_sorted_and_the_last_of_a_repeated_key_wins() {
        let r = ReleaseDelays::new([
            ("soft".to_string(), Some(Span::hours(1))),
            ("hard".to_string(), None),
            ("soft".to_string(), Some(Span::hours(2))),
        ]);
        assert_eq!(
            r.entries(),
            [
                ("hard".to_string(), None),
                ("soft".to_string(), Some(Span::hours(2)))
            ]
        );
    }
}
