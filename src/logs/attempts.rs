//! retrysim's own `attempts.csv` (`run --trace`), so a simulated run can be imported like
//! a real log. Only the chosen replication of point 0 is read; rows of other runs are
//! counted. Columns are found by name in the header; `delivery_id` is optional (files
//! written before it existed make each message its own delivery). Attempts whose
//! trigger is `manual` or `bulk` are also kept as operator retries (`actions.csv`).

use super::actions::{OperatorRetry, operator_action};
use super::classify::FailureWords;
use super::{Collector, Event, LogReader, Outcome, ReadOptions, Skip};
use crate::time::Instant;

/// Reads `attempts.csv`.
#[derive(Debug)]
pub struct AttemptsReader {
    replication: String,
    columns: Option<Columns>,
}

#[derive(Debug, Clone, Copy)]
struct Columns {
    replication: usize,
    point: usize,
    message: usize,
    contact: usize,
    attempt: usize,
    at: usize,
    outcome: usize,
    error: usize,
    delivery: Option<usize>,
    trigger: Option<usize>,
    reason: Option<usize>,
}

impl AttemptsReader {
    /// A reader of `options.replication`.
    pub fn new(options: &ReadOptions) -> Self {
        AttemptsReader {
            replication: options.replication.to_string(),
            columns: None,
        }
    }
}

fn header(f: &[String]) -> Result<Columns, Skip> {
    let col = |name: &str| {
        f.iter()
            .position(|n| n == name)
            .ok_or_else(|| Skip::new("bad_header", format!("no {name} column")))
    };
    Ok(Columns {
        replication: col("replication")?,
        point: col("point")?,
        message: col("message_id")?,
        contact: col("contact")?,
        attempt: col("attempt")?,
        at: col("at")?,
        outcome: col("outcome")?,
        error: col("error_code")?,
        delivery: f.iter().position(|n| n == "delivery_id"),
        trigger: f.iter().position(|n| n == "trigger"),
        reason: f.iter().position(|n| n == "reason"),
    })
}

/// Undoes the output's formula neutralisation (a leading apostrophe before `=+-@`).
fn plain(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest,
        _ => text,
    }
}

impl LogReader for AttemptsReader {
    fn read(&mut self, _line: u64, text: &str, out: &mut Collector) -> Result<(), Skip> {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes());
        let f: Vec<String> = match r.records().next() {
            Some(Ok(rec)) => rec.iter().map(str::to_string).collect(),
            Some(Err(e)) => return Err(Skip::new("bad_csv", e.to_string())),
            None => return Err(Skip::new("not_a_message_line", "empty line")),
        };
        let Some(c) = self.columns else {
            self.columns = Some(header(&f)?);
            return Err(Skip::new("not_a_message_line", "header"));
        };
        let get = |i: usize| f.get(i).map_or("", String::as_str);
        if get(c.replication) != self.replication || get(c.point) != "0" {
            return Err(Skip::new(
                "ignored_other_run",
                "another replication or point",
            ));
        }
        let at = Instant::parse_rfc3339(get(c.at))
            .map_err(|_| Skip::new("bad_time", format!("at = {:?}", get(c.at))))?;
        let outcome = match get(c.outcome) {
            "delivered" => Outcome::Delivered,
            "failed" => Outcome::Failed,
            other => return Err(Skip::new("unknown_status", format!("outcome = {other:?}"))),
        };
        let (message, contact) = (plain(get(c.message)), plain(get(c.contact)));
        let attempt: Option<u32> = get(c.attempt).parse().ok();
        if attempt == Some(1) {
            let i = out.message(message, contact, at);
            if let Some(d) = c.delivery.map(get).filter(|d| !d.is_empty()) {
                out.set_delivery(i, plain(d));
            }
        }
        if let Some(action) = c.trigger.map(get).and_then(operator_action) {
            out.operator_retries.push(OperatorRetry {
                at,
                action,
                message: message.to_string(),
                reason: c.reason.map_or("", get).to_string(),
            });
        }
        out.attempt(Event {
            message,
            contact,
            at,
            outcome,
            attempt,
            words: FailureWords {
                provider_code: plain(get(c.error)),
                ..FailureWords::default()
            },
        })
    }
}
