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
    put2(buf, 11, secs / 3600);
    buf[13] = b':';
    put2(buf, 14, secs / 60 % 60);
    buf[16] = b':';
    put2(buf, 17, secs % 60);
    buf[19] = b'Z';
    // Every byte written above is ASCII.
    std::str::from_utf8(buf).ok()
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

    #[test]
    fn years_outside_four_digits_are_left_to_chrono() {
        assert_eq!(fast_text(FIRST - 1), None);
        assert_eq!(fast_text(Instant::LAST.0 + 1), None);
        assert_eq!(fast_text(i64::MIN), None);
        assert_eq!(fast_text(i64::MAX), None);
    }
}
