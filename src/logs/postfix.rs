//! Postfix syslog lines.
//!
//! A delivery agent (`smtp`, `lmtp`, `local`, `virtual`, `pipe`, `error`, `retry`) logs
//! one line per recipient and try: `QUEUEID: to=<rcpt>, relay=..., dsn=X.Y.Z,
//! status=sent|deferred|bounced (text)`. One message to one recipient is one message
//! here, whatever route it takes through the server:
//!
//! - a hop to a local content filter (`relay=127.0.0.1[127.0.0.1]:10024`, `[::1]`,
//!   `localhost`) or to local delivery (`lmtp`, `local`, `virtual`, `pipe`) is not an
//!   attempt to the recipient's provider: it is folded and counted; when it says
//!   `queued as NEWID`, NEWID continues the same message;
//! - a bounce notice (`postfix/bounce: ID: sender non-delivery notification: NEWID`)
//!   is mail to the sender, not a message of the log: NEWID's lines are ignored;
//! - `postfix/qmgr: ID: from=<...>, status=expired, returned to sender` ends the
//!   message's tries (the queue lifetime passed); it is counted, not an attempt.
//!
//! The message id is `FIRSTID:recipient`; its creation time is the first line of its
//! first queue id. Stamps are either RFC 3339 or classic `Mon DD HH:MM:SS`, read in the
//! given year and zone (a December-to-January step moves to the next year).

use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet};

use super::classify::FailureWords;
use super::parallel::Prepare;
use super::{Collector, Event, LogReader, Outcome, ReadOptions, Skip};
use crate::time::Instant;
use crate::time::Zone;

/// Reads Postfix syslog lines.
#[derive(Debug)]
pub struct PostfixReader {
    year: i32,
    last_month: u32,
    zone: Zone,
    /// Queue id to the first queue id of its message chain, and that chain's start. The
    /// first id is shared by every queue id of its chain rather than copied for each line.
    chains: FxHashMap<Box<str>, (Arc<str>, Instant)>,
    /// The message id being built, reused from line to line.
    message: String,
    /// Queue ids of bounce notices.
    notices: FxHashSet<String>,
}

/// The parts of a syslog line up to the program's text.
struct Line<'a> {
    at: Instant,
    service: &'a str,
    queue_id: &'a str,
    rest: &'a str,
}

impl PostfixReader {
    /// A reader for classic stamps in `options.year` and `options.zone`.
    pub fn new(options: &ReadOptions) -> Self {
        PostfixReader {
            year: options.year,
            last_month: 0,
            zone: options.zone,
            chains: FxHashMap::default(),
            message: String::new(),
            notices: FxHashSet::default(),
        }
    }

    /// The time of a line from its prepared stamp: a classic stamp takes its year from
    /// the lines before it, so this is the one step of reading a stamp that must run in
    /// file order.
    fn resolve(&mut self, stamp: &Stamp<'_>) -> Result<Instant, Skip> {
        let &Stamp::Local {
            head,
            month,
            day,
            time,
        } = stamp
        else {
            let Stamp::At(at) = stamp else { unreachable!() };
            return Ok(*at);
        };
        if self.last_month == 12 && month == 1 {
            self.year += 1;
        }
        self.last_month = month;
        let date = chrono::NaiveDate::from_ymd_opt(self.year, month, day)
            .ok_or_else(|| bad_classic(head))?;
        Ok(self.zone.instant_of_local(date.and_time(time)))
    }

    /// The first queue id and start of the chain `id` belongs to, starting one if new.
    fn chain(&mut self, id: &str, at: Instant) -> (Arc<str>, Instant) {
        if let Some((first, start)) = self.chains.get(id) {
            return (Arc::clone(first), *start);
        }
        let first: Arc<str> = id.into();
        self.chains.insert(id.into(), (Arc::clone(&first), at));
        (first, at)
    }

