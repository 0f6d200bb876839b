//! The email rules E1–E9 of RULES.md, each checked on a small hand-made trace whose
//! outcome is worked out by hand in the comment above the assertions.
//!
//! Unless a test says otherwise: the `email` preset (threshold 5, 24 h cross-delivery
//! gap, 84 h period, backoff 5m, 10m, 20m, 40m then 4000 s), a run from Monday
//! 2026-01-05T00:00:00Z for ten days, marketing email.

use crate::support::{Trace, email, scenario};

/// A policy in which every message gets exactly one attempt: the first retry would
/// come 48 h after the failure, beyond a 24 h retry period, so the message expires at
/// its first failure. Tests of the counter use it to control which bounces happen.
const ONE_ATTEMPT: &str =
    "retry_period = \"24h\"\nbackoff = { kind = \"fixed\", interval = \"48h\" }\n";

// ---------------------------------------------------------------- E1: the counter

/// E1: every soft bounce of a message adds one to its contact's counter, from 0.
#[test]
fn each_soft_bounce_adds_one_to_the_counter_e1() {
    // Threshold 4. alice always fails with 4.4.1.
    // m1: 09:00 (count 1), +5m 09:05 (2), +10m 09:15 (3), +20m 09:35 (4 = threshold:
    // suppressed at 09:35 with the counter at 4).
    let run = Trace::email()
        .send("m1", "alice", "2026-01-05T09:00:00Z", "d1")
        .fails_from("alice", "4.4.1", "2026-01-05T00:00:00Z")
        .run(&email("soft_bounce_threshold = 4"));
    assert_eq!(
        run.attempt_times("m1"),
        [
            "2026-01-05T09:00:00Z",
            "2026-01-05T09:05:00Z",
            "2026-01-05T09:15:00Z",
            "2026-01-05T09:35:00Z"
        ]
    );
    assert_eq!(
        run.suppressions(),
        [(
            "alice".into(),
            "2026-01-05T09:35:00Z".into(),
            "soft_bounce_threshold",
            4
        )]
    );
}

/// E1: each contact has its own counter; bounces of one contact do not move another's.
#[test]
fn counters_are_kept_per_contact_e1() {
    // Threshold 2, one attempt per message, gap 0s so that every bounce counts (E4 has
    // its own tests). alice bounces at 09:00 and 10:00 (2, suppressed at 10:00). bob
    // bounces once at 09:30: his counter is 1, below the threshold, whatever alice's is.
    let run = Trace::email()
        .send("a1", "alice", "2026-01-05T09:00:00Z", "d1")
        .send("b1", "bob", "2026-01-05T09:30:00Z", "d1")
        .send("a2", "alice", "2026-01-05T10:00:00Z", "d1")
        .fails_from("alice", "4.2.2", "2026-01-05T00:00:00Z")
        .fails_from("bob", "4.2.2", "2026-01-05T00:00:00Z")
        .run(&email(&format!(
            "soft_bounce_threshold = 2\ncross_delivery_gap = \"0s\"\n{ONE_ATTEMPT}"
        )));
    assert_eq!(
        run.suppressions(),
        [(
            "alice".into(),
            "2026-01-05T10:00:00Z".into(),
            "soft_bounce_threshold",
            2
        )]
    );
    // a1 and b1 expire at their only failure; a2 is cancelled by the suppression.
    assert_eq!(run.final_counts(), [("expired", 2), ("suppressed", 1)]);
}

// ---------------------------------------------------------------- E2: the threshold

/// E2: a threshold of 0 is rejected with a message that names the key and the range.
#[test]
fn threshold_zero_is_rejected_naming_the_key_and_range_e2() {
    let err = scenario(&email("soft_bounce_threshold = 0")).unwrap_err();
    assert!(err.contains("policy.soft_bounce_threshold"), "{err}");
    assert!(err.contains("1..=20"), "{err}");
}

/// E2: a threshold of 21 is rejected with a message that names the key and the range.
#[test]
fn threshold_twenty_one_is_rejected_naming_the_key_and_range_e2() {
    let err = scenario(&email("soft_bounce_threshold = 21")).unwrap_err();
    assert!(err.contains("policy.soft_bounce_threshold"), "{err}");
    assert!(err.contains("1..=20"), "{err}");
}

/// E2: 11 is accepted, with a deliverability warning that names the setting.
#[test]
fn threshold_eleven_is_accepted_with_a_warning_e2() {
    let s = scenario(&email("soft_bounce_threshold = 11")).unwrap();
    assert_eq!(s.policies.email.soft_bounce_threshold, Some(11));
    assert!(
        s.warnings
            .iter()
            .any(|w| w.key.ends_with("soft_bounce_threshold") && w.value == "11"),
        "{:?}",
        s.warnings
    );
}

/// E2: the bounds themselves and the default 5 are accepted; 10 and below give no warning.
#[test]
fn thresholds_one_to_ten_pass_silently_and_twenty_is_accepted_e2() {
    for n in [1, 5, 10] {
        let s = scenario(&email(&format!("soft_bounce_threshold = {n}"))).unwrap();
        assert_eq!(s.policies.email.soft_bounce_threshold, Some(n));
        assert!(s.warnings.is_empty(), "{n}: {:?}", s.warnings);
    }
    let twenty = scenario(&email("soft_bounce_threshold = 20")).unwrap();
    assert_eq!(twenty.policies.email.soft_bounce_threshold, Some(20));
    let default = scenario(&email("")).unwrap();
    assert_eq!(default.policies.email.soft_bounce_threshold, Some(5));
}

// ---------------------------------------------------------------- E3: suppression

