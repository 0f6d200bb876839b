//! A synthetic operator: on chosen days of the week, at one local time of day, an
//! operator may bulk-retry every failed message (S4), giving a reason that the retry
//! history keeps (S8). The schedule applies to any workload, imported or synthetic, and
//! is merged with the actions of `actions.csv`.
//!
//! Whether the operator acts on a slot is drawn from the slot's own stream (seed,
//! replication, `Operator`, slot), where a slot is named by its local calendar date.
//! The decision therefore depends on nothing the policy sets, and a given day's decision
//! stays the same when the run's start, its length or the list of days changes: the
//! points of a sweep over the schedule see common random numbers.

use chrono::{Datelike, NaiveDate, Weekday};
use rand::Rng;

use crate::random::{self, Purpose};
use crate::time::{Instant, TimeOfDay};
use crate::workload::actions::{Action, ActionKind};
use crate::workload::synthetic::Frame;

/// The days an operator works when the scenario does not say: Monday to Friday.
pub const WEEKDAYS: [Weekday; 5] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
];

/// When, and how reliably, the operator bulk-retries failed messages.
#[derive(Debug, Clone, PartialEq)]
pub struct OperatorSpec {
    /// Days of the week on which the operator may act, Monday first, without repeats.
    pub days: Vec<Weekday>,
    /// Local time of day of each slot, in the scenario's time zone.
    pub at: TimeOfDay,
    /// Chance, in 0..=1, that the operator acts on a given slot.
    pub probability: f64,
    /// Free-text reason kept with every attempt the operator causes, if any.
    pub reason: Option<String>,
}

/// The operator's actions in one run and the notes they point into.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Schedule {
    /// Bulk retries of every failed message, in time order; `note` indexes `notes`.
    pub actions: Vec<Action>,
    /// The reason, when the spec gives one.
    pub notes: Vec<String>,
}

/// The operator's actions in the run `frame`: one bulk retry of every failed message
/// (`ActionKind::Bulk(None)`) on each slot where the slot's draw falls below
/// `spec.probability`.
pub fn schedule(spec: &OperatorSpec, frame: Frame) -> Schedule {
    let note = spec.reason.as_ref().map(|_| 0);
    let actions = slots(spec, frame)
        .filter(|&(date, _)| acts(spec.probability, frame, date))
        .map(|(_, at)| Action {
            at,
            kind: ActionKind::Bulk(None),
            note,
        })
        .collect();
    Schedule {
        actions,
        notes: spec.reason.iter().cloned().collect(),
    }
}

/// Every slot inside [start, end): the local dates whose weekday is listed, each at the
/// spec's local time, in time order.
pub fn slots(spec: &OperatorSpec, frame: Frame) -> impl Iterator<Item = (NaiveDate, Instant)> {
    let zone = frame.zone;
    let last = zone.local_date(frame.end);
    let days = spec.days.clone();
    let at = spec.at;
    zone.local_date(frame.start)
        .iter_days()
        .take_while(move |date| *date <= last)
        .filter(move |date| days.contains(&date.weekday()))
        .map(move |date| (date, zone.at_local(date, at)))
        .filter(move |&(_, t)| t >= frame.start && t < frame.end)
}

/// Whether the operator acts on the slot of `date`: the first draw of the slot's stream
/// is below `probability`, so 0 never acts and 1 always does.
fn acts(probability: f64, frame: Frame, date: NaiveDate) -> bool {
    let slot = u64::from(date.num_days_from_ce().unsigned_abs());
    let mut rng = random::stream(frame.seed, frame.replication, Purpose::Operator, slot);
    random::unit_f64(rng.next_u64()) < probability
}

/// Parses a day of the week: `mon` to `sun`, or the full English name, in any case.
pub fn parse_day(text: &str) -> Option<Weekday> {
    text.trim().parse().ok()
}

