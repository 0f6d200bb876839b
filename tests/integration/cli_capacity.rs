//! The command line in worlds with capacity (issue 15): `load.csv` and the load columns
//! appear only when the world has limits, `capacity.csv` is read and located, and bad
//! capacity settings are clear errors.

use assert_cmd::Command;

fn retrysim() -> Command {
    Command::cargo_bin("retrysim").expect("binary builds")
}

const SENDS: &str = "message_id,contact,created_at,delivery_id,channel,message_type\n\
    m1,a@x.org,2026-01-05T09:00:00Z,d1,email,marketing\n\
    m2,b@x.org,2026-01-05T09:00:00Z,d1,email,marketing\n";

/// A folder with two sends to x.org and a scenario with the given extra workload lines.
fn case(workload_lines: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("sends.csv"), SENDS).unwrap();
    let scenario = format!(
        "name = \"cap\"\nstart = \"2026-01-05T00:00:00Z\"\nhorizon = \"1d\"\n\
         [workload]\nkind = \"csv\"\nsends = \"sends.csv\"\n{workload_lines}\n"
    );
    std::fs::write(dir.path().join("s.toml"), scenario).unwrap();
    dir
}

fn run(dir: &tempfile::TempDir) -> (bool, String) {
    let out = retrysim()
        .arg("run")
        .arg(dir.path().join("s.toml"))
        .arg("--out")
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_capacity_csv_gives_load_csv_and_load_columns_at_the_end() {
    // x.org accepts a burst of 1 and refills 60 an hour (one a minute). m1 takes the
    // token at 09:00; m2 is throttled and retried 5 minutes later, when the bucket holds
    // one again: delivered. Load: minute 540 (09:00) 2 attempts, 1 accepted, 1
    // throttled; minute 545, 1 attempt accepted.
    let dir = case("capacity = \"capacity.csv\"");
    std::fs::write(
        dir.path().join("capacity.csv"),
        "domain,rate_per_hour,burst,code\nx.org,60,1,\n",
    )
    .unwrap();
    let (ok, err) = run(&dir);
    assert!(ok, "{err}");
    let load = std::fs::read_to_string(dir.path().join("out/load.csv")).unwrap();
    assert_eq!(
        load,
        "replication,point,minute,domain,attempts,accepted,throttled,queued\n\
         0,0,540,x.org,2,1,1,0\n0,0,545,x.org,1,1,0,0\n"
    );
    let summary = std::fs::read_to_string(dir.path().join("out/summary.csv")).unwrap();
    let (header, row) = summary.split_once('\n').unwrap();
    assert!(header.ends_with(
        ",peak_attempts_per_min,throttled,throttling_ended_s,queue_wait_p50_s,queue_wait_p90_s,queue_wait_p99_s"
    ));
    // Peak 2 a minute, 1 throttled, throttling over at the end of minute 540 (32460 s),
    // no sender limits: no queue waits.
    assert!(row.trim_end().ends_with(",2,1,32460,,,"), "{row}");
    assert!(dir.path().join("out/load.png").is_file());
}

#[test]
fn an_unlimited_world_writes_no_load_file_and_no_load_columns() {
    let dir = case("");
    let (ok, err) = run(&dir);
    assert!(ok, "{err}");
    assert!(!dir.path().join("out/load.csv").exists());
    let summary = std::fs::read_to_string(dir.path().join("out/summary.csv")).unwrap();
    assert!(!summary.contains("throttled"));
}

#[test]
fn bad_capacity_input_is_located_and_exits_non_zero() {
    let dir = case("capacity = \"capacity.csv\"");
    std::fs::write(
        dir.path().join("capacity.csv"),
        "domain,rate_per_hour,burst,code\nx.org,lots,1,\n",
    )
    .unwrap();
    let (ok, err) = run(&dir);
    assert!(!ok);
    assert!(
        err.contains("capacity.csv line 2, column rate_per_hour: expected attempts per hour"),
        "{err}"
    );
    let dir = case("[[workload.capacity]]\ndomain = \"x.org\"\nrate = 10\nburst = 0\n");
    let (ok, err) = run(&dir);
    assert!(!ok);
    assert!(
        err.contains("workload.capacity[0].burst must be at least 1, got 0"),
        "{err}"
    );
}
