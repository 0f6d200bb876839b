//! Operator retries (S3, S4): one message retried by hand, or a bulk retry.

use crate::time::Instant;
use crate::workload::MessageId;

/// What the operator asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionKind {
    /// Retry one message (S3).
    Manual(MessageId),
    /// Retry a selection (S4): one message, or every failed message when `None`.
    Bulk(Option<MessageId>),
}

impl ActionKind {
    /// The name used in `actions.csv` and `operator.csv`.
    pub fn name(self) -> &'static str {
        match self {
            ActionKind::Manual(_) => "manual",
            ActionKind::Bulk(_) => "bulk",
        }
    }
}

/// One operator action at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Action {
    /// When the operator acts.
    pub at: Instant,
    /// What they retry.
    pub kind: ActionKind,
    /// Index of the free-text reason in [`crate::workload::Workload::notes`], if any.
    pub note: Option<u32>,
}
