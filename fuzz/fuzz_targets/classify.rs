//! Any text as a failure description, whole or as a lone code: it classifies or gives an
//! unknown-code error, never panics, and a transient status is never hard.

#![no_main]

use libfuzzer_sys::fuzz_target;
use retrysim::rules::errors::ErrorClass;
use retrysim::rules::reasons::ReasonTable;

fuzz_target!(|text: &str| {
    let table = ReasonTable::new(&[], None);
    table
        .classify(None, None, text)
        .expect("a description without a separate code always classifies");
    if text.trim_start().starts_with("4.") && text.split_whitespace().count() == 1 {
        if let Ok(c) = table.classify(Some(text), None, "") {
            assert_ne!(c.class, ErrorClass::Hard);
        }
    }
});
