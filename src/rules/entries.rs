//! A scenario's `[[errors]]` entries: what each may say and how it is checked.
//!
//! One entry does one of three things:
//! - `code` (an RFC 3463 status, a `C.S.*` or `C.*.*` wildcard, a reply code or a provider
//!   code) with a `reason`, a `class` and/or a `wait`: how that code is classified. A
//!   scenario's code entry is final: the diagnostic text never refines it. An entry
//!   that sets a class without a wait has wait 0s, as in earlier versions.
//! - `reason` with a `class` and/or `wait` (no code): changes a reason for every code
//!   that points to it, or defines a new reason (then `class` is required).
//! - `pattern` with a `reason`: a case-insensitive text that marks the reason in the
//!   diagnostic of an ambiguous code; the scenario's patterns are tried before the
//!   built-in ones.

use super::RuleError;
use serde::Deserialize;

use crate::rules::errors::ErrorClass;
use crate::rules::reasons::ReasonTable;
use crate::rules::status::CodePattern;
use crate::time::Span;

/// One `[[errors]]` entry as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEntry {
    /// A code or an RFC 3463 wildcard.
    pub code: Option<String>,
    /// A reason name, built-in or new.
    pub reason: Option<String>,
    /// A diagnostic text pattern.
    pub pattern: Option<String>,
    /// A class name.
    pub class: Option<String>,
    /// A wait such as `1h`.
    pub wait: Option<String>,
    /// For a reason entry: whether failures with this reason count toward the
    /// soft-bounce threshold (E4).
    #[serde(default)]
    pub counts_toward_threshold: Option<bool>,
}

/// What an entry applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryTarget {
    /// A code or wildcard.
    Code(CodePattern),
    /// A reason as a whole.
    Reason,
    /// A text pattern for the entry's reason.
    Pattern(String),
}

/// One checked `[[errors]]` entry; build it with [`entries`] or [`ErrorEntry::code`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorEntry {
    /// What it applies to.
    pub target: EntryTarget,
    /// The reason it names, if any.
    pub reason: Option<String>,
    /// The class it sets, if any.
    pub class: Option<ErrorClass>,
    /// The wait it sets, if any.
    pub wait: Option<Span>,
    /// Whether the reason counts toward the soft-bounce threshold, if set.
    pub counts_toward_threshold: Option<bool>,
}

impl ErrorEntry {
    /// An entry that gives one code (or wildcard) a class and a wait, as earlier
    /// versions' `code, class, wait` entries did.
    pub fn code(code: &str, class: ErrorClass, wait: Span) -> Result<ErrorEntry, RuleError> {
        Ok(ErrorEntry {
            target: EntryTarget::Code(CodePattern::parse(code)?),
            reason: None,
            class: Some(class),
            wait: Some(wait),
            counts_toward_threshold: None,
        })
    }
}

/// Checks a scenario's entries. Errors name the entry (`errors[2].code: ...`).
pub fn entries(raw: &[RawEntry]) -> Result<Vec<ErrorEntry>, RuleError> {
    let mut known: Vec<String> = ReasonTable::built_in_names().map(String::from).collect();
    raw.iter()
        .enumerate()
        .map(|(i, e)| entry(e, &format!("errors[{i}]"), &mut known))
        .collect()
}

