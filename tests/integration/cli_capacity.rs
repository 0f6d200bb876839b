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

/// A sweep in a world with limits writes replication 0's load of every point into its
/// `load.csv` and draws the load chart into `report.html`; the rows are the hand-worked
/// ones of the `run` test above, once per point.
#[test]
fn a_sweep_with_capacity_writes_load_per_point_and_the_load_chart() {
    // Two points (thresholds 3 and 5) and two replications: the trace has no randomness
    // and no suppression, so each point's replication 0 is the run above.
    let dir = case(
        "capacity = \"capacity.csv\"\nreplications = 2\n\n[sweep]\n\
         \"policy.soft_bounce_threshold\" = [3, 5]",
    );
    let scenario = std::fs::read_to_string(dir.path().join("s.toml")).unwrap();
    let scenario = scenario.replace("replications = 2\n", "");
    let scenario = scenario.replace("name = \"cap\"\n", "name = \"cap\"\nreplications = 2\n");
    std::fs::write(dir.path().join("s.toml"), scenario).unwrap();
    std::fs::write(
        dir.path().join("capacity.csv"),
        "domain,rate_per_hour,burst,code\nx.org,60,1,\n",
    )
    .unwrap();
    let out = retrysim()
        .arg("sweep")
        .arg(dir.path().join("s.toml"))
        .arg("--out")
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let load = std::fs::read_to_string(dir.path().join("out/load.csv")).unwrap();
    assert_eq!(
        load,
        "replication,point,minute,domain,attempts,accepted,throttled,queued\n\
         0,0,540,x.org,2,1,1,0\n0,0,545,x.org,1,1,0,0\n\
         0,1,540,x.org,2,1,1,0\n0,1,545,x.org,1,1,0,0\n"
    );
    let html = std::fs::read_to_string(dir.path().join("out/report.html")).unwrap();
    assert!(html.contains("id=\"chart-load\""));
    let results = std::fs::read_to_string(dir.path().join("out/results.toml")).unwrap();
    assert!(results.contains("load.csv"), "{results}");
}

/// A sweep in a world without limits writes no load file and no load chart.
#[test]
fn a_sweep_without_limits_writes_no_load_file() {
    let dir = case("\n[sweep]\n\"policy.soft_bounce_threshold\" = [3, 5]");
    let out = retrysim()
        .arg("sweep")
        .arg(dir.path().join("s.toml"))
        .arg("--out")
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!dir.path().join("out/load.csv").exists());
    assert!(!dir.path().join("out/load.svg").exists());
}

/// `sends.csv` may name each SMS contact's carrier, and a `capacity.csv` row with an
/// empty domain and a carrier limits that carrier's numbers.
#[test]
fn an_imported_carrier_is_throttled_by_its_own_bucket() {
    // +15550001 and +15550002 are on carrier_x (burst 1, one a minute); +15550003 is on
    // carrier_y, which has no bucket. At 09:00 the first number takes carrier_x's token,
    // the second is throttled; carrier_y's number goes through as "other".
    let dir = case("capacity = \"capacity.csv\"");
    std::fs::write(
        dir.path().join("sends.csv"),
        "message_id,contact,created_at,delivery_id,channel,message_type,carrier\n\
         m1,+15550001,2026-01-05T09:00:00Z,d1,sms,marketing,carrier_x\n\
         m2,+15550002,2026-01-05T09:00:00Z,d1,sms,marketing,carrier_x\n\
         m3,+15550003,2026-01-05T09:00:00Z,d1,sms,marketing,carrier_y\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("capacity.csv"),
        "domain,rate_per_hour,burst,code,carrier\n,60,1,,carrier_x\n",
    )
    .unwrap();
    let (ok, err) = run(&dir);
    assert!(ok, "{err}");
    let load = std::fs::read_to_string(dir.path().join("out/load.csv")).unwrap();
    let first: Vec<&str> = load.lines().take(3).collect();
    assert_eq!(
        first,
        [
            "replication,point,minute,domain,attempts,accepted,throttled,queued",
            "0,0,540,carrier_x,2,1,1,0",
            "0,0,540,other,1,1,0,0"
        ]
    );
}

/// A carrier on an email row is refused with its line and column.
#[test]
fn a_carrier_on_an_email_send_is_an_error() {
    let dir = case("");
    std::fs::write(
        dir.path().join("sends.csv"),
        "message_id,contact,created_at,delivery_id,channel,message_type,carrier\n\
         m1,a@x.org,2026-01-05T09:00:00Z,d1,email,marketing,carrier_x\n",
    )
    .unwrap();
    let (ok, err) = run(&dir);
    assert!(!ok);
    assert!(err.contains("line 2") && err.contains("carrier"), "{err}");
}

