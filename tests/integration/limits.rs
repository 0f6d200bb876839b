//! Sizes that validation accepts but no machine can hold end in a clear error naming the
//! estimate and the limit, never in an allocator abort or a panic (issue 16 items 3, 9).

use assert_cmd::Command;

fn retrysim(args: &[&str]) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::cargo_bin("retrysim")
        .unwrap()
        .current_dir(dir.path())
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output.status.code(), stderr)
}

#[test]
fn fifty_million_contacts_over_a_small_limit_are_refused_before_building() {
    let (code, stderr) = retrysim(&[
        "run",
        "--set",
        "workload.contacts=50000000",
        "--set",
        "replications=1000",
        "--threads",
        "2",
        "--memory-limit",
        "1G",
    ]);
    assert_eq!(code, Some(1));
    // `run` builds a world when a worker takes its replication and drops it once
    // written, so only one world per thread exists at a time, whatever the count.
    assert!(
        stderr.contains("2 world(s)") && stderr.contains("memory limit is 1.0 GiB"),
        "{stderr}"
    );
}

#[test]
fn a_run_counts_one_world_per_thread_not_per_replication() {
    let (code, stderr) = retrysim(&[
        "run",
        "--set",
        "workload.contacts=50000000",
        "--set",
        "replications=10",
        "--threads",
        "1",
        "--memory-limit",
        "1G",
    ]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("needs about") && stderr.contains("(1 world(s) of"),
        "{stderr}"
    );
}

/// A traced run on two threads keeps one replication ahead only when that third world
/// fits too; under a limit that holds two worlds but not three it runs as an untraced
/// run would, rather than being refused.
#[test]
fn a_traced_run_looks_ahead_only_when_the_extra_world_fits() {
    use retrysim::scenario::Scenario;
    use retrysim::study::memory;
    let sets = ["workload.contacts=2000".to_string()];
    let scenario = Scenario::load(None, &sets).unwrap();
    let one = memory::estimate(&scenario).unwrap().bytes();
    // `retrysim` runs in a fresh folder, so each run writes its own `output/`.
    let traced = |limit: u64| {
        let limit = limit.to_string();
        let args = ["run", "--set", &sets[0], "--trace", "--threads", "2"];
        retrysim(&[&args[..], &["--memory-limit", &limit]].concat())
    };
    let (code, stderr) = traced(one * 5 / 2);
    assert_eq!(code, Some(0), "{stderr}");
    let (code, stderr) = traced(one * 3 / 2);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("(2 world(s) of"), "{stderr}");
}

#[test]
fn a_sweep_of_sixty_four_keys_is_refused_not_wrapped() {
    let keys: Vec<String> = (0..64)
        .map(|k| format!("\"policy.k{k:02}\" = [1, 2]"))
        .collect();
    let table = format!("sweep={{ {} }}", keys.join(", "));
    let (code, stderr) = retrysim(&["sweep", "--set", &table]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("more than 100000 points"), "{stderr}");
}

#[test]
fn replications_cannot_be_swept() {
    let (code, stderr) = retrysim(&["sweep", "--set", "sweep={ replications = [1, 2] }"]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("\"replications\" cannot be swept"),
        "{stderr}"
    );
}

#[test]
fn a_bad_memory_limit_is_a_command_line_error() {
    let (code, stderr) = retrysim(&["run", "--memory-limit", "lots"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("expected a size such as 512M"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn an_endless_scenario_or_trace_file_is_refused() {
    let (code, stderr) = retrysim(&["check", "/dev/zero"]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("larger than 1048576 bytes"), "{stderr}");
    let (code, stderr) = retrysim(&[
        "run",
        "--set",
        "workload={ kind = \"csv\", sends = \"/dev/zero\" }",
    ]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("longer than 1048576 bytes") || stderr.contains("NUL"),
        "{stderr}"
    );
}
