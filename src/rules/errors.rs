//! Error classes, and the interning of failures into dense [`ErrorCode`] ids for the
//! simulation (RULES.md, "error class"; S1c).
//!
//! What a failure means (its reason, class and recommended wait) is decided by the reason
//! table ([`crate::rules::reasons`]) once per distinct failure, when a workload is
//! imported or generated. [`ErrorTable`] remembers each distinct (code, reply code,
//! diagnostic) with its classification, so the simulation loop only ever indexes a
//! vector by id and never matches text.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use thiserror::Error;

use crate::rules::entries::ErrorEntry;
use crate::rules::reasons::ReasonTable;
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

/// A dense id for a failure (code, reply code and diagnostic) inside one run; the table
/// turns it back into text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ErrorCode(pub u16);

/// One known failure: its code, reason, class and recommended wait.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorInfo {
    /// The code as it appears in input and output, e.g. `4.2.2` or `30003`.
    pub code: String,
    /// The reason it was classified as, e.g. `mailbox_full`.
    pub reason: String,
    /// Its class.
    pub class: ErrorClass,
    /// How long after a failure with this code a retry may first be made (S1c).
    pub wait: Span,
    /// Whether its reason counts toward the soft-bounce threshold when the receiver
    /// throttles with it (the reason table's setting).
    pub counts_toward_threshold: bool,
}

/// A code that neither the table nor the RFC 3463 pattern knows, with no fallback set.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error(
    "unknown error code {0:?}: add it to the scenario's [[errors]] table, or set error_fallback"
)]
pub struct UnknownCode(pub String);

/// Every distinct failure met in one run, each with a dense [`ErrorCode`] and its
/// classification by the scenario's [`ReasonTable`].
#[derive(Debug, Clone)]
pub struct ErrorTable {
    infos: Vec<ErrorInfo>,
    by_code: HashMap<String, ErrorCode>,
    /// Failures that carry a reply code or a diagnostic, keyed by all three.
    by_report: HashMap<(String, Option<u16>, String), ErrorCode>,
    reasons: Arc<ReasonTable>,
}

impl ErrorTable {
    /// The built-in reason table, extended or overridden by `entries`, with an optional
    /// fallback class (and wait) for unknown codes.
    pub fn new(entries: &[ErrorEntry], fallback: Option<(ErrorClass, Span)>) -> Self {
        Self::with_reasons(Arc::new(ReasonTable::new(entries, fallback)))
    }

    /// An empty table that classifies through `reasons`.
    pub fn with_reasons(reasons: Arc<ReasonTable>) -> Self {
        ErrorTable {
            infos: Vec::new(),
            by_code: HashMap::new(),
            by_report: HashMap::new(),
            reasons,
        }
    }

    /// The reason table behind this one.
    pub fn reasons(&self) -> &ReasonTable {
        &self.reasons
    }

    /// The id of `code` (a status, reply code, provider code or reason name),
    /// classifying and remembering it on first sight.
    pub fn resolve(&mut self, code: &str) -> Result<ErrorCode, UnknownCode> {
        if let Some(id) = self.by_code.get(code) {
            return Ok(*id);
        }
        let id = self.intern(code, None, "")?;
        self.by_code.insert(code.to_string(), id);
        Ok(id)
    }

    /// The id of a failure reported with a reply code and diagnostic text as well,
    /// classifying and remembering the combination on first sight. Without either, this
    /// is [`ErrorTable::resolve`].
    pub fn resolve_report(
        &mut self,
        code: &str,
        reply: Option<u16>,
        diagnostic: &str,
    ) -> Result<ErrorCode, UnknownCode> {
        if reply.is_none() && diagnostic.is_empty() {
            return self.resolve(code);
        }
        let key = (code.to_string(), reply, diagnostic.to_string());
        if let Some(id) = self.by_report.get(&key) {
            return Ok(*id);
        }
        let id = self.intern(code, reply, diagnostic)?;
        self.by_report.insert(key, id);
        Ok(id)
    }

    fn intern(
        &mut self,
        code: &str,
        reply: Option<u16>,
        diagnostic: &str,
    ) -> Result<ErrorCode, UnknownCode> {
        let c = self.reasons.classify(Some(code), reply, diagnostic)?;
        let id =
            ErrorCode(u16::try_from(self.infos.len()).map_err(|_| UnknownCode(code.to_string()))?);
        self.infos.push(ErrorInfo {
            code: code.to_string(),
            reason: self.reasons.reason(c.reason).name.clone(),
            class: c.class,
            wait: c.wait,
            counts_toward_threshold: self.reasons.reason(c.reason).counts_toward_threshold,
        });
        Ok(id)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transient_statuses_are_soft_with_their_subject_wait() {
        let mut t = ErrorTable::new(&[], None);
        let soft = t.resolve("4.4.1").unwrap();
        let hard = t.resolve("5.1.1").unwrap();
        assert_eq!(t.class(soft), ErrorClass::Soft);
        assert_eq!(t.class(hard), ErrorClass::Hard);
        assert_eq!(t.info(soft).wait, Span::minutes(15));
        assert_eq!(t.info(hard).reason, "user_unknown");
        assert_eq!(t.resolve("4.4.1").unwrap(), soft, "codes are interned");
    }

    #[test]
    fn mailbox_full_is_soft_even_with_class_five() {
        let mut t = ErrorTable::new(&[], None);
        let c = t.resolve("5.2.2").unwrap();
        assert_eq!(t.class(c), ErrorClass::Soft);
        assert_eq!(t.info(c).wait, Span::hours(1));
    }

    #[test]
    fn scenario_entries_override_the_built_in_table() {
        let entry = ErrorEntry::code("4.2.2", ErrorClass::BusinessRetryable, Span::hours(2));
        let mut t = ErrorTable::new(&[entry.unwrap()], None);
        let c = t.resolve("4.2.2").unwrap();
        assert_eq!(t.class(c), ErrorClass::BusinessRetryable);
        assert_eq!(t.info(c).wait, Span::hours(2));
        assert_eq!(
            t.info(c).reason,
            "mailbox_full",
            "the reason stays the built-in one"
        );
    }

    #[test]
    fn unknown_codes_are_errors_unless_a_fallback_is_set() {
        let mut strict = ErrorTable::new(&[], None);
        assert_eq!(strict.resolve("X42"), Err(UnknownCode("X42".into())));
        assert!(strict.resolve("6.1.1").is_err());
        assert!(strict.resolve("4.1").is_err());
        assert!(
            strict.resolve("5.7.*").is_err(),
            "a wildcard is not a failure"
        );
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
        assert_eq!(t.info(unreachable).wait, Span::hours(4));
    }

    #[test]
    fn reports_with_text_are_interned_by_code_reply_and_text() {
        let mut t = ErrorTable::new(&[], None);
        let spam = "550 5.7.1 Client host [192.0.2.7] blocked using zen.spamhaus.org";
        let unknown = "550 5.7.1 <a@b.example>: No such user here";
        let a = t.resolve_report("5.7.1", Some(550), spam).unwrap();
        let b = t.resolve_report("5.7.1", Some(550), unknown).unwrap();
        assert_ne!(a, b);
        assert_eq!(t.resolve_report("5.7.1", Some(550), spam).unwrap(), a);
        assert_eq!(
            (t.class(a), t.info(a).reason.as_str()),
            (ErrorClass::Soft, "blocked")
        );
        assert_eq!(
            (t.class(b), t.info(b).reason.as_str()),
            (ErrorClass::Hard, "user_unknown")
        );
        assert_eq!(t.info(a).code, "5.7.1", "outputs show the code as given");
    }
}
