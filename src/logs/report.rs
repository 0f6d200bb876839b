//! The import report: how many records were read and skipped, by reason, with the first
//! few skipped lines and their line numbers.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// How many skipped lines the report quotes.
pub const QUOTED: usize = 10;

/// Why a record was skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skip {
    /// A short, stable reason name (`not_an_attempt`, `bad_time`, ...).
    pub reason: &'static str,
    /// What exactly was wrong.
    pub detail: String,
}

impl Skip {
    /// A skip for `reason` with `detail`.
    pub fn new(reason: &'static str, detail: impl Into<String>) -> Skip {
        Skip {
            reason,
            detail: detail.into(),
        }
    }

    /// True for lines that are not a problem: a log holds many lines that are not
    /// attempts (connections, queue bookkeeping, other programs).
    pub fn is_benign(&self) -> bool {
        self.reason.starts_with("not_") || self.reason.starts_with("ignored_")
    }
}

/// One quoted bad record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    /// The file it is in.
    pub file: PathBuf,
    /// Its 1-based line (for JSON, where the record starts).
    pub line: u64,
    /// Why it was skipped.
    pub reason: &'static str,
    /// Details.
    pub detail: String,
}

/// Counts of one import.
#[derive(Debug, Default, Clone)]
pub struct ImportReport {
    /// The files read, in order.
    pub files: Vec<PathBuf>,
    /// Records (lines or JSON objects) read.
    pub records: u64,
    /// Skipped records by reason.
    pub skipped: BTreeMap<&'static str, u64>,
    /// The first [`QUOTED`] problem records (benign skips are only counted).
    pub bad: Vec<BadLine>,
    /// Problem records in all (not benign).
    pub problems: u64,
}

impl ImportReport {
    /// Notes that the next records come from `path`.
    pub fn start_file(&mut self, path: &Path) {
        self.files.push(path.to_path_buf());
    }

    /// The index of the current file.
    pub fn file_index(&self) -> u32 {
        self.files.len().saturating_sub(1) as u32
    }

    /// Counts a skipped record, quoting it if it is a problem and among the first.
    pub fn skip(&mut self, line: u64, _text: &str, skip: Skip) {
        *self.skipped.entry(skip.reason).or_insert(0) += 1;
        if skip.is_benign() {
            return;
        }
        self.problems += 1;
        if self.bad.len() < QUOTED {
            self.bad.push(BadLine {
                file: self.files.last().cloned().unwrap_or_default(),
                line,
                reason: skip.reason,
                detail: skip.detail,
            });
        }
    }

    /// The report as text, with the collector's notes and the output counts.
    pub fn render(&self, notes: &BTreeMap<&'static str, u64>, counts: &[(&str, usize)]) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "records read: {}", self.records);
        for (what, n) in counts {
            let _ = writeln!(s, "{what}: {n}");
        }
        for (what, n) in notes {
            let _ = writeln!(s, "{what}: {n}");
        }
        let skipped: u64 = self.skipped.values().sum();
        let _ = writeln!(s, "skipped: {skipped}");
        for (reason, n) in &self.skipped {
            let _ = writeln!(s, "  {reason}: {n}");
        }
        for b in &self.bad {
            let _ = writeln!(s, "{}", b.render());
        }
        s
    }
}

impl BadLine {
    /// `file line N: reason: detail`.
    pub fn render(&self) -> String {
        format!(
            "{} line {}: {}: {}",
            self.file.display(),
            self.line,
            self.reason,
            self.detail
        )
    }
}
