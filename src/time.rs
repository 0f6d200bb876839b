//! Simulated time: instants, durations, RFC 3339 and `84h`-style text, and local time of
//! day in a scenario's time zone.
//!
//! An [`Instant`] is a whole number of seconds since the Unix epoch. Seconds are the
//! finest unit any rule speaks of (greylisting waits of minutes, retry periods of hours),
//! an `i64` of seconds fits every date a user can type, and integer arithmetic keeps the
//! event order exact: no two runs can disagree about which of two instants came first.

use std::fmt;

use chrono::{DateTime, Datelike, Utc};
use thiserror::Error;

mod stamp;
mod zone;

pub use stamp::{STAMP_LEN, StampCache, utc_stamp};
pub use zone::{LocalReading, TimeOfDay, Zone};

/// A point in simulated time: seconds since 1970-01-01T00:00:00Z.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Instant(pub i64);

/// A length of simulated time in seconds. Spans parsed from text ([`Span::parse`]) are
/// never negative, but arithmetic may give one: [`Instant::since`] is negative when its
/// argument is the later instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span(pub i64);

/// Text that is not a valid time, duration, time of day or time zone.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TimeError {
    /// Not an RFC 3339 timestamp.
    #[error("expected an RFC 3339 time such as 2026-01-05T09:00:00Z, got {0:?}")]
    Timestamp(String),
    /// Not a duration.
    #[error("expected a duration such as 90s, 10m, 84h or 3.5d, got {0:?}")]
    Duration(String),
    /// Not a time of day.
    #[error("expected a time of day such as 06:00, got {0:?}")]
    TimeOfDay(String),
    /// A time after the last one RFC 3339 can write (year 9999).
    #[error("times after 9999-12-31T23:59:59Z cannot be written as RFC 3339, got {0:?}")]
    OutOfRange(String),
    /// Not a time zone.
    #[error(
        "expected an IANA time zone such as Europe/Paris or an offset such as +02:00, got {0:?}"
    )]
    Zone(String),
}

impl Instant {
    /// Later than every instant a scenario can name; used for "never".
    pub const NEVER: Instant = Instant(i64::MAX);

    /// The last instant RFC 3339 can write: 9999-12-31T23:59:59Z.
    pub const LAST: Instant = Instant(253_402_300_799);

    /// Parses an RFC 3339 timestamp; sub-second digits are truncated. A time whose UTC
    /// reading falls after [`Instant::LAST`] (possible with a negative offset) is refused,
    /// since no output could write it back.
    pub fn parse_rfc3339(text: &str) -> Result<Instant, TimeError> {
        if let Some(t) = parse_utc_fast(text.as_bytes()) {
            return Ok(t);
        }
        let t = DateTime::parse_from_rfc3339(text.trim())
            .map(|t| Instant(t.timestamp()))
            .map_err(|_| TimeError::Timestamp(text.to_string()))?;
        if t > Instant::LAST {
            return Err(TimeError::OutOfRange(text.to_string()));
        }
        Ok(t)
    }

    /// The instant `span` later, saturating at [`Instant::NEVER`].
    pub fn plus(self, span: Span) -> Instant {
        Instant(self.0.saturating_add(span.0))
    }

    /// Seconds from `earlier` to `self` (negative when `earlier` is later).
    pub fn since(self, earlier: Instant) -> Span {
        Span(self.0.saturating_sub(earlier.0))
    }
}

/// The common form `YYYY-MM-DDTHH:MM:SSZ`, parsed without chrono: CSV import reads
/// millions of these. Anything else (offsets, fractions, odd spacing) returns `None` and
/// goes through chrono.
fn parse_utc_fast(b: &[u8]) -> Option<Instant> {
    if b.len() != 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
        || b[19] != b'Z'
    {
        return None;
    }
    let num = |from: usize, len: usize| -> Option<i64> {
        b[from..from + len].iter().try_fold(0i64, |acc, &d| {
            d.is_ascii_digit().then(|| acc * 10 + i64::from(d - b'0'))
        })
    };
    let (y, mo, d) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let (h, mi, s) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    let valid = chrono::NaiveDate::from_ymd_opt(y as i32, mo as u32, d as u32)?;
    if h > 23 || mi > 59 || s > 59 {
        return None;
    }
    let days = i64::from(valid.num_days_from_ce()) - 719_163;
    Some(Instant(days * 86_400 + h * 3600 + mi * 60 + s))
}

impl fmt::Display for Instant {
    /// Formats as RFC 3339 in UTC with a `Z` suffix, e.g. `2026-01-05T09:00:00Z`.
    /// Years 0000–9999 go through the hand-written [`utc_stamp`]; others (which only
    /// error messages and `NEVER` can hold) through chrono, with its sign and `@` forms.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(text) = utc_stamp(*self, &mut [0; STAMP_LEN]) {
            return f.write_str(text);
        }
        match DateTime::<Utc>::from_timestamp(self.0, 0) {
            Some(t) => write!(f, "{}", t.format("%Y-%m-%dT%H:%M:%SZ")),
            None => write!(f, "@{}", self.0),
        }
    }
}

