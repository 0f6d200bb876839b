//! `capacity.csv`: the receiver capacity of an imported world, one domain a row
//! (`domain,rate_per_hour,burst,code`; an empty `code` means `4.7.0`), with two optional
//! columns: `profile`, 24 hourly factors separated by spaces, and `timezone`, the zone
//! whose clock those hours follow (UTC when empty), and `carrier`: a row with an empty
//! `domain` and a carrier limits what that mobile carrier accepts from SMS contacts.

use std::path::Path;

use super::csv_file::{CsvFile, Located};
use super::{ImportError, Source};
use crate::error::MessageError;
use crate::time::Zone;
use crate::workload::capacity::{DEFAULT_THROTTLE_CODE, RawCapacity};

/// The columns of `capacity.csv`: four required, then the optional `profile`,
/// `timezone` and `carrier` (a row for an SMS carrier has an empty `domain`).
pub const CAPACITY_COLUMNS: [&str; 7] = [
    "domain",
    "rate_per_hour",
    "burst",
    "code",
    "profile",
    "timezone",
    "carrier",
];

/// How many of [`CAPACITY_COLUMNS`] every file must have.
const REQUIRED: usize = 4;

/// Reads `capacity.csv`; every bad field is an error naming its line and column.
pub fn read_capacity(path: &Path) -> Result<Vec<RawCapacity>, ImportError> {
    let mut out: Vec<RawCapacity> = Vec::new();
    let source = Source::open(path)?;
    CsvFile::open_with_optional(&source.name, source.input, &CAPACITY_COLUMNS, REQUIRED)?
        .for_each(|at, f| {
            let entry = row(at, f)?;
            let name = entry.carrier.as_deref().unwrap_or(&entry.domain);
            if out
                .iter()
                .any(|c| c.carrier.as_deref().unwrap_or(&c.domain) == name)
            {
                let column = if entry.carrier.is_some() { 6 } else { 0 };
                return Err(at.error(column, format!("{name:?} is listed twice")));
            }
            out.push(entry);
            Ok(())
        })?;
    Ok(out)
}

/// One row: a domain's or a carrier's bucket.
fn row(at: &Located<'_>, f: &[&str]) -> Result<RawCapacity, ImportError> {
    let carrier = Some(f[6].trim()).filter(|c| !c.is_empty());
    let domain = match carrier {
        Some(_) if !f[0].is_empty() => {
            return Err(at.error(6, "give a domain or a carrier, not both".to_string()));
        }
        Some(_) => "",
        None => at.non_empty(0, f[0])?,
    };
    let rate = f[1]
        .parse::<f64>()
        .ok()
        .filter(|r| r.is_finite() && (1.0..=1e9).contains(r))
        .ok_or_else(|| {
            at.error(
                1,
                format!("expected attempts per hour, 1..=1000000000, got {:?}", f[1]),
            )
        })?;
    let burst = f[2]
        .parse::<u32>()
        .ok()
        .filter(|b| *b >= 1)
        .ok_or_else(|| {
            at.error(
                2,
                format!("expected a whole number of at least 1, got {:?}", f[2]),
            )
        })?;
    let code = if f[3].is_empty() {
        DEFAULT_THROTTLE_CODE
    } else {
        f[3]
    };
    let profile = if f[4].trim().is_empty() {
        None
    } else {
        Some(profile(f[4]).map_err(|m| at.error(4, m))?)
    };
    let timezone = if f[5].trim().is_empty() {
        None
    } else {
        let zone = f[5].trim();
        Zone::parse(zone).map_err(|e| {
            at.error(
                5,
                format!("{e}; expected an IANA name such as Europe/Paris, UTC or +HH:MM"),
            )
        })?;
        Some(zone.to_string())
    };
    Ok(RawCapacity {
        domain: domain.to_string(),
        carrier: carrier.map(String::from),
        rate,
        burst,
        profile,
        timezone,
        code: code.to_string(),
    })
}

/// 24 factors of at least 0 separated by spaces, one per hour from midnight.
fn profile(field: &str) -> Result<Vec<f64>, MessageError> {
    let factors = field
        .split_whitespace()
        .map(|t| {
            t.parse::<f64>()
                .ok()
                .filter(|f| f.is_finite() && *f >= 0.0)
                .ok_or_else(|| format!("expected hourly factors of at least 0, got {t:?}"))
        })
        .collect::<Result<Vec<f64>, String>>()?;
    if factors.len() != 24 {
        return Err(format!(
            "expected 24 hourly factors separated by spaces, got {}",
            factors.len()
        )
        .into());
    }
    Ok(factors)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Vec<RawCapacity>, ImportError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("capacity.csv");
        std::fs::write(&path, text).unwrap();
        read_capacity(&path)
    }

    #[test]
    fn rows_become_buckets_with_the_default_code() {
        let c =
            read("domain,rate_per_hour,burst,code\ngmail.com,3600,100,\nyahoo.com,60,5,4.7.28\n")
                .unwrap();
        assert_eq!(c.len(), 2);
        assert_eq!(
            (c[0].rate, c[0].burst, c[0].code.as_str()),
            (3600.0, 100, "4.7.0")
        );
        assert_eq!(c[1].code, "4.7.28");
    }

    #[test]
    fn a_profile_and_its_zone_may_follow_in_optional_columns() {
        let night = "0 0 0 0 0 0 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 0.5 0.5";
        let c = read(&format!(
            "domain,rate_per_hour,burst,code,profile,timezone\n\
             gmail.com,3600,100,,{night},Europe/Paris\nyahoo.com,60,5,,,\n"
        ))
        .unwrap();
        let p = c[0].profile.as_ref().unwrap();
        assert_eq!((p.len(), p[0], p[23]), (24, 0.0, 0.5));
        assert_eq!(c[0].timezone.as_deref(), Some("Europe/Paris"));
        assert_eq!(
            (c[1].profile.as_ref(), c[1].timezone.as_ref()),
            (None, None)
        );
    }

    #[test]
    fn a_short_profile_or_an_unknown_zone_names_its_column() {
        let e = read("domain,rate_per_hour,burst,code,profile\na,60,5,,1 1 1\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, Some("profile")));
        assert!(e.message.contains("24 hourly factors"), "{}", e.message);
        let e =
            read("domain,rate_per_hour,burst,code,timezone\na,60,5,,Mars/Olympus\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, Some("timezone")));
    }

    #[test]
    fn a_row_may_name_a_carrier_instead_of_a_domain() {
        let c = read("domain,rate_per_hour,burst,code,carrier\n,60,5,,carrier_a\n").unwrap();
        assert_eq!(
            (c[0].domain.as_str(), c[0].carrier.as_deref()),
            ("", Some("carrier_a"))
        );
        let e =
            read("domain,rate_per_hour,burst,code,carrier\nx.org,60,5,,carrier_a\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, Some("carrier")));
    }

    #[test]
    fn a_bad_burst_names_the_line_and_column() {
        let e = read("domain,rate_per_hour,burst,code\ngmail.com,3600,0,\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, Some("burst")));
    }
}
