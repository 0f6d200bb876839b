//! The replay's CSV reader on a small generated `sends.csv` (100,000 rows, 20,000
//! contacts in a scrambled order): plain rows, which the fast path splits with `memchr`,
//! against the same rows with every contact quoted, which the csv crate reads from the
//! first row on; and the plain rows on a pool of one thread, which reads them row by row
//! rather than in windows prepared on every core. The whole-process figure for a
//! 1,000,000-row trace is in docs/PERFORMANCE.md.

use std::hint::black_box;
use std::io::Write;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use retrysim::rules::errors::ErrorTable;
use retrysim::workload::import::{Source, import_from};

const ROWS: usize = 100_000;

/// `ROWS` sends in creation order; contacts drawn by a fixed multiplicative scramble,
/// so lookups land in random places as in a real trace.
fn sends(quoted: bool) -> Vec<u8> {
    let mut out = b"message_id,contact,created_at,delivery_id,channel,message_type\n".to_vec();
    let q = if quoted { "\"" } else { "" };
    for i in 0..ROWS {
        let contact = (i as u64).wrapping_mul(2_654_435_761) % 20_000;
        let (h, m, s) = (i / 3600 % 24, i / 60 % 60, i % 60);
        let _ = writeln!(
            out,
            "m{i},{q}c{contact}@mail.example{q},2026-01-05T{h:02}:{m:02}:{s:02}Z,d{},email,marketing",
            i / 5000
        );
    }
    out
}

fn read(bytes: &[u8], errors: &mut ErrorTable) -> usize {
    let workload = import_from(Source::new("sends.csv", bytes), None, None, errors)
        .expect("the generated file imports");
    workload.sends.len()
}

fn bench(c: &mut Criterion) {
    let plain = sends(false);
    let quoted = sends(true);
    // Built once: the reason table's set-up is not the reader's cost.
    let mut errors = ErrorTable::new(&[], None);
    let mut g = c.benchmark_group("csv_reader");
    g.sample_size(20);
    g.throughput(Throughput::Elements(ROWS as u64));
    g.bench_function("plain_100k_rows", |b| {
        b.iter(|| black_box(read(&plain, &mut errors)))
    });
    g.bench_function("quoted_100k_rows", |b| {
        b.iter(|| black_box(read(&quoted, &mut errors)))
    });
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a pool of one thread starts");
    g.bench_function("plain_100k_rows_one_thread", |b| {
        b.iter(|| black_box(one.install(|| read(&plain, &mut errors))))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
