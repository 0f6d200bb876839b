//! Amazon SES events: event publishing records (`eventType`) or SNS notifications
//! (`notificationType`), bare or inside an SNS envelope whose `Message` holds the JSON
//! as a string.
//!
//! `Send` creates the message (one per destination address), `Delivery` is a delivered
//! attempt, `DeliveryDelay` a failed one that SES will retry, `Bounce` the failure that
//! ends it (`Permanent`, `Transient` or `Undetermined`, with a subtype). `Complaint` and
//! `Reject` are not attempts to the mailbox and are counted as such. The message id is
//! `mail.messageId:recipient`.

use serde::Deserialize;

use super::classify::{FailureWords, ses_bounce_status};
use super::{Collector, Event, LogReader, Outcome, Skip};
use crate::time::Instant;

/// Reads SES event JSON.
#[derive(Debug, Default)]
pub struct SesReader;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Record {
    #[serde(default)]
    event_type: String,
    #[serde(default)]
    notification_type: String,
    /// The SNS envelope's payload.
    #[serde(default, rename = "Message")]
    envelope_message: Option<String>,
    #[serde(default)]
    mail: Option<Mail>,
    #[serde(default)]
    delivery: Option<Delivery>,
    #[serde(default)]
    bounce: Option<Bounce>,
    #[serde(default)]
    delivery_delay: Option<Delay>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Mail {
    timestamp: String,
    message_id: String,
    #[serde(default)]
    destination: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Delivery {
    timestamp: String,
    #[serde(default)]
    recipients: Vec<String>,
    #[serde(default)]
    smtp_response: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Bounce {
    #[serde(default)]
    bounce_type: String,
    #[serde(default)]
    bounce_sub_type: String,
    timestamp: String,
    #[serde(default)]
    bounced_recipients: Vec<Recipient>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Delay {
    timestamp: String,
    #[serde(default)]
    delay_type: String,
    #[serde(default)]
    delayed_recipients: Vec<Recipient>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Recipient {
    email_address: String,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    diagnostic_code: Option<String>,
}

impl LogReader for SesReader {
    fn read(&mut self, _line: u64, text: &str, out: &mut Collector) -> Result<(), Skip> {
        let mut record: Record =
            serde_json::from_str(text).map_err(|e| Skip::new("bad_json", e.to_string()))?;
        if let Some(inner) = record.envelope_message.take() {
            record = serde_json::from_str(&inner)
                .map_err(|e| Skip::new("bad_json", format!("in the SNS Message: {e}")))?;
        }
        let kind = if record.event_type.is_empty() {
            record.notification_type.as_str()
        } else {
            record.event_type.as_str()
        };
        let mail = record
            .mail
            .as_ref()
            .ok_or_else(|| Skip::new("missing_field", "no mail object"))?;
        let sent = time(&mail.timestamp)?;
        match kind {
            "Send" => {
                for to in &mail.destination {
                    out.message(&id(mail, to), to, sent);
                }
                Ok(())
            }
            "Delivery" => delivered(&record, mail, sent, out),
            "Bounce" => bounced(&record, mail, sent, out),
            "DeliveryDelay" => delayed(&record, mail, sent, out),
            "Complaint" | "Reject" => {
                Err(Skip::new("ignored_complaint_or_reject", kind.to_string()))
            }
            "" => Err(Skip::new(
                "missing_field",
                "no eventType or notificationType",
            )),
            other => Err(Skip::new("not_an_attempt", other.to_string())),
        }
    }
}

fn id(mail: &Mail, to: &str) -> String {
    format!("{}:{to}", mail.message_id)
}

fn time(text: &str) -> Result<Instant, Skip> {
    Instant::parse_rfc3339(text).map_err(|_| Skip::new("bad_time", format!("{text:?}")))
}

fn delivered(r: &Record, mail: &Mail, sent: Instant, out: &mut Collector) -> Result<(), Skip> {
    let d = r
        .delivery
        .as_ref()
        .ok_or_else(|| Skip::new("missing_field", "no delivery object"))?;
    let at = time(&d.timestamp)?;
    for to in &d.recipients {
        let message = id(mail, to);
        out.message(&message, to, sent);
        out.attempt(Event {
            message: &message,
            contact: to,
            at,
            outcome: Outcome::Delivered,
            attempt: None,
            words: FailureWords {
                diagnostic: &d.smtp_response,
                ..FailureWords::default()
            },
        })?;
    }
    Ok(())
}

fn bounced(r: &Record, mail: &Mail, sent: Instant, out: &mut Collector) -> Result<(), Skip> {
    let b = r
        .bounce
        .as_ref()
        .ok_or_else(|| Skip::new("missing_field", "no bounce object"))?;
    let at = time(&b.timestamp)?;
    let type_status = ses_bounce_status(&b.bounce_type, &b.bounce_sub_type);
    failures(&b.bounced_recipients, mail, sent, at, type_status, out)
}

fn delayed(r: &Record, mail: &Mail, sent: Instant, out: &mut Collector) -> Result<(), Skip> {
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
    recipients: &[Recipient],
    mail: &Mail,
    sent: Instant,
    at: Instant,
    type_status: &str,
    out: &mut Collector,
) -> Result<(), Skip> {
    for rcpt in recipients {
        let to = rcpt.email_address.as_str();
        let message = id(mail, to);
        out.message(&message, to, sent);
        out.attempt(Event {
            message: &message,
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
        })?;
    }
    Ok(())
}
