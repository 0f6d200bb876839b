//! Reading on every core without changing a byte of the result: a file is cut into
//! [`Window`]s of consecutive records; the records of a window are prepared (decoded,
//! parsed, checked: work that needs nothing from earlier records) in parallel, then
//! applied to the [`Collector`] one by one in file order, exactly as the plain reader
//! would have read them, so every id, row order, count and quoted line number is the
//! same whatever the number of threads or the size of the windows.
//!
//! The steps overlap as a pipeline: while one window's prepared records are applied
//! (the ordered step, which only one core can do), the next window is read, split and
//! prepared on the other core. Memory stays bounded: two windows and their prepared
//! records.

use rayon::prelude::*;

use super::window::{Fill, Window};
use super::{Collector, ImportReport, Skip};

/// A reader whose per-record work splits into a part that needs no earlier record
/// ([`Prepare::prepare`], run in parallel, and while earlier records are still being
/// applied, so it has no reader state to look at) and a part that does
/// ([`Prepare::apply`], run in file order).
pub trait Prepare: Send + Sync {
    /// What `prepare` hands to `apply`: may borrow from the record's bytes.
    type Ready<'a>: Send;

    /// The work on one record (its raw bytes) that depends on nothing else.
    fn prepare(record: &[u8]) -> Self::Ready<'_>;

    /// Applies a prepared record that starts on `line`; `Err` says why it was skipped.
    /// It is lent, not given: a prepared SES record is some 400 bytes, and moving each
    /// one out of the window's vector was a tenth of the import's time.
    fn apply(
        &mut self,
        line: u64,
        ready: &Self::Ready<'_>,
        out: &mut Collector,
    ) -> Result<(), Skip>;
}

/// Where an import's records go: the reader's ordered step and what it fills.
struct Sink<'s, P> {
    reader: &'s mut P,
    out: &'s mut Collector,
    report: &'s mut ImportReport,
}

/// Reads every record of `source` into `out` through `reader`, counting in `report` as
/// [`super::read_files`] does, with windows of about `limit` bytes.
pub fn read<P: Prepare>(
    source: &mut impl Fill,
    reader: &mut P,
    out: &mut Collector,
    report: &mut ImportReport,
    limit: usize,
) -> std::io::Result<()> {
    let mut sink = Sink {
        reader,
        out,
        report,
    };
    let mut pipe: Pipe<'_, _, P> = Pipe {
        source,
        more: true,
        limit,
        spare: Vec::new(),
    };
    let (mut a, mut b, mut c) = (Window::default(), Window::default(), Window::default());
    pipe.more = pipe.source.fill(&mut a, limit)?;
    // Three windows take turns at being read, prepared and applied. The turn is written
    // out three times so that each window's prepared records borrow it only until they
    // have been applied, and the window is free to be read into again.
    let mut ready_a = pipe.step(&mut sink, &mut b, &a, (&c, Vec::new()))?;
    while !a.is_empty() {
        let ready_b = pipe.step(&mut sink, &mut c, &b, (&a, ready_a))?;
        if b.is_empty() {
            break;
        }
        let ready_c = pipe.step(&mut sink, &mut a, &c, (&b, ready_b))?;
        if c.is_empty() {
            break;
        }
        ready_a = pipe.step(&mut sink, &mut b, &a, (&c, ready_c))?;
    }
    Ok(())
}

/// The reading end of the pipeline.
struct Pipe<'s, F, P: Prepare> {
    source: &'s mut F,
    /// False once the source has ended: windows read after that are empty.
    more: bool,
    limit: usize,
    /// The memory of the prepared records last applied, for the next to be prepared.
    spare: Vec<P::Ready<'static>>,
}

impl<F: Fill, P: Prepare> Pipe<'_, F, P> {
    /// One turn: applies `apply`'s prepared records on this core while, on the other,
    /// the source's next records are read into `fill` and the records of `prep` (read
    /// in the turn before) are prepared. Returns `prep`'s prepared records.
    fn step<'p>(
        &mut self,
        sink: &mut Sink<'_, P>,
        fill: &mut Window,
        prep: &'p Window,
        (window, ready): (&Window, Vec<P::Ready<'_>>),
    ) -> std::io::Result<Vec<P::Ready<'p>>> {
        let spare = recycle(std::mem::take(&mut self.spare));
        let (source, more, limit) = (&mut *self.source, self.more, self.limit);
        let (read, used) = rayon::join(
            || -> std::io::Result<_> {
                let filled = if more {
                    source.fill(fill, limit)?
                } else {
                    fill.clear();
                    false
                };
                Ok((filled, prepare_window::<P>(prep, spare)))
            },
            move || {
                apply_window(sink, window, &ready);
                recycle(ready)
            },
        );
        self.spare = used;
        let (filled, prepared) = read?;
        self.more = filled;
        Ok(prepared)
    }
}

