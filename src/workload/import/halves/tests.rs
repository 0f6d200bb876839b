//! The two-half reader gives exactly what one reader gives: the same rows, ids, lines
//! and errors, on files with quotes, CRLF line ends, no final line end or no rows.

use std::path::Path;

use proptest::prelude::*;

use super::*;

const HEADER: &str = "message_id,contact,created_at,delivery_id,channel,message_type\n";

/// Everything a read produces, in a comparable form.
#[derive(Debug, PartialEq)]
struct Read {
    contacts: Vec<String>,
    deliveries: Vec<String>,
    rows: Vec<Send>,
    ids: Vec<String>,
    lines: Vec<u64>,
}

fn read(text: &[u8], min_parallel: usize) -> (Result<Read, ImportError>, bool) {
    match read_sends(Path::new("sends.csv"), text, min_parallel) {
        Ok((part, parallel)) => (
            Ok(Read {
                contacts: part.contacts.names,
                deliveries: part.deliveries.names,
                rows: part.rows,
                ids: part.ids.iter().map(str::to_string).collect(),
                lines: part.lines,
            }),
            parallel,
        ),
        Err(e) => (Err(e), false),
    }
}

/// Reads `text` with one reader and with two; asserts they agree and says whether two
/// were used.
fn agree(text: &str) -> (Result<Read, ImportError>, bool) {
    agree_bytes(text.as_bytes())
}

fn agree_bytes(text: &[u8]) -> (Result<Read, ImportError>, bool) {
    let (one, _) = read(text, usize::MAX);
    let (two, parallel) = read(text, 0);
    assert_eq!(one, two, "one reader and two disagree on {text:?}");
    (one, parallel)
}

fn row(id: &str, contact: &str, second: u32, delivery: &str) -> String {
    format!("{id},{contact},2026-01-05T00:00:{second:02}Z,{delivery},email,marketing\n")
}

#[test]
fn names_keep_their_first_appearance_ids_across_the_cut() {
    // Six rows; the cut falls after the third. "b" and "d1" first appear in the first
    // half, "c" and "d2" in the second, where "a" appears again.
    let text = [
        HEADER.to_string(),
        row("m1", "a", 1, "d1"),
        row("m2", "b", 2, "d1"),
        row("m3", "a", 3, "d1"),
        row("m4", "c", 4, "d2"),
        row("m5", "a", 5, "d2"),
        row("m6", "b", 6, "d1"),
    ]
    .concat();
    let (got, parallel) = agree(&text);
    assert!(parallel, "a plain file is read in two halves");
    let got = got.unwrap();
    assert_eq!(got.contacts, ["a", "b", "c"]);
    assert_eq!(got.deliveries, ["d1", "d2"]);
    let contacts: Vec<u32> = got.rows.iter().map(|r| r.contact).collect();
    assert_eq!(contacts, [0, 1, 0, 2, 0, 1]);
    let deliveries: Vec<u32> = got.rows.iter().map(|r| r.delivery).collect();
    assert_eq!(deliveries, [0, 0, 0, 1, 1, 0]);
    assert_eq!(got.lines, [2, 3, 4, 5, 6, 7]);
    assert_eq!(got.ids, ["m1", "m2", "m3", "m4", "m5", "m6"]);
}

#[test]
fn crlf_line_ends_and_a_missing_final_line_end_read_the_same() {
    let lf: String = (0..8).map(|i| row(&format!("m{i}"), "a", i, "d")).collect();
    let crlf = format!("{HEADER}{lf}").replace('\n', "\r\n");
    let (got, parallel) = agree(&crlf);
    assert!(parallel);
    // The csv reader starts a CRLF record on the `\n` before it, so it numbers these
    // rows one line early (1..=8, a known fault of the single reader too); what matters
    // here is that both readers number them alike, which `agree` checked.
    assert_eq!(got.unwrap().lines, (1..9).collect::<Vec<u64>>());
    let unterminated = format!("{HEADER}{}", lf.trim_end());
    let (got, _) = agree(&unterminated);
    assert_eq!(got.unwrap().rows.len(), 8);
}

#[test]
fn a_header_alone_is_no_rows_and_an_empty_file_the_same_error() {
    let (got, _) = agree(HEADER);
    assert!(got.unwrap().rows.is_empty());
    let (got, _) = agree("");
    assert!(got.unwrap_err().message.contains("empty file"));
}

