//! The retry schedule (E7) and the retry period (E6).
//!
//! A schedule turns "attempt n just failed" into the delay before attempt n+1. Most
//! schedules count attempts; the `age` schedule of the Postfix queue manager instead
//! looks at how old the message is and only retries on the queue's periodic scans (see
//! [`Backoff::next_retry`]). A delay floor, when set, raises every shorter delay. Jitter,
//! when asked for, draws from the message's own random stream (one uniform number per
//! attempt, see [`crate::random::IndexedDraws`]), so a message's delays do not depend on
//! what any other message did.

use crate::time::{Instant, Span};

/// How the delay between attempts is chosen.
#[derive(Debug, Clone, PartialEq)]
pub enum Schedule {
    /// No scheduled retries (the portal: retries come only from the job or an operator).
    None,
    /// The same delay every time.
    Fixed {
        /// The delay.
        interval: Span,
    },
    /// `min(initial × factor^(n−1), cap)` after the failure of attempt n.
    Exponential {
        /// Delay after the first failure.
        initial: Span,
        /// Growth per attempt, at least 1.
        factor: f64,
        /// Largest delay.
        cap: Span,
    },
    /// The n-th delay of a list; its last delay repeats.
    List {
        /// The delays; never empty.
        delays: Vec<Span>,
    },
    /// The Postfix queue manager: after a failure at age a the next try is due
    /// `clamp(a, min, max)` later, and happens at the first scan at or after that time,
    /// scans falling every `scan` from the message's creation.
    Age {
        /// Least delay (Postfix `minimal_backoff_time`).
        min: Span,
        /// Largest delay (Postfix `maximal_backoff_time`).
        max: Span,
        /// Time between deferred-queue scans (Postfix `queue_run_delay`); at least 1 s.
        scan: Span,
    },
}

/// Randomisation of the scheduled delay d.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Jitter {
    /// Exactly d.
    None,
    /// Uniform in [0, d].
    Full,
    /// d/2 plus uniform in [0, d/2].
    Equal,
    /// Uniform in [base, 3 × previous delay], at most the cap ("decorrelated jitter").
    Decorrelated,
    /// Uniform in [0.9 d, 1.1 d]: a spread of ±10% around the nominal delay.
    TenPercent,
}

impl Jitter {
    /// The name used in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            Jitter::None => "none",
            Jitter::Full => "full",
            Jitter::Equal => "equal",
            Jitter::Decorrelated => "decorrelated",
            Jitter::TenPercent => "ten_percent",
        }
    }

    /// Parses a scenario name.
    pub fn parse(s: &str) -> Option<Jitter> {
        [
            Jitter::None,
            Jitter::Full,
            Jitter::Equal,
            Jitter::Decorrelated,
            Jitter::TenPercent,
        ]
        .into_iter()
        .find(|j| j.name() == s)
    }
}

/// A schedule with its jitter.
#[derive(Debug, Clone, PartialEq)]
pub struct Backoff {
    /// The delays.
    pub schedule: Schedule,
    /// Their randomisation.
    pub jitter: Jitter,
}

impl Backoff {
    /// No scheduled retries.
    pub const NONE: Backoff = Backoff {
        schedule: Schedule::None,
        jitter: Jitter::None,
    };

    /// True when the schedule makes retries at all.
    pub fn retries(&self) -> bool {
        self.schedule != Schedule::None
    }

    /// The delay before attempt `failed_attempt + 1`, or `None` when the schedule makes no
    /// retries. `previous` is the delay used before `failed_attempt` (for decorrelated
    /// jitter; ignored otherwise), and `unit` a uniform draw in [0, 1).
    pub fn delay(&self, failed_attempt: u32, previous: Option<Span>, unit: f64) -> Option<Span> {
        self.delay_at_age(failed_attempt, Span::ZERO, previous, unit)
    }

    /// When the retry after the failure of attempt `failed_attempt` at `now` of a
    /// message created at `created` is due, or `None` without scheduled retries. The
    /// delay is at least `floor`; an `age` schedule then waits for the next queue scan.
    pub fn next_retry(&self, retry: RetryInput) -> Option<Instant> {
        let age = retry.now.since(retry.created);
        let delay = self
            .delay_at_age(retry.failed_attempt, age, retry.previous, retry.unit)?
            .max(retry.floor);
        let due = retry.now.plus(delay);
        Some(match self.schedule {
            Schedule::Age { scan, .. } => next_scan(retry.created, scan, due),
            _ => due,
        })
    }

    /// The (jittered) delay after the failure of attempt `failed_attempt` of a message
    /// that is `age` old.
    fn delay_at_age(
        &self,
        failed_attempt: u32,
        age: Span,
        previous: Option<Span>,
        unit: f64,
    ) -> Option<Span> {
        let nominal = self.nominal_at_age(failed_attempt, age)?;
        let d = nominal.as_secs_f64();
        let secs = match self.jitter {
            Jitter::None => d,
            Jitter::Full => unit * d,
            Jitter::Equal => d / 2.0 + unit * d / 2.0,
            Jitter::TenPercent => d * (0.9 + 0.2 * unit),
            Jitter::Decorrelated => {
                let base = self.nominal(1)?.as_secs_f64();
                let prev = previous.map_or(base, Span::as_secs_f64);
                let high = (prev * 3.0).max(base);
                (base + unit * (high - base)).min(self.ceiling()?.as_secs_f64())
            }
        };
        Some(Span(secs.round() as i64))
    }

