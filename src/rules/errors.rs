//! Error codes: each maps to one [`ErrorClass`] and a recommended wait (RULES.md, "error
//! class"; S1c).
//!
//! The built-in table reads RFC 3463 enhanced status codes by their class digit (4 is
//! transient, so `soft`; 5 is permanent, so `hard`) with a few exceptions mail platforms
//! commonly make, and knows a set of SMS delivery error codes (see `docs/ERROR_CODES.md`
//! for each code and its source). A scenario's `[[errors]]` entries extend or override
//! the table, and a scenario may name a fallback class for codes nobody knows.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use thiserror::Error;

use crate::time::Span;

/// What kind of failure an error code reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ErrorClass {
    /// Transient; retried and counted toward the soft-bounce threshold.
    Soft,
    /// Permanent; never retried; may suppress the contact (E8).
    Hard,
    /// The recipient opted out; never retried; may suppress the contact (S9).
    OptOut,
    /// A business-logic block the platform may retry; not counted.
    BusinessRetryable,
    /// A business-logic rejection that will not change; never retried.
    BusinessFinal,
}

impl ErrorClass {
    /// Every class, in a fixed order.
    pub const ALL: [ErrorClass; 5] = [
        ErrorClass::Soft,
        ErrorClass::Hard,
        ErrorClass::OptOut,
        ErrorClass::BusinessRetryable,
        ErrorClass::BusinessFinal,
    ];

    /// The name used in scenario files and outputs.
    pub fn name(self) -> &'static str {
        match self {
            ErrorClass::Soft => "soft",
            ErrorClass::Hard => "hard",
            ErrorClass::OptOut => "opt_out",
            ErrorClass::BusinessRetryable => "business_retryable",
            ErrorClass::BusinessFinal => "business_final",
        }
    }

    /// True for the classes a platform may retry (`soft`, `business_retryable`).
    pub fn is_retryable(self) -> bool {
        matches!(self, ErrorClass::Soft | ErrorClass::BusinessRetryable)
    }

    /// True for the classes that win where failure windows overlap.
    pub fn is_permanent(self) -> bool {
        !self.is_retryable()
    }
}

impl fmt::Display for ErrorClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ErrorClass {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ErrorClass::ALL
            .into_iter()
            .find(|c| c.name() == s)
            .ok_or_else(|| {
                format!("expected one of soft, hard, opt_out, business_retryable, business_final, got {s:?}")
            })
    }
}

/// A dense id for an error code inside one run; the table turns it back into text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ErrorCode(pub u16);

/// One known code: its text, class and recommended wait before a retry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorInfo {
    /// The code as it appears in input and output, e.g. `4.2.2` or `30003`.
    pub code: String,
    /// Its class.
    pub class: ErrorClass,
    /// How long after a failure with this code a retry may first be made (S1c).
    pub wait: Span,
}

/// A code that neither the table nor the RFC 3463 pattern knows, with no fallback set.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error(
    "unknown error code {0:?}: add it to the scenario's [[errors]] table, or set error_fallback"
)]
pub struct UnknownCode(pub String);

/// The classification table of one scenario: built-in codes, the scenario's own entries,
/// and every code met so far, each with a dense [`ErrorCode`].
#[derive(Debug, Clone)]
pub struct ErrorTable {
    infos: Vec<ErrorInfo>,
    by_code: HashMap<String, ErrorCode>,
    overrides: HashMap<String, (ErrorClass, Span)>,
    fallback: Option<(ErrorClass, Span)>,
}

/// Default waits for the RFC 3463 pattern, by subject digit: greylisting and policy
/// deferrals (x.7) clear in minutes, mailbox problems (x.2) in hours.
fn rfc3463_wait(subject: u16) -> Span {
    match subject {
        7 => Span::minutes(5),
        3..=5 => Span::minutes(15),
        2 => Span::hours(1),
        _ => Span::minutes(30),
    }
}

/// Built-in codes that the bare class digit would get wrong, and the SMS codes.
/// See `docs/ERROR_CODES.md` for the sources.
const BUILT_IN: &[(&str, ErrorClass, i64)] = &[
    // RFC 3463 calls X.2.2 "mailbox full" useful as a persistent transient error; mail
    // platforms retry it whatever the class digit says.
    ("5.2.2", ErrorClass::Soft, 3600),
    // SMS: unreachable handset (switched off, out of coverage): try again later.
    ("30003", ErrorClass::Soft, 4 * 3600),
    // SMS: unknown or inactive number.
    ("30005", ErrorClass::Hard, 0),
    // SMS: landline or a carrier that cannot take text messages.
    ("30006", ErrorClass::Hard, 0),
    // SMS: carrier filtered the content as spam: sending it again will not help.
    ("30007", ErrorClass::BusinessFinal, 0),
    // SMS: unknown error at the carrier.
    ("30008", ErrorClass::Soft, 3600),
    // SMS: the sending queue overflowed: a platform-side, retryable block.
    ("30001", ErrorClass::BusinessRetryable, 15 * 60),
    // SMS: the recipient replied STOP.
    ("21610", ErrorClass::OptOut, 0),
];

