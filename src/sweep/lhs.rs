//! A Latin-hypercube design: `[sweep] design = "lhs"`, `samples = n`, and a range per key,
//! `{ min = 1, max = 20 }` (integers), `{ min = "6h", max = "84h" }` (durations) or
//! floats. Each key's range is cut into `n` equal strata and every stratum is used by
//! exactly one sample; the pairing of strata across keys is a seeded permutation.
//!
//! Draws come from `random::stream(seed, 0, Purpose::Design, 0)`: for each key in table
//! order, a Fisher-Yates permutation of the strata, then one offset inside each stratum.

use super::SweepError;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::Point;
use super::grid::{RESERVED, check_key};
use crate::random::{self, Purpose, unit_f64};
use crate::time::Span;

/// The range of one key.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Range {
    Integer(i64, i64),
    Float(f64, f64),
    Duration(Span, Span),
}

impl Range {
    fn parse(key: &str, value: &toml::Value) -> Result<Range, SweepError> {
        let bad = || {
            format!(
                "sweep.\"{key}\" must be a range such as {{ min = 1, max = 20 }} or \
                 {{ min = \"6h\", max = \"84h\" }}, got {value}"
            )
        };
        let t = value.as_table().ok_or_else(bad)?;
        let (min, max) = (t.get("min").ok_or_else(bad)?, t.get("max").ok_or_else(bad)?);
        let range = match (min, max) {
            (toml::Value::Integer(a), toml::Value::Integer(b)) => Range::Integer(*a, *b),
            (toml::Value::String(a), toml::Value::String(b)) => {
                let span = |s: &str| Span::parse(s).map_err(|e| format!("sweep.\"{key}\": {e}"));
                Range::Duration(span(a)?, span(b)?)
            }
            (a, b) => {
                let num = |v: &toml::Value| v.as_float().or(v.as_integer().map(|n| n as f64));
                match (num(a), num(b)) {
                    (Some(a), Some(b)) => Range::Float(a, b),
                    _ => return Err(bad().into()),
                }
            }
        };
        let ordered = match range {
            Range::Integer(a, b) => a <= b,
            Range::Float(a, b) => a <= b,
            Range::Duration(a, b) => a <= b,
        };
        if !ordered {
            return Err(format!("sweep.\"{key}\": min must not exceed max").into());
        }
        Ok(range)
    }

    /// The value at `u` in [0, 1): integers take `u` over `max - min + 1` equal cells.
    fn at(self, u: f64) -> toml::Value {
        match self {
            Range::Integer(a, b) => {
                let cells = (b - a + 1) as f64;
                toml::Value::Integer((a + (u * cells).floor() as i64).min(b))
            }
            Range::Float(a, b) => toml::Value::Float(a + u * (b - a)),
            Range::Duration(a, b) => {
                let secs = a.as_secs_f64() + u * (b.as_secs_f64() - a.as_secs_f64());
                toml::Value::String(Span(secs.round() as i64).to_string())
            }
        }
    }
}

/// A uniform integer in `0..n`.
fn below(rng: &mut ChaCha8Rng, n: usize) -> usize {
    ((u128::from(rng.next_u64()) * n as u128) >> 64) as usize
}

/// For each key, the unit value of each sample: `(stratum + offset) / n`.
pub fn unit_design(seed: u64, keys: usize, samples: usize) -> Vec<Vec<f64>> {
    let mut rng = random::stream(seed, 0, Purpose::Design, 0);
    (0..keys)
        .map(|_| {
            let mut strata: Vec<usize> = (0..samples).collect();
            for i in (1..samples).rev() {
                strata.swap(i, below(&mut rng, i + 1));
            }
            strata
                .iter()
                .map(|&s| (s as f64 + unit_f64(rng.next_u64())) / samples as f64)
                .collect()
        })
        .collect()
}

/// Reads an LHS `[sweep]` table into its swept keys and points.
pub fn points(table: &toml::Table, seed: u64) -> Result<(Vec<String>, Vec<Point>), SweepError> {
    let samples = table
        .get("samples")
        .and_then(toml::Value::as_integer)
        .filter(|n| (1..=1_000_000).contains(n))
        .ok_or("sweep.samples must be an integer 1..=1000000 for design = \"lhs\"")?
        as usize;
    let mut axes = Vec::new();
    for (key, value) in table {
        if !RESERVED.contains(&key.as_str()) {
            check_key(key)?;
            axes.push((key.clone(), Range::parse(key, value)?));
        }
    }
    let design = unit_design(seed, axes.len(), samples);
    let points = (0..samples)
        .map(|index| Point {
            index,
            assignments: axes
                .iter()
                .zip(&design)
                .map(|((key, range), units)| (key.clone(), range.at(units[index])))
                .collect(),
        })
        .collect();
    Ok((axes.into_iter().map(|(k, _)| k).collect(), points))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stratum_of_every_key_is_used_once() {
        let n = 17;
        for units in unit_design(42, 3, n) {
            let mut strata: Vec<usize> = units.iter().map(|u| (u * n as f64) as usize).collect();
            strata.sort_unstable();
            assert_eq!(strata, (0..n).collect::<Vec<_>>());
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_design() {
        assert_eq!(unit_design(7, 2, 10), unit_design(7, 2, 10));
        assert_ne!(unit_design(7, 2, 10), unit_design(8, 2, 10));
    }

    #[test]
    fn ranges_give_integers_and_durations_inside_them() {
        let table: toml::Table = r#"
            design = "lhs"
            samples = 20
            "policy.soft_bounce_threshold" = { min = 1, max = 20 }
            "policy.retry_period" = { min = "6h", max = "84h" }
        "#
        .parse()
        .unwrap();
        let (keys, points) = points(&table, 1).unwrap();
        assert_eq!(keys.len(), 2);
        let mut thresholds: Vec<i64> = points
            .iter()
            .map(|p| p.assignments[1].1.as_integer().unwrap())
            .collect();
        thresholds.sort_unstable();
        assert_eq!(thresholds, (1..=20).collect::<Vec<_>>());
        for p in &points {
            let span = Span::parse(p.assignments[0].1.as_str().unwrap()).unwrap();
            assert!((Span::hours(6)..=Span::hours(84)).contains(&span));
        }
    }

    #[test]
    fn a_bad_range_is_explained() {
        let table: toml::Table = "samples = 3\n\"policy.x\" = { min = 5, max = 1 }"
            .parse()
            .unwrap();
        assert!(
            points(&table, 1)
                .unwrap_err()
                .message()
                .contains("min must not exceed")
        );
    }
}
