//! The scheduled operator of the `[operator]` table: on its days, at its local time, it
//! bulk-retries every failed message (S4) with its reason kept in the retry history (S8),
//! whatever the workload. These tests load the trace through the CSV importer, as the
//! `run` command does, because the schedule is merged into the workload there.
//!
//! The run starts Monday 2026-01-05T00:00:00Z and lasts ten days, in UTC. The automatic
//! job is off, so every retry here is the operator's. Built-in SMS codes: 30003 (soft,
//! wait 4h), 30005 (hard), 21610 (opt_out).

use assert_cmd::Command;

use crate::support::{OperatorGroup, Trace, portal, read_csv};

/// A portal scenario without the automatic job, with the given `[operator]` lines.
fn with_operator(operator_lines: &str) -> String {
    format!(
        "{}[operator]\n{operator_lines}\n",
        portal("auto_retry = false")
    )
}

/// The operator of these tests: Tuesdays at 14:00, always, with a reason.
const TUESDAYS: &str =
    "days = [\"tue\"]\nat = \"14:00\"\nprobability = 1.0\nreason = \"daily clean-up\"";

/// Five failed messages, one for each S2 outcome at Tuesday 01-06 14:00:
///
/// - m3 (p3, 01-05 09:00) failed 30003, then m4 to p3 was delivered: `not_last_message`;
/// - m5 (p4, 01-06 08:00) hard-bounced 30005: `not_retryable`;
/// - m6 (p5, 01-06 08:00) opted out 21610: `contact_suppressed`;
/// - m1 (p1, 01-06 09:00) failed 30003 until 12:00, ready 13:00: queued, delivered;
/// - m2 (p2, 01-06 11:00) failed 30003, ready 15:00: `wait_not_elapsed`; p2 recovers
///   on 01-10, so the next Tuesday's slot (01-13 14:00) queues and delivers it.
fn five_failures() -> Trace {
    Trace::sms()
        .send("m3", "p3", "2026-01-05T09:00:00Z", "b1")
        .send("m5", "p4", "2026-01-06T08:00:00Z", "b2")
        .send("m6", "p5", "2026-01-06T08:00:00Z", "b2")
        .send("m1", "p1", "2026-01-06T09:00:00Z", "b2")
        .send("m4", "p3", "2026-01-06T10:00:00Z", "b2")
        .send("m2", "p2", "2026-01-06T11:00:00Z", "b2")
        .fails(
            "p3",
            "30003",
            "2026-01-05T00:00:00Z",
            "2026-01-06T00:00:00Z",
        )
        .fails_from("p4", "30005", "2026-01-06T00:00:00Z")
        .fails_from("p5", "21610", "2026-01-06T00:00:00Z")
        .fails(
            "p1",
            "30003",
            "2026-01-06T00:00:00Z",
            "2026-01-06T12:00:00Z",
        )
        .fails(
            "p2",
            "30003",
            "2026-01-06T00:00:00Z",
            "2026-01-10T00:00:00Z",
        )
}

