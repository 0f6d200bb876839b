//! `retrysim import FORMAT FILE... --out DIR`: a platform's log into the import format.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use chrono::Datelike;
use clap::Args;

use crate::logs::infer::{self, Tail};
use crate::logs::{self, Collector, Format, ImportReport, ReadOptions, replay, write};
use crate::scenario::Scenario;
use crate::time::Zone;
use crate::workload::MessageType;

/// Options of `import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The log's format.
    pub format: Format,
    /// The log files, read in this order (a rotated log's oldest file first).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Folder for sends.csv, failures.csv, observations.csv and import_report.txt.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Year of classic syslog stamps such as "Mar  3 10:00:00", which carry none (a
    /// December-to-January step moves on a year) [default: the current year].
    #[arg(long, value_name = "YYYY")]
    pub year: Option<i32>,
    /// Time zone of stamps without an offset: an IANA name or +HH:MM.
    #[arg(long, value_name = "ZONE", default_value = "UTC")]
    pub timezone: String,
    /// Make every bad record an error (exit 1, nothing written) instead of a counted skip.
    #[arg(long)]
    pub strict: bool,
    /// How long a retryable failure lasts after its last observation: a duration such as
    /// 0s or 6h (past the second of that observation), or "forever". Permanent failures
    /// always last for ever.
    #[arg(long, value_name = "SPAN|forever", default_value = "0s")]
    pub tail: String,
    /// Message type given to every imported message (marketing or transactional).
    #[arg(long, value_name = "TYPE", default_value = "marketing")]
    pub message_type: String,
    /// For `attempts`: the replication whose attempts are imported.
    #[arg(long, default_value_t = 0)]
    pub replication: u32,
    /// Replay the imported world under this scenario's policy (the one that produced the
    /// log) and report how many observed attempts it reproduces.
    #[arg(long, value_name = "SCENARIO")]
    pub replay: Option<PathBuf>,
}

pub(super) fn import(args: ImportArgs) -> anyhow::Result<()> {
    let options = read_options(&args)?;
    let tail = Tail::parse(&args.tail).map_err(anyhow::Error::msg)?;
    let mut collected = Collector::default();
    let mut report = ImportReport::default();
    logs::read_files(
        args.format,
        &args.files,
        &options,
        &mut collected,
        &mut report,
    )?;
    if args.strict && report.problems > 0 {
        let lines: Vec<String> = report.bad.iter().map(|b| b.render()).collect();
        anyhow::bail!(
            "{} bad record(s) with --strict:\n{}",
            report.problems,
            lines.join("\n")
        );
    }
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("could not create '{}'", args.out.display()))?;
    // The three files do not depend on each other: written side by side, each one's
    // formatting and its final sync to disk overlap the others'.
    let (sends, (observations, (windows, failures))) = rayon::join(
        || write::sends(&args.out, &collected, options.message_type),
        || {
            rayon::join(
                || write::observations(&args.out, &collected, &report.files),
                || {
                    let windows = infer::infer(&collected, tail);
                    let written = write::failures(&args.out, &windows);
                    (windows, written)
                },
            )
        },
    );
    let mut written = vec![sends?, failures?, observations?];
    if collected.operator_retries.is_empty() {
        // A folder reused from an earlier import must not replay that import's actions.
        remove_stale(&args.out.join("actions.csv"))?;
    } else {
        let n = collected.operator_retries.len() as u64;
        collected
            .notes
            .insert("operator retries written to actions.csv", n);
        written.push(logs::actions::write(
            &args.out,
            &collected.operator_retries,
        )?);
    }
    let counts = [
        ("messages", collected.messages.len()),
        ("observed attempts", collected.observations.len()),
        ("failure windows", windows.len()),
    ];
    let mut text = report.render(&collected.notes, &counts);
    if let Some(path) = &args.replay {
        let base = Scenario::load(Some(path), &[])?;
        let check = replay::check(&base, &args.out, &collected)?;
        text.push_str(&check.render());
        text.push('\n');
    }
    written.push(write::report(&args.out, &text)?);
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    for p in written {
        writeln!(out, "wrote {}", p.display())?;
    }
    Ok(())
}

fn read_options(args: &ImportArgs) -> anyhow::Result<ReadOptions> {
    let zone = Zone::parse(&args.timezone).with_context(|| "--timezone".to_string())?;
    let message_type = MessageType::parse(&args.message_type).ok_or_else(|| {
        anyhow::anyhow!(
            "--message-type must be marketing or transactional, got {:?}",
            args.message_type
        )
    })?;
    let year = args.year.unwrap_or_else(|| chrono::Utc::now().year());
    Ok(ReadOptions {
        year,
        zone,
        message_type,
        replication: args.replication,
    })
}

fn remove_stale(path: &std::path::Path) -> anyhow::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(e).with_context(|| format!("could not remove '{}'", path.display()))
        }
        _ => Ok(()),
    }
}
