//! Operator retries a log shows. Where a format says that an attempt was an operator's
//! (retrysim's own `attempts.csv` names its trigger `manual` or `bulk`), the import
//! writes it as an action of `actions.csv` too, so the replay makes that retry through
//! the portal rules (S1–S4) instead of taking it for granted. Formats that cannot tell
//! an operator's resend from the platform's own retry are listed in docs/IMPORT.md.

use std::path::{Path, PathBuf};

use crate::report::atomic;
use crate::time::Instant;

/// One operator retry seen in a log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorRetry {
    /// When the retried attempt was made, which is when the operator acted.
    pub at: Instant,
    /// `manual` or `bulk`.
    pub action: &'static str,
    /// The retried message.
    pub message: String,
    /// The operator's reason, if the log keeps it.
    pub reason: String,
}

/// The `actions.csv` action of a trigger name, if the trigger is an operator's. A bulk
/// retry is written for the one message the log shows it queued: the messages it
/// skipped made no attempt, so no log shows them.
pub fn operator_action(trigger: &str) -> Option<&'static str> {
    match trigger {
        "manual" => Some("manual"),
        "bulk" => Some("bulk"),
        _ => None,
    }
}

/// Writes `actions.csv` (DESIGN.md's import format) in time order, keeping the log's
/// order within a second.
pub fn write(dir: &Path, retries: &[OperatorRetry]) -> anyhow::Result<PathBuf> {
    let mut sorted: Vec<&OperatorRetry> = retries.iter().collect();
    sorted.sort_by_key(|r| r.at);
    atomic::write_csv(&dir.join("actions.csv"), |w| {
        w.write_record(["at", "action", "message_id", "reason"])?;
        for r in sorted {
            w.write_record([
                r.at.to_string().as_str(),
                r.action,
                &crate::report::neutralise(&r.message),
                &crate::report::neutralise(&r.reason),
            ])?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_operator_triggers_become_actions_s3_s4() {
        assert_eq!(operator_action("manual"), Some("manual"));
        assert_eq!(operator_action("bulk"), Some("bulk"));
        for policy_made in ["initial", "backoff", "auto", ""] {
            assert_eq!(operator_action(policy_made), None);
        }
    }
}