/// `domain_per_minute` may name a carrier: its numbers queue, other numbers do not.
#[test]
fn a_sender_limit_may_name_a_carrier() {
    // carrier_x may take one attempt a minute: +15550001 goes at 09:00, +15550002 waits
    // to 09:01 (queued in minute 540, attempted in 541). +15550003 (carrier_y) is not
    // limited and goes at 09:00 as "other".
    let dir = case("[workload.sender]\ndomain_per_minute = { carrier_x = 1 }");
    std::fs::write(
        dir.path().join("sends.csv"),
        "message_id,contact,created_at,delivery_id,channel,message_type,carrier\n\
         m1,+15550001,2026-01-05T09:00:00Z,d1,sms,marketing,carrier_x\n\
         m2,+15550002,2026-01-05T09:00:00Z,d1,sms,marketing,carrier_x\n\
         m3,+15550003,2026-01-05T09:00:00Z,d1,sms,marketing,carrier_y\n",
    )
    .unwrap();
    let (ok, err) = run(&dir);
    assert!(ok, "{err}");
    let load = std::fs::read_to_string(dir.path().join("out/load.csv")).unwrap();
    assert_eq!(
        load,
        "replication,point,minute,domain,attempts,accepted,throttled,queued\n\
         0,0,540,carrier_x,1,1,0,1\n0,0,540,other,1,1,0,0\n0,0,541,carrier_x,1,1,0,0\n"
    );
}

/// `generate` writes each number's carrier, so a generated world imported back meets the
/// same carrier buckets: the load of the imported run equals the synthetic run's.
#[test]
fn a_generated_world_keeps_its_carriers_through_import() {
    let dir = tempfile::tempdir().unwrap();
    let head = "name = \"g\"\nseed = 3\nstart = \"2026-01-05T00:00:00Z\"\nhorizon = \"3d\"\n";
    let bucket = "[[workload.capacity]]\ncarrier = \"carrier_a\"\nrate = 30\nburst = 5\n";
    let synthetic = format!(
        "{head}[workload]\nkind = \"synthetic\"\ncontacts = 600\nsms_share = 0.5\n{bucket}"
    );
    std::fs::write(dir.path().join("syn.toml"), synthetic).unwrap();
    let go = |args: &[&str]| {
        let out = retrysim()
            .current_dir(dir.path())
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    go(&["generate", "syn.toml", "--out", "world"]);
    let sends = std::fs::read_to_string(dir.path().join("world/sends.csv")).unwrap();
    let mut lines = sends.lines();
    assert!(lines.next().unwrap().ends_with(",message_type,carrier"));
    for line in lines.take(200) {
        let sms = line.contains(",sms,");
        let carrier = line.rsplit(',').next().unwrap();
        assert_eq!(sms, carrier.starts_with("carrier_"), "{line}");
    }
    let imported = format!(
        "{head}[workload]\nkind = \"csv\"\nsends = \"world/sends.csv\"\n\
         failures = \"world/failures.csv\"\n{bucket}"
    );
    std::fs::write(dir.path().join("imp.toml"), imported).unwrap();
    go(&["run", "syn.toml", "--out", "a"]);
    go(&["run", "imp.toml", "--out", "b"]);
    let load = |d: &str| std::fs::read_to_string(dir.path().join(d).join("load.csv")).unwrap();
    assert!(load("a").contains(",carrier_a,"));
    assert_eq!(load("a"), load("b"));
}

/// Shards of a sweep with limits, merged, give the same `load.csv` as the whole sweep:
/// each point's load file travels with its point file.
#[test]
fn merged_shards_keep_every_points_load() {
    let dir = case(
        "capacity = \"capacity.csv\"\n\n[sweep]\n\"policy.soft_bounce_threshold\" = [3, 5, 8]",
    );
    std::fs::write(
        dir.path().join("capacity.csv"),
        "domain,rate_per_hour,burst,code\nx.org,60,1,\n",
    )
    .unwrap();
    let go = |args: &[&str]| {
        let out = retrysim()
            .current_dir(dir.path())
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    go(&["sweep", "s.toml", "--out", "whole"]);
    go(&["sweep", "s.toml", "--out", "a", "--shard", "1/2"]);
    go(&["sweep", "s.toml", "--out", "b", "--shard", "2/2"]);
    go(&["merge", "a", "b", "--out", "merged"]);
    let load = |d: &str| std::fs::read_to_string(dir.path().join(d).join("load.csv")).unwrap();
    assert_eq!(
        load("whole").lines().count(),
        1 + 3 * 2,
        "two rows for each of 3 points"
    );
    assert_eq!(load("merged"), load("whole"));
}