    fn delivery(&mut self, l: &Line<'_>, f: &Fields<'_>, out: &mut Collector) -> Result<(), Skip> {
        let Fields {
            to,
            status,
            relay,
            text,
            dsn,
        } = *f;
        if self.notices.contains(l.queue_id) {
            return Err(Skip::new("ignored_bounce_notice", l.queue_id.to_string()));
        }
        let (first, start) = self.chain(l.queue_id, l.at);
        if is_local_hop(l.service, relay) {
            out.note("local hops folded");
            if let Some(next) = queued_as(text) {
                self.chains.insert(next.into(), (first, start));
            }
            return Ok(());
        }
        let outcome = match status {
            "sent" => Outcome::Delivered,
            "deferred" | "bounced" | "undeliverable" => Outcome::Failed,
            "expired" => return Err(Skip::new("ignored_expiry", "expiry is not an attempt")),
            other => return Err(Skip::new("unknown_status", format!("status={other}"))),
        };
        let mut message = std::mem::take(&mut self.message);
        message.clear();
        message.push_str(&first);
        message.push(':');
        message.push_str(to);
        let attempt = out.message_attempt(
            start,
            Event {
                message: &message,
                contact: to,
                at: l.at,
                outcome,
                attempt: None,
                words: FailureWords {
                    status: dsn,
                    diagnostic: text,
                    ..FailureWords::default()
                },
            },
        );
        self.message = message;
        attempt
    }

    fn bookkeeping(&mut self, l: &Line<'_>, out: &mut Collector) -> Result<(), Skip> {
        if l.service == "bounce" {
            if let Some(notice) = l.rest.rsplit(": ").next().filter(|n| is_queue_id(n)) {
                self.notices.insert(notice.to_string());
            }
            return Err(Skip::new("not_an_attempt", "bounce notice"));
        }
        if l.rest == "removed" {
            self.chains.remove(l.queue_id);
            self.notices.remove(l.queue_id);
            return Err(Skip::new("not_an_attempt", ""));
        }
        if l.rest.contains("to=<") && l.service != "qmgr" {
            return Err(Skip::new("truncated", "a delivery line without status="));
        }
        if l.rest.contains("status=expired") {
            out.note("queue expiries");
            return Ok(());
        }
        if !self.chains.contains_key(l.queue_id) {
            self.chains
                .insert(l.queue_id.into(), (l.queue_id.into(), l.at));
        }
        Err(Skip::new("not_an_attempt", ""))
    }
}

impl LogReader for PostfixReader {
    fn read(&mut self, _line: u64, text: &str, out: &mut Collector) -> Result<(), Skip> {
        let prepared = prepare_line(text)?;
        self.apply_line(&prepared, out)
    }
}

impl PostfixReader {
    /// The ordered part of reading a line: its year, the queue id chains, the bounce
    /// notices, and the collector.
    fn apply_line(&mut self, p: &Prepared<'_>, out: &mut Collector) -> Result<(), Skip> {
        let at = self.resolve(&p.stamp)?;
        let parts = p.parts.as_ref().map_err(Clone::clone)?;
        let l = Line {
            at,
            service: parts.service,
            queue_id: parts.queue_id,
            rest: parts.rest,
        };
        match &parts.delivery {
            Some(fields) => self.delivery(&l, fields.as_ref().map_err(Clone::clone)?, out),
            None => self.bookkeeping(&l, out),
        }
    }
}

/// A Postfix line prepared on any thread, or one with bytes that are not UTF-8, read
/// again on the ordered path with them replaced (rare).
#[derive(Debug)]
pub enum Ready<'a> {
    /// A line as text, split.
    Line(Result<Prepared<'a>, Skip>),
    /// A line to read with [`LogReader::read`].
    Again(String),
}

impl Prepare for PostfixReader {
    type Ready<'a> = Ready<'a>;

    fn prepare(bytes: &[u8]) -> Ready<'_> {
        match std::str::from_utf8(bytes) {
            Ok(text) => Ready::Line(prepare_line(text)),
            Err(_) => Ready::Again(String::from_utf8_lossy(bytes).into_owned()),
        }
    }

    fn apply(&mut self, line: u64, ready: &Ready<'_>, out: &mut Collector) -> Result<(), Skip> {
        match ready {
            Ready::Line(prepared) => self.apply_line(prepared.as_ref().map_err(Clone::clone)?, out),
            Ready::Again(text) => self.read(line, text, out),
        }
    }
}

/// What a line says that no earlier line changes: its stamp as written, its parts and
/// a delivery line's fields. Errors are kept where the plain reading meets them, so
/// that a line is skipped for the same reason after the same changes of state.
#[derive(Debug)]
pub struct Prepared<'a> {
    stamp: Stamp<'a>,
    /// The parts after the stamp, or why the line is not a Postfix message line (met
    /// after the stamp has moved the year on).
    parts: Result<Parts<'a>, Skip>,
}

