//! Amazon SES events: event publishing records (`eventType`) or SNS notifications
//! (`notificationType`), bare or inside an SNS envelope whose `Message` holds the JSON
//! as a string.
//!
//! `Send` creates the message (one per destination address), `Delivery` is a delivered
//! attempt, `DeliveryDelay` a failed one that SES will retry, `Bounce` the failure that
//! ends it (`Permanent`, `Transient` or `Undetermined`, with a subtype). `Complaint` and
//! `Reject` are not attempts to the mailbox and are counted as such. The message id is
//! `mail.messageId:recipient`.

use std::borrow::Cow;

use serde::Deserialize;

mod list;

use list::List;

use super::classify::{FailureWords, ses_bounce_status};
use super::parallel::Prepare;
use super::{Collector, Event, LogReader, Outcome, Skip};
use crate::time::Instant;

/// Reads SES event JSON.
#[derive(Debug, Default)]
pub struct SesReader;

/// A timestamp parsed ahead, on the parallel prepare step: SES writes fractional
/// seconds (`.500Z`), which take the general RFC 3339 parser, and two of those per
/// record were a tenth of the ordered (single-core) step. `None` means "not parsed":
/// the plain reader never fills it, and a text that does not parse is left `None` so
/// that the ordered step parses it again and reports the error exactly as before.
type Stamp = Option<Instant>;

// Every text borrows from the record when it has no escapes: an owned string per field
// was most of the import's allocations. Fields the import does not use are not declared,
// so serde skips them without building them.
/// One SES record: only the fields the import reads.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Record<'a> {
    #[serde(borrow, default)]
    event_type: Cow<'a, str>,
    #[serde(borrow, default)]
    notification_type: Cow<'a, str>,
    /// The SNS envelope's payload.
    #[serde(borrow, default, rename = "Message")]
    envelope_message: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    mail: Option<Mail<'a>>,
    #[serde(borrow, default)]
    delivery: Option<Delivery<'a>>,
    #[serde(borrow, default)]
    bounce: Option<Bounce<'a>>,
    #[serde(borrow, default)]
    delivery_delay: Option<Delay<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Mail<'a> {
    #[serde(borrow)]
    timestamp: Cow<'a, str>,
    /// `timestamp` parsed on the parallel step ([`Stamp`]).
    #[serde(skip)]
    parsed: Stamp,
    #[serde(borrow)]
    message_id: Cow<'a, str>,
    #[serde(borrow, default)]
    destination: List<Address<'a>>,
}

/// An address in a list, borrowed from the record when it has no escapes: serde builds
/// a `Cow` inside a sequence as an owned string unless the `Cow` itself is marked to
/// borrow, which only a field can be.
#[derive(Debug, Deserialize)]
struct Address<'a>(#[serde(borrow)] Cow<'a, str>);

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Delivery<'a> {
    #[serde(borrow)]
    timestamp: Cow<'a, str>,
    /// `timestamp` parsed on the parallel step ([`Stamp`]).
    #[serde(skip)]
    parsed: Stamp,
    #[serde(borrow, default)]
    recipients: List<Address<'a>>,
    #[serde(borrow, default)]
    smtp_response: Cow<'a, str>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Bounce<'a> {
    #[serde(borrow, default)]
    bounce_type: Cow<'a, str>,
    #[serde(borrow, default)]
    bounce_sub_type: Cow<'a, str>,
    #[serde(borrow)]
    timestamp: Cow<'a, str>,
    /// `timestamp` parsed on the parallel step ([`Stamp`]).
    #[serde(skip)]
    parsed: Stamp,
    #[serde(borrow, default)]
    bounced_recipients: List<Recipient<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Delay<'a> {
    #[serde(borrow)]
    timestamp: Cow<'a, str>,
    /// `timestamp` parsed on the parallel step ([`Stamp`]).
    #[serde(skip)]
    parsed: Stamp,
    #[serde(borrow, default)]
    delay_type: Cow<'a, str>,
    #[serde(borrow, default)]
    delayed_recipients: List<Recipient<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Recipient<'a> {
    #[serde(borrow)]
    email_address: Cow<'a, str>,
    #[serde(borrow, default)]
    status: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    diagnostic_code: Option<Cow<'a, str>>,
}

impl LogReader for SesReader {
    fn read(&mut self, _line: u64, text: &str, out: &mut Collector) -> Result<(), Skip> {
        let record: Record =
            serde_json::from_str(text).map_err(|e| Skip::new("bad_json", e.to_string()))?;
        match &record.envelope_message {
            Some(payload) => {
                let inner: Record = serde_json::from_str(payload)
                    .map_err(|e| Skip::new("bad_json", format!("in the SNS Message: {e}")))?;
                event(&inner, out)
            }
            None => event(&record, out),
        }
    }
}

