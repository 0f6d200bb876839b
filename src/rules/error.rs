//! The rules' error: an `[[errors]]` entry, failure code or reason that cannot be used,
//! with a message that names the entry and what is allowed. It is the library's shared
//! [`MessageError`](crate::error::MessageError) under the name callers of the rules already use.

/// An error entry, status pattern or reason that is not valid.
pub type RuleError = crate::error::MessageError;
