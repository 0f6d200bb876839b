//! Failure reasons: what a bounce or an SMS error says went wrong (`user_unknown`,
//! `blocked`, `mailbox_full`, ...), each with the class the rules see and a recommended
//! wait, and the classification of a failure report into a reason.
//!
//! The built-in taxonomy, its codes and its text patterns are data
//! (`src/rules/reasons.toml`, explained in `docs/ERROR_CODES.md`); a scenario's
//! `[[errors]]` entries ([`ErrorEntry`]) extend or override it. [`ReasonTable::classify`]
//! is the one entry point for anything that reads real logs. Only failures that say the
//! address itself is gone are hard for email; a transient code is never hard.
//!
//! Precedence, first match wins:
//! 1. the code as given: a reason name, then the scenario's code entries (exact beats
//!    `C.S.*` beats `C.*.*`), then the built-in codes (same order);
//! 2. when the matched code is ambiguous (a built-in wildcard, a reply code, or a status
//!    marked ambiguous such as `5.7.1`), the diagnostic text: the scenario's patterns, then
//!    the built-in ones in table order;
//! 3. otherwise the code's own reason; with no code at all, `undefined`.

use super::RuleError;
use std::sync::OnceLock;

use rustc_hash::FxHashMap;
use serde::Deserialize;

use crate::rules::entries::{EntryTarget, ErrorEntry};
use crate::rules::errors::{ErrorClass, UnknownCode};
use crate::rules::status::{self, CodePattern, Status};
use crate::time::Span;

/// The built-in reasons, codes and patterns.
const BUILT_IN: &str = include_str!("reasons.toml");

/// A dense id of a reason in one [`ReasonTable`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReasonId(pub u8);

/// One reason: its name, class and recommended wait.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    /// The name used in inputs and outputs, e.g. `user_unknown`.
    pub name: String,
    /// The class the retry and suppression rules see.
    pub class: ErrorClass,
    /// How long after such a failure a retry may first be made (S1c).
    pub wait: Span,
    /// A realistic reply that has this reason.
    pub example: String,
    /// Whether a soft failure with this reason counts toward the soft-bounce threshold
    /// (E4). The simulation reads it for attempts the receiver throttles (capacity).
    pub counts_toward_threshold: bool,
    /// The scenario set the wait: it then beats the transient status's own wait.
    wait_from_scenario: bool,
}

/// What one failure report means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Classification {
    /// The reason; [`ReasonTable::reason`] gives its name.
    pub reason: ReasonId,
    /// The class the rules see.
    pub class: ErrorClass,
    /// The recommended wait before a retry.
    pub wait: Span,
}

/// A code's meaning in the table.
#[derive(Debug, Clone, Copy)]
struct CodeRule {
    /// `None`: whatever the built-in codes say (a scenario entry that sets only a class).
    reason: Option<ReasonId>,
    /// The diagnostic text may refine the reason.
    ambiguous: bool,
    class: Option<ErrorClass>,
    wait: Option<Span>,
}

/// Code rules keyed by pattern, exact and wildcard alike.
type CodeRules = FxHashMap<CodePattern, CodeRule>;

