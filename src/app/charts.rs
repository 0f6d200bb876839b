//! Drawing a result folder's charts from the command line: the library returns the
//! charts it had to skip, and the binary, which owns stderr, tells the user.

use std::path::{Path, PathBuf};

use crate::report::charts;

/// Draws every chart and report.html into `dir` (see [`charts::draw_charts`]), prints
/// each unexpected skip on stderr, and returns the files written.
pub(super) fn draw_all(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let drawn = charts::draw_charts(dir)?;
    for note in &drawn.notes {
        eprintln!("retrysim: {note}");
    }
    Ok(drawn.written)
}