fn group(at: &str, queued: &[&str], refused: &[(&str, &'static str)]) -> OperatorGroup {
    OperatorGroup {
        at: at.into(),
        action: "bulk",
        queued: queued.iter().map(|m| m.to_string()).collect(),
        refused: refused.iter().map(|(m, r)| (m.to_string(), *r)).collect(),
    }
}

/// S4, S2: on each scheduled slot the operator's bulk retry queues the eligible failed
/// messages and skips the rest with their first failing reason, in message order.
#[test]
fn scheduled_bulk_retry_lists_queued_and_skipped_groups_s4() {
    let run = five_failures().run_via_csv(&with_operator(TUESDAYS));
    assert_eq!(
        run.operator_groups(),
        [
            group(
                "2026-01-06T14:00:00Z",
                &["m1"],
                &[
                    ("m3", "not_last_message"),
                    ("m5", "not_retryable"),
                    ("m6", "contact_suppressed"),
                    ("m2", "wait_not_elapsed"),
                ],
            ),
            group(
                "2026-01-13T14:00:00Z",
                &["m2"],
                &[
                    ("m3", "not_last_message"),
                    ("m5", "not_retryable"),
                    ("m6", "contact_suppressed"),
                ],
            ),
        ]
    );
    assert_eq!(
        run.retry_counts(),
        [
            ("queued", 2),
            ("contact_suppressed", 2),
            ("not_last_message", 2),
            ("not_retryable", 2),
            ("wait_not_elapsed", 1)
        ]
    );
}

/// S8: the operator's reason is kept on each attempt its bulk retry made.
#[test]
fn scheduled_bulk_retry_keeps_its_reason_in_the_history_s8() {
    let run = five_failures().run_via_csv(&with_operator(TUESDAYS));
    assert_eq!(
        run.history("m1"),
        [
            "2026-01-06T09:00:00Z #1 initial 30003",
            "2026-01-06T14:00:00Z #2 bulk delivered note=daily clean-up"
        ]
    );
    assert_eq!(
        run.history("m2"),
        [
            "2026-01-06T11:00:00Z #1 initial 30003",
            "2026-01-13T14:00:00Z #2 bulk delivered note=daily clean-up"
        ]
    );
}

/// S4: with probability 0 the operator never acts; with the default days (Monday to
/// Friday) and probability 1 it acts on every weekday slot of the run.
#[test]
fn probability_and_days_decide_which_slots_act_s4() {
    let never = five_failures().run_via_csv(&with_operator("probability = 0.0"));
    assert!(never.operator().is_empty());
    let weekdays = five_failures().run_via_csv(&with_operator("at = \"14:00\""));
    let mut times: Vec<String> = weekdays
        .operator_groups()
        .into_iter()
        .map(|g| g.at)
        .collect();
    times.dedup();
    assert_eq!(
        times,
        [
            "2026-01-05T14:00:00Z",
            "2026-01-06T14:00:00Z",
            "2026-01-07T14:00:00Z",
            "2026-01-08T14:00:00Z",
            "2026-01-09T14:00:00Z",
            "2026-01-12T14:00:00Z",
            "2026-01-13T14:00:00Z",
            "2026-01-14T14:00:00Z"
        ]
    );
}

/// S3, S4, S8: the schedule is merged with `actions.csv`: at the same instant the
/// imported action comes first, and each attempt keeps its own reason.
#[test]
fn scheduled_actions_merge_with_imported_ones_s3_s4() {
    let run = five_failures()
        .manual_with_note("2026-01-06T14:00:00Z", "m1", "customer called")
        .run_via_csv(&with_operator(TUESDAYS));
    let groups = run.operator_groups();
    assert_eq!(
        groups[0],
        OperatorGroup {
            at: "2026-01-06T14:00:00Z".into(),
            action: "manual",
            queued: vec!["m1".into()],
            refused: vec![],
        }
    );
    // m1 was delivered by the manual retry, so the bulk retry no longer sees it.
    assert_eq!(
        groups[1],
        group(
            "2026-01-06T14:00:00Z",
            &[],
            &[
                ("m3", "not_last_message"),
                ("m5", "not_retryable"),
                ("m6", "contact_suppressed"),
                ("m2", "wait_not_elapsed"),
            ],
        )
    );
    assert_eq!(
        run.history("m1")[1],
        "2026-01-06T14:00:00Z #2 manual delivered note=customer called"
    );
    assert_eq!(
        run.history("m2")[1],
        "2026-01-13T14:00:00Z #2 bulk delivered note=daily clean-up"
    );
}

/// S4, S8 through the binary: `retrysim run --trace` writes the scheduled operator's
/// results to `operator.csv` and its reason to the `reason` column of `attempts.csv`.
#[test]
fn run_writes_the_scheduled_operator_to_operator_csv_s4_s8() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = five_failures().write_csv(dir.path(), &with_operator(TUESDAYS));
    let out = dir.path().join("out");
    Command::cargo_bin("retrysim")
        .expect("binary builds")
        .args(["run", "--trace", "--out"])
        .arg(&out)
        .arg(&scenario)
        .assert()
        .success();
    let (header, rows) = read_csv(&out.join("operator.csv"));
    assert_eq!(
        header,
        [
            "replication",
            "point",
            "at",
            "action",
            "message_id",
            "result",
            "reason",
            "count"
        ]
    );
    let first_slot: Vec<String> = rows
        .iter()
        .filter(|r| r[2] == "2026-01-06T14:00:00Z")
        .map(|r| format!("{} {} {} {}", r[3], r[4], r[5], r[6]))
        .collect();
    assert_eq!(
        first_slot,
        [
            "bulk m3 skipped not_last_message",
            "bulk m5 skipped not_retryable",
            "bulk m6 skipped contact_suppressed",
            "bulk m1 queued ",
            "bulk m2 skipped wait_not_elapsed"
        ]
    );
    let (header, rows) = read_csv(&out.join("attempts.csv"));
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (message, trigger, reason) = (column("message_id"), column("trigger"), column("reason"));
    let bulk: Vec<String> = rows
        .iter()
        .filter(|r| r[trigger] == "bulk")
        .map(|r| format!("{} {}", r[message], r[reason]))
        .collect();
    assert_eq!(bulk, ["m1 daily clean-up", "m2 daily clean-up"]);
}
