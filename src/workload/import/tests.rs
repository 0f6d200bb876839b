//! Import errors point at the file, line and column; sends are sorted.

use super::*;
use crate::workload::Channel;
use std::io::Write;

fn file(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::File::create(&path)
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    path
}

fn import_sends(text: &str) -> Result<Workload, ImportError> {
    let dir = tempfile::tempdir().unwrap();
    let files = TraceFiles {
        sends: file(&dir, "sends.csv", text),
        failures: None,
        actions: None,
    };
    import(&files, &mut ErrorTable::new(&[], None))
}

const HEADER: &str = "message_id,contact,created_at,delivery_id,channel,message_type\n";

#[test]
fn sends_are_sorted_by_creation_time() {
    let w = import_sends(&format!(
        "{HEADER}m2,a,2026-01-05T10:00:00Z,d1,email,marketing\nm1,b,2026-01-05T09:00:00Z,d1,sms,transactional\n"
    ))
    .unwrap();
    assert_eq!(w.messages.get(0), "m1");
    assert_eq!(w.sends[0].channel(), Channel::Sms);
    assert_eq!(w.contacts.get(w.sends[1].contact()), "a");
}

#[test]
fn a_bad_time_names_file_line_and_column() {
    let e = import_sends(&format!("{HEADER}m1,a,yesterday,d1,email,marketing\n")).unwrap_err();
    assert_eq!(e.line, 2);
    assert_eq!(e.column, Some("created_at"));
    assert!(
        e.to_string()
            .contains("sends.csv line 2, column created_at: expected an RFC 3339 time"),
        "{e}"
    );
}

#[test]
fn missing_columns_and_empty_files_are_reported() {
    let e = import_sends("message_id,contact\n").unwrap_err();
    assert!(e.message.contains("missing column created_at"), "{e}");
    let e = import_sends("").unwrap_err();
    assert!(e.message.contains("empty file"), "{e}");
}

#[test]
fn short_rows_and_duplicates_are_reported() {
    let e = import_sends(&format!("{HEADER}m1,a,2026-01-05T10:00:00Z\n")).unwrap_err();
    assert!(e.message.contains("expected 6 fields"), "{e}");
    let dup = "m1,a,2026-01-05T10:00:00Z,d1,email,marketing\n";
    let e = import_sends(&format!("{HEADER}{dup}{dup}")).unwrap_err();
    assert!(e.message.contains("duplicate message_id"), "{e}");
    assert_eq!(e.line, 3);
}

#[test]
fn unknown_codes_and_inverted_windows_are_located() {
    let dir = tempfile::tempdir().unwrap();
    let sends = file(
        &dir,
        "s.csv",
        &format!("{HEADER}m1,a,2026-01-05T10:00:00Z,d1,email,marketing\n"),
    );
    let bad_code = file(
        &dir,
        "f.csv",
        "contact,error_code,start,end\na,9.9.9,2026-01-05T10:00:00Z,\n",
    );
    let files = TraceFiles {
        sends: sends.clone(),
        failures: Some(bad_code),
        actions: None,
    };
    let e = import(&files, &mut ErrorTable::new(&[], None)).unwrap_err();
    assert_eq!((e.line, e.column), (2, Some("error_code")));
    assert!(e.message.contains("unknown error code \"9.9.9\""), "{e}");
    let inverted = file(
        &dir,
        "g.csv",
        "contact,error_code,start,end\na,4.2.2,2026-01-05T10:00:00Z,2026-01-05T09:00:00Z\n",
    );
    let files = TraceFiles {
        sends,
        failures: Some(inverted),
        actions: None,
    };
    let e = import(&files, &mut ErrorTable::new(&[], None)).unwrap_err();
    assert_eq!(e.column, Some("end"));
}

#[test]
fn a_duplicated_header_column_is_refused() {
    let e = import_sends(&format!(
        "contact,{HEADER}x,m1,a,2026-01-05T10:00:00Z,d1,email,marketing\n"
    ))
    .unwrap_err();
    assert!(
        e.message.contains("column contact appears more than once"),
        "{e}"
    );
}

