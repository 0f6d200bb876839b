//! Command-line behaviour: commands, files written, and a clear one-line error with a
//! non-zero exit (never a panic) for every kind of bad input.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn retrysim() -> Command {
    Command::cargo_bin("retrysim").expect("binary builds")
}

const SENDS_HEADER: &str = "message_id,contact,created_at,delivery_id,channel,message_type\n";
const FAILURES_HEADER: &str = "contact,error_code,start,end\n";
const GOOD_SEND: &str = "m1,a@x.org,2026-01-05T09:00:00Z,d1,email,marketing\n";

/// A folder with a CSV scenario over the given sends, failures and actions files.
struct Case {
    dir: tempfile::TempDir,
}

impl Case {
    fn new(sends: &str, failures: &str, actions: Option<&str>) -> Case {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("sends.csv"), sends).unwrap();
        std::fs::write(dir.path().join("failures.csv"), failures).unwrap();
        let mut scenario = "name = \"case\"\nstart = \"2026-01-05T00:00:00Z\"\nhorizon = \"3d\"\n\
            [workload]\nkind = \"csv\"\nsends = \"sends.csv\"\nfailures = \"failures.csv\"\n"
            .to_string();
        if let Some(a) = actions {
            std::fs::write(dir.path().join("actions.csv"), a).unwrap();
            scenario.push_str("actions = \"actions.csv\"\n");
        }
        std::fs::write(dir.path().join("s.toml"), scenario).unwrap();
        Case { dir }
    }

    /// One send to a contact whose mailbox is full from 08:00 to 10:00.
    fn simple() -> Case {
        Case::new(
            &format!("{SENDS_HEADER}{GOOD_SEND}"),
            &good_failures(),
            None,
        )
    }

    fn scenario(&self) -> PathBuf {
        self.dir.path().join("s.toml")
    }

    fn out(&self) -> PathBuf {
        self.dir.path().join("out")
    }

    /// Runs `run` with extra arguments; returns (success, stdout, stderr).
    fn run(&self, extra: &[&str]) -> (bool, String, String) {
        let output = retrysim()
            .arg("run")
            .arg(self.scenario())
            .arg("--out")
            .arg(self.out())
            .args(extra)
            .output()
            .unwrap();
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        (
            output.status.success(),
            text(&output.stdout),
            text(&output.stderr),
        )
    }

    /// Runs `run` expecting exit status 1 and one clear error line; returns stderr.
    fn fails(&self, extra: &[&str]) -> String {
        let output = retrysim()
            .arg("run")
            .arg(self.scenario())
            .arg("--out")
            .arg(self.out())
            .args(extra)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(stderr.starts_with("error: "), "{stderr}");
        assert!(
            !self.out().join("summary.csv").exists(),
            "no result after an error"
        );
        stderr
    }
}

fn good_failures() -> String {
    format!("{FAILURES_HEADER}a@x.org,4.2.2,2026-01-05T08:00:00Z,2026-01-05T10:00:00Z\n")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn run_on_the_default_scenario_prints_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    let out = retrysim()
        .args(["run", "--set", "workload.contacts=2000", "--out"])
        .arg(dir.path())
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(stdout.contains("delivered"), "{stdout}");
    assert!(dir.path().join("summary.csv").exists());
    assert!(dir.path().join("suppressions.csv").exists());
}

#[test]
fn trace_writes_the_documented_attempt_columns_s7_s8() {
    let case = Case::simple();
    let (ok, _, stderr) = case.run(&["--trace"]);
    assert!(ok, "{stderr}");
    let attempts = read(&case.out().join("attempts.csv"));
    let mut lines = attempts.lines();
    assert_eq!(
        lines.next().unwrap(),
        "replication,point,message_id,contact,attempt,badge,at,trigger,outcome,error_code,reason,counted,counter,delivery_id"
    );
    // 09:00 fails, 09:05 fails, 09:15 fails, 09:35 fails, 10:15 delivered (window ends 10:00).
    // Each failure counts (E4: the first because the counter is 0, the rest because the
    // message bounced before): 1, 2, 3, 4; the delivery resets the counter to 0 (E5).
    assert_eq!(
        lines.next().unwrap(),
        "0,0,m1,a@x.org,1,,2026-01-05T09:00:00Z,initial,failed,4.2.2,,true,1,d1"
    );
    assert_eq!(
        lines.last().unwrap(),
        "0,0,m1,a@x.org,5,Attempt #3+,2026-01-05T10:15:00Z,backoff,delivered,,,false,0,d1"
    );
    let summary = read(&case.out().join("summary.csv"));
    assert!(
        summary
            .lines()
            .next()
            .unwrap()
            .starts_with("point,replication,seed,messages,attempts,delivered,delivery_rate,")
    );
}

