//! The shared page layout of a chart: title on top, plot on the left, legend on the right.
//!
//! Keeping the legend in its own column means it can never cover data, whatever the
//! shape of the lines.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::font::FAMILY;

/// Font size of chart titles.
pub const TITLE_SIZE: u32 = 30;
/// Font size of axis titles and panel captions.
pub const LABEL_SIZE: u32 = 22;
/// Font size of tick labels, legend entries and in-plot annotations.
pub const TICK_SIZE: u32 = 18;
/// Width of the legend column in pixels.
pub const LEGEND_WIDTH: u32 = 300;

/// A text style in the embedded font.
pub fn text(size: u32) -> TextStyle<'static> {
    (FAMILY, size).into_font().into()
}

/// A text style in the embedded font and the given colour.
pub fn coloured_text(size: u32, colour: RGBColor) -> TextStyle<'static> {
    TextStyle {
        color: colour.to_backend_color(),
        ..text(size)
    }
}

/// Clears `root`, draws `title` and returns the plot area and the legend column.
pub fn with_legend<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
) -> anyhow::Result<(DrawingArea<DB, Shift>, DrawingArea<DB, Shift>)>
where
    DB::ErrorType: 'static,
{
    let body = titled(root, title)?;
    let width = body.dim_in_pixel().0;
    Ok(body.split_horizontally(width.saturating_sub(LEGEND_WIDTH)))
}

/// Clears `root`, draws `title` and returns the rest of the page.
pub fn titled<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
) -> anyhow::Result<DrawingArea<DB, Shift>>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let width = root.dim_in_pixel().0;
    // The top margin keeps ascenders of the title off the page edge.
    let body = root
        .margin(14, 0, 0, 0)
        .titled(title, text(fitting_size(title, width, TITLE_SIZE)))?;
    Ok(body.margin(8, 8, 8, 8))
}

/// The largest font size up to `max` at which `text` should fit in `width` pixels.
///
/// DejaVu Sans averages a little under 0.6 em per character, so this errs on the small
/// side rather than letting a long scenario name run off the page.
pub fn fitting_size(text: &str, width: u32, max: u32) -> u32 {
    let chars = text.chars().count().max(1) as f64;
    let fit = (width as f64 - 40.0) / (chars * 0.6);
    (fit.floor() as u32).clamp(12, max)
}
