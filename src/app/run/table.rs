//! The table `retrysim run` prints: one row per replication, then the mean and its 95%
//! half-width across replications, then what each abbreviated heading means.

use std::io::Write;

use super::Finished;
use crate::metrics::RunMetrics;
use crate::sweep::recommend::explain::duration;
use crate::sweep::stats::{self, Estimate};

/// Column headings, in order; the widths are those of [`row`].
const HEADINGS: [&str; 10] = [
    "rep",
    "messages",
    "delivered",
    "rate",
    "expired",
    "suppr.c",
    "false_sup",
    "dead_att",
    "skipped",
    "ttd_p50",
];

/// What the abbreviated headings mean, printed under the table.
pub const LEGEND: &str = "\
rate: delivered / messages; suppr.c: contacts suppressed; false_sup: of those, contacts
the failure model would have delivered to later; dead_att: attempts to contacts that never
accept a message again; skipped: messages not tried because the contact was already
suppressed; ttd_p50: median time to deliver; mean, ±95%: across replications";

const WIDTHS: [usize; 10] = [4, 10, 10, 8, 8, 9, 10, 8, 10, 9];

/// How many numbers a replication's row holds (every heading but `rep`).
pub const COLUMNS: usize = 9;

/// The numbers of one replication, in heading order after `rep` (the rate in %, the
/// median in seconds).
pub fn numbers(metrics: &RunMetrics) -> [Option<f64>; COLUMNS] {
    let c = &metrics.counters;
    let rate = (c.messages > 0).then(|| 100.0 * c.delivered as f64 / c.messages as f64);
    let p50 = metrics.ttd_quantile(0.5).map(f64::from);
    let count = |x: u64| Some(x as f64);
    [
        count(c.messages),
        count(c.delivered),
        rate,
        count(c.expired),
        count(c.suppressed_contacts),
        count(c.false_suppressions),
        count(c.attempts_to_dead),
        count(c.skipped_suppressed),
        p50,
    ]
}

/// A cell: the rate with two decimals and `%`, the median as a duration, counts whole.
fn cell(column: usize, x: Option<f64>) -> String {
    match (column, x) {
        (_, None) => "-".to_owned(),
        (2, Some(x)) => format!("{x:.2}%"),
        (8, Some(x)) => duration(x),
        (_, Some(x)) => format!("{}", x.round() as i64),
    }
}

fn row(out: &mut impl Write, first: &str, cells: &[String]) -> std::io::Result<()> {
    write!(out, "{first:>w$}", w = WIDTHS[0])?;
    for (text, w) in cells.iter().zip(&WIDTHS[1..]) {
        write!(out, " {text:>w$}")?;
    }
    writeln!(out)
}

/// Prints the table of `runs`, with a mean row and (from two replications) a ± row.
pub fn print(out: &mut impl Write, runs: &[Finished]) -> std::io::Result<()> {
    let headings: Vec<String> = HEADINGS[1..].iter().map(|h| h.to_string()).collect();
    row(out, HEADINGS[0], &headings)?;
    let all: Vec<[Option<f64>; COLUMNS]> = runs.iter().map(|r| r.numbers).collect();
    for (r, values) in runs.iter().zip(&all) {
        let cells: Vec<String> = (0..9).map(|c| cell(c, values[c])).collect();
        row(out, &r.replication.to_string(), &cells)?;
    }
    if runs.len() > 1 {
        let est: Vec<Estimate> = (0..9)
            .map(|c| stats::estimate(all.iter().map(|v| v[c])))
            .collect();
        let means: Vec<String> = est
            .iter()
            .enumerate()
            .map(|(c, e)| cell(c, e.mean))
            .collect();
        row(out, "mean", &means)?;
        let halves: Vec<String> = est
            .iter()
            .enumerate()
            .map(|(c, e)| format!("±{}", cell(c, e.ci95)))
            .collect();
        row(out, "±95%", &halves)?;
    }
    writeln!(out, "{LEGEND}")
}