/// E3: the fifth counted soft bounce suppresses at that moment; the contact's other
/// message with a pending retry ends `suppressed`, and a later one `skipped_suppressed`.
/// E4: the second message's first bounce does not count, but its own retries do.
#[test]
fn fifth_soft_bounce_suppresses_contact_e3() {
    // alice always fails with 4.4.1; m1 retries at +5m, +10m, +20m, m2 likewise.
    //   09:00 m1 #1 counts (counter was 0)                              → 1
    //   09:01 m2 #1 another message, 1 min after the last counted error → not counted
    //   09:05 m1 #2 m1 bounced before                                   → 2
    //   09:06 m2 #2 m2 bounced before                                   → 3
    //   09:15 m1 #3                                                     → 4
    //   09:16 m2 #3                                                     → 5: suppressed
    // m1's retry due 09:35 is cancelled: m1 and m2 end suppressed.
    // m3 (d3) 11:00 → never attempted: skipped_suppressed.
    let run = Trace::email()
        .send("m1", "alice", "2026-01-05T09:00:00Z", "d1")
        .send("m2", "alice", "2026-01-05T09:01:00Z", "d2")
        .send("m3", "alice", "2026-01-05T11:00:00Z", "d3")
        .fails_from("alice", "4.4.1", "2026-01-05T00:00:00Z")
        .run(&email(""));
    assert_eq!(
        run.attempt_times("m1"),
        [
            "2026-01-05T09:00:00Z",
            "2026-01-05T09:05:00Z",
            "2026-01-05T09:15:00Z"
        ]
    );
    assert_eq!(
        run.attempt_times("m2"),
        [
            "2026-01-05T09:01:00Z",
            "2026-01-05T09:06:00Z",
            "2026-01-05T09:16:00Z"
        ]
    );
    assert_eq!(
        run.counted("m2"),
        [(false, 1), (true, 3), (true, 5)],
        "E4 audit: counted and counter after each attempt"
    );
    assert!(run.attempt_times("m3").is_empty());
    assert_eq!(
        run.suppressions(),
        [(
            "alice".into(),
            "2026-01-05T09:16:00Z".into(),
            "soft_bounce_threshold",
            5
        )]
    );
    assert_eq!(
        run.final_counts(),
        [("suppressed", 2), ("skipped_suppressed", 1)]
    );
}

/// E3: four soft bounces stay below the default threshold of 5; no suppression.
#[test]
fn fourth_soft_bounce_does_not_suppress_at_threshold_five_e3() {
    // alice fails until 10:15 (exclusive). m1: 09:00, 09:05, 09:15, 09:35 fail (count
    // 4); the fifth attempt at 10:15 is delivered.
    let run = Trace::email()
        .send("m1", "alice", "2026-01-05T09:00:00Z", "d1")
        .fails(
            "alice",
            "4.4.1",
            "2026-01-05T00:00:00Z",
            "2026-01-05T10:15:00Z",
        )
        .run(&email(""));
    assert_eq!(run.attempt_times("m1").len(), 5);
    assert!(run.suppressions().is_empty());
    assert_eq!(run.final_counts(), [("delivered", 1)]);
}

/// E3: suppression cancels only the suppressed contact's messages.
#[test]
fn suppression_leaves_other_contacts_messages_alone_e3() {
    // Threshold 1: alice's first soft bounce at 09:00 suppresses her (a1 suppressed) and
    // her message at 12:00 is skipped. bob has no failures: b1 at 09:00 and b2 at 12:00
    // are both attempted and delivered.
    let run = Trace::email()
        .send("a1", "alice", "2026-01-05T09:00:00Z", "d1")
        .send("b1", "bob", "2026-01-05T09:00:00Z", "d1")
        .send("a2", "alice", "2026-01-05T12:00:00Z", "d2")
        .send("b2", "bob", "2026-01-05T12:00:00Z", "d2")
        .fails_from("alice", "4.2.2", "2026-01-05T00:00:00Z")
        .run(&email("soft_bounce_threshold = 1"));
    assert_eq!(
        run.suppressions(),
        [(
            "alice".into(),
            "2026-01-05T09:00:00Z".into(),
            "soft_bounce_threshold",
            1
        )]
    );
    assert_eq!(run.attempt_times("b2"), ["2026-01-05T12:00:00Z"]);
    assert_eq!(
        run.final_counts(),
        [
            ("delivered", 2),
            ("suppressed", 1),
            ("skipped_suppressed", 1)
        ]
    );
}

// ---------------------------------------------------------------- E4: different deliveries

/// E4: a soft bounce of another delivery less than 24 h after the last counted error is
/// not counted, and does not move the remembered time; one exactly 24 h later counts.
#[test]
fn other_delivery_within_a_day_is_not_counted_but_at_a_day_it_is_e4() {
    // Threshold 2, one attempt per message, alice always fails.
    // m1 d1 01-05 09:00:00 → counted (counter was 0): 1, remembered (09:00, d1).
    // m2 d2 01-06 08:59:59 → other delivery, 23:59:59 after 09:00: not counted.
    // m3 d3 01-06 09:00:00 → other delivery, exactly 24 h after the remembered 09:00
    //   (m2 did not move it): counted, 2 = threshold: suppressed at 01-06 09:00.
    let run = Trace::email()
        .send("m1", "alice", "2026-01-05T09:00:00Z", "d1")
        .send("m2", "alice", "2026-01-06T08:59:59Z", "d2")
        .send("m3", "alice", "2026-01-06T09:00:00Z", "d3")
        .fails_from("alice", "4.2.2", "2026-01-05T00:00:00Z")
        .run(&email(&format!("soft_bounce_threshold = 2\n{ONE_ATTEMPT}")));
    assert_eq!(
        run.suppressions(),
        [(
            "alice".into(),
            "2026-01-06T09:00:00Z".into(),
            "soft_bounce_threshold",
            2
        )]
    );
    // m1 and m2 expired at their only failure; m3 is the suppressing message.
    assert_eq!(run.final_counts(), [("expired", 2), ("suppressed", 1)]);
}

