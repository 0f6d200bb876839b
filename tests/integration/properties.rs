//! Invariants that hold for every trace and every policy, checked with proptest over
//! small random traces: a few contacts, a few days of sends, random failure windows,
//! random operator bulk retries, and random settings of either preset.
//!
//! - conservation of messages (DESIGN.md, `summary.csv`; E3, E6, E8, S9 final states);
//! - no attempt to a suppressed contact (E3, E8, E9, S9);
//! - no attempt at or after the end of the retry period (E6);
//! - the same seed gives the same run (E7 jitter streams, DESIGN.md "Determinism");
//! - every attempt returns what the failure model says (ground truth).

use std::collections::HashMap;

use proptest::prelude::*;
use retrysim::metrics::SuppressionReason;
use retrysim::rules::errors::ErrorClass;
use retrysim::time::{Instant, Span};

use crate::support::{Run, Trace, text};

/// Codes drawn for failure windows: soft (two), hard, opt-out, business-retryable.
const CODES: [&str; 5] = ["4.2.2", "4.4.1", "5.1.1", "21610", "30001"];
const JITTERS: [&str; 4] = ["none", "full", "equal", "decorrelated"];
const START: &str = "2026-01-05T00:00:00Z";
const DAY_MINUTES: u32 = 24 * 60;

#[derive(Debug, Clone)]
struct Case {
    portal: bool,
    seed: u64,
    threshold: u8,
    retry_period_hours: Option<u32>,
    backoff: String,
    /// (contact, minute after the start, delivery, transactional)
    sends: Vec<(u8, u32, u8, bool)>,
    /// (contact, code index, start minute, length in minutes or open-ended)
    failures: Vec<(u8, usize, u32, Option<u32>)>,
    /// Minutes after the start of each bulk retry of every failed message.
    bulks: Vec<u32>,
}

fn backoff() -> impl Strategy<Value = String> {
    (0..4usize, 1u32..=120, 1.0f64..3.0, 1u32..=10, 0..4usize).prop_map(
        |(kind, minutes, factor, cap_times, jitter)| {
            let jitter = JITTERS[jitter];
            match kind {
                0 => "{ kind = \"none\" }".to_string(),
                1 => format!("{{ kind = \"fixed\", interval = \"{minutes}m\", jitter = \"{jitter}\" }}"),
                2 => format!(
                    "{{ kind = \"exponential\", initial = \"{minutes}m\", factor = {factor:.2}, cap = \"{}m\", jitter = \"{jitter}\" }}",
                    minutes * cap_times
                ),
                _ => format!(
                    "{{ kind = \"list\", delays = [\"{minutes}m\", \"{}m\"], jitter = \"{jitter}\" }}",
                    minutes * cap_times
                ),
            }
        },
    )
}

