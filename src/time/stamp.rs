//! Writing an instant as `YYYY-MM-DDTHH:MM:SSZ` without chrono's format machinery.
//!
//! Trace files write one timestamp per row, millions of them; chrono re-reads its format
//! string for each. This writes the twenty bytes straight into a caller's buffer, using
//! the days-to-civil-date conversion of the proleptic Gregorian calendar (Howard
//! Hinnant's `civil_from_days`). It covers the years RFC 3339 can write, 0000 to 9999;
//! other instants return `None` and the caller falls back to chrono.

use super::Instant;

/// Length of `YYYY-MM-DDTHH:MM:SSZ`.
pub const STAMP_LEN: usize = 20;

/// 0000-01-01T00:00:00Z, the first instant with a four-digit year.
const FIRST: i64 = -62_167_219_200;

/// Writes `t` into `buf` as `YYYY-MM-DDTHH:MM:SSZ` (UTC) and returns the text, or
/// `None` when its year lies outside 0000–9999.
pub fn utc_stamp(t: Instant, buf: &mut [u8; STAMP_LEN]) -> Option<&str> {
    if t.0 < FIRST || t.0 > Instant::LAST.0 {
        return None;
    }
    let days = t.0.div_euclid(86_400);
    let secs = t.0.rem_euclid(86_400) as u32;
    let (year, month, day) = civil_from_days(days);
    let year = year as u32;
    put2(buf, 0, year / 100);
    put2(buf, 2, year % 100);
    buf[4] = b'-';
    put2(buf, 5, month);
    buf[7] = b'-';
    put2(buf, 8, day);
    buf[10] = b'T';
    put_time_of_day(buf, secs);
    // Every byte written above is ASCII.
    std::str::from_utf8(buf).ok()
}

/// [`utc_stamp`] for a stream of instants that mostly share a minute, as a trace's rows
/// do: the `YYYY-MM-DDT` part is converted once per day (it changes every 86,400 s), the
/// time of day once per minute, and an instant in the same minute as the last one
/// converted only changes the two digits of its seconds.
#[derive(Debug, Clone)]
pub struct StampCache {
    /// The day (since 1970-01-01) whose date `date` holds; `i64::MIN` before the first.
    day: i64,
    date: [u8; 11],
    /// The first second of the minute whose stamp `minute_text` holds; `i64::MIN`
    /// before the first.
    minute: i64,
    minute_text: [u8; STAMP_LEN],
}

impl Default for StampCache {
    fn default() -> Self {
        StampCache {
            day: i64::MIN,
            date: [0; 11],
            minute: i64::MIN,
            minute_text: [0; STAMP_LEN],
        }
    }
}

impl StampCache {
    /// Appends `t` to `out` exactly as [`utc_stamp`] writes it and returns true, or
    /// returns false (leaving `out` alone) when its year lies outside 0000–9999.
    pub fn push(&mut self, t: Instant, out: &mut Vec<u8>) -> bool {
        if t.0 < FIRST || t.0 > Instant::LAST.0 {
            return false;
        }
        if let Some(second @ 0..60) = t.0.checked_sub(self.minute) {
            // `:SSZ` is built in a register and stored whole: bytes stored one by one
            // and then copied as a block stall the CPU's store forwarding, which cost
            // more than all the rest of the stamp.
            let second = second as u32;
            let tail = u32::from(b':')
                | (u32::from(b'0') + second / 10) << 8
                | (u32::from(b'0') + second % 10) << 16
                | u32::from(b'Z') << 24;
            out.extend_from_slice(&self.minute_text[..16]);
            out.extend_from_slice(&tail.to_le_bytes());
            return true;
        }
        let day = t.0.div_euclid(86_400);
        if day != self.day {
            let mut whole = [0; STAMP_LEN];
            if utc_stamp(Instant(day * 86_400), &mut whole).is_none() {
                return false;
            }
            self.date.copy_from_slice(&whole[..11]);
            self.day = day;
        }
        let secs = (t.0 - day * 86_400) as u32;
        let mut text = [0; STAMP_LEN];
        text[..11].copy_from_slice(&self.date);
        put_time_of_day(&mut text, secs);
        self.minute = t.0 - i64::from(secs % 60);
        self.minute_text = text;
        out.extend_from_slice(&text);
        true
    }
}

/// `HH:MM:SSZ` of `secs` (below 86,400) after midnight, at its place in a stamp.
fn put_time_of_day(buf: &mut [u8], secs: u32) {
    put2(buf, 11, secs / 3600);
    buf[13] = b':';
    put2(buf, 14, secs / 60 % 60);
    buf[16] = b':';
    put2(buf, 17, secs % 60);
    buf[19] = b'Z';
}

/// Two decimal digits of `n` (below 100) at `at`.
fn put2(buf: &mut [u8], at: usize, n: u32) {
    buf[at] = b'0' + (n / 10) as u8;
    buf[at + 1] = b'0' + (n % 10) as u8;
}