/// E4: the retries of one message always count, however close together.
#[test]
fn a_messages_own_retries_count_within_the_gap_e4() {
    // Threshold 3, alice always fails. m1 09:00 (1), 09:05 (2), 09:15 (3): suppressed
    // at 09:15, 15 minutes after the first counted error.
    let run = Trace::email()
        .send("m1", "alice", "2026-01-05T09:00:00Z", "d1")
        .fails_from("alice", "4.2.2", "2026-01-05T00:00:00Z")
        .run(&email("soft_bounce_threshold = 3"));
    assert_eq!(
        run.suppressions(),
        [(
            "alice".into(),
            "2026-01-05T09:15:00Z".into(),
            "soft_bounce_threshold",
            3
        )]
    );
}

/// E4 (revised reading): a delivery sends one message to a contact, so two messages
/// that share a `delivery_id` are still two deliveries for the counter.
#[test]
fn another_message_with_the_same_delivery_id_is_not_a_retry_e4() {
    // Threshold 2, one attempt per message. m1 d1 09:00 → 1; m2 d1 10:00 is another
    // message, 1 h after the last counted error: not counted. No suppression.
    let run = Trace::email()
        .send("m1", "alice", "2026-01-05T09:00:00Z", "d1")
        .send("m2", "alice", "2026-01-05T10:00:00Z", "d1")
        .fails_from("alice", "4.2.2", "2026-01-05T00:00:00Z")
        .run(&email(&format!("soft_bounce_threshold = 2\n{ONE_ATTEMPT}")));
    assert!(run.suppressions().is_empty());
    assert_eq!(run.counted("m2"), [(false, 1)]);
}

/// E4 (revised reading), the issue's example: a receipt that failed once must not stop
/// a later newsletter's own hourly retries from counting. Without the receipt the
/// newsletter suppresses the contact at 05:00; with it, no later.
#[test]
fn an_earlier_failed_message_does_not_stop_a_later_ones_retries_counting_e4() {
    // Newsletter n (marketing) created 01:00, retried every hour; alice always fails.
    // Alone: 01:00 (1), 02:00 (2), 03:00 (3), 04:00 (4), 05:00 (5) → suppressed 05:00.
    // With receipt r (transactional, 00:00, one attempt in its 10 min period): r counts
    // at 00:00 (1); n's first bounce at 01:00 is another message within 24 h: not
    // counted; then 02:00 (2), 03:00 (3), 04:00 (4), 05:00 (5) → suppressed 05:00.
    let policy = "backoff = { kind = \"fixed\", interval = \"1h\" }\n\
                  retry_period_transactional = \"10m\"\n";
    let newsletter = || {
        Trace::email()
            .send("n", "alice", "2026-01-05T01:00:00Z", "news")
            .fails_from("alice", "4.2.2", "2026-01-05T00:00:00Z")
    };
    let alone = newsletter().run(&email(policy));
    let with_receipt = newsletter()
        .transactional()
        .send("r", "alice", "2026-01-05T00:00:00Z", "receipt")
        .run(&email(policy));
    for run in [&alone, &with_receipt] {
        assert_eq!(
            run.suppressions(),
            [(
                "alice".into(),
                "2026-01-05T05:00:00Z".into(),
                "soft_bounce_threshold",
                5
            )]
        );
    }
    assert_eq!(
        with_receipt.counted("n"),
        [(false, 1), (true, 2), (true, 3), (true, 4), (true, 5)]
    );
}

/// E4: with `cross_delivery_gap = "0s"` every soft bounce counts.
#[test]
fn zero_cross_delivery_gap_counts_every_soft_bounce_e4() {
    // Threshold 2, one attempt per message, gap 0s. m1 d1 09:00 → 1; m2 d2 09:30 →
    // counts (30 min ≥ 0s): 2, suppressed at 09:30. With the default gap m2 would not
    // count (see the test above), so the suppression time shows the setting applied.
    let run = Trace::email()
        .send("m1", "alice", "2026-01-05T09:00:00Z", "d1")
        .send("m2", "alice", "2026-01-05T09:30:00Z", "d2")
        .fails_from("alice", "4.2.2", "2026-01-05T00:00:00Z")
        .run(&email(&format!(
            "soft_bounce_threshold = 2\ncross_delivery_gap = \"0s\"\n{ONE_ATTEMPT}"
        )));
    assert_eq!(
        run.suppressions(),
        [(
            "alice".into(),
            "2026-01-05T09:30:00Z".into(),
            "soft_bounce_threshold",
            2
        )]
    );
    let default_gap = Trace::email()
        .send("m1", "alice", "2026-01-05T09:00:00Z", "d1")
        .send("m2", "alice", "2026-01-05T09:30:00Z", "d2")
        .fails_from("alice", "4.2.2", "2026-01-05T00:00:00Z")
        .run(&email(&format!("soft_bounce_threshold = 2\n{ONE_ATTEMPT}")));
    assert!(default_gap.suppressions().is_empty());
}

// ---------------------------------------------------------------- E5: reset