/// An SES record prepared on any thread: parsed, borrowing its texts from the record.
// Unboxed on purpose: nearly every record is an `Event`, and the window's records are
// one vector; a box each cost an allocation per record, freed on another thread.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Ready<'a> {
    /// A bare event record.
    Event(Record<'a>),
    /// A record read again on the ordered path, as [`SesReader::read`] reads it: one
    /// with bytes that are not UTF-8 (their replacement needs its own copy) or an SNS
    /// envelope (its payload is a second, escaped document). Both are rare.
    Again(String),
}

impl Prepare for SesReader {
    type Ready<'a> = Result<Ready<'a>, Skip>;

    fn prepare(bytes: &[u8]) -> Result<Ready<'_>, Skip> {
        let Ok(text) = std::str::from_utf8(bytes) else {
            return Ok(Ready::Again(String::from_utf8_lossy(bytes).into_owned()));
        };
        let mut record: Record =
            serde_json::from_str(text).map_err(|e| Skip::new("bad_json", e.to_string()))?;
        if record.envelope_message.is_some() {
            return Ok(Ready::Again(text.to_string()));
        }
        record.parse_times();
        Ok(Ready::Event(record))
    }

    fn apply(
        &mut self,
        line: u64,
        ready: &Result<Ready<'_>, Skip>,
        out: &mut Collector,
    ) -> Result<(), Skip> {
        match ready.as_ref().map_err(Clone::clone)? {
            Ready::Event(record) => event(record, out),
            Ready::Again(text) => self.read(line, text, out),
        }
    }
}

impl Record<'_> {
    /// Parses every timestamp the record holds into its [`Stamp`].
    fn parse_times(&mut self) {
        fn ahead(text: &str, parsed: &mut Stamp) {
            *parsed = Instant::parse_rfc3339(text).ok();
        }
        if let Some(m) = &mut self.mail {
            ahead(&m.timestamp, &mut m.parsed);
        }
        if let Some(d) = &mut self.delivery {
            ahead(&d.timestamp, &mut d.parsed);
        }
        if let Some(b) = &mut self.bounce {
            ahead(&b.timestamp, &mut b.parsed);
        }
        if let Some(d) = &mut self.delivery_delay {
            ahead(&d.timestamp, &mut d.parsed);
        }
    }
}

/// One event record, out of its SNS envelope if it had one.
fn event(record: &Record<'_>, out: &mut Collector) -> Result<(), Skip> {
    let kind: &str = if record.event_type.is_empty() {
        &record.notification_type
    } else {
        &record.event_type
    };
    let mail = record
        .mail
        .as_ref()
        .ok_or_else(|| Skip::new("missing_field", "no mail object"))?;
    let sent = time(&mail.timestamp, mail.parsed)?;
    match kind {
        "Send" => {
            for Address(to) in &mail.destination {
                with_id(mail, to, |message| out.message(message, to, sent));
            }
            Ok(())
        }
        "Delivery" => delivered(record, mail, sent, out),
        "Bounce" => bounced(record, mail, sent, out),
        "DeliveryDelay" => delayed(record, mail, sent, out),
        "Complaint" | "Reject" => Err(Skip::new("ignored_complaint_or_reject", kind.to_string())),
        "" => Err(Skip::new(
            "missing_field",
            "no eventType or notificationType",
        )),
        other => Err(Skip::new("not_an_attempt", other.to_string())),
    }
}

/// Calls `f` with the message id `messageId:recipient`, built in a buffer the thread
/// reuses: a fresh string per attempt was an allocation and a free on the ordered
/// (single-core) step for every record.
fn with_id<T>(mail: &Mail<'_>, to: &str, f: impl FnOnce(&str) -> T) -> T {
    thread_local! {
        static ID: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
    }
    ID.with_borrow_mut(|id| {
        id.clear();
        id.push_str(&mail.message_id);
        id.push(':');
        id.push_str(to);
        f(id)
    })
}

/// The instant `text` names: `parsed` when the prepare step parsed it, else parsed here.
fn time(text: &str, parsed: Stamp) -> Result<Instant, Skip> {
    match parsed {
        Some(at) => Ok(at),
        None => {
            Instant::parse_rfc3339(text).map_err(|_| Skip::new("bad_time", format!("{text:?}")))
        }
    }
}

