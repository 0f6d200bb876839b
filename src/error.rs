//! The library's one message error: a setting, size, code or option that cannot be used,
//! with a message that names it and says what is allowed. The sweep and the rules had
//! each grown an identical type; they are now names for this one, and the smaller
//! parsers (`--memory-limit`, `--tail`, the log classifier) return it too, so library
//! callers can tell a bad setting from an I/O error and match on it without a `String`.

use thiserror::Error;

/// Something given to the library that is not valid; its text is what users see.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{message}")]
pub struct MessageError {
    message: String,
}

impl MessageError {
    /// What is wrong, naming the setting (the text printed to users).
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl From<String> for MessageError {
    fn from(message: String) -> MessageError {
        MessageError { message }
    }
}

impl From<&str> for MessageError {
    fn from(message: &str) -> MessageError {
        MessageError {
            message: message.to_string(),
        }
    }
}

// Scenario validation and the log importer's skip list still collect messages as text;
// this keeps `?` and `Into<String>` working there while the library returns a type.
impl From<MessageError> for String {
    fn from(error: MessageError) -> String {
        error.message
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_shown_is_the_message_both_ways() {
        let e = MessageError::from("policy.x must be positive");
        assert_eq!(e.to_string(), "policy.x must be positive");
        assert_eq!(e.message(), "policy.x must be positive");
        assert_eq!(String::from(e.clone()), "policy.x must be positive");
        assert_eq!(MessageError::from(e.to_string()), e);
    }
}
