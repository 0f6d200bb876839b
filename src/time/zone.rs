//! Local time: a time of day, a reading of the local wall clock and the scenario's time
//! zone, with daylight-saving-correct conversion for the automatic job, the campaign
//! calendar, the operator's slots and the timestamps of imported logs.

use std::fmt;

use chrono::{
    DateTime, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Timelike, Utc,
};

use super::{Instant, Span, TimeError};

/// A wall-clock time of day, to the second, in whatever zone it is read.
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
        // Seconds only when there are some, so `06:00` stays `06:00` but `00:00:01`
        // reads back as itself.
        let format = if self.0.second() == 0 {
            "%H:%M"
        } else {
            "%H:%M:%S"
        };
        write!(f, "{}", self.0.format(format))
    }
}

/// A reading of the local wall clock: a date and a time of day. It may name a moment
/// that a spring-forward gap skips, or one that an autumn change repeats; the zone
/// resolves it to one instant ([`Zone::instant_at`]). A repeating job advances its
/// reading, not its instant, so that one gap day does not shift every later run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct LocalReading(NaiveDateTime);

impl LocalReading {
    /// The reading `span` of wall clock later, if the calendar reaches it.
    pub fn plus(self, span: Span) -> Option<LocalReading> {
        chrono::TimeDelta::try_seconds(span.0)
            .and_then(|d| self.0.checked_add_signed(d))
            .map(LocalReading)
    }
}

impl fmt::Display for LocalReading {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%dT%H:%M:%S"))
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
            same_day
                .checked_add_signed(chrono::TimeDelta::days(1))
                .map_or(Instant::NEVER, |next_day| self.instant_of(next_day))
        }
    }

    /// The reading `at` of the first local day on which it falls at or after `after`:
    /// `after`'s own day, or the next. `None` past the end of the calendar.
    pub fn next_reading(&self, after: Instant, at: TimeOfDay) -> Option<LocalReading> {
        let same_day = LocalReading(self.local_reading(after).date().and_time(at.0));
        if self.instant_at(same_day) >= after {
            Some(same_day)
        } else {
            same_day.plus(Span::hours(24))
        }
    }

    /// The instant at which the local clock shows `reading`. A reading skipped by a
    /// spring-forward gap becomes the first instant after the gap; a reading shown twice
    /// in autumn becomes the first of the two.
    pub fn instant_at(&self, reading: LocalReading) -> Instant {
        let shifted = self.instant_of(reading.0);
        if self.local_reading(shifted) == reading.0 {
            return shifted;
        }
        // The reading falls in a gap, and `shifted` lies past the gap's end by as much as
        // the reading lies past its start. The gap ends at the first instant whose reading
        // is later than `reading`; it lies at most the gap's length before `shifted`.
        let (mut lo, mut hi) = (shifted.0 - 86_400, shifted.0);
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if self.local_reading(Instant(mid)) > reading.0 {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        Instant(hi)
    }

    /// The instant reached by adding `span` to the local wall-clock reading of `from`.
    ///
    /// A repeating campaign keeps its local hour across daylight-saving changes this way:
    /// 06:00 plus 24 h of wall clock is 06:00 the next day, whatever the UTC offset did.
    /// A time moved by a spring-forward gap carries its shift into every later repeat,
    /// which is why the automatic job advances a [`LocalReading`] instead.
    pub fn add_wall_clock(&self, from: Instant, span: Span) -> Instant {
        chrono::TimeDelta::try_seconds(span.0)
            .and_then(|d| self.local_reading(from).checked_add_signed(d))
            .map_or(Instant::NEVER, |local| self.instant_of(local))
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

    /// The instant at which the local clock reads `local` (gaps and ambiguity resolved
    /// as [`Zone::at_local`] does).
    pub fn instant_of_local(&self, local: NaiveDateTime) -> Instant {
        self.instant_of(local)
    }

    /// Seconds the local clock is ahead of UTC at `t` (negative west of Greenwich).
    pub fn utc_offset(&self, t: Instant) -> i64 {
        self.local_reading(t).and_utc().timestamp() - t.0
    }

    fn local_reading(&self, t: Instant) -> NaiveDateTime {
        // Instants beyond chrono's calendar (only `Instant::NEVER` in practice) read as
        // its last moment, so that anything added to them saturates too.
        let Some(utc) = DateTime::<Utc>::from_timestamp(t.0, 0) else {
            return NaiveDateTime::MAX;
        };
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
            // Inside a gap: read the wall clock with the offset in force just before it,
            // which lands the same distance past the gap's end as the reading is past its
            // start. For a reading on a whole hour of a one-hour gap that is the first
            // instant after the gap.
            let probe = local
                .checked_sub_signed(chrono::TimeDelta::hours(3))
                .unwrap_or(local);
            let before = zone.from_utc_datetime(&probe);
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
    fn a_skipped_reading_is_the_first_instant_after_the_gap_s5() {
        let paris = Zone::parse("Europe/Paris").unwrap();
        let half_two = TimeOfDay::parse("02:30").unwrap();
        // 2026-03-29: clocks jump from 02:00 CET to 03:00 CEST at 01:00Z.
        let gap_day = paris.next_reading(at("2026-03-29T00:00:00Z"), half_two);
        let gap_day = gap_day.unwrap();
        assert_eq!(paris.instant_at(gap_day), at("2026-03-29T01:00:00Z"));
        // The next day's reading is 02:30 again, 00:30Z in summer time.
        let next = gap_day.plus(Span::hours(24)).unwrap();
        assert_eq!(paris.instant_at(next), at("2026-03-30T00:30:00Z"));
    }

    #[test]
    fn a_repeated_reading_is_its_first_occurrence_s5() {
        let paris = Zone::parse("Europe/Paris").unwrap();
        let half_two = TimeOfDay::parse("02:30").unwrap();
        // 2026-10-25: 02:30 happens at 00:30Z (CEST) and again at 01:30Z (CET).
        let reading = paris
            .next_reading(at("2026-10-25T00:00:00Z"), half_two)
            .unwrap();
        assert_eq!(paris.instant_at(reading), at("2026-10-25T00:30:00Z"));
        assert_eq!(reading.to_string(), "2026-10-25T02:30:00");
    }

    #[test]
    fn far_future_arithmetic_saturates_instead_of_panicking() {
        let utc = Zone::parse("UTC").unwrap();
        let late = at("9999-12-31T23:00:00Z");
        assert_eq!(utc.add_wall_clock(late, Span(i64::MAX)), Instant::NEVER);
        assert_eq!(
            utc.add_wall_clock(Instant::NEVER, Span::hours(24)),
            Instant::NEVER
        );
        let six = TimeOfDay::parse("06:00").unwrap();
        assert_eq!(utc.next_local_time(Instant::NEVER, six), Instant::NEVER);
    }

    #[test]
    fn times_of_day_keep_their_seconds_when_written() {
        for text in ["06:00", "00:00:01", "23:59:59", "12:30"] {
            assert_eq!(TimeOfDay::parse(text).unwrap().to_string(), text);
        }
    }

    #[test]
    fn zones_parse_names_and_offsets() {
        assert!(Zone::parse("UTC").is_ok());
        assert_eq!(Zone::parse("+02:00").unwrap().to_string(), "+02:00");
        assert!(Zone::parse("Mars/Olympus").is_err());
    }
}
