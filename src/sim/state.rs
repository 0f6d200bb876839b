//! The per-message and per-contact state of one run, packed small: a run of ten million
//! messages keeps one [`MessageState`] each.

use crate::rules::counter::SoftBounceCounter;
use crate::rules::errors::ErrorCode;
use crate::time::{Instant, Span};
use crate::workload::MessageId;

/// "No message" in the intrusive per-contact list.
pub const NO_MESSAGE: MessageId = MessageId::MAX;

/// Where a message is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Not created yet (or created outside the run).
    Unborn,
    /// Failed; a scheduled retry is pending (E7).
    Retrying,
    /// Failed; waiting for the automatic job or an operator (S5, S3, S4).
    Failed,
    /// Final: delivered.
    Delivered,
    /// Final: the retry period ended (E6).
    Expired,
    /// Final: a hard bounce (E8).
    HardBounced,
    /// Final: an opt-out (S9).
    OptedOut,
    /// Final: a business error that will not change.
    Rejected,
    /// Final: cancelled because the contact was suppressed (E3).
    Suppressed,
    /// Final: never attempted because the contact was suppressed (E3, E9).
    Skipped,
}

impl Status {
    /// Failed and not final: a retry may still come.
    pub fn is_open_failure(self) -> bool {
        matches!(self, Status::Retrying | Status::Failed)
    }
}

/// One message's state.
#[derive(Debug, Clone, Copy)]
pub struct MessageState {
    /// Where it is in its life.
    pub status: Status,
    /// Attempts made so far.
    pub attempts: u32,
    /// Of which by the automatic job.
    pub auto_attempts: u16,
    /// The last error, once an attempt failed.
    pub last_error: Option<ErrorCode>,
    /// When the last attempt failed, in seconds after the message's creation (see
    /// [`MessageState::last_fail_at`]). Relative and 4 bytes instead of an 8-byte instant
    /// so that the state is 24 bytes, not 32: at ten million messages that is 80 MB.
    pub last_fail_after: u32,
    /// The delay before the pending scheduled retry in seconds (0: none yet), for
    /// decorrelated jitter. Kept as `u32` so the state stays small.
    pub last_delay_secs: u32,
    /// The previous message created for the same contact, or [`NO_MESSAGE`].
    pub prev_same_contact: MessageId,
    /// The message has soft-bounced at least once, so its next soft bounce is a retry of
    /// the same delivery (E4).
    pub soft_bounced: bool,
}

impl MessageState {
    /// Records that an attempt at `now` failed with `code`, for a message created at
    /// `created`. Attempts never precede creation; a failure more than about 136 years
    /// after it is kept as that limit.
    pub fn record_failure(&mut self, code: ErrorCode, created: Instant, now: Instant) {
        debug_assert!(now >= created, "an attempt before its message was created");
        self.last_error = Some(code);
        self.last_fail_after = u32::try_from(now.since(created).0.max(0)).unwrap_or(u32::MAX);
    }

    /// When the last attempt failed, for a message created at `created`; the instant 0
    /// before any failure (what the state held as its default before it was relative).
    pub fn last_fail_at(&self, created: Instant) -> Instant {
        match self.last_error {
            Some(_) => created.plus(Span(i64::from(self.last_fail_after))),
            None => Instant(0),
        }
    }

    /// The delay before the pending scheduled retry, if one was scheduled.
    pub fn last_delay(&self) -> Option<Span> {
        (self.last_delay_secs > 0).then_some(Span(i64::from(self.last_delay_secs)))
    }
}

impl Default for MessageState {
    fn default() -> Self {
        MessageState {
            status: Status::Unborn,
            attempts: 0,
            auto_attempts: 0,
            last_error: None,
            last_fail_after: 0,
            last_delay_secs: 0,
            prev_same_contact: NO_MESSAGE,
            soft_bounced: false,
        }
    }
}

/// One contact's state.
#[derive(Debug, Clone, Copy)]
pub struct ContactState {
    /// The soft-bounce counter (E1–E5).
    pub counter: SoftBounceCounter,
    /// The most recent message created for the contact, or [`NO_MESSAGE`].
    pub last_message: MessageId,
    /// The contact is on the suppression list (until `suppressed_until`).
    pub suppressed: bool,
    /// Until when the suppression lasts (exclusive); meaningful only while `suppressed`.
    pub suppressed_until: Instant,
    /// The contact was suppressed at least once.
    pub ever_suppressed: bool,
}

impl Default for ContactState {
    fn default() -> Self {
        ContactState {
            counter: SoftBounceCounter::default(),
            last_message: NO_MESSAGE,
            suppressed: false,
            suppressed_until: Instant::NEVER,
            ever_suppressed: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_time_is_kept_relative_to_creation() {
        let mut m = MessageState::default();
        assert_eq!(m.last_fail_at(Instant(1_000)), Instant(0), "no failure yet");
        m.record_failure(ErrorCode(7), Instant(1_000), Instant(4_600));
        assert_eq!(m.last_error, Some(ErrorCode(7)));
        assert_eq!(m.last_fail_after, 3_600);
        assert_eq!(m.last_fail_at(Instant(1_000)), Instant(4_600));
    }

    #[test]
    fn per_message_and_per_contact_state_stay_small() {
        assert!(std::mem::size_of::<MessageState>() <= 24);
        assert!(std::mem::size_of::<ContactState>() <= 32);
    }
}
