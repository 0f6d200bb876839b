//! Twilio's message log, CSV as the console exports it or as the API's fields.
//!
//! Columns are found by name, ignoring case, spaces and underscores: the message id
//! (`Sid` or `MessageSid`), `To`, `Status`, `ErrorCode`, the attempt time (`DateSent` or
//! `SentDate`, else `DateUpdated`) and `DateCreated`. Each row is one message with one
//! attempt: `delivered` is delivered, `undelivered` and `failed` failed with the error
//! code; `queued`, `sending`, `sent`, `accepted` and `scheduled` have no final outcome
//! yet and are counted. Inbound messages (`Direction` `inbound`) are not sends.

use super::classify::FailureWords;
use super::{Collector, Event, LogReader, Outcome, ReadOptions, Skip};
use crate::time::Zone;

/// Reads a Twilio message log.
#[derive(Debug)]
pub struct TwilioReader {
    zone: Zone,
    columns: Option<Columns>,
}

#[derive(Debug, Clone, Copy)]
struct Columns {
    sid: usize,
    to: usize,
    status: usize,
    error: Option<usize>,
    sent: Option<usize>,
    created: Option<usize>,
    direction: Option<usize>,
}

impl TwilioReader {
    /// A reader that reads zone-less times in `options.zone`.
    pub fn new(options: &ReadOptions) -> Self {
        TwilioReader {
            zone: options.zone,
            columns: None,
        }
    }
}

fn fields(text: &str) -> Result<Vec<String>, Skip> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    let rec = r
        .records()
        .next()
        .ok_or_else(|| Skip::new("not_a_message_line", "empty line"))?
        .map_err(|e| Skip::new("bad_csv", e.to_string()))?;
    Ok(rec.iter().map(str::to_string).collect())
}

fn header(names: &[String]) -> Result<Columns, Skip> {
    let norm: Vec<String> = names
        .iter()
        .map(|n| n.to_ascii_lowercase().replace([' ', '_'], ""))
        .collect();
    let find = |options: &[&str]| {
        options
            .iter()
            .find_map(|o| norm.iter().position(|n| n == o))
    };
    let need = |options: &[&str], what: &str| {
        find(options).ok_or_else(|| Skip::new("bad_header", format!("no {what} column")))
    };
    Ok(Columns {
        sid: need(&["sid", "messagesid"], "Sid")?,
        to: need(&["to"], "To")?,
        status: need(&["status"], "Status")?,
        error: find(&["errorcode"]),
        sent: find(&["datesent", "sentdate", "dateupdated"]),
        created: find(&["datecreated", "createddate"]),
        direction: find(&["direction"]),
    })
}

impl LogReader for TwilioReader {
    fn read(&mut self, _line: u64, text: &str, out: &mut Collector) -> Result<(), Skip> {
        let f = fields(text)?;
        let Some(c) = self.columns else {
            self.columns = Some(header(&f)?);
            return Err(Skip::new("not_a_message_line", "header"));
        };
        let get = |i: Option<usize>| i.and_then(|i| f.get(i)).map_or("", |s| s.trim());
        if get(c.direction).starts_with("inbound") {
            return Err(Skip::new("not_an_attempt", "inbound message"));
        }
        let (sid, to, status) = (get(Some(c.sid)), get(Some(c.to)), get(Some(c.status)));
        if sid.is_empty() || to.is_empty() {
            return Err(Skip::new("missing_field", "no Sid or To"));
        }
        let time = |i: Option<usize>| super::parse_any_time(get(i), &self.zone);
        let created = time(c.created).or_else(|| time(c.sent));
        let at = time(c.sent).or(created);
        let (Some(created), Some(at)) = (created, at) else {
            return Err(Skip::new("bad_time", "no readable DateSent or DateCreated"));
        };
        let outcome = match status.to_ascii_lowercase().as_str() {
            "delivered" | "read" => Outcome::Delivered,
            "undelivered" | "failed" => Outcome::Failed,
            "queued" | "sending" | "sent" | "accepted" | "scheduled" => {
                out.message(sid, to, created);
                return Err(Skip::new("not_final", status.to_string()));
            }
            other => return Err(Skip::new("unknown_status", other.to_string())),
        };
        out.message(sid, to, created);
        out.attempt(Event {
            message: sid,
            contact: to,
            at,
            outcome,
            attempt: Some(1),
            words: FailureWords {
                provider_code: get(c.error),
                ..FailureWords::default()
            },
        })
    }
}