/// Prepares a window's records in parallel, in the memory of `spare`: a fresh vector of
/// megabytes per window made the allocator sweep its free lists each time.
fn prepare_window<'w, P: Prepare>(w: &'w Window, spare: Vec<P::Ready<'w>>) -> Vec<P::Ready<'w>> {
    let mut ready = spare;
    // An indexed collect keeps the records in file order whatever thread prepared each.
    (0..w.len())
        .into_par_iter()
        .with_min_len(64)
        .map(|i| P::prepare(w.record(i).1))
        .collect_into_vec(&mut ready);
    ready
}

/// Applies a window's prepared records in file order.
fn apply_window<P: Prepare>(sink: &mut Sink<'_, P>, w: &Window, ready: &[P::Ready<'_>]) {
    let file = sink.report.file_index();
    for ((line, _), r) in w.records().zip(ready) {
        sink.report.records += 1;
        sink.out.set_position(file, line);
        if let Err(skip) = sink.reader.apply(line, r, sink.out) {
            sink.report.skip(line, "", skip);
        }
    }
}

/// An empty vector of another lifetime on the same memory: the standard library
/// collects a mapped `into_iter` in place when the element layouts match, as they do
/// for one type under two lifetimes, so the allocation is kept without `unsafe`.
fn recycle<A, B>(mut v: Vec<A>) -> Vec<B> {
    v.clear();
    v.into_iter()
        .map(|_| unreachable!("the vector is empty"))
        .collect()
}

#[cfg(test)]
mod tests {
    use std::io::BufReader;

    use proptest::prelude::*;

    use super::*;
    use crate::logs::window::Lines;
    use crate::logs::window::WINDOW_BYTES;
    use crate::logs::{LogReader, ReadOptions, json, postfix, ses};

    /// Everything a read leaves that the outputs are made from, as text.
    fn outcome(out: &Collector, report: &ImportReport) -> String {
        let names: Vec<(&str, &str, &str)> = (0..out.messages.len() as u32)
            .map(|i| (out.name(i), out.contact(i), out.delivery(i)))
            .collect();
        let texts: Vec<[&str; 4]> = out
            .observations
            .iter()
            .map(|o| {
                let [s, r, d, why] = [o.status, o.reply_code, o.diagnostic, o.reason];
                [out.text(s), out.text(r), out.text(d), out.text(why)]
            })
            .collect();
        format!(
            "{:?}\n{:?}\n{names:?}\n{texts:?}\n{}",
            out.messages,
            out.observations,
            report.render(&out.notes, &[])
        )
    }

    /// The plain path: one record at a time through [`LogReader::read`].
    fn plain_ses(bytes: &[u8]) -> String {
        let (mut out, mut report) = (Collector::default(), ImportReport::default());
        report.start_file(std::path::Path::new("log"));
        let mut reader = ses::SesReader;
        json::for_each_record(bytes, |line, text| {
            report.records += 1;
            out.set_position(0, line);
            if let Err(skip) = reader.read(line, text, &mut out) {
                report.skip(line, text, skip);
            }
        })
        .unwrap();
        outcome(&out, &report)
    }

    /// The parallel path with windows of `limit` bytes and reads of `capacity` bytes.
    fn windowed_ses(bytes: &[u8], limit: usize, capacity: usize) -> String {
        let (mut out, mut report) = (Collector::default(), ImportReport::default());
        report.start_file(std::path::Path::new("log"));
        let mut records = json::Records::new(BufReader::with_capacity(capacity, bytes));
        read(
            &mut records,
            &mut ses::SesReader,
            &mut out,
            &mut report,
            limit,
        )
        .unwrap();
        outcome(&out, &report)
    }

