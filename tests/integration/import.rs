//! `retrysim import`: each format's fixture (tests/fixtures/logs/, written from the
//! format's public documentation) imports to rows checked by hand; bad lines are counted
//! with their line numbers, and `--strict` makes them errors. The round trip `run
//! --trace` → `import attempts` → replay reproduces every attempt and the summary.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn retrysim() -> Command {
    Command::cargo_bin("retrysim").expect("binary builds")
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/logs")
        .join(name)
}

/// Imports `files` as `format` with `extra` options; returns the output folder and stdout.
fn import(format: &str, files: &[&str], extra: &[&str]) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let out = retrysim()
        .arg("import")
        .arg(format)
        .args(files.iter().map(|f| fixture(f)))
        .arg("--out")
        .arg(dir.path())
        .args(extra)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (dir, stdout)
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap()
}

/// The listed columns of observations.csv, comma-joined, one string per row.
fn observed(dir: &Path, columns: &[&str]) -> Vec<String> {
    let text = read(dir, "observations.csv");
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header = r.headers().unwrap().clone();
    let idx: Vec<usize> = columns
        .iter()
        .map(|c| header.iter().position(|h| h == *c).unwrap())
        .collect();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            idx.iter().map(|&i| &rec[i]).collect::<Vec<_>>().join(",")
        })
        .collect()
}

#[test]
fn postfix_follows_content_filter_chains_and_folds_local_hops() {
    let (dir, report) = import("postfix", &["postfix/mail.log"], &["--year", "2026"]);
    assert_eq!(
        read(dir.path(), "sends.csv"),
        "message_id,contact,created_at,delivery_id,channel,message_type\n\
         3F1A2B4C5D:ann@mail.example,ann@mail.example,2026-03-03T09:59:58Z,3F1A2B4C5D:ann@mail.example,email,marketing\n\
         3F1A2B4C5D:bob@corp.example,bob@corp.example,2026-03-03T09:59:58Z,3F1A2B4C5D:bob@corp.example,email,marketing\n\
         5C6D7E8F90:cat@gone.example,cat@gone.example,2026-03-03T11:00:00Z,5C6D7E8F90:cat@gone.example,email,marketing\n\
         8D9E0F1A2B:dan@slow.example,dan@slow.example,2026-03-03T12:00:00Z,8D9E0F1A2B:dan@slow.example,email,marketing\n"
    );
    assert_eq!(
        read(dir.path(), "failures.csv"),
        "contact,error_code,start,end\n\
         bob@corp.example,4.2.2,2026-03-03T10:00:02Z,2026-03-03T10:15:02Z\n\
         cat@gone.example,5.1.1,2026-03-03T11:00:01Z,\n\
         dan@slow.example,4.4.1,2026-03-03T12:00:31Z,2026-03-03T12:10:01Z\n"
    );
    assert_eq!(
        observed(
            dir.path(),
            &[
                "contact",
                "at",
                "outcome",
                "reply_code",
                "error_code",
                "class",
                "line"
            ]
        ),
        [
            "ann@mail.example,2026-03-03T10:00:01Z,delivered,250,,,10",
            "bob@corp.example,2026-03-03T10:00:02Z,failed,452,4.2.2,soft,11",
            "bob@corp.example,2026-03-03T10:05:02Z,failed,452,4.2.2,soft,13",
            "bob@corp.example,2026-03-03T10:15:02Z,delivered,250,,,15",
            "cat@gone.example,2026-03-03T11:00:01Z,failed,550,5.1.1,hard,18",
            "dan@slow.example,2026-03-03T12:00:31Z,failed,,4.4.1,soft,24",
            "dan@slow.example,2026-03-03T12:10:00Z,failed,,4.4.1,soft,25",
        ]
    );
    for line in [
        "local hops folded: 3",
        "queue expiries: 1",
        "duplicate: 1",
        "truncated: 1",
        "not_postfix: 1",
        "ignored_bounce_notice: 1",
        "mail.log line 12: duplicate",
        "mail.log line 14: truncated",
    ] {
        assert!(report.contains(line), "{line:?} missing from:\n{report}");
    }
}

#[test]
fn postfix_rfc3339_stamps_keep_their_offset() {
    let (dir, _) = import(
        "postfix",
        &["postfix/mail-rfc3339.log"],
        &["--timezone", "Asia/Tokyo"],
    );
    assert_eq!(
        read(dir.path(), "failures.csv"),
        "contact,error_code,start,end\nfay@mail.example,4.7.0,2026-03-03T10:00:02Z,2026-03-03T10:05:03Z\n"
    );
}

