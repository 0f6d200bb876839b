//! What a failure report says in codes: RFC 3463 enhanced status codes (`5.1.1`), SMTP
//! reply codes (`550`), the code patterns of the error table (`5.7.*`), and finding both
//! kinds of code inside a diagnostic line such as `550 5.1.1 <a@b>: User unknown`.
//!
//! This module only reads codes; what they mean is the reason table's business
//! (`rules::reasons`).

use super::RuleError;
use std::fmt;

/// An RFC 3463 enhanced status code `class.subject.detail` of a failure: class 4 or 5
/// (class 2 reports success and is not a failure).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Status {
    /// 4 (persistent transient failure) or 5 (permanent failure).
    pub class: u8,
    /// The subject: 0 (other), 1 (address), 2 (mailbox), 3 (mail system), 4 (network and
    /// routing), 5 (mail delivery protocol), 6 (message content), 7 (security or policy).
    pub subject: u16,
    /// The detail within the subject.
    pub detail: u16,
}

impl Status {
    /// Reads `C.S.D` exactly (no surrounding text); subject and detail are 1 to 3 digits.
    pub fn parse(text: &str) -> Option<Status> {
        let mut parts = text.split('.');
        let class = match parts.next()? {
            "4" => 4,
            "5" => 5,
            _ => return None,
        };
        let subject = number(parts.next()?)?;
        let detail = number(parts.next()?)?;
        parts.next().is_none().then_some(Status {
            class,
            subject,
            detail,
        })
    }

    /// True for a transient (class 4) status.
    pub fn is_transient(self) -> bool {
        self.class == 4
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.class, self.subject, self.detail)
    }
}

/// One to three ASCII digits.
fn number(text: &str) -> Option<u16> {
    let ok = (1..=3).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit());
    ok.then(|| text.parse().ok()).flatten()
}

/// Reads an SMTP reply code: three digits, the first 4 or 5, the second 0 to 5.
pub fn parse_reply(text: &str) -> Option<u16> {
    let b = text.as_bytes();
    let ok = b.len() == 3
        && matches!(b[0], b'4' | b'5')
        && (b'0'..=b'5').contains(&b[1])
        && b[2].is_ascii_digit();
    ok.then(|| text.parse().ok()).flatten()
}

/// What an `[[errors]]` entry's `code` matches.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CodePattern {
    /// One status code, e.g. `5.7.26`.
    Status(Status),
    /// Every detail of one subject, `C.S.*`.
    Subject {
        /// Class digit.
        class: u8,
        /// Subject.
        subject: u16,
    },
    /// Every status of one class, `C.*.*`.
    Class(u8),
    /// An SMTP reply code, e.g. `550`.
    Reply(u16),
    /// Any other code, compared as written (SMS provider codes such as `30003`).
    Other(String),
}

impl CodePattern {
    /// Reads a code or an RFC 3463 wildcard. A `*` anywhere else (`5.*.1`, `55*`, `5.7*`)
    /// is an error that says which wildcards exist.
    pub fn parse(text: &str) -> Result<CodePattern, RuleError> {
        let text = text.trim();
        if text.is_empty() {
            return Err("must not be empty".into());
        }
        if let Some(s) = Status::parse(text) {
            return Ok(CodePattern::Status(s));
        }
        if let Some(r) = parse_reply(text) {
            return Ok(CodePattern::Reply(r));
        }
        if text.contains('*') {
            return wildcard(text).ok_or_else(|| {
                format!(
                    "{text:?} is not a pattern this table reads: a wildcard may only stand for \
                     the detail (\"5.7.*\") or for subject and detail (\"5.*.*\") of an RFC 3463 \
                     status with class 4 or 5"
                )
                .into()
            });
        }
        Ok(CodePattern::Other(text.to_string()))
    }

    /// How specific the pattern is: a larger rank wins over a smaller one.
    pub fn rank(&self) -> u8 {
        match self {
            CodePattern::Status(_) | CodePattern::Reply(_) | CodePattern::Other(_) => 3,
            CodePattern::Subject { .. } => 2,
            CodePattern::Class(_) => 1,
        }
    }
}

