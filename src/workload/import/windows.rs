//! Reading the plain rows of a CSV file on both cores, with the records, ids and errors
//! of the one-row-at-a-time reader.
//!
//! The input is cut into windows of whole lines (about [`Sizes::window`] bytes). A
//! window is cut into pieces at line ends, and the pieces are prepared in parallel: each
//! line is checked to be plain, split into fields and given to [`Windowed::prepare`],
//! which does the row's work that needs nothing from earlier rows (parsing times and
//! words, hashing names). The prepared lines are then applied in file order by
//! [`Windowed::apply`] (names interned in order of first appearance, records pushed), and
//! the steps overlap as a pipeline: while one window is applied, the next one is
//! prepared and the one after it read (on the calling thread, since the input need not
//! be `Send`), so the ordered step is the only one that cannot be shared out.
//!
//! The ordered step meets every line in file order and stops at the first that is not
//! plain, malformed or refused, exactly where the row reader stops, so errors and line
//! numbers are the same; the lines prepared past that point are dropped. At a line that
//! is not plain, the rest of the input from that line's first byte goes to the csv
//! crate, as [`super::plain`] hands it over.

use std::ops::Range;

use rayon::prelude::*;

use super::ImportError;
use super::csv_file::Located;
use super::plain::{self, Plain, Rest};

/// How the input is cut: the defaults, or a few bytes in tests so that lines and
/// hand-overs fall on every boundary.
#[derive(Debug, Clone, Copy)]
pub(super) struct Sizes {
    /// About how many bytes a window holds: large enough that starting the parallel
    /// step costs nothing next to it, small enough that the first window (prepared
    /// before anything can be applied) and the last (applied with nothing left to
    /// prepare) are a small part of a file.
    pub(super) window: usize,
    /// About how many bytes a piece prepared by one task holds.
    pub(super) piece: usize,
}

impl Sizes {
    /// The default sizes when the current pool has more than one thread; `None` (read
    /// row by row) on one thread, where preparing ahead would only add work.
    pub(super) fn for_pool() -> Option<Sizes> {
        (rayon::current_num_threads() > 1).then(Sizes::default)
    }
}

impl Default for Sizes {
    fn default() -> Self {
        Sizes {
            window: 1 << 20,
            piece: 64 << 10,
        }
    }
}

/// Rows looked at ahead of the one applied, so that what they need can be prefetched.
const AHEAD: usize = 16;

/// A place in a window: where a field's text is, since prepared rows outlive borrows of
/// the window's buffer as it moves between the pipeline's stages.
#[derive(Debug, Clone, Copy)]
pub(super) struct Span {
    start: u32,
    end: u32,
}

impl Span {
    /// Where `field`, a slice of `window` or empty (the field of a column the file
    /// does not have), lies in it.
    pub(super) fn of(window: &[u8], field: &str) -> Span {
        let start = (field.as_ptr() as usize).wrapping_sub(window.as_ptr() as usize);
        if field.is_empty() || start + field.len() > window.len() {
            return Span { start: 0, end: 0 };
        }
        // Windows are a few megabytes, so offsets fit in 32 bits.
        Span {
            start: start as u32,
            end: (start + field.len()) as u32,
        }
    }

    /// The field's bytes in `window`.
    pub(super) fn text(self, window: &[u8]) -> &[u8] {
        &window[self.start as usize..self.end as usize]
    }
}

/// A reader whose per-row work splits into a part that depends only on the row
/// ([`Windowed::prepare`], run in parallel) and a part that depends on earlier rows
/// ([`Windowed::apply`], run in file order).
pub(super) trait Windowed: Send {
    /// What the parallel step hands to the ordered one.
    type Ready: Send + Sync;

    /// The work on one row that depends on nothing else: `fields` are the fields at the
    /// file's columns, trimmed, each a slice of `window`.
    fn prepare(fields: &[&str], window: &[u8]) -> Self::Ready;

    /// Called for a row a few rows before it is applied: a place to prefetch. It must
    /// change nothing that could be seen.
    fn ahead(&self, _ready: &Self::Ready) {}

    /// Applies a prepared row of `window`, in file order.
    fn apply(
        &mut self,
        at: &Located,
        window: &[u8],
        ready: &Self::Ready,
    ) -> Result<(), ImportError>;
}

/// How the windowed reading ended.
pub(super) enum Ended<'r> {
    /// Every line was read.
    Done,
    /// The line `line` is not plain: the csv crate reads the rest, starting with it.
    HandOver { line: u64, rest: Rest<'r> },
}

/// One line of a window, prepared.
enum Line<T> {
    Row(T),
    /// The field count, UTF-8 or field length is wrong: the message.
    Bad(String),
    /// Not plain; where the line starts in the window.
    HandOver(usize),
}

/// A window's lines, prepared, piece by piece in file order.
type Prepared<T> = Vec<Vec<Line<T>>>;

/// What applying a window came to: every row applied, or the line the csv crate takes
/// over at (its number and where it starts in the window).
type Applied = Result<Option<(u64, usize)>, ImportError>;

