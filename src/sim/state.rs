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
#[repr(u8)]
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
    /// Every status, indexed by its discriminant, to read one back from its bits.
    pub(crate) const ALL: [Status; 10] = [
        Status::Unborn,
        Status::Retrying,
        Status::Failed,
        Status::Delivered,
        Status::Expired,
        Status::HardBounced,
        Status::OptedOut,
        Status::Rejected,
        Status::Suppressed,
        Status::Skipped,
    ];

    /// Failed and not final: a retry may still come.
    pub fn is_open_failure(self) -> bool {
        matches!(self, Status::Retrying | Status::Failed)
    }
}

/// Bits of [`MessageState`]'s `life` word holding the [`Status`].
const STATUS_MASK: u16 = 0b1111;
/// The message has soft-bounced at least once.
const SOFT_BOUNCED: u16 = 1 << 4;
/// An attempt failed: the error code and failure time hold a value.
const HAS_ERROR: u16 = 1 << 5;
/// Where the count of automatic-job attempts starts in the `life` word.
const AUTO_SHIFT: u32 = 6;
/// The largest count of automatic-job attempts kept; counting stops there. Eligibility
/// only compares the count with `max_auto_attempts`, which validation bounds to 1000, so
/// a count stopped at 1023 compares exactly as the full count would.
pub const AUTO_ATTEMPTS_KEPT: u32 = (1 << (16 - AUTO_SHIFT)) - 1;
// The bound of `max_auto_attempts` in scenario/policy.rs; raising it past the kept count
// would make a stopped count refuse a retry the full count allows.
const _: () = assert!(AUTO_ATTEMPTS_KEPT > 1000);

/// One message's state, in 20 bytes: at ten million messages, every byte is 10 MB of the
/// run's peak, which holds the send stream and these states together.
///
/// The status, the soft-bounce flag, whether an error was recorded and the automatic-job
/// attempt count share one 16-bit word (`life`), read and written through methods.
#[derive(Debug, Clone, Copy)]
pub struct MessageState {
    /// Attempts made so far.
    pub attempts: u32,
    /// When the last attempt failed, in seconds after the message's creation (see
    /// [`MessageState::last_fail_at`]). Relative and 4 bytes instead of an 8-byte instant.
    last_fail_after: u32,
    /// The delay before the pending scheduled retry in seconds (0: none yet), for
    /// decorrelated jitter. Kept as `u32` so the state stays small.
    pub last_delay_secs: u32,
    /// The previous message created for the same contact, or [`NO_MESSAGE`].
    pub prev_same_contact: MessageId,
    /// Status, flags and the automatic-job attempt count (bit layout above).
    life: u16,
    /// The last error's code; meaningful once `life` has [`HAS_ERROR`].
    last_code: u16,
}

impl MessageState {
    /// Where it is in its life.
    #[inline]
    pub fn status(&self) -> Status {
        Status::ALL[usize::from(self.life & STATUS_MASK)]
    }

    /// Moves it to `status`.
    #[inline]
    pub fn set_status(&mut self, status: Status) {
        self.life = (self.life & !STATUS_MASK) | status as u16;
    }

    /// The last error, once an attempt failed.
    #[inline]
    pub fn last_error(&self) -> Option<ErrorCode> {
        (self.life & HAS_ERROR != 0).then_some(ErrorCode(self.last_code))
    }

    /// Marks that the message soft-bounced and says whether it had before, so that its
    /// next soft bounce is known to be a retry of the same delivery (E4).
    #[inline]
    pub fn mark_soft_bounced(&mut self) -> bool {
        let before = self.life & SOFT_BOUNCED != 0;
        self.life |= SOFT_BOUNCED;
        before
    }

    /// Of the attempts, how many the automatic job made (up to [`AUTO_ATTEMPTS_KEPT`]).
    #[inline]
    pub fn auto_attempts(&self) -> u32 {
        u32::from(self.life >> AUTO_SHIFT)
    }

    /// Counts one more attempt by the automatic job, stopping at [`AUTO_ATTEMPTS_KEPT`].
    #[inline]
    pub fn count_auto_attempt(&mut self) {
        if self.auto_attempts() < AUTO_ATTEMPTS_KEPT {
            self.life += 1 << AUTO_SHIFT;
        }
    }

    /// Records that an attempt at `now` failed with `code`, for a message created at
    /// `created`. Attempts never precede creation; a failure more than about 136 years
    /// after it is kept as that limit.
    pub fn record_failure(&mut self, code: ErrorCode, created: Instant, now: Instant) {
        debug_assert!(now >= created, "an attempt before its message was created");
        self.life |= HAS_ERROR;
        self.last_code = code.0;
        self.last_fail_after = u32::try_from(now.since(created).0.max(0)).unwrap_or(u32::MAX);
    }

    /// When the last attempt failed, for a message created at `created`; the instant 0
    /// before any failure (what the state held as its default before it was relative).
    pub fn last_fail_at(&self, created: Instant) -> Instant {
        match self.last_error() {
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
            attempts: 0,
            last_fail_after: 0,
            last_delay_secs: 0,
            prev_same_contact: NO_MESSAGE,
            life: Status::Unborn as u16,
            last_code: 0,
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
        assert_eq!(m.last_error(), Some(ErrorCode(7)));
        assert_eq!(m.last_fail_after, 3_600);
        assert_eq!(m.last_fail_at(Instant(1_000)), Instant(4_600));
    }

    #[test]
    fn status_flags_and_counts_share_a_word_without_touching_each_other() {
        let mut m = MessageState::default();
        assert_eq!(m.status(), Status::Unborn);
        assert_eq!((m.last_error(), m.auto_attempts()), (None, 0));
        for (i, &status) in Status::ALL.iter().enumerate() {
            m.set_status(status);
            if i % 3 == 0 {
                m.count_auto_attempt();
            }
            assert_eq!(m.status(), status);
        }
        assert_eq!(m.auto_attempts(), 4);
        assert!(!m.mark_soft_bounced(), "first soft bounce");
        assert!(m.mark_soft_bounced(), "second soft bounce");
        m.record_failure(ErrorCode(u16::MAX), Instant(0), Instant(9));
        assert_eq!(m.last_error(), Some(ErrorCode(u16::MAX)));
        assert_eq!((m.status(), m.auto_attempts()), (Status::Skipped, 4));
        assert!(m.mark_soft_bounced());
    }

    #[test]
    fn the_automatic_job_count_stops_above_any_allowed_maximum() {
        let mut m = MessageState::default();
        m.set_status(Status::Failed);
        for _ in 0..AUTO_ATTEMPTS_KEPT + 5 {
            m.count_auto_attempt();
        }
        assert_eq!(m.auto_attempts(), AUTO_ATTEMPTS_KEPT);
        assert_eq!(
            m.status(),
            Status::Failed,
            "the count never spills into the status"
        );
    }

    #[test]
    fn per_message_and_per_contact_state_stay_small() {
        assert!(std::mem::size_of::<MessageState>() <= 20);
        assert!(std::mem::size_of::<ContactState>() <= 32);
    }
}
