//! Mailgun events: the events API's pages (`{"items": [...]}`), arrays of events, or
//! webhook payloads (`{"event-data": {...}}`), one record at a time.
//!
//! `accepted` creates the message, `delivered` is a delivered attempt, `failed` a failed
//! one (`severity` `temporary`, retried, or `permanent`) with `delivery-status` giving the
//! `attempt-no`, reply `code`, `enhanced-code` and text. A permanent failure whose
//! `reason` is `suppress-bounce`, `suppress-unsubscribe` or `suppress-complaint` was never
//! tried and is counted. The message id is `message.headers.message-id:recipient`.

use serde::Deserialize;

use super::classify::{FailureWords, mailgun_severity_status};
use super::{Collector, Event, LogReader, Outcome, Skip};
use crate::time::Instant;

/// Reads Mailgun events.
#[derive(Debug, Default)]
pub struct MailgunReader;

#[derive(Debug, Deserialize)]
struct Page {
    #[serde(default)]
    items: Option<Vec<Record>>,
    #[serde(default, rename = "event-data")]
    event_data: Option<Record>,
}

#[derive(Debug, Deserialize)]
struct Record {
    #[serde(default)]
    event: String,
    timestamp: Option<f64>,
    #[serde(default)]
    recipient: String,
    #[serde(default)]
    severity: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    message: Option<Message>,
    #[serde(default, rename = "delivery-status")]
    status: Option<Status>,
}

#[derive(Debug, Deserialize)]
struct Message {
    #[serde(default)]
    headers: Headers,
}

#[derive(Debug, Default, Deserialize)]
struct Headers {
    #[serde(default, rename = "message-id")]
    message_id: String,
}

#[derive(Debug, Deserialize)]
struct Status {
    #[serde(default)]
    code: Option<serde_json::Value>,
    #[serde(default, rename = "enhanced-code")]
    enhanced_code: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    description: String,
    #[serde(default, rename = "attempt-no")]
    attempt_no: Option<u32>,
}

impl LogReader for MailgunReader {
    fn read(&mut self, _line: u64, text: &str, out: &mut Collector) -> Result<(), Skip> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| Skip::new("bad_json", e.to_string()))?;
        if value.get("items").is_some() || value.get("event-data").is_some() {
            let page: Page =
                serde_json::from_value(value).map_err(|e| Skip::new("bad_json", e.to_string()))?;
            let records = page
                .items
                .unwrap_or_default()
                .into_iter()
                .chain(page.event_data);
            let mut first_skip = None;
            for r in records {
                if let Err(s) = one(&r, out) {
                    first_skip.get_or_insert(s);
                }
            }
            return first_skip.map_or(Ok(()), Err);
        }
        let r: Record =
            serde_json::from_value(value).map_err(|e| Skip::new("bad_json", e.to_string()))?;
        one(&r, out)
    }
}

fn one(r: &Record, out: &mut Collector) -> Result<(), Skip> {
    if r.recipient.is_empty() {
        return Err(Skip::new("missing_field", "no recipient"));
    }
    let at = r
        .timestamp
        .filter(|t| t.is_finite())
        .map(|t| Instant(t.floor() as i64))
        .ok_or_else(|| Skip::new("bad_time", "no numeric timestamp"))?;
    let header_id = r
        .message
        .as_ref()
        .map_or("", |m| m.headers.message_id.as_str());
    if header_id.is_empty() {
        return Err(Skip::new("missing_field", "no message.headers.message-id"));
    }
    let message = format!("{header_id}:{}", r.recipient);
    let outcome = match r.event.as_str() {
        "accepted" => {
            out.message(&message, &r.recipient, at);
            return Ok(());
        }
        "delivered" => Outcome::Delivered,
        "failed" if r.reason.starts_with("suppress-") => {
            return Err(Skip::new(
                "ignored_suppressed_by_provider",
                r.reason.clone(),
            ));
        }
        "failed" => Outcome::Failed,
        "" => return Err(Skip::new("missing_field", "no event")),
        other => return Err(Skip::new("not_an_attempt", other.to_string())),
    };
    let status = r.status.as_ref();
    let code = status.and_then(|s| s.code.as_ref()).map(|c| match c {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    });
    let diagnostic = status.map_or("", |s| {
        if s.message.is_empty() {
            &s.description
        } else {
            &s.message
        }
    });
    out.attempt(Event {
        message: &message,
        contact: &r.recipient,
        at,
        outcome,
        attempt: status.and_then(|s| s.attempt_no),
        words: FailureWords {
            status: status.map_or("", |s| s.enhanced_code.as_str()),
            reply_code: code.as_deref().unwrap_or(""),
            diagnostic,
            type_status: mailgun_severity_status(&r.severity),
            ..FailureWords::default()
        },
    })
}
