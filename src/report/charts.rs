//! Charts drawn from the CSV files of an output directory, each as PNG and SVG.
//!
//! The set of charts adapts to what was swept: line charts against the swept keys, a
//! heatmap when two or more keys were swept, a bar chart of final states when nothing
//! was, and the time-to-deliver and Pareto charts when their files exist. A chart that
//! lacks its data is skipped with a note on stderr; only I/O failures are errors.

mod axis;
mod cdf;
mod delivery;
mod font;
mod frame;
mod heatmap;
mod input;
mod legend;
mod lines;
pub(crate) mod output;
mod palette;
mod pareto;
mod series;
mod summary;
mod suppression;

use std::path::{Path, PathBuf};

use input::Input;
use output::Chart;

/// Base names of every chart this module can draw, in report order.
pub const CHART_NAMES: [&str; 6] = [
    "summary",
    "delivery_rate",
    "suppressions",
    "heatmap",
    "ttd_cdf",
    "pareto",
];

/// Draws every chart (PNG + SVG) and report.html into `dir`, reading only the CSV files
/// (and `scenario.toml`) in `dir`; returns the files written.
///
/// Charts whose data is missing are skipped with a note on stderr rather than failing.
pub fn draw_all(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    font::ensure_registered()?;
    let input = Input::load(dir)?;
    let mut written = Vec::new();
    for name in CHART_NAMES {
        match draw_chart(name, &input, dir)? {
            Ok(files) => written.extend(files),
            Err(why) => eprintln!("retrysim: skipped chart '{name}': {why}"),
        }
    }
    written.push(super::html::write_report(dir)?);
    Ok(written)
}

/// Files written, or why the chart was skipped.
type Outcome = Result<Vec<PathBuf>, String>;

/// Draws chart `name` from `input` into `dir`.
fn draw_chart(name: &str, input: &Input, dir: &Path) -> anyhow::Result<Outcome> {
    match name {
        "summary" => render(dir, name, summary::SummaryChart::new(input)),
        "delivery_rate" => render(dir, name, delivery::DeliveryChart::new(input)),
        "suppressions" => render(dir, name, suppression::SuppressionChart::new(input)),
        "heatmap" => render(dir, name, heatmap::HeatmapChart::new(input)),
        "ttd_cdf" => render(dir, name, cdf::CdfChart::new(input)),
        "pareto" => render(dir, name, pareto::ParetoChart::new(input)),
        _ => Ok(Err(format!("unknown chart '{name}'"))),
    }
}

fn render(dir: &Path, name: &str, built: Result<impl Chart, String>) -> anyhow::Result<Outcome> {
    match built {
        Ok(chart) => output::render(dir, name, &chart).map(Ok),
        Err(why) => Ok(Err(why)),
    }
}

#[cfg(test)]
pub(crate) mod fixtures;

#[cfg(test)]
mod tests;