#[test]
fn postfix_classic_stamps_are_read_in_the_given_zone_and_year() {
    let (dir, _) = import(
        "postfix",
        &["postfix/mail.log"],
        &["--year", "2025", "--timezone", "+02:00"],
    );
    assert!(read(dir.path(), "sends.csv").contains("2025-03-03T07:59:58Z"));
}

#[test]
fn strict_makes_a_bad_line_an_error_naming_file_and_line() {
    let out = retrysim()
        .args(["import", "postfix", "--strict", "--year", "2026", "--out"])
        .arg(tempfile::tempdir().unwrap().path().join("o"))
        .arg(fixture("postfix/mail.log"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("mail.log line 14: truncated"), "{err}");
}

#[test]
fn ses_events_and_sns_envelopes_import_with_bounce_types() {
    let (dir, report) = import("ses", &["ses-events.jsonl"], &[]);
    assert_eq!(
        read(dir.path(), "failures.csv"),
        "contact,error_code,start,end\n\
         bob@corp.example,4.2.2,2026-03-03T09:00:03Z,2026-03-03T10:30:00Z\n\
         cat@gone.example,5.1.1,2026-03-03T11:00:01Z,\n\
         dan@slow.example,4.0.0,2026-03-04T12:00:00Z,2026-03-04T12:00:01Z\n"
    );
    assert!(
        report.contains("ses-events.jsonl line 9: bad_json"),
        "{report}"
    );
    assert!(
        report.contains("ignored_complaint_or_reject: 1"),
        "{report}"
    );
    let sends = read(dir.path(), "sends.csv");
    assert!(
        sends.contains("0100018e-aaaa-0001:bob@corp.example,bob@corp.example,2026-03-03T09:00:00Z")
    );
}

#[test]
fn sendgrid_batches_import_deferrals_with_attempt_numbers() {
    let (dir, report) = import("sendgrid", &["sendgrid-events.json"], &[]);
    assert_eq!(
        observed(
            dir.path(),
            &["contact", "at", "attempt", "outcome", "error_code"]
        ),
        [
            "ann@mail.example,2026-03-03T09:00:02Z,,delivered,",
            "bob@corp.example,2026-03-03T09:00:03Z,1,failed,4.2.2",
            "bob@corp.example,2026-03-03T09:10:03Z,2,failed,4.0.0",
            "bob@corp.example,2026-03-03T10:30:00Z,,delivered,",
            "cat@gone.example,2026-03-03T11:00:01Z,,failed,5.1.1",
            "gil@big.example,2026-03-03T11:01:40Z,,failed,5.7.1",
        ]
    );
    assert!(report.contains("ignored_dropped: 1"), "{report}");
    assert!(
        report.contains("sendgrid-events.json line 13: bad_json"),
        "{report}"
    );
}

#[test]
fn mailgun_pages_import_with_attempt_numbers_and_provider_suppressions_counted() {
    let (dir, report) = import("mailgun", &["mailgun-events.json"], &[]);
    assert_eq!(
        observed(
            dir.path(),
            &["contact", "attempt", "outcome", "reply_code", "error_code"]
        ),
        [
            "ann@mail.example,1,delivered,250,",
            "bob@corp.example,1,failed,452,4.2.2",
            "bob@corp.example,2,delivered,250,",
            "cat@gone.example,1,failed,550,5.1.1",
        ]
    );
    assert!(
        report.contains("ignored_suppressed_by_provider: 1"),
        "{report}"
    );
}

#[test]
fn twilio_rows_are_one_attempt_each_classified_by_error_code() {
    let (dir, report) = import("twilio", &["twilio-messages.csv"], &[]);
    assert_eq!(
        read(dir.path(), "failures.csv"),
        "contact,error_code,start,end\n\
         +14155550102,30003,2026-03-03T09:01:05Z,2026-03-03T13:00:03Z\n\
         +14155550103,21610,2026-03-03T09:02:01Z,\n"
    );
    assert!(report.contains("not_final: 1"), "{report}");
    assert!(
        report.contains("twilio-messages.csv line 8: bad_time"),
        "{report}"
    );
    let sends = read(dir.path(), "sends.csv");
    assert!(sends.contains("SM00000000000000000000000000000004,+14155550101,2026-03-03T09:03:00Z"));
    assert!(
        sends
            .lines()
            .all(|l| l.starts_with("message_id") || l.ends_with(",sms,marketing"))
    );
}

const ROUND_TRIP: &str = r#"
name = "roundtrip"
seed = 7
start = "2026-01-05T00:00:00Z"
horizon = "10d"
[workload]
kind = "synthetic"
contacts = 300
[policy]
soft_bounce_threshold = 3
"#;

/// Columns a log cannot reproduce: the ground truth (what the failure model would have
/// done, which the inferred world does not know), and the messages never attempted
/// (skipped because their contact was suppressed), which no log shows.
const UNKNOWABLE: [&str; 7] = [
    "messages",
    "delivery_rate",
    "skipped_suppressed",
    "false_suppressions",
    "attempts_to_dead",
    "lost_deliveries",
    "false_suppression_rate",
];

#[test]
fn round_trip_run_import_replay_reproduces_every_attempt_and_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("s.toml");
    std::fs::write(&scenario, ROUND_TRIP).unwrap();
    let run = dir.path().join("run");
    retrysim()
        .arg("run")
        .arg(&scenario)
        .arg("--trace")
        .arg("--out")
        .arg(&run)
        .assert()
        .success();
    let imported = dir.path().join("imported");
    let out = retrysim()
        .args(["import", "attempts"])
        .arg(run.join("attempts.csv"))
        .arg("--out")
        .arg(&imported)
        .arg("--replay")
        .arg(&scenario)
        .output()
        .unwrap();
    let report = String::from_utf8(out.stdout).unwrap();
    assert!(
        report.contains("reproduced (100.00%); 0 not attempted, 0 with another outcome, 0 extra"),
        "{report}"
    );

    let replay_scenario = dir.path().join("replay.toml");
    let csv_world = ROUND_TRIP.replace(
        "kind = \"synthetic\"\ncontacts = 300",
        "kind = \"csv\"\nsends = \"imported/sends.csv\"\nfailures = \"imported/failures.csv\"",
    );
    std::fs::write(&replay_scenario, csv_world).unwrap();
    let replay = dir.path().join("replay");
    retrysim()
        .arg("run")
        .arg(&replay_scenario)
        .arg("--trace")
        .arg("--out")
        .arg(&replay)
        .assert()
        .success();

    let attempts = |d: &Path| read(d, "attempts.csv");
    assert_eq!(
        attempts(&run),
        attempts(&replay),
        "every attempt, byte for byte"
    );
    let (a, b) = (read(&run, "summary.csv"), read(&replay, "summary.csv"));
    let header: Vec<&str> = a.lines().next().unwrap().split(',').collect();
    let row = |t: &str| {
        t.lines()
            .nth(1)
            .unwrap()
            .split(',')
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    let (ra, rb) = (row(&a), row(&b));
    for (i, name) in header.iter().enumerate() {
        if !UNKNOWABLE.contains(name) {
            assert_eq!(ra[i], rb[i], "summary column {name}");
        }
    }
    let col = |r: &[String], n: &str| {
        r[header.iter().position(|h| *h == n).unwrap()]
            .parse::<u64>()
            .unwrap()
    };
    assert_eq!(
        col(&ra, "messages") - col(&rb, "messages"),
        col(&ra, "skipped_suppressed")
    );
    assert_eq!(col(&rb, "skipped_suppressed"), 0);
}

/// Runs `retrysim` with `args`, asserting success; returns stdout.
fn ok(args: &[&std::ffi::OsStr]) -> String {
    let out = retrysim().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The value and interval of `key` in a calibrated scenario's comment
/// `# key: V (95% interval LO..HI); ...`.
fn fitted(text: &str, section: &str, key: &str) -> (f64, f64, f64) {
    let header = if section == "workload" {
        "[workload]".to_string()
    } else {
        format!("[workload.{section}]")
    };
    let body = text.split(&header).nth(1).unwrap();
    let line = body
        .lines()
        .find(|l| l.starts_with(&format!("# {key}: ")))
        .unwrap();
    // Durations are written in seconds with an `s` suffix.
    let num = |s: &str| s.trim().trim_end_matches('s').parse::<f64>().unwrap();
    let value = num(line.split(": ").nth(1).unwrap().split(' ').next().unwrap());
    let range = line
        .split("interval ")
        .nth(1)
        .unwrap()
        .split(')')
        .next()
        .unwrap();
    let (lo, hi) = range.split_once("..").unwrap();
    (value, num(lo), num(hi))
}

/// A world with known parameters for the calibration test: every type present in both
/// channels, short flaky episodes and a threshold high enough that most of them end in
/// a delivery before suppression (otherwise the log cannot tell them from the dead), and
/// one Gmail outage.
const KNOWN_WORLD: &str = r#"
name = "known"
start = "2026-01-05T00:00:00Z"
horizon = "20d"
[workload]
kind = "synthetic"
contacts = 4000
sms_share = 0.3
[[workload.outages]]
domain = "gmail.com"
start = "2026-01-08T08:30:00Z"
end = "2026-01-08T12:00:00Z"
[workload.email]
healthy = 0.85
flaky = 0.1
dead = 0.03
invalid = 0.02
opt_out = 0.0
flaky_duration_median = "3h"
[workload.sms]
healthy = 0.82
flaky = 0.1
dead = 0.03
invalid = 0.02
opt_out = 0.03
flaky_duration_median = "3h"
[policy]
soft_bounce_threshold = 20
"#;

/// The true values of KNOWN_WORLD: (section, key, value).
const TRUTH: [(&str, &str, f64); 15] = [
    ("email", "flaky", 0.1),
    ("email", "dead", 0.03),
    ("email", "invalid", 0.02),
    ("email", "opt_out", 0.0),
    ("email", "flaky_duration_median", 10_800.0),
    ("email", "sigma", 1.0),
    ("email", "greylisting", 0.1),
    ("email", "greylisting_delay", 300.0),
    ("sms", "flaky", 0.1),
    ("sms", "dead", 0.03),
    ("sms", "invalid", 0.02),
    ("sms", "opt_out", 0.03),
    ("sms", "flaky_duration_median", 10_800.0),
    ("sms", "sigma", 1.0),
    ("workload", "sms_share", 0.3),
];

/// Runs KNOWN_WORLD with `seed`, imports its attempts.csv and calibrates it; returns the
/// folder and the calibrated scenario's text.
fn calibrate_known_world(seed: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("s.toml");
    std::fs::write(&scenario, KNOWN_WORLD).unwrap();
    let p = |name: &str| dir.path().join(name).into_os_string();
    ok(&[
        "run".as_ref(),
        scenario.as_os_str(),
        "--trace".as_ref(),
        "--seed".as_ref(),
        seed.as_ref(),
        "--out".as_ref(),
        &p("run"),
    ]);
    let attempts = dir.path().join("run/attempts.csv");
    ok(&[
        "import".as_ref(),
        "attempts".as_ref(),
        attempts.as_os_str(),
        "--out".as_ref(),
        &p("imp"),
    ]);
    let written = ok(&[
        "calibrate".as_ref(),
        &p("imp"),
        "--out".as_ref(),
        &p("cal.toml"),
    ]);
    (dir, written)
}

/// The validation seeds, fixed so the test is deterministic.
const SEEDS: [&str; 6] = ["11", "12", "13", "14", "15", "16"];

/// Calibration recovers a world's known parameters: over six seeds, each of the 15
/// values' 95% intervals is checked against the truth (90 checks). Exact 95% intervals
/// miss 4.5 times in 90 on average; 9 or more misses has a chance under 2.5%
/// (binomial), so more than 8 in all fails, and so does any value missing on two seeds
/// of six (a chance of 3.3% per value for an exact interval, so a biased value shows).
#[test]
fn calibration_intervals_cover_the_known_parameters_over_seeds() {
    let mut misses: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for seed in SEEDS {
        let (dir, written) = calibrate_known_world(seed);
        for (section, key, truth) in TRUTH {
            let (value, lo, hi) = fitted(&written, section, key);
            if !(lo <= truth && truth <= hi) {
                misses
                    .entry(format!("{section}.{key}"))
                    .or_default()
                    .push(format!("seed {seed} {section}.{key} {value} in {lo}..{hi}"));
            }
        }
        let outages = written.matches("[[workload.outages]]").count();
        assert_eq!(outages, 1, "seed {seed}: {written}");
        assert!(
            written.contains("domain = \"gmail.com\"\nstart = \"2026-01-08T08:3"),
            "{written}"
        );
        // The calibrated scenario runs.
        let cal = dir.path().join("cal.toml");
        ok(&[
            "run".as_ref(),
            cal.as_os_str(),
            "--out".as_ref(),
            dir.path().join("cal").as_os_str(),
        ]);
    }
    let total: usize = misses.values().map(Vec::len).sum();
    assert!(total <= 8, "{total} misses in 90: {misses:?}");
    for (key, missed) in &misses {
        assert!(missed.len() <= 1, "{key} missed on two seeds: {missed:?}");
    }
}

/// The calibrated scenario is a full scenario: a sweep over a policy grid runs on it and
/// writes its aggregate.
#[test]
fn a_sweep_runs_on_the_calibrated_scenario() {
    let (dir, written) = calibrate_known_world("21");
    let cal = dir.path().join("cal.toml");
    let shrunk = written
        .lines()
        .filter(|l| !l.starts_with("wrote "))
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(
        &cal,
        format!("{shrunk}\n[sweep]\n\"policy.soft_bounce_threshold\" = [3, 5]\n"),
    )
    .unwrap();
    let out = dir.path().join("sweep");
    ok(&[
        "sweep".as_ref(),
        cal.as_os_str(),
        "--set".as_ref(),
        "replications=1".as_ref(),
        "--set".as_ref(),
        "workload.contacts=1000".as_ref(),
        "--out".as_ref(),
        out.as_os_str(),
    ]);
    let aggregate = read(&out, "aggregate.csv");
    assert_eq!(aggregate.lines().count(), 3, "{aggregate}");
}

/// A 5.7.1 block-list rejection is the sender's problem: the reason table reads the text
/// and calls it a soft `blocked`, while the unknown user stays a hard `user_unknown` (E8).
#[test]
fn log_words_decide_the_reason_a_block_list_rejection_is_soft_e8() {
    let (dir, _) = import("sendgrid", &["sendgrid-events.json"], &[]);
    let rows = observed(dir.path(), &["contact", "error_code", "class", "reason"]);
    assert!(
        rows.contains(&"gil@big.example,5.7.1,soft,blocked".to_string()),
        "{rows:?}"
    );
    assert!(
        rows.contains(&"cat@gone.example,5.1.1,hard,user_unknown".to_string()),
        "{rows:?}"
    );
}

/// An SMS portal whose operator bulk-retries every weekday at 10:00 Paris time.
const OPERATOR_WORLD: &str = r#"
name = "operator"
seed = 7
start = "2026-03-02T00:00:00Z"
horizon = "7d"
timezone = "Europe/Paris"
[workload]
kind = "synthetic"
contacts = 300
sms_share = 1.0
[policy]
preset = "sms_portal"
[operator]
days = ["mon", "tue", "wed", "thu", "fri"]
at = "10:00"
probability = 1.0
reason = "daily clean-up"
"#;

/// Bulk retries in attempts.csv come back as actions (S4), with the operator's reason
/// (S8), and the replay, which takes them from actions.csv instead of the scenario's
/// schedule, reproduces every attempt and makes none twice.
#[test]
fn operator_retries_in_attempts_import_as_actions_s4_s8() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("op.toml");
    std::fs::write(&scenario, OPERATOR_WORLD).unwrap();
    let p = |name: &str| dir.path().join(name).into_os_string();
    ok(&[
        "run".as_ref(),
        scenario.as_os_str(),
        "--trace".as_ref(),
        "--out".as_ref(),
        &p("run"),
    ]);
    let bulk = observed_trace(&dir.path().join("run/attempts.csv"));
    assert!(!bulk.is_empty(), "the world makes bulk retries");
    let attempts = dir.path().join("run/attempts.csv");
    let report = ok(&[
        "import".as_ref(),
        "attempts".as_ref(),
        attempts.as_os_str(),
        "--out".as_ref(),
        &p("imp"),
        "--replay".as_ref(),
        scenario.as_os_str(),
    ]);
    let actions = read(&dir.path().join("imp"), "actions.csv");
    let rows: Vec<String> = actions.lines().skip(1).map(str::to_string).collect();
    let expected: Vec<String> = bulk
        .iter()
        .map(|(at, m)| format!("{at},bulk,{m},daily clean-up"))
        .collect();
    assert_eq!(rows, expected);
    assert!(
        report.contains("(100.00%); 0 not attempted, 0 with another outcome, 0 extra"),
        "{report}"
    );
}

/// (at, message_id) of the bulk attempts of a trace, in file order.
fn observed_trace(path: &Path) -> Vec<(String, String)> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().clone();
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    let (at, message, trigger) = (col("at"), col("message_id"), col("trigger"));
    r.records()
        .map(Result::unwrap)
        .filter(|rec| &rec[trigger] == "bulk")
        .map(|rec| (rec[at].to_string(), rec[message].to_string()))
        .collect()
}