/// E5: a delivered attempt resets the counter to 0.
#[test]
fn delivery_resets_the_counter_e5() {
    // Threshold 2, one attempt per message, gap 0s so every bounce counts.
    // m1 09:00 fails → 1. m2 10:00 delivered → 0. m3 11:00 fails → 1 (without the reset
    // it would be 2 and suppress at 11:00). m4 12:00 fails → 2: suppressed at 12:00.
    let run = Trace::email()
        .send("m1", "alice", "2026-01-05T09:00:00Z", "d1")
        .send("m2", "alice", "2026-01-05T10:00:00Z", "d1")
        .send("m3", "alice", "2026-01-05T11:00:00Z", "d1")
        .send("m4", "alice", "2026-01-05T12:00:00Z", "d1")
        .fails(
            "alice",
            "4.2.2",
            "2026-01-05T09:00:00Z",
            "2026-01-05T09:00:01Z",
        )
        .fails_from("alice", "4.2.2", "2026-01-05T11:00:00Z")
        .run(&email(&format!(
            "soft_bounce_threshold = 2\ncross_delivery_gap = \"0s\"\n{ONE_ATTEMPT}"
        )));
    assert_eq!(
        run.suppressions(),
        [(
            "alice".into(),
            "2026-01-05T12:00:00Z".into(),
            "soft_bounce_threshold",
            2
        )]
    );
    assert_eq!(
        run.final_counts(),
        [("delivered", 1), ("expired", 2), ("suppressed", 1)]
    );
}

/// E5: the reset also forgets the last counted error, so the next bounce counts even
/// from another message within the gap.
#[test]
fn delivery_forgets_the_last_counted_error_e5() {
    // Threshold 2, one attempt per message.
    // m1 09:00 fails → 1, remembered 09:00. m2 10:00 delivered → 0, forgotten. m3 11:00
    // fails → counted because the counter is 0: 1. Had 09:00 still been remembered, m3
    // (another message, 2 h later) would not have counted.
    let run = Trace::email()
        .send("m1", "alice", "2026-01-05T09:00:00Z", "d1")
        .send("m2", "alice", "2026-01-05T10:00:00Z", "d1")
        .send("m3", "alice", "2026-01-05T11:00:00Z", "d2")
        .fails(
            "alice",
            "4.2.2",
            "2026-01-05T09:00:00Z",
            "2026-01-05T09:00:01Z",
        )
        .fails_from("alice", "4.2.2", "2026-01-05T11:00:00Z")
        .run(&email(&format!("soft_bounce_threshold = 2\n{ONE_ATTEMPT}")));
    assert_eq!(run.counted("m1"), [(true, 1)]);
    assert_eq!(run.counted("m2"), [(false, 0)]);
    assert_eq!(run.counted("m3"), [(true, 1)]);
}

/// E5 with `counter_reset = "after_retry"`: a delivery on the first attempt leaves the
/// counter alone, so the same trace suppresses where the default reading does not.
#[test]
fn after_retry_reset_ignores_first_attempt_deliveries_e5() {
    // Threshold 2, gap 0s, one attempt per message; alice fails at 09:00 and from 11:00.
    // m1 09:00 fails → 1. m2 10:00 delivered on attempt 1: any_delivery resets to 0,
    // after_retry keeps 1. m3 11:00 fails → 1 (any_delivery) or 2 (after_retry:
    // suppressed at 11:00).
    let trace = Trace::email()
        .send("m1", "alice", "2026-01-05T09:00:00Z", "d1")
        .send("m2", "alice", "2026-01-05T10:00:00Z", "d2")
        .send("m3", "alice", "2026-01-05T11:00:00Z", "d3")
        .fails(
            "alice",
            "4.2.2",
            "2026-01-05T09:00:00Z",
            "2026-01-05T09:00:01Z",
        )
        .fails_from("alice", "4.2.2", "2026-01-05T11:00:00Z");
    let policy = format!("soft_bounce_threshold = 2\ncross_delivery_gap = \"0s\"\n{ONE_ATTEMPT}");
    let any = trace.run(&email(&policy));
    assert_eq!(any.counted("m2"), [(false, 0)]);
    assert!(any.suppressions().is_empty());
    let after_retry = trace.run(&email(&format!(
        "{policy}counter_reset = \"after_retry\"\n"
    )));
    assert_eq!(after_retry.counted("m2"), [(false, 1)]);
    assert_eq!(
        after_retry.suppressions(),
        [(
            "alice".into(),
            "2026-01-05T11:00:00Z".into(),
            "soft_bounce_threshold",
            2
        )]
    );
}

/// E5 with `counter_reset = "after_retry"`: a delivery on a retry still resets.
#[test]
fn after_retry_reset_still_resets_on_a_delivered_retry_e5() {
    // Threshold 3; alice fails in [09:00, 09:10) and from 10:00. m1 09:00 (1), 09:05
    // (2), 09:15 delivered on attempt 3 → 0. m2 10:00 (1, counter was 0), 10:05 (2),
    // 10:15 (3): suppressed at 10:15.
    let run = Trace::email()
        .send("m1", "alice", "2026-01-05T09:00:00Z", "d1")
        .send("m2", "alice", "2026-01-05T10:00:00Z", "d2")
        .fails(
            "alice",
            "4.2.2",
            "2026-01-05T09:00:00Z",
            "2026-01-05T09:10:00Z",
        )
        .fails_from("alice", "4.2.2", "2026-01-05T10:00:00Z")
        .run(&email(
            "soft_bounce_threshold = 3\ncounter_reset = \"after_retry\"",
        ));
    assert_eq!(run.counted("m1"), [(true, 1), (true, 2), (false, 0)]);
    assert_eq!(
        run.suppressions(),
        [(
            "alice".into(),
            "2026-01-05T10:15:00Z".into(),
            "soft_bounce_threshold",
            3
        )]
    );
}