/// Year, month (1–12) and day (1–31) of the day `days` after 1970-01-01.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    // Shift the epoch to 0000-03-01, so that a leap day ends its 400-year era's year.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // day of era, 0..=146_096
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // 0..=399
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // 0..=365, from March 1st
    let mp = (5 * doy + 2) / 153; // 0 = March .. 11 = February
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use super::*;

    /// chrono's text for `t`, as `Instant`'s display wrote it before this module.
    fn chrono_text(t: i64) -> String {
        DateTime::<Utc>::from_timestamp(t, 0)
            .unwrap()
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    }

    fn fast_text(t: i64) -> Option<String> {
        let mut buf = [0; STAMP_LEN];
        utc_stamp(Instant(t), &mut buf).map(str::to_owned)
    }

    #[test]
    fn agrees_with_chrono_at_the_edges() {
        let edges = [
            FIRST,
            FIRST + 1,
            FIRST + 86_399,
            FIRST + 86_400 * 59, // 0000-02-29: year 0 is a leap year
            FIRST + 86_400 * 60,
            -86_401,
            -1,
            0,
            1,
            86_399,
            86_400,
            951_782_400,   // 2000-02-29
            4_107_456_000, // 2100-02-28T00:00:00Z, no leap day that year
            4_107_542_400,
            Instant::LAST.0 - 86_400,
            Instant::LAST.0,
        ];
        for t in edges {
            assert_eq!(
                fast_text(t).as_deref(),
                Some(chrono_text(t).as_str()),
                "{t}"
            );
        }
    }

    #[test]
    fn agrees_with_chrono_on_every_day_and_random_instants() {
        // Every day from year 0000 to 9999, at a second that moves through the day.
        let mut t = FIRST;
        let mut k = 0i64;
        while t <= Instant::LAST.0 {
            let s = t + (k * 7_919) % 86_400;
            assert_eq!(fast_text(s), Some(chrono_text(s)), "{s}");
            t += 86_400;
            k += 1;
        }
        let mut rng = ChaCha8Rng::seed_from_u64(18);
        for _ in 0..200_000 {
            let s = rng.random_range(FIRST..=Instant::LAST.0);
            assert_eq!(fast_text(s), Some(chrono_text(s)), "{s}");
        }
    }

    /// The cached writer's text for each instant of `walk`, in order, against chrono's.
    fn cached_agrees_along(walk: impl IntoIterator<Item = i64>) -> Result<(), String> {
        let mut cache = StampCache::default();
        for t in walk {
            let mut out = b"x".to_vec();
            let fast = cache
                .push(Instant(t), &mut out)
                .then(|| String::from_utf8(out[1..].to_vec()).unwrap());
            if fast.is_none() && out != b"x" {
                return Err(format!("{t}: refused, but wrote {out:?}"));
            }
            let expected = (FIRST..=Instant::LAST.0)
                .contains(&t)
                .then(|| chrono_text(t));
            if fast != expected {
                return Err(format!("{t}: {fast:?} against {expected:?}"));
            }
        }
        Ok(())
    }

    #[test]
    fn the_cache_agrees_with_chrono_across_minute_day_and_year_boundaries() {
        // Midnights of ordinary, leap and century years, each approached from both sides
        // (the cache's day must change on the way back too), and the calendar's ends.
        let boundaries = [
            FIRST,
            FIRST + 86_400 * 59,
            -86_400,
            0,
            951_782_400,   // 2000-02-29
            951_868_800,   // 2000-03-01
            978_307_200,   // 2001-01-01
            1_767_225_600, // 2026-01-01
            1_772_323_200, // 2026-03-01
            4_107_542_400, // 2100-03-01 (no leap day)
            Instant::LAST.0 - 86_399,
        ];
        for b in boundaries {
            let walk = [
                b - 1,
                b,
                b + 1,
                b - 1,
                b + 86_399,
                b + 86_400,
                b - 86_401,
                b,
            ];
            cached_agrees_along(walk).unwrap();
        }
        cached_agrees_along([
            i64::MIN,
            FIRST - 1,
            FIRST,
            Instant::LAST.0,
            Instant::LAST.0 + 1,
            i64::MAX,
            FIRST,
        ])
        .unwrap();
    }

    proptest::proptest! {
        /// Random walks of small and large steps, as a trace's rows move (mostly
        /// forward by seconds, sometimes back to an earlier replication's start or by
        /// years), from random starting instants anywhere in and around 0000–9999.
        #[test]
        fn the_cache_agrees_with_chrono_on_random_walks(
            start in (FIRST - 1_000_000)..=(Instant::LAST.0 + 1_000_000),
            steps in proptest::collection::vec(
                proptest::prop_oneof![
                    0i64..=120,
                    -86_400i64..=86_400,
                    -40_000_000_000i64..=40_000_000_000,
                ],
                1..200,
            ),
        ) {
            let walk = steps.iter().scan(start, |t, step| {
                *t = t.saturating_add(*step);
                Some(*t)
            });
            proptest::prop_assert_eq!(cached_agrees_along(walk), Ok(()));
        }
    }

    #[test]
    fn years_outside_four_digits_are_left_to_chrono() {
        assert_eq!(fast_text(FIRST - 1), None);
        assert_eq!(fast_text(Instant::LAST.0 + 1), None);
        assert_eq!(fast_text(i64::MIN), None);
        assert_eq!(fast_text(i64::MAX), None);
    }
}
