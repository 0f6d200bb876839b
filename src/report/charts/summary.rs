//! Chart `summary`: for a single policy point, how many messages ended in each final
//! state, as horizontal bars so the state names stay readable.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::Skip;
use super::axis::format_number;
use super::frame::{self, LABEL_SIZE, TICK_SIZE, text};
use super::input::Input;
use super::output::Chart;
use super::palette;

/// Final states in the order a reader expects them: success first, then losses.
const STATES: [&str; 8] = [
    "delivered",
    "expired",
    "suppressed_messages",
    "skipped_suppressed",
    "hard_bounced",
    "opted_out",
    "failed",
    "pending",
];

/// The final-state bar chart, ready to draw.
pub struct SummaryChart {
    title: String,
    bars: Vec<(&'static str, f64)>,
}

impl SummaryChart {
    /// Builds the chart when nothing was swept, or says why it is not drawn.
    pub fn new(input: &Input) -> Result<SummaryChart, Skip> {
        // After a sweep the line charts show the final states point by point.
        if !input.keys.is_empty() {
            return Err(Skip::NotApplicable);
        }
        let bars: Vec<(&'static str, f64)> = STATES
            .iter()
            .filter_map(|state| Some((*state, mean_count(input, state)?)))
            .collect();
        if bars.is_empty() {
            return Err(Skip::missing(
                "neither aggregate.csv nor summary.csv has final-state counts",
            ));
        }
        let title = format!("{}: final state of messages (mean per run)", input.name);
        Ok(SummaryChart { title, bars })
    }
}

/// Mean count of `state` per run: from aggregate.csv when present, else averaged over
/// the rows of summary.csv.
fn mean_count(input: &Input, state: &str) -> Option<f64> {
    let from_aggregate = input.points().first().and_then(|row| {
        let table = input.aggregate.as_ref()?;
        table.f64(row, &format!("{state}_mean"))
    });
    from_aggregate.or_else(|| input.summary.as_ref()?.mean(state))
}

impl Chart for SummaryChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> anyhow::Result<()>
    where
        DB::ErrorType: 'static,
    {
        let body = frame::titled(root, &self.title)?;
        let max = self.bars.iter().map(|b| b.1).fold(1.0_f64, f64::max);
        let count = self.bars.len();
        let mut chart = ChartBuilder::on(&body)
            .margin(20)
            .x_label_area_size(64)
            .y_label_area_size(230)
            .build_cartesian_2d(0.0..max * 1.15, -0.5..count as f64 - 0.5)?;
        // Bars run top-down in STATES order, so row i sits at y = count - 1 - i.
        let name_at = |y: &f64| {
            let index = count as f64 - 1.0 - y.round();
            let whole = (y - y.round()).abs() < 1e-6 && index >= 0.0;
            let name = self.bars.get(index as usize).filter(|_| whole).map(|b| b.0);
            name.unwrap_or("").replace('_', " ")
        };
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(count)
            .y_label_formatter(&name_at)
            .x_label_formatter(&|v| format_number(*v))
            .x_desc("messages (mean per run)")
            .y_desc("final state")
            .label_style(text(TICK_SIZE))
            .axis_desc_style(text(LABEL_SIZE))
            .max_light_lines(0)
            .draw()?;
        for (i, (_, value)) in self.bars.iter().enumerate() {
            let y = (count - 1 - i) as f64;
            let colour = palette::series(i);
            let bar = Rectangle::new([(0.0, y - 0.35), (*value, y + 0.35)], colour.filled());
            chart.draw_series(std::iter::once(bar))?;
            let style = text(TICK_SIZE).pos(Pos::new(HPos::Left, VPos::Center));
            let label = format_number((value * 10.0).round() / 10.0);
            chart.draw_series(std::iter::once(Text::new(
                label,
                (*value + max * 0.01, y),
                style,
            )))?;
        }
        Ok(())
    }
}
