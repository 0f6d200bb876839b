//! Any bytes as a log of every format: the readers count or skip every record and never
//! panic, and the inference and output files follow.

#![no_main]

use libfuzzer_sys::fuzz_target;
use retrysim::logs::{self, Collector, Format, ImportReport, ReadOptions, infer, write};

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("log");
    std::fs::write(&path, data).expect("write input");
    for format in [
        Format::Postfix,
        Format::Ses,
        Format::Sendgrid,
        Format::Mailgun,
        Format::Twilio,
        Format::Attempts,
    ] {
        let mut c = Collector::default();
        let mut report = ImportReport::default();
        logs::read_files(format, &[&path], &ReadOptions::default(), &mut c, &mut report)
            .expect("a readable file reads");
        let windows = infer::infer(&c, infer::Tail::Forever);
        write::failures(dir.path(), &windows).expect("writes");
    }
});
