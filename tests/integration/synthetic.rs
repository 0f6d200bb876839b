//! Synthetic workloads (generate, round trip, common random numbers) and the
//! ground-truth metrics that only a simulator can count.

use std::path::Path;

use assert_cmd::Command;

fn retrysim() -> Command {
    Command::cargo_bin("retrysim").expect("binary builds")
}

/// A small synthetic scenario: 2,000 contacts for 10 days, with an outage.
const SMALL: &str = r#"
name = "small"
seed = 7
replications = 1
start = "2026-03-02T00:00:00Z"
horizon = "10d"
timezone = "Europe/Paris"

[workload]
kind = "synthetic"
contacts = 2000
sms_share = 0.25

[[workload.outages]]
domain = "outlook.com"
start = "2026-03-04T08:00:00Z"
end = "2026-03-04T20:00:00Z"

[policy]
preset = "email"

[policy.sms]
preset = "sms_portal"
"#;

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

fn summary_field(dir: &Path, column: &str) -> String {
    let text = read(&dir.join("summary.csv"));
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let row: Vec<&str> = lines.next().unwrap().split(',').collect();
    let i = header
        .iter()
        .position(|h| *h == column)
        .unwrap_or_else(|| panic!("no column {column}"));
    row[i].to_string()
}

#[test]
fn an_exported_world_replays_to_the_same_summary() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(dir.path(), "small.toml", SMALL);
    let trace = dir.path().join("trace");
    retrysim()
        .arg("generate")
        .arg(&scenario)
        .arg("--out")
        .arg(&trace)
        .assert()
        .success();
    let replay = SMALL.replace(
        "kind = \"synthetic\"\ncontacts = 2000\nsms_share = 0.25",
        "kind = \"csv\"\nsends = \"trace/sends.csv\"\nfailures = \"trace/failures.csv\"",
    );
    let replay = replay
        .split("[[workload.outages]]")
        .next()
        .unwrap()
        .to_string()
        + "[policy]\npreset = \"email\"\n\n[policy.sms]\npreset = \"sms_portal\"\n";
    let replay = write(dir.path(), "replay.toml", &replay);
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    retrysim()
        .arg("run")
        .arg(&scenario)
        .arg("--out")
        .arg(&a)
        .assert()
        .success();
    retrysim()
        .arg("run")
        .arg(&replay)
        .arg("--out")
        .arg(&b)
        .assert()
        .success();
    assert_eq!(read(&a.join("summary.csv")), read(&b.join("summary.csv")));
    assert_ne!(summary_field(&a, "messages"), "0");
}

#[test]
fn the_world_does_not_depend_on_the_policy() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(dir.path(), "small.toml", SMALL);
    let (strict, lenient) = (dir.path().join("strict"), dir.path().join("lenient"));
    for (out, threshold) in [(&strict, "1"), (&lenient, "20")] {
        retrysim()
            .arg("generate")
            .arg(&scenario)
            .arg("--out")
            .arg(out)
            .arg("--set")
            .arg(format!("policy.soft_bounce_threshold={threshold}"))
            .assert()
            .success();
    }
    assert_eq!(
        read(&strict.join("failures.csv")),
        read(&lenient.join("failures.csv"))
    );
    assert_eq!(
        read(&strict.join("sends.csv")),
        read(&lenient.join("sends.csv"))
    );
    let other_seed = dir.path().join("other");
    retrysim()
        .arg("generate")
        .arg(&scenario)
        .arg("--seed")
        .arg("8")
        .arg("--out")
        .arg(&other_seed)
        .assert()
        .success();
    assert_ne!(
        read(&strict.join("failures.csv")),
        read(&other_seed.join("failures.csv"))
    );
}

