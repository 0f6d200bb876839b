//! The messaging-portal rules S1–S9 of RULES.md with the `sms_portal` preset: no
//! scheduled retries, a daily automatic job at 06:00 local time with at most three
//! automatic attempts, the eligibility checks, operator retries and opt-outs.
//!
//! Unless a test says otherwise the run starts Monday 2026-01-05T00:00:00Z, lasts ten
//! days, in UTC, so the job runs at 06:00Z every day from 2026-01-05. Built-in SMS codes
//! used here: 30003 (soft, wait 4h), 30001 (business_retryable, wait 15m), 30005 (hard),
//! 30007 (business_final), 21610 (opt_out).

use crate::support::{Trace, portal};

/// A portal scenario with extra `[policy]` lines followed by extra top-level tables
/// (such as `[[errors]]`).
fn portal_with(policy_lines: &str, tables: &str) -> String {
    format!("{}{tables}\n", portal(policy_lines))
}

/// A portal scenario in a given zone, starting at `start`, lasting `horizon`.
fn portal_in(zone: &str, start: &str, horizon: &str) -> String {
    portal("")
        .replace("timezone = \"UTC\"", &format!("timezone = \"{zone}\""))
        .replace("2026-01-05T00:00:00Z", start)
        .replace("horizon = \"10d\"", &format!("horizon = \"{horizon}\""))
}

// ---------------------------------------------------------------- S5, S6: the job

/// S5, S6: a failed message is retried by the job at 06:00 on the next three mornings,
/// then never again by the job.
#[test]
fn job_retries_three_mornings_then_stops_s5_s6() {
    // p1 fails 30003 from 09:00 on. m1 09:00 fails (ready 13:00). Jobs: 01-06, 01-07,
    // 01-08 at 06:00 retry it (auto attempts 1, 2, 3); from 01-09 the cap of 3 stops the
    // job, through the run's end on 01-15. m1 ends failed.
    let run = Trace::sms()
        .send("m1", "p1", "2026-01-05T09:00:00Z", "b1")
        .fails_from("p1", "30003", "2026-01-05T09:00:00Z")
        .run(&portal(""));
    assert_eq!(
        run.history("m1"),
        [
            "2026-01-05T09:00:00Z #1 initial 30003",
            "2026-01-06T06:00:00Z #2 auto 30003",
            "2026-01-07T06:00:00Z #3 auto 30003",
            "2026-01-08T06:00:00Z #4 auto 30003"
        ]
    );
    assert_eq!(run.final_counts(), [("failed", 1)]);
}

/// S5: a message that recovers is delivered by the job's next run.
#[test]
fn job_delivers_once_the_failure_clears_s5() {
    // p1 fails 30003 in [01-05 09:00, 01-07 12:00). Job attempts on 01-06 and 01-07
    // fail; the one on 01-08 06:00 is delivered.
    let run = Trace::sms()
        .send("m1", "p1", "2026-01-05T09:00:00Z", "b1")
        .fails(
            "p1",
            "30003",
            "2026-01-05T09:00:00Z",
            "2026-01-07T12:00:00Z",
        )
        .run(&portal(""));
    assert_eq!(
        run.attempt_times("m1"),
        [
            "2026-01-05T09:00:00Z",
            "2026-01-06T06:00:00Z",
            "2026-01-07T06:00:00Z",
            "2026-01-08T06:00:00Z"
        ]
    );
    assert_eq!(run.final_counts(), [("delivered", 1)]);
}

/// S5: `max_auto_attempts` and `auto_retry_at` override the preset's job.
#[test]
fn job_time_and_cap_follow_the_settings_s5() {
    // Job at 08:30 with one automatic attempt: m1 (09:00, fails 30001, wait 15m) is
    // retried once, 01-06 08:30, and never again.
    let run = Trace::sms()
        .send("m1", "p1", "2026-01-05T09:00:00Z", "b1")
        .fails_from("p1", "30001", "2026-01-05T09:00:00Z")
        .run(&portal("max_auto_attempts = 1\nauto_retry_at = \"08:30\""));
    assert_eq!(
        run.attempt_times("m1"),
        ["2026-01-05T09:00:00Z", "2026-01-06T08:30:00Z"]
    );
}

