//! Snapshot tests of the files the binary writes, with readable diffs (insta): a traced
//! run's `attempts.csv`, an operator's `operator.csv`, and a small sweep's
//! `aggregate.csv`, `recommendation.csv`, `ttd.csv` and `summary.csv`. The snapshots live in
//! `tests/integration/snapshots/`.
//!
//! A change that is *meant* to alter one of these files (a new column, a rule fix) shows
//! up here as a diff. Review it, then accept it with
//! `INSTA_UPDATE=always cargo test --test integration outputs` (or `cargo insta review`
//! with cargo-insta installed) and commit the changed `.snap` files with a word on why.

use std::path::Path;

use assert_cmd::Command;

use crate::support::{Trace, portal};

fn traces() -> &'static str {
    concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/traces/small")
}

/// Runs `retrysim ARGS... --out DIR` and returns the text of `file` in DIR.
fn output_of(args: &[&str], dir: &Path, file: &str) -> String {
    Command::cargo_bin("retrysim")
        .unwrap()
        .args(args)
        .arg("--out")
        .arg(dir)
        .assert()
        .success();
    std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// The small trace (five contacts, two newsletters) under the `email` preset.
fn small_trace(dir: &Path, extra: &str) -> String {
    let text = format!(
        "name = \"snapshot\"\nseed = 7\nreplications = 2\nhorizon = \"7d\"\n\
         [workload]\nkind = \"csv\"\nsends = \"{t}/sends.csv\"\nfailures = \"{t}/failures.csv\"\n\
         [policy]\npreset = \"email\"\nbackoff = {{ jitter = \"full\" }}\n{extra}",
        t = traces()
    );
    let path = dir.join("scenario.toml");
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn attempts_csv_of_the_small_trace_s7_s8() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = small_trace(tmp.path(), "");
    let out = tmp.path().join("out");
    let text = output_of(&["run", &scenario, "--trace"], &out, "attempts.csv");
    insta::assert_snapshot!("attempts_csv", text);
}

#[test]
fn operator_csv_of_manual_and_bulk_retries_s3_s4() {
    let tmp = tempfile::tempdir().unwrap();
    let trace = Trace::sms()
        .send("m1", "+331", "2026-01-05T09:00:00Z", "d1")
        .send("m2", "+332", "2026-01-05T09:00:00Z", "d1")
        .send("m3", "+332", "2026-01-05T12:00:00Z", "d2")
        .fails(
            "+331",
            "30003",
            "2026-01-05T08:00:00Z",
            "2026-01-05T10:00:00Z",
        )
        .fails_from("+332", "30003", "2026-01-05T08:00:00Z")
        .manual_with_note("2026-01-05T09:30:00Z", "m1", "customer called")
        .manual("2026-01-05T13:00:00Z", "m2")
        .bulk("2026-01-05T14:00:00Z");
    let scenario = trace.write_csv(tmp.path(), &portal(""));
    let out = tmp.path().join("out");
    let text = output_of(&["run", scenario.to_str().unwrap()], &out, "operator.csv");
    insta::assert_snapshot!("operator_csv", text);
}

#[test]
fn sweep_files_of_a_small_grid() {
    let tmp = tempfile::tempdir().unwrap();
    let sweep = "[sweep]\n\"policy.soft_bounce_threshold\" = [1, 5]\n";
    let scenario = small_trace(tmp.path(), sweep);
    let out = tmp.path().join("out");
    let aggregate = output_of(&["sweep", &scenario], &out, "aggregate.csv");
    insta::assert_snapshot!("sweep_aggregate_csv", aggregate);
    for file in ["recommendation.csv", "ttd.csv", "summary.csv"] {
        let text = std::fs::read_to_string(out.join(file)).unwrap();
        insta::assert_snapshot!(format!("sweep_{}", file.replace('.', "_")), text);
    }
}