#[test]
fn the_default_scenario_shows_false_suppressions_and_dead_attempts() {
    let dir = tempfile::tempdir().unwrap();
    retrysim()
        .args([
            "run",
            "--set",
            "replications=1",
            "--set",
            "workload.contacts=5000",
            "--out",
        ])
        .arg(dir.path())
        .assert()
        .success();
    assert_ne!(summary_field(dir.path(), "false_suppressions"), "0");
    assert_ne!(summary_field(dir.path(), "attempts_to_dead"), "0");
}

const SENDS_HEADER: &str = "message_id,contact,created_at,delivery_id,channel,message_type\n";

/// Runs a hand-made email trace with threshold 2 over two days and returns the folder.
fn run_trace(sends: &str, failures: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "sends.csv", &format!("{SENDS_HEADER}{sends}"));
    write(
        dir.path(),
        "failures.csv",
        &format!("contact,error_code,start,end\n{failures}"),
    );
    let scenario = "name = \"gt\"\nstart = \"2026-01-05T00:00:00Z\"\nhorizon = \"2d\"\n\
        [workload]\nkind = \"csv\"\nsends = \"sends.csv\"\nfailures = \"failures.csv\"\n\
        [policy]\nsoft_bounce_threshold = 2\n";
    let path = write(dir.path(), "s.toml", scenario);
    retrysim()
        .arg("run")
        .arg(&path)
        .arg("--out")
        .arg(dir.path())
        .assert()
        .success();
    dir
}

/// A contact that recovers before the run ends was suppressed falsely; one that never
/// recovers was not. Threshold 2: attempts at 09:00 and 09:05 fail, so both contacts are
/// suppressed at 09:05; `flaky` recovers at 12:00, `dead` never does.
#[test]
fn a_suppressed_contact_that_recovers_later_is_a_false_suppression() {
    let dir = run_trace(
        "m1,flaky,2026-01-05T09:00:00Z,d1,email,marketing\nm2,dead,2026-01-05T09:00:00Z,d1,email,marketing\n",
        "flaky,4.2.2,2026-01-05T08:00:00Z,2026-01-05T12:00:00Z\ndead,4.2.2,2026-01-05T08:00:00Z,\n",
    );
    assert_eq!(summary_field(dir.path(), "suppressed_contacts"), "2");
    assert_eq!(summary_field(dir.path(), "false_suppressions"), "1");
}

/// Attempts to a contact the model never delivers to again are wasted: `dead` gets two
/// attempts (09:00, 09:05) before suppression; `flaky`'s failed attempts are not counted
/// because it recovers at 12:00, inside the run.
#[test]
fn attempts_to_contacts_that_never_recover_are_counted() {
    let dir = run_trace(
        "m1,flaky,2026-01-05T09:00:00Z,d1,email,marketing\nm2,dead,2026-01-05T09:00:00Z,d1,email,marketing\n",
        "flaky,4.2.2,2026-01-05T08:00:00Z,2026-01-05T12:00:00Z\ndead,4.2.2,2026-01-05T08:00:00Z,\n",
    );
    assert_eq!(summary_field(dir.path(), "attempts_to_dead"), "2");
}

/// A message skipped because of a suppression is a lost delivery when the model would
/// have delivered it at its creation: `flaky` is suppressed at 09:05 and has recovered by
/// the next day's message; `dead` has not.
#[test]
fn skipped_messages_that_would_have_been_delivered_are_lost_deliveries() {
    let dir = run_trace(
        "m1,flaky,2026-01-05T09:00:00Z,d1,email,marketing\nm2,dead,2026-01-05T09:00:00Z,d1,email,marketing\n\
         m3,flaky,2026-01-06T09:00:00Z,d2,email,marketing\nm4,dead,2026-01-06T09:00:00Z,d2,email,marketing\n",
        "flaky,4.2.2,2026-01-05T08:00:00Z,2026-01-05T12:00:00Z\ndead,4.2.2,2026-01-05T08:00:00Z,\n",
    );
    assert_eq!(summary_field(dir.path(), "skipped_suppressed"), "2");
    assert_eq!(summary_field(dir.path(), "lost_deliveries"), "1");
}