/// S5: the job keeps 06:00 local time across the spring daylight-saving change
/// (Europe/Paris, 2026-03-29): 05:00Z in winter time, 04:00Z in summer time.
#[test]
fn job_runs_at_six_local_across_the_spring_change_s5() {
    // m1 03-27 12:00Z fails 30003. Jobs: 03-28 06:00 CET = 05:00Z; 03-29 06:00 CEST =
    // 04:00Z (clocks went forward at 02:00 that night); 03-30 06:00 CEST = 04:00Z.
    let run = Trace::sms()
        .send("m1", "p1", "2026-03-27T12:00:00Z", "b1")
        .fails_from("p1", "30003", "2026-03-27T00:00:00Z")
        .run(&portal_in("Europe/Paris", "2026-03-27T00:00:00Z", "6d"));
    assert_eq!(
        run.attempt_times("m1"),
        [
            "2026-03-27T12:00:00Z",
            "2026-03-28T05:00:00Z",
            "2026-03-29T04:00:00Z",
            "2026-03-30T04:00:00Z"
        ]
    );
}

/// S5: the job keeps 06:00 local time across the autumn change (Europe/Paris,
/// 2026-10-25): 04:00Z in summer time, 05:00Z in winter time.
#[test]
fn job_runs_at_six_local_across_the_autumn_change_s5() {
    // m1 10-23 12:00Z fails 30003. Jobs: 10-24 06:00 CEST = 04:00Z; 10-25 06:00 CET =
    // 05:00Z (clocks went back at 03:00 that night); 10-26 06:00 CET = 05:00Z.
    let run = Trace::sms()
        .send("m1", "p1", "2026-10-23T12:00:00Z", "b1")
        .fails_from("p1", "30003", "2026-10-23T00:00:00Z")
        .run(&portal_in("Europe/Paris", "2026-10-23T00:00:00Z", "6d"));
    assert_eq!(
        run.attempt_times("m1"),
        [
            "2026-10-23T12:00:00Z",
            "2026-10-24T04:00:00Z",
            "2026-10-25T05:00:00Z",
            "2026-10-26T05:00:00Z"
        ]
    );
}

// ---------------------------------------------------------------- S1: eligibility

/// S1c, S2: the job skips a message whose code's wait has not passed
/// (`wait_not_elapsed`) and retries it at the first run after the wait.
#[test]
fn job_waits_for_the_codes_recommended_wait_s1() {
    // Code X1: soft, wait 30h. m1 01-05 09:00 fails → ready 01-06 15:00: the 01-06 job
    // skips it; 01-07 06:00 retries (fails, ready 01-08 12:00); 01-08 skips; 01-09
    // retries (ready 01-10 12:00); 01-10 skips; 01-11 retries: the third automatic
    // attempt, after which the job stops.
    let run = Trace::sms()
        .send("m1", "p1", "2026-01-05T09:00:00Z", "b1")
        .fails_from("p1", "X1", "2026-01-05T00:00:00Z")
        .run(&portal_with(
            "",
            "[[errors]]\ncode = \"X1\"\nclass = \"soft\"\nwait = \"30h\"",
        ));
    assert_eq!(
        run.attempt_times("m1"),
        [
            "2026-01-05T09:00:00Z",
            "2026-01-07T06:00:00Z",
            "2026-01-09T06:00:00Z",
            "2026-01-11T06:00:00Z"
        ]
    );
}

