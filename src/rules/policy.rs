//! One validated set of retry and suppression settings.
//!
//! A [`Policy`] is what the simulation reads; it cannot hold an out-of-range value
//! because the only way to build one from a file is `crate::scenario`, which checks every
//! bound of RULES.md first. Each field is one rule component; a preset is just a set of
//! values for these fields (see [`crate::rules::presets`]).

use crate::kinds::MessageType;
use crate::rules::backoff::Backoff;
use crate::rules::counter::CounterReset;
use crate::time::{Span, TimeOfDay};

/// The retry period of each message type (E6); `None` means messages never expire by age.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPeriods {
    /// Period for marketing messages.
    pub marketing: Option<Span>,
    /// Period for transactional messages.
    pub transactional: Option<Span>,
}

impl RetryPeriods {
    /// The period of a message of type `kind`.
    pub fn of(&self, kind: MessageType) -> Option<Span> {
        match kind {
            MessageType::Marketing => self.marketing,
            MessageType::Transactional => self.transactional,
        }
    }
}

/// The automatic retry job (S5, S6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AutoRetry {
    /// Local time of day of the first run.
    pub at: TimeOfDay,
    /// Wall-clock time between runs.
    pub every: Span,
    /// Automatic attempts per message, at most.
    pub max_attempts: u32,
}

/// Every setting of RULES.md for one channel.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// E2: soft bounces that suppress a contact; `None` keeps no counter.
    pub soft_bounce_threshold: Option<u8>,
    /// E4: least time between counted errors of different deliveries.
    pub cross_delivery_gap: Span,
    /// E5: which deliveries reset the counter.
    pub counter_reset: CounterReset,
    /// E6: how long after creation a message may still be attempted.
    pub retry_period: RetryPeriods,
    /// E7: the retry schedule.
    pub backoff: Backoff,
    /// E7: the least delay between a failure and its scheduled retry (`min_delay`).
    pub min_delay: Span,
    /// E7: the most attempts of one message the schedule makes, the original send
    /// included; `None` for no limit. The message then ends as `expired`.
    pub max_attempts: Option<u32>,
    /// E8: a hard bounce suppresses the contact.
    pub hard_bounce_suppresses: bool,
    /// S9: an opt-out suppresses the contact.
    pub opt_out_suppresses: bool,
    /// E9: how long a suppression lasts; `None` means to the end of the run.
    pub suppression_ttl: Option<Span>,
    /// E9: release delays per failure reason or class (`release_after`), over
    /// `suppression_ttl`; empty when the policy names none.
    pub release_after: crate::rules::release::ReleaseDelays,
    /// S1: the portal's eligibility checks (last message, recommended wait) apply.
    pub eligibility_checks: bool,
    /// S5: the automatic retry job, if it runs.
    pub auto_retry: Option<AutoRetry>,
    /// The price of one attempt, in the scenario's currency unit.
    pub cost_per_attempt: f64,
    /// The preset these settings started from; kept so that a printed policy reads back
    /// as the same policy.
    pub preset: String,
}

/// The policy of each channel. Contacts are addresses of one channel, so each message is
/// judged by its own channel's settings, or by its contact's domain's when a
/// `[policy.domains]` table names that domain.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelPolicies {
    /// Settings for email messages.
    pub email: Policy,
    /// Settings for SMS messages.
    pub sms: Policy,
    /// Per-domain settings (domain over channel over base); empty without
    /// `[policy.domains]`.
    pub domains: Vec<crate::rules::domains::DomainPolicy>,
}

impl ChannelPolicies {
    /// The policy that applies to `channel`.
    pub fn of(&self, channel: crate::kinds::Channel) -> &Policy {
        match channel {
            crate::kinds::Channel::Email => &self.email,
            crate::kinds::Channel::Sms => &self.sms,
        }
    }
}