#[test]
fn nul_bytes_and_endless_fields_are_refused() {
    let e = import_sends(&format!(
        "{HEADER}m1,a\0,2026-01-05T10:00:00Z,d1,email,marketing\n"
    ))
    .unwrap_err();
    assert!(e.to_string().contains("line 2: contains a NUL byte"), "{e}");
    let huge = "y".repeat(70_000);
    let e = import_sends(&format!(
        "{HEADER}m1,\"{huge}\n{huge}\",2026-01-05T10:00:00Z,d1,email,marketing\n"
    ))
    .unwrap_err();
    assert!(e.message.contains("longer than 65536 bytes"), "{e}");
}

#[test]
fn times_after_year_9999_are_refused_on_input() {
    let e = import_sends(&format!(
        "{HEADER}m1,a,9999-12-31T23:00:00-05:00,d1,email,marketing\n"
    ))
    .unwrap_err();
    assert_eq!(e.column, Some("created_at"));
    assert!(e.message.contains("9999-12-31T23:59:59Z"), "{e}");
}

#[test]
fn a_trace_imports_from_readers_as_from_files() {
    let sends = format!("{HEADER}m1,a,2026-01-05T09:00:00Z,d1,email,marketing\n");
    let failures = "contact,error_code,start,end\na,4.2.2,2026-01-05T08:00:00Z,\n";
    let mut errors = ErrorTable::new(&[], None);
    let w = import_from(
        Source::new("sends (memory)", sends.as_bytes()),
        Some(Source::new("failures (memory)", failures.as_bytes())),
        None,
        &mut errors,
    )
    .unwrap();
    assert_eq!(
        (w.sends.len(), w.messages.get(0), w.contacts.get(0)),
        (1, "m1".to_string(), "a".to_string())
    );
    assert_eq!(w.failures.windows_of(0).len(), 1);
    let bad = import_from(
        Source::new(
            "sends (memory)",
            format!("{HEADER}m1,a,soon,d1,email,marketing\n").as_bytes(),
        ),
        None,
        None,
        &mut errors,
    )
    .unwrap_err();
    assert_eq!(
        bad.to_string().split(':').next(),
        Some("sends (memory) line 2, column created_at")
    );
}

/// Reads `text` as `sends.csv` from memory.
fn sends_from(text: &str) -> Result<Workload, ImportError> {
    import_from(
        Source::new("sends.csv", text.as_bytes()),
        None,
        None,
        &mut ErrorTable::new(&[], None),
    )
}

#[test]
fn crlf_and_quoted_rows_import_as_plain_ones() {
    let rows = [
        "m1,a,2026-01-05T09:00:00Z,d1,email,marketing",
        "m2,b,2026-01-05T09:01:00Z,d2,sms,transactional",
        "m3,a,2026-01-05T09:02:00Z,d1,email,marketing",
    ];
    let plain = sends_from(&format!("{HEADER}{}\n", rows.join("\n"))).unwrap();
    let crlf = format!("{}\r\n{}\r\n", HEADER.trim_end(), rows.join("\r\n"));
    let quoted = format!(
        "{HEADER}{}\nm2,\"b\",2026-01-05T09:01:00Z,d2,sms,transactional\n{}\n",
        rows[0], rows[2]
    );
    for text in [crlf, quoted] {
        let w = sends_from(&text).unwrap();
        assert_eq!(w.sends, plain.sends);
        assert_eq!(
            (&w.messages, &w.contacts, &w.deliveries),
            (&plain.messages, &plain.contacts, &plain.deliveries)
        );
    }
}

#[test]
fn errors_after_a_quoted_row_keep_their_line() {
    let text = format!(
        "{HEADER}m1,\"a\",2026-01-05T09:00:00Z,d1,email,marketing\nm2,b,soon,d1,email,marketing\n"
    );
    let e = sends_from(&text).unwrap_err();
    assert_eq!((e.line, e.column), (3, Some("created_at")));
    let e = sends_from(&format!("{HEADER}m1,a,2026-01-05T09:00:00Z,d1,email\n")).unwrap_err();
    assert_eq!((e.line, e.column), (2, None));
    assert!(
        e.message
            .contains("expected 6 fields like the header, got 5"),
        "{e}"
    );
}