    /// The un-jittered delay after the failure of attempt `n` (n ≥ 1); an `age`
    /// schedule gives its least delay here.
    pub fn nominal(&self, n: u32) -> Option<Span> {
        self.nominal_at_age(n, Span::ZERO)
    }

    /// The un-jittered delay after the failure of attempt `n` at age `age`.
    fn nominal_at_age(&self, n: u32, age: Span) -> Option<Span> {
        let n = n.max(1);
        match &self.schedule {
            Schedule::None => None,
            Schedule::Fixed { interval } => Some(*interval),
            Schedule::Exponential {
                initial,
                factor,
                cap,
            } => {
                let grown = initial.as_secs_f64() * factor.powi((n - 1).min(1024) as i32);
                Some(Span(grown.min(cap.as_secs_f64()).round() as i64))
            }
            Schedule::List { delays } => {
                let i = (n as usize - 1).min(delays.len() - 1);
                Some(delays[i])
            }
            Schedule::Age { min, max, .. } => Some(Span(age.0.clamp(min.0, max.0))),
        }
    }

    /// The largest delay the schedule can produce: the cap, the interval or the longest
    /// listed delay.
    fn ceiling(&self) -> Option<Span> {
        match &self.schedule {
            Schedule::None => None,
            Schedule::Fixed { interval } => Some(*interval),
            Schedule::Exponential { cap, .. } => Some(*cap),
            Schedule::List { delays } => delays.iter().max().copied(),
            Schedule::Age { max, .. } => Some(*max),
        }
    }
}

/// What [`Backoff::next_retry`] needs to know about the failure just seen.
#[derive(Debug, Clone, Copy)]
pub struct RetryInput {
    /// When the message was created (entered the queue).
    pub created: Instant,
    /// When the attempt failed.
    pub now: Instant,
    /// The number of the attempt that failed (1 for the original send).
    pub failed_attempt: u32,
    /// The delay used before that attempt, for decorrelated jitter.
    pub previous: Option<Span>,
    /// A uniform draw in [0, 1) from the message's own stream.
    pub unit: f64,
    /// The least delay (`min_delay`); `Span::ZERO` for none.
    pub floor: Span,
}

/// The first scan at or after `due`, scans falling every `scan` from `created`.
fn next_scan(created: Instant, scan: Span, due: Instant) -> Instant {
    let step = scan.0.max(1);
    let since = due.since(created).0.max(0);
    // Written without `since + step` so that a due time near the end of time cannot
    // overflow.
    let scans = since / step + i64::from(since % step != 0);
    created.plus(Span(scans.saturating_mul(step)))
}

