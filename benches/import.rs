//! Import speed: reading a Postfix log and an SES event file, generated in memory with
//! the shapes the fixtures have (deliveries, deferrals, bounces, content-filter hops).
//! The whole-process figure for a 1,000,000-line file is in docs/PERFORMANCE.md.

use std::hint::black_box;
use std::io::Write;

use criterion::{Criterion, criterion_group, criterion_main};
use std::path::PathBuf;

use retrysim::logs::{self, Collector, Format, ImportReport, ReadOptions};
use retrysim::workload::MessageType;

/// `n` Postfix lines: for each message, a qmgr line, a filter hop, a deferral and a
/// delivery.
fn postfix_log(n: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for i in 0..n / 4 {
        let (q1, q2) = (format!("A{i:09X}"), format!("B{i:09X}"));
        let s = i % 60;
        let _ = writeln!(
            out,
            "Mar  3 10:00:{s:02} mx1 postfix/qmgr[1]: {q1}: from=<news@shop.example>, size=900, nrcpt=1 (queue active)"
        );
        let _ = writeln!(
            out,
            "Mar  3 10:00:{s:02} mx1 postfix/smtp[2]: {q1}: to=<u{i}@mail.example>, relay=127.0.0.1[127.0.0.1]:10024, delay=0.1, delays=0/0/0/0.1, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as {q2})"
        );
        let _ = writeln!(
            out,
            "Mar  3 10:01:{s:02} mx1 postfix/smtp[3]: {q2}: to=<u{i}@mail.example>, relay=mx.mail.example[192.0.2.10]:25, delay=1, delays=0/0/0.5/0.5, dsn=4.2.2, status=deferred (host mx.mail.example[192.0.2.10] said: 452 4.2.2 Mailbox full)"
        );
        let _ = writeln!(
            out,
            "Mar  3 10:11:{s:02} mx1 postfix/smtp[4]: {q2}: to=<u{i}@mail.example>, relay=mx.mail.example[192.0.2.10]:25, delay=601, delays=600/0/0.5/0.5, dsn=2.0.0, status=sent (250 2.0.0 OK)"
        );
    }
    out
}

fn ses_log(n: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for i in 0..n {
        let mail = format!(
            "\"mail\":{{\"timestamp\":\"2026-03-03T09:00:00.000Z\",\"source\":\"news@shop.example\",\"messageId\":\"m-{i}\",\"destination\":[\"u{i}@mail.example\"]}}"
        );
        let _ = if i % 5 == 0 {
            writeln!(
                out,
                "{{\"eventType\":\"Bounce\",\"bounce\":{{\"bounceType\":\"Transient\",\"bounceSubType\":\"MailboxFull\",\"bouncedRecipients\":[{{\"emailAddress\":\"u{i}@mail.example\",\"status\":\"4.2.2\",\"diagnosticCode\":\"smtp; 452 4.2.2 over quota\"}}],\"timestamp\":\"2026-03-03T09:00:02.000Z\"}},{mail}}}"
            )
        } else {
            writeln!(
                out,
                "{{\"eventType\":\"Delivery\",\"delivery\":{{\"timestamp\":\"2026-03-03T09:00:02.000Z\",\"recipients\":[\"u{i}@mail.example\"],\"smtpResponse\":\"250 2.0.0 OK\"}},{mail}}}"
            )
        };
    }
    out
}

fn read(format: Format, bytes: &[u8]) -> usize {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("log");
    std::fs::write(&path, bytes).unwrap();
    let mut c = Collector::default();
    let mut report = ImportReport::default();
    let options = ReadOptions::default();
    logs::read_files(format, &[path], &options, &mut c, &mut report).unwrap();
    c.observations.len()
}

fn bench(c: &mut Criterion) {
    let postfix = postfix_log(100_000);
    let ses = ses_log(100_000);
    let mut g = c.benchmark_group("import");
    g.sample_size(10);
    g.bench_function("postfix_100k_lines", |b| {
        b.iter(|| black_box(read(Format::Postfix, &postfix)))
    });
    g.bench_function("ses_100k_lines", |b| {
        b.iter(|| black_box(read(Format::Ses, &ses)))
    });
    // The output side too: the three CSV files an import writes, from 100,000 SES
    // records already read.
    let (collected, files) = collected(&ses);
    g.bench_function("ses_100k_lines_written", |b| {
        b.iter(|| {
            let out = tempfile::tempdir().unwrap();
            logs::write::sends(out.path(), &collected, MessageType::Marketing).unwrap();
            black_box(logs::write::observations(out.path(), &collected, &files).unwrap())
        })
    });
    g.finish();
}

/// The collector of an SES import of `bytes`, and the file list it was read from.
fn collected(bytes: &[u8]) -> (Collector, Vec<PathBuf>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("log");
    std::fs::write(&path, bytes).unwrap();
    let mut c = Collector::default();
    let mut report = ImportReport::default();
    logs::read_files(
        Format::Ses,
        &[&path],
        &ReadOptions::default(),
        &mut c,
        &mut report,
    )
    .unwrap();
    (c, report.files)
}

criterion_group!(benches, bench);
criterion_main!(benches);
