//! A reader that refuses what no trace file contains: a line longer than
//! [`MAX_LINE`] bytes (such as `/dev/zero`, which would otherwise grow one field until
//! memory runs out) and NUL bytes (binary data, or a file of the wrong kind). The error
//! names the line, so the import's message can point at it.

use std::io::{self, Read};

/// The longest line accepted, in bytes. A trace line holds a handful of short fields.
pub const MAX_LINE: usize = 1 << 20;

/// Wraps a reader, counting lines and the bytes of the current one.
pub struct Bounded<R> {
    inner: R,
    line: u64,
    line_len: usize,
}

impl<R: Read> Bounded<R> {
    /// Starts at line 1.
    pub fn new(inner: R) -> Bounded<R> {
        Bounded {
            inner,
            line: 1,
            line_len: 0,
        }
    }
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        // Jump from line end to line end (or NUL) rather than looking at every byte.
        let mut rest = &buf[..n];
        loop {
            let stop = memchr::memchr2(b'\n', 0, rest);
            self.line_len += stop.unwrap_or(rest.len());
            if self.line_len > MAX_LINE {
                return Err(invalid(format!(
                    "line {}: longer than {MAX_LINE} bytes",
                    self.line
                )));
            }
            match stop {
                None => return Ok(n),
                Some(at) if rest[at] == 0 => {
                    return Err(invalid(format!("line {}: contains a NUL byte", self.line)));
                }
                Some(at) => {
                    self.line += 1;
                    self.line_len = 0;
                    rest = &rest[at + 1..];
                }
            }
        }
    }
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(bytes: &[u8]) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        Bounded::new(bytes).read_to_end(&mut out).map(|_| out)
    }

    #[test]
    fn nul_bytes_are_refused_with_their_line() {
        let err = read_all(b"a,b\nc,\0\n").unwrap_err();
        assert_eq!(err.to_string(), "line 2: contains a NUL byte");
    }

    #[test]
    fn an_endless_line_is_refused() {
        let long = vec![b'x'; MAX_LINE + 1];
        let err = read_all(&long).unwrap_err();
        assert!(err.to_string().contains("longer than"), "{err}");
        let mut ok = vec![b'x'; MAX_LINE];
        ok.push(b'\n');
        ok.extend_from_slice(&ok.clone());
        assert_eq!(read_all(&ok).unwrap().len(), ok.len());
    }
}
