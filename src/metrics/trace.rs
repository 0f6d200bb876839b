//! Records of individual events: attempts (S7, S8), suppressions and operator actions.
//! They hold dense ids; `crate::report` turns them into names when it writes them.

use std::num::NonZeroU32;

use crate::rules::eligibility::Refusal;
use crate::rules::errors::ErrorCode;
use crate::time::Instant;
use crate::workload::{ContactId, MessageId};

/// What caused an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Trigger {
    /// The original send.
    Initial,
    /// The email retry schedule (E7).
    Backoff,
    /// The automatic retry job (S5).
    Auto,
    /// An operator's retry of one message (S3).
    Manual,
    /// Part of an operator's bulk retry (S4).
    Bulk,
}

impl Trigger {
    /// The name used in `attempts.csv`.
    pub fn name(self) -> &'static str {
        match self {
            Trigger::Initial => "initial",
            Trigger::Backoff => "backoff",
            Trigger::Auto => "auto",
            Trigger::Manual => "manual",
            Trigger::Bulk => "bulk",
        }
    }
}

/// S7: the badge shown beside an attempt.
pub fn badge(attempt: u32) -> &'static str {
    match attempt {
        0 | 1 => "",
        2 => "Attempt #2",
        _ => "Attempt #3+",
    }
}

/// One attempt (S8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttemptRecord {
    /// The message.
    pub message: MessageId,
    /// Its contact.
    pub contact: ContactId,
    /// 1 for the original send, n + 1 for the n-th retry.
    pub attempt: u32,
    /// When it was made.
    pub at: Instant,
    /// What caused it.
    pub trigger: Trigger,
    /// `None` when delivered, else the error.
    pub error: Option<ErrorCode>,
    /// The operator's free-text reason, as an index into the workload's notes.
    pub note: NoteRef,
    /// This soft bounce counted toward the threshold (E4).
    pub counted: bool,
    /// The contact's soft-bounce counter after the attempt (E1, E5).
    pub counter: u8,
}

/// An optional index into the workload's notes, in four bytes where `Option<u32>` takes
/// eight: a trace holds one per attempt, and this brings an [`AttemptRecord`] from 40
/// bytes to 32. Index `u32::MAX` cannot be held; a workload never has that many notes
/// (each is a string of its own).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NoteRef(Option<NonZeroU32>);

impl NoteRef {
    /// A reference to note `index`, or none.
    pub fn new(index: Option<u32>) -> NoteRef {
        NoteRef(index.and_then(|i| NonZeroU32::new(i.checked_add(1)?)))
    }

    /// The note's index, if any.
    pub fn index(self) -> Option<u32> {
        self.0.map(|n| n.get() - 1)
    }
}

/// Why a contact was put on the suppression list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SuppressionReason {
    /// The soft-bounce counter reached the threshold (E3).
    SoftBounceThreshold,
    /// A hard bounce (E8).
    HardBounce,
    /// An opt-out (S9).
    OptOut,
}

impl SuppressionReason {
    /// The name used in `suppressions.csv`.
    pub fn name(self) -> &'static str {
        match self {
            SuppressionReason::SoftBounceThreshold => "soft_bounce_threshold",
            SuppressionReason::HardBounce => "hard_bounce",
            SuppressionReason::OptOut => "opt_out",
        }
    }
}

/// One addition to the suppression list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SuppressionRecord {
    /// The contact.
    pub contact: ContactId,
    /// When.
    pub at: Instant,
    /// Why.
    pub reason: SuppressionReason,
    /// The soft-bounce counter at that moment.
    pub counter: u8,
    /// When a `suppression_ttl` lets the contact go, if that happens before the run
    /// ends (E9).
    pub released_at: Option<Instant>,
}

/// The result of one operator retry of one message (S3, S4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperatorResult {
    /// Eligible: a new attempt was made.
    Queued,
    /// A manual retry that was refused.
    Failed(Refusal),
    /// A message of a bulk selection that was refused.
    Skipped(Refusal),
}

impl OperatorResult {
    /// The name used in `operator.csv`.
    pub fn name(self) -> &'static str {
        match self {
            OperatorResult::Queued => "queued",
            OperatorResult::Failed(_) => "failed",
            OperatorResult::Skipped(_) => "skipped",
        }
    }

    /// The S2 reason of a refusal.
    pub fn refusal(self) -> Option<Refusal> {
        match self {
            OperatorResult::Queued => None,
            OperatorResult::Failed(r) | OperatorResult::Skipped(r) => Some(r),
        }
    }
}

/// One line of a retry action's result: one message, or (in the compact form) every
/// message of a selection that had the same result and reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperatorRecord {
    /// When the operator (or the automatic job) acted.
    pub at: Instant,
    /// `manual`, `bulk` or `auto`.
    pub action: &'static str,
    /// The message, or `None` for a row that counts several messages.
    pub message: Option<MessageId>,
    /// What happened to it.
    pub result: OperatorResult,
    /// How many messages the row stands for (1 for a row that names its message).
    pub count: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn badges_follow_the_attempt_number_s7() {
        assert_eq!(badge(1), "");
        assert_eq!(badge(2), "Attempt #2");
        assert_eq!(badge(3), "Attempt #3+");
        assert_eq!(badge(17), "Attempt #3+");
    }

    #[test]
    fn note_references_keep_their_index_in_four_bytes() {
        for index in [None, Some(0), Some(1), Some(7), Some(u32::MAX - 1)] {
            assert_eq!(NoteRef::new(index).index(), index);
        }
        assert_eq!(NoteRef::default().index(), None);
        assert_eq!(std::mem::size_of::<NoteRef>(), 4);
        // What the reference is for: a trace's record in 32 bytes rather than 40.
        assert_eq!(std::mem::size_of::<AttemptRecord>(), 32);
    }
}