impl fmt::Display for CodePattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodePattern::Status(s) => write!(f, "{s}"),
            CodePattern::Subject { class, subject } => write!(f, "{class}.{subject}.*"),
            CodePattern::Class(c) => write!(f, "{c}.*.*"),
            CodePattern::Reply(r) => write!(f, "{r}"),
            CodePattern::Other(o) => f.write_str(o),
        }
    }
}

/// `C.S.*` or `C.*.*`.
fn wildcard(text: &str) -> Option<CodePattern> {
    let parts: Vec<&str> = text.split('.').collect();
    let class = match *parts.first()? {
        "4" => 4,
        "5" => 5,
        _ => return None,
    };
    match parts[1..] {
        ["*", "*"] => Some(CodePattern::Class(class)),
        [subject, "*"] => Some(CodePattern::Subject {
            class,
            subject: number(subject)?,
        }),
        _ => None,
    }
}

/// The reply code that starts a diagnostic line (`550 ...` or `550-...`), if any.
pub fn leading_reply(text: &str) -> Option<u16> {
    let t = text.trim_start();
    let code = t.get(..3)?;
    let rest = &t[3..];
    let ends = rest.is_empty() || rest.starts_with([' ', '-', '\t']);
    if ends { parse_reply(code) } else { None }
}

/// The first enhanced status code that stands as its own word in `text`.
pub fn find_status(text: &str) -> Option<Status> {
    let is_sep = |c: char| !(c.is_ascii_digit() || c == '.');
    text.split(is_sep)
        .map(|w| w.trim_end_matches('.'))
        .find_map(Status::parse)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_read_class_subject_and_detail() {
        let s = Status::parse("5.7.26").unwrap();
        assert_eq!((s.class, s.subject, s.detail), (5, 7, 26));
        assert!(Status::parse("4.4.1").unwrap().is_transient());
        for bad in [
            "2.0.0", "6.1.1", "4.1", "5.1.1.1", "5.1.1000", "5.a.1", "", "5..1",
        ] {
            assert_eq!(Status::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn reply_codes_are_three_digits_of_four_or_five_hundred() {
        assert_eq!(parse_reply("550"), Some(550));
        assert_eq!(parse_reply("421"), Some(421));
        for bad in ["250", "5500", "55", "590", "30003"] {
            assert_eq!(parse_reply(bad), None, "{bad}");
        }
    }

    #[test]
    fn wildcards_stand_only_for_subject_and_detail() {
        assert_eq!(
            CodePattern::parse("5.7.*"),
            Ok(CodePattern::Subject {
                class: 5,
                subject: 7
            })
        );
        assert_eq!(CodePattern::parse("4.*.*"), Ok(CodePattern::Class(4)));
        for bad in ["5.*.1", "55*", "5.7*", "*", "6.7.*", "5.x.*"] {
            let e = CodePattern::parse(bad).unwrap_err();
            assert!(e.message().contains("5.7.*"), "{bad}: {e}");
        }
        assert_eq!(
            CodePattern::parse("30003"),
            Ok(CodePattern::Other("30003".into()))
        );
        assert_eq!(CodePattern::parse("550"), Ok(CodePattern::Reply(550)));
    }

    #[test]
    fn codes_are_found_inside_a_diagnostic_line() {
        let line = "550 5.1.1 <a@b.example>: Recipient address rejected: User unknown";
        assert_eq!(leading_reply(line), Some(550));
        assert_eq!(find_status(line), Status::parse("5.1.1"));
        assert_eq!(leading_reply("550-5.7.1 blocked"), Some(550));
        assert_eq!(find_status("550-5.7.1 blocked"), Status::parse("5.7.1"));
        assert_eq!(leading_reply("5501 nope"), None);
        assert_eq!(find_status("host 10.1.2.3 said no"), None);
        assert_eq!(find_status("status 4.2.2."), Status::parse("4.2.2"));
    }
}
