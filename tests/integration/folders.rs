//! Result folders never mix: a folder holds one command's results for one scenario,
//! inputs are never overwritten, a rerun removes what it no longer writes, and resume,
//! merge and plot refuse points or files of another world (issue 16 items 1, 4, 6, 7).

use std::path::{Path, PathBuf};

use assert_cmd::Command;

const SCENARIO: &str = r#"name = "folders"
seed = 3
replications = 2
horizon = "3d"

[workload]
kind = "synthetic"
contacts = 150

[sweep]
"policy.soft_bounce_threshold" = [3, 5]
"#;

struct Case {
    dir: tempfile::TempDir,
}

impl Case {
    fn new() -> Case {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("scenario.toml"), SCENARIO).unwrap();
        Case { dir }
    }

    fn scenario(&self) -> PathBuf {
        self.dir.path().join("scenario.toml")
    }

    fn out(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Runs `command` on the scenario into `out`; returns success and stderr.
    fn cmd(&self, command: &str, out: &Path, extra: &[&str]) -> (bool, String) {
        let output = Command::cargo_bin("retrysim")
            .unwrap()
            .arg(command)
            .arg(self.scenario())
            .arg("--out")
            .arg(out)
            .args(extra)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        (output.status.success(), stderr)
    }
}

fn plot(dir: &Path) -> (bool, String) {
    let output = Command::cargo_bin("retrysim")
        .unwrap()
        .arg("plot")
        .arg(dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output.status.success(), stderr)
}

#[test]
fn run_refuses_to_overwrite_its_own_scenario_file() {
    let case = Case::new();
    let (ok, stderr) = case.cmd("run", case.dir.path(), &[]);
    assert!(!ok);
    assert!(stderr.contains("would be overwritten"), "{stderr}");
    assert_eq!(std::fs::read_to_string(case.scenario()).unwrap(), SCENARIO);
}

#[test]
fn a_rerun_without_trace_removes_the_old_trace() {
    let case = Case::new();
    let out = case.out("run");
    assert!(case.cmd("run", &out, &["--trace"]).0);
    assert!(out.join("attempts.csv").exists());
    let (ok, stderr) = case.cmd("run", &out, &[]);
    assert!(ok, "{stderr}");
    assert!(!out.join("attempts.csv").exists());
    assert!(out.join("results.toml").exists());
}

#[test]
fn sweep_into_a_run_folder_needs_force_and_then_replaces_it() {
    let case = Case::new();
    let out = case.out("both");
    assert!(case.cmd("run", &out, &[]).0);
    let (ok, stderr) = case.cmd("sweep", &out, &[]);
    assert!(!ok);
    assert!(
        stderr.contains("holds the results of `retrysim run`"),
        "{stderr}"
    );
    let (ok, stderr) = case.cmd("sweep", &out, &["--force"]);
    assert!(ok, "{stderr}");
    assert!(
        !out.join("suppressions.csv").exists(),
        "the run's files are gone"
    );
    assert!(plot(&out).0);
}

#[test]
fn plot_refuses_a_folder_that_mixes_two_scenarios() {
    let case = Case::new();
    let (a, b) = (case.out("a"), case.out("b"));
    assert!(case.cmd("sweep", &a, &[]).0);
    assert!(case.cmd("sweep", &b, &["--seed", "99"]).0);
    std::fs::copy(b.join("aggregate.csv"), a.join("aggregate.csv")).unwrap();
    let (ok, stderr) = plot(&a);
    assert!(!ok);
    assert!(stderr.contains("mixes results"), "{stderr}");
}

/// Folders written before `results.toml` named its digest list SHA-256 digests: `plot`
/// still checks them, finds a changed file, and rewrites the record with BLAKE3.
#[test]
fn plot_checks_and_upgrades_a_folder_of_an_earlier_version() {
    use retrysim::report::file_hash::FileHash;
    let case = Case::new();
    let out = case.out("old");
    assert!(case.cmd("run", &out, &["--trace"]).0);
    let record_path = out.join("results.toml");
    let record = std::fs::read_to_string(&record_path).unwrap();
    assert!(record.contains("digest = \"blake3\"\n"), "{record}");
    // The same record as an earlier version wrote it: no digest key, SHA-256 digests.
    let old: String = record
        .lines()
        .filter(|l| !l.starts_with("digest = "))
        .map(|l| match l.split_once(" = ") {
            Some((name, _)) if name.starts_with('"') => {
                let digest = FileHash::Sha256.of_file(&out.join(name.trim_matches('"')));
                format!("{name} = \"{}\"\n", digest.unwrap())
            }
            _ => format!("{l}\n"),
        })
        .collect();
    std::fs::write(&record_path, &old).unwrap();
    let (ok, stderr) = plot(&out);
    assert!(ok, "{stderr}");
    let upgraded = std::fs::read_to_string(&record_path).unwrap();
    assert!(upgraded.contains("digest = \"blake3\"\n"), "{upgraded}");
    let attempts = FileHash::Blake3.of_file(&out.join("attempts.csv")).unwrap();
    assert!(
        upgraded.contains(&format!("\"attempts.csv\" = \"{attempts}\"")),
        "{upgraded}"
    );
    // An old record whose file changed since is refused.
    std::fs::write(&record_path, &old).unwrap();
    std::fs::write(out.join("summary.csv"), "changed\n").unwrap();
    let (ok, stderr) = plot(&out);
    assert!(!ok);
    assert!(
        stderr.contains("summary.csv") && stderr.contains("mixes results"),
        "{stderr}"
    );
}

#[test]
fn resume_with_another_world_names_the_first_differing_key() {
    let case = Case::new();
    let out = case.out("s");
    assert!(case.cmd("sweep", &out, &[]).0);
    let (ok, stderr) = case.cmd(
        "sweep",
        &out,
        &["--resume", "--set", "workload.contacts=300"],
    );
    assert!(!ok);
    assert!(stderr.contains("workload.contacts: 150 → 300"), "{stderr}");
}

#[test]
fn merge_refuses_shards_of_different_scenarios() {
    let case = Case::new();
    let (a, b) = (case.out("a"), case.out("b"));
    assert!(case.cmd("sweep", &a, &["--shard", "1/2"]).0);
    let gap = [
        "--shard",
        "2/2",
        "--set",
        "policy.cross_delivery_gap=\"1h\"",
    ];
    assert!(case.cmd("sweep", &b, &gap).0);
    let output = Command::cargo_bin("retrysim")
        .unwrap()
        .args(["merge"])
        .arg(&a)
        .arg(&b)
        .arg("--out")
        .arg(case.out("merged"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("policy.cross_delivery_gap"), "{stderr}");
}

#[test]
fn a_point_file_of_another_scenario_is_refused() {
    let case = Case::new();
    let (a, b) = (case.out("a"), case.out("b"));
    assert!(case.cmd("sweep", &a, &[]).0);
    assert!(case.cmd("sweep", &b, &["--set", "workload.contacts=151"]).0);
    let point = "points/point-000001.csv";
    std::fs::copy(b.join(point), a.join(point)).unwrap();
    let (ok, stderr) = case.cmd("sweep", &a, &["--resume"]);
    assert!(!ok);
    assert!(stderr.contains("different scenario"), "{stderr}");
}

#[test]
fn a_name_cannot_leave_the_output_folder() {
    let case = Case::new();
    let output = Command::cargo_bin("retrysim")
        .unwrap()
        .current_dir(case.dir.path())
        .args(["run", "scenario.toml", "--set", "name=\"../../x\""])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("path separator"));
}