/// E5: a message's own retry that is delivered resets the counter for later messages.
#[test]
fn delivered_retry_resets_the_counter_e5() {
    // Threshold 3. alice fails in [09:00, 09:10). m1 d1 09:00 fails (1), 09:05 fails
    // (2), 09:15 delivered (0). m2 d1 created 10:00 fails in [10:00, ∞): 10:00 (1),
    // 10:05 (2), 10:15 (3): suppressed at 10:15. Without the reset the counter would
    // reach 3 at 10:00.
    let run = Trace::email()
        .send("m1", "alice", "2026-01-05T09:00:00Z", "d1")
        .send("m2", "alice", "2026-01-05T10:00:00Z", "d1")
        .fails(
            "alice",
            "4.2.2",
            "2026-01-05T09:00:00Z",
            "2026-01-05T09:10:00Z",
        )
        .fails_from("alice", "4.2.2", "2026-01-05T10:00:00Z")
        .run(&email("soft_bounce_threshold = 3"));
    assert_eq!(
        run.attempt_times("m1"),
        [
            "2026-01-05T09:00:00Z",
            "2026-01-05T09:05:00Z",
            "2026-01-05T09:15:00Z"
        ]
    );
    assert_eq!(
        run.suppressions(),
        [(
            "alice".into(),
            "2026-01-05T10:15:00Z".into(),
            "soft_bounce_threshold",
            3
        )]
    );
}

// ---------------------------------------------------------------- E6: retry period

/// E6: no attempt at or after created + period; the message ends `expired`.
#[test]
fn retry_period_stops_retries_and_expires_the_message_e6() {
    // Period 6h, threshold 20 (so the counter does not interfere), alice always fails.
    // m1 created 09:00, period ends 15:00. Delays 5m, 10m, 20m, 40m, then 4000 s
    // (1h06m40s): 09:00, 09:05, 09:15, 09:35, 10:15, 11:21:40, 12:28:20, 13:35:00,
    // 14:41:40; the next would be 15:48:20 ≥ 15:00, so m1 expires at 14:41:40.
    let run = Trace::email()
        .send("m1", "alice", "2026-01-05T09:00:00Z", "d1")
        .fails_from("alice", "4.4.1", "2026-01-05T00:00:00Z")
        .run(&email("soft_bounce_threshold = 20\nretry_period = \"6h\""));
    assert_eq!(
        run.attempt_times("m1"),
        [
            "2026-01-05T09:00:00Z",
            "2026-01-05T09:05:00Z",
            "2026-01-05T09:15:00Z",
            "2026-01-05T09:35:00Z",
            "2026-01-05T10:15:00Z",
            "2026-01-05T11:21:40Z",
            "2026-01-05T12:28:20Z",
            "2026-01-05T13:35:00Z",
            "2026-01-05T14:41:40Z"
        ]
    );
    assert_eq!(run.final_counts(), [("expired", 1)]);
}

/// E6: a retry that would fall exactly at created + period is not made.
#[test]
fn retry_due_exactly_at_the_period_end_is_not_made_e6() {
    // Period 6h, fixed 2h backoff. m1 created 09:00: 09:00, 11:00, 13:00; the next,
    // 15:00, equals the end of the period, so it is not made: expired.
    let run = Trace::email()
        .send("m1", "alice", "2026-01-05T09:00:00Z", "d1")
        .fails_from("alice", "4.4.1", "2026-01-05T00:00:00Z")
        .run(&email(
            "soft_bounce_threshold = 20\nretry_period = \"6h\"\nbackoff = { kind = \"fixed\", interval = \"2h\" }",
        ));
    assert_eq!(
        run.attempt_times("m1"),
        [
            "2026-01-05T09:00:00Z",
            "2026-01-05T11:00:00Z",
            "2026-01-05T13:00:00Z"
        ]
    );
    assert_eq!(run.final_counts(), [("expired", 1)]);
}

/// E6: a transactional message may have a period as short as 10 minutes.
#[test]
fn transactional_ten_minute_period_allows_two_attempts_e6() {
    // Transactional period 10m, default backoff: 09:00, 09:05; the next at 09:15 is
    // past 09:10: expired.
    let run = Trace::email()
        .transactional()
        .send("t1", "alice", "2026-01-05T09:00:00Z", "receipts")
        .fails_from("alice", "4.4.1", "2026-01-05T00:00:00Z")
        .run(&email("retry_period_transactional = \"10m\""));
    assert_eq!(
        run.attempt_times("t1"),
        ["2026-01-05T09:00:00Z", "2026-01-05T09:05:00Z"]
    );
    assert_eq!(run.final_counts(), [("expired", 1)]);
}

/// E6: a marketing period under 6 h is rejected, naming `marketing` and `6h`.
#[test]
fn marketing_period_of_five_hours_is_rejected_e6() {
    let err = scenario(&email("retry_period = \"5h\"")).unwrap_err();
    assert!(err.contains("marketing"), "{err}");
    assert!(err.contains("6h"), "{err}");
}

/// E6: a transactional period under 10 min is rejected, naming `transactional` and `10m`.
#[test]
fn transactional_period_of_five_minutes_is_rejected_e6() {
    let err = scenario(&email("retry_period_transactional = \"5m\"")).unwrap_err();
    assert!(err.contains("transactional"), "{err}");
    assert!(err.contains("10m"), "{err}");
}

/// E6: a period over 84 h is rejected, naming the bound.
#[test]
fn period_of_eighty_five_hours_is_rejected_e6() {
    let err = scenario(&email("retry_period = \"85h\"")).unwrap_err();
    assert!(err.contains("84h"), "{err}");
    assert!(err.contains("marketing"), "{err}");
    assert!(err.contains("retry_period"), "{err}");
}

