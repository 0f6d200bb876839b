//! Ordering and placing the values of a swept key along an axis.
//!
//! Swept values arrive as text: numbers (`5`), durations (`84h`) or names
//! (`exponential`). Numbers get a true numeric axis so uneven grids keep their spacing;
//! anything else is laid out as evenly spaced categories in a sensible order.

use std::cmp::Ordering;
use std::ops::Range;

use crate::report::table::parse_f64;

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

/// A number printed without noise: integers bare, others with at most two decimals.
pub fn format_number(value: f64) -> String {
    if (value - value.round()).abs() < 1e-9 {
        format!("{}", value.round() as i64)
    } else {
        let text = format!("{value:.2}");
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

/// Where the values of one swept key sit along an axis.
#[derive(Debug, Clone)]
pub struct KeyAxis {
    /// Axis title, naming the key.
    pub label: String,
    /// The distinct values in display order.
    pub values: Vec<String>,
    numeric: bool,
}

impl KeyAxis {
    /// An axis for `key` holding `values` (in any order, repeats allowed).
    pub fn new<'a>(key: &str, values: impl IntoIterator<Item = &'a str>) -> KeyAxis {
        let values = order_values(values);
        let numeric = values.iter().all(|v| parse_f64(v).is_some());
        KeyAxis {
            label: key.to_owned(),
            values,
            numeric,
        }
    }

    /// The same values laid out as evenly spaced categories (used by the heatmap).
    pub fn as_categories(&self) -> KeyAxis {
        KeyAxis {
            numeric: false,
            ..self.clone()
        }
    }

    /// Coordinate of `value`, or `None` when the axis does not hold it.
    pub fn position(&self, value: &str) -> Option<f64> {
        let index = self.values.iter().position(|v| v == value)?;
        if self.numeric {
            parse_f64(value)
        } else {
            Some(index as f64)
        }
    }

    /// Coordinate range with a margin so end points are not drawn on the frame.
    pub fn range(&self) -> Range<f64> {
        if !self.numeric {
            return -0.5..self.values.len() as f64 - 0.5;
        }
        let positions: Vec<f64> = self.values.iter().filter_map(|v| parse_f64(v)).collect();
        let min = positions.iter().copied().fold(f64::INFINITY, f64::min);
        let max = positions.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let pad = if max > min { (max - min) * 0.04 } else { 1.0 };
        min - pad..max + pad
    }

    /// How many tick labels to ask for: one per category, or a readable default.
    pub fn tick_count(&self) -> usize {
        if self.numeric { 12 } else { self.values.len() }
    }

    /// Tick label at coordinate `x`: the category there, or the number itself.
    pub fn format(&self, x: f64) -> String {
        if self.numeric {
            return format_number(x);
        }
        let index = x.round();
        let on_category = (x - index).abs() < 1e-6 && index >= 0.0;
        match self.values.get(index as usize) {
            Some(value) if on_category => value.clone(),
            _ => String::new(),
        }
    }
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
        let axis = KeyAxis::new("policy.soft_bounce_threshold", ["1", "20", "5"]);
        assert_eq!(axis.position("20"), Some(20.0));
        assert_eq!(format_number(2.50), "2.5");
        assert_eq!(short_key("policy.retry_period"), "retry_period");
    }
}