/// A line's stamp as written.
#[derive(Debug)]
enum Stamp<'a> {
    /// RFC 3339: a whole instant.
    At(Instant),
    /// Classic `Mon DD HH:MM:SS`, whose year comes from the lines before.
    Local {
        head: &'a str,
        month: u32,
        day: u32,
        time: chrono::NaiveTime,
    },
}

#[derive(Debug)]
struct Parts<'a> {
    service: &'a str,
    queue_id: &'a str,
    rest: &'a str,
    /// For a delivery agent's line: its fields, or why they are not all there.
    delivery: Option<Result<Fields<'a>, Skip>>,
}

/// A delivery line's fields.
#[derive(Debug, Clone, Copy)]
struct Fields<'a> {
    to: &'a str,
    /// The status word (`sent`, `deferred`, ...).
    status: &'a str,
    relay: &'a str,
    /// The text in parentheses after the status.
    text: &'a str,
    dsn: &'a str,
}

/// Everything about `text` that needs no earlier line.
fn prepare_line(text: &str) -> Result<Prepared<'_>, Skip> {
    if text.trim().is_empty() {
        return Err(Skip::new("not_a_message_line", "empty line"));
    }
    let (stamp, rest) = stamp(text)?;
    Ok(Prepared {
        stamp,
        parts: parts(rest),
    })
}

/// Splits what follows the stamp: host, program, queue id, the rest.
fn parts(rest: &str) -> Result<Parts<'_>, Skip> {
    let rest = rest.trim_start();
    let (_host, rest) = rest
        .split_once(' ')
        .ok_or_else(|| Skip::new("truncated", "no host name after the time"))?;
    let (program, rest) = rest
        .split_once(": ")
        .ok_or_else(|| Skip::new("not_postfix", "no program name"))?;
    let program = program.split('[').next().unwrap_or(program);
    let Some((instance, service)) = program.rsplit_once('/') else {
        return Err(Skip::new("not_postfix", program.to_string()));
    };
    if !instance.starts_with("postfix") {
        return Err(Skip::new("not_postfix", program.to_string()));
    }
    let (queue_id, rest) = match rest.split_once(": ") {
        Some((id, r)) if is_queue_id(id) => (id, r),
        _ => return Err(Skip::new("not_a_message_line", "no queue id")),
    };
    let delivery = (rest.contains("to=<") && rest.contains("status=") && service != "qmgr")
        .then(|| fields(rest));
    Ok(Parts {
        service,
        queue_id,
        rest,
        delivery,
    })
}

/// A delivery line's fields, in the order the plain reading checks them.
fn fields(rest: &str) -> Result<Fields<'_>, Skip> {
    let to =
        between(rest, "to=<", ">").ok_or_else(|| Skip::new("not_an_attempt", "no recipient"))?;
    let status =
        field(rest, "status=").ok_or_else(|| Skip::new("truncated", "no status= field"))?;
    Ok(Fields {
        to,
        status: status.split(' ').next().unwrap_or(status),
        relay: field(rest, "relay=").unwrap_or(""),
        text: paren_text(rest),
        dsn: field(rest, "dsn=").unwrap_or(""),
    })
}

/// The stamp at the start of `text` and what follows it.
fn stamp(text: &str) -> Result<(Stamp<'_>, &str), Skip> {
    if text.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        let (word, rest) = text.split_once(' ').unwrap_or((text, ""));
        let at = Instant::parse_rfc3339(word).map_err(|_| {
            Skip::new(
                "bad_time",
                format!("expected an RFC 3339 time, got {word:?}"),
            )
        })?;
        return Ok((Stamp::At(at), rest));
    }
    let head = text
        .get(..15)
        .ok_or_else(|| Skip::new("truncated", "line too short"))?;
    let bad = || bad_classic(head);
    let mut words = head.split_whitespace();
    let month = month_number(words.next().ok_or_else(bad)?).ok_or_else(bad)?;
    let day: u32 = words.next().and_then(|d| d.parse().ok()).ok_or_else(bad)?;
    let time = clock_time(words.next().ok_or_else(bad)?).ok_or_else(bad)?;
    let stamp = Stamp::Local {
        head,
        month,
        day,
        time,
    };
    Ok((stamp, &text[15..]))
}