/// S1c, S2, S3: with SMS code 30003 (wait 4h), a manual retry before the wait is refused
/// with `wait_not_elapsed`; one exactly at the end of the wait is queued.
#[test]
fn manual_retry_before_the_wait_fails_with_wait_not_elapsed_s1() {
    // m1 01-06 03:00 fails 30003 → ready 07:00. The 06:00 job skips it. Manual at 05:00:
    // failed, wait_not_elapsed. Manual at 07:00: queued, attempt #2 (fails again, ready
    // 11:00). The job then retries on 01-07, 01-08 and 01-09.
    let run = Trace::sms()
        .send("m1", "p1", "2026-01-06T03:00:00Z", "b1")
        .fails_from("p1", "30003", "2026-01-05T00:00:00Z")
        .manual("2026-01-06T05:00:00Z", "m1")
        .manual("2026-01-06T07:00:00Z", "m1")
        .run(&portal(""));
    assert_eq!(
        run.operator(),
        [
            (
                "2026-01-06T05:00:00Z".into(),
                "manual",
                "m1".into(),
                "failed",
                "wait_not_elapsed"
            ),
            (
                "2026-01-06T07:00:00Z".into(),
                "manual",
                "m1".into(),
                "queued",
                ""
            )
        ]
    );
    assert_eq!(
        run.history("m1"),
        [
            "2026-01-06T03:00:00Z #1 initial 30003",
            "2026-01-06T07:00:00Z #2 manual 30003",
            "2026-01-07T06:00:00Z #3 auto 30003",
            "2026-01-08T06:00:00Z #4 auto 30003",
            "2026-01-09T06:00:00Z #5 auto 30003"
        ]
    );
    // The counts add the job's reports (S5) to the operator's: the job skipped m1 on
    // 01-06 (wait_not_elapsed), queued it on 01-07, 01-08 and 01-09, and skipped it on
    // 01-10 to 01-14 (max_auto_attempts, five runs).
    assert_eq!(
        run.retry_counts(),
        [
            ("queued", 4),
            ("wait_not_elapsed", 2),
            ("max_auto_attempts", 5)
        ]
    );
}

/// S1a, S2: once a newer message exists for the contact, the older one is refused with
/// `not_last_message`, by the operator and by the job alike.
#[test]
fn older_message_is_not_retried_after_a_newer_one_s1() {
    // p1 fails 30003 from 09:00. m1 09:00 and m2 10:00 both fail. Manual m1 at 15:00:
    // failed, not_last_message (its wait ended at 13:00). The job retries only m2.
    let run = Trace::sms()
        .send("m1", "p1", "2026-01-05T09:00:00Z", "b1")
        .send("m2", "p1", "2026-01-05T10:00:00Z", "b2")
        .fails_from("p1", "30003", "2026-01-05T09:00:00Z")
        .manual("2026-01-05T15:00:00Z", "m1")
        .run(&portal(""));
    assert_eq!(
        run.operator(),
        [(
            "2026-01-05T15:00:00Z".into(),
            "manual",
            "m1".into(),
            "failed",
            "not_last_message"
        )]
    );
    assert_eq!(run.attempt_times("m1"), ["2026-01-05T09:00:00Z"]);
    assert_eq!(
        run.attempt_times("m2"),
        [
            "2026-01-05T10:00:00Z",
            "2026-01-06T06:00:00Z",
            "2026-01-07T06:00:00Z",
            "2026-01-08T06:00:00Z"
        ]
    );
    assert_eq!(run.final_counts(), [("failed", 2)]);
}

/// S1b: a hard error is never retried by the job; a `business_retryable` one is.
#[test]
fn job_retries_business_retryable_but_not_hard_errors_s1() {
    // p1 fails 30005 (hard; the portal does not suppress on it), p2 fails 30001
    // (business_retryable, wait 15m). m1 ends hard_bounced after one attempt; m2 is
    // retried on three mornings and ends failed.
    let run = Trace::sms()
        .send("m1", "p1", "2026-01-05T09:00:00Z", "b1")
        .send("m2", "p2", "2026-01-05T09:00:00Z", "b1")
        .fails_from("p1", "30005", "2026-01-05T00:00:00Z")
        .fails_from("p2", "30001", "2026-01-05T00:00:00Z")
        .run(&portal(""));
    assert_eq!(run.attempt_times("m1"), ["2026-01-05T09:00:00Z"]);
    assert_eq!(run.attempt_times("m2").len(), 4);
    assert!(run.suppressions().is_empty());
    assert_eq!(run.final_counts(), [("hard_bounced", 1), ("failed", 1)]);
}

// ---------------------------------------------------------------- S2: reason order

