//! The one place where an observed failure becomes an error code and a class.
//!
//! Every reader hands its failure's words here: the enhanced status code (`5.1.1`), the
//! SMTP reply code (`550`), the diagnostic text, and a provider's own code or bounce type
//! when the log has one. A code is chosen from those words, and the scenario's reason
//! table (`rules::reasons`) reads the code, the reply code and the text together, so the
//! log's own words decide hard or soft: a `550 5.7.1 ... blocked` is a soft `blocked`, not
//! a dead address. When the text changes the class or wait that the code alone would give
//! (a `5.0.0` that says "user unknown"), the reason's name is written as the error code,
//! so that `failures.csv` replays to the same class and wait without the text. Readers and the
//! inference never classify on their own.

use crate::error::MessageError;
use crate::rules::errors::{ErrorClass, ErrorTable};

/// What a log says about one failure.
#[derive(Debug, Clone, Copy, Default)]
pub struct FailureWords<'a> {
    /// RFC 3463 enhanced status code, e.g. `4.2.2`, if the log gives one.
    pub status: &'a str,
    /// SMTP reply code, e.g. `452`, if the log gives one.
    pub reply_code: &'a str,
    /// The receiving server's or provider's text.
    pub diagnostic: &'a str,
    /// A provider error code (Twilio's `30003`), used as the code itself.
    pub provider_code: &'a str,
    /// A status code standing for the provider's bounce type, used when nothing above
    /// gives one (see the `*_bounce_status` functions).
    pub type_status: &'a str,
}

/// A classified failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classified {
    /// The code written to `failures.csv` and `observations.csv`.
    pub error_code: String,
    /// Its class.
    pub class: ErrorClass,
    /// The failure reason (`user_unknown`, `blocked`, ...).
    pub reason: String,
}

/// Classifies failures with one scenario's table.
#[derive(Debug, Clone)]
pub struct Classifier {
    table: ErrorTable,
}

impl Default for Classifier {
    fn default() -> Self {
        Classifier::new(ErrorTable::new(&[], None))
    }
}

impl Classifier {
    /// A classifier over `table`.
    pub fn new(table: ErrorTable) -> Self {
        Classifier { table }
    }

    /// The code and class of a failure, or why none could be found.
    pub fn classify(&mut self, words: &FailureWords<'_>) -> Result<Classified, MessageError> {
        let code = choose_code(words).ok_or_else(|| {
            MessageError::from(format!(
                "no status code, reply code or provider code in {:?}",
                words.diagnostic
            ))
        })?;
        let reasons = self.table.reasons();
        let reply = reply_number(words.reply_code)
            .or_else(|| reply_number(leading_reply_code(words.diagnostic)));
        let full = reasons
            .classify(Some(&code), reply, words.diagnostic)
            .map_err(|e| MessageError::from(e.to_string()))?;
        let reason = reasons.reason(full.reason).name.clone();
        let alone = reasons.classify(Some(&code), None, "").ok();
        let error_code = match alone {
            Some(a) if a.class == full.class && a.wait == full.wait => code,
            _ => reason.clone(),
        };
        Ok(Classified {
            class: full.class,
            error_code,
            reason,
        })
    }
}

/// A three-digit SMTP reply code as a number.
fn reply_number(text: &str) -> Option<u16> {
    let t = text.trim();
    (t.len() == 3 && t.bytes().all(|c| c.is_ascii_digit()))
        .then(|| t.parse().ok())
        .flatten()
}

/// The code that stands for a failure: the provider's code, else a failure status
/// (4.x.x or 5.x.x) from the status field or the text, else the bounce type's status,
/// else the class digit of the reply code.
fn choose_code(w: &FailureWords<'_>) -> Option<String> {
    if !w.provider_code.trim().is_empty() {
        return Some(w.provider_code.trim().to_string());
    }
    let failure_status = |s: &str| is_failure_status(s).then(|| s.to_string());
    failure_status(w.status.trim())
        .or_else(|| find_status(w.diagnostic).map(str::to_string))
        .or_else(|| (!w.type_status.is_empty()).then(|| w.type_status.to_string()))
        .or_else(|| reply_status(w.reply_code).or_else(|| reply_status(w.diagnostic)))
}

/// True for `4.d.d` or `5.d.d` with up to three digits in each of the last two parts.
pub fn is_failure_status(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 5 || !(b[0] == b'4' || b[0] == b'5') || b[1] != b'.' {
        return false;
    }
    let mut parts = s[2..].split('.');
    let ok = |p: Option<&str>| {
        p.is_some_and(|p| (1..=3).contains(&p.len()) && p.bytes().all(|c| c.is_ascii_digit()))
    };
    ok(parts.next()) && ok(parts.next()) && parts.next().is_none()
}

