//! `retrysim verify`: a rerun that reproduces the baseline passes (exit 0), a change
//! that moves a metric fails (exit 1) unless a tolerance allows it, `--update` rewrites
//! the baseline, and unusable input exits 2.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn retrysim() -> Command {
    Command::cargo_bin("retrysim").expect("binary builds")
}

/// The small trace of `scenarios/`, two replications, with an optional `[sweep]` table.
fn scenario(dir: &Path, sweep: bool) -> PathBuf {
    let traces = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/traces/small");
    let mut text = format!(
        "name = \"verify-test\"\nseed = 7\nreplications = 2\nhorizon = \"7d\"\n\
         [workload]\nkind = \"csv\"\nsends = \"{traces}/sends.csv\"\nfailures = \"{traces}/failures.csv\"\n\
         [policy]\npreset = \"email\"\nbackoff = {{ jitter = \"full\" }}\n"
    );
    if sweep {
        text.push_str("[sweep]\n\"policy.soft_bounce_threshold\" = [2, 5]\n");
    }
    let path = dir.join(if sweep { "sweep.toml" } else { "run.toml" });
    std::fs::write(&path, text).unwrap();
    path
}

/// Writes a baseline with `run` (or `sweep`) into `dir/base`.
fn baseline(dir: &Path, command: &str, scenario: &Path) -> PathBuf {
    let base = dir.join("base");
    retrysim()
        .arg(command)
        .arg(scenario)
        .arg("--out")
        .arg(&base)
        .assert()
        .success();
    base
}

/// Runs `verify BASE` with extra arguments; returns (exit code, stdout, stderr).
fn verify(base: &Path, extra: &[&str]) -> (i32, String, String) {
    let output = retrysim()
        .arg("verify")
        .arg(base)
        .args(extra)
        .output()
        .unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (
        output.status.code().unwrap_or(-1),
        text(&output.stdout),
        text(&output.stderr),
    )
}

/// Adds `by` to column `column` of the first data row of a CSV file.
fn nudge(path: &Path, column: &str, by: i64) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let at = lines[0].split(',').position(|c| c == column).unwrap();
    let mut cells: Vec<String> = lines[1].split(',').map(str::to_string).collect();
    cells[at] = (cells[at].parse::<i64>().unwrap() + by).to_string();
    lines[1] = cells.join(",");
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
}

#[test]
fn a_rerun_of_a_run_baseline_passes_with_the_recorded_scenario() {
    let tmp = tempfile::tempdir().unwrap();
    let base = baseline(tmp.path(), "run", &scenario(tmp.path(), false));
    let (code, stdout, stderr) = verify(&base, &[]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains("0 moved") && stdout.contains("no regression"),
        "{stdout}"
    );
}

#[test]
fn a_rerun_of_a_sweep_baseline_compares_aggregate_csv_too() {
    let tmp = tempfile::tempdir().unwrap();
    let s = scenario(tmp.path(), true);
    let base = baseline(tmp.path(), "sweep", &s);
    nudge(&base.join("aggregate.csv"), "replications", 1);
    let (code, stdout, _) = verify(&base, &[s.to_str().unwrap()]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("aggregate.csv") && stdout.contains("replications"),
        "{stdout}"
    );
}

#[test]
fn a_policy_change_is_a_regression_with_a_table_and_a_junit_report() {
    let tmp = tempfile::tempdir().unwrap();
    let s = scenario(tmp.path(), false);
    let base = baseline(tmp.path(), "run", &s);
    let junit = tmp.path().join("junit.xml");
    let (code, stdout, stderr) = verify(
        &base,
        &[
            s.to_str().unwrap(),
            "--set",
            "policy.soft_bounce_threshold=1",
            "--junit",
            junit.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(
        stdout.contains("suppressed_contacts") && stdout.contains("REGRESSION"),
        "{stdout}"
    );
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(
        xml.contains("<testsuite ") && xml.contains("failures=\"2\""),
        "{xml}"
    );
}

#[test]
fn a_tolerance_allows_a_metric_to_move_by_its_amount() {
    let tmp = tempfile::tempdir().unwrap();
    let s = scenario(tmp.path(), false);
    let base = baseline(tmp.path(), "run", &s);
    nudge(&base.join("summary.csv"), "attempts", 2);
    let s = s.to_str().unwrap();
    let (code, stdout, _) = verify(&base, &[s, "--tolerance", "attempts=1"]);
    assert_eq!(code, 1, "2 is more than 1: {stdout}");
    let (code, stdout, _) = verify(&base, &[s, "--tolerance", "attempts=2"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("attempts") && stdout.contains("ok"),
        "{stdout}"
    );
}

#[test]
fn update_rewrites_the_baseline_so_the_next_verify_passes() {
    let tmp = tempfile::tempdir().unwrap();
    let s = scenario(tmp.path(), false);
    let base = baseline(tmp.path(), "run", &s);
    let changed = [
        s.to_str().unwrap(),
        "--set",
        "policy.soft_bounce_threshold=1",
    ];
    assert_eq!(verify(&base, &changed).0, 1);
    let update: Vec<&str> = changed.iter().copied().chain(["--update"]).collect();
    let (code, stdout, _) = verify(&base, &update);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("updated baseline"), "{stdout}");
    assert_eq!(verify(&base, &changed).0, 0);
}

#[test]
fn update_creates_a_missing_baseline() {
    let tmp = tempfile::tempdir().unwrap();
    let s = scenario(tmp.path(), false);
    let base = tmp.path().join("new");
    let s = s.to_str().unwrap();
    assert_eq!(verify(&base, &[s, "--update"]).0, 0);
    assert!(base.join("summary.csv").is_file());
    assert_eq!(verify(&base, &[s]).0, 0);
}

#[test]
fn unusable_input_exits_2_with_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, _, stderr) = verify(&tmp.path().join("nothing"), &[]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("error: ") && stderr.contains("no summary.csv"),
        "{stderr}"
    );
    let base = baseline(tmp.path(), "run", &scenario(tmp.path(), false));
    let (code, _, stderr) = verify(&base, &["--tolerance", "nonsense=1"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("not a metric"), "{stderr}");
    let (code, _, stderr) = verify(&base, &["--out", base.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("must not be the baseline"), "{stderr}");
    let (code, _, _) = verify(&base, &["--no-such-flag"]);
    assert_eq!(code, 2, "a command-line error is a usage error");
}
