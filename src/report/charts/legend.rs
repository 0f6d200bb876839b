//! A legend drawn in its own column beside the plot.
//!
//! Plotters' built-in legend sits inside the plotting area, where it can hide data; a
//! separate column avoids that and lets long labels wrap onto a second line.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::frame::{TICK_SIZE, text};

/// How an entry's sample is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// A line with a dot, for line series.
    Line,
    /// A translucent box, for confidence bands.
    Band,
    /// A filled circle, for scatter points.
    Dot,
    /// A filled triangle, for the highlighted recommendation.
    Triangle,
    /// A cross, for points that break a constraint.
    Cross,
    /// A dashed line without a dot, for a bound such as a constraint's limit.
    Dashed,
    /// A plain line without a dot, for a reference such as the zero of a difference.
    Rule,
}

/// One row of a legend.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Text shown beside the sample; `", "` separated parts may wrap.
    pub label: String,
    /// Colour of the sample.
    pub colour: RGBColor,
    /// Shape of the sample.
    pub mark: Mark,
}

impl Entry {
    /// A legend entry.
    pub fn new(label: impl Into<String>, colour: RGBColor, mark: Mark) -> Entry {
        Entry {
            label: label.into(),
            colour,
            mark,
        }
    }
}

const ROW: i32 = 26;
const SAMPLE: i32 = 36;

/// Entries for line series; a line hidden under another (see
/// [`super::lines::hidden_under`]) says so, because the reader cannot see it.
pub fn line_entries(series: &[super::lines::Series], hidden: &[Option<usize>]) -> Vec<Entry> {
    series
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let label = match hidden.get(i).copied().flatten() {
                Some(j) => format!("{} ({})", s.label, hidden_note(&series[j].label)),
                None => s.label.clone(),
            };
            let mark = if s.joined { Mark::Line } else { Mark::Dot };
            Entry::new(label, s.colour, mark)
        })
        .collect()
}

/// The legend row that explains the shaded bands, when any series has one (a range of
/// sampled points has none, and a row for what is not drawn would only confuse).
pub fn band_entry(series: &[super::lines::Series]) -> Option<Entry> {
    series
        .iter()
        .any(|s| s.band.len() > 1)
        .then(|| Entry::new("shaded: 95% interval", super::palette::MUTED, Mark::Band))
}

/// Names the line that covers another: by its value when lines differ in one key
/// (`hidden: same as 84h`), else without naming it, since the full label of a
/// several-key point does not fit in a legend line.
fn hidden_note(over: &str) -> String {
    // A numbered label (`15: threshold=5, ...`) is named by its number, short and exact.
    if let Some((number, _)) = over.split_once(": ")
        && number.bytes().all(|b| b.is_ascii_digit())
    {
        return format!("hidden under point {number}");
    }
    match over.split_once('=') {
        Some((_, value)) if !over.contains(',') => format!("hidden: same as {value}"),
        _ => "hidden under another line".to_owned(),
    }
}

/// Draws `entries` top-down in `area`, under an optional `heading`.
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    heading: Option<&str>,
    entries: &[Entry],
) -> anyhow::Result<()>
where
    DB::ErrorType: 'static,
{
    let mut y = 40;
    if let Some(heading) = heading {
        area.draw_text(heading, &text(TICK_SIZE + 2), (10, y))?;
        y += ROW + 6;
    }
    for entry in entries {
        draw_sample(area, entry, y + TICK_SIZE as i32 / 2)?;
        for line in wrap(&entry.label, 24) {
            area.draw_text(&line, &text(TICK_SIZE), (10 + SAMPLE + 10, y))?;
            y += ROW - 4;
        }
        y += 8;
    }
    Ok(())
}

fn draw_sample<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entry: &Entry,
    y: i32,
) -> anyhow::Result<()>
where
    DB::ErrorType: 'static,
{
    let (x0, x1, mid) = (10, 10 + SAMPLE, 10 + SAMPLE / 2);
    let colour = entry.colour;
    match entry.mark {
        Mark::Line => {
            area.draw(&PathElement::new(
                vec![(x0, y), (x1, y)],
                colour.stroke_width(3),
            ))?;
            area.draw(&Circle::new((mid, y), 4, colour.filled()))?;
        }
        Mark::Band => {
            area.draw(&Rectangle::new(
                [(x0, y - 8), (x1, y + 8)],
                colour.mix(0.2).filled(),
            ))?;
        }
        Mark::Dot => area.draw(&Circle::new((mid, y), 6, colour.filled()))?,
        Mark::Triangle => area.draw(&TriangleMarker::new((mid, y), 10, colour.filled()))?,
        Mark::Cross => area.draw(&Cross::new((mid, y), 7, colour.stroke_width(3)))?,
        Mark::Rule => area.draw(&PathElement::new(
            vec![(x0, y), (x1, y)],
            colour.stroke_width(2),
        ))?,
        Mark::Dashed => {
            // Three dashes, like the bound drawn in the plot, so that it does not read as
            // one more data series.
            for start in (x0..x1).step_by(SAMPLE as usize / 3) {
                let end = (start + SAMPLE / 5).min(x1);
                area.draw(&PathElement::new(
                    vec![(start, y), (end, y)],
                    colour.stroke_width(2),
                ))?;
            }
        }
    }
    Ok(())
}

/// Splits `label` into lines of about `width` characters, breaking only after commas
/// and before parentheses so that `key=value` pairs stay whole.
fn wrap(label: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let (main, aside) = match label.find(" (") {
        Some(at) => (&label[..at], Some(&label[at + 1..])),
        None => (label, None),
    };
    for part in main.split(", ") {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 2 + part.chars().count() <= width => {
                line.push_str(", ");
                line.push_str(part);
            }
            Some(line) => {
                line.push(',');
                lines.push(part.to_owned());
            }
            None => lines.push(part.to_owned()),
        }
    }
    match (aside, lines.last_mut()) {
        (Some(aside), Some(line)) if line.chars().count() + 1 + aside.chars().count() <= width => {
            line.push(' ');
            line.push_str(aside);
        }
        (Some(aside), _) => lines.push(aside.to_owned()),
        (None, _) => {}
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn hidden_lines_name_the_covering_value_only_when_it_is_one_key() {
        assert_eq!(
            super::hidden_note("retry_period=84h"),
            "hidden: same as 84h"
        );
        assert_eq!(
            super::hidden_note("15: retry_period=84h, soft_bounce_threshold=3"),
            "hidden under point 15"
        );
        assert_eq!(
            super::hidden_note("retry_period=84h, soft_bounce_threshold=3"),
            "hidden under another line"
        );
    }

    #[test]
    fn long_labels_wrap_between_pairs() {
        assert_eq!(
            wrap("soft_bounce_threshold=5, retry_period=24h", 24),
            ["soft_bounce_threshold=5,", "retry_period=24h"]
        );
        assert_eq!(wrap("a=1, b=2", 24), ["a=1, b=2"]);
        assert_eq!(
            wrap("retry_period=24h (hidden: same as 84h)", 24),
            ["retry_period=24h", "(hidden: same as 84h)"]
        );
    }
}