/// S2: `contact_suppressed` comes before `not_last_message`.
#[test]
fn contact_suppressed_is_reported_before_not_last_message_s2() {
    // p1 fails 30003 in [09:00, 10:00), then 21610 from 10:00. m1 09:00 fails soft; m2
    // 10:00 opts out: p1 suppressed at 10:00. Manual m1 at 15:00 fails both checks;
    // the first reason is contact_suppressed.
    let run = Trace::sms()
        .send("m1", "p1", "2026-01-05T09:00:00Z", "b1")
        .send("m2", "p1", "2026-01-05T10:00:00Z", "b2")
        .fails(
            "p1",
            "30003",
            "2026-01-05T09:00:00Z",
            "2026-01-05T10:00:00Z",
        )
        .fails_from("p1", "21610", "2026-01-05T10:00:00Z")
        .manual("2026-01-05T15:00:00Z", "m1")
        .run(&portal(""));
    assert_eq!(
        run.operator(),
        [(
            "2026-01-05T15:00:00Z".into(),
            "manual",
            "m1".into(),
            "failed",
            "contact_suppressed"
        )]
    );
}

/// S2: `not_last_message` comes before `not_retryable`.
#[test]
fn not_last_message_is_reported_before_not_retryable_s2() {
    // m1 09:00 hard-fails (30005, no suppression in the portal); m2 10:00 to the same
    // number. Manual m1 at 11:00: not last and not retryable; the reason is
    // not_last_message.
    let run = Trace::sms()
        .send("m1", "p1", "2026-01-05T09:00:00Z", "b1")
        .send("m2", "p1", "2026-01-05T10:00:00Z", "b2")
        .fails_from("p1", "30005", "2026-01-05T09:00:00Z")
        .manual("2026-01-05T11:00:00Z", "m1")
        .manual("2026-01-05T11:00:00Z", "m2")
        .run(&portal(""));
    assert_eq!(
        run.operator(),
        [
            (
                "2026-01-05T11:00:00Z".into(),
                "manual",
                "m1".into(),
                "failed",
                "not_last_message"
            ),
            (
                "2026-01-05T11:00:00Z".into(),
                "manual",
                "m2".into(),
                "failed",
                "not_retryable"
            )
        ]
    );
}

/// S2: `not_retryable` comes before `wait_not_elapsed`.
#[test]
fn not_retryable_is_reported_before_wait_not_elapsed_s2() {
    // Code B1: business_final with a 10h wait. m1 09:00 fails B1. Manual at 10:00: the
    // class and the wait both fail; the reason is not_retryable.
    let run = Trace::sms()
        .send("m1", "p1", "2026-01-05T09:00:00Z", "b1")
        .fails_from("p1", "B1", "2026-01-05T09:00:00Z")
        .manual("2026-01-05T10:00:00Z", "m1")
        .run(&portal_with(
            "",
            "[[errors]]\ncode = \"B1\"\nclass = \"business_final\"\nwait = \"10h\"",
        ));
    assert_eq!(
        run.operator(),
        [(
            "2026-01-05T10:00:00Z".into(),
            "manual",
            "m1".into(),
            "failed",
            "not_retryable"
        )]
    );
    assert_eq!(run.attempt_times("m1"), ["2026-01-05T09:00:00Z"]);
}

// ---------------------------------------------------------------- S3, S6, S7, S8

/// One number failing 30003 for the whole run, with the job capped after three mornings,
/// a manual retry on 01-09 with a note and a bulk retry on 01-10.
fn capped_then_retried_by_hand() -> crate::support::Run {
    Trace::sms()
        .send("m1", "p1", "2026-01-05T09:00:00Z", "b1")
        .fails_from("p1", "30003", "2026-01-05T00:00:00Z")
        .manual_with_note("2026-01-09T12:00:00Z", "m1", "customer asked")
        .bulk("2026-01-10T12:00:00Z")
        .run(&portal(""))
}

