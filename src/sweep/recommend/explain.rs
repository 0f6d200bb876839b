//! The recommendation in words: the lines `retrysim sweep` prints and writes to
//! `recommendation.txt`, which `report.html` shows first.
//!
//! In order: the objective and constraints, the chosen point with the values that
//! decided it, the constraints that bind (they exclude a point that would score better),
//! the points tied by paired differences and the tie-break, the infeasible points by
//! the constraint each breaks, and the swept keys that make no difference somewhere.

use super::Objective;
use super::choice::{Choice, TieBreak, metric};
use super::no_effect;
use crate::sweep::aggregate::PointStats;

/// What the sentences talk about.
pub struct Context<'a> {
    /// The swept keys.
    pub keys: &'a [String],
    /// Each point's values in key order.
    pub values: &'a [Vec<String>],
    /// The statistics of every point.
    pub points: &'a [PointStats],
    /// The objective.
    pub objective: &'a Objective,
    /// The choice made.
    pub choice: &'a Choice,
    /// Sentences on keys without effect.
    pub no_effect: Vec<String>,
}

/// Groups the digits of an integer in threes: `12,345`.
pub fn grouped(x: i64) -> String {
    let digits = x.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if x < 0 { format!("-{out}") } else { out }
}

/// A duration for people, in its two largest units: `1d 12h`, `4m 10s`, `0s`.
pub fn duration(seconds: f64) -> String {
    let total = seconds.round().abs() as i64;
    let sign = if seconds.round() < 0.0 { "-" } else { "" };
    let units = [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)];
    let parts: Vec<String> = units
        .iter()
        .scan(total, |rest, &(unit, size)| {
            let n = *rest / size;
            *rest %= size;
            Some((n, unit))
        })
        .skip_while(|(n, _)| *n == 0)
        .take(2)
        .filter(|(n, _)| *n > 0)
        .map(|(n, unit)| format!("{n}{unit}"))
        .collect();
    if parts.is_empty() {
        "0s".to_owned()
    } else {
        format!("{sign}{}", parts.join(" "))
    }
}

/// A metric value for people: rates as percentages, times (`_s`) as durations, large or
/// whole numbers grouped.
pub fn value(metric: &str, x: f64) -> String {
    if metric.ends_with("_s") {
        duration(x)
    } else if metric.ends_with("_rate") {
        format!("{:.2}%", x * 100.0)
    } else if x.abs() >= 100.0 || (x - x.round()).abs() < 1e-9 {
        grouped(x.round() as i64)
    } else {
        format!("{x:.3}")
    }
}

/// A swept value for people. A Latin hypercube draws durations to the second
/// (`301996s`), which nobody reads at a glance, so a duration whose number has more than
/// two digits or a fraction is rewritten in its two largest units (`3d 11h`); short ones
/// a person wrote (`84h`, `30m`) and every other value stay as written.
pub fn setting(value: &str) -> String {
    let Some(unit_at) = value.len().checked_sub(1) else {
        return value.to_owned();
    };
    let size = match &value[unit_at..] {
        "s" => 1.0,
        "m" => 60.0,
        "h" => 3600.0,
        "d" => 86_400.0,
        _ => return value.to_owned(),
    };
    let number = &value[..unit_at];
    match number.parse::<f64>() {
        Ok(n) if n.is_finite() && n >= 0.0 && (number.len() > 2 || number.contains('.')) => {
            duration(n * size)
        }
        _ => value.to_owned(),
    }
}

/// A point named by its number and values: `point 5 (soft_bounce_threshold=5, ...)`.
pub fn point_name(keys: &[String], values: &[String], index: usize) -> String {
    let pairs: Vec<String> = keys
        .iter()
        .zip(values)
        .map(|(k, v)| format!("{}={}", no_effect::short(k), setting(v)))
        .collect();
    format!("point {index} ({})", pairs.join(", "))
}

