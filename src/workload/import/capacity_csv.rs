//! `capacity.csv`: the receiver capacity of an imported world, one domain a row
//! (`domain,rate_per_hour,burst,code`; an empty `code` means `4.7.0`).

use std::path::Path;

use super::csv_file::CsvFile;
use super::{ImportError, Source};
use crate::workload::capacity::{DEFAULT_THROTTLE_CODE, RawCapacity};

/// The columns of `capacity.csv`.
pub const CAPACITY_COLUMNS: [&str; 4] = ["domain", "rate_per_hour", "burst", "code"];

/// Reads `capacity.csv`; every bad field is an error naming its line and column.
pub fn read_capacity(path: &Path) -> Result<Vec<RawCapacity>, ImportError> {
    let mut out: Vec<RawCapacity> = Vec::new();
    let source = Source::open(path)?;
    CsvFile::open(&source.name, source.input, &CAPACITY_COLUMNS)?.for_each(|at, f| {
        let domain = at.non_empty(0, f[0])?;
        if out.iter().any(|c| c.domain == domain) {
            return Err(at.error(0, format!("domain {domain:?} is listed twice")));
        }
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
        out.push(RawCapacity {
            domain: domain.to_string(),
            rate,
            burst,
            profile: None,
            code: code.to_string(),
        });
        Ok(())
    })?;
    Ok(out)
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
    fn a_bad_burst_names_the_line_and_column() {
        let e = read("domain,rate_per_hour,burst,code\ngmail.com,3600,0,\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, Some("burst")));
    }
}