/// Reads the rows of `plain` (its header read) into `rows`, on every thread of the
/// current pool. `columns` are the file's columns; `at` locates a line for errors.
pub(super) fn read<'r, 'p, W: Windowed>(
    mut plain: Plain<'r>,
    columns: &[Option<usize>],
    rows: &mut W,
    at: &(impl Fn(u64) -> Located<'p> + Sync),
    sizes: Sizes,
) -> Result<Ended<'r>, ImportError> {
    let width = plain.width();
    let mut line = 2;
    let mut current = plain.cut(sizes.window, Vec::new());
    let mut ready = Vec::new();
    prepare::<W>(&current, width, columns, sizes.piece, &mut ready);
    let mut next = plain.cut(sizes.window, Vec::new());
    let (mut spare, mut next_ready) = (Vec::new(), Vec::new());
    while !current.is_empty() {
        let mut applied: Applied = Ok(None);
        let mut after = Vec::new();
        rayon::in_place_scope(|scope| {
            let (next_ready, applied) = (&mut next_ready, &mut applied);
            let (window, ready, rows, next) = (&current, &ready, &mut *rows, &next);
            // Another thread takes the oldest job and this one, once it has read, the
            // newest: so the ordered step stays on this thread, turn after turn, with
            // the name tables in its core's cache, and the other core prepares.
            scope.spawn(move |_| prepare::<W>(next, width, columns, sizes.piece, next_ready));
            scope.spawn(move |_| *applied = apply(rows, window, ready, line, at));
            // Reading needs the input, which need not be `Send`: it stays on this
            // thread, which then helps with the jobs above.
            after = plain.cut(sizes.window, std::mem::take(&mut spare));
        });
        match applied? {
            None => line += ready.iter().map(Vec::len).sum::<usize>() as u64,
            Some((line, offset)) => {
                let rest = plain.into_rest_after(&[&current[offset..], &next, &after]);
                return Ok(Ended::HandOver { line, rest });
            }
        }
        spare = std::mem::replace(&mut current, std::mem::replace(&mut next, after));
        std::mem::swap(&mut ready, &mut next_ready);
    }
    if plain.tail_needs_csv() {
        let rest = plain.into_rest_after(&[]);
        return Ok(Ended::HandOver { line, rest });
    }
    match plain.failure() {
        Some(e) => Err(at(0).whole_line(e.to_string())),
        None => Ok(Ended::Done),
    }
}

/// Prepares the lines of `window` in parallel, in pieces of about `piece` bytes, into
/// `out`, whose vectors keep their memory from window to window: fresh ones for every
/// window made the allocator map and fault in new pages each time.
fn prepare<W: Windowed>(
    window: &[u8],
    width: usize,
    columns: &[Option<usize>],
    piece: usize,
    out: &mut Prepared<W::Ready>,
) {
    let pieces = pieces(window, piece);
    out.resize_with(pieces.len(), Vec::new);
    // Piece `i` goes to `out[i]`, so the lines stay in file order whatever thread
    // prepared each piece.
    pieces
        .into_par_iter()
        .zip(out.par_iter_mut())
        .for_each(|(range, lines)| prepare_piece::<W>(window, range, width, columns, lines));
}

/// `window` cut after line ends into runs of about `piece` bytes.
fn pieces(window: &[u8], piece: usize) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < window.len() {
        let target = start + piece.max(1) - 1;
        let end = match window.get(target..).and_then(|w| memchr::memchr(b'\n', w)) {
            Some(i) => target + i + 1,
            None => window.len(),
        };
        out.push(start..end);
        start = end;
    }
    out
}

fn prepare_piece<W: Windowed>(
    window: &[u8],
    range: Range<usize>,
    width: usize,
    columns: &[Option<usize>],
    out: &mut Vec<Line<W::Ready>>,
) {
    out.clear();
    let mut commas = Vec::new();
    let mut at = range.start;
    while at < range.end {
        let (end, next) = match memchr::memchr(b'\n', &window[at..range.end]) {
            Some(i) => (at + i, at + i + 1),
            None => (range.end, range.end),
        };
        let text = &window[at..end];
        out.push(if !plain::is_plain(text) {
            Line::HandOver(at)
        } else {
            match plain::split(text, width, columns, &mut commas) {
                Ok(fields) => Line::Row(W::prepare(&fields[..columns.len()], window)),
                Err(message) => Line::Bad(message),
            }
        });
        at = next;
    }
}

/// Applies the prepared lines of `window`, whose first line is `first`, in file order.
fn apply<'p, W: Windowed>(
    rows: &mut W,
    window: &[u8],
    ready: &Prepared<W::Ready>,
    first: u64,
    at: &impl Fn(u64) -> Located<'p>,
) -> Applied {
    let lines = ready.iter().flatten();
    for line in lines.clone().take(AHEAD) {
        if let Line::Row(r) = line {
            rows.ahead(r);
        }
    }
    let mut ahead = lines.clone().skip(AHEAD);
    for (line, number) in lines.zip(first..) {
        if let Some(Line::Row(r)) = ahead.next() {
            rows.ahead(r);
        }
        match line {
            Line::Row(r) => rows.apply(&at(number), window, r)?,
            Line::Bad(message) => return Err(at(number).whole_line(message.clone())),
            Line::HandOver(offset) => return Ok(Some((number, *offset))),
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests;