fn entry(e: &RawEntry, key: &str, known: &mut Vec<String>) -> Result<ErrorEntry, RuleError> {
    let class = e
        .class
        .as_deref()
        .map(|c| {
            c.parse::<ErrorClass>()
                .map_err(|m| format!("{key}.class: {m}"))
        })
        .transpose()?;
    let wait = e
        .wait
        .as_deref()
        .map(|w| Span::parse(w).map_err(|m| format!("{key}.wait: {m}")))
        .transpose()?;
    let target = match (&e.code, &e.pattern) {
        (Some(_), Some(_)) => {
            return Err(format!(
                "{key}: give either code or pattern, not both (a pattern refines ambiguous codes)"
            )
            .into());
        }
        (Some(code), None) => {
            EntryTarget::Code(CodePattern::parse(code).map_err(|m| format!("{key}.code: {m}"))?)
        }
        (None, Some(p)) if p.trim().is_empty() => {
            return Err(format!("{key}.pattern must not be empty").into());
        }
        (None, Some(p)) => EntryTarget::Pattern(p.trim().to_string()),
        (None, None) if e.reason.is_some() => EntryTarget::Reason,
        (None, None) => {
            return Err(format!("{key} needs a code, a reason or a pattern").into());
        }
    };
    check_reason(e, key, &target, class, wait, known)?;
    if e.counts_toward_threshold.is_some() && target != EntryTarget::Reason {
        return Err(format!(
            "{key}.counts_toward_threshold belongs to a reason entry (reason without code or pattern)"
        )
        .into());
    }
    // Earlier versions read a code entry's missing wait as 0s; keep that, so that
    // existing scenarios give the same results.
    let wait = match target {
        EntryTarget::Code(_) if class.is_some() => Some(wait.unwrap_or(Span::ZERO)),
        _ => wait,
    };
    Ok(ErrorEntry {
        target,
        reason: e.reason.clone(),
        class,
        wait,
        counts_toward_threshold: e.counts_toward_threshold,
    })
}

/// The reason must be known, or be defined here with a class.
fn check_reason(
    e: &RawEntry,
    key: &str,
    target: &EntryTarget,
    class: Option<ErrorClass>,
    wait: Option<Span>,
    known: &mut Vec<String>,
) -> Result<(), RuleError> {
    match target {
        EntryTarget::Code(_) if e.reason.is_none() && class.is_none() => {
            return Err(format!("{key} with a code needs a class or a reason").into());
        }
        EntryTarget::Pattern(_) if e.reason.is_none() => {
            return Err(format!("{key}.pattern needs the reason it marks").into());
        }
        EntryTarget::Pattern(_) if class.is_some() || wait.is_some() => {
            return Err(format!(
                "{key}: a pattern entry takes only a reason; set the reason's class and wait in an entry of its own"
            ).into());
        }
        _ => {}
    }
    let Some(name) = e.reason.as_deref() else {
        return Ok(());
    };
    if known.iter().any(|k| k == name) {
        return Ok(());
    }
    if *target == EntryTarget::Reason && class.is_some() && is_name(name) {
        known.push(name.to_string());
        return Ok(());
    }
    Err(format!(
        "{key}.reason: unknown reason {name:?}; define it in an entry with reason and class, or use one of {}",
        known.join(", ")
    )
    .into())
}

/// Lower-case letters, digits and `_`: names that read well in CSV outputs.
fn is_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(
        code: Option<&str>,
        reason: Option<&str>,
        pattern: Option<&str>,
        class: Option<&str>,
    ) -> RawEntry {
        RawEntry {
            code: code.map(String::from),
            reason: reason.map(String::from),
            pattern: pattern.map(String::from),
            class: class.map(String::from),
            wait: None,
            counts_toward_threshold: None,
        }
    }

    #[test]
    fn bad_wildcards_are_rejected_naming_the_entry() {
        let e = entries(&[raw(Some("5.*.1"), None, None, Some("hard"))]).unwrap_err();
        assert!(e.message().starts_with("errors[0].code:"), "{e}");
        assert!(e.message().contains("5.7.*"), "{e}");
    }

    #[test]
    fn unknown_reasons_must_be_defined_first() {
        let e = entries(&[raw(Some("5.7.1"), Some("barracuda"), None, None)]).unwrap_err();
        assert!(e.message().contains("unknown reason \"barracuda\""), "{e}");
        let ok = entries(&[
            raw(None, Some("barracuda"), None, Some("soft")),
            raw(None, Some("barracuda"), Some("barracuda networks"), None),
        ]);
        assert_eq!(ok.map(|v| v.len()), Ok(2));
    }

    #[test]
    fn an_entry_must_say_what_it_changes() {
        assert!(entries(&[raw(Some("5.7.1"), None, None, None)]).is_err());
        assert!(entries(&[raw(None, None, None, Some("soft"))]).is_err());
        assert!(entries(&[raw(None, None, Some("spam"), None)]).is_err());
        assert!(entries(&[raw(Some("5.7.1"), Some("spam"), Some("x"), None)]).is_err());
        assert!(entries(&[raw(None, Some("spam"), Some("x"), Some("hard"))]).is_err());
    }
}
