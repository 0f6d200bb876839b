//! Ordering and placing the values of a swept key along an axis.
//!
//! Swept values arrive as text: numbers (`5`), durations (`84h`) or names
//! (`exponential`). Numbers get a true numeric axis so uneven grids keep their spacing;
//! anything else is laid out as evenly spaced categories in a sensible order.

use std::cmp::Ordering;
use std::ops::Range;

use crate::report::table::parse_f64;
use crate::sweep::recommend::explain::setting;

/// Seconds in a duration written like `30m`, `6h`, `3.5d` or `4000s`.
pub fn duration_seconds(text: &str) -> Option<f64> {
    let text = text.trim();
    let unit = text.chars().last()?;
    let scale = match unit {
        's' => 1.0,
        'm' => 60.0,
        'h' => 3600.0,
        'd' => 86_400.0,
        _ => return None,
    };
    parse_f64(&text[..text.len() - 1]).map(|v| v * scale)
}

/// Distinct values in display order: numeric when every value is a number, otherwise
/// durations by length followed by any other text alphabetically.
pub fn order_values<'a>(values: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut distinct: Vec<String> = values.into_iter().map(str::to_owned).collect();
    distinct.sort();
    distinct.dedup();
    if distinct.iter().all(|v| parse_f64(v).is_some()) {
        distinct.sort_by(|a, b| compare_f64(parse_f64(a), parse_f64(b)));
    } else {
        distinct.sort_by(|a, b| {
            let (da, db) = (duration_seconds(a), duration_seconds(b));
            da.is_none()
                .cmp(&db.is_none())
                .then(compare_f64(da, db))
                .then_with(|| a.cmp(b))
        });
    }
    distinct
}

fn compare_f64(a: Option<f64>, b: Option<f64>) -> Ordering {
    a.unwrap_or(0.0).total_cmp(&b.unwrap_or(0.0))
}

/// The last segment of a dotted key, short enough for legends and cell labels.
pub fn short_key(key: &str) -> &str {
    key.rsplit('.').next().unwrap_or(key)
}

/// A number printed without noise: integers bare (thousands grouped with commas, so
/// 20,000 reads at a glance), others with at most two decimals.
pub fn format_number(value: f64) -> String {
    if (value - value.round()).abs() < 1e-9 {
        crate::sweep::recommend::explain::grouped(value.round() as i64)
    } else {
        let text = format!("{value:.2}");
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

/// How the values of a swept key are spaced along an axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scale {
    /// True numeric spacing.
    Linear,
    /// Numeric spacing of the logarithm, for positive values spanning a decade or more
    /// (thresholds 1, 2, 3, 5, 10, 20), where a linear axis would crowd the small values
    /// that matter most into one corner.
    Log,
    /// Evenly spaced categories, for durations and names.
    Categories,
}

/// A numeric key switches to a logarithmic axis when its largest value is at least this
/// many times its smallest.
const LOG_SPAN: f64 = 10.0;

/// More values than this get round-number ticks instead of one tick per value.
const MAX_VALUE_TICKS: usize = 8;

/// Where the values of one swept key sit along an axis.
#[derive(Debug, Clone)]
pub struct KeyAxis {
    /// Axis title, naming the key (and the scale when it is logarithmic).
    pub label: String,
    /// The distinct values in display order.
    pub values: Vec<String>,
    scale: Scale,
}

impl KeyAxis {
    /// An axis for `key` holding `values` (in any order, repeats allowed).
    pub fn new<'a>(key: &str, values: impl IntoIterator<Item = &'a str>) -> KeyAxis {
        let values = order_values(values);
        let numbers: Vec<f64> = values.iter().filter_map(|v| parse_f64(v)).collect();
        let scale = if numbers.len() < values.len() || numbers.is_empty() {
            Scale::Categories
        } else {
            let (min, max) = (numbers[0], numbers[numbers.len() - 1]);
            if min > 0.0 && max / min >= LOG_SPAN {
                Scale::Log
            } else {
                Scale::Linear
            }
        };
        let label = match scale {
            Scale::Log => format!("{key} (log scale)"),
            _ => key.to_owned(),
        };
        KeyAxis {
            label,
            values,
            scale,
        }
    }

    /// The same values laid out as evenly spaced categories (used by the heatmap).
    pub fn as_categories(&self) -> KeyAxis {
        KeyAxis {
            scale: Scale::Categories,
            label: self.label.trim_end_matches(" (log scale)").to_owned(),
            ..self.clone()
        }
    }

    /// Coordinate of `value`, or `None` when the axis does not hold it.
    pub fn position(&self, value: &str) -> Option<f64> {
        let index = self.values.iter().position(|v| v == value)?;
        match self.scale {
            Scale::Linear => parse_f64(value),
            Scale::Log => parse_f64(value).map(f64::ln),
            Scale::Categories => Some(index as f64),
        }
    }

    /// Coordinate range with a margin so end points are not drawn on the frame.
    pub fn range(&self) -> Range<f64> {
        if self.scale == Scale::Categories {
            return -0.5..self.values.len() as f64 - 0.5;
        }
        let positions: Vec<f64> = self
            .values
            .iter()
            .filter_map(|v| self.position(v))
            .collect();
        let min = positions.iter().copied().fold(f64::INFINITY, f64::min);
        let max = positions.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let pad = if max > min { (max - min) * 0.04 } else { 1.0 };
        min - pad..max + pad
    }

    /// Coordinates of the tick marks: one per swept value, so every tick names a value
    /// that was simulated, unless there are too many values to label them all.
    pub fn ticks(&self) -> Vec<f64> {
        if self.values.len() <= MAX_VALUE_TICKS || self.scale == Scale::Categories {
            return self
                .values
                .iter()
                .filter_map(|v| self.position(v))
                .collect();
        }
        let range = self.range();
        match self.scale {
            Scale::Log => log_ticks(range.start.exp()..range.end.exp())
                .into_iter()
                .map(f64::ln)
                .collect(),
            _ => linear_ticks(range, MAX_VALUE_TICKS),
        }
    }

    /// Tick label at coordinate `x`: the category there, or the number itself.
    pub fn format(&self, x: f64) -> String {
        match self.scale {
            Scale::Linear => format_number(x),
            Scale::Log => format_number(x.exp()),
            Scale::Categories => {
                let index = x.round();
                let on_category = (x - index).abs() < 1e-6 && index >= 0.0;
                match self.values.get(index as usize) {
                    Some(value) if on_category => setting(value),
                    _ => String::new(),
                }
            }
        }
    }
}