impl Span {
    /// Zero seconds.
    pub const ZERO: Span = Span(0);

    /// Builds a span from whole minutes.
    pub const fn minutes(m: i64) -> Span {
        Span(m * 60)
    }

    /// Builds a span from whole hours.
    pub const fn hours(h: i64) -> Span {
        Span(h * 3600)
    }

    /// Seconds as a float, for arithmetic such as exponential backoff.
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64
    }

    /// Parses `90s`, `10m`, `84h`, `3.5d`, `1w`, combinations such as `1h30m`, or a bare
    /// number of seconds. The result is rounded to whole seconds.
    pub fn parse(text: &str) -> Result<Span, TimeError> {
        parse_span(text.trim()).ok_or_else(|| TimeError::Duration(text.to_string()))
    }
}

fn parse_span(text: &str) -> Option<Span> {
    if text.is_empty() {
        return None;
    }
    if let Ok(secs) = text.parse::<f64>() {
        return seconds_to_span(secs);
    }
    let mut total = 0.0;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number: f64 = rest[..digits].parse().ok()?;
        let unit_len = rest[digits..]
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len() - digits);
        let unit = &rest[digits..digits + unit_len];
        total += number * unit_seconds(unit)?;
        rest = &rest[digits + unit_len..];
    }
    seconds_to_span(total)
}

fn unit_seconds(unit: &str) -> Option<f64> {
    Some(match unit {
        "s" | "sec" | "secs" => 1.0,
        "m" | "min" | "mins" => 60.0,
        "h" | "hr" | "hrs" => 3600.0,
        "d" | "day" | "days" => 86_400.0,
        "w" => 604_800.0,
        _ => return None,
    })
}

fn seconds_to_span(secs: f64) -> Option<Span> {
    (secs.is_finite() && (0.0..1e15).contains(&secs)).then(|| Span(secs.round() as i64))
}

impl fmt::Display for Span {
    /// Formats with the largest unit that divides the span exactly: `84h`, `5m`, `4000s`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.0;
        for (unit, size) in [("d", 86_400), ("h", 3600), ("m", 60)] {
            if s != 0 && s % size == 0 {
                return write!(f, "{}{unit}", s / size);
            }
        }
        write!(f, "{s}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Instant {
        Instant::parse_rfc3339(text).unwrap()
    }

    #[test]
    fn times_after_year_9999_are_refused() {
        assert_eq!(at("9999-12-31T23:59:59Z"), Instant::LAST);
        assert_eq!(Instant::LAST.to_string(), "9999-12-31T23:59:59Z");
        assert!(matches!(
            Instant::parse_rfc3339("9999-12-31T23:00:00-02:00"),
            Err(TimeError::OutOfRange(_))
        ));
    }

    #[test]
    fn durations_parse_in_every_unit() {
        assert_eq!(Span::parse("84h"), Ok(Span(84 * 3600)));
        assert_eq!(Span::parse("10m"), Ok(Span(600)));
        assert_eq!(Span::parse("3.5d"), Ok(Span(302_400)));
        assert_eq!(Span::parse("4000s"), Ok(Span(4000)));
        assert_eq!(Span::parse("1h30m"), Ok(Span(5400)));
        assert_eq!(Span::parse("0s"), Ok(Span(0)));
        assert_eq!(Span::parse("45"), Ok(Span(45)));
        assert!(Span::parse("").is_err());
        assert!(Span::parse("5 parsecs").is_err());
        assert!(Span::parse("-3h").is_err());
        assert!(Span::parse("h").is_err());
    }

    #[test]
    fn durations_print_in_their_largest_exact_unit() {
        assert_eq!(Span(84 * 3600).to_string(), "84h");
        assert_eq!(Span(4000).to_string(), "4000s");
        assert_eq!(Span(300).to_string(), "5m");
        assert_eq!(Span(0).to_string(), "0s");
    }

    #[test]
    fn the_fast_path_agrees_with_chrono() {
        for text in [
            "1970-01-01T00:00:00Z",
            "2026-02-28T23:59:59Z",
            "2028-02-29T12:00:00Z",
            "1969-12-31T23:59:59Z",
        ] {
            let slow = DateTime::parse_from_rfc3339(text).unwrap().timestamp();
            assert_eq!(
                parse_utc_fast(text.as_bytes()),
                Some(Instant(slow)),
                "{text}"
            );
        }
        assert_eq!(parse_utc_fast(b"2026-02-30T00:00:00Z"), None);
        assert!(Instant::parse_rfc3339("2026-02-30T00:00:00Z").is_err());
        assert_eq!(parse_utc_fast(b"2026-01-05T24:00:00Z"), None);
    }

    #[test]
    fn rfc3339_round_trips_through_utc() {
        let t = at("2026-01-05T09:00:00+01:00");
        assert_eq!(t.to_string(), "2026-01-05T08:00:00Z");
        assert!(Instant::parse_rfc3339("yesterday").is_err());
    }
}
