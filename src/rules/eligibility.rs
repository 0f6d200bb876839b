//! Whether a failed message may be retried now (S1), and if not, why (S2).
//!
//! The portal (seed `000_e65adeafef008571.txt`) shows one reason per refused message, so
//! the checks run in a fixed order and the first failing one is the reason. Two reasons
//! extend the S2 list for cases the portal never shows: a message that has not failed
//! (`not_failed`, e.g. already delivered) and one whose retry period is over
//! (`retry_period_ended`, E6).

use std::fmt;

use crate::rules::errors::ErrorClass;
use crate::time::Instant;

/// Why a retry was refused, in the order the checks run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Refusal {
    /// The contact is on the suppression list (E9).
    ContactSuppressed,
    /// A newer message was created for the same contact (S1a).
    NotLastMessage,
    /// The message is not in a failed state: delivered, or never attempted.
    NotFailed,
    /// The last error's class is not retryable (S1b).
    NotRetryable,
    /// The last error's recommended wait has not passed (S1c).
    WaitNotElapsed,
    /// The automatic job already made its maximum number of attempts (S5, S6).
    MaxAutoAttempts,
    /// The message's retry period is over (E6).
    RetryPeriodEnded,
}

impl Refusal {
    /// Every reason, in check order.
    pub const ALL: [Refusal; 7] = [
        Refusal::ContactSuppressed,
        Refusal::NotLastMessage,
        Refusal::NotFailed,
        Refusal::NotRetryable,
        Refusal::WaitNotElapsed,
        Refusal::MaxAutoAttempts,
        Refusal::RetryPeriodEnded,
    ];

    /// The name used in outputs.
    pub fn name(self) -> &'static str {
        match self {
            Refusal::ContactSuppressed => "contact_suppressed",
            Refusal::NotLastMessage => "not_last_message",
            Refusal::NotFailed => "not_failed",
            Refusal::NotRetryable => "not_retryable",
            Refusal::WaitNotElapsed => "wait_not_elapsed",
            Refusal::MaxAutoAttempts => "max_auto_attempts",
            Refusal::RetryPeriodEnded => "retry_period_ended",
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What the checks need to know about one message at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    /// The contact is suppressed now.
    pub contact_suppressed: bool,
    /// No newer message exists for the contact.
    pub is_last_message: bool,
    /// Class of the last error, or `None` when the last attempt did not fail.
    pub last_error: Option<ErrorClass>,
    /// Last failure time plus the last error's recommended wait.
    pub ready_at: Instant,
    /// Automatic attempts made so far.
    pub auto_attempts: u32,
    /// The retry period (if any) has not ended.
    pub within_period: bool,
}

/// Which checks apply to a retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checks {
    /// S1a and S1c apply (the portal); without them only suppression, class and period
    /// are checked.
    pub portal_rules: bool,
    /// For the automatic job: the cap on automatic attempts (S5).
    pub max_auto_attempts: Option<u32>,
}

