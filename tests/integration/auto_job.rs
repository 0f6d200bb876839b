//! The automatic retry job (S5) as revised: its runs follow the local time of each day
//! across both daylight-saving changes, it applies S1 (a)–(c) whatever operators are
//! held to, and it reports every failed message it did not retry with its S2 reason.
//! Each outcome below is worked out by hand in the comment above the assertions.

use crate::support::{Trace, email, portal};

/// The `sms_portal` preset in Europe/Paris from `start` for five days, with the job at
/// 02:30 local time and room for ten automatic attempts.
fn paris_at_half_two(start: &str) -> String {
    portal("auto_retry_at = \"02:30\"\nmax_auto_attempts = 10")
        .replace("timezone = \"UTC\"", "timezone = \"Europe/Paris\"")
        .replace("2026-01-05T00:00:00Z", start)
        .replace("horizon = \"10d\"", "horizon = \"5d\"")
}

/// S5, spring change: 02:30 does not exist in Paris on 2026-03-29 (02:00 CET jumps to
/// 03:00 CEST at 01:00Z). That day the job runs at the first instant after the gap; the
/// next day it is back at 02:30 local, with no drift to 03:30.
#[test]
fn job_runs_after_the_gap_on_the_spring_day_then_at_its_own_time_s5() {
    // m1 03-27 12:00Z fails 30001 (business_retryable, wait 15m) for good.
    // Jobs: 03-28 02:30 CET = 01:30Z; 03-29 gap → 03:00 CEST = 01:00Z;
    // 03-30 02:30 CEST = 00:30Z; 03-31 00:30Z. The run ends 04-01 00:00Z.
    let run = Trace::sms()
        .send("m1", "p1", "2026-03-27T12:00:00Z", "b1")
        .fails_from("p1", "30001", "2026-03-27T00:00:00Z")
        .run(&paris_at_half_two("2026-03-27T00:00:00Z"));
    assert_eq!(
        run.attempt_times("m1"),
        [
            "2026-03-27T12:00:00Z",
            "2026-03-28T01:30:00Z",
            "2026-03-29T01:00:00Z",
            "2026-03-30T00:30:00Z",
            "2026-03-31T00:30:00Z"
        ]
    );
}

/// S5, autumn change: 02:30 happens twice in Paris on 2026-10-25 (at 00:30Z in summer
/// time, again at 01:30Z in winter time). The job runs once, at the first.
#[test]
fn job_runs_once_at_the_first_of_a_repeated_time_in_autumn_s5() {
    // m1 10-23 12:00Z fails 30001 for good. Jobs: 10-24 02:30 CEST = 00:30Z;
    // 10-25 00:30Z only; 10-26 02:30 CET = 01:30Z; 10-27 01:30Z. End 10-28 00:00Z.
    let run = Trace::sms()
        .send("m1", "p1", "2026-10-23T12:00:00Z", "b1")
        .fails_from("p1", "30001", "2026-10-23T00:00:00Z")
        .run(&paris_at_half_two("2026-10-23T00:00:00Z"));
    assert_eq!(
        run.attempt_times("m1"),
        [
            "2026-10-23T12:00:00Z",
            "2026-10-24T00:30:00Z",
            "2026-10-25T00:30:00Z",
            "2026-10-26T01:30:00Z",
            "2026-10-27T01:30:00Z"
        ]
    );
    let on_the_day: Vec<String> = run
        .job_reports()
        .into_iter()
        .map(|(at, ..)| at)
        .filter(|at| at.starts_with("2026-10-25"))
        .collect();
    assert_eq!(on_the_day, ["2026-10-25T00:30:00Z"], "one run on 10-25");
}

/// S5: with `eligibility_checks = false` (email given the portal's job) operators skip
/// S1 (a) and (c), but the job still applies them.
#[test]
fn job_applies_s1_even_when_operators_do_not_s5() {
    // Email, no backoff, daily job at 06:00 UTC; code X1 soft with a 30 h wait.
    // alice: m1 01-05 09:00 fails X1, m2 01-05 10:00 fails X1 (m2 is now her last).
    // Job 01-06 06:00: m1 not_last_message; m2 ready 01-06 16:00: wait_not_elapsed.
    // An operator bulk at 01-06 07:00 is not held to S1 (a), (c): both are queued, and
    // both fail again (m2 now ready 01-07 13:00).
    // Job 01-07 06:00: m1 not_last_message; m2 wait_not_elapsed.
    let policy = "backoff = \"none\"\nauto_retry = true\neligibility_checks = false\n\
                  soft_bounce_threshold = 20\n";
    let scenario = format!(
        "{}[[errors]]\ncode = \"X1\"\nclass = \"soft\"\nwait = \"30h\"\n",
        email(policy)
    );
    let run = Trace::email()
        .send("m1", "alice", "2026-01-05T09:00:00Z", "d1")
        .send("m2", "alice", "2026-01-05T10:00:00Z", "d2")
        .fails_from("alice", "X1", "2026-01-05T00:00:00Z")
        .bulk("2026-01-06T07:00:00Z")
        .run(&scenario);
    let job: Vec<_> = run.job_reports().into_iter().take(4).collect();
    assert_eq!(
        job,
        [
            (
                "2026-01-06T06:00:00Z".into(),
                "auto",
                "m1".into(),
                "skipped",
                "not_last_message"
            ),
            (
                "2026-01-06T06:00:00Z".into(),
                "auto",
                "m2".into(),
                "skipped",
                "wait_not_elapsed"
            ),
            (
                "2026-01-07T06:00:00Z".into(),
                "auto",
                "m1".into(),
                "skipped",
                "not_last_message"
            ),
            (
                "2026-01-07T06:00:00Z".into(),
                "auto",
                "m2".into(),
                "skipped",
                "wait_not_elapsed"
            ),
        ]
    );
    assert_eq!(
        run.operator(),
        [
            (
                "2026-01-06T07:00:00Z".into(),
                "bulk",
                "m1".into(),
                "queued",
                ""
            ),
            (
                "2026-01-06T07:00:00Z".into(),
                "bulk",
                "m2".into(),
                "queued",
                ""
            ),
        ]
    );
}