#[test]
fn the_same_seed_writes_byte_identical_files() {
    let dir = tempfile::tempdir().unwrap();
    let run = |out: &Path| {
        retrysim()
            .args([
                "run",
                "--set",
                "workload.contacts=3000",
                "--set",
                "replications=2",
                "--trace",
                "--out",
            ])
            .arg(out)
            .assert()
            .success();
    };
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    run(&a);
    run(&b);
    for file in [
        "summary.csv",
        "suppressions.csv",
        "attempts.csv",
        "scenario.toml",
    ] {
        assert_eq!(read(&a.join(file)), read(&b.join(file)), "{file}");
    }
}

#[test]
fn check_prints_every_default() {
    let out = retrysim().arg("check").assert().success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    for line in [
        "soft_bounce_threshold = 5",
        "retry_period = \"84h\"",
        "hard_bounce_suppresses = true",
        "[policy.sms]",
    ] {
        assert!(stdout.contains(line), "{line} in\n{stdout}");
    }
}

#[test]
fn spreadsheet_formulas_in_names_are_neutralised() {
    let sends =
        format!("{SENDS_HEADER}=HYPERLINK(1),=evil,2026-01-05T09:00:00Z,d1,email,marketing\n");
    let failures = format!("{FAILURES_HEADER}=evil,5.1.1,2026-01-05T08:00:00Z,\n");
    let case = Case::new(&sends, &failures, None);
    let (ok, _, stderr) = case.run(&["--trace"]);
    assert!(ok, "{stderr}");
    assert!(read(&case.out().join("suppressions.csv")).contains("'=evil,"));
    assert!(read(&case.out().join("attempts.csv")).contains("'=HYPERLINK(1),'=evil,"));
}

/// Plain numbers such as E.164 phone numbers cannot run as formulas: they keep their
/// `+` in every output, so results join back to the input.
#[test]
fn phone_numbers_keep_their_plus_sign() {
    let sends =
        format!("{SENDS_HEADER}+33612345678,+33612345678,2026-01-05T09:00:00Z,-1,sms,marketing\n");
    let failures = format!("{FAILURES_HEADER}+33612345678,21610,2026-01-05T08:00:00Z,\n");
    let case = Case::new(&sends, &failures, None);
    let (ok, _, stderr) = case.run(&["--trace"]);
    assert!(ok, "{stderr}");
    let suppressions = read(&case.out().join("suppressions.csv"));
    assert!(suppressions.contains("0,0,+33612345678,"), "{suppressions}");
    let attempts = read(&case.out().join("attempts.csv"));
    assert!(
        attempts.contains("0,0,+33612345678,+33612345678,1,"),
        "{attempts}"
    );
}

/// `check` prints E5's setting with the rest of the resolved policy.
#[test]
fn check_prints_the_counter_reset_setting_e5() {
    let case = Case::simple();
    let out = retrysim()
        .arg("check")
        .arg(case.scenario())
        .args(["--set", "policy.counter_reset=after_retry"])
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        stdout.contains("counter_reset = \"after_retry\""),
        "{stdout}"
    );
}

#[test]
fn out_of_range_thresholds_are_rejected_e2() {
    let case = Case::simple();
    for bad in ["0", "25"] {
        let err = case.fails(&["--set", &format!("policy.soft_bounce_threshold={bad}")]);
        assert!(
            err.contains(&format!(
                "policy.soft_bounce_threshold must be 1..=20, got {bad}"
            )),
            "{err}"
        );
    }
    let (ok, _, stderr) = case.run(&["--set", "policy.soft_bounce_threshold=15"]);
    assert!(ok);
    assert!(
        stderr.contains("warning: policy.soft_bounce_threshold = 15 is above 10"),
        "{stderr}"
    );
}

#[test]
fn a_marketing_retry_period_of_five_hours_is_rejected_e6() {
    let case = Case::simple();
    let err = case.fails(&["--set", "policy.retry_period=5h"]);
    assert!(
        err.contains("policy.retry_period must be at least 6h for marketing messages (E6), got 5h"),
        "{err}"
    );
}

