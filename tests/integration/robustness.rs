//! Bad input never panics: random scenario overrides and random bytes in every CSV input
//! either load or give an error, and nothing in between.

use std::io::Write;

use proptest::prelude::*;
use retrysim::scenario::Scenario;
use retrysim::workload::import::{TraceFiles, import};

/// Keys a user might set, with values of every TOML type and awkward sizes.
fn assignment() -> impl Strategy<Value = String> {
    let keys = prop::sample::select(vec![
        "seed",
        "replications",
        "start",
        "horizon",
        "timezone",
        "workload.contacts",
        "workload.sms_share",
        "workload.email.sigma",
        "workload.email.flaky",
        "workload.sms.opt_out",
        "workload.email.transient_median",
        "workload.domains",
        "workload.campaigns",
        "workload.streams",
        "policy.preset",
        "policy.soft_bounce_threshold",
        "policy.retry_period",
        "policy.retry_period_transactional",
        "policy.cross_delivery_gap",
        "policy.backoff",
        "policy.backoff.kind",
        "policy.backoff.factor",
        "policy.backoff.delays",
        "policy.backoff.jitter",
        "policy.suppression_ttl",
        "policy.auto_retry",
        "policy.auto_retry_at",
        "policy.auto_retry_every",
        "operator.at",
        "policy.max_auto_attempts",
        "policy.cost_per_attempt",
        "policy.sms",
        "policy.sms.preset",
        "errors",
        "error_fallback",
        "sweep",
        "name",
    ]);
    let values = prop::sample::select(vec![
        "0",
        "-1",
        "1",
        "21",
        "9223372036854775807",
        "1e308",
        "nan",
        "-inf",
        "0.5",
        "true",
        "\"\"",
        "\"none\"",
        "\"84h\"",
        "\"0s\"",
        "\"-5m\"",
        "\"99999999999d\"",
        "\"25:61\"",
        "\"00:00:01\"",
        "\"Mars/Olympus\"",
        "\"+99:00\"",
        "\"2026-02-30T00:00:00Z\"",
        "[]",
        "[1, \"a\"]",
        "{}",
        "{ kind = \"list\", delays = [] }",
        "{ kind = \"exponential\", initial = \"1h\", cap = \"1m\" }",
        "[{ name = \"x\", share = -1 }]",
        "{ class = \"bogus\" }",
        "[{ code = \"\", class = \"soft\" }]",
    ]);
    (keys, values).prop_map(|(k, v)| format!("{k}={v}"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// The resolved scenario (check's output, every result folder's scenario.toml) reads
    /// back as the same scenario, seconds of the job's and the operator's times included.
    #[test]
    fn times_of_day_with_seconds_survive_the_resolved_scenario(
        h in 0u32..24, m in 0u32..60, s in 0u32..60, oh in 0u32..24, os in 0u32..60,
    ) {
        let sets = vec![
            "policy.auto_retry=true".to_string(),
            format!("policy.auto_retry_at=\"{h:02}:{m:02}:{s:02}\""),
            format!("operator.at=\"{oh:02}:07:{os:02}\""),
        ];
        let first = Scenario::load(None, &sets).unwrap();
        let again = Scenario::from_document(first.resolved(), ".".into(), "again".into()).unwrap();
        prop_assert_eq!(&again.policies, &first.policies);
        prop_assert_eq!(&again.operator, &first.operator);
        prop_assert_eq!(again.resolved(), first.resolved());
    }

    #[test]
    fn random_overrides_load_or_fail_cleanly(extra in prop::collection::vec(assignment(), 1..4)) {
        // A small world first, so that whatever loads can also be run quickly.
        let mut sets = vec!["workload.contacts=200".to_string(), "horizon=\"3d\"".to_string()];
        sets.extend(extra);
        match Scenario::load(None, &sets) {
            Ok(s) => {
                let again = Scenario::from_document(s.resolved(), ".".into(), "again".into());
                prop_assert_eq!(&again.map(|a| a.policies), &Ok(s.policies.clone()), "check's output reloads");
                if let Ok(world) = retrysim::study::build_world(&s, 0) {
                    let run = retrysim::study::run_replication(&s, &world, retrysim::study::RunOptions::default().with_trace(true));
                    prop_assert!(run.output.metrics.is_conserved());
                }
            }
            Err(e) => prop_assert!(!e.message.is_empty()),
        }
    }

    #[test]
    fn random_csv_bytes_import_or_fail_cleanly(
        sends in prop::collection::vec(any::<u8>(), 0..300),
        failures in prop::collection::vec(any::<u8>(), 0..300),
        actions in prop::collection::vec(any::<u8>(), 0..200),
        prefix_header in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, header: &str, body: &[u8]| {
            let path = dir.path().join(name);
            let mut f = std::fs::File::create(&path).unwrap();
            if prefix_header {
                f.write_all(header.as_bytes()).unwrap();
            }
            f.write_all(body).unwrap();
            path
        };
        let files = TraceFiles {
            sends: write("sends.csv", "message_id,contact,created_at,delivery_id,channel,message_type\n", &sends),
            failures: Some(write("failures.csv", "contact,error_code,start,end\n", &failures)),
            actions: Some(write("actions.csv", "at,action,message_id,reason\n", &actions)),
        };
        let mut errors = retrysim::rules::errors::ErrorTable::new(&[], None);
        if let Err(e) = import(&files, &mut errors) {
            prop_assert!(e.to_string().contains(".csv"));
        }
    }
}