/// E6: the bounds themselves are accepted, and the default is 84 h.
#[test]
fn period_bounds_are_accepted_and_the_default_is_84h_e6() {
    assert!(scenario(&email("retry_period = \"6h\"")).is_ok());
    assert!(scenario(&email("retry_period = \"84h\"")).is_ok());
    assert!(scenario(&email("retry_period_transactional = \"10m\"")).is_ok());
    let s = scenario(&email("")).unwrap();
    let hours = |p: Option<retrysim::time::Span>| p.map(|s| s.0 / 3600);
    assert_eq!(hours(s.policies.email.retry_period.marketing), Some(84));
    assert_eq!(hours(s.policies.email.retry_period.transactional), Some(84));
}

// ---------------------------------------------------------------- E7: retry schedule

/// E7: a fixed schedule retries at a constant interval.
#[test]
fn fixed_schedule_retries_every_interval_e7() {
    // Fixed 1h; alice fails in [09:00, 12:30): 09:00, 10:00, 11:00, 12:00 fail, 13:00
    // is delivered.
    let run = Trace::email()
        .send("m1", "alice", "2026-01-05T09:00:00Z", "d1")
        .fails(
            "alice",
            "4.4.1",
            "2026-01-05T00:00:00Z",
            "2026-01-05T12:30:00Z",
        )
        .run(&email(
            "soft_bounce_threshold = 20\nbackoff = { kind = \"fixed\", interval = \"1h\" }",
        ));
    assert_eq!(
        run.attempt_times("m1"),
        [
            "2026-01-05T09:00:00Z",
            "2026-01-05T10:00:00Z",
            "2026-01-05T11:00:00Z",
            "2026-01-05T12:00:00Z",
            "2026-01-05T13:00:00Z"
        ]
    );
    assert_eq!(run.final_counts(), [("delivered", 1)]);
}

/// E7: the default schedule is exponential from 5 min, doubling, capped at 4000 s.
#[test]
fn default_schedule_doubles_from_five_minutes_up_to_4000_seconds_e7() {
    // Delays 5m, 10m, 20m, 40m, then min(80m, 4000 s) = 4000 s twice. alice fails in
    // [09:00, 11:30): 09:00, 09:05, 09:15, 09:35, 10:15, 11:21:40 fail; 12:28:20 is
    // delivered.
    let run = Trace::email()
        .send("m1", "alice", "2026-01-05T09:00:00Z", "d1")
        .fails(
            "alice",
            "4.4.1",
            "2026-01-05T00:00:00Z",
            "2026-01-05T11:30:00Z",
        )
        .run(&email("soft_bounce_threshold = 20"));
    assert_eq!(
        run.attempt_times("m1"),
        [
            "2026-01-05T09:00:00Z",
            "2026-01-05T09:05:00Z",
            "2026-01-05T09:15:00Z",
            "2026-01-05T09:35:00Z",
            "2026-01-05T10:15:00Z",
            "2026-01-05T11:21:40Z",
            "2026-01-05T12:28:20Z"
        ]
    );
    assert_eq!(run.final_counts(), [("delivered", 1)]);
}

/// E7: a list schedule uses its delays in order and repeats the last.
#[test]
fn list_schedule_repeats_its_last_delay_e7() {
    // Delays [1m, 1h]; alice fails in [09:00, 11:00): 09:00, 09:01, 10:01 fail; 11:01
    // is delivered.
    let run = Trace::email()
        .send("m1", "alice", "2026-01-05T09:00:00Z", "d1")
        .fails(
            "alice",
            "4.4.1",
            "2026-01-05T00:00:00Z",
            "2026-01-05T11:00:00Z",
        )
        .run(&email(
            "soft_bounce_threshold = 20\nbackoff = { kind = \"list\", delays = [\"1m\", \"1h\"] }",
        ));
    assert_eq!(
        run.attempt_times("m1"),
        [
            "2026-01-05T09:00:00Z",
            "2026-01-05T09:01:00Z",
            "2026-01-05T10:01:00Z",
            "2026-01-05T11:01:00Z"
        ]
    );
}

fn jittered() -> Trace {
    // Soft bounces for four hours, then deliveries: with a nominal 1 h delay, a few
    // jittered retries fail before one is delivered.
    Trace::email()
        .send("m1", "alice", "2026-01-05T09:00:00Z", "d1")
        .fails(
            "alice",
            "4.4.1",
            "2026-01-05T00:00:00Z",
            "2026-01-05T13:00:00Z",
        )
}

fn jitter_scenario(jitter: &str, seed: u64) -> String {
    let policy = format!(
        "soft_bounce_threshold = 20\nbackoff = {{ kind = \"fixed\", interval = \"1h\", jitter = \"{jitter}\" }}"
    );
    email(&policy).replace("seed = 7", &format!("seed = {seed}"))
}

fn delays_in_seconds(run: &crate::support::Run) -> Vec<i64> {
    let times: Vec<i64> = run
        .attempt_times("m1")
        .iter()
        .map(|t| crate::support::at(t).0)
        .collect();
    times.windows(2).map(|w| w[1] - w[0]).collect()
}

/// E7: jittered delays are the same for the same seed and replication.
#[test]
fn jitter_is_reproducible_for_the_same_seed_e7() {
    let first = jittered().run(&jitter_scenario("full", 11));
    let again = jittered().run(&jitter_scenario("full", 11));
    assert_eq!(first.attempt_times("m1"), again.attempt_times("m1"));
    assert!(first.attempt_times("m1").len() > 3);
}

/// E7: jitter draws differ between replications (and seeds) of the same scenario.
#[test]
fn jitter_differs_across_replications_e7() {
    let trace = jittered();
    let scenario_text = jitter_scenario("full", 11);
    let rep0 = trace.run_replication(&scenario_text, 0);
    let rep1 = trace.run_replication(&scenario_text, 1);
    assert_ne!(rep0.attempt_times("m1"), rep1.attempt_times("m1"));
    let other_seed = trace.run(&jitter_scenario("full", 12));
    assert_ne!(rep0.attempt_times("m1"), other_seed.attempt_times("m1"));
}

