//! Simulated time: instants, durations, RFC 3339 and `84h`-style text, and local time of
//! day in a scenario's time zone.
//!
//! An [`Instant`] is a whole number of seconds since the Unix epoch. Seconds are the
//! finest unit any rule speaks of (greylisting waits of minutes, retry periods of hours),
//! an `i64` of seconds fits every date a user can type, and integer arithmetic keeps the
//! event order exact: no two runs can disagree about which of two instants came first.

use std::fmt;

use chrono::{
    DateTime, Datelike, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Utc,
};
use thiserror::Error;

/// A point in simulated time: seconds since 1970-01-01T00:00:00Z.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Instant(pub i64);

/// A length of simulated time in seconds; never negative once validated.
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
    /// Not a time zone.
    #[error(
        "expected an IANA time zone such as Europe/Paris or an offset such as +02:00, got {0:?}"
    )]
    Zone(String),
}

impl Instant {
    /// Later than every instant a scenario can name; used for "never".
    pub const NEVER: Instant = Instant(i64::MAX);

    /// Parses an RFC 3339 timestamp; sub-second digits are truncated.
    pub fn parse_rfc3339(text: &str) -> Result<Instant, TimeError> {
        if let Some(t) = parse_utc_fast(text.as_bytes()) {
            return Ok(t);
        }
        DateTime::parse_from_rfc3339(text.trim())
            .map(|t| Instant(t.timestamp()))
            .map_err(|_| TimeError::Timestamp(text.to_string()))
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
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
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

/// A wall-clock time of day, in seconds after local midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeOfDay(NaiveTime);

impl TimeOfDay {
    /// Parses `HH:MM` or `HH:MM:SS`.
    pub fn parse(text: &str) -> Result<TimeOfDay, TimeError> {
        let t = text.trim();
        NaiveTime::parse_from_str(t, "%H:%M:%S")
            .or_else(|_| NaiveTime::parse_from_str(t, "%H:%M"))
            .map(TimeOfDay)
            .map_err(|_| TimeError::TimeOfDay(text.to_string()))
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%H:%M"))
    }
}

/// The scenario's time zone: an IANA name (daylight saving applies) or a fixed offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// A named zone from the IANA database, such as `Europe/Paris`.
    Named(chrono_tz::Tz),
    /// A fixed offset from UTC, such as `+02:00`.
    Fixed(chrono::FixedOffset),
}

impl Zone {
    /// Parses `UTC`, `Z`, an IANA name or an offset `+HH:MM` / `-HH:MM`.
    pub fn parse(text: &str) -> Result<Zone, TimeError> {
        let t = text.trim();
        if t == "Z" {
            return Ok(Zone::Fixed(
                chrono::FixedOffset::east_opt(0).expect("zero offset"),
            ));
        }
        if t.starts_with('+') || t.starts_with('-') {
            return parse_offset(t)
                .map(Zone::Fixed)
                .ok_or_else(|| TimeError::Zone(text.to_string()));
        }
        t.parse::<chrono_tz::Tz>()
            .map(Zone::Named)
            .map_err(|_| TimeError::Zone(text.to_string()))
    }

    /// The first instant at or after `after` whose local time of day is `at`.
    pub fn next_local_time(&self, after: Instant, at: TimeOfDay) -> Instant {
        let local = self.local_reading(after);
        let same_day = local.date().and_time(at.0);
        let candidate = self.instant_of(same_day);
        if candidate >= after {
            candidate
        } else {
            let next_day = same_day + chrono::Duration::days(1);
            self.instant_of(next_day)
        }
    }

    /// The instant reached by adding `span` to the local wall-clock reading of `from`.
    ///
    /// A daily job keeps its local hour across daylight-saving changes this way: 06:00
    /// plus 24 h of wall clock is 06:00 the next day, whatever the UTC offset did.
    pub fn add_wall_clock(&self, from: Instant, span: Span) -> Instant {
        let local = self.local_reading(from) + chrono::Duration::seconds(span.0);
        self.instant_of(local)
    }

    /// The local calendar date of `t`.
    pub fn local_date(&self, t: Instant) -> NaiveDate {
        self.local_reading(t).date()
    }

