//! SendGrid event webhook batches: JSON arrays of events.
//!
//! `processed` creates the message, `delivered` is a delivered attempt, `deferred` a
//! failed one SendGrid retries (with its `attempt` number), `bounce` the failure that
//! ends it (`type` `bounce`, or `blocked` for a block of the sender). `dropped` means
//! SendGrid never tried (its own suppression list) and is counted, as are engagement
//! events. The message id is `sg_message_id`, else `smtp-id:email`.

use serde::Deserialize;

use super::classify::{FailureWords, sendgrid_bounce_status};
use super::{Collector, Event, LogReader, Outcome, Skip};
use crate::time::Instant;

/// Reads SendGrid events.
#[derive(Debug, Default)]
pub struct SendGridReader;

#[derive(Debug, Deserialize)]
struct Record {
    #[serde(default)]
    email: String,
    timestamp: Option<f64>,
    #[serde(default)]
    event: String,
    #[serde(default)]
    sg_message_id: String,
    #[serde(default, rename = "smtp-id")]
    smtp_id: String,
    #[serde(default)]
    response: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    status: String,
    #[serde(default, rename = "type")]
    kind: String,
    #[serde(default)]
    attempt: Option<serde_json::Value>,
}

impl LogReader for SendGridReader {
    fn read(&mut self, _line: u64, text: &str, out: &mut Collector) -> Result<(), Skip> {
        let r: Record =
            serde_json::from_str(text).map_err(|e| Skip::new("bad_json", e.to_string()))?;
        if r.email.is_empty() {
            return Err(Skip::new("missing_field", "no email"));
        }
        let at = r
            .timestamp
            .filter(|t| t.is_finite())
            .map(|t| Instant(t.floor() as i64))
            .ok_or_else(|| Skip::new("bad_time", "no numeric timestamp"))?;
        let message = if r.sg_message_id.is_empty() {
            format!("{}:{}", r.smtp_id, r.email)
        } else {
            r.sg_message_id.clone()
        };
        let (outcome, type_status) = match r.event.as_str() {
            "processed" => {
                out.message(&message, &r.email, at);
                return Ok(());
            }
            "delivered" => (Outcome::Delivered, ""),
            "deferred" => (Outcome::Failed, "4.0.0"),
            "bounce" => (Outcome::Failed, sendgrid_bounce_status(&r.kind)),
            "dropped" => return Err(Skip::new("ignored_dropped", r.reason.clone())),
            "" => return Err(Skip::new("missing_field", "no event")),
            other => return Err(Skip::new("not_an_attempt", other.to_string())),
        };
        let diagnostic = if r.response.is_empty() {
            &r.reason
        } else {
            &r.response
        };
        out.attempt(Event {
            message: &message,
            contact: &r.email,
            at,
            outcome,
            attempt: r.attempt.as_ref().and_then(attempt_number),
            words: FailureWords {
                status: &r.status,
                diagnostic,
                type_status,
                ..FailureWords::default()
            },
        })
    }
}

/// SendGrid sends `attempt` as a string ("2") or a number.
fn attempt_number(v: &serde_json::Value) -> Option<u32> {
    match v {
        serde_json::Value::String(s) => s.parse().ok(),
        serde_json::Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
        _ => None,
    }
}