/// Round-number ticks (1, 2 or 5 times a power of ten apart) covering `range`, about
/// `count` of them.
pub fn linear_ticks(range: Range<f64>, count: usize) -> Vec<f64> {
    let span = range.end - range.start;
    if !(span.is_finite() && span > 0.0) || count == 0 {
        return vec![range.start];
    }
    let rough = span / count as f64;
    let power = 10f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * power)
        .find(|s| span / s <= count as f64)
        .unwrap_or(10.0 * power);
    let first = (range.start / step).ceil() as i64;
    let last = (range.end / step).floor() as i64;
    (first..=last).map(|i| i as f64 * step).collect()
}

/// Ticks at 1, 2 and 5 times each power of ten inside `range` (which must be positive).
pub fn log_ticks(range: Range<f64>) -> Vec<f64> {
    if !(range.start > 0.0 && range.end > range.start) {
        return Vec::new();
    }
    let mut ticks = Vec::new();
    let mut power = 10f64.powf(range.start.log10().floor());
    while power <= range.end {
        for m in [1.0, 2.0, 5.0] {
            let v = m * power;
            if range.contains(&v) {
                ticks.push(v);
            }
        }
        power *= 10.0;
    }
    ticks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_sort_numerically_not_as_text() {
        assert_eq!(order_values(["10", "2", "1", "2"]), ["1", "2", "10"]);
    }

    #[test]
    fn durations_sort_by_length_and_names_come_last() {
        assert_eq!(
            order_values(["84h", "6h", "4d", "30m", "4000s", "never"]),
            ["30m", "4000s", "6h", "84h", "4d", "never"]
        );
        assert_eq!(
            order_values(["linear", "exponential"]),
            ["exponential", "linear"]
        );
    }

    #[test]
    fn category_axes_label_only_whole_positions() {
        let axis = KeyAxis::new("policy.retry_period", ["24h", "6h"]);
        assert_eq!(axis.position("24h"), Some(1.0));
        assert_eq!(axis.format(0.0), "6h");
        assert_eq!(axis.format(0.5), "");
        assert_eq!(axis.range(), -0.5..1.5);
    }

    #[test]
    fn numeric_axes_keep_true_spacing() {
        let axis = KeyAxis::new("policy.max_attempts", ["4", "8", "6"]);
        assert_eq!(axis.position("8"), Some(8.0));
        assert_eq!(axis.ticks(), [4.0, 6.0, 8.0]);
        assert_eq!(axis.label, "policy.max_attempts");
        assert_eq!(format_number(2.50), "2.5");
        assert_eq!(format_number(20000.0), "20,000");
        assert_eq!(short_key("policy.retry_period"), "retry_period");
    }

    #[test]
    fn values_spanning_a_decade_get_a_log_axis_ticked_at_each_value() {
        let axis = KeyAxis::new("policy.soft_bounce_threshold", ["1", "20", "5", "2"]);
        assert_eq!(axis.label, "policy.soft_bounce_threshold (log scale)");
        assert_eq!(axis.position("20"), Some(20f64.ln()));
        let labels: Vec<String> = axis.ticks().into_iter().map(|t| axis.format(t)).collect();
        assert_eq!(labels, ["1", "2", "5", "20"]);
        assert_eq!(axis.as_categories().label, "policy.soft_bounce_threshold");
    }

    #[test]
    fn round_ticks_step_by_one_two_or_five() {
        assert_eq!(linear_ticks(0.0..10.0, 5), [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(
            log_ticks(0.8..120.0),
            [1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0]
        );
    }
}
