//! Cutting windows into pieces, and places of fields in a window.

use proptest::prelude::*;

use super::*;

proptest! {
    /// Pieces follow each other, cover the window, and end after a line end (or at the
    /// window's end), whatever their size.
    #[test]
    fn pieces_cover_the_window_and_end_at_line_ends(
        text in "[a\n]{0,200}",
        piece in 0usize..40,
    ) {
        let window = text.as_bytes();
        let pieces = pieces(window, piece);
        let mut at = 0;
        for p in &pieces {
            prop_assert_eq!(p.start, at);
            prop_assert!(p.end > p.start);
            prop_assert!(p.end == window.len() || window[p.end - 1] == b'\n');
            at = p.end;
        }
        prop_assert_eq!(at, window.len());
    }
}

#[test]
fn a_span_finds_its_field_again() {
    let window = b"m1,c1,2026-01-05T10:00:00Z".as_slice();
    let text = std::str::from_utf8(window).unwrap();
    let span = Span::of(window, &text[3..5]);
    assert_eq!(span.text(window), b"c1");
    assert_eq!(Span::of(window, &text[26..]).text(window), b"");
    assert_eq!(Span::of(window, "").text(window), b"");
    assert_eq!(Span::of(window, "elsewhere").text(window), b"");
}
