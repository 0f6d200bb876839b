//! A whole small simulation: the first bytes choose a few policy settings, the rest are
//! split into sends.csv, failures.csv and actions.csv. Whatever imports must run, keep
//! every message in exactly one final state, and write summary.csv, suppressions.csv and
//! attempts.csv that parse back with one field per header column.

#![no_main]

use libfuzzer_sys::fuzz_target;
use retrysim::report::records::{self, RunContext};
use retrysim::report::rows::RowWriter;
use retrysim::report::summary::{self, SummaryRow};
use retrysim::scenario::Scenario;
use retrysim::study;

const PRESETS: [&str; 2] = ["email", "sms_portal"];
const BACKOFFS: [&str; 3] = [
    r#"{ kind = "fixed", interval = "7m" }"#,
    r#"{ kind = "exponential", initial = "5m", factor = 2.0, cap = "4000s", jitter = "full" }"#,
    r#"{ kind = "list", delays = ["1m", "1h"], jitter = "decorrelated" }"#,
];

fuzz_target!(|data: &[u8]| {
    let Some((settings, rest)) = data.split_first_chunk::<4>() else {
        return;
    };
    let mut parts = rest.splitn(3, |&b| b == 0xFF);
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, header) in [
        ("sends.csv", "message_id,contact,created_at,delivery_id,channel,message_type\n"),
        ("failures.csv", "contact,error_code,start,end\n"),
        ("actions.csv", "at,action,message_id,reason\n"),
    ] {
        let mut text = header.as_bytes().to_vec();
        text.extend_from_slice(parts.next().unwrap_or_default());
        std::fs::write(dir.path().join(name), text).expect("write input");
    }
    let scenario = format!(
        r#"name = "fuzz"
seed = {seed}
replications = 2
start = "2026-01-05T00:00:00Z"
horizon = "3d"
error_fallback = {{ class = "soft", wait = "10m" }}

[workload]
kind = "csv"
sends = "sends.csv"
failures = "failures.csv"
actions = "actions.csv"

[policy]
preset = "{preset}"
soft_bounce_threshold = {threshold}
backoff = {backoff}
auto_retry = {auto}
"#,
        seed = settings[0],
        preset = PRESETS[usize::from(settings[1] & 1)],
        threshold = 1 + settings[2] % 20,
        backoff = BACKOFFS[usize::from(settings[3] % 3)],
        auto = settings[1] & 2 != 0,
    );
    let doc: toml::Table = scenario.parse().expect("the template is TOML");
    let s = Scenario::from_document(doc, dir.path().to_path_buf(), "fuzz".into())
        .expect("the template is a valid scenario");
    let Ok(runs) = study::run_all(&s, study::RunOptions::default().with_trace(true)) else {
        return;
    };
    for r in &runs {
        assert!(r.output.metrics.is_conserved(), "messages not conserved");
    }
    let rows: Vec<SummaryRow<'_>> = runs
        .iter()
        .map(|r| SummaryRow {
            point: 0,
            replication: r.replication,
            seed: s.seed,
            metrics: &r.output.metrics,
            swept: &[],
        })
        .collect();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).expect("out dir");
    let path = summary::write(&out.join("summary.csv"), &[], &rows).expect("summary.csv");
    check_parses(&std::fs::read(path).expect("read summary.csv"), runs.len());
    // The record files go through the row writers runs use.
    let mut suppressions = RowWriter::new(Vec::new());
    let mut attempts = RowWriter::new(Vec::new());
    header(&mut suppressions, &records::SUPPRESSIONS_HEADER);
    header(&mut attempts, &records::ATTEMPTS_HEADER);
    let (mut n_suppressions, mut n_attempts) = (0, 0);
    for r in &runs {
        let context = || RunContext {
            point: 0,
            replication: r.replication,
            workload: &r.world.workload,
            errors: &r.world.errors,
        };
        records::suppression_rows(&mut suppressions, context(), &r.output.suppressions).unwrap();
        records::attempt_rows(&mut attempts, context(), &r.output.attempts).unwrap();
        n_suppressions += r.output.suppressions.len();
        n_attempts += r.output.attempts.len();
    }
    check_parses(&suppressions.into_inner().unwrap(), n_suppressions);
    check_parses(&attempts.into_inner().unwrap(), n_attempts);
});

/// Writes a header row.
fn header(w: &mut RowWriter<Vec<u8>>, columns: &[&str]) {
    for column in columns {
        w.plain(column);
    }
    w.end_row().unwrap();
}

/// The CSV parses, has `rows` records, and every record has the header's width (the
/// reader's default refuses unequal lengths).
fn check_parses(bytes: &[u8], rows: usize) {
    let mut reader = csv::Reader::from_reader(bytes);
    let width = reader.headers().expect("a header").len();
    let mut n = 0;
    for record in reader.records() {
        assert_eq!(record.expect("a well-formed record").len(), width);
        n += 1;
    }
    assert_eq!(n, rows, "one record per row written");
}
