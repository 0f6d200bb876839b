//! The retry schedule (E7) and the retry period (E6).
//!
//! A schedule turns "attempt n just failed" into the delay before attempt n+1. Jitter,
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
}

impl Jitter {
    /// The name used in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            Jitter::None => "none",
            Jitter::Full => "full",
            Jitter::Equal => "equal",
            Jitter::Decorrelated => "decorrelated",
        }
    }

    /// Parses a scenario name.
    pub fn parse(s: &str) -> Option<Jitter> {
        [
            Jitter::None,
            Jitter::Full,
            Jitter::Equal,
            Jitter::Decorrelated,
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
        let nominal = self.nominal(failed_attempt)?;
        let d = nominal.as_secs_f64();
        let secs = match self.jitter {
            Jitter::None => d,
            Jitter::Full => unit * d,
            Jitter::Equal => d / 2.0 + unit * d / 2.0,
            Jitter::Decorrelated => {
                let base = self.nominal(1)?.as_secs_f64();
                let prev = previous.map_or(base, Span::as_secs_f64);
                let high = (prev * 3.0).max(base);
                (base + unit * (high - base)).min(self.ceiling()?.as_secs_f64())
            }
        };
        Some(Span(secs.round() as i64))
    }

    /// The un-jittered delay after the failure of attempt `n` (n ≥ 1).
    pub fn nominal(&self, n: u32) -> Option<Span> {
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
        }
    }
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

    #[test]
    fn period_end_is_exclusive_e6() {
        let created = Instant(1000);
        assert!(within_period(created, Some(Span(100)), Instant(1099)));
        assert!(!within_period(created, Some(Span(100)), Instant(1100)));
        assert!(within_period(created, None, Instant(i64::MAX - 1)));
    }
}
