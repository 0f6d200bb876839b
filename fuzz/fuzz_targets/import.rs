//! Any bytes as sends.csv, failures.csv and actions.csv (read from memory): the import
//! succeeds or returns a located error; it never panics.

#![no_main]

use libfuzzer_sys::fuzz_target;
use retrysim::rules::errors::ErrorTable;
use retrysim::workload::import::{Source, import_from};

fuzz_target!(|data: &[u8]| {
    // Split the input in three at the first two 0xFF bytes.
    let mut parts = data.splitn(3, |&b| b == 0xFF);
    let (sends, failures, actions) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    let with_header = |header: &str, body: &[u8]| {
        let mut text = header.as_bytes().to_vec();
        text.extend_from_slice(body);
        text
    };
    let sends = with_header(
        "message_id,contact,created_at,delivery_id,channel,message_type\n",
        sends,
    );
    let failures = with_header("contact,error_code,start,end\n", failures);
    let actions = with_header("at,action,message_id,reason\n", actions);
    let result = import_from(
        Source::new("sends.csv", &sends[..]),
        Some(Source::new("failures.csv", &failures[..])),
        Some(Source::new("actions.csv", &actions[..])),
        &mut ErrorTable::new(&[], None),
    );
    if let Err(e) = result {
        assert!(e.to_string().contains(".csv"));
    }
});
