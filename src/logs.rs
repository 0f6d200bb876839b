//! Real logs in: readers for mail and SMS platforms' logs and event exports, which turn
//! them into observed attempts and then into the import format (`sends.csv`,
//! `failures.csv`) plus `observations.csv` and an import report.
//!
//! The pipeline, file by file:
//!
//! - one reader per format (`postfix`, `ses`, `sendgrid`, `mailgun`, `twilio`,
//!   `attempts`), each fed one line (or one JSON record) at a time, so a log of any size
//!   streams; a reader emits [`Event`]s into a [`Collector`] or says why it skipped the
//!   line;
//! - `classify`: the single place where a failure's status, reply code and text become an
//!   error code and a class;
//! - `infer`: the failure windows that explain every observation;
//! - `actions`: operator retries the log shows, written as `actions.csv`;
//! - `write`: the output files; `report`: the read/skip counts and the first bad lines;
//! - `calibrate`: the synthetic world's parameters the observations identify;
//! - `replay`: the check that replaying the inferred world under a policy reproduces the
//!   observed outcomes.
//!
//! Memory grows with the number of messages and attempts kept, never with the size of
//! the log: lines are read one at a time and only the facts above are kept.

pub mod actions;
pub mod attempts;
pub mod calibrate;
pub mod classify;
pub mod collect;
pub mod hash_index;
pub mod infer;
pub mod json;
pub mod mailgun;
pub mod names;
pub mod parallel;
pub mod postfix;
pub mod replay;
pub mod report;
pub mod sendgrid;
pub mod ses;
pub mod twilio;
pub mod verdicts;
pub mod window;
pub mod write;

use std::fmt;
use std::io::BufRead;
use std::path::Path;

use anyhow::Context;

pub use collect::{Collector, Event, Observation, Outcome};
pub use report::{ImportReport, Skip};

use crate::time::Instant;
use crate::time::Zone;
use crate::workload::{Channel, MessageType};

/// The log formats `retrysim import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Format {
    /// Postfix syslog lines (smtp, lmtp, local, qmgr, bounce, error).
    Postfix,
    /// Amazon SES event publishing records or SNS notifications, JSON.
    Ses,
    /// SendGrid event webhook batches, JSON.
    Sendgrid,
    /// Mailgun events, JSON.
    Mailgun,
    /// Twilio message log, CSV.
    Twilio,
    /// retrysim's own attempts.csv.
    Attempts,
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Format::Postfix => "postfix",
            Format::Ses => "ses",
            Format::Sendgrid => "sendgrid",
            Format::Mailgun => "mailgun",
            Format::Twilio => "twilio",
            Format::Attempts => "attempts",
        };
        f.write_str(name)
    }
}

/// How to read the logs: what the lines do not say themselves.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// The year of classic syslog stamps (`Mar  3 10:00:00`), which carry none.
    pub year: i32,
    /// The zone of stamps that carry no offset.
    pub zone: Zone,
    /// The message type given to every imported message.
    pub message_type: MessageType,
    /// For `attempts`: the replication whose attempts are imported.
    pub replication: u32,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            year: 2026,
            zone: Zone::parse("UTC").expect("UTC is a zone"),
            message_type: MessageType::Marketing,
            replication: 0,
        }
    }
}

/// A reader of one format: fed one record at a time with its 1-based line number.
pub trait LogReader {
    /// Reads one record; `Err` says why it was skipped.
    fn read(&mut self, line: u64, text: &str, out: &mut Collector) -> Result<(), Skip>;
    /// Called once after the last record of the last file.
    fn finish(&mut self, _out: &mut Collector) {}
}

