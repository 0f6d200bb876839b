//! Any bytes as capacity.csv: the reader returns buckets or a located error; it never
//! panics.

#![no_main]

use libfuzzer_sys::fuzz_target;
use retrysim::workload::import::capacity_csv::read_capacity;

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("capacity.csv");
    let mut text = b"domain,rate_per_hour,burst,code\n".to_vec();
    text.extend_from_slice(data);
    std::fs::write(&path, text).expect("write input");
    if let Err(e) = read_capacity(&path) {
        assert!(e.to_string().contains("capacity.csv"));
    }
});