/// The first failure status code in `text`, as a separate word.
pub fn find_status(text: &str) -> Option<&str> {
    text.split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | ',' | ';' | '[' | ']'))
        .map(|w| w.trim_end_matches([':', '.']))
        .find(|w| is_failure_status(w))
}

/// `4.0.0` or `5.0.0` for a reply code (or a text starting with one) of 4xx or 5xx.
fn reply_status(text: &str) -> Option<String> {
    let t = text.trim_start();
    let t = t.strip_prefix("smtp;").unwrap_or(t).trim_start();
    let digits: &str = t.get(..3)?;
    let ok = digits.bytes().all(|c| c.is_ascii_digit())
        && t.as_bytes().get(3).is_none_or(|c| !c.is_ascii_digit());
    match digits.as_bytes()[0] {
        b'4' if ok => Some("4.0.0".into()),
        b'5' if ok => Some("5.0.0".into()),
        _ => None,
    }
}

/// The SMTP reply code of a text such as `550 5.1.1 ...` or `host x said: 452 4.2.2
/// ...`: its first word of three digits starting with 2, 4 or 5, or "".
pub fn leading_reply_code(text: &str) -> &str {
    text.split(|c: char| c.is_whitespace() || c == ';')
        .find(|w| {
            w.len() == 3
                && w.bytes().all(|c| c.is_ascii_digit())
                && matches!(w.as_bytes()[0], b'2' | b'4' | b'5')
        })
        .unwrap_or("")
}

/// The status standing for an Amazon SES bounce type and subtype when the record gives
/// no status: permanent bounces say the address is gone, except the content and
/// size rejections that are not about the address.
pub fn ses_bounce_status(bounce_type: &str, sub_type: &str) -> &'static str {
    match (bounce_type, sub_type) {
        (_, "MailboxFull") => "4.2.2",
        (_, "MessageTooLarge") => "4.3.4",
        (_, "ContentRejected" | "AttachmentRejected") => "4.7.1",
        ("Permanent", _) => "5.1.1",
        _ => "4.0.0",
    }
}

/// The status standing for a SendGrid bounce `type`: `blocked` is a block of the sender,
/// retried later; `bounce` is a permanent failure of the address.
pub fn sendgrid_bounce_status(kind: &str) -> &'static str {
    if kind == "blocked" { "4.7.1" } else { "5.1.1" }
}

/// The status standing for a Mailgun failure severity.
pub fn mailgun_severity_status(severity: &str) -> &'static str {
    if severity == "permanent" {
        "5.1.1"
    } else {
        "4.0.0"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(w: FailureWords<'_>) -> String {
        Classifier::default().classify(&w).unwrap().error_code
    }

    #[test]
    fn the_status_field_wins_then_the_text_then_the_type_then_the_reply() {
        let w = FailureWords {
            status: "4.2.2",
            diagnostic: "550 5.1.1 no such user",
            ..Default::default()
        };
        assert_eq!(code(w), "4.2.2");
        let w = FailureWords {
            diagnostic: "smtp; 550 5.1.1 no such user",
            type_status: "4.0.0",
            ..Default::default()
        };
        assert_eq!(code(w), "5.1.1");
        let w = FailureWords {
            diagnostic: "mailbox unavailable",
            type_status: "4.7.1",
            reply_code: "550",
            ..Default::default()
        };
        assert_eq!(code(w), "4.7.1");
        let w = FailureWords {
            reply_code: "421",
            ..Default::default()
        };
        assert_eq!(code(w), "4.0.0");
    }

    #[test]
    fn a_provider_code_is_the_code() {
        let mut c = Classifier::default();
        let got = c
            .classify(&FailureWords {
                provider_code: "21610",
                ..Default::default()
            })
            .unwrap();
        assert_eq!(got.class, ErrorClass::OptOut);
    }

    #[test]
    fn a_failure_with_no_code_at_all_is_refused() {
        let w = FailureWords {
            diagnostic: "something went wrong",
            ..Default::default()
        };
        assert!(Classifier::default().classify(&w).is_err());
    }

    #[test]
    fn statuses_are_recognised_only_as_whole_words() {
        assert_eq!(find_status("host said: 452 4.2.2 full."), Some("4.2.2"));
        assert_eq!(find_status("version 4.2.20000 here"), None);
        assert!(!is_failure_status("2.0.0"));
        assert_eq!(leading_reply_code("smtp; 550 5.1.1"), "550");
        assert_eq!(leading_reply_code("5500 x"), "");
        assert_eq!(leading_reply_code("host mx said: 452 4.2.2 full"), "452");
    }
}
