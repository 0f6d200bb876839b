//! Writing results: CSV files, each written to a temporary file and renamed into place
//! so an interrupted run never leaves a half-written file behind, and the charts and
//! HTML report drawn from those files alone.
//!
//! [`charts::draw_charts`] redraws every chart from the CSV files in a directory and writes
//! `report.html` through [`html::write_report`]; both read only files, so they serve
//! `retrysim plot DIR` as well as the end of a sweep.

pub mod aggregate;
mod answer;
pub mod atomic;
pub mod cells;
mod chart_names;
#[cfg(feature = "charts")]
pub mod charts;
pub mod digests;
pub mod export;
pub mod fields;
pub mod file_hash;
pub mod folder;
pub mod html;
pub mod human;
pub mod load;
pub mod pipe;
pub mod recommendation;
pub mod records;
pub mod rows;
pub mod show;
pub mod store;
pub mod summary;
pub mod sweep_load;
pub mod table;
pub mod writeback;

use std::borrow::Cow;

/// Makes a text field safe to open in a spreadsheet: a field that starts with `=`, `+`,
/// `-` or `@` would be run as a formula, so it gets a leading apostrophe. A plain number
/// (an E.164 phone number such as `+33612345678`, or `-1.5`) cannot run as a formula and
/// is left as it is, so results still join back to the user's data.
pub fn neutralise(text: &str) -> Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@']) && !is_plain_number(text) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// An optional sign, then digits with at most one dot among them.
fn is_plain_number(text: &str) -> bool {
    let body = text.strip_prefix(['+', '-']).unwrap_or(text);
    body.bytes().any(|b| b.is_ascii_digit())
        && body.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && body.bytes().filter(|&b| b == b'.').count() <= 1
}

/// Formats a real number for CSV: fixed precision, so output is byte-identical across
/// platforms and runs.
pub fn real(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.6}")
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_prefixes_are_neutralised() {
        assert_eq!(neutralise("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(neutralise("+33+cmd"), "'+33+cmd");
        assert_eq!(neutralise("-1+1"), "'-1+1");
        assert_eq!(neutralise("+"), "'+");
        assert_eq!(neutralise("-."), "'-.");
        assert_eq!(neutralise("+1.2.3"), "'+1.2.3");
        assert_eq!(neutralise("-2e5"), "'-2e5");
        assert_eq!(neutralise("@sum"), "'@sum");
        assert_eq!(neutralise("alice@example.com"), "alice@example.com");
    }

    #[test]
    fn plain_numbers_keep_their_sign() {
        assert_eq!(neutralise("+33612345678"), "+33612345678");
        assert_eq!(neutralise("-1"), "-1");
        assert_eq!(neutralise("-1.5"), "-1.5");
        assert_eq!(neutralise("+.5"), "+.5");
    }
}
