//! Any text as a scenario file: it loads or gives an error, and a loaded scenario's
//! resolved form loads again to the same policies.

#![no_main]

use libfuzzer_sys::fuzz_target;
use retrysim::scenario::Scenario;

fuzz_target!(|text: &str| {
    let Ok(doc) = text.parse::<toml::Table>() else {
        return;
    };
    if let Ok(s) = Scenario::from_document(doc, ".".into(), "fuzz".into()) {
        let again = Scenario::from_document(s.resolved(), ".".into(), "fuzz".into())
            .expect("a resolved scenario is valid");
        assert_eq!(again.policies, s.policies);
        assert_eq!(again.operator, s.operator);
        assert_eq!(again.resolved(), s.resolved(), "the resolved scenario reads back as itself");
    }
});
