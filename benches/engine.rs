//! Benchmarks: the event queue's hold operation, one simulated run, writing its trace,
//! digesting it as `results.toml` does, and CSV import.
//!
//! `cargo bench --bench engine` runs them; `docs/PERFORMANCE.md` records the figures.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use retrysim::engine::EventQueue;
use retrysim::metrics::AttemptRecord;
use retrysim::report::records::{RunContext, attempt_rows};
use retrysim::report::rows::RowWriter;
use retrysim::scenario::Scenario;
use retrysim::study;
use retrysim::time::Instant;

/// Hold: pop the earliest event and schedule one a pseudo-random delay later, the
/// classic priority-queue benchmark, at a fixed queue size.
fn hold(c: &mut Criterion) {
    let mut group = c.benchmark_group("queue_hold");
    for size in [1_000u64, 100_000, 1_000_000] {
        let mut queue = EventQueue::new();
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % 10_000
        };
        for i in 0..size {
            queue.schedule(Instant(next() as i64), 0, i as u32);
        }
        group.throughput(Throughput::Elements(1));
        group.bench_with_input(BenchmarkId::from_parameter(size), &size, |b, _| {
            b.iter(|| {
                let (at, payload) = queue.pop().expect("queue is never empty");
                queue.schedule(Instant(at.0 + next() as i64), 0, black_box(payload));
            })
        });
    }
    group.finish();
}

fn scenario(contacts: u32) -> Scenario {
    let sets = vec![
        "replications=1".to_string(),
        format!("workload.contacts={contacts}"),
    ];
    Scenario::load(None, &sets).expect("default scenario is valid")
}

/// One run of the default scenario cut to about 100,000 messages.
fn one_run(c: &mut Criterion) {
    let s = scenario(11_000);
    let world = study::build_world(&s, 0).expect("world builds");
    let mut group = c.benchmark_group("run");
    group.sample_size(10);
    group.throughput(Throughput::Elements(world.workload.sends.len() as u64));
    group.bench_function("default_100k_messages", |b| {
        b.iter(|| study::run_replication(&s, &world, study::RunOptions::default()))
    });
    group.finish();
}

/// CSV import of about 1,000,000 send rows with their failure windows.
fn import(c: &mut Criterion) {
    let s = scenario(110_000);
    let world = study::build_world(&s, 0).expect("world builds");
    let dir = tempfile::tempdir().expect("temp dir");
    retrysim::report::export::export(&world.workload, &world.errors, dir.path()).expect("export");
    let files = retrysim::workload::import::TraceFiles {
        sends: dir.path().join("sends.csv"),
        failures: Some(dir.path().join("failures.csv")),
        actions: None,
    };
    let mut group = c.benchmark_group("import");
    group.sample_size(10);
    group.throughput(Throughput::Elements(world.workload.sends.len() as u64));
    group.bench_function("sends_and_failures", |b| {
        b.iter(|| retrysim::workload::import::import(&files, &mut s.error_table()).expect("import"))
    });
    group.finish();
}

/// A traced run of about 100,000 messages: its world and its attempt records.
fn traced_run() -> (study::World, Vec<AttemptRecord>) {
    let s = scenario(11_000);
    let world = study::build_world(&s, 0).expect("world builds");
    let traced = study::run_replication(&s, &world, study::RunOptions::default().with_trace(true));
    (world, traced.output.attempts)
}

/// Appends the `attempts.csv` rows of `attempts` to `out`.
fn write_rows(out: &mut Vec<u8>, world: &study::World, attempts: &[AttemptRecord]) {
    let run = RunContext {
        point: 0,
        replication: 0,
        workload: &world.workload,
        errors: &world.errors,
    };
    let mut w = RowWriter::new(out);
    attempt_rows(&mut w, run, attempts).expect("memory takes every row");
    w.into_inner().expect("memory takes every row");
}

/// Writing the `attempts.csv` rows of one traced run of about 100,000 messages, into
/// memory (no file, no digest): the formatting alone.
fn trace_rows(c: &mut Criterion) {
    let (world, attempts) = traced_run();
    let mut group = c.benchmark_group("trace");
    group.sample_size(20);
    group.throughput(Throughput::Elements(attempts.len() as u64));
    let mut out = Vec::with_capacity(16 << 20);
    group.bench_function("attempt_rows_100k_messages", |b| {
        b.iter(|| {
            out.clear();
            write_rows(&mut out, &world, &attempts);
            black_box(&out);
        })
    });
    group.finish();
}

/// The digest of a trace's bytes, fed in the pipe's 256 KiB blocks: the one result
/// files get (`report::file_hash`), against the SHA-256 they had before.
fn trace_digest(c: &mut Criterion) {
    use retrysim::report::file_hash::{ResultsHasher, results_hex, sha256_hex};
    use sha2::{Digest, Sha256};
    let (world, attempts) = traced_run();
    let mut bytes = Vec::new();
    write_rows(&mut bytes, &world, &attempts);
    let mut group = c.benchmark_group("digest");
    group.sample_size(20);
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("results_hasher", |b| {
        b.iter(|| {
            let mut hash = ResultsHasher::new();
            bytes.chunks(1 << 18).for_each(|block| {
                hash.update(block);
            });
            black_box(results_hex(&hash))
        })
    });
    group.bench_function("sha256", |b| {
        b.iter(|| {
            let mut hash = Sha256::new();
            bytes.chunks(1 << 18).for_each(|block| hash.update(block));
            black_box(sha256_hex(hash))
        })
    });
    group.finish();
}

criterion_group!(benches, hold, one_run, trace_rows, trace_digest, import);
criterion_main!(benches);