/// The reasons of one scenario, the codes that point to them and their text patterns.
#[derive(Debug, Clone)]
pub struct ReasonTable {
    reasons: Vec<Reason>,
    by_name: FxHashMap<String, ReasonId>,
    scenario_codes: CodeRules,
    built_in_codes: CodeRules,
    /// Lower-case needles, the scenario's first, then the built-in ones in table order.
    patterns: Vec<(String, ReasonId)>,
    fallback: Option<(ErrorClass, Span)>,
    undefined: ReasonId,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTable {
    reason: Vec<RawReason>,
    code: Vec<RawCode>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReason {
    name: String,
    class: String,
    wait: String,
    example: String,
    patterns: Vec<String>,
    #[serde(default = "counts_by_default")]
    counts_toward_threshold: bool,
}

/// Every reason counts toward the threshold unless the table says otherwise.
fn counts_by_default() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCode {
    code: String,
    reason: String,
    #[serde(default)]
    ambiguous: bool,
}

/// The built-in table, parsed once per process.
fn built_in() -> &'static ReasonTable {
    static TABLE: OnceLock<ReasonTable> = OnceLock::new();
    TABLE.get_or_init(|| parse_built_in(BUILT_IN).expect("the built-in reasons.toml is valid"))
}

fn parse_built_in(text: &str) -> Result<ReasonTable, RuleError> {
    let raw: RawTable = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut t = ReasonTable {
        reasons: Vec::new(),
        by_name: FxHashMap::default(),
        scenario_codes: CodeRules::default(),
        built_in_codes: CodeRules::default(),
        patterns: Vec::new(),
        fallback: None,
        undefined: ReasonId(0),
    };
    for r in raw.reason {
        let class = r.class.parse::<ErrorClass>()?;
        let wait = Span::parse(&r.wait).map_err(|e| e.to_string())?;
        let id = t.add_reason(&r.name, class, wait, r.example)?;
        t.reasons[usize::from(id.0)].counts_toward_threshold = r.counts_toward_threshold;
        for p in r.patterns {
            t.patterns.push((p.to_lowercase(), id));
        }
    }
    t.undefined = t.id("undefined").ok_or("no undefined reason")?;
    for c in raw.code {
        let pattern = CodePattern::parse(&c.code)?;
        let reason = t
            .id(&c.reason)
            .ok_or(format!("unknown reason {}", c.reason))?;
        let ambiguous =
            c.ambiguous || pattern.rank() < 3 || matches!(pattern, CodePattern::Reply(_));
        let rule = CodeRule {
            reason: Some(reason),
            ambiguous,
            class: None,
            wait: None,
        };
        t.built_in_codes.insert(pattern, rule);
    }
    Ok(t)
}

impl ReasonTable {
    /// The built-in table extended by a scenario's `[[errors]]` entries, with an optional
    /// class and wait for codes nobody knows.
    pub fn new(entries: &[ErrorEntry], fallback: Option<(ErrorClass, Span)>) -> ReasonTable {
        let mut t = built_in().clone();
        t.fallback = fallback;
        let mut own_patterns = Vec::new();
        for e in entries {
            t.apply(e, &mut own_patterns);
        }
        own_patterns.append(&mut t.patterns);
        t.patterns = own_patterns;
        t
    }

    /// Every built-in reason name, in table order.
    pub fn built_in_names() -> impl Iterator<Item = &'static str> {
        built_in().reasons.iter().map(|r| r.name.as_str())
    }

    /// Lays one (already validated) scenario entry over the table.
    fn apply(&mut self, e: &ErrorEntry, own_patterns: &mut Vec<(String, ReasonId)>) {
        let reason = e.reason.as_deref().map(|name| match self.id(name) {
            Some(id) => id,
            None => self
                .add_reason(
                    name,
                    e.class.unwrap_or(ErrorClass::Soft),
                    e.wait.unwrap_or(Span::ZERO),
                    String::new(),
                )
                .unwrap_or(self.undefined),
        });
        match &e.target {
            EntryTarget::Code(pattern) => {
                let rule = CodeRule {
                    reason,
                    ambiguous: false,
                    class: e.class,
                    wait: e.wait,
                };
                self.scenario_codes.insert(pattern.clone(), rule);
            }
            EntryTarget::Pattern(needle) => {
                if let Some(id) = reason {
                    own_patterns.push((needle.to_lowercase(), id));
                }
            }
            EntryTarget::Reason => {
                if let Some(id) = reason {
                    let r = &mut self.reasons[usize::from(id.0)];
                    r.class = e.class.unwrap_or(r.class);
                    if let Some(counts) = e.counts_toward_threshold {
                        r.counts_toward_threshold = counts;
                    }
                    if let Some(w) = e.wait {
                        r.wait = w;
                        r.wait_from_scenario = true;
                    }
                }
            }
        }
    }