/// S6, S3: after the three automatic attempts the job stops, but a manual retry is still
/// queued (and so is a bulk one).
#[test]
fn manual_retry_after_the_automatic_cap_is_queued_s6_s3() {
    // Autos on 01-06, 01-07, 01-08 (cap reached). Manual 01-09 12:00: last failure
    // 01-08 06:00 + 4h wait = 10:00 ≤ 12:00, last message, soft: queued, attempt #5.
    // The job on 01-10 does not retry (cap). Bulk 01-10 12:00: ready 01-09 16:00:
    // queued, attempt #6. No job attempts after that either.
    let run = capped_then_retried_by_hand();
    assert_eq!(
        run.history("m1"),
        [
            "2026-01-05T09:00:00Z #1 initial 30003",
            "2026-01-06T06:00:00Z #2 auto 30003",
            "2026-01-07T06:00:00Z #3 auto 30003",
            "2026-01-08T06:00:00Z #4 auto 30003",
            "2026-01-09T12:00:00Z #5 manual 30003 note=customer asked",
            "2026-01-10T12:00:00Z #6 bulk 30003"
        ]
    );
    assert_eq!(
        run.operator(),
        [
            (
                "2026-01-09T12:00:00Z".into(),
                "manual",
                "m1".into(),
                "queued",
                ""
            ),
            (
                "2026-01-10T12:00:00Z".into(),
                "bulk",
                "m1".into(),
                "queued",
                ""
            )
        ]
    );
    // With the job's reports (S5): queued by the job on 01-06, 01-07 and 01-08, then
    // skipped for max_auto_attempts on each run from 01-09 to 01-14 (six runs).
    assert_eq!(
        run.retry_counts(),
        [("queued", 5), ("max_auto_attempts", 6)]
    );
}

/// S7: attempt 1 has no badge, attempt 2 `Attempt #2`, later ones `Attempt #3+`; the
/// trace carries the attempt numbers.
#[test]
fn attempts_carry_their_number_and_badge_s7() {
    let run = capped_then_retried_by_hand();
    let numbers: Vec<u32> = run.output.attempts.iter().map(|a| a.attempt).collect();
    assert_eq!(numbers, [1, 2, 3, 4, 5, 6]);
    assert_eq!(
        run.badges("m1"),
        [
            "",
            "Attempt #2",
            "Attempt #3+",
            "Attempt #3+",
            "Attempt #3+",
            "Attempt #3+"
        ]
    );
}

/// S8: the retry history keeps the operator's reason on the attempt it caused, and
/// only there.
#[test]
fn retry_history_records_the_operators_note_s8() {
    let run = capped_then_retried_by_hand();
    let notes: Vec<Option<&str>> = run
        .output
        .attempts
        .iter()
        .map(|a| {
            a.note
                .index()
                .map(|n| run.workload.notes[n as usize].as_str())
        })
        .collect();
    assert_eq!(
        notes,
        [None, None, None, None, Some("customer asked"), None]
    );
}

// ---------------------------------------------------------------- S4: bulk retry

/// S4, S2: a bulk retry over every failed message queues the eligible ones and skips
/// the rest, each with its first failing reason, and counts both groups.
#[test]
fn bulk_retry_splits_the_selection_into_queued_and_skipped_s4() {
    // One day from 01-05 00:00 (only the 06:00 job runs, before any send). At 14:00:
    //   m1 (p1, 09:00, 30003 until 12:00): ready 13:00 → queued, delivered at 14:00.
    //   m3 (p3, 09:10, 30003): a newer m4 exists → skipped not_last_message.
    //   m4 (p3, 09:30, 30003): ready 13:30 → queued, fails again.
    //   m5 (p4, 09:40, 21610): opted out, p4 suppressed → skipped contact_suppressed.
    //   m6 (p5, 09:50, 30007 business_final) → skipped not_retryable.
    //   m2 (p2, 11:00, 30003): ready 15:00 → skipped wait_not_elapsed.
    // The selection is visited in message order (creation time).
    let scenario = portal("").replace("horizon = \"10d\"", "horizon = \"1d\"");
    let run = Trace::sms()
        .send("m1", "p1", "2026-01-05T09:00:00Z", "b1")
        .send("m3", "p3", "2026-01-05T09:10:00Z", "b1")
        .send("m4", "p3", "2026-01-05T09:30:00Z", "b2")
        .send("m5", "p4", "2026-01-05T09:40:00Z", "b1")
        .send("m6", "p5", "2026-01-05T09:50:00Z", "b1")
        .send("m2", "p2", "2026-01-05T11:00:00Z", "b3")
        .fails(
            "p1",
            "30003",
            "2026-01-05T09:00:00Z",
            "2026-01-05T12:00:00Z",
        )
        .fails_from("p2", "30003", "2026-01-05T00:00:00Z")
        .fails_from("p3", "30003", "2026-01-05T00:00:00Z")
        .fails_from("p4", "21610", "2026-01-05T00:00:00Z")
        .fails_from("p5", "30007", "2026-01-05T00:00:00Z")
        .bulk("2026-01-05T14:00:00Z")
        .run(&scenario);
    let t = || "2026-01-05T14:00:00Z".to_string();
    assert_eq!(
        run.operator(),
        [
            (t(), "bulk", "m1".into(), "queued", ""),
            (t(), "bulk", "m3".into(), "skipped", "not_last_message"),
            (t(), "bulk", "m4".into(), "queued", ""),
            (t(), "bulk", "m5".into(), "skipped", "contact_suppressed"),
            (t(), "bulk", "m6".into(), "skipped", "not_retryable"),
            (t(), "bulk", "m2".into(), "skipped", "wait_not_elapsed"),
        ]
    );
    assert_eq!(
        run.retry_counts(),
        [
            ("queued", 2),
            ("contact_suppressed", 1),
            ("not_last_message", 1),
            ("not_retryable", 1),
            ("wait_not_elapsed", 1)
        ]
    );
    assert_eq!(
        run.history("m1"),
        [
            "2026-01-05T09:00:00Z #1 initial 30003",
            "2026-01-05T14:00:00Z #2 bulk delivered"
        ]
    );
    assert_eq!(
        run.history("m4"),
        [
            "2026-01-05T09:30:00Z #1 initial 30003",
            "2026-01-05T14:00:00Z #2 bulk 30003"
        ]
    );
    // m1 delivered; m5 opted out; m2, m3, m4 still failed and m6 failed for good.
    assert_eq!(
        run.final_counts(),
        [("delivered", 1), ("opted_out", 1), ("failed", 4)]
    );
}

