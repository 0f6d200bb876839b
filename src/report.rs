//! Writing results: CSV files, each written to a temporary file and renamed into place,
//! so an interrupted run never leaves a half-written file behind.

pub mod atomic;
pub mod records;
pub mod summary;

use std::borrow::Cow;

/// Makes a text field safe to open in a spreadsheet: a field that starts with `=`, `+`,
/// `-` or `@` would be run as a formula, so it gets a leading apostrophe.
pub fn neutralise(text: &str) -> Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@']) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
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
        assert_eq!(neutralise("+33"), "'+33");
        assert_eq!(neutralise("-1"), "'-1");
        assert_eq!(neutralise("@sum"), "'@sum");
        assert_eq!(neutralise("alice@example.com"), "alice@example.com");
    }
}
