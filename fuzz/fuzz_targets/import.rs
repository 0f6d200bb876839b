//! Any bytes as sends.csv, failures.csv and actions.csv: the import succeeds or returns a
//! located error; it never panics.

#![no_main]

use libfuzzer_sys::fuzz_target;
use retrysim::rules::errors::ErrorTable;
use retrysim::workload::import::{TraceFiles, import};

fuzz_target!(|data: &[u8]| {
    // Split the input in three at the first two 0xFF bytes.
    let mut parts = data.splitn(3, |&b| b == 0xFF);
    let (sends, failures, actions) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let write = |name: &str, header: &str, body: &[u8]| {
        let path = dir.path().join(name);
        let mut text = header.as_bytes().to_vec();
        text.extend_from_slice(body);
        std::fs::write(&path, text).expect("write input");
        path
    };
    let files = TraceFiles {
        sends: write(
            "sends.csv",
            "message_id,contact,created_at,delivery_id,channel,message_type\n",
            sends,
        ),
        failures: Some(write(
            "failures.csv",
            "contact,error_code,start,end\n",
            failures,
        )),
        actions: Some(write(
            "actions.csv",
            "at,action,message_id,reason\n",
            actions,
        )),
    };
    if let Err(e) = import(&files, &mut ErrorTable::new(&[], None)) {
        assert!(e.to_string().contains(".csv"));
    }
});
