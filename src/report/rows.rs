//! A CSV row writer for the largest record file, `attempts.csv`: fields are appended to
//! one reused byte buffer, handed to the output in large pieces, and only text that
//! can hold a special byte is scanned for quoting. Its bytes are those of the `csv`
//! crate's writer with default settings (quotes only where needed, `""` for a quote,
//! `\n` after each row), which a property test checks.

use std::io::{self, Write};

/// How many bytes are gathered before they are handed to the output.
const CHUNK: usize = 1 << 16;

/// Rows of CSV written to `W`.
#[derive(Debug)]
pub struct RowWriter<W: Write> {
    out: W,
    buf: Vec<u8>,
    /// No field written yet in the current row.
    row_start: bool,
}

impl<W: Write> RowWriter<W> {
    /// A writer into `out`.
    pub fn new(out: W) -> RowWriter<W> {
        RowWriter {
            out,
            buf: Vec::with_capacity(CHUNK + 1024),
            row_start: true,
        }
    }

    fn separate(&mut self) {
        if !self.row_start {
            self.buf.push(b',');
        }
        self.row_start = false;
    }

    /// A field that cannot hold a comma, quote or line break: numbers written by
    /// `fields::Digits` and the fixed words of the record enums.
    pub fn plain(&mut self, field: &str) {
        debug_assert!(!needs_quotes(field.as_bytes()), "{field:?}");
        self.separate();
        self.buf.extend_from_slice(field.as_bytes());
    }

    /// Any text: quoted when it holds a comma, quote, or line break, with quotes doubled.
    pub fn text(&mut self, field: &str) {
        self.separate();
        let bytes = field.as_bytes();
        if !needs_quotes(bytes) {
            self.buf.extend_from_slice(bytes);
            return;
        }
        self.buf.push(b'"');
        for &b in bytes {
            if b == b'"' {
                self.buf.push(b'"');
            }
            self.buf.push(b);
        }
        self.buf.push(b'"');
    }

    /// Ends the row, handing the gathered bytes to the output once there are enough.
    pub fn end_row(&mut self) -> io::Result<()> {
        self.buf.push(b'\n');
        self.row_start = true;
        if self.buf.len() >= CHUNK {
            self.out.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }

    /// Hands over what is left and returns the output.
    pub fn into_inner(mut self) -> io::Result<W> {
        self.out.write_all(&self.buf)?;
        self.buf.clear();
        Ok(self.out)
    }
}

/// Whether the `csv` crate's writer would quote `field` (comma, quote, CR or LF).
fn needs_quotes(field: &[u8]) -> bool {
    field
        .iter()
        .any(|&b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The bytes the `csv` crate writes for `rows`.
    fn by_csv(rows: &[Vec<String>]) -> Vec<u8> {
        // Flexible only so that generated rows may differ in length; quoting is the
        // default writer's.
        let mut w = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(Vec::new());
        for row in rows {
            w.write_record(row).unwrap();
        }
        w.into_inner().unwrap()
    }

    fn by_rows(rows: &[Vec<String>]) -> Vec<u8> {
        let mut w = RowWriter::new(Vec::new());
        for row in rows {
            for field in row {
                w.text(field);
            }
            w.end_row().unwrap();
        }
        w.into_inner().unwrap()
    }

    #[test]
    fn special_bytes_are_quoted_as_the_csv_crate_quotes_them() {
        let rows = vec![vec![
            "plain".to_string(),
            "a,b".into(),
            "say \"hi\"".into(),
            "two\nlines".into(),
            "cr\r".into(),
            String::new(),
            "'=1+1".into(),
        ]];
        assert_eq!(by_rows(&rows), by_csv(&rows));
        assert_eq!(
            String::from_utf8(by_rows(&rows)).unwrap(),
            "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\r\",,'=1+1\n"
        );
    }

    proptest! {
        #[test]
        fn rows_match_the_csv_crate(
            rows in prop::collection::vec(
                prop::collection::vec("[a-z0-9,\"\r\n @+=#;' é-]{0,12}", 2..6),
                0..20,
            )
        ) {
            prop_assert_eq!(by_rows(&rows), by_csv(&rows));
        }
    }
}