impl ErrorTable {
    /// The built-in table, extended or overridden by `entries`, with an optional fallback
    /// class (and wait) for unknown codes.
    pub fn new(entries: &[ErrorInfo], fallback: Option<(ErrorClass, Span)>) -> Self {
        let mut overrides: HashMap<String, (ErrorClass, Span)> = BUILT_IN
            .iter()
            .map(|(c, class, wait)| (c.to_string(), (*class, Span(*wait))))
            .collect();
        for e in entries {
            overrides.insert(e.code.clone(), (e.class, e.wait));
        }
        ErrorTable {
            infos: Vec::new(),
            by_code: HashMap::new(),
            overrides,
            fallback,
        }
    }

    /// The id of `code`, classifying and remembering it on first sight.
    pub fn resolve(&mut self, code: &str) -> Result<ErrorCode, UnknownCode> {
        if let Some(id) = self.by_code.get(code) {
            return Ok(*id);
        }
        let (class, wait) = self
            .classify(code)
            .ok_or_else(|| UnknownCode(code.to_string()))?;
        let id =
            ErrorCode(u16::try_from(self.infos.len()).map_err(|_| UnknownCode(code.to_string()))?);
        self.infos.push(ErrorInfo {
            code: code.to_string(),
            class,
            wait,
        });
        self.by_code.insert(code.to_string(), id);
        Ok(id)
    }

    fn classify(&self, code: &str) -> Option<(ErrorClass, Span)> {
        self.overrides
            .get(code)
            .copied()
            .or_else(|| classify_rfc3463(code))
            .or(self.fallback)
    }

    /// The facts about a resolved code.
    pub fn info(&self, code: ErrorCode) -> &ErrorInfo {
        &self.infos[usize::from(code.0)]
    }

    /// The class of a resolved code.
    pub fn class(&self, code: ErrorCode) -> ErrorClass {
        self.infos[usize::from(code.0)].class
    }
}

/// Reads `C.S.D` with class digit C of 4 (soft) or 5 (hard) as RFC 3463 defines it.
fn classify_rfc3463(code: &str) -> Option<(ErrorClass, Span)> {
    let mut parts = code.split('.');
    let class = parts.next()?;
    let subject: u16 = parts.next()?.parse().ok()?;
    let detail: u16 = parts.next()?.parse().ok()?;
    if parts.next().is_some() || subject > 999 || detail > 999 {
        return None;
    }
    match class {
        "4" => Some((ErrorClass::Soft, rfc3463_wait(subject))),
        "5" => Some((ErrorClass::Hard, Span::ZERO)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3463_class_digit_decides() {
        let mut t = ErrorTable::new(&[], None);
        let soft = t.resolve("4.4.1").unwrap();
        let hard = t.resolve("5.1.1").unwrap();
        assert_eq!(t.class(soft), ErrorClass::Soft);
        assert_eq!(t.class(hard), ErrorClass::Hard);
        assert_eq!(t.info(soft).wait, Span::minutes(15));
        assert_eq!(t.resolve("4.4.1").unwrap(), soft, "codes are interned");
    }

    #[test]
    fn mailbox_full_is_soft_even_with_class_five() {
        let mut t = ErrorTable::new(&[], None);
        let c = t.resolve("5.2.2").unwrap();
        assert_eq!(t.class(c), ErrorClass::Soft);
    }

    #[test]
    fn scenario_entries_override_the_built_in_table() {
        let entry = ErrorInfo {
            code: "4.2.2".into(),
            class: ErrorClass::BusinessRetryable,
            wait: Span::hours(2),
        };
        let mut t = ErrorTable::new(&[entry], None);
        let c = t.resolve("4.2.2").unwrap();
        assert_eq!(t.class(c), ErrorClass::BusinessRetryable);
        assert_eq!(t.info(c).wait, Span::hours(2));
    }

    #[test]
    fn unknown_codes_are_errors_unless_a_fallback_is_set() {
        let mut strict = ErrorTable::new(&[], None);
        assert_eq!(strict.resolve("X42"), Err(UnknownCode("X42".into())));
        assert!(strict.resolve("6.1.1").is_err());
        assert!(strict.resolve("4.1").is_err());
        let mut lenient = ErrorTable::new(&[], Some((ErrorClass::Soft, Span::hours(1))));
        let c = lenient.resolve("X42").unwrap();
        assert_eq!(lenient.class(c), ErrorClass::Soft);
    }

    #[test]
    fn sms_codes_are_built_in() {
        let mut t = ErrorTable::new(&[], None);
        let stop = t.resolve("21610").unwrap();
        let unreachable = t.resolve("30003").unwrap();
        assert_eq!(t.class(stop), ErrorClass::OptOut);
        assert_eq!(t.class(unreachable), ErrorClass::Soft);
    }
}