fn delivered(
    r: &Record<'_>,
    mail: &Mail<'_>,
    sent: Instant,
    out: &mut Collector,
) -> Result<(), Skip> {
    let d = r
        .delivery
        .as_ref()
        .ok_or_else(|| Skip::new("missing_field", "no delivery object"))?;
    let at = time(&d.timestamp, d.parsed)?;
    for Address(to) in &d.recipients {
        with_id(mail, to, |message| {
            out.message_attempt(
                sent,
                Event {
                    message,
                    contact: to,
                    at,
                    outcome: Outcome::Delivered,
                    attempt: None,
                    words: FailureWords {
                        diagnostic: &d.smtp_response,
                        ..FailureWords::default()
                    },
                },
            )
        })?;
    }
    Ok(())
}

fn bounced(
    r: &Record<'_>,
    mail: &Mail<'_>,
    sent: Instant,
    out: &mut Collector,
) -> Result<(), Skip> {
    let b = r
        .bounce
        .as_ref()
        .ok_or_else(|| Skip::new("missing_field", "no bounce object"))?;
    let at = time(&b.timestamp, b.parsed)?;
    let type_status = ses_bounce_status(&b.bounce_type, &b.bounce_sub_type);
    failures(&b.bounced_recipients, mail, sent, at, type_status, out)
}

fn delayed(
    r: &Record<'_>,
    mail: &Mail<'_>,
    sent: Instant,
    out: &mut Collector,
) -> Result<(), Skip> {
    let d = r
        .delivery_delay
        .as_ref()
        .ok_or_else(|| Skip::new("missing_field", "no deliveryDelay object"))?;
    let at = time(&d.timestamp, d.parsed)?;
    let type_status = if d.delay_type == "MailboxFull" {
        "4.2.2"
    } else {
        "4.0.0"
    };
    failures(&d.delayed_recipients, mail, sent, at, type_status, out)
}

fn failures(
    recipients: &List<Recipient<'_>>,
    mail: &Mail<'_>,
    sent: Instant,
    at: Instant,
    type_status: &str,
    out: &mut Collector,
) -> Result<(), Skip> {
    for rcpt in recipients {
        let to: &str = &rcpt.email_address;
        with_id(mail, to, |message| {
            out.message_attempt(
                sent,
                Event {
                    message,
                    contact: to,
                    at,
                    outcome: Outcome::Failed,
                    attempt: None,
                    words: FailureWords {
                        status: rcpt.status.as_deref().unwrap_or(""),
                        diagnostic: rcpt.diagnostic_code.as_deref().unwrap_or(""),
                        type_status,
                        ..FailureWords::default()
                    },
                },
            )
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The stamps `prepare` parsed, in the order mail, delivery, bounce, delay.
    fn stamps(record: &[u8]) -> [Stamp; 4] {
        let Ok(Ready::Event(r)) = SesReader::prepare(record) else {
            panic!("not a bare event: {}", String::from_utf8_lossy(record));
        };
        [
            r.mail.map(|m| m.parsed),
            r.delivery.map(|d| d.parsed),
            r.bounce.map(|b| b.parsed),
            r.delivery_delay.map(|d| d.parsed),
        ]
        .map(Option::flatten)
    }

    fn at(text: &str) -> Stamp {
        Some(Instant::parse_rfc3339(text).unwrap())
    }

    #[test]
    fn prepare_parses_every_stamp_ahead_as_the_plain_parser_does() {
        let record = br#"{"eventType":"Bounce","mail":{"timestamp":"2026-03-03T00:00:00.000Z","messageId":"m"},
            "delivery":{"timestamp":"2026-03-03T01:00:00.5+01:00"},
            "bounce":{"timestamp":"2026-03-03T00:00:02Z"},
            "deliveryDelay":{"timestamp":"2026-03-03T00:00:03.999-05:30"}}"#;
        assert_eq!(
            stamps(record),
            [
                at("2026-03-03T00:00:00Z"),
                at("2026-03-03T00:00:00Z"),
                at("2026-03-03T00:00:02Z"),
                at("2026-03-03T05:30:03Z"),
            ]
        );
    }

    #[test]
    fn a_stamp_that_does_not_parse_is_left_for_the_ordered_step_to_report() {
        let record = br#"{"eventType":"Delivery","mail":{"timestamp":"yesterday","messageId":"m"},
            "delivery":{"timestamp":"2026-03-03T00:00:01Z","recipients":["u@x.example"]}}"#;
        assert_eq!(
            stamps(record),
            [None, at("2026-03-03T00:00:01Z"), None, None]
        );
        let ready = SesReader::prepare(record);
        let mut out = Collector::default();
        let skip = SesReader.apply(1, &ready, &mut out).unwrap_err();
        assert_eq!(skip, Skip::new("bad_time", "\"yesterday\""));
    }
}
