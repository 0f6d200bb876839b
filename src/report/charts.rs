//! Charts drawn from the CSV files of an output directory, each as PNG and SVG.
//!
//! The set of charts adapts to what was swept: line charts against the swept keys, a
//! heatmap when two or more keys were swept, a bar chart of final states when nothing
//! was, and the time-to-deliver and Pareto charts when their files exist.
//!
//! A chart that does not apply to the shape of the results (no heatmap for one swept
//! key, no line charts for a single run) is left out silently, because that is what
//! the user asked for. A chart whose data should be there but is not (a sweep folder
//! without `ttd.csv`, a file missing a column) is skipped with a note on stderr. Only
//! I/O failures are errors.

mod axis;
mod cdf;
mod decision;
mod delivery;
mod font;
mod frame;
mod heatmap;
mod input;
mod legend;
mod lines;
mod load;
pub(crate) mod output;
mod paired;
mod palette;
mod pareto;
mod series;
mod summary;
mod suppression;

use std::path::{Path, PathBuf};

use input::Input;
use output::Chart;

pub use super::chart_names::CHART_NAMES;

/// What [`draw_charts`] did.
#[derive(Debug)]
pub struct Drawn {
    /// Files written, the report last.
    pub written: Vec<PathBuf>,
    /// One line per chart skipped for a reason the user would not expect; the library
    /// does not print them, the caller does.
    pub notes: Vec<String>,
}

/// Draws every chart (PNG + SVG) and report.html into `dir`, reading only the CSV files
/// (and `scenario.toml`) in `dir`; returns the files written and the skips to report.
///
/// Charts that do not apply to what was swept are left out silently; charts whose data
/// is unexpectedly missing are skipped with a note rather than failing.
pub fn draw_charts(dir: &Path) -> anyhow::Result<Drawn> {
    font::ensure_registered()?;
    let input = Input::load(dir)?;
    let mut drawn = Drawn {
        written: Vec::new(),
        notes: Vec::new(),
    };
    for name in CHART_NAMES {
        match draw_chart(name, &input, dir)? {
            Ok(files) => drawn.written.extend(files),
            Err(Skip::NotApplicable) => {}
            Err(Skip::Missing(why)) => drawn.notes.push(format!("skipped chart '{name}': {why}")),
        }
    }
    drawn.written.extend(draw_load(dir)?);
    drawn.written.push(super::html::write_report(dir)?);
    Ok(drawn)
}

/// Draws the load chart (`load.png`, `load.svg`) from `load.csv` in `dir`, if that file
/// exists and has rows of replication 0; returns the files written.
pub fn draw_load(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let Some(table) = crate::report::table::Table::load_optional(&dir.join("load.csv"))? else {
        return Ok(Vec::new());
    };
    font::ensure_registered()?;
    match load::LoadChart::new(&input::scenario_name(dir), &table) {
        Some(chart) => output::render(dir, "load", &chart),
        None => Ok(Vec::new()),
    }
}

/// Why a chart was not drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    /// The chart does not apply to these results (e.g. a heatmap for one swept key);
    /// leaving it out is expected and needs no note.
    NotApplicable,
    /// Data the chart needs, and that the results should have, is missing or unusable.
    Missing(String),
}

impl Skip {
    /// A skip worth telling the user about.
    pub fn missing(why: impl Into<String>) -> Skip {
        Skip::Missing(why.into())
    }
}

/// Files written, or why the chart was skipped.
type Outcome = Result<Vec<PathBuf>, Skip>;

/// Draws chart `name` from `input` into `dir`.
fn draw_chart(name: &str, input: &Input, dir: &Path) -> anyhow::Result<Outcome> {
    match name {
        "summary" => render(dir, name, summary::SummaryChart::new(input)),
        "decision" => render(dir, name, decision::DecisionChart::new(input)),
        "delivery_rate" => render(dir, name, delivery::DeliveryChart::new(input)),
        "suppressions" => render(dir, name, suppression::SuppressionChart::new(input)),
        "heatmap" => render(dir, name, heatmap::HeatmapChart::new(input)),
        "ttd_cdf" => render(dir, name, cdf::CdfChart::new(input)),
        "pareto" => render(dir, name, pareto::ParetoChart::new(input)),
        "paired" => render(dir, name, paired::PairedChart::new(input)),
        _ => Ok(Err(Skip::missing(format!("unknown chart '{name}'")))),
    }
}

fn render(dir: &Path, name: &str, built: Result<impl Chart, Skip>) -> anyhow::Result<Outcome> {
    match built {
        Ok(chart) => output::render(dir, name, &chart).map(Ok),
        Err(why) => Ok(Err(why)),
    }
}

#[cfg(test)]
pub(crate) mod fixtures;

#[cfg(test)]
mod tests;
