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

use super::classify::{FailureWords, ses_bounce_status};
use super::parallel::Prepare;
use super::{Collector, Event, LogReader, Outcome, Skip};
use crate::time::Instant;

/// Reads SES event JSON.
#[derive(Debug, Default)]
pub struct SesReader;

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
    #[serde(borrow)]
    message_id: Cow<'a, str>,
    #[serde(borrow, default)]
    destination: Vec<Cow<'a, str>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Delivery<'a> {
    #[serde(borrow)]
    timestamp: Cow<'a, str>,
    #[serde(borrow, default)]
    recipients: Vec<Cow<'a, str>>,
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
    #[serde(borrow, default)]
    bounced_recipients: Vec<Recipient<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Delay<'a> {
    #[serde(borrow)]
    timestamp: Cow<'a, str>,
    #[serde(borrow, default)]
    delay_type: Cow<'a, str>,
    #[serde(borrow, default)]
    delayed_recipients: Vec<Recipient<'a>>,
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
        let record: Record =
            serde_json::from_str(text).map_err(|e| Skip::new("bad_json", e.to_string()))?;
        if record.envelope_message.is_some() {
            return Ok(Ready::Again(text.to_string()));
        }
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
    let sent = time(&mail.timestamp)?;
    match kind {
        "Send" => {
            for to in &mail.destination {
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

fn time(text: &str) -> Result<Instant, Skip> {
    Instant::parse_rfc3339(text).map_err(|_| Skip::new("bad_time", format!("{text:?}")))
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
    let at = time(&d.timestamp)?;
    for to in &d.recipients {
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
    let at = time(&b.timestamp)?;
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
    let at = time(&d.timestamp)?;
    let type_status = if d.delay_type == "MailboxFull" {
        "4.2.2"
    } else {
        "4.0.0"
    };
    failures(&d.delayed_recipients, mail, sent, at, type_status, out)
}

fn failures(
    recipients: &[Recipient<'_>],
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