impl Context<'_> {
    fn mean(&self, i: usize, name: &str) -> Option<f64> {
        self.points[i].metrics[metric(name)].mean.mean
    }

    fn name(&self, i: usize) -> String {
        point_name(self.keys, &self.values[i], self.points[i].index)
    }

    fn goal(&self) -> String {
        let o = self.objective;
        let verb = if o.maximize() { "maximize" } else { "minimize" };
        let mut goal = format!("{verb} {} (mean per run)", o.metric());
        if !o.constraints().is_empty() {
            let list: Vec<String> = o.constraints().iter().map(|c| c.text()).collect();
            goal.push_str(&format!(", subject to {}", list.join(" and ")));
        }
        goal
    }

    /// Every line, the answer first.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = vec![format!("objective: {}", self.goal())];
        let Some(best) = self.choice.best else {
            lines.insert(
                0,
                "recommendation: no point meets the constraints".to_owned(),
            );
            lines.extend(self.infeasible());
            lines.extend(self.no_effect.iter().map(|s| format!("note: {s}")));
            return lines;
        };
        lines.insert(0, self.headline(best));
        lines.extend(self.binding(best));
        lines.push(self.ties(best));
        lines.extend(self.infeasible());
        lines.extend(self.no_effect.iter().map(|s| format!("note: {s}")));
        lines
    }

    fn headline(&self, best: usize) -> String {
        let o = self.objective;
        let e = self.points[best].metrics[metric(o.metric())].mean;
        let interval = e.ci95.map_or(String::new(), |h| {
            format!(" ± {}", value(o.metric(), h).trim_start_matches('-'))
        });
        format!(
            "recommendation: {}: {} = {}{interval}",
            self.name(best),
            o.metric(),
            e.mean.map_or("-".to_owned(), |x| value(o.metric(), x)),
        )
    }

    /// The chosen point's value of each constraint metric, and whether the constraint
    /// excludes a point with a better mean objective (it binds).
    fn binding(&self, best: usize) -> Vec<String> {
        let o = self.objective;
        let sign = if o.maximize() { 1.0 } else { -1.0 };
        let score = |i: usize| self.mean(i, o.metric()).map(|x| sign * x);
        o.constraints()
            .iter()
            .enumerate()
            .map(|(k, c)| {
                let better = (0..self.points.len())
                    .filter(|&i| self.choice.breaks[i].contains(&k) && score(i) > score(best))
                    .count();
                let at = self
                    .mean(best, c.metric())
                    .map_or("-".to_owned(), |x| value(c.metric(), x));
                let verdict = if better > 0 {
                    format!(
                        "binding: it excludes {better} point(s) with a better {}",
                        o.metric()
                    )
                } else {
                    "not binding".to_owned()
                };
                format!("constraint {}: {} here; {verdict}", c.text(), at)
            })
            .collect()
    }

    fn ties(&self, best: usize) -> String {
        let others: Vec<usize> = (0..self.points.len())
            .filter(|&i| self.choice.tied[i] && i != best)
            .collect();
        if others.is_empty() {
            return format!(
                "ties: none; every other feasible point differs in {} by a paired 95% \
                 interval (common random numbers) that excludes zero",
                self.objective.metric()
            );
        }
        let numbers: Vec<String> = others
            .iter()
            .map(|&i| self.points[i].index.to_string())
            .collect();
        let rule = match self.choice.rule {
            TieBreak::Baseline => "it is the platform default (the baseline point)",
            TieBreak::FewestAttempts => "it makes the fewest attempts of the tied points",
            TieBreak::LowestPoint => "the tied points make equally few attempts; lowest point",
            TieBreak::BestMean => "it has the best mean",
        };
        format!(
            "ties: {} other point(s) are indistinguishable in {} (the 95% interval of the \
             paired difference holds zero): points {}; chosen because {rule}",
            others.len(),
            self.objective.metric(),
            numbers.join(", ")
        )
    }

    /// One line per broken constraint, listing the points that break it.
    fn infeasible(&self) -> Vec<String> {
        let o = self.objective;
        o.constraints()
            .iter()
            .enumerate()
            .filter_map(|(k, c)| {
                let breakers: Vec<String> = (0..self.points.len())
                    .filter(|&i| self.choice.breaks[i].contains(&k))
                    .map(|i| {
                        let at = self
                            .mean(i, c.metric())
                            .map_or("-".to_owned(), |x| value(c.metric(), x));
                        format!("{} at {at}", self.points[i].index)
                    })
                    .collect();
                (!breakers.is_empty()).then(|| {
                    format!(
                        "infeasible: {} point(s) break {}: points {}",
                        breakers.len(),
                        c.text(),
                        breakers.join(", ")
                    )
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drawn_durations_read_in_two_units_and_written_ones_stay() {
        assert_eq!(setting("301996s"), "3d 11h");
        assert_eq!(setting("802m"), "13h 22m");
        assert_eq!(setting("1.5d"), "1d 12h");
        assert_eq!(setting("84h"), "84h");
        assert_eq!(setting("30m"), "30m");
        assert_eq!(setting("20"), "20");
        assert_eq!(setting("sms_portal"), "sms_portal");
        assert_eq!(setting(""), "");
        assert_eq!(setting("max"), "max");
    }

    #[test]
    fn numbers_read_as_people_write_them() {
        assert_eq!(grouped(1234567), "1,234,567");
        assert_eq!(grouped(-950), "-950");
        assert_eq!(value("delivery_rate", 0.96671), "96.67%");
        assert_eq!(value("attempts_to_dead", 4348.4), "4,348");
        assert_eq!(value("attempts_per_delivered", 1.03456), "1.035");
        assert_eq!(value("ttd_p99_s", 132_481.0), "1d 12h");
        assert_eq!(duration(250.0), "4m 10s");
        assert_eq!(duration(3600.0), "1h");
        assert_eq!(duration(0.0), "0s");
    }
}
