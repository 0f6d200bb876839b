//! The fast path against the csv crate: the same records, lines and errors for random
//! files of plain, quoted, CRLF, empty and malformed lines.

use proptest::prelude::*;

use super::super::readers_agree::read_plain_file as read;

fn field() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => Just("2026-01-05T10:00:00Z".to_string()),
        2 => "[a-c]{0,3}",
        1 => Just(" x ".to_string()),
        1 => Just(String::new()),
        1 => Just("bad".to_string()),
        1 => Just("yesterday".to_string()),
        1 => Just("\"q,uo\"\"ted\"".to_string()),
        1 => Just("\"two\nlines\"".to_string()),
        1 => Just("a\"b".to_string()),
        1 => Just("é\u{a0}".to_string()),
        1 => Just("\u{feff}".to_string()),
    ]
}

fn line() -> impl Strategy<Value = String> {
    let ends = prop_oneof![6 => Just("\n"), 1 => Just("\r\n"), 1 => Just("\r")];
    (prop::collection::vec(field(), 0..6), ends).prop_map(|(f, end)| f.join(",") + end)
}

fn header() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => Just("id,name,when,extra\n".to_string()),
        1 => Just("id,name,when\r\n".to_string()),
        1 => Just("\u{feff}id,when,name\n".to_string()),
        1 => Just("\"id\",name,when\n".to_string()),
        1 => Just("name,when,id,other,extra\n".to_string()),
        1 => Just("\nid,name,when\n".to_string()),
        1 => Just(String::new()),
    ]
}

/// A plain row that reads without error, to push later lines past the first 8 KiB.
fn filler(i: usize) -> String {
    format!("m{i},n{i},2026-01-05T10:00:00Z,x\n")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn fast_and_csv_readers_agree(
        head in header(),
        plain in 0usize..400,
        lines in prop::collection::vec(line(), 0..12),
        bytes_end in prop_oneof![Just(""), Just("\0"), Just("x")],
    ) {
        let mut text = head;
        for i in 0..plain {
            text.push_str(&filler(i));
        }
        for l in &lines {
            text.push_str(l);
        }
        text.push_str(bytes_end);
        let bytes = text.as_bytes();
        prop_assert_eq!(read(bytes, true), read(bytes, false));
        // Bytes that are not UTF-8 are refused alike.
        let mut broken = bytes.to_vec();
        broken.insert(broken.len() / 2, 0xff);
        prop_assert_eq!(read(&broken, true), read(&broken, false));
    }
}

#[test]
fn long_fields_and_lines_are_refused_alike() {
    let long = "y".repeat(70_000);
    for text in [
        format!("id,name,when,extra\na,b,{long},d\n"),
        format!("id,name,when,extra\na,b,c,\"{long}\"\n"),
        format!("id,name,when,extra\n{}\n", "z".repeat(1 << 21)),
    ] {
        let (fast, csv) = (read(text.as_bytes(), true), read(text.as_bytes(), false));
        assert!(fast.1.is_err());
        assert_eq!(fast, csv);
    }
}

/// A read fails (a NUL byte) while the fast path holds an unfinished line whose `\r`
/// ends a record for the csv crate: the crate reads that record, and reports its wrong
/// field count, before the failed read. Found by `fast_and_csv_readers_agree` in CI.
#[test]
fn a_record_ended_by_cr_before_a_failed_read_is_read_first() {
    let mut text = "id,name,when,extra\n".to_string();
    for i in 0..253 {
        text.push_str(&filler(i));
    }
    // Line 255 starts before the first 8 KiB read ends and its `\r` falls inside it;
    // the second read holds the NUL.
    text.push_str("2026-01-05T10:00:00Z,2026-01-05T10:00:00Z\rbad\n\0");
    assert!(text.len() > 8192 && text.find('\r').unwrap() < 8192);
    let (fast, csv) = (read(text.as_bytes(), true), read(text.as_bytes(), false));
    assert_eq!(fast, csv);
    assert_eq!(fast.0.len(), 253);
    let error = fast.1.unwrap_err();
    assert_eq!(
        (error.line, error.message.as_str()),
        (255, "expected 4 fields like the header, got 2")
    );
}