#[test]
fn bad_scenarios_name_the_file_and_key() {
    let case = Case::simple();
    let err = case.fails(&["--set", "policy.backoff.jitter=sometimes"]);
    assert!(
        err.contains("policy.backoff.jitter must be one of none, full, equal, decorrelated"),
        "{err}"
    );
    // A key that does not exist is a typo on the command line: status 2, and the
    // message names the --set rather than the file.
    let typo = retrysim()
        .arg("run")
        .arg(case.scenario())
        .args([
            "--out",
            case.out().to_str().unwrap(),
            "--set",
            "colour=blue",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&typo.stderr);
    assert_eq!(typo.status.code(), Some(2), "{err}");
    assert!(
        err.starts_with("error: --set colour=blue: unknown field `colour`"),
        "{err}"
    );
    assert!(!err.contains("s.toml"), "{err}");
    let err = case.fails(&["--set", "timezone=Mars/Olympus"]);
    assert!(err.contains("timezone"), "{err}");
    let err = case.fails(&["--set", "no-equals"]);
    assert!(err.contains("KEY=VALUE"), "{err}");
    std::fs::write(case.scenario(), "name = \"x\"\n[policy\n").unwrap();
    let err = case.fails(&[]);
    assert!(err.contains("line 2"), "{err}");
}

#[test]
fn a_missing_scenario_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let output = retrysim()
        .arg("run")
        .arg(dir.path().join("nope.toml"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.contains("nope.toml: cannot read"), "{stderr}");
}

#[test]
fn malformed_sends_are_located() {
    let cases: [(String, &str); 7] = [
        (String::new(), "sends.csv: empty file"),
        (
            "message_id,contact\nm1,a\n".into(),
            "sends.csv: missing column created_at",
        ),
        (
            format!("{SENDS_HEADER}m1,a@x.org,2026-01-05T09:00:00Z\n"),
            "sends.csv line 2: expected 6 fields like the header, got 3",
        ),
        (
            format!("{SENDS_HEADER}m1,a@x.org,yesterday,d1,email,marketing\n"),
            "sends.csv line 2, column created_at: expected an RFC 3339 time",
        ),
        (
            format!("{SENDS_HEADER}m1,a@x.org,2026-01-05T09:00:00Z,d1,fax,marketing\n"),
            "sends.csv line 2, column channel: expected email or sms",
        ),
        (
            format!("{SENDS_HEADER}m1,a@x.org,2026-01-05T09:00:00Z,d1,email,spam\n"),
            "column message_type: expected marketing or transactional",
        ),
        (
            format!("{SENDS_HEADER}{GOOD_SEND}{GOOD_SEND}"),
            "sends.csv line 3, column message_id: duplicate message_id \"m1\", first seen on line 2",
        ),
    ];
    for (sends, expected) in cases {
        let err = Case::new(&sends, &good_failures(), None).fails(&[]);
        assert!(err.contains(expected), "expected {expected:?} in {err}");
    }
}

#[test]
fn malformed_failures_and_actions_are_located() {
    let sends = format!("{SENDS_HEADER}{GOOD_SEND}");
    let unknown = format!("{FAILURES_HEADER}a@x.org,7.7.7,2026-01-05T08:00:00Z,\n");
    let err = Case::new(&sends, &unknown, None).fails(&[]);
    assert!(
        err.contains("failures.csv line 2, column error_code: unknown error code \"7.7.7\""),
        "{err}"
    );
    let inverted =
        format!("{FAILURES_HEADER}a@x.org,4.2.2,2026-01-05T08:00:00Z,2026-01-05T07:00:00Z\n");
    let err = Case::new(&sends, &inverted, None).fails(&[]);
    assert!(err.contains("failures.csv line 2, column end"), "{err}");
    let truncated = format!("{FAILURES_HEADER}a@x.org,4.2.2");
    let err = Case::new(&sends, &truncated, None).fails(&[]);
    assert!(err.contains("failures.csv line 2"), "{err}");
    let actions = "at,action,message_id,reason\n2026-01-05T10:00:00Z,manual,m9,\n";
    let err = Case::new(&sends, &good_failures(), Some(actions)).fails(&[]);
    assert!(err.contains("actions.csv line 2, column message_id: expected a message_id from sends.csv, got \"m9\""), "{err}");
    let actions = "at,action,message_id,reason\n2026-01-05T10:00:00Z,resend,m1,\n";
    let err = Case::new(&sends, &good_failures(), Some(actions)).fails(&[]);
    assert!(
        err.contains("column action: expected manual or bulk"),
        "{err}"
    );
}

#[test]
fn unknown_codes_may_fall_back_to_a_class() {
    let sends = format!("{SENDS_HEADER}{GOOD_SEND}");
    let unknown =
        format!("{FAILURES_HEADER}a@x.org,X-42,2026-01-05T08:00:00Z,2026-01-05T09:30:00Z\n");
    let case = Case::new(&sends, &unknown, None);
    let (ok, _, stderr) = case.run(&[
        "--set",
        "error_fallback={ class = \"soft\", wait = \"1h\" }",
    ]);
    assert!(ok, "{stderr}");
}

#[test]
fn bad_command_lines_exit_with_two() {
    retrysim().arg("frobnicate").assert().code(2);
    retrysim()
        .args(["run", "--threads", "many"])
        .assert()
        .code(2);
    let output = retrysim()
        .args(["run", "--threads", "0", "--set", "workload.contacts=10"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--threads must be 1..=512, got 0"));
}

#[test]
fn generate_needs_a_synthetic_workload_and_plot_a_folder() {
    let case = Case::simple();
    let output = retrysim()
        .arg("generate")
        .arg(case.scenario())
        .arg("--out")
        .arg(case.out())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("nothing to generate"));
    let output = retrysim()
        .arg("plot")
        .arg(case.dir.path().join("missing"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("is not a folder of results"));
    let empty = case.dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let output = retrysim().arg("plot").arg(&empty).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("holds no results"));
    assert!(
        !empty.join("report.html").exists(),
        "nothing written for an empty folder"
    );
}

/// A one-second schedule with no threshold retries one message every second of its
/// 84-hour period, cut by the end of the 3-day run: 226,800 attempts, far past what a
/// 16-bit attempt counter could hold (E7).
#[test]
fn a_message_may_be_retried_hundreds_of_thousands_of_times_e7() {
    let failures = format!("{FAILURES_HEADER}a@x.org,4.2.2,2026-01-01T00:00:00Z,\n");
    let case = Case::new(&format!("{SENDS_HEADER}{GOOD_SEND}"), &failures, None);
    let (ok, _, stderr) = case.run(&[
        "--set",
        "policy.backoff={ kind = \"fixed\", interval = \"1s\" }",
        "--set",
        "policy.soft_bounce_threshold=\"none\"",
    ]);
    assert!(ok, "{stderr}");
    let summary = read(&case.out().join("summary.csv"));
    let header: Vec<&str> = summary.lines().next().unwrap().split(',').collect();
    let row: Vec<&str> = summary.lines().nth(1).unwrap().split(',').collect();
    let column = |name: &str| row[header.iter().position(|h| *h == name).unwrap()];
    // From 09:00 on day 1 to the end of day 3 (the run's end): 63 hours of seconds.
    assert_eq!(column("attempts"), (63 * 3600).to_string());
    assert_eq!(column("pending"), "1");
}

/// `check` prints every default, so its output is a scenario that runs to the same
/// results as the one it came from.
#[test]
fn checked_output_runs_to_the_same_results() {
    let dir = tempfile::tempdir().unwrap();
    let small = ["--set", "workload.contacts=2000", "--set", "replications=1"];
    let printed = retrysim().arg("check").args(small).output().unwrap();
    assert!(printed.status.success());
    let resolved = dir.path().join("resolved.toml");
    std::fs::write(&resolved, &printed.stdout).unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    retrysim()
        .arg("run")
        .args(small)
        .arg("--out")
        .arg(&a)
        .assert()
        .success();
    retrysim()
        .arg("run")
        .arg(&resolved)
        .arg("--out")
        .arg(&b)
        .assert()
        .success();
    assert_eq!(read(&a.join("summary.csv")), read(&b.join("summary.csv")));
    assert_eq!(
        read(&a.join("suppressions.csv")),
        read(&b.join("suppressions.csv"))
    );
}

/// `classify` prints `reason class wait` per description: the two examples.
#[test]
fn classify_prints_reason_class_and_wait() {
    let out = retrysim()
        .args([
            "classify",
            "550 5.1.1 <a@b.example>: Recipient address rejected: User unknown",
            "554 5.7.1 Service unavailable; Client host [192.0.2.7] blocked using zen.spamhaus.org",
            "30003",
        ])
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert_eq!(
        text,
        "user_unknown hard 0s\nblocked soft 1h\nunreachable soft 4h\n"
    );
}

/// `classify` reads a CSV on stdin and appends reason, class and wait; an unknown code
/// is an error that names it, with a non-zero exit.
#[test]
fn classify_reads_a_csv_and_rejects_unknown_codes() {
    let out = retrysim()
        .arg("classify")
        .write_stdin("error_code,reply_code,diagnostic\n5.7.1,550,No such user here\n")
        .assert()
        .success();
    assert_eq!(
        String::from_utf8_lossy(&out.get_output().stdout),
        "error_code,reply_code,diagnostic,reason,class,wait\n5.7.1,550,No such user here,user_unknown,hard,0s\n"
    );
    let err = retrysim().args(["classify", "X42"]).assert().failure();
    let stderr = String::from_utf8_lossy(&err.get_output().stderr).to_string();
    assert!(stderr.contains("X42"), "{stderr}");
}