#[test]
fn a_quoted_field_spanning_the_cut_falls_back_to_one_reader() {
    // The contact of m3 holds line ends, so the line end nearest the middle is inside it.
    let long = "x\n".repeat(40);
    let text = [
        HEADER.to_string(),
        row("m1", "a", 1, "d"),
        format!("m3,\"q{long}q\",2026-01-05T00:00:03Z,d,email,marketing\n"),
        row("m4", "b", 4, "d"),
    ]
    .concat();
    let (got, parallel) = agree(&text);
    assert!(!parallel, "the cut was inside a quoted field");
    let got = got.unwrap();
    assert_eq!(got.contacts[1], format!("q{long}q"));
    assert_eq!(got.lines, [2, 3, 44]);
}

#[test]
fn errors_in_the_second_half_name_the_same_line() {
    let good: String = (0..6).map(|i| row(&format!("m{i}"), "a", i, "d")).collect();
    let bad_time = format!("{HEADER}{good}m9,a,soon,d,email,marketing\n");
    let (got, _) = agree(&bad_time);
    let e = got.unwrap_err();
    assert_eq!((e.line, e.column), (8, Some("created_at")));
    let short = format!("{HEADER}{good}m9,a\n");
    let (got, _) = agree(&short);
    let e = got.unwrap_err();
    assert_eq!(e.line, 8);
    assert_eq!(e.message, "expected 6 fields like the header, got 2");
    let mut bad_utf8 = format!("{HEADER}{good}m9,").into_bytes();
    bad_utf8.extend_from_slice(b"\xff,2026-01-05T00:00:09Z,d,email,marketing\n");
    let (got, _) = agree_bytes(&bad_utf8);
    let e = got.unwrap_err();
    assert_eq!((e.line, e.message.as_str()), (8, "expected UTF-8 text"));
}

#[test]
fn the_first_error_in_the_file_wins() {
    let text = [
        HEADER.to_string(),
        "m1,a,never,d,email,marketing\n".to_string(),
        row("m2", "a", 2, "d"),
        row("m3", "a", 3, "d"),
        "m4,a,2026-01-05T00:00:04Z,d,fax,marketing\n".to_string(),
    ]
    .concat();
    let (got, _) = agree(&text);
    assert_eq!(got.unwrap_err().line, 2);
}

/// One random field: plain words, and the characters that make CSV hard.
fn field() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec!["a", "b", "c", "d1", "d2", "", " a "]).prop_map(str::to_string),
        Just("2026-01-05T00:00:07Z".to_string()),
        Just("email".to_string()),
        Just("marketing".to_string()),
        "[ab,\"\r\n]{0,4}".prop_map(|s| s),
        "[ab,\r\n]{0,3}".prop_map(|s| format!("\"{}\"", s.replace('"', "\"\""))),
    ]
}

fn line() -> impl Strategy<Value = String> {
    prop::collection::vec(field(), 1..8).prop_map(|fields| fields.join(","))
}

proptest! {
    /// On any file, well formed or not, two readers give what one gives.
    #[test]
    fn two_halves_read_like_one_reader(
        lines in prop::collection::vec(line(), 0..12),
        crlf in any::<bool>(),
        final_end in any::<bool>(),
    ) {
        let end = if crlf { "\r\n" } else { "\n" };
        let mut text = HEADER.replace('\n', end);
        text.push_str(&lines.join(end));
        if final_end {
            text.push_str(end);
        }
        let (one, _) = read(text.as_bytes(), usize::MAX);
        let (two, _) = read(text.as_bytes(), 0);
        prop_assert_eq!(one, two);
    }

    /// On well-formed files with repeated names, the same.
    #[test]
    fn two_halves_number_names_like_one_reader(
        rows in prop::collection::vec((0u8..5, 0u8..3, 0u32..60), 0..40),
    ) {
        let mut text = HEADER.to_string();
        for (i, (contact, delivery, second)) in rows.iter().enumerate() {
            text.push_str(&row(&format!("m{i}"), &format!("c{contact}"), *second, &format!("d{delivery}")));
        }
        let (one, _) = read(text.as_bytes(), usize::MAX);
        let (two, _) = read(text.as_bytes(), 0);
        prop_assert_eq!(one, two);
    }
}