/// E6: an attempt may be made at `at` only strictly before `created + period`.
pub fn within_period(created: Instant, period: Option<Span>, at: Instant) -> bool {
    period.is_none_or(|p| at < created.plus(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exponential(jitter: Jitter) -> Backoff {
        Backoff {
            schedule: Schedule::Exponential {
                initial: Span::minutes(5),
                factor: 2.0,
                cap: Span(4000),
            },
            jitter,
        }
    }

    #[test]
    fn exponential_doubles_up_to_the_cap_e7() {
        let b = exponential(Jitter::None);
        let delays: Vec<i64> = (1..=6).map(|n| b.delay(n, None, 0.5).unwrap().0).collect();
        assert_eq!(delays, vec![300, 600, 1200, 2400, 4000, 4000]);
    }

    #[test]
    fn fractional_delays_round_to_the_nearest_second_halves_up_e7() {
        // 1 s grown by 1.5: 1, 1.5, 2.25, 3.375, 5.0625 s; each rounded on its own, the
        // unrounded value carried to the next step.
        let b = Backoff {
            schedule: Schedule::Exponential {
                initial: Span(1),
                factor: 1.5,
                cap: Span(1000),
            },
            jitter: Jitter::None,
        };
        let delays: Vec<i64> = (1..=5).map(|n| b.delay(n, None, 0.0).unwrap().0).collect();
        assert_eq!(delays, vec![1, 2, 2, 3, 5]);
        // Full jitter at 0.5 of 5 s is 2.5 s: the half goes up.
        let full = Backoff {
            schedule: Schedule::Fixed { interval: Span(5) },
            jitter: Jitter::Full,
        };
        assert_eq!(full.delay(1, None, 0.5), Some(Span(3)));
    }

    #[test]
    fn list_repeats_its_last_delay_e7() {
        let b = Backoff {
            schedule: Schedule::List {
                delays: vec![Span(60), Span(600)],
            },
            jitter: Jitter::None,
        };
        let delays: Vec<i64> = (1..=4).map(|n| b.delay(n, None, 0.0).unwrap().0).collect();
        assert_eq!(delays, vec![60, 600, 600, 600]);
    }

    #[test]
    fn fixed_is_constant_and_none_never_retries_e7() {
        let fixed = Backoff {
            schedule: Schedule::Fixed {
                interval: Span::hours(1),
            },
            jitter: Jitter::None,
        };
        assert_eq!(fixed.delay(7, None, 0.9), Some(Span::hours(1)));
        assert_eq!(Backoff::NONE.delay(1, None, 0.0), None);
    }

    #[test]
    fn jitter_scales_by_the_draw_e7() {
        assert_eq!(
            exponential(Jitter::Full).delay(2, None, 0.25),
            Some(Span(150))
        );
        assert_eq!(
            exponential(Jitter::Equal).delay(2, None, 0.5),
            Some(Span(450))
        );
        // Decorrelated: uniform in [300, 3 × 1000] at 0.5 is 1650, below the cap.
        let d = exponential(Jitter::Decorrelated).delay(3, Some(Span(1000)), 0.5);
        assert_eq!(d, Some(Span(1650)));
        // ... and the cap bounds it.
        let capped = exponential(Jitter::Decorrelated).delay(3, Some(Span(3000)), 0.99);
        assert_eq!(capped, Some(Span(4000)));
    }

    fn postfix() -> Backoff {
        Backoff {
            schedule: Schedule::Age {
                min: Span(300),
                max: Span(4000),
                scan: Span(300),
            },
            jitter: Jitter::None,
        }
    }

    /// The tries of a message that fails for ever, from its creation at 0.
    fn tries(b: &Backoff, floor: Span, count: usize) -> Vec<i64> {
        let mut at = vec![0];
        while at.len() < count {
            let input = RetryInput {
                created: Instant(0),
                now: Instant(*at.last().unwrap()),
                failed_attempt: at.len() as u32,
                previous: None,
                unit: 0.5,
                floor,
            };
            at.push(b.next_retry(input).unwrap().0);
        }
        at
    }

    #[test]
    fn age_schedule_waits_for_the_next_queue_scan_e7() {
        // 4800 + 4000 = 8800 is not a scan time: the next scan is at 9000.
        assert_eq!(
            tries(&postfix(), Span::ZERO, 10),
            vec![0, 300, 600, 1200, 2400, 4800, 9000, 13200, 17400, 21600]
        );
    }

    #[test]
    fn age_schedule_saturates_instead_of_overflowing_e7() {
        let huge = Backoff {
            schedule: Schedule::Age {
                min: Span(i64::MAX / 2),
                max: Span(i64::MAX / 2),
                scan: Span(i64::MAX / 3),
            },
            jitter: Jitter::None,
        };
        let input = RetryInput {
            created: Instant(0),
            now: Instant(i64::MAX / 2),
            failed_attempt: 1,
            previous: None,
            unit: 0.0,
            floor: Span::ZERO,
        };
        assert_eq!(huge.next_retry(input), Some(Instant::NEVER));
    }

    #[test]
    fn a_delay_floor_raises_short_delays_e7() {
        // The floor of 1000 s makes the first three delays 1000 s, then scans round up.
        assert_eq!(tries(&postfix(), Span(1000), 4), vec![0, 1200, 2400, 4800]);
        assert_eq!(
            tries(&exponential(Jitter::None), Span(1000), 4),
            vec![0, 1000, 2000, 3200]
        );
    }

    #[test]
    fn ten_percent_jitter_spreads_around_the_nominal_delay_e7() {
        let b = exponential(Jitter::TenPercent);
        assert_eq!(b.delay(1, None, 0.0), Some(Span(270)));
        assert_eq!(b.delay(1, None, 0.5), Some(Span(300)));
        assert_eq!(b.delay(1, None, 1.0), Some(Span(330)));
    }

    proptest::proptest! {
        /// E7, `age`: the retry is due no sooner than the clamped age (or the floor),
        /// lands on a scan of the message's queue, and waits less than one scan more.
        #[test]
        fn age_retries_land_on_the_first_scan_after_the_delay_e7(
            min in 1i64..10_000,
            spread in 0i64..10_000,
            scan in 1i64..5_000,
            created in 0i64..1_000_000_000,
            age in 0i64..10_000_000,
            floor in 0i64..20_000,
        ) {
            let b = Backoff {
                schedule: Schedule::Age { min: Span(min), max: Span(min + spread), scan: Span(scan) },
                jitter: Jitter::None,
            };
            let now = created + age;
            let input = RetryInput {
                created: Instant(created),
                now: Instant(now),
                failed_attempt: 1,
                previous: None,
                unit: 0.0,
                floor: Span(floor),
            };
            let next = b.next_retry(input).unwrap().0;
            let least = age.clamp(min, min + spread).max(floor);
            proptest::prop_assert!(next - now >= least);
            proptest::prop_assert!(next - now < least + scan);
            proptest::prop_assert_eq!((next - created) % scan, 0);
        }
    }

    #[test]
    fn period_end_is_exclusive_e6() {
        let created = Instant(1000);
        assert!(within_period(created, Some(Span(100)), Instant(1099)));
        assert!(!within_period(created, Some(Span(100)), Instant(1100)));
        assert!(within_period(created, None, Instant(i64::MAX - 1)));
    }
}