/// S4: a bulk retry of a one-message selection reports `skipped`, not `failed`, for a
/// refused message.
#[test]
fn bulk_retry_of_one_refused_message_reports_skipped_s4() {
    let run = Trace::sms()
        .send("m1", "p1", "2026-01-05T09:00:00Z", "b1")
        .fails_from("p1", "30003", "2026-01-05T00:00:00Z")
        .bulk_one("2026-01-05T10:00:00Z", "m1")
        .run(&portal(""));
    assert_eq!(
        run.operator(),
        [(
            "2026-01-05T10:00:00Z".into(),
            "bulk",
            "m1".into(),
            "skipped",
            "wait_not_elapsed"
        )]
    );
}

// ---------------------------------------------------------------- S9: opt-out

/// S9: an opt-out (21610) ends the message `opted_out`, is never retried, and suppresses
/// the number with reason `opt_out`.
#[test]
fn opt_out_ends_the_message_and_suppresses_the_number_s9() {
    // m1 09:00 opts out: no job retries; p1 suppressed at 09:00 (counter 0). m2 on
    // 01-06 10:00 is never attempted.
    let run = Trace::sms()
        .send("m1", "p1", "2026-01-05T09:00:00Z", "b1")
        .send("m2", "p1", "2026-01-06T10:00:00Z", "b2")
        .fails_from("p1", "21610", "2026-01-05T09:00:00Z")
        .run(&portal(""));
    assert_eq!(run.history("m1"), ["2026-01-05T09:00:00Z #1 initial 21610"]);
    assert!(run.attempt_times("m2").is_empty());
    assert_eq!(
        run.suppressions(),
        [("p1".into(), "2026-01-05T09:00:00Z".into(), "opt_out", 0)]
    );
    assert_eq!(
        run.final_counts(),
        [("opted_out", 1), ("skipped_suppressed", 1)]
    );
}

/// S9: with `opt_out_suppresses = false` an opt-out ends its message but suppresses
/// nothing.
#[test]
fn opt_out_without_suppression_still_ends_the_message_s9() {
    let run = Trace::sms()
        .send("m1", "p1", "2026-01-05T09:00:00Z", "b1")
        .send("m2", "p1", "2026-01-06T10:00:00Z", "b2")
        .fails_from("p1", "21610", "2026-01-05T09:00:00Z")
        .run(&portal("opt_out_suppresses = false"));
    assert_eq!(run.attempt_times("m1"), ["2026-01-05T09:00:00Z"]);
    assert_eq!(run.attempt_times("m2"), ["2026-01-06T10:00:00Z"]);
    assert!(run.suppressions().is_empty());
    assert_eq!(run.final_counts(), [("opted_out", 2)]);
}

