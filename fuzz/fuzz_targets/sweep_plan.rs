//! Any text as a scenario with a `[sweep]` table: planning the sweep (grid or Latin
//! hypercube) succeeds or gives an error, never panics; a plan has at least one point,
//! numbered in order, and every point's scenario validates or is refused cleanly.

#![no_main]

use libfuzzer_sys::fuzz_target;
use retrysim::scenario::Scenario;
use retrysim::sweep;

fuzz_target!(|text: &str| {
    let Ok(doc) = text.parse::<toml::Table>() else {
        return;
    };
    let Ok(s) = Scenario::from_document(doc, ".".into(), "fuzz".into()) else {
        return;
    };
    let Ok(plan) = sweep::plan(&s, None) else {
        return;
    };
    assert!(!plan.points.is_empty());
    assert!(plan.baseline < plan.points.len());
    for (i, point) in plan.points.iter().enumerate().take(64) {
        assert_eq!(point.index, i);
        assert_eq!(point.values_text().len(), plan.keys.len());
        let _ = sweep::point_scenario(&s, point);
    }
});
