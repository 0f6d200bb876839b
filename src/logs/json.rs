//! Streaming JSON records: one object per line (JSON Lines), or arrays of objects (a
//! webhook batch, possibly spread over many lines), or pretty-printed objects, in any
//! mix. Each object at the top level, or directly inside a top-level array, is one
//! record, passed with the line it starts on; memory holds one record at a time.
//!
//! Text outside any object (a truncated record, a stray word) is passed as it is, so the
//! reader reports it as a bad record with its line number.

use std::io::BufRead;

use super::window::{Fill, Window};

/// Calls `each(line, text)` for every record of `input`.
pub fn for_each_record(
    mut input: impl BufRead,
    mut each: impl FnMut(u64, &str),
) -> std::io::Result<()> {
    let mut s = Splitter::default();
    let mut emit = |line: u64, bytes: &[u8]| each(line, &String::from_utf8_lossy(bytes));
    loop {
        let chunk = input.fill_buf()?;
        if chunk.is_empty() {
            break;
        }
        s.feed(chunk, &mut emit);
        let n = chunk.len();
        input.consume(n);
    }
    s.finish(&mut emit);
    Ok(())
}

/// Records of `input` by windows, for the parallel readers: the same records, with the
/// same lines, as [`for_each_record`] passes.
#[derive(Debug)]
pub struct Records<R> {
    input: R,
    s: Splitter,
    done: bool,
}

impl<R: BufRead> Records<R> {
    /// Records of `input`.
    pub fn new(input: R) -> Self {
        Records {
            input,
            s: Splitter::default(),
            done: false,
        }
    }
}

impl<R: BufRead + Send> Fill for Records<R> {
    fn fill(&mut self, w: &mut Window, limit: usize) -> std::io::Result<bool> {
        w.clear();
        while !self.done && w.len_bytes() < limit {
            let chunk = self.input.fill_buf()?;
            let mut emit = |line: u64, bytes: &[u8]| w.push(line, bytes);
            if chunk.is_empty() {
                self.s.finish(&mut emit);
                self.done = true;
                break;
            }
            self.s.feed(chunk, &mut emit);
            let n = chunk.len();
            self.input.consume(n);
        }
        Ok(!w.is_empty())
    }
}

/// The state of the record splitter.
#[derive(Debug, Default)]
struct Splitter {
    line: u64,
    start_line: u64,
    record: Vec<u8>,
    /// Bracket depth inside the current record.
    depth: u32,
    in_string: bool,
    escaped: bool,
    /// Inside a top-level array.
    in_array: bool,
    /// Collecting stray text up to the end of its line.
    stray: bool,
}

impl Splitter {
    /// Splits one chunk of input. Inside a record the bytes are scanned in a tight loop
    /// and copied in one piece, rather than pushed one at a time: the record splitter was
    /// the largest single cost of an SES import.
    fn feed(&mut self, chunk: &[u8], emit: &mut impl FnMut(u64, &[u8])) {
        let mut i = 0;
        while i < chunk.len() {
            if self.depth == 0 {
                self.push(chunk[i], emit);
                i += 1;
                continue;
            }
            let start = i;
            let mut closed = false;
            while i < chunk.len() && !closed {
                if self.in_string && !self.escaped {
                    // Most of a record is text inside strings: jump to the next byte that
                    // can end a string, start an escape or count a line.
                    match memchr::memchr3(b'"', b'\\', b'\n', &chunk[i..]) {
                        Some(skip) => i += skip,
                        None => {
                            i = chunk.len();
                            break;
                        }
                    }
                }
                closed = self.scan(chunk[i]);
                i += 1;
            }
            if closed && start > 0 {
                // The record opened on the byte before `start` (the only way to be inside
                // a record past a chunk's first byte) and closed in this chunk: it is
                // whole here, and passed on without being copied into `record` first.
                debug_assert_eq!(
                    (chunk[start - 1], self.record.as_slice()),
                    (b'{', &b"{"[..])
                );
                self.record.clear();
                self.emit(&chunk[start - 1..i], emit);
                continue;
            }
            self.record.extend_from_slice(&chunk[start..i]);
            if closed {
                self.flush(emit);
            }
        }
    }

