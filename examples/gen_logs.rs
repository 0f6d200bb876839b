//! Writes large Postfix and SES logs for measuring `retrysim import`, so no big input
//! file has to be committed:
//!
//! ```sh
//! cargo run --release --example gen_logs -- postfix 1000000 pf1m.log
//! cargo run --release --example gen_logs -- ses 1000000 ses1m.json
//! ```
//!
//! The shapes follow the test fixtures. Postfix: each message is a queue-manager line, a
//! hop through a local content filter, a failure (a deferral, or now and then a bounce)
//! and a delivery, four lines in all. SES: one Delivery, Bounce or DeliveryDelay record
//! per line. Recipients repeat (one contact gets several messages) and a handful of
//! diagnostic texts rotate, as in a real log. The output depends only on the arguments.

use std::io::{BufWriter, Write};

/// Failure texts of the Postfix log: (dsn, reply text).
const POSTFIX_FAILURES: [(&str, &str); 4] = [
    ("4.2.2", "452 4.2.2 Mailbox full"),
    ("4.7.0", "421 4.7.0 Try again later, closing connection"),
    (
        "5.1.1",
        "550 5.1.1 The email account that you tried to reach does not exist",
    ),
    (
        "4.4.1",
        "connect to mx.mail.example[192.0.2.10]:25: Connection timed out",
    ),
];

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: gen_logs postfix|ses LINES FILE";
    let [_, format, lines, path] = args.as_slice() else {
        eprintln!("{usage}");
        std::process::exit(2);
    };
    let Ok(lines) = lines.parse::<usize>() else {
        eprintln!("{usage}: LINES must be a whole number, got {lines:?}");
        std::process::exit(2);
    };
    let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    match format.as_str() {
        "postfix" => postfix(lines, &mut out)?,
        "ses" => ses(lines, &mut out)?,
        _ => {
            eprintln!("{usage}: unknown format {format:?}");
            std::process::exit(2);
        }
    }
    out.flush()
}

/// A clock time `i` seconds into the day, as `HH:MM:SS`.
fn clock(i: usize) -> String {
    let s = i % 86_400;
    format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

fn postfix(lines: usize, out: &mut impl Write) -> std::io::Result<()> {
    for i in 0..lines.div_ceil(4) {
        let (q1, q2) = (format!("A{i:09X}"), format!("B{i:09X}"));
        let to = format!("u{}@mail{}.example", i % 200_003, i % 7);
        let t = i / 4;
        let (dsn, text) = POSTFIX_FAILURES[i % POSTFIX_FAILURES.len()];
        let status = if dsn.starts_with('5') {
            "bounced"
        } else {
            "deferred"
        };
        let mut emitted = 0;
        let mut line = |text: String| -> std::io::Result<()> {
            if i * 4 + emitted < lines {
                writeln!(out, "{text}")?;
            }
            emitted += 1;
            Ok(())
        };
        line(format!(
            "Mar  3 {} mx1 postfix/qmgr[1]: {q1}: from=<news@shop.example>, size=900, nrcpt=1 (queue active)",
            clock(t)
        ))?;
        line(format!(
            "Mar  3 {} mx1 postfix/smtp[2]: {q1}: to=<{to}>, relay=127.0.0.1[127.0.0.1]:10024, delay=0.1, delays=0/0/0/0.1, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as {q2})",
            clock(t)
        ))?;
        line(format!(
            "Mar  3 {} mx1 postfix/smtp[3]: {q2}: to=<{to}>, relay=mx.mail.example[192.0.2.10]:25, delay=1, delays=0/0/0.5/0.5, dsn={dsn}, status={status} (host mx.mail.example[192.0.2.10] said: {text})",
            clock(t + 60)
        ))?;
        line(format!(
            "Mar  3 {} mx1 postfix/smtp[4]: {q2}: to=<{to}>, relay=mx.mail.example[192.0.2.10]:25, delay=601, delays=600/0/0.5/0.5, dsn=2.0.0, status=sent (250 2.0.0 OK {i})",
            clock(t + 660)
        ))?;
    }
    Ok(())
}

fn ses(lines: usize, out: &mut impl Write) -> std::io::Result<()> {
    for i in 0..lines {
        let to = format!("u{}@mail{}.example", i % 200_003, i % 7);
        let t = clock(i / 20);
        let mail = format!(
            "\"mail\":{{\"timestamp\":\"2026-03-03T{t}.000Z\",\"source\":\"news@shop.example\",\"sendingAccountId\":\"123456789012\",\"messageId\":\"0102018e-{i:08x}-4a4b\",\"destination\":[\"{to}\"]}}"
        );
        match i % 10 {
            0 | 1 => writeln!(
                out,
                "{{\"eventType\":\"Bounce\",\"bounce\":{{\"bounceType\":\"Transient\",\"bounceSubType\":\"MailboxFull\",\"bouncedRecipients\":[{{\"emailAddress\":\"{to}\",\"action\":\"failed\",\"status\":\"4.2.2\",\"diagnosticCode\":\"smtp; 452 4.2.2 over quota\"}}],\"timestamp\":\"2026-03-03T{t}.500Z\",\"feedbackId\":\"f-{i}\"}},{mail}}}"
            )?,
            2 => writeln!(
                out,
                "{{\"eventType\":\"Bounce\",\"bounce\":{{\"bounceType\":\"Permanent\",\"bounceSubType\":\"General\",\"bouncedRecipients\":[{{\"emailAddress\":\"{to}\",\"action\":\"failed\",\"status\":\"5.1.1\",\"diagnosticCode\":\"smtp; 550 5.1.1 user unknown\"}}],\"timestamp\":\"2026-03-03T{t}.500Z\",\"feedbackId\":\"f-{i}\"}},{mail}}}"
            )?,
            3 => writeln!(
                out,
                "{{\"eventType\":\"DeliveryDelay\",\"deliveryDelay\":{{\"timestamp\":\"2026-03-03T{t}.500Z\",\"delayType\":\"TransientCommunicationFailure\",\"expirationTime\":\"2026-03-04T{t}.000Z\",\"delayedRecipients\":[{{\"emailAddress\":\"{to}\",\"status\":\"4.4.7\",\"diagnosticCode\":\"smtp; 421 4.4.7 try again later\"}}]}},{mail}}}"
            )?,
            _ => writeln!(
                out,
                "{{\"eventType\":\"Delivery\",\"delivery\":{{\"timestamp\":\"2026-03-03T{t}.500Z\",\"processingTimeMillis\":512,\"recipients\":[\"{to}\"],\"smtpResponse\":\"250 2.0.0 OK\",\"reportingMTA\":\"a1-2.smtp-out.eu-west-1.amazonses.com\"}},{mail}}}"
            )?,
        }
    }
    Ok(())
}
