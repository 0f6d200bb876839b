//! E8 with the reason table (RULES.md, "error class"): only failures that say the
//! address is gone are hard and suppress; a 5xx spam or policy block is soft. Each trace
//! is small and its outcome worked out by hand in the comment above the assertions.
//!
//! Unless a test says otherwise: the `email` preset (threshold 5, 24 h gap, 84 h period,
//! backoff 5m, 10m, 20m, 40m then 4000 s), marketing email, from 2026-01-05.

use crate::support::{Trace, email};

const BLOCKED: &str =
    "554 5.7.1 Service unavailable; Client host [192.0.2.7] blocked using zen.spamhaus.org";
const UNKNOWN: &str = "550 5.7.1 <alice@b.example>: Recipient address rejected: No such user here";

/// E8: a policy block (`5.7.1` with nothing more said) is soft: it is retried and
/// counted, and never suppresses at once as a hard bounce would.
#[test]
fn policy_block_is_retried_and_does_not_suppress_e8() {
    // alice is blocked with 5.7.1 from 09:00 until 09:20. m1 09:00 fails (count 1),
    // retry +5m 09:05 fails (2), +10m 09:15 fails (3), +20m 09:35 delivered. No
    // suppression; the same trace with 5.1.1 would end hard_bounced at 09:00.
    let run = Trace::email()
        .send("m1", "alice", "2026-01-05T09:00:00Z", "d1")
        .fails(
            "alice",
            "5.7.1",
            "2026-01-05T09:00:00Z",
            "2026-01-05T09:20:00Z",
        )
        .run(&email(""));
    assert_eq!(
        run.attempt_times("m1"),
        [
            "2026-01-05T09:00:00Z",
            "2026-01-05T09:05:00Z",
            "2026-01-05T09:15:00Z",
            "2026-01-05T09:35:00Z"
        ]
    );
    assert!(run.suppressions().is_empty());
    assert_eq!(run.final_counts(), [("delivered", 1)]);
}

/// E8: a user-unknown bounce is hard: one attempt, `hard_bounced`, suppressed at once.
#[test]
fn user_unknown_suppresses_at_once_e8() {
    // bob fails 5.1.1 from 09:00 for good. m1 09:00: hard_bounced, bob suppressed at
    // 09:00 with counter 0; m2 10:00 is skipped.
    let run = Trace::email()
        .send("m1", "bob", "2026-01-05T09:00:00Z", "d1")
        .send("m2", "bob", "2026-01-05T10:00:00Z", "d2")
        .fails_from("bob", "5.1.1", "2026-01-05T09:00:00Z")
        .run(&email(""));
    assert_eq!(
        run.suppressions(),
        [(
            "bob".into(),
            "2026-01-05T09:00:00Z".into(),
            "hard_bounce",
            0
        )]
    );
    assert_eq!(
        run.final_counts(),
        [("hard_bounced", 1), ("skipped_suppressed", 1)]
    );
}

/// E8: the same status `5.7.1` reads as a block or as a user unknown by its diagnostic
/// text, through `failures.csv`'s reply_code and diagnostic columns.
#[test]
fn the_diagnostic_decides_an_ambiguous_status_e8() {
    // Threshold 2, one attempt per message (first retry at 48 h, beyond a 24 h period).
    // carol is blocked (soft): m1 09:00 fails and expires (count 1); m2 09:00 next day
    // (24 h later, counts: 2 = threshold) suppressed at that time for soft bounces.
    // dave's text says no such user (hard): d1 09:00 hard_bounced, suppressed at once,
    // d2 skipped.
    let policy = "soft_bounce_threshold = 2\nretry_period = \"24h\"\n\
                  backoff = { kind = \"fixed\", interval = \"48h\" }";
    let run = Trace::email()
        .send("m1", "carol", "2026-01-05T09:00:00Z", "n1")
        .send("m2", "carol", "2026-01-06T09:00:00Z", "n2")
        .send("d1", "dave", "2026-01-05T09:00:00Z", "n1")
        .send("d2", "dave", "2026-01-06T09:00:00Z", "n2")
        .fails_from_with_report("carol", "5.7.1", Some(554), BLOCKED, "2026-01-05T00:00:00Z")
        .fails_from_with_report("dave", "5.7.1", Some(550), UNKNOWN, "2026-01-05T00:00:00Z")
        .run_via_csv(&email(policy));
    assert_eq!(
        run.suppressions(),
        [
            (
                "dave".into(),
                "2026-01-05T09:00:00Z".into(),
                "hard_bounce",
                0
            ),
            (
                "carol".into(),
                "2026-01-06T09:00:00Z".into(),
                "soft_bounce_threshold",
                2
            ),
        ]
    );
    assert_eq!(
        run.final_counts(),
        [
            ("expired", 1),
            ("hard_bounced", 1),
            ("suppressed", 1),
            ("skipped_suppressed", 1)
        ]
    );
}

/// E8: a scenario may still call a whole subject hard with an RFC 3463 wildcard; an
/// exact code entry beats the wildcard.
#[test]
fn a_wildcard_entry_makes_policy_blocks_hard_and_exact_codes_win_e8() {
    // [[errors]] 5.7.* hard, 5.7.26 soft (wait 0s). alice fails 5.7.1: hard_bounced
    // and suppressed at 09:00. bob fails 5.7.26: soft, retried at 09:05 and delivered
    // (his window ends at 09:01).
    let tables = "[[errors]]\ncode = \"5.7.*\"\nclass = \"hard\"\n\
                  [[errors]]\ncode = \"5.7.26\"\nclass = \"soft\"\n";
    let run = Trace::email()
        .send("m1", "alice", "2026-01-05T09:00:00Z", "d1")
        .send("b1", "bob", "2026-01-05T09:00:00Z", "d1")
        .fails_from("alice", "5.7.1", "2026-01-05T09:00:00Z")
        .fails(
            "bob",
            "5.7.26",
            "2026-01-05T09:00:00Z",
            "2026-01-05T09:01:00Z",
        )
        .run(&format!("{}\n{tables}", email("")));
    assert_eq!(
        run.suppressions(),
        [(
            "alice".into(),
            "2026-01-05T09:00:00Z".into(),
            "hard_bounce",
            0
        )]
    );
    assert_eq!(
        run.attempt_times("b1"),
        ["2026-01-05T09:00:00Z", "2026-01-05T09:05:00Z"]
    );
}

/// A wildcard RFC 3463 does not define is rejected, naming the entry and the forms.
#[test]
fn a_malformed_wildcard_is_rejected_naming_the_entry() {
    let text = format!(
        "{}\n[[errors]]\ncode = \"5.*.1\"\nclass = \"hard\"\n",
        email("")
    );
    let err = crate::support::scenario(&text).unwrap_err();
    assert!(err.contains("errors[0].code"), "{err}");
    assert!(err.contains("5.7.*"), "{err}");
}