/// The trace of [`job_reports_every_skipped_message_with_its_reason_s2_s5`]: a number
/// that fails soft for good, and one that hard-bounces.
fn soft_and_hard() -> Trace {
    Trace::sms()
        .send("m1", "p1", "2026-01-05T09:00:00Z", "b1")
        .send("m2", "p2", "2026-01-05T10:00:00Z", "b1")
        .fails_from("p1", "30003", "2026-01-05T00:00:00Z")
        .fails_from("p2", "30005", "2026-01-05T00:00:00Z")
}

/// S2, S5: each job run reports what it did not retry, with the S2 reason, including
/// `max_auto_attempts`; the counts reach `summary.csv`'s `retry_*` columns.
#[test]
fn job_reports_every_skipped_message_with_its_reason_s2_s5() {
    // Jobs run 01-06 to 01-14 at 06:00 (nine runs; on 01-05 nothing had failed yet).
    // m1 (soft 30003, wait 4h): queued 01-06, 01-07, 01-08; max_auto_attempts on the
    // six runs 01-09 to 01-14. m2 (hard 30005; the portal does not suppress it):
    // not_retryable on all nine runs.
    let run = soft_and_hard().run(&portal(""));
    assert_eq!(
        run.retry_counts(),
        [
            ("queued", 3),
            ("not_retryable", 9),
            ("max_auto_attempts", 6)
        ]
    );
    let first: Vec<_> = run.job_reports().into_iter().take(2).collect();
    assert_eq!(
        first,
        [
            (
                "2026-01-06T06:00:00Z".into(),
                "auto",
                "m1".into(),
                "queued",
                ""
            ),
            (
                "2026-01-06T06:00:00Z".into(),
                "auto",
                "m2".into(),
                "skipped",
                "not_retryable"
            ),
        ]
    );
}

/// S2, S5 without `--trace`: each job run keeps one row per result and reason with a
/// count, not one per message; the summary counts are the same as when traced.
#[test]
fn untraced_job_keeps_one_row_per_reason_with_a_count_s5() {
    let traced = soft_and_hard().run(&portal(""));
    let run = soft_and_hard().run_untraced(&portal(""));
    assert_eq!(run.retry_counts(), traced.retry_counts());
    let rows = run.retry_rows_with_counts();
    // Nine runs with two rows each: 01-06..01-08 queued + not_retryable, 01-09..01-14
    // not_retryable + max_auto_attempts.
    assert_eq!(rows.len(), 18);
    assert_eq!(
        rows[0],
        (
            "2026-01-06T06:00:00Z".into(),
            "auto",
            String::new(),
            "queued",
            "",
            1
        )
    );
    assert_eq!(
        rows[7],
        (
            "2026-01-09T06:00:00Z".into(),
            "auto",
            String::new(),
            "skipped",
            "max_auto_attempts",
            1
        )
    );
}

/// S4 without `--trace`: a bulk retry over every failed message keeps one row per
/// result and reason with a count; a manual retry still names its message.
#[test]
fn untraced_bulk_retry_counts_its_selection_by_reason_s4() {
    // Email (no job). alice: a1 09:00 and a2 09:30 fail 4.2.2 and expire at once (one
    // attempt each: period 24h, next retry 48h later); bob: b1 09:00 hard-bounces and is
    // suppressed. Bulk 12:00 over a1, b1, a2: b1 contact_suppressed; a1 and a2
    // retry_period_ended (email has no S1 (a), (c) for operators). Manual 13:00 of b1:
    // failed, contact_suppressed, on a row of its own.
    let one_attempt =
        "retry_period = \"24h\"\nbackoff = { kind = \"fixed\", interval = \"48h\" }\n";
    let run = Trace::email()
        .send("a1", "alice", "2026-01-05T09:00:00Z", "d1")
        .send("b1", "bob", "2026-01-05T09:00:00Z", "d1")
        .send("a2", "alice", "2026-01-05T09:30:00Z", "d2")
        .fails_from("alice", "4.2.2", "2026-01-05T00:00:00Z")
        .fails_from("bob", "5.1.1", "2026-01-05T00:00:00Z")
        .bulk("2026-01-05T12:00:00Z")
        .manual("2026-01-05T13:00:00Z", "b1")
        .run_untraced(&email(one_attempt));
    assert_eq!(
        run.retry_rows_with_counts(),
        [
            (
                "2026-01-05T12:00:00Z".into(),
                "bulk",
                String::new(),
                "skipped",
                "contact_suppressed",
                1
            ),
            (
                "2026-01-05T12:00:00Z".into(),
                "bulk",
                String::new(),
                "skipped",
                "retry_period_ended",
                2
            ),
            (
                "2026-01-05T13:00:00Z".into(),
                "manual",
                "b1".into(),
                "failed",
                "contact_suppressed",
                1
            ),
        ]
    );
}
