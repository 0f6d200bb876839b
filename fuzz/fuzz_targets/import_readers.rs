//! Any bytes read by the import's fast paths and by their references (feature `fuzzing`
//! of retrysim): the hand-written reader of plain rows must give what the csv crate
//! gives, and `sends.csv` read in windows what it gives read row by row: the same
//! records, line numbers and errors.
//!
//! The first byte chooses the check (its low bit) and the window size, the second the
//! piece size; the rest is the file: a whole file with its own header (the columns
//! `id,name,when,extra`) for the first check, the rows behind the `sends.csv` header for
//! the second.

#![no_main]

use libfuzzer_sys::fuzz_target;
use retrysim::workload::import::readers_agree::{fast_and_csv_agree, windows_and_rows_agree};

const SENDS_HEADER: &str = "message_id,contact,created_at,delivery_id,channel,message_type\n";

fuzz_target!(|data: &[u8]| {
    let [choice, piece, file @ ..] = data else {
        return;
    };
    if choice & 1 == 0 {
        if let Err(difference) = fast_and_csv_agree(file) {
            panic!("the fast path and the csv crate differ\n{difference}");
        }
        return;
    }
    let mut sends = SENDS_HEADER.as_bytes().to_vec();
    sends.extend_from_slice(file);
    let window = usize::from(choice >> 1) * 128 + 1;
    let piece = usize::from(*piece) * 16 + 1;
    if let Err(difference) = windows_and_rows_agree(&sends, window, piece) {
        panic!("windowed and row-by-row reading differ\n{difference}");
    }
});