/// The name of a day as scenarios write it: `mon` to `sun`.
pub fn day_name(day: Weekday) -> String {
    day.to_string().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::Zone;

    fn at(text: &str) -> Instant {
        Instant::parse_rfc3339(text).unwrap()
    }

    fn spec(days: &[Weekday], time: &str, probability: f64) -> OperatorSpec {
        OperatorSpec {
            days: days.to_vec(),
            at: TimeOfDay::parse(time).unwrap(),
            probability,
            reason: Some("daily clean-up".into()),
        }
    }

    fn frame(seed: u64, start: &str, end: &str, zone: &str) -> Frame {
        Frame {
            seed,
            replication: 0,
            start: at(start),
            end: at(end),
            zone: Zone::parse(zone).unwrap(),
        }
    }

    fn times(schedule: &Schedule) -> Vec<String> {
        schedule.actions.iter().map(|a| a.at.to_string()).collect()
    }

    /// S4: with the default days the operator acts Monday to Friday only, at the local
    /// time, on every slot inside the run (the first, at the start itself, included).
    #[test]
    fn weekday_schedule_skips_the_weekend_s4() {
        // 2026-01-05 is a Monday; the run ends before Tuesday 2026-01-13 10:00.
        let s = schedule(
            &spec(&WEEKDAYS, "10:00", 1.0),
            frame(1, "2026-01-05T10:00:00Z", "2026-01-13T10:00:00Z", "UTC"),
        );
        assert_eq!(
            times(&s),
            [
                "2026-01-05T10:00:00Z",
                "2026-01-06T10:00:00Z",
                "2026-01-07T10:00:00Z",
                "2026-01-08T10:00:00Z",
                "2026-01-09T10:00:00Z",
                "2026-01-12T10:00:00Z"
            ]
        );
        assert!(
            s.actions
                .iter()
                .all(|a| a.kind == ActionKind::Bulk(None) && a.note == Some(0))
        );
        assert_eq!(s.notes, ["daily clean-up"]);
    }

    /// S4: slots keep their local time across the spring daylight-saving change in
    /// Europe/Paris (2026-03-29): 10:00 CET is 09:00Z, 10:00 CEST is 08:00Z.
    #[test]
    fn slots_keep_local_time_across_the_spring_change_s4() {
        let s = schedule(
            &spec(&[Weekday::Fri, Weekday::Sun, Weekday::Mon], "10:00", 1.0),
            frame(
                1,
                "2026-03-27T00:00:00Z",
                "2026-03-31T00:00:00Z",
                "Europe/Paris",
            ),
        );
        assert_eq!(
            times(&s),
            [
                "2026-03-27T09:00:00Z",
                "2026-03-29T08:00:00Z",
                "2026-03-30T08:00:00Z"
            ]
        );
    }

    /// S4: a slot inside the spring-forward gap (02:30 does not exist in Paris on
    /// 2026-03-29) moves forward by the gap, to 03:30 CEST.
    #[test]
    fn a_slot_in_the_spring_gap_moves_forward_s4() {
        let s = schedule(
            &spec(&[Weekday::Sun], "02:30", 1.0),
            frame(
                1,
                "2026-03-28T00:00:00Z",
                "2026-03-30T00:00:00Z",
                "Europe/Paris",
            ),
        );
        assert_eq!(times(&s), ["2026-03-29T01:30:00Z"]);
    }

    /// S4: probability 0 never acts; probability 1 acts on every slot.
    #[test]
    fn probability_zero_never_acts_and_one_always_acts_s4() {
        let f = frame(9, "2026-01-05T00:00:00Z", "2026-04-05T00:00:00Z", "UTC");
        let every_day = [
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
            Weekday::Sat,
            Weekday::Sun,
        ];
        assert!(
            schedule(&spec(&every_day, "10:00", 0.0), f)
                .actions
                .is_empty()
        );
        let all = schedule(&spec(&every_day, "10:00", 1.0), f);
        assert_eq!(all.actions.len(), 90);
    }

    /// S4: the same seed gives the same schedule; another seed or replication another
    /// one; about half of the slots are kept at probability 0.5.
    #[test]
    fn schedule_is_reproducible_for_a_seed_s4() {
        let p = spec(&WEEKDAYS, "10:00", 0.5);
        let f = frame(
            42,
            "2026-01-05T00:00:00Z",
            "2027-01-04T00:00:00Z",
            "Europe/Paris",
        );
        let first = schedule(&p, f);
        assert_eq!(schedule(&p, f), first);
        let kept = first.actions.len();
        assert!((100..=160).contains(&kept), "{kept} of 260 slots kept");
        assert_ne!(schedule(&p, Frame { seed: 43, ..f }), first);
        assert_ne!(
            schedule(
                &p,
                Frame {
                    replication: 1,
                    ..f
                }
            ),
            first
        );
    }

    /// S4: a day's decision does not depend on the run's start or on the other days
    /// listed, so a sweep over the schedule sees common random numbers.
    #[test]
    fn a_days_decision_does_not_depend_on_start_or_other_days_s4() {
        let f = frame(42, "2026-01-05T00:00:00Z", "2026-07-06T00:00:00Z", "UTC");
        let weekdays = schedule(&spec(&WEEKDAYS, "10:00", 0.5), f);
        let later = Frame {
            start: at("2026-02-01T00:00:00Z"),
            ..f
        };
        let mondays = schedule(&spec(&[Weekday::Mon], "10:00", 0.5), later);
        let expected: Vec<Action> = weekdays
            .actions
            .iter()
            .copied()
            .filter(|a| a.at >= later.start)
            .filter(|a| f.zone.local_date(a.at).weekday() == Weekday::Mon)
            .collect();
        assert_eq!(mondays.actions, expected);
    }

    #[test]
    fn days_parse_from_short_or_full_names() {
        assert_eq!(parse_day("mon"), Some(Weekday::Mon));
        assert_eq!(parse_day("Sunday"), Some(Weekday::Sun));
        assert_eq!(parse_day("funday"), None);
        assert_eq!(day_name(Weekday::Wed), "wed");
    }

    #[test]
    fn no_reason_means_no_note() {
        let p = OperatorSpec {
            reason: None,
            ..spec(&WEEKDAYS, "10:00", 1.0)
        };
        let s = schedule(
            &p,
            frame(1, "2026-01-05T00:00:00Z", "2026-01-06T00:00:00Z", "UTC"),
        );
        assert_eq!(s.actions.len(), 1);
        assert_eq!(s.actions[0].note, None);
        assert!(s.notes.is_empty());
    }
}