    /// Follows one byte inside a record (strings, escapes, nesting); true when the byte
    /// closes the record.
    #[inline]
    fn scan(&mut self, b: u8) -> bool {
        if b == b'\n' {
            self.line += 1;
        }
        if self.in_string {
            match b {
                _ if self.escaped => self.escaped = false,
                b'\\' => self.escaped = true,
                b'"' => self.in_string = false,
                _ => {}
            }
            return false;
        }
        match b {
            b'"' => self.in_string = true,
            b'{' | b'[' => self.depth += 1,
            b'}' | b']' => {
                self.depth -= 1;
                return self.depth == 0;
            }
            _ => {}
        }
        false
    }

    fn push(&mut self, b: u8, emit: &mut impl FnMut(u64, &[u8])) {
        if b == b'\n' {
            self.line += 1;
            if self.stray {
                self.flush(emit);
                self.stray = false;
            }
        }
        if self.stray {
            self.record.push(b);
        } else {
            self.outside(b);
        }
    }

    fn outside(&mut self, b: u8) {
        match b {
            b'{' => {
                self.start_line = self.line + 1;
                self.record.push(b);
                self.depth = 1;
            }
            b'[' if !self.in_array => self.in_array = true,
            b']' if self.in_array => self.in_array = false,
            b',' if self.in_array => {}
            b if b.is_ascii_whitespace() => {}
            _ => {
                self.start_line = self.line + 1;
                self.stray = true;
                self.record.push(b);
            }
        }
    }

    fn flush(&mut self, emit: &mut impl FnMut(u64, &[u8])) {
        let text = self.record.trim_ascii();
        if !text.is_empty() {
            emit(self.start_line, text);
        }
        self.record.clear();
    }

    /// Passes on a record that is whole in the caller's chunk.
    fn emit(&self, record: &[u8], emit: &mut impl FnMut(u64, &[u8])) {
        let text = record.trim_ascii();
        if !text.is_empty() {
            emit(self.start_line, text);
        }
    }

    fn finish(&mut self, emit: &mut impl FnMut(u64, &[u8])) {
        self.flush(emit);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(text: &str) -> Vec<(u64, String)> {
        let mut v = Vec::new();
        for_each_record(text.as_bytes(), |l, t| v.push((l, t.to_string()))).unwrap();
        v
    }

    #[test]
    fn lines_arrays_and_pretty_objects_are_all_records() {
        let text = "{\"a\":1}\n[{\"b\":\"}\"},\n {\"c\":[1,2]}]\n{\n  \"d\": {}\n}\n";
        assert_eq!(
            records(text),
            vec![
                (1, "{\"a\":1}".to_string()),
                (2, "{\"b\":\"}\"}".to_string()),
                (3, "{\"c\":[1,2]}".to_string()),
                (4, "{\n  \"d\": {}\n}".to_string()),
            ]
        );
    }

    #[test]
    fn records_split_across_read_chunks_are_whole() {
        let text = "{\"a\":\"x}\\\"\"}\n[{\"b\":[1,{\"c\":2}]}, {}]\nstray\n{\"d\":\n1}";
        let whole = records(text);
        assert_eq!(whole.len(), 5, "{whole:?}");
        for capacity in 1..8 {
            let mut got = Vec::new();
            let input = std::io::BufReader::with_capacity(capacity, text.as_bytes());
            for_each_record(input, |l, t| got.push((l, t.to_string()))).unwrap();
            assert_eq!(got, whole, "chunks of {capacity} bytes");
        }
    }

    #[test]
    fn stray_text_and_a_truncated_record_are_passed_on_with_their_lines() {
        let got = records("garbage here\n{\"a\":1}\n{\"b\":");
        assert_eq!(got[0], (1, "garbage here".to_string()));
        assert_eq!(got[1].0, 2);
        assert_eq!(got[2], (3, "{\"b\":".to_string()));
    }
}
