//! The windowed reader of `sends.csv` against the row-by-row one: the same sends, ids,
//! names, carriers and errors for random files, with windows of a few bytes or the
//! default size.

use proptest::prelude::*;

use super::super::readers_agree::import_sends;
use super::super::windows::Sizes;

const HEADER: &str = "message_id,contact,created_at,delivery_id,channel,message_type";

/// Everything an import gives, as text: the workload or the error.
fn outcome(bytes: &[u8], windows: Option<Sizes>) -> String {
    import_sends(bytes, windows.map(|s| (s.window, s.piece)))
}

/// A row that reads, for message `m` of contact `c`.
fn good(m: usize, c: u8) -> String {
    let second = (m * 7) % 60;
    format!(
        "m{m},c{c}@x.example,2026-01-05T10:00:{second:02}Z,d{},email,marketing",
        c % 3
    )
}

/// A line of one of the shapes a file may hold: mostly good rows, and rows wrong in
/// each column, repeated ids, SMS rows with carriers, lines that are not plain
/// (quoted, CRLF, empty) and malformed ones.
fn line(shape: u8, m: usize, c: u8) -> String {
    match shape {
        0..=9 => good(m, c),
        10 => format!(",c{c},2026-01-05T10:00:00Z,d,email,marketing"),
        11 => format!("m{m},,2026-01-05T10:00:00Z,d,email,marketing"),
        12 => format!("m{m},c{c},yesterday,d,email,marketing"),
        13 => format!("m{m},c{c},2026-01-05T10:00:00Z,,email,marketing"),
        14 => format!("m{m},c{c},2026-01-05T10:00:00Z,d,fax,marketing"),
        15 => format!("m{m},c{c},2026-01-05T10:00:00Z,d,Email,TRANSACTIONAL"),
        16 => format!("m{},c{c},2026-01-05T10:00:00Z,d,email,marketing", m / 2),
        17 => format!(
            "m{m},c{c},2026-01-05T10:00:00Z,d,sms,marketing,carrier{}",
            c % 2
        ),
        18 => format!("m{m},c{c},2026-01-05T10:00:00Z,d,email,marketing,carrier"),
        19 => format!("\"m{m}\",c{c},2026-01-05T10:00:00Z,d,email,marketing"),
        20 => format!("{}\r", good(m, c)),
        21 => String::new(),
        22 => format!("m{m},c{c},2026-01-05T10:00:00Z"),
        23 => format!("m{m}, c{c} ,2026-01-05T10:00:00Z,d\u{e9},email,marketing"),
        24 => format!("m{m},c{c},1000-01-05T10:00:00Z,d,email,marketing"),
        _ => format!("m{m},c{c}\0,2026-01-05T10:00:00Z,d,email,marketing"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Windows and pieces of any size give what one row at a time gives, across every
    /// kind of bad row, hand-overs to the csv crate anywhere, bytes that are not UTF-8,
    /// and a last line with or without its line end.
    #[test]
    fn windows_read_sends_as_rows_do(
        lines in prop::collection::vec((0u8..26, 0u8..40), 0..60),
        carrier_column in any::<bool>(),
        window in 1usize..300,
        piece in 1usize..120,
        last_end in any::<bool>(),
        broken in prop::option::of(any::<prop::sample::Index>()),
    ) {
        let mut text = String::from(HEADER);
        if carrier_column {
            text.push_str(",carrier");
        }
        for (m, (shape, c)) in lines.iter().enumerate() {
            text.push('\n');
            let mut row = line(*shape, m, *c);
            if !carrier_column && (17..=18).contains(shape) {
                row = good(m, *c);
            } else if carrier_column && !(17..=18).contains(shape) && *shape != 22 {
                row.push(',');
            }
            text.push_str(&row);
        }
        if last_end {
            text.push('\n');
        }
        let mut bytes = text.into_bytes();
        if let Some(at) = broken {
            bytes.insert(at.index(bytes.len() + 1), 0xff);
        }
        let rows = outcome(&bytes, None);
        let small = Sizes { window, piece };
        prop_assert_eq!(&outcome(&bytes, Some(small)), &rows);
        prop_assert_eq!(&outcome(&bytes, Some(Sizes::default())), &rows);
    }
}

/// Past the first 8 KiB read and over many windows: a long good file, then one that
/// hands over to the csv crate near its end, read both ways.
#[test]
fn long_files_read_alike_across_many_windows() {
    let mut text = String::from(HEADER);
    for m in 0..5000 {
        text.push('\n');
        text.push_str(&good(m, (m % 97) as u8));
    }
    text.push('\n');
    let small = Sizes {
        window: 3000,
        piece: 500,
    };
    let rows = outcome(text.as_bytes(), None);
    assert!(rows.starts_with("Ok("), "{rows}");
    assert_eq!(outcome(text.as_bytes(), Some(small)), rows);
    text.push_str("\"m9999\",c1,2026-01-05T10:00:00Z,d,email,marketing\n");
    text.push_str("m1,c1,2026-01-05T10:00:00Z,d,email,marketing\n");
    let rows = outcome(text.as_bytes(), None);
    assert!(rows.contains("duplicate message_id"), "{rows}");
    assert_eq!(outcome(text.as_bytes(), Some(small)), rows);
    assert_eq!(outcome(text.as_bytes(), Some(Sizes::default())), rows);
}

/// A read fails (a NUL byte) while an unfinished line is buffered whose `\r` ends a
/// record for the csv crate: the windowed reader hands that line over, as the row
/// reader does, so the record's bad time is reported, not the failed read.
#[test]
fn a_record_ended_by_cr_before_a_failed_read_is_read_alike() {
    let mut text = String::from(HEADER);
    let mut m = 0;
    while text.len() < 8080 {
        text.push('\n');
        text.push_str(&good(m, (m % 7) as u8));
        m += 1;
    }
    text.push_str("\nm1,c1,yesterday,d,email,marketing\r");
    text.push_str(&"x".repeat(8192 - text.len() + 10));
    text.push_str("\n\0");
    assert!(text.find('\r').unwrap() < 8192);
    let rows = outcome(text.as_bytes(), None);
    assert!(
        rows.contains("line: 143, column: Some(\"created_at\")"),
        "{rows}"
    );
    for window in [100, 4096, Sizes::default().window] {
        let sizes = Sizes { window, piece: 300 };
        assert_eq!(
            outcome(text.as_bytes(), Some(sizes)),
            rows,
            "window {window}"
        );
    }
}