// ---------------------------------------------------------------- CSV import

/// S3, S4, S8 through the CSV importer: the same trace written as `sends.csv`,
/// `failures.csv` and `actions.csv` replays exactly as the in-memory one, operator notes
/// included.
#[test]
fn csv_trace_replays_like_the_in_memory_trace_s3_s4_s8() {
    let trace = Trace::sms()
        .send("m1", "p1", "2026-01-05T09:00:00Z", "b1")
        .send("m2", "p2", "2026-01-05T08:00:00Z", "b1")
        .send("m3", "p2", "2026-01-05T10:00:00Z", "b2")
        .fails_from("p1", "30003", "2026-01-05T00:00:00Z")
        .fails(
            "p2",
            "30001",
            "2026-01-05T00:00:00Z",
            "2026-01-07T00:00:00Z",
        )
        .manual_with_note("2026-01-09T12:00:00Z", "m1", "customer asked")
        .bulk("2026-01-10T12:00:00Z");
    let memory = trace.run(&portal(""));
    let csv = trace.run_via_csv(&portal(""));
    for m in ["m1", "m2", "m3"] {
        assert_eq!(memory.history(m), csv.history(m), "{m}");
    }
    assert_eq!(
        memory.history("m1")[4],
        "2026-01-09T12:00:00Z #5 manual 30003 note=customer asked"
    );
    assert_eq!(memory.operator(), csv.operator());
    assert_eq!(memory.final_counts(), csv.final_counts());
    assert_eq!(memory.suppressions(), csv.suppressions());
}

/// S7, S8 in the files the `run` command writes: `attempts.csv` carries each attempt's
/// number, badge, trigger and the operator's reason, and `operator.csv` the results.
#[test]
fn attempts_csv_carries_numbers_badges_and_notes_s7_s8() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let scenario = Trace::sms()
        .send("m1", "p1", "2026-01-05T09:00:00Z", "b1")
        .fails_from("p1", "30003", "2026-01-05T00:00:00Z")
        .manual_with_note("2026-01-09T12:00:00Z", "m1", "customer asked")
        .write_csv(dir.path(), &portal(""));
    assert_cmd::Command::cargo_bin("retrysim")
        .unwrap()
        .arg("run")
        .arg(&scenario)
        .arg("--trace")
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let attempts = std::fs::read_to_string(out.join("attempts.csv")).unwrap();
    let mut lines = attempts.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let column = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let rows: Vec<Vec<String>> = lines
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    let pick = |row: &Vec<String>| {
        (
            row[column("attempt")].clone(),
            row[column("badge")].clone(),
            row[column("trigger")].clone(),
            row[column("reason")].clone(),
        )
    };
    let got: Vec<_> = rows.iter().map(pick).collect();
    let want = [
        ("1", "", "initial", ""),
        ("2", "Attempt #2", "auto", ""),
        ("3", "Attempt #3+", "auto", ""),
        ("4", "Attempt #3+", "auto", ""),
        ("5", "Attempt #3+", "manual", "customer asked"),
    ];
    let want: Vec<_> = want
        .iter()
        .map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), d.to_string()))
        .collect();
    assert_eq!(got, want, "{attempts}");
    let operator = std::fs::read_to_string(out.join("operator.csv")).unwrap();
    assert!(operator.contains("manual,m1,queued"), "{operator}");
}

/// E6 with the portal's job: a retry period also bounds the automatic job, and the
/// message ends `expired` when its period ends.
#[test]
fn retry_period_bounds_the_automatic_job_e6_s5() {
    // Period 24h. m1 01-05 09:00 fails 30003 (ready 13:00). Job 01-06 06:00 is inside
    // the period (ends 01-06 09:00): retried. Job 01-07 06:00 is past it: not retried.
    // m1 expires at the end of its period.
    let run = Trace::sms()
        .send("m1", "p1", "2026-01-05T09:00:00Z", "b1")
        .fails_from("p1", "30003", "2026-01-05T00:00:00Z")
        .run(&portal("retry_period = \"24h\""));
    assert_eq!(
        run.attempt_times("m1"),
        ["2026-01-05T09:00:00Z", "2026-01-06T06:00:00Z"]
    );
    assert_eq!(run.final_counts(), [("expired", 1)]);
}
