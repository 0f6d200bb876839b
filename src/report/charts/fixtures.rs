//! Hand-made output directories for tests: a plausible threshold × retry-period sweep
//! whose numbers follow simple smooth formulas, so charts have a realistic shape.

use std::fmt::Write as _;
use std::path::Path;

/// Which files a fixture directory gets.
pub struct Fixture {
    /// How many keys were swept: 0, 1 (threshold) or 2 (threshold × retry period).
    pub keys: usize,
    /// Whether to write `ttd.csv`.
    pub ttd: bool,
    /// Whether to write `recommendation.csv`.
    pub recommendation: bool,
}

const THRESHOLDS: [f64; 8] = [1.0, 2.0, 3.0, 5.0, 8.0, 10.0, 15.0, 20.0];
const PERIODS: [(&str, f64); 4] = [("6h", 6.0), ("24h", 24.0), ("48h", 48.0), ("84h", 84.0)];
const KEYS: [&str; 2] = ["policy.soft_bounce_threshold", "policy.retry_period"];

/// One policy point: its swept values as text and its made-up metrics.
struct Point {
    values: Vec<String>,
    delivery_rate: f64,
    suppressed: f64,
    false_suppressions: f64,
    period_h: f64,
}

fn points(keys: usize) -> Vec<Point> {
    let thresholds: &[f64] = if keys >= 1 { &THRESHOLDS } else { &[5.0] };
    let periods: &[(&str, f64)] = if keys >= 2 { &PERIODS } else { &PERIODS[3..] };
    let mut out = Vec::new();
    for &t in thresholds {
        for &(name, hours) in periods {
            let mut values = vec![format!("{t}")];
            values.push(name.to_owned());
            values.truncate(keys);
            out.push(Point {
                values,
                delivery_rate: 0.80 + 0.10 * (1.0 - (-t / 4.0).exp()) + 0.0004 * hours,
                suppressed: 900.0 / t.powf(0.6) + 2.0 * hours,
                false_suppressions: 140.0 * (-t / 3.0).exp() * (1.0 + hours / 100.0),
                period_h: hours,
            });
        }
    }
    out
}

/// Writes the fixture's files into `dir`.
pub fn write(dir: &Path, fixture: &Fixture) {
    let points = points(fixture.keys);
    let keys = &KEYS[..fixture.keys];
    let key_header: String = keys.iter().map(|k| format!(",{k}")).collect();
    let scenario = "name = \"threshold-study\"\nseed = 42\n\n[policy]\npreset = \"email\"\n\
                    soft_bounce_threshold = 5\nretry_period = \"84h\"\n\
                    backoff = { kind = \"exponential\", initial = \"5m\" }\n";
    std::fs::write(dir.join("scenario.toml"), scenario).unwrap();

    let mut aggregate = format!(
        "point,replications{key_header},delivery_rate_mean,delivery_rate_ci95,\
         delivery_rate_diff_mean,delivery_rate_diff_ci95,suppressed_contacts_mean,\
         suppressed_contacts_ci95,false_suppressions_mean,false_suppressions_ci95,\
         delivered_mean,expired_mean,suppressed_messages_mean,skipped_suppressed_mean,\
         hard_bounced_mean,opted_out_mean,failed_mean,pending_mean\n"
    );
    let mut summary =
        format!("point,replication,seed,delivered,delivery_rate,expired{key_header}\n");
    for (i, p) in points.iter().enumerate() {
        let values: String = p.values.iter().map(|v| format!(",{v}")).collect();
        let delivered = 10_000.0 * p.delivery_rate;
        let _ = writeln!(
            aggregate,
            "{i},3{values},{:.4},0.012,0,,{:.1},25,{:.2},3.5,{delivered:.0},{:.0},{:.0},300,250,40,20,{:.0}",
            p.delivery_rate,
            p.suppressed,
            p.false_suppressions,
            (10_000.0 - delivered) * 0.4,
            p.suppressed * 0.5,
            p.period_h
        );
        for r in 0..3 {
            let _ = writeln!(
                summary,
                "{i},{r},{},{delivered:.0},{:.4},400{values}",
                42 + r,
                p.delivery_rate
            );
        }
    }
    std::fs::write(dir.join("aggregate.csv"), aggregate).unwrap();
    std::fs::write(dir.join("summary.csv"), summary).unwrap();
    if fixture.ttd {
        std::fs::write(dir.join("ttd.csv"), ttd(&points)).unwrap();
    }
    if fixture.recommendation {
        std::fs::write(
            dir.join("recommendation.csv"),
            recommendation(&points, keys),
        )
        .unwrap();
    }
}

fn ttd(points: &[Point]) -> String {
    let mut text = String::from("point,quantile,ttd_s\n");
    for (i, p) in points.iter().enumerate() {
        for step in 1..=20 {
            let q = step as f64 / 20.0;
            let seconds = 300.0 + p.period_h * 3600.0 * q.powi(3) * 0.8;
            let _ = writeln!(text, "{i},{q},{seconds:.0}");
        }
    }
    text
}

fn recommendation(points: &[Point], keys: &[&str]) -> String {
    let key_header: String = keys.iter().map(|k| format!(",{k}")).collect();
    let mut text = format!(
        "point{key_header},delivery_rate_mean,delivery_rate_ci95,false_suppressions_mean,\
         attempts_per_delivered_mean,on_pareto_front,status\n"
    );
    let dominated = |p: &Point| {
        points.iter().any(|q| {
            q.delivery_rate >= p.delivery_rate
                && q.false_suppressions <= p.false_suppressions
                && (q.delivery_rate > p.delivery_rate
                    || q.false_suppressions < p.false_suppressions)
        })
    };
    let feasible = |p: &Point| p.false_suppressions <= 20.0;
    let best = points
        .iter()
        .enumerate()
        .filter(|(_, p)| feasible(p) && !dominated(p))
        .max_by(|a, b| a.1.delivery_rate.total_cmp(&b.1.delivery_rate))
        .map(|(i, _)| i);
    for (i, p) in points.iter().enumerate() {
        let values: String = p.values.iter().map(|v| format!(",{v}")).collect();
        let status = match (Some(i) == best, feasible(p)) {
            (true, _) => "recommended",
            (false, true) => "feasible",
            (false, false) => "infeasible",
        };
        let _ = writeln!(
            text,
            "{i}{values},{:.4},0.012,{:.2},1.3,{},{status}",
            p.delivery_rate,
            p.false_suppressions,
            !dominated(p)
        );
    }
    text
}
