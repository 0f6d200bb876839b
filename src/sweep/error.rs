//! The sweep's own error: a `[sweep]`, `[objective]` or `--shard` setting that cannot be
//! used, with a message that names the key and what is allowed. A type rather than a
//! bare `String`, so library callers can tell it from I/O errors and match on it.

use thiserror::Error;

/// A sweep design, objective, constraint or shard that is not valid.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{message}")]
pub struct SweepError {
    message: String,
}

impl SweepError {
    /// What is wrong, naming the setting (the text printed to users).
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl From<String> for SweepError {
    fn from(message: String) -> SweepError {
        SweepError { message }
    }
}

impl From<&str> for SweepError {
    fn from(message: &str) -> SweepError {
        SweepError {
            message: message.to_string(),
        }
    }
}