    fn add_reason(
        &mut self,
        name: &str,
        class: ErrorClass,
        wait: Span,
        example: String,
    ) -> Result<ReasonId, RuleError> {
        let id = ReasonId(u8::try_from(self.reasons.len()).map_err(|_| "at most 256 reasons")?);
        self.reasons.push(Reason {
            name: name.to_string(),
            class,
            wait,
            example,
            counts_toward_threshold: true,
            wait_from_scenario: false,
        });
        self.by_name.insert(name.to_string(), id);
        Ok(id)
    }

    /// The id of the reason called `name`.
    pub fn id(&self, name: &str) -> Option<ReasonId> {
        self.by_name.get(name).copied()
    }

    /// The reason behind an id this table gave.
    pub fn reason(&self, id: ReasonId) -> &Reason {
        &self.reasons[usize::from(id.0)]
    }

    /// Every reason, in table order.
    pub fn reasons(&self) -> &[Reason] {
        &self.reasons
    }

    /// Classifies one failure report.
    ///
    /// - `code`: the error code as reported: an RFC 3463 status (`5.1.1`), an SMTP reply
    ///   code (`550`), an SMS provider code (`30003`) or a reason name (`mailbox_full`).
    ///   When it is `None`, a status inside `text` is used.
    /// - `reply`: the SMTP reply code, if known separately; when `None`, a reply code that
    ///   starts `text` is used.
    /// - `text`: the diagnostic text (may be empty), matched case-insensitively against
    ///   the reasons' patterns only when the code is ambiguous or missing.
    ///
    /// A code that is neither a status, a reply code, a reason name nor a code the table
    /// lists is an [`UnknownCode`] error, unless the table has a fallback. Each call costs
    /// a few hash lookups, plus one pass over the patterns for ambiguous codes: intern the
    /// result (as [`crate::rules::errors::ErrorTable`] does) rather than call this in a loop.
    ///
    /// ```
    /// use retrysim::rules::errors::ErrorClass;
    /// use retrysim::rules::reasons::ReasonTable;
    ///
    /// let table = ReasonTable::new(&[], None);
    /// let c = table
    ///     .classify(None, None, "550 5.7.1 Client host blocked using Spamhaus")
    ///     .unwrap();
    /// assert_eq!(table.reason(c.reason).name, "blocked");
    /// assert_eq!(c.class, ErrorClass::Soft);
    /// ```
    pub fn classify(
        &self,
        code: Option<&str>,
        reply: Option<u16>,
        text: &str,
    ) -> Result<Classification, UnknownCode> {
        let code = code.map(str::trim).filter(|c| !c.is_empty());
        if let Some(id) = code.and_then(|c| self.id(c)) {
            return Ok(self.finish(id, None, None, None));
        }
        let given = match code {
            Some(c) => Some(given_code(c)?),
            None => None,
        };
        let status = match &given {
            Some(CodePattern::Status(s)) => Some(*s),
            Some(CodePattern::Other(_)) => None,
            _ => status::find_status(text),
        };
        let reply = reply
            .or(match &given {
                Some(CodePattern::Reply(r)) => Some(*r),
                _ => None,
            })
            .or_else(|| status::leading_reply(text));
        let transient = match status {
            Some(s) => s.is_transient(),
            None => reply.is_some_and(|r| r < 500),
        };
        let key = match (&given, status, reply) {
            (Some(CodePattern::Other(o)), _, _) => Some(CodePattern::Other(o.clone())),
            (_, Some(s), _) => Some(CodePattern::Status(s)),
            (_, None, Some(r)) => Some(CodePattern::Reply(r)),
            _ => None,
        };
        let rule = match &key {
            Some(k) => match self.rule_for(k) {
                Some(rule) => Some(rule),
                None if matches!(k, CodePattern::Other(_)) => {
                    return self.fallback(code.unwrap_or_default());
                }
                None => None,
            },
            None => None,
        };
        let refine = rule.is_none_or(|r| r.ambiguous);
        let from_text = if refine { self.match_text(text) } else { None };
        let reason = from_text
            .or(rule.and_then(|r| r.reason))
            .or_else(|| key.as_ref().and_then(|k| self.built_in_reason(k)))
            .unwrap_or(self.undefined);
        let rule = rule.filter(|_| from_text.is_none());
        let transient_wait = status.filter(|s| s.is_transient()).map(transient_wait);
        let mut c = self.finish(
            reason,
            rule.and_then(|r| r.class),
            rule.and_then(|r| r.wait),
            transient_wait,
        );
        // A transient code says the failure may pass; only an explicit entry makes it hard.
        if transient && c.class == ErrorClass::Hard && rule.is_none_or(|r| r.class.is_none()) {
            c.class = ErrorClass::Soft;
            c.wait = c.wait.max(transient_wait.unwrap_or(Span::minutes(30)));
        }
        Ok(c)
    }