/// S1 and S2: `Ok` when the message may be retried at `now`, else the first reason.
pub fn check(c: &Candidate, now: Instant, checks: Checks) -> Result<(), Refusal> {
    if c.contact_suppressed {
        return Err(Refusal::ContactSuppressed);
    }
    if checks.portal_rules && !c.is_last_message {
        return Err(Refusal::NotLastMessage);
    }
    match c.last_error {
        None => return Err(Refusal::NotFailed),
        Some(class) if !class.is_retryable() => return Err(Refusal::NotRetryable),
        Some(_) => {}
    }
    if checks.portal_rules && now < c.ready_at {
        return Err(Refusal::WaitNotElapsed);
    }
    if checks
        .max_auto_attempts
        .is_some_and(|max| c.auto_attempts >= max)
    {
        return Err(Refusal::MaxAutoAttempts);
    }
    if !c.within_period {
        return Err(Refusal::RetryPeriodEnded);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PORTAL_JOB: Checks = Checks {
        portal_rules: true,
        max_auto_attempts: Some(3),
    };

    fn eligible() -> Candidate {
        Candidate {
            contact_suppressed: false,
            is_last_message: true,
            last_error: Some(ErrorClass::Soft),
            ready_at: Instant(100),
            auto_attempts: 0,
            within_period: true,
        }
    }

    #[test]
    fn all_conditions_met_is_eligible_s1() {
        assert_eq!(check(&eligible(), Instant(100), PORTAL_JOB), Ok(()));
        let business = Candidate {
            last_error: Some(ErrorClass::BusinessRetryable),
            ..eligible()
        };
        assert_eq!(check(&business, Instant(100), PORTAL_JOB), Ok(()));
    }

    #[test]
    fn each_condition_has_its_reason_s2() {
        let at = Instant(100);
        let cases = [
            (
                Candidate {
                    contact_suppressed: true,
                    ..eligible()
                },
                Refusal::ContactSuppressed,
            ),
            (
                Candidate {
                    is_last_message: false,
                    ..eligible()
                },
                Refusal::NotLastMessage,
            ),
            (
                Candidate {
                    last_error: Some(ErrorClass::Hard),
                    ..eligible()
                },
                Refusal::NotRetryable,
            ),
            (
                Candidate {
                    last_error: Some(ErrorClass::OptOut),
                    ..eligible()
                },
                Refusal::NotRetryable,
            ),
            (
                Candidate {
                    ready_at: Instant(101),
                    ..eligible()
                },
                Refusal::WaitNotElapsed,
            ),
            (
                Candidate {
                    auto_attempts: 3,
                    ..eligible()
                },
                Refusal::MaxAutoAttempts,
            ),
            (
                Candidate {
                    last_error: None,
                    ..eligible()
                },
                Refusal::NotFailed,
            ),
            (
                Candidate {
                    within_period: false,
                    ..eligible()
                },
                Refusal::RetryPeriodEnded,
            ),
        ];
        for (candidate, reason) in cases {
            assert_eq!(
                check(&candidate, at, PORTAL_JOB),
                Err(reason),
                "{candidate:?}"
            );
        }
    }

    #[test]
    fn the_first_failing_reason_wins_s2() {
        let everything_wrong = Candidate {
            contact_suppressed: true,
            is_last_message: false,
            last_error: Some(ErrorClass::Hard),
            ready_at: Instant(1000),
            auto_attempts: 9,
            within_period: false,
        };
        assert_eq!(
            check(&everything_wrong, Instant(0), PORTAL_JOB),
            Err(Refusal::ContactSuppressed)
        );
        let not_last = Candidate {
            contact_suppressed: false,
            ..everything_wrong
        };
        assert_eq!(
            check(&not_last, Instant(0), PORTAL_JOB),
            Err(Refusal::NotLastMessage)
        );
        let hard = Candidate {
            is_last_message: true,
            ..not_last
        };
        assert_eq!(
            check(&hard, Instant(0), PORTAL_JOB),
            Err(Refusal::NotRetryable)
        );
        let early = Candidate {
            last_error: Some(ErrorClass::Soft),
            ..hard
        };
        assert_eq!(
            check(&early, Instant(0), PORTAL_JOB),
            Err(Refusal::WaitNotElapsed)
        );
        assert_eq!(
            check(&early, Instant(1000), PORTAL_JOB),
            Err(Refusal::MaxAutoAttempts)
        );
    }

    #[test]
    fn manual_retries_ignore_the_automatic_cap_s6() {
        let capped = Candidate {
            auto_attempts: 3,
            ..eligible()
        };
        let manual = Checks {
            portal_rules: true,
            max_auto_attempts: None,
        };
        assert_eq!(check(&capped, Instant(100), manual), Ok(()));
    }

    #[test]
    fn without_portal_rules_age_and_order_do_not_matter() {
        let c = Candidate {
            is_last_message: false,
            ready_at: Instant(500),
            ..eligible()
        };
        let email = Checks {
            portal_rules: false,
            max_auto_attempts: None,
        };
        assert_eq!(check(&c, Instant(100), email), Ok(()));
    }
}