/// E7: full jitter stays within [0, d] and equal jitter within [d/2, d] of the nominal
/// 1 h delay, and without jitter the delay is exactly d.
#[test]
fn jittered_delays_stay_within_their_ranges_e7() {
    for seed in 1..=5 {
        for d in delays_in_seconds(&jittered().run(&jitter_scenario("full", seed))) {
            assert!((0..=3600).contains(&d), "full jitter delay {d}");
        }
        for d in delays_in_seconds(&jittered().run(&jitter_scenario("equal", seed))) {
            assert!((1800..=3600).contains(&d), "equal jitter delay {d}");
        }
        for d in delays_in_seconds(&jittered().run(&jitter_scenario("none", seed))) {
            assert_eq!(d, 3600);
        }
    }
}

// ---------------------------------------------------------------- E8: hard bounce

/// E8: a hard bounce ends the message `hard_bounced` without retries and suppresses
/// the contact at once with reason `hard_bounce`.
#[test]
fn hard_bounce_ends_the_message_and_suppresses_the_contact_e8() {
    // alice fails 5.1.1 from 09:00. m1 09:00: one attempt, hard_bounced, alice
    // suppressed at 09:00 (counter 0: a hard bounce is not counted). m2 10:00 skipped.
    let run = Trace::email()
        .send("m1", "alice", "2026-01-05T09:00:00Z", "d1")
        .send("m2", "alice", "2026-01-05T10:00:00Z", "d2")
        .fails_from("alice", "5.1.1", "2026-01-05T09:00:00Z")
        .run(&email(""));
    assert_eq!(run.history("m1"), ["2026-01-05T09:00:00Z #1 initial 5.1.1"]);
    assert!(run.attempt_times("m2").is_empty());
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
        run.final_counts(),
        [("hard_bounced", 1), ("skipped_suppressed", 1)]
    );
}

/// E8: with `hard_bounce_suppresses = false` a hard bounce suppresses nothing, and it
/// never counts toward the soft-bounce threshold.
#[test]
fn hard_bounce_without_suppression_leaves_the_contact_mailable_e8() {
    // Threshold 1 would suppress at the first counted bounce; hard bounces are not
    // counted. m1 09:00 and m2 10:00 both hard-bounce, one attempt each.
    let run = Trace::email()
        .send("m1", "alice", "2026-01-05T09:00:00Z", "d1")
        .send("m2", "alice", "2026-01-05T10:00:00Z", "d2")
        .fails_from("alice", "5.1.1", "2026-01-05T09:00:00Z")
        .run(&email(
            "hard_bounce_suppresses = false\nsoft_bounce_threshold = 1",
        ));
    assert_eq!(run.attempt_times("m1"), ["2026-01-05T09:00:00Z"]);
    assert_eq!(run.attempt_times("m2"), ["2026-01-05T10:00:00Z"]);
    assert!(run.suppressions().is_empty());
    assert_eq!(run.final_counts(), [("hard_bounced", 2)]);
}

/// E8 with E3: a hard bounce cancels the pending retries of the contact's other messages.
#[test]
fn hard_bounce_cancels_pending_retries_of_other_messages_e8() {
    // alice soft-fails (4.4.1) in [09:00, 09:30), then hard-fails (5.1.1) from 09:30.
    // m1 09:00: 09:00, 09:05, 09:15 soft; its retry at 09:35 is pending.
    // m2 09:30: hard bounce at 09:30 → suppressed at 09:30; m1's pending retry is
    // cancelled: m1 ends suppressed.
    let run = Trace::email()
        .send("m1", "alice", "2026-01-05T09:00:00Z", "d1")
        .send("m2", "alice", "2026-01-05T09:30:00Z", "d2")
        .fails(
            "alice",
            "4.4.1",
            "2026-01-05T09:00:00Z",
            "2026-01-05T09:30:00Z",
        )
        .fails_from("alice", "5.1.1", "2026-01-05T09:30:00Z")
        .run(&email(""));
    assert_eq!(run.attempt_times("m1").len(), 3);
    assert_eq!(
        run.suppressions(),
        [(
            "alice".into(),
            "2026-01-05T09:30:00Z".into(),
            "hard_bounce",
            3
        )]
    );
    assert_eq!(run.final_counts(), [("hard_bounced", 1), ("suppressed", 1)]);
}

// ---------------------------------------------------------------- E9: suppressed contacts

/// E9: a suppressed contact is never attempted again, to the end of the run.
#[test]
fn suppressed_contact_is_never_attempted_again_e9() {
    // alice hard-bounces once at 09:00 (window of one second), so every later attempt
    // would be delivered; yet m2 (day 2) and m3 (day 9) are never attempted.
    let run = Trace::email()
        .send("m1", "alice", "2026-01-05T09:00:00Z", "d1")
        .send("m2", "alice", "2026-01-06T09:00:00Z", "d2")
        .send("m3", "alice", "2026-01-13T09:00:00Z", "d3")
        .fails(
            "alice",
            "5.1.1",
            "2026-01-05T09:00:00Z",
            "2026-01-05T09:00:01Z",
        )
        .run(&email(""));
    assert!(run.attempt_times("m2").is_empty());
    assert!(run.attempt_times("m3").is_empty());
    assert_eq!(
        run.final_counts(),
        [("hard_bounced", 1), ("skipped_suppressed", 2)]
    );
    // Both skipped messages would have been delivered: lost deliveries.
    assert_eq!(run.output.metrics.counters.lost_deliveries, 2);
}