    fn fallback(&self, code: &str) -> Result<Classification, UnknownCode> {
        let (class, wait) = self.fallback.ok_or_else(|| UnknownCode(code.to_string()))?;
        Ok(Classification {
            reason: self.undefined,
            class,
            wait,
        })
    }

    /// Class and wait of `reason`, with a code entry's own class and wait on top.
    fn finish(
        &self,
        reason: ReasonId,
        class: Option<ErrorClass>,
        wait: Option<Span>,
        transient_wait: Option<Span>,
    ) -> Classification {
        let r = self.reason(reason);
        let reason_wait = if r.wait_from_scenario {
            r.wait
        } else {
            transient_wait.unwrap_or(r.wait)
        };
        Classification {
            reason,
            class: class.unwrap_or(r.class),
            wait: wait.unwrap_or(reason_wait),
        }
    }

    /// The most specific rule for `key`: the scenario's first, then the built-in ones.
    fn rule_for(&self, key: &CodePattern) -> Option<CodeRule> {
        lookup(&self.scenario_codes, key).or_else(|| lookup(&self.built_in_codes, key))
    }

    /// The reason the built-in codes alone give `key`.
    fn built_in_reason(&self, key: &CodePattern) -> Option<ReasonId> {
        lookup(&self.built_in_codes, key).and_then(|r| r.reason)
    }

    /// The first reason whose pattern occurs in `text`, ignoring case.
    fn match_text(&self, text: &str) -> Option<ReasonId> {
        if text.is_empty() {
            return None;
        }
        let lower = text.to_lowercase();
        self.patterns
            .iter()
            .find(|(needle, _)| lower.contains(needle.as_str()))
            .map(|(_, id)| *id)
    }
}

/// A code as reported: a status, a reply code or a provider code, never a wildcard.
fn given_code(code: &str) -> Result<CodePattern, UnknownCode> {
    match CodePattern::parse(code) {
        Ok(p) if p.rank() == 3 => Ok(p),
        _ => Err(UnknownCode(code.to_string())),
    }
}

/// Exact, then `C.S.*`, then `C.*.*`.
fn lookup(rules: &CodeRules, key: &CodePattern) -> Option<CodeRule> {
    if let Some(r) = rules.get(key) {
        return Some(*r);
    }
    let CodePattern::Status(s) = key else {
        return None;
    };
    rules
        .get(&CodePattern::Subject {
            class: s.class,
            subject: s.subject,
        })
        .or_else(|| rules.get(&CodePattern::Class(s.class)))
        .copied()
}

/// The wait of a transient status by its subject, unchanged from the earlier table:
/// policy deferrals and greylisting (x.7) clear in minutes, mailbox problems (x.2) in
/// an hour.
fn transient_wait(s: Status) -> Span {
    match s.subject {
        7 => Span::minutes(5),
        3..=5 => Span::minutes(15),
        2 => Span::hours(1),
        _ => Span::minutes(30),
    }
}

#[cfg(test)]
mod tests;
