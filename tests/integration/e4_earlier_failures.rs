//! E4 (revised reading), as a property: adding earlier failed messages to a contact
//! never delays its soft-bounce suppression. An earlier failure may make suppression
//! come sooner, or at the same time, never later or not at all, because it can only add
//! counted errors and never stops the later message's own retries from counting.
//!
//! The contact fails with a soft code from the start of the run until a random end (or
//! for good); every message is created inside that window or after it, so no delivery
//! resets the counter while bounces are still happening. Earlier transactional messages
//! have a 10-minute retry period, so they stop bouncing early, as the receipt of
//! issue 10's example does.

use proptest::prelude::*;
use retrysim::time::{Instant, Span};

use crate::support::{Run, Trace, text};

const START: &str = "2026-01-05T00:00:00Z";
const GAPS: [&str; 4] = ["0s", "30m", "6h", "24h"];
const RESETS: [&str; 2] = ["any_delivery", "after_retry"];

#[derive(Debug, Clone)]
struct Case {
    threshold: u8,
    gap: usize,
    reset: usize,
    /// Minutes between retries of the fixed schedule.
    interval: u32,
    retry_period_hours: u32,
    /// Minutes after the start at which the failures end, or never.
    fails_until: Option<u32>,
    /// Creation minute of the later message.
    later: u32,
    /// Minutes before `later` at which each earlier message is created, and whether it
    /// is transactional.
    earlier: Vec<(u32, bool)>,
}

fn case() -> impl Strategy<Value = Case> {
    (
        1u8..=8,
        0..GAPS.len(),
        0..RESETS.len(),
        1u32..=180,
        6u32..=84,
        prop::option::of(60u32..=3 * 24 * 60),
        600u32..=2 * 24 * 60,
        prop::collection::vec((1u32..=600, any::<bool>()), 1..4),
    )
        .prop_map(
            |(threshold, gap, reset, interval, retry_period_hours, fails_until, later, earlier)| {
                Case {
                    threshold,
                    gap,
                    reset,
                    interval,
                    retry_period_hours,
                    fails_until,
                    later,
                    earlier,
                }
            },
        )
}

fn minute(m: u32) -> String {
    text(
        Instant::parse_rfc3339(START)
            .unwrap()
            .plus(Span::minutes(i64::from(m))),
    )
}

impl Case {
    fn scenario(&self) -> String {
        format!(
            "seed = 1\nstart = \"{START}\"\nhorizon = \"5d\"\ntimezone = \"UTC\"\n[policy]\n\
             preset = \"email\"\nsoft_bounce_threshold = {}\ncross_delivery_gap = \"{}\"\n\
             counter_reset = \"{}\"\nretry_period_marketing = \"{}h\"\n\
             retry_period_transactional = \"10m\"\n\
             backoff = {{ kind = \"fixed\", interval = \"{}m\" }}\n",
            self.threshold,
            GAPS[self.gap],
            RESETS[self.reset],
            self.retry_period_hours,
            self.interval
        )
    }

    /// The later message alone, or with the earlier ones before it.
    fn run(&self, with_earlier: bool) -> Run {
        let mut trace = Trace::email();
        if with_earlier {
            for (i, &(before, transactional)) in self.earlier.iter().enumerate() {
                trace = if transactional {
                    trace.transactional()
                } else {
                    trace.marketing()
                };
                let at = self.later.saturating_sub(before);
                trace = trace.send(&format!("e{i}"), "alice", &minute(at), &format!("d{i}"));
            }
        }
        trace = trace
            .marketing()
            .send("later", "alice", &minute(self.later), "news");
        trace = match self.fails_until {
            Some(end) => trace.fails("alice", "4.2.2", START, &minute(end)),
            None => trace.fails_from("alice", "4.2.2", START),
        };
        trace.run(&self.scenario())
    }
}

/// When the contact was first suppressed for soft bounces, if it was.
fn suppressed_at(run: &Run) -> Option<String> {
    run.suppressions()
        .into_iter()
        .find(|s| s.2 == "soft_bounce_threshold")
        .map(|s| s.1)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// E4: adding earlier failed messages to a contact never delays its suppression.
    #[test]
    fn an_earlier_failed_message_never_delays_suppression_e4(case in case()) {
        let alone = suppressed_at(&case.run(false));
        let with_earlier = suppressed_at(&case.run(true));
        // RFC 3339 UTC strings of one format compare in time order.
        match (&alone, &with_earlier) {
            (Some(a), Some(w)) => prop_assert!(w <= a, "alone {a}, with earlier {w}"),
            (Some(a), None) => prop_assert!(false, "alone suppressed at {a}, with earlier never"),
            (None, _) => {}
        }
    }
}