/// E9: with a `suppression_ttl` the suppression lifts when it runs out.
#[test]
fn suppression_ttl_lifts_the_suppression_e9() {
    // TTL 2h. alice hard-bounces at 09:00 → suppressed until 11:00 (exclusive).
    // m2 at 10:59:59 is skipped; m3 at 11:00:00 is attempted and delivered.
    let run = Trace::email()
        .send("m1", "alice", "2026-01-05T09:00:00Z", "d1")
        .send("m2", "alice", "2026-01-05T10:59:59Z", "d2")
        .send("m3", "alice", "2026-01-05T11:00:00Z", "d3")
        .fails(
            "alice",
            "5.1.1",
            "2026-01-05T09:00:00Z",
            "2026-01-05T09:00:01Z",
        )
        .run(&email("suppression_ttl = \"2h\""));
    assert_eq!(
        run.releases(),
        [("alice".into(), Some("2026-01-05T11:00:00Z".into()))],
        "suppressions.csv names the release"
    );
    assert!(run.attempt_times("m2").is_empty());
    assert_eq!(
        run.history("m3"),
        ["2026-01-05T11:00:00Z #1 initial delivered"]
    );
    assert_eq!(
        run.final_counts(),
        [
            ("delivered", 1),
            ("hard_bounced", 1),
            ("skipped_suppressed", 1)
        ]
    );
}

/// E9: a scheduled retry that comes due while the contact is suppressed is not made.
#[test]
fn scheduled_retry_of_a_suppressed_contact_is_not_made_e9() {
    // Threshold 2, gap 0s. m1 d1 09:00 fails 4.4.1 (1), retry due 09:05.
    // m2 d2 09:02 fails (2 = threshold): alice suppressed at 09:02; m1's retry at 09:05
    // is never made, m1 ends suppressed.
    let run = Trace::email()
        .send("m1", "alice", "2026-01-05T09:00:00Z", "d1")
        .send("m2", "alice", "2026-01-05T09:02:00Z", "d2")
        .fails_from("alice", "4.4.1", "2026-01-05T00:00:00Z")
        .run(&email(
            "soft_bounce_threshold = 2\ncross_delivery_gap = \"0s\"",
        ));
    assert_eq!(run.attempt_times("m1"), ["2026-01-05T09:00:00Z"]);
    assert_eq!(run.attempt_times("m2"), ["2026-01-05T09:02:00Z"]);
    assert_eq!(run.final_counts(), [("suppressed", 2)]);
}

/// E3 through the CSV importer: the suppression trace replays identically from files.
#[test]
fn csv_trace_suppresses_like_the_in_memory_trace_e3() {
    let trace = Trace::email()
        .send("m1", "alice", "2026-01-05T09:00:00Z", "d1")
        .send("m2", "alice", "2026-01-05T09:01:00Z", "d2")
        .send("m3", "alice", "2026-01-05T11:00:00Z", "d3")
        .send("b1", "bob", "2026-01-05T09:00:00Z", "d1")
        .fails_from("alice", "4.4.1", "2026-01-05T00:00:00Z")
        .fails(
            "bob",
            "5.1.1",
            "2026-01-05T00:00:00Z",
            "2026-01-05T08:00:00Z",
        );
    let memory = trace.run(&email(""));
    let csv = trace.run_via_csv(&email(""));
    for m in ["m1", "m2", "m3", "b1"] {
        assert_eq!(memory.history(m), csv.history(m), "{m}");
    }
    assert_eq!(memory.suppressions(), csv.suppressions());
    assert_eq!(
        csv.final_counts(),
        [
            ("delivered", 1),
            ("suppressed", 2),
            ("skipped_suppressed", 1)
        ]
    );
}

/// E3, E9: when two messages' retries fall due at the same instant and the first one
/// reaches the threshold, the second retry is not made.
#[test]
fn same_instant_retry_after_the_suppressing_one_is_not_made_e9() {
    // Threshold 3, gap 0s, alice always fails. m1 (d1) and m2 (d2) both created at
    // 09:00: counts 1 and 2. Both retries fall due at 09:05: m1's first (scheduled
    // first) counts 3 and suppresses at 09:05; m2's retry at 09:05 is then not made.
    let run = Trace::email()
        .send("m1", "alice", "2026-01-05T09:00:00Z", "d1")
        .send("m2", "alice", "2026-01-05T09:00:00Z", "d2")
        .fails_from("alice", "4.4.1", "2026-01-05T00:00:00Z")
        .run(&email(
            "soft_bounce_threshold = 3\ncross_delivery_gap = \"0s\"",
        ));
    assert_eq!(
        run.attempt_times("m1"),
        ["2026-01-05T09:00:00Z", "2026-01-05T09:05:00Z"]
    );
    assert_eq!(run.attempt_times("m2"), ["2026-01-05T09:00:00Z"]);
    assert_eq!(
        run.suppressions(),
        [(
            "alice".into(),
            "2026-01-05T09:05:00Z".into(),
            "soft_bounce_threshold",
            3
        )]
    );
    assert_eq!(run.final_counts(), [("suppressed", 2)]);
}

/// E9: a suppression whose TTL runs past the end of the run is never released, and
/// says so with an empty release time; without a TTL there is no release either.
#[test]
fn suppression_released_after_the_run_has_no_release_time_e9() {
    // The run ends 01-15 00:00. A hard bounce at 01-05 09:00 with a TTL of 10d would be
    // released 01-15 09:00, after the end.
    let trace = Trace::email()
        .send("m1", "alice", "2026-01-05T09:00:00Z", "d1")
        .fails_from("alice", "5.1.1", "2026-01-05T09:00:00Z");
    let late = trace.run(&email("suppression_ttl = \"240h\""));
    assert_eq!(late.releases(), [("alice".into(), None)]);
    let never = trace.run(&email(""));
    assert_eq!(never.releases(), [("alice".into(), None)]);
}
