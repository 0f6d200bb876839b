//! `retrysim sweep` and `retrysim merge`: the files do not depend on the thread count,
//! the shard split or an interruption.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn retrysim() -> Command {
    Command::cargo_bin("retrysim").expect("binary builds")
}

/// A 3 × 2 grid over the small trace, 3 replications.
fn scenario(dir: &Path) -> PathBuf {
    let traces = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/traces/small");
    let text = format!(
        r#"name = "sweep-test"
seed = 7
replications = 3
horizon = "7d"

[workload]
kind = "csv"
sends = "{traces}/sends.csv"
failures = "{traces}/failures.csv"

[policy]
preset = "email"
soft_bounce_threshold = 3
retry_period = "84h"

[sweep]
"policy.soft_bounce_threshold" = [1, 3, 5]
"policy.retry_period" = ["6h", "84h"]
"#
    );
    let path = dir.join("scenario.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn sweep(scenario: &Path, out: &Path, extra: &[&str]) {
    retrysim()
        .arg("sweep")
        .arg(scenario)
        .arg("--out")
        .arg(out)
        .args(extra)
        .assert()
        .success();
}

/// The final files of an output folder (not the point files), by name.
fn final_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let names = [
        "summary.csv",
        "aggregate.csv",
        "ttd.csv",
        "recommendation.csv",
        "scenario.toml",
    ];
    names
        .iter()
        .map(|n| (n.to_string(), std::fs::read(dir.join(n)).unwrap()))
        .collect()
}

fn lines(dir: &Path, name: &str) -> Vec<String> {
    std::fs::read_to_string(dir.join(name))
        .unwrap()
        .lines()
        .map(String::from)
        .collect()
}

#[test]
fn files_are_byte_identical_for_one_two_and_eight_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let s = scenario(tmp.path());
    let outs: Vec<PathBuf> = ["1", "2", "8"]
        .iter()
        .map(|t| {
            let out = tmp.path().join(format!("threads-{t}"));
            sweep(&s, &out, &["--threads", t]);
            out
        })
        .collect();
    let first = final_files(&outs[0]);
    for out in &outs[1..] {
        assert!(final_files(out) == first, "{} differs", out.display());
    }
}

#[test]
fn summary_has_a_row_per_point_and_replication_and_aggregate_per_point() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    sweep(&scenario(tmp.path()), &out, &[]);
    let summary = lines(&out, "summary.csv");
    assert_eq!(summary.len(), 1 + 6 * 3);
    assert!(summary[0].ends_with(",policy.retry_period,policy.soft_bounce_threshold"));
    let aggregate = lines(&out, "aggregate.csv");
    assert_eq!(aggregate.len(), 1 + 6);
    assert!(aggregate[0].starts_with(
        "point,replications,policy.retry_period,policy.soft_bounce_threshold,\
         messages_mean,messages_ci95,messages_diff_mean,messages_diff_ci95,"
    ));
    // The baseline is the scenario's own point (84h, 3): its differences are zero.
    assert!(aggregate[5].starts_with("4,3,84h,3,11.000000,0.000000,0.000000,0.000000,"));
    assert_eq!(lines(&out, "recommendation.csv").len(), 1 + 6);
    assert_eq!(lines(&out, "ttd.csv").len(), 1 + 6 * 100);
}

#[test]
fn merged_shards_equal_the_unsharded_sweep() {
    let tmp = tempfile::tempdir().unwrap();
    let s = scenario(tmp.path());
    let whole = tmp.path().join("whole");
    sweep(&s, &whole, &[]);
    let (a, b, merged) = (
        tmp.path().join("a"),
        tmp.path().join("b"),
        tmp.path().join("merged"),
    );
    sweep(&s, &a, &["--shard", "1/2"]);
    sweep(&s, &b, &["--shard", "2/2"]);
    assert!(
        !a.join("summary.csv").exists(),
        "a shard alone is not assembled"
    );
    retrysim()
        .arg("merge")
        .arg(&a)
        .arg(&b)
        .arg("--out")
        .arg(&merged)
        .assert()
        .success();
    assert!(final_files(&merged) == final_files(&whole));
}

#[test]
fn resume_after_losing_points_equals_an_uninterrupted_sweep() {
    let tmp = tempfile::tempdir().unwrap();
    let s = scenario(tmp.path());
    let out = tmp.path().join("out");
    sweep(&s, &out, &[]);
    let uninterrupted = final_files(&out);
    for name in [
        "point-000001.csv",
        "point-000004.csv",
        "summary.csv",
        "aggregate.csv",
    ] {
        let dir = if name.starts_with("point") {
            out.join("points")
        } else {
            out.clone()
        };
        std::fs::remove_file(dir.join(name)).unwrap();
    }
    let resumed = retrysim()
        .arg("sweep")
        .arg(&s)
        .arg("--out")
        .arg(&out)
        .arg("--resume")
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&resumed.get_output().stdout).into_owned();
    assert!(stdout.contains("2 point(s) run now"), "{stdout}");
    assert!(final_files(&out) == uninterrupted);
}

#[test]
fn a_point_that_fails_validation_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let s = scenario(tmp.path());
    let text = std::fs::read_to_string(&s)
        .unwrap()
        .replace("[1, 3, 5]", "[1, 3, 500]");
    std::fs::write(&s, text).unwrap();
    let out = retrysim()
        .arg("sweep")
        .arg(&s)
        .arg("--out")
        .arg(tmp.path().join("out"))
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("point 2 (policy.retry_period=6h, policy.soft_bounce_threshold=500)"),
        "{stderr}"
    );
}

#[test]
fn a_latin_hypercube_sweep_is_reproducible() {
    let tmp = tempfile::tempdir().unwrap();
    let s = scenario(tmp.path());
    let text = std::fs::read_to_string(&s).unwrap();
    let grid = text.find("[sweep]").unwrap();
    let lhs = "[sweep]\ndesign = \"lhs\"\nsamples = 4\n\
        \"policy.soft_bounce_threshold\" = { min = 1, max = 20 }\n\
        \"policy.retry_period\" = { min = \"6h\", max = \"84h\" }\n";
    std::fs::write(&s, format!("{}{lhs}", &text[..grid])).unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    sweep(&s, &a, &["--threads", "1"]);
    sweep(&s, &b, &["--threads", "2"]);
    assert_eq!(lines(&a, "aggregate.csv").len(), 1 + 4);
    assert!(final_files(&a) == final_files(&b));
}
