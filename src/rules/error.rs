//! The rules' own error: an `[[errors]]` entry, failure code or reason that cannot be
//! used, with a message that names the entry and what is allowed. A type rather than a
//! bare `String`, so library callers can tell it from I/O errors and match on it.

use thiserror::Error;

/// An error entry, status pattern or reason that is not valid.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{message}")]
pub struct RuleError {
    message: String,
}

impl RuleError {
    /// What is wrong, naming the setting (the text printed to users).
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl From<String> for RuleError {
    fn from(message: String) -> RuleError {
        RuleError { message }
    }
}

impl From<&str> for RuleError {
    fn from(message: &str) -> RuleError {
        RuleError {
            message: message.to_string(),
        }
    }
}

// Scenario validation still collects its messages as text; this keeps `?` working
// there while the rules themselves return a type.
impl From<RuleError> for String {
    fn from(error: RuleError) -> String {
        error.message
    }
}
