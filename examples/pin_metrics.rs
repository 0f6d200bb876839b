//! Pinning a retry policy's behaviour in your own tests, with the library only.
//!
//! ```text
//!   scenario TOML ──► Scenario ──► build_world(r) ──► run_replication ──► metrics
//!   (threshold 3,      (validated)   (seeded contacts     (rules E1–E9,      (assert exact
//!    84 h period)                     and failures)        S1–S9)             numbers)
//! ```
//!
//! Runs are deterministic: the same scenario, seed and version give the same numbers,
//! so the test below pins exact counts. A change to the policy (or to retrysim) that
//! moves one of them fails it, and the failure says which number moved.
//!
//! Run it with `cargo run --example pin_metrics`; `cargo test` runs its test.

use retrysim::metrics::Counters;
use retrysim::scenario::Scenario;
use retrysim::study::{self, RunOptions};

/// The policy under test: the `email` preset with a threshold of 3, over a small
/// synthetic list (400 contacts, one week).
const SCENARIO: &str = r#"
name = "pinned"
seed = 11
horizon = "7d"
timezone = "UTC"

[workload]
kind = "synthetic"
contacts = 400

[policy]
preset = "email"
soft_bounce_threshold = 3
retry_period = "84h"
"#;

/// The counters of replication `replication` of the pinned scenario.
fn counters(replication: u32) -> Counters {
    let scenario = Scenario::from_toml_str(SCENARIO, "pinned scenario").expect("valid scenario");
    let world = study::build_world(&scenario, replication).expect("the world builds");
    let run = study::run_replication(&scenario, &world, RunOptions::default());
    assert!(run.output.metrics.is_conserved(), "every message ends once");
    run.output.metrics.counters
}

fn main() {
    let c = counters(0);
    println!(
        "messages {}, attempts {}, delivered {}, suppressed contacts {}, false suppressions {}, attempts to dead {}",
        c.messages,
        c.attempts,
        c.delivered,
        c.suppressed_contacts,
        c.false_suppressions,
        c.attempts_to_dead
    );
}

#[cfg(test)]
mod tests {
    use super::counters;

    #[test]
    fn threshold_3_on_the_pinned_world_gives_these_numbers() {
        let c = counters(0);
        let got = [
            ("messages", c.messages),
            ("attempts", c.attempts),
            ("delivered", c.delivered),
            ("suppressed_contacts", c.suppressed_contacts),
            ("false_suppressions", c.false_suppressions),
            ("attempts_to_dead", c.attempts_to_dead),
        ];
        let want = [
            ("messages", 14297),
            ("attempts", 13922),
            ("delivered", 13844),
            ("suppressed_contacts", 16),
            ("false_suppressions", 10),
            ("attempts_to_dead", 11),
        ];
        assert_eq!(got, want);
    }
}
