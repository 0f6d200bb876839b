//! Chart `heatmap`: mean delivery rate over the first two swept keys, value in each cell.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::Skip;
use super::axis::{KeyAxis, format_number};
use super::frame::{self, LABEL_SIZE, TICK_SIZE, coloured_text, text};
use super::input::Input;
use super::output::Chart;
use super::palette;

/// The heatmap, ready to draw.
pub struct HeatmapChart {
    title: String,
    x: KeyAxis,
    y: KeyAxis,
    /// `(column, row, delivery rate in %)` per cell that has a value.
    cells: Vec<(usize, usize, f64)>,
}

impl HeatmapChart {
    /// Builds the chart, or says why it cannot be drawn.
    pub fn new(input: &Input) -> Result<HeatmapChart, Skip> {
        let Some((x_key, Some(y_key))) = input.plot_keys() else {
            return Err(Skip::NotApplicable);
        };
        let table = input.aggregate.as_ref().ok_or(Skip::NotApplicable)?;
        table
            .column("delivery_rate_mean")
            .ok_or_else(|| Skip::missing("aggregate.csv has no delivery_rate_mean"))?;
        let rows = input.slice(&[x_key, y_key]);
        let x =
            KeyAxis::new(x_key, rows.iter().filter_map(|r| table.cell(r, x_key))).as_categories();
        let y =
            KeyAxis::new(y_key, rows.iter().filter_map(|r| table.cell(r, y_key))).as_categories();
        let cells = rows
            .iter()
            .filter_map(|row| {
                let column = x.position(table.cell(row, x_key)?)? as usize;
                let line = y.position(table.cell(row, y_key)?)? as usize;
                Some((column, line, table.f64(row, "delivery_rate_mean")? * 100.0))
            })
            .collect();
        let mut title = format!("{}: delivery rate (%) by {x_key} and {y_key}", input.name);
        if input.keys.len() > 2 {
            title.push_str(" (other keys at baseline)");
        }
        Ok(HeatmapChart { title, x, y, cells })
    }

    fn value_range(&self) -> (f64, f64) {
        let lo = self.cells.iter().map(|c| c.2).fold(f64::INFINITY, f64::min);
        let hi = self
            .cells
            .iter()
            .map(|c| c.2)
            .fold(f64::NEG_INFINITY, f64::max);
        if lo < hi {
            (lo, hi)
        } else {
            (lo - 1.0, lo + 1.0)
        }
    }
}

impl Chart for HeatmapChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> anyhow::Result<()>
    where
        DB::ErrorType: 'static,
    {
        let body = frame::titled(root, &self.title)?;
        let width = body.dim_in_pixel().0;
        let (plot, bar) = body.split_horizontally(width - 150);
        let mut chart = ChartBuilder::on(&plot)
            .margin(12)
            .x_label_area_size(64)
            .y_label_area_size(110)
            .build_cartesian_2d(self.x.range(), self.y.range())?;
        let (fx, fy) = (|v: &f64| self.x.format(*v), |v: &f64| self.y.format(*v));
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(self.x.values.len())
            .y_labels(self.y.values.len())
            .x_label_formatter(&fx)
            .y_label_formatter(&fy)
            .x_desc(self.x.label.as_str())
            .y_desc(self.y.label.as_str())
            .label_style(text(TICK_SIZE))
            .axis_desc_style(text(LABEL_SIZE))
            .draw()?;
        let (lo, hi) = self.value_range();
        for &(column, line, value) in &self.cells {
            let fill = palette::sequential((value - lo) / (hi - lo));
            let (cx, cy) = (column as f64, line as f64);
            let corners = [(cx - 0.5, cy - 0.5), (cx + 0.5, cy + 0.5)];
            chart.draw_series(std::iter::once(Rectangle::new(corners, fill.filled())))?;
            let label = coloured_text(TICK_SIZE, palette::text_on(fill))
                .pos(Pos::new(HPos::Center, VPos::Center));
            chart.draw_series(std::iter::once(Text::new(
                format!("{value:.1}"),
                (cx, cy),
                label,
            )))?;
        }
        draw_colour_bar(&bar, lo, hi)
    }
}

/// A vertical colour scale with its end values, so cell colours can be read back.
fn draw_colour_bar<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    lo: f64,
    hi: f64,
) -> anyhow::Result<()>
where
    DB::ErrorType: 'static,
{
    let (top, bottom, left) = (70, 620, 20);
    let steps = 50;
    for i in 0..steps {
        let y0 = bottom - (bottom - top) * (i + 1) / steps;
        let y1 = bottom - (bottom - top) * i / steps;
        let colour = palette::sequential(i as f64 / (steps - 1) as f64);
        area.draw(&Rectangle::new(
            [(left, y0), (left + 30, y1)],
            colour.filled(),
        ))?;
    }
    area.draw_text("delivery", &text(TICK_SIZE), (left, 20))?;
    area.draw_text("rate (%)", &text(TICK_SIZE), (left, 42))?;
    let style = text(TICK_SIZE).pos(Pos::new(HPos::Left, VPos::Center));
    area.draw_text(
        &format_number((hi * 10.0).round() / 10.0),
        &style,
        (left + 38, top),
    )?;
    area.draw_text(
        &format_number((lo * 10.0).round() / 10.0),
        &style,
        (left + 38, bottom),
    )?;
    Ok(())
}