    /// The instant at which the local clock reads `at` on `date`. A reading skipped by a
    /// spring-forward gap moves forward by the gap; an ambiguous autumn reading takes the
    /// earlier instant.
    pub fn at_local(&self, date: NaiveDate, at: TimeOfDay) -> Instant {
        self.instant_of(date.and_time(at.0))
    }

    fn local_reading(&self, t: Instant) -> NaiveDateTime {
        let utc = DateTime::<Utc>::from_timestamp(t.0, 0).unwrap_or_default();
        match self {
            Zone::Named(tz) => utc.with_timezone(tz).naive_local(),
            Zone::Fixed(off) => utc.with_timezone(off).naive_local(),
        }
    }

    /// Converts a local reading to an instant. A reading skipped by a spring-forward gap
    /// moves forward by the gap; an ambiguous autumn reading takes the earlier instant.
    fn instant_of(&self, local: NaiveDateTime) -> Instant {
        match self {
            Zone::Named(tz) => resolve_local(tz, local),
            Zone::Fixed(off) => resolve_local(off, local),
        }
    }
}

fn resolve_local<Z: TimeZone>(zone: &Z, local: NaiveDateTime) -> Instant {
    match zone.from_local_datetime(&local) {
        LocalResult::Single(t) => Instant(t.timestamp()),
        LocalResult::Ambiguous(early, _) => Instant(early.timestamp()),
        LocalResult::None => {
            // Inside a gap: read the wall clock with the offset in force just before it.
            let before = zone.from_utc_datetime(&(local - chrono::Duration::hours(3)));
            let offset = before.offset().fix().local_minus_utc() as i64;
            Instant(local.and_utc().timestamp() - offset)
        }
    }
}

fn parse_offset(text: &str) -> Option<chrono::FixedOffset> {
    let sign = if text.starts_with('-') { -1 } else { 1 };
    let body = &text[1..];
    let (h, m) = body.split_once(':').unwrap_or((body, "0"));
    let secs = h.parse::<i32>().ok()? * 3600 + m.parse::<i32>().ok()? * 60;
    chrono::FixedOffset::east_opt(sign * secs)
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Zone::Named(tz) => write!(f, "{}", tz.name()),
            Zone::Fixed(off) => write!(f, "{off}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Instant {
        Instant::parse_rfc3339(text).unwrap()
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

    #[test]
    fn next_local_time_is_same_day_or_next() {
        let paris = Zone::parse("Europe/Paris").unwrap();
        let six = TimeOfDay::parse("06:00").unwrap();
        // 04:00Z is 05:00 in Paris in January: the job runs at 05:00Z that day.
        assert_eq!(
            paris.next_local_time(at("2026-01-05T04:00:00Z"), six),
            at("2026-01-05T05:00:00Z")
        );
        assert_eq!(
            paris.next_local_time(at("2026-01-05T05:00:01Z"), six),
            at("2026-01-06T05:00:00Z")
        );
    }

    #[test]
    fn wall_clock_days_keep_the_local_hour_across_daylight_saving() {
        let paris = Zone::parse("Europe/Paris").unwrap();
        // Clocks go forward on 2026-03-29: 06:00 local is 05:00Z before and 04:00Z after.
        let before = at("2026-03-28T05:00:00Z");
        assert_eq!(
            paris.add_wall_clock(before, Span::hours(24)),
            at("2026-03-29T04:00:00Z")
        );
    }

    #[test]
    fn a_gap_reading_moves_forward() {
        let paris = Zone::parse("Europe/Paris").unwrap();
        let half_two = TimeOfDay::parse("02:30").unwrap();
        // 02:30 does not exist on 2026-03-29 in Paris; it becomes 03:30 CEST = 01:30Z.
        assert_eq!(
            paris.next_local_time(at("2026-03-29T00:00:00Z"), half_two),
            at("2026-03-29T01:30:00Z")
        );
    }

    #[test]
    fn zones_parse_names_and_offsets() {
        assert!(Zone::parse("UTC").is_ok());
        assert_eq!(Zone::parse("+02:00").unwrap().to_string(), "+02:00");
        assert!(Zone::parse("Mars/Olympus").is_err());
    }
}