    /// One SES record (or a piece of a bad one) of a few shapes, for message `m`.
    fn ses_record(shape: u8, m: u8) -> Vec<u8> {
        let mail = format!(
            r#""mail":{{"timestamp":"2026-03-03T09:00:0{}.000Z","messageId":"m{m}","destination":["u{m}@x.example"]}}"#,
            m % 10
        );
        let text = match shape % 11 {
            0 => format!(r#"{{"eventType":"Send",{mail}}}"#),
            1 => format!(
                r#"{{"eventType":"Delivery","delivery":{{"timestamp":"2026-03-03T09:01:00Z","recipients":["u{m}@x.example"],"smtpResponse":"250 OK"}},{mail}}}"#
            ),
            2 => format!(
                r#"{{"eventType":"Bounce","bounce":{{"bounceType":"Permanent","bounceSubType":"General","timestamp":"2026-03-03T09:02:00Z","bouncedRecipients":[{{"emailAddress":"u{m}@x.example","status":"5.1.1","diagnosticCode":"smtp; 550 5.1.1 \"unknown\""}}]}},{mail}}}"#
            ),
            3 => format!(
                r#"{{"eventType":"DeliveryDelay","deliveryDelay":{{"timestamp":"2026-03-03T09:03:00Z","delayType":"MailboxFull","delayedRecipients":[{{"emailAddress":"u{m}@x.example"}}]}},{mail}}}"#
            ),
            4 => format!(
                "{{\n  \"eventType\": \"Delivery\",\r\n  \"delivery\": {{\"timestamp\":\"bad\"}},\n  {mail}\n}}"
            ),
            5 => format!(
                r#"{{"Type":"Notification","Message":"{{\"notificationType\":\"Bounce\",\"mail\":{{\"timestamp\":\"2026-03-03T09:00:00Z\",\"messageId\":\"m{m}\"}},\"bounce\":{{\"bounceType\":\"Transient\",\"timestamp\":\"2026-03-03T09:04:00Z\",\"bouncedRecipients\":[{{\"emailAddress\":\"v{m}@x.example\"}}]}}}}"}}"#
            ),
            6 => format!("stray words {m}"),
            7 => r#"{"eventType":"Delivery","delivery":{"#.to_string(),
            8 => format!(r#"{{"eventType":"Send","x":"é",{mail}}}"#),
            // Stamps the prepare step parses ahead: a fraction with an offset, and
            // texts that do not parse (a 13th month, a bare date) on either object;
            // and a list of two addresses, one with an escape (an owned text).
            9 => format!(
                r#"{{"eventType":"Delivery","delivery":{{"timestamp":"2026-03-03T11:01:00.25+02:00","recipients":["u{m}@x.example","w\u0040{m}.example"]}},{mail}}}"#
            ),
            _ => format!(
                r#"{{"eventType":"DeliveryDelay","deliveryDelay":{{"timestamp":"2026-03-03","delayedRecipients":[{{"emailAddress":"u{m}@x.example"}}]}},"mail":{{"timestamp":"2026-13-03T09:00:00.5Z","messageId":"m{m}","destination":["u{m}@x.example"]}}}}"#
            ),
        };
        let mut bytes = text.into_bytes();
        if shape == 8 {
            bytes.insert(bytes.len() / 2, 0xff);
        }
        bytes
    }

    /// The plain path for Postfix: one line at a time through [`LogReader::read`].
    fn plain_postfix(bytes: &[u8]) -> String {
        let (mut out, mut report) = (Collector::default(), ImportReport::default());
        report.start_file(std::path::Path::new("log"));
        let mut reader = postfix::PostfixReader::new(&ReadOptions::default());
        crate::logs::for_each_line(bytes, |line, text| {
            report.records += 1;
            out.set_position(0, line);
            if let Err(skip) = reader.read(line, text, &mut out) {
                report.skip(line, text, skip);
            }
        })
        .unwrap();
        outcome(&out, &report)
    }

    fn windowed_postfix(bytes: &[u8], limit: usize, capacity: usize) -> String {
        let (mut out, mut report) = (Collector::default(), ImportReport::default());
        report.start_file(std::path::Path::new("log"));
        let mut reader = postfix::PostfixReader::new(&ReadOptions::default());
        let mut lines = Lines::new(BufReader::with_capacity(capacity, bytes));
        read(&mut lines, &mut reader, &mut out, &mut report, limit).unwrap();
        outcome(&out, &report)
    }

    /// One Postfix line of a few shapes for queue id `q`: a year turns over at the
    /// December lines, and some lines are bad in each of the ways a line can be.
    fn postfix_line(shape: u8, q: u8) -> Vec<u8> {
        let stamp = ["Dec 31 23:59:00", "Jan  1 00:01:00", "Feb 29 10:00:00"][q as usize % 3];
        let id = format!("A{q:04X}");
        let text = match shape % 11 {
            0 => format!("{stamp} mx postfix/qmgr[1]: {id}: from=<s@x.example>, nrcpt=1"),
            1 => format!(
                "{stamp} mx postfix/smtp[2]: {id}: to=<u{q}@x.example>, relay=127.0.0.1[127.0.0.1]:10024, dsn=2.0.0, status=sent (250 Ok: queued as B{q:04X})"
            ),
            2 => format!(
                "{stamp} mx postfix/smtp[3]: B{q:04X}: to=<u{q}@x.example>, relay=mx.x.example[192.0.2.1]:25, dsn=4.2.2, status=deferred (452 4.2.2 full)"
            ),
            3 => format!(
                "2026-03-03T10:00:0{}Z mx postfix/smtp[4]: {id}: to=<u{q}@x.example>, relay=mx[192.0.2.1]:25, dsn=5.1.1, status=bounced (550 5.1.1 é unknown)",
                q % 10
            ),
            4 => format!(
                "{stamp} mx postfix/bounce[5]: {id}: sender non-delivery notification: C{q:04X}"
            ),
            5 => format!("{stamp} mx postfix/qmgr[1]: {id}: removed"),
            6 => format!("{stamp} mx postfix/smtp[2]: {id}: to=<u{q}@x.example>, relay=mx"),
            7 => format!("{stamp} mx sshd[9]: accepted"),
            8 => "Foo 31 99:00:00 mx postfix/smtp[2]: x".to_string(),
            9 => format!("{stamp} mx postfix/qmgr[1]: {id}: from=<s@x.example>, status=expired"),
            _ => {
                format!("{stamp} mx postfix/smtp[2]: {id}: to=<u{q}@x.example>, status=sent (ok é)")
            }
        };
        let mut bytes = text.into_bytes();
        if shape == 10 {
            bytes.push(0xff);
        }
        bytes
    }

    #[test]
    fn a_recycled_vector_keeps_its_memory() {
        let text = String::from("borrowed");
        let mut v: Vec<(&str, u64)> = Vec::with_capacity(1000);
        v.push((&text, 1));
        let again: Vec<(&'static str, u64)> = recycle(v);
        assert!(again.is_empty());
        assert!(again.capacity() >= 1000, "{}", again.capacity());
    }

    proptest! {
        /// Windows of any size, read in pieces of any size, give what one record at a
        /// time gives: the same messages, observations, counts and bad-line numbers,
        /// across CRLF ends, multi-line records, stray text, bytes that are not UTF-8 and
        /// a truncated last record.
        #[test]
        fn windows_of_any_size_read_as_the_plain_reader(
            records in prop::collection::vec((0u8..11, 0u8..6, any::<bool>()), 0..40),
            limit in 1usize..600,
            capacity in 1usize..80,
            truncate in 0usize..30,
        ) {
            let mut bytes = Vec::new();
            for (shape, m, crlf) in records {
                bytes.extend(ses_record(shape, m));
                bytes.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
            }
            bytes.truncate(bytes.len().saturating_sub(truncate));
            let plain = plain_ses(&bytes);
            prop_assert_eq!(windowed_ses(&bytes, limit, capacity), plain.clone());
            prop_assert_eq!(windowed_ses(&bytes, WINDOW_BYTES, 1 << 17), plain);
        }

        /// The same for Postfix lines: year turns, queue id chains and bounce notices
        /// that span windows, CRLF ends, bad lines and a truncated last line.
        #[test]
        fn postfix_windows_of_any_size_read_as_the_plain_reader(
            lines in prop::collection::vec((0u8..11, 0u8..6, any::<bool>()), 0..50),
            limit in 1usize..600,
            capacity in 1usize..80,
            truncate in 0usize..30,
        ) {
            let mut bytes = Vec::new();
            for (shape, q, crlf) in lines {
                bytes.extend(postfix_line(shape, q));
                bytes.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
            }
            bytes.truncate(bytes.len().saturating_sub(truncate));
            let plain = plain_postfix(&bytes);
            prop_assert_eq!(windowed_postfix(&bytes, limit, capacity), plain.clone());
            prop_assert_eq!(windowed_postfix(&bytes, WINDOW_BYTES, 1 << 17), plain);
        }
    }
}