/// The reader for `format`.
pub fn reader(format: Format, options: &ReadOptions) -> Box<dyn LogReader> {
    match format {
        Format::Postfix => Box::new(postfix::PostfixReader::new(options)),
        Format::Ses => Box::new(ses::SesReader),
        Format::Sendgrid => Box::new(sendgrid::SendGridReader),
        Format::Mailgun => Box::new(mailgun::MailgunReader),
        Format::Twilio => Box::new(twilio::TwilioReader::new(options)),
        Format::Attempts => Box::new(attempts::AttemptsReader::new(options)),
    }
}

/// Reads every file in order into `out`, counting what was read and skipped in `report`.
pub fn read_files(
    format: Format,
    files: &[impl AsRef<Path>],
    options: &ReadOptions,
    out: &mut Collector,
    report: &mut ImportReport,
) -> anyhow::Result<()> {
    let mut reader = reader(format, options);
    // The readers that prepare records on every core; kept across files, since a
    // rotated log's queue ids and years go on from one file to the next.
    let mut postfix = postfix::PostfixReader::new(options);
    for path in files {
        let path = path.as_ref();
        let file = std::fs::File::open(path)
            .with_context(|| format!("could not open '{}'", path.display()))?;
        let input = std::io::BufReader::with_capacity(1 << 17, file);
        report.start_file(path);
        let window = window::WINDOW_BYTES;
        let fed = match format {
            // Each record is parsed on any core, then applied in file order.
            Format::Ses => {
                let mut records = json::Records::new(input);
                parallel::read(&mut records, &mut ses::SesReader, out, report, window)
            }
            Format::Postfix => {
                let mut lines = window::Lines::new(input);
                parallel::read(&mut lines, &mut postfix, out, report, window)
            }
            Format::Sendgrid | Format::Mailgun => json::for_each_record(input, |line, text| {
                feed(reader.as_mut(), line, text, out, report)
            }),
            _ => for_each_line(input, |line, text| {
                feed(reader.as_mut(), line, text, out, report)
            }),
        };
        fed.with_context(|| format!("could not read '{}'", path.display()))?;
    }
    reader.finish(out);
    Ok(())
}

fn feed(
    reader: &mut dyn LogReader,
    line: u64,
    text: &str,
    out: &mut Collector,
    report: &mut ImportReport,
) {
    report.records += 1;
    out.set_position(report.file_index(), line);
    if let Err(skip) = reader.read(line, text, out) {
        report.skip(line, text, skip);
    }
}

/// Calls `each` with every line (without its end) and its 1-based number. Lines that
/// are not UTF-8 are passed with their bad bytes replaced.
pub fn for_each_line(
    mut input: impl BufRead,
    mut each: impl FnMut(u64, &str),
) -> std::io::Result<()> {
    let mut buf = Vec::with_capacity(512);
    let mut line = 0u64;
    loop {
        buf.clear();
        if input.read_until(b'\n', &mut buf)? == 0 {
            return Ok(());
        }
        line += 1;
        while matches!(buf.last(), Some(b'\n' | b'\r')) {
            buf.pop();
        }
        each(line, &String::from_utf8_lossy(&buf));
    }
}

/// Reads a time in any of the forms event exports use: RFC 3339, a Unix timestamp in
/// seconds (with or without a fraction), RFC 2822, or `YYYY-MM-DD HH:MM:SS` read in
/// `zone`.
pub fn parse_any_time(text: &str, zone: &Zone) -> Option<Instant> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    if let Ok(i) = Instant::parse_rfc3339(t) {
        return Some(i);
    }
    if let Ok(secs) = t.parse::<f64>() {
        return secs.is_finite().then(|| Instant(secs.floor() as i64));
    }
    if let Ok(d) = chrono::DateTime::parse_from_rfc2822(t) {
        return Some(Instant(d.timestamp()));
    }
    let naive = chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S"))
        .ok()?;
    Some(zone.instant_of_local(naive))
}

/// The channel of a contact as written: a phone number or an email address.
pub fn channel_of(contact: &str) -> Channel {
    if contact.contains('@') {
        Channel::Email
    } else {
        Channel::Sms
    }
}