fn bad_classic(head: &str) -> Skip {
    Skip::new(
        "bad_time",
        format!("expected a time like \"Mar  3 10:00:00\", got {head:?}"),
    )
}

/// `HH:MM:SS`, read by hand: chrono's format parser was the largest cost of a line.
fn clock_time(text: &str) -> Option<chrono::NaiveTime> {
    let b = text.as_bytes();
    if b.len() != 8 || b[2] != b':' || b[5] != b':' {
        return None;
    }
    let two = |i: usize| -> Option<u32> {
        let (h, l) = (b[i], b[i + 1]);
        (h.is_ascii_digit() && l.is_ascii_digit())
            .then(|| u32::from(h - b'0') * 10 + u32::from(l - b'0'))
    };
    chrono::NaiveTime::from_hms_opt(two(0)?, two(3)?, two(6)?)
}

fn month_number(name: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    MONTHS.iter().position(|m| *m == name).map(|i| i as u32 + 1)
}

/// Queue ids are hexadecimal (short ids) or base-52-ish alphanumerics (long ids).
fn is_queue_id(s: &str) -> bool {
    (5..=20).contains(&s.len()) && s.bytes().all(|c| c.is_ascii_alphanumeric())
}

/// Local hops: delivery agents that hand mail to this server's own mailboxes, and smtp to
/// a loopback content filter.
fn is_local_hop(service: &str, relay: &str) -> bool {
    matches!(service, "lmtp" | "local" | "virtual" | "pipe")
        || relay == "local"
        || relay.starts_with("127.")
        || relay.starts_with("localhost")
        || relay.starts_with("[::1]")
        || relay.starts_with("::1")
        || relay.contains("[127.")
}

/// The value of `key` up to the next `, ` (or the end).
fn field<'a>(rest: &'a str, key: &str) -> Option<&'a str> {
    let start = rest.find(key)? + key.len();
    let tail = &rest[start..];
    Some(tail.split(", ").next().unwrap_or(tail))
}

fn between<'a>(rest: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = rest.find(open)? + open.len();
    let len = rest[start..].find(close)?;
    Some(&rest[start..start + len])
}

/// The text in parentheses after `status=...`, or "".
fn paren_text(rest: &str) -> &str {
    let Some(s) = rest.find("status=") else {
        return "";
    };
    let tail = &rest[s..];
    match (tail.find(" ("), tail.rfind(')')) {
        (Some(a), Some(b)) if b > a => &tail[a + 2..b],
        _ => "",
    }
}

/// The next queue id in a content filter's `... queued as ABC123` reply.
fn queued_as(text: &str) -> Option<&str> {
    let start = text.rfind("queued as ")? + "queued as ".len();
    let id = text[start..]
        .split(|c: char| !c.is_ascii_alphanumeric())
        .next()?;
    is_queue_id(id).then_some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_cut_at_the_next_comma() {
        let rest = "to=<a@b.example>, relay=mx.b.example[192.0.2.1]:25, dsn=4.2.2, status=deferred (452 4.2.2 full)";
        assert_eq!(between(rest, "to=<", ">"), Some("a@b.example"));
        assert_eq!(field(rest, "dsn="), Some("4.2.2"));
        assert_eq!(paren_text(rest), "452 4.2.2 full");
    }

    #[test]
    fn a_content_filter_reply_names_the_next_queue_id() {
        let text = "250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as 4QxYz1Abc2";
        assert_eq!(queued_as(text), Some("4QxYz1Abc2"));
    }

    #[test]
    fn clock_times_are_read_by_hand() {
        assert_eq!(
            clock_time("09:05:07"),
            chrono::NaiveTime::from_hms_opt(9, 5, 7)
        );
        assert_eq!(clock_time("9:05:07"), None);
        assert_eq!(clock_time("24:00:00"), None);
    }

    #[test]
    fn loopback_and_mailbox_agents_are_local_hops() {
        assert!(is_local_hop("smtp", "127.0.0.1[127.0.0.1]:10024"));
        assert!(is_local_hop("lmtp", "mail.example[private/dovecot-lmtp]"));
        assert!(is_local_hop("local", "local"));
        assert!(!is_local_hop("smtp", "mx.example.net[198.51.100.7]:25"));
    }
}
