//! `retrysim classify`: the reason, class and wait of failure descriptions given as
//! arguments, or of every row of a CSV read from stdin.

use std::io::{self, Write};
use std::path::Path;

use anyhow::{Context, bail};

use crate::cli::ClassifyArgs;
use crate::rules::entries::{RawEntry, entries};
use crate::rules::errors::ErrorClass;
use crate::rules::reasons::{Classification, ReasonTable};
use crate::rules::status;
use crate::time::Span;

/// The input columns `classify` reads from a CSV.
const COLUMNS: [&str; 3] = ["error_code", "reply_code", "diagnostic"];

pub(super) fn classify(args: ClassifyArgs) -> anyhow::Result<()> {
    let table = match &args.scenario {
        Some(path) => scenario_table(path)?,
        None => ReasonTable::new(&[], None),
    };
    if args.text.is_empty() {
        return classify_csv(&table, io::stdin().lock(), io::stdout().lock());
    }
    let mut out = io::stdout().lock();
    for text in &args.text {
        let c = one_description(&table, text).with_context(|| format!("classifying {text:?}"))?;
        writeln!(out, "{}", line(&table, c))?;
    }
    Ok(())
}

/// The table of a scenario file's `[[errors]]` and `error_fallback`, read without the
/// rest of the scenario: a file that holds only those keys is enough.
fn scenario_table(path: &Path) -> anyhow::Result<ReasonTable> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("could not read '{}'", path.display()))?;
    let doc: toml::Table = text
        .parse()
        .with_context(|| format!("{}: not a TOML file", path.display()))?;
    let fail = |m: String| anyhow::anyhow!("{}: {m}", path.display());
    let raw: Vec<RawEntry> = match doc.get("errors") {
        Some(v) => v
            .clone()
            .try_into()
            .map_err(|e: toml::de::Error| fail(format!("errors: {}", e.message())))?,
        None => Vec::new(),
    };
    let fallback = match doc.get("error_fallback") {
        Some(v) => Some(fallback(v).map_err(fail)?),
        None => None,
    };
    Ok(ReasonTable::new(
        &entries(&raw).map_err(String::from).map_err(fail)?,
        fallback,
    ))
}

/// `error_fallback = { class = "...", wait = "..." }`.
fn fallback(v: &toml::Value) -> Result<(ErrorClass, Span), String> {
    let field = |k: &str| v.get(k).and_then(toml::Value::as_str);
    let class = field("class")
        .ok_or("error_fallback.class is required")?
        .parse::<ErrorClass>()
        .map_err(|e| format!("error_fallback.class: {e}"))?;
    let wait = Span::parse(field("wait").unwrap_or("0s"))
        .map_err(|e| format!("error_fallback.wait: {e}"))?;
    Ok((class, wait))
}

/// A lone token is a code; anything longer is a diagnostic line with its codes inside.
fn one_description(table: &ReasonTable, text: &str) -> anyhow::Result<Classification> {
    let t = text.trim();
    let lone = !t.is_empty() && !t.contains(char::is_whitespace);
    let c = if lone {
        table.classify(Some(t), None, "")
    } else {
        table.classify(None, None, t)
    };
    Ok(c?)
}

/// `reason class wait`.
fn line(table: &ReasonTable, c: Classification) -> String {
    format!("{} {} {}", table.reason(c.reason).name, c.class, c.wait)
}

/// Copies a CSV from `input` to `output` with `reason,class,wait` appended to each row.
fn classify_csv(
    table: &ReasonTable,
    input: impl io::Read,
    output: impl Write,
) -> anyhow::Result<()> {
    let mut reader = csv::Reader::from_reader(input);
    let header = reader
        .headers()
        .context("stdin: cannot read the CSV header")?
        .clone();
    let at: Vec<Option<usize>> = COLUMNS
        .iter()
        .map(|name| header.iter().position(|h| h.trim() == *name))
        .collect();
    if at.iter().all(Option::is_none) {
        bail!(
            "stdin: expected a CSV header naming some of {}",
            COLUMNS.join(", ")
        );
    }
    let mut writer = csv::Writer::from_writer(output);
    let mut out_header = header.clone();
    out_header.extend(["reason", "class", "wait"]);
    writer.write_record(&out_header)?;
    for record in reader.records() {
        let record = record.context("stdin: bad CSV")?;
        let line_no = record.position().map_or(0, |p| p.line());
        let field = |k: usize| at[k].and_then(|i| record.get(i)).unwrap_or("").trim();
        let reply = match field(1) {
            "" => None,
            r => Some(status::parse_reply(r).with_context(|| {
                format!("stdin line {line_no}, column reply_code: expected a code such as 550, got {r:?}")
            })?),
        };
        let code = Some(field(0)).filter(|c| !c.is_empty());
        let c = table
            .classify(code, reply, field(2))
            .with_context(|| format!("stdin line {line_no}, column error_code"))?;
        let mut row = record.clone();
        let wait = c.wait.to_string();
        row.extend([
            table.reason(c.reason).name.as_str(),
            c.class.name(),
            wait.as_str(),
        ]);
        writer.write_record(&row)?;
    }
    writer.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_are_codes_or_whole_lines() {
        let t = ReasonTable::new(&[], None);
        let text = "550 5.1.1 <a@b.example>: Recipient address rejected: User unknown";
        assert_eq!(
            line(&t, one_description(&t, text).unwrap()),
            "user_unknown hard 0s"
        );
        assert_eq!(
            line(&t, one_description(&t, "30003").unwrap()),
            "unreachable soft 4h"
        );
        assert!(one_description(&t, "X42").is_err());
    }

    #[test]
    fn a_csv_gains_reason_class_and_wait() {
        let t = ReasonTable::new(&[], None);
        let input = "id,error_code,diagnostic\n1,5.7.1,blocked using Spamhaus\n2,4.2.2,\n";
        let mut out = Vec::new();
        classify_csv(&t, input.as_bytes(), &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "id,error_code,diagnostic,reason,class,wait\n\
             1,5.7.1,blocked using Spamhaus,blocked,soft,1h\n\
             2,4.2.2,,mailbox_full,soft,1h\n"
        );
    }

    #[test]
    fn a_csv_without_known_columns_is_an_error() {
        let t = ReasonTable::new(&[], None);
        let e = classify_csv(&t, "a,b\n1,2\n".as_bytes(), Vec::new()).unwrap_err();
        assert!(e.to_string().contains("error_code"), "{e}");
    }
}
