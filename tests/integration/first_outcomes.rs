//! A sweep looks up each send's first-attempt outcome once per world
//! (`sim::first::FirstOutcomes`); a run that reads the table must produce exactly what a
//! run asking the failure model produces, whatever the policy, with receiver capacity
//! deferring first attempts, and with the trace's every attempt compared. A single run
//! fills a ring of the same outcomes on another thread ahead of itself
//! (`sim::first::ahead`), which must change nothing either, however far the ring wraps.

use std::path::Path;

use retrysim::scenario::Scenario;
use retrysim::sim::first::{FirstOutcomes, ahead};
use retrysim::sim::simulate;
use retrysim::study::{self, RunOptions};

/// `file` shrunk with `sets`, then each policy of `policies` (one `--set` each) run in
/// replication 0's world with and without the table, traced.
fn same_with_and_without_table(file: &str, sets: &[&str], policies: &[&str]) {
    let mut all: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    let base = Scenario::load(Some(Path::new(file)), &all).unwrap();
    let world = study::build_world(&base, 0).unwrap();
    let table = FirstOutcomes::new(&world.workload, base.end());
    for policy in policies {
        all.push(policy.to_string());
        let scenario = Scenario::load(Some(Path::new(file)), &all).unwrap();
        all.pop();
        let options = RunOptions::default().with_trace(true);
        let plain = study::run_replication_with(&scenario, &world, options, None).output;
        let cached = study::run_replication_with(&scenario, &world, options, Some(&table)).output;
        assert!(
            plain.metrics.counters.attempts > 0,
            "{file} {policy}: nothing ran"
        );
        assert_eq!(plain.metrics, cached.metrics, "{file} {policy}: metrics");
        assert_eq!(plain.suppressions, cached.suppressions, "{file} {policy}");
        assert_eq!(plain.attempts, cached.attempts, "{file} {policy}: attempts");
        assert_eq!(plain.operator, cached.operator, "{file} {policy}: operator");
        assert_eq!(plain.load, cached.load, "{file} {policy}: load");
    }
}

const POLICIES: [&str; 4] = [
    "policy.soft_bounce_threshold=1",
    "policy.soft_bounce_threshold=5",
    "policy.soft_bounce_threshold=20",
    "policy.retry_period=\"6h\"",
];

#[test]
fn first_outcome_table_changes_no_result_in_the_default_world() {
    same_with_and_without_table(
        "scenarios/default.toml",
        &["workload.contacts=3000"],
        &POLICIES,
    );
}

#[test]
fn first_outcome_table_changes_no_result_under_an_outage() {
    same_with_and_without_table(
        "scenarios/outage.toml",
        &["workload.contacts=3000"],
        &POLICIES,
    );
}

#[test]
fn first_outcome_table_changes_no_result_when_capacity_defers_first_attempts() {
    same_with_and_without_table(
        "scenarios/large_capacity.toml",
        &["workload.contacts=3000", "horizon=\"5d\""],
        &POLICIES,
    );
}

#[test]
fn a_table_built_for_another_end_is_ignored() {
    let base = Scenario::load(
        Some(Path::new("scenarios/default.toml")),
        &["workload.contacts=2000".to_string()],
    )
    .unwrap();
    let world = study::build_world(&base, 0).unwrap();
    // Built as if the run ended at its start: every failing address would look dead.
    let wrong = FirstOutcomes::new(&world.workload, base.start);
    let options = RunOptions::default();
    let plain = study::run_replication_with(&base, &world, options, None).output;
    let cached = study::run_replication_with(&base, &world, options, Some(&wrong)).output;
    assert_eq!(plain.metrics, cached.metrics);
}

/// `file` shrunk with `sets`, run plainly and with rings of several sizes filled beside
/// the run on a pool of `threads` threads: every output the same.
fn same_with_a_ring_ahead(file: &str, sets: &[&str], threads: usize) {
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    let scenario = Scenario::load(Some(Path::new(file)), &sets).unwrap();
    let world = study::build_world(&scenario, 0).unwrap();
    let spec = study::run_spec(
        &scenario,
        &world,
        RunOptions::default().with_trace(true),
        None,
    );
    let plain = simulate(&spec);
    assert!(plain.metrics.counters.attempts > 0, "{file}: nothing ran");
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    for size in [1, 64, 1_024, ahead::RING] {
        let ringed = pool.install(|| ahead::simulate_in(&spec, size));
        let at = format!("{file}, ring of {size}, {threads} thread(s)");
        assert_eq!(plain.metrics, ringed.metrics, "{at}: metrics");
        assert_eq!(plain.suppressions, ringed.suppressions, "{at}");
        assert_eq!(plain.attempts, ringed.attempts, "{at}: attempts");
        assert_eq!(plain.operator, ringed.operator, "{at}: operator");
        assert_eq!(plain.load, ringed.load, "{at}: load");
    }
}

#[test]
fn a_ring_filled_ahead_changes_no_result_in_the_default_world() {
    for threads in [1, 2, 3] {
        same_with_a_ring_ahead(
            "scenarios/default.toml",
            &["workload.contacts=3000"],
            threads,
        );
    }
}

#[test]
fn a_ring_filled_ahead_changes_no_result_when_capacity_defers_first_attempts() {
    same_with_a_ring_ahead(
        "scenarios/large_capacity.toml",
        &["workload.contacts=3000", "horizon=\"5d\""],
        2,
    );
}

#[test]
fn a_ring_filled_ahead_changes_no_result_with_jobs_and_operator_retries() {
    same_with_a_ring_ahead("scenarios/sms_retries.toml", &["workload.contacts=3000"], 2);
}
