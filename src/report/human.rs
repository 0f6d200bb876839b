//! Cells of a result file written for people, the default of `retrysim show`.
//!
//! The files keep exact machine values (`301996s`, `524.0000`, `0.96674`), which is what
//! a script wants but not what a reader scans. This module rewrites one cell at a time
//! from its column name and its text: durations in days, hours, minutes and seconds,
//! rates as percentages, other numbers with grouped thousands and only the decimals that
//! carry information. `--raw` bypasses it.

use super::table::parse_f64;
use crate::sweep::recommend::explain::grouped;

/// What a column holds, read from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Identifiers and seeds: digits that are names, never grouped or rounded.
    Name,
    /// A metric in seconds (`ttd_p99_s_mean`).
    Seconds,
    /// A share between 0 and 1 (`delivery_rate_ci95`), or a difference of two shares.
    Rate,
    /// Anything else.
    Other,
}

fn kind(column: &str) -> Kind {
    let lower = column.to_ascii_lowercase();
    if lower == "id" || lower.ends_with("_id") || lower.contains("seed") {
        Kind::Name
    } else if lower.ends_with("_s") || lower.contains("_s_") {
        Kind::Seconds
    } else if lower.ends_with("_rate") || lower.contains("_rate_") {
        Kind::Rate
    } else {
        Kind::Other
    }
}

/// One cell for people. `decimals`, when given, caps the decimals of a number as the file
/// holds it; a rate keeps that same precision once multiplied by 100 (two fewer places).
pub fn cell(column: &str, text: &str, decimals: Option<usize>) -> String {
    let kind = kind(column);
    if kind == Kind::Name {
        return text.to_owned();
    }
    if let Some(seconds) = written_duration(text) {
        return duration(seconds);
    }
    let Some(x) = plain_number(text) else {
        return text.to_owned();
    };
    match kind {
        Kind::Seconds => duration(x),
        Kind::Rate => {
            let places = decimals.map_or(2, |n| n.saturating_sub(2));
            percent(x, places)
        }
        _ => number(x, decimals.unwrap_or_else(|| sensible_places(x))),
    }
}

/// A number as the writers print it: an optional minus, digits, an optional fraction.
/// A leading `+` or zero (a phone number, a code such as `0612`) keeps the cell as text.
fn plain_number(text: &str) -> Option<f64> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let padded = whole.len() > 1 && whole.starts_with('0');
    if all_digits(whole) && all_digits(fraction) && !padded {
        parse_f64(text)
    } else {
        None
    }
}

/// A scenario duration such as `301996s` or `802m`, in seconds. Short values a person
/// wrote (`6h`, `84h`, `30m`: at most two digits) stay as written, as in the report.
fn written_duration(text: &str) -> Option<f64> {
    let unit_at = text.len().checked_sub(1)?;
    let size = match text.get(unit_at..)? {
        "s" => 1.0,
        "m" => 60.0,
        "h" => 3600.0,
        "d" => 86_400.0,
        _ => return None,
    };
    let number = &text[..unit_at];
    let long = number.len() > 2 || number.contains('.');
    let value = plain_number(number)?;
    long.then_some(value * size)
}

/// A share as a percentage with a fixed number of decimals, unlike other numbers, so
/// that the percentages of a column line up; `-0.00%` loses its sign.
fn percent(share: f64, places: usize) -> String {
    let text = format!("{:.places$}", share * 100.0);
    let zero = text.bytes().all(|b| matches!(b, b'-' | b'0' | b'.'));
    let text = if zero {
        text.trim_start_matches('-')
    } else {
        &text
    };
    format!("{text}%")
}

/// Every non-zero unit down to the second, so that two drawn values never read alike:
/// `3d 11h 53m 16s`, `13h 22m`, `-4m 10s`, `0s`.
pub fn duration(seconds: f64) -> String {
    let rounded = seconds.round();
    let mut rest = rounded.abs() as i64;
    let mut parts = Vec::new();
    for (unit, size) in [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)] {
        if rest >= size {
            parts.push(format!("{}{unit}", rest / size));
            rest %= size;
        }
    }
    match (parts.is_empty(), rounded < 0.0) {
        (true, _) => "0s".to_owned(),
        (false, true) => format!("-{}", parts.join(" ")),
        (false, false) => parts.join(" "),
    }
}

/// Decimals worth reading when none were asked for: about four significant digits.
fn sensible_places(x: f64) -> usize {
    match x.abs() {
        a if a >= 1000.0 => 0,
        a if a >= 100.0 => 1,
        a if a >= 1.0 => 2,
        _ => 4,
    }
}

/// `x` with at most `places` decimals, trailing zeros dropped and thousands grouped:
/// `1,045.3`, `524`, `-0.0022`. A value that rounds to zero loses its sign.
pub fn number(x: f64, places: usize) -> String {
    let text = format!("{:.places$}", x.abs());
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let fraction = fraction.trim_end_matches('0');
    let zero = whole.bytes().all(|b| b == b'0') && fraction.is_empty();
    let sign = if x < 0.0 && !zero { "-" } else { "" };
    let whole = grouped(whole.parse::<i64>().unwrap_or(0));
    if fraction.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{fraction}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drawn_durations_read_in_every_unit_and_short_written_ones_stay() {
        assert_eq!(
            cell("policy.retry_period", "301996s", None),
            "3d 11h 53m 16s"
        );
        assert_eq!(cell("policy.retry_period", "802m", None), "13h 22m");
        assert_eq!(cell("policy.retry_period", "84h", None), "84h");
        assert_eq!(cell("policy.retry_period", "6h", None), "6h");
        assert_eq!(cell("note", "last", None), "last");
    }

    #[test]
    fn seconds_columns_become_durations_with_their_sign() {
        assert_eq!(cell("ttd_p99_s_mean", "4521.7", None), "1h 15m 22s");
        assert_eq!(cell("ttd_p99_s_diff_mean", "-250", Some(1)), "-4m 10s");
        assert_eq!(cell("ttd_p99_s_ci95", "0.2", None), "0s");
    }

    #[test]
    fn rates_are_percentages_at_the_precision_asked() {
        assert_eq!(cell("delivery_rate_mean", "0.96674", None), "96.67%");
        assert_eq!(
            cell("delivery_rate_diff_mean", "-0.08761", Some(4)),
            "-8.76%"
        );
        assert_eq!(
            cell("delivery_rate_diff_ci95", "0.00022", Some(5)),
            "0.022%"
        );
        assert_eq!(
            cell("delivery_rate_diff_mean", "-0.000001", Some(4)),
            "0.00%"
        );
    }

    #[test]
    fn counts_are_grouped_and_means_lose_empty_decimals() {
        assert_eq!(cell("attempts_to_dead_mean", "524.0000", None), "524");
        assert_eq!(
            cell("attempts_to_dead_mean", "1045.3333", Some(4)),
            "1,045.3333"
        );
        assert_eq!(cell("attempts_to_dead_mean", "1045.3333", None), "1,045");
        assert_eq!(cell("delivered", "441706", None), "441,706");
        assert_eq!(cell("cost_total_ci95", "0.012345", None), "0.0123");
    }

    #[test]
    fn names_phone_numbers_and_padded_codes_stay_as_written() {
        assert_eq!(cell("seed", "123456789", None), "123456789");
        assert_eq!(cell("contact_id", "100042", None), "100042");
        assert_eq!(cell("address", "+33612345678", None), "+33612345678");
        assert_eq!(cell("code", "0612", None), "0612");
        assert_eq!(cell("error_code", "5.1.1", None), "5.1.1");
    }
}
