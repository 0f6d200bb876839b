//! Benchmarks of failure classification: the reason table on a specific code (a table
//! lookup), on an ambiguous code with diagnostic text (lookup plus a pass over the text
//! patterns), and the interned path the simulation relies on (one hash lookup).
//!
//! `cargo bench --bench classify` runs them; `docs/ERROR_CODES.md` records the figures.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use retrysim::rules::errors::ErrorTable;
use retrysim::rules::reasons::ReasonTable;

const BLOCKED: &str =
    "554 5.7.1 Service unavailable; Client host [192.0.2.7] blocked using zen.spamhaus.org";
const UNKNOWN: &str =
    "550 5.1.1 <a@b.example>: Recipient address rejected: User unknown in local recipient table";
/// An ambiguous status whose text matches no pattern: the whole pattern list is scanned.
const NOTHING: &str = "550 5.0.0 Message could not be delivered for reasons not given here";

fn classify(c: &mut Criterion) {
    let table = ReasonTable::new(&[], None);
    let mut group = c.benchmark_group("classify");
    group.bench_function("specific_status", |b| {
        b.iter(|| table.classify(black_box(Some("5.1.1")), None, ""))
    });
    group.bench_function("specific_status_with_text", |b| {
        b.iter(|| table.classify(None, None, black_box(UNKNOWN)))
    });
    group.bench_function("ambiguous_status_text_match", |b| {
        b.iter(|| table.classify(None, None, black_box(BLOCKED)))
    });
    group.bench_function("ambiguous_status_no_match", |b| {
        b.iter(|| table.classify(None, None, black_box(NOTHING)))
    });
    group.finish();

    let mut interned = ErrorTable::new(&[], None);
    interned
        .resolve_report("5.7.1", Some(554), BLOCKED)
        .expect("known code");
    interned.resolve("4.2.2").expect("known code");
    let mut group = c.benchmark_group("interned");
    group.bench_function("resolve_code", |b| {
        b.iter(|| interned.resolve(black_box("4.2.2")))
    });
    group.bench_function("resolve_report", |b| {
        b.iter(|| interned.resolve_report(black_box("5.7.1"), Some(554), black_box(BLOCKED)))
    });
    group.finish();
}

criterion_group!(benches, classify);
criterion_main!(benches);