fn case() -> impl Strategy<Value = Case> {
    let send = (0u8..3, 0..4 * DAY_MINUTES, 0u8..3, any::<bool>());
    let failure = (
        0u8..3,
        0..CODES.len(),
        0..5 * DAY_MINUTES,
        prop::option::weighted(0.75, 1..2 * DAY_MINUTES),
    );
    (
        any::<bool>(),
        // TOML integers are i64, so a scenario seed above i64::MAX cannot be written.
        0..=i64::MAX as u64,
        1u8..=20,
        prop::option::of(6u32..=84),
        backoff(),
        prop::collection::vec(send, 1..10),
        prop::collection::vec(failure, 0..7),
        prop::collection::vec(0..5 * DAY_MINUTES, 0..3),
    )
        .prop_map(
            |(portal, seed, threshold, retry_period_hours, backoff, sends, failures, bulks)| Case {
                portal,
                seed,
                threshold,
                retry_period_hours,
                backoff,
                sends,
                failures,
                bulks,
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
        let preset = if self.portal { "sms_portal" } else { "email" };
        let mut policy = format!(
            "preset = \"{preset}\"\nsoft_bounce_threshold = {}\nbackoff = {}\n",
            self.threshold, self.backoff
        );
        if let Some(h) = self.retry_period_hours {
            policy.push_str(&format!("retry_period = \"{h}h\"\n"));
        }
        format!(
            "seed = {}\nstart = \"{START}\"\nhorizon = \"5d\"\ntimezone = \"UTC\"\n[policy]\n{policy}",
            self.seed
        )
    }

    fn trace(&self) -> Trace {
        let mut trace = if self.portal {
            Trace::sms()
        } else {
            Trace::email()
        };
        for (i, &(contact, at, delivery, transactional)) in self.sends.iter().enumerate() {
            trace = if transactional {
                trace.transactional()
            } else {
                trace.marketing()
            };
            trace = trace.send(
                &format!("m{i}"),
                &format!("c{contact}"),
                &minute(at),
                &format!("d{delivery}"),
            );
        }
        for &(contact, code, start, length) in &self.failures {
            let (contact, code) = (format!("c{contact}"), CODES[code]);
            trace = match length {
                Some(len) => trace.fails(&contact, code, &minute(start), &minute(start + len)),
                None => trace.fails_from(&contact, code, &minute(start)),
            };
        }
        for &at in &self.bulks {
            trace = trace.bulk(&minute(at));
        }
        trace
    }

    fn run(&self) -> Run {
        self.trace().run(&self.scenario())
    }
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 96,
        // Keep shrunk failures beside this file rather than in a folder of their own.
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::WithSource("regressions"),
        )),
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    /// Every created message ends in exactly one final state (E3, E6, E8, S9 and the
    /// DESIGN.md conservation identity).
    #[test]
    fn every_message_ends_in_exactly_one_final_state(case in case()) {
        let run = case.run();
        let c = &run.output.metrics.counters;
        prop_assert_eq!(c.messages, case.sends.len() as u64);
        prop_assert_eq!(
            c.delivered + c.expired + c.hard_bounced + c.opted_out + c.failed
                + c.suppressed_messages + c.skipped_suppressed + c.pending,
            c.messages
        );
        prop_assert!(run.output.metrics.is_conserved());
    }

    /// No attempt is made to a contact after it was suppressed (E3, E8, E9, S9). At the
    /// suppression instant itself only the attempts that led to it exist: exactly one
    /// for a hard bounce or opt-out, and only soft bounces for the threshold.
    #[test]
    fn no_attempt_reaches_a_suppressed_contact_e9(case in case()) {
        let run = case.run();
        let mut seen = HashMap::new();
        for s in &run.output.suppressions {
            prop_assert!(seen.insert(s.contact, s.at).is_none(), "suppressed twice without a TTL");
            let at_or_after: Vec<_> = run
                .output
                .attempts
                .iter()
                .filter(|a| a.contact == s.contact && a.at >= s.at)
                .collect();
            for a in &at_or_after {
                prop_assert_eq!(a.at, s.at, "attempt {:?} after suppression {:?}", a, s);
            }
            let class_at = |a: &&retrysim::metrics::AttemptRecord| a.error.map(|e| run.errors.class(e));
            match s.reason {
                SuppressionReason::HardBounce | SuppressionReason::OptOut => {
                    prop_assert_eq!(at_or_after.len(), 1, "{:?}", s);
                    let want = if s.reason == SuppressionReason::HardBounce {
                        ErrorClass::Hard
                    } else {
                        ErrorClass::OptOut
                    };
                    prop_assert_eq!(class_at(&at_or_after[0]), Some(want));
                }
                SuppressionReason::SoftBounceThreshold => {
                    prop_assert!(!at_or_after.is_empty());
                    for a in &at_or_after {
                        prop_assert_eq!(class_at(a), Some(ErrorClass::Soft));
                    }
                    prop_assert_eq!(s.counter, case.threshold);
                }
            }
        }
    }

    /// No attempt is made at or after a message's creation time plus its retry period (E6).
    #[test]
    fn no_attempt_at_or_after_the_retry_period_ends_e6(case in case()) {
        let run = case.run();
        let policies = &run.scenario.policies;
        for a in &run.output.attempts {
            let send = run.workload.sends[a.message as usize];
            if let Some(period) = policies.of(send.channel()).retry_period.of(send.kind()) {
                prop_assert!(
                    a.at < send.created().plus(period),
                    "attempt {:?} at or after {} + {}",
                    a,
                    send.created(),
                    period
                );
            }
        }
    }

    /// The same scenario and seed give the same run, jitter included (E7, determinism).
    #[test]
    fn identical_seeds_give_identical_runs_e7(case in case()) {
        let first = case.run();
        let second = case.run();
        prop_assert_eq!(
            format!("{:?}", first.output.metrics),
            format!("{:?}", second.output.metrics)
        );
        prop_assert_eq!(
            format!("{:?}", first.output.suppressions),
            format!("{:?}", second.output.suppressions)
        );
        prop_assert_eq!(
            format!("{:?}", first.output.attempts),
            format!("{:?}", second.output.attempts)
        );
        prop_assert_eq!(
            format!("{:?}", first.output.operator),
            format!("{:?}", second.output.operator)
        );
    }

    /// Every attempt's outcome is the failure model's answer for its contact and time,
    /// attempts are numbered 1, 2, 3... per message starting with the initial send
    /// (S7, S8), and the trace is in time order.
    #[test]
    fn every_attempt_returns_what_the_failure_model_says_s8(case in case()) {
        let run = case.run();
        let mut next_number: HashMap<u32, u32> = HashMap::new();
        let mut last = Instant(i64::MIN);
        for a in &run.output.attempts {
            prop_assert_eq!(a.error, run.workload.failures.outcome(a.contact, a.at), "{:?}", a);
            let n = next_number.entry(a.message).or_insert(1);
            prop_assert_eq!(a.attempt, *n);
            prop_assert_eq!(
                a.trigger == retrysim::metrics::Trigger::Initial,
                a.attempt == 1
            );
            *n += 1;
            prop_assert!(a.at >= last);
            last = a.at;
        }
        prop_assert_eq!(run.output.attempts.len() as u64, run.output.metrics.counters.attempts);
    }
}
