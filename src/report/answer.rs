//! The top of `report.html`: the scenario's question, the answer in one sentence, why
//! (the lines of `recommendation.txt`), and every point's standing in a table whose
//! numbers are written for people (rates as percentages, counts as grouped integers).

use std::fmt::Write as _;

use super::html::escape;
use super::table::{Table, parse_f64};
use crate::sweep::recommend::explain::{grouped, setting, value};

/// What the answer section reads.
pub struct Sources<'a> {
    /// The scenario's `question`, if it has one.
    pub question: Option<&'a str>,
    /// The metric the objective optimises.
    pub metric: &'a str,
    /// `recommendation.csv`.
    pub table: Option<&'a Table>,
    /// `recommendation.txt`.
    pub why: Option<&'a str>,
}

/// Writes the answer section into `page`.
pub fn section(page: &mut String, s: &Sources) {
    page.push_str("<section id=\"recommendation\">\n<h2>Answer</h2>\n");
    if let Some(q) = s.question {
        let _ = writeln!(page, "<p class=\"question\">{}</p>", escape(q));
    }
    let Some(table) = s.table else {
        page.push_str("<p>No recommendation.csv in this directory.</p>\n</section>\n");
        return;
    };
    page.push_str(&answer_sentence(table, s.metric));
    if let Some(why) = s.why {
        why_list(page, why);
    }
    points_table(page, table, s.metric);
    page.push_str("</section>\n");
}

/// One sentence: the recommended settings and the objective's value there.
fn answer_sentence(table: &Table, metric: &str) -> String {
    let keys = table.swept_keys();
    let chosen = table
        .rows
        .iter()
        .find(|r| table.cell(r, "status") == Some("recommended"));
    let Some(row) = chosen else {
        return "<p class=\"answer\">No point meets the constraints: nothing is \
                recommended. The list below says which constraint each point breaks.</p>\n"
            .to_owned();
    };
    let settings: Vec<String> = keys
        .iter()
        .map(|k| {
            format!(
                "{} = {}",
                short(k),
                setting(table.cell(row, k).unwrap_or(""))
            )
        })
        .collect();
    let at = match (
        table.f64(row, "objective_mean"),
        table.f64(row, "objective_ci95"),
    ) {
        (Some(m), Some(h)) => format!(": {metric} {} ± {}", value(metric, m), half(metric, h)),
        (Some(m), None) => format!(": {metric} {}", value(metric, m)),
        _ => String::new(),
    };
    format!(
        "<p class=\"answer\">Answer: use <strong>{}</strong> (point {}){}.</p>\n",
        escape(&settings.join(", ")),
        escape(table.cell(row, "point").unwrap_or("")),
        escape(&at)
    )
}

fn short(key: &str) -> &str {
    key.strip_prefix("policy.").unwrap_or(key)
}

/// The explanation lines, the first (the answer again) left out.
fn why_list(page: &mut String, why: &str) {
    page.push_str("<h3>Why</h3>\n<ul class=\"why\">\n");
    for line in why.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let _ = match line.split_once(": ") {
            Some((label, rest)) => {
                writeln!(page, "<li><b>{}:</b> {}</li>", escape(label), escape(rest))
            }
            None => writeln!(page, "<li>{}</li>", escape(line)),
        };
    }
    page.push_str("</ul>\n");
}

/// Columns of the points table: (column, heading, whether the value is a rate of the
/// objective's kind).
fn columns(table: &Table, metric: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = vec![("point".into(), "point".into())];
    out.extend(
        table
            .swept_keys()
            .iter()
            .map(|k| (k.clone(), short(k).to_owned())),
    );
    out.push(("status".into(), "status".into()));
    let fixed = [
        ("objective_mean", format!("{metric} (mean)")),
        ("objective_ci95", "± 95%".to_owned()),
        (
            "diff_vs_recommended_mean",
            "paired difference to the recommended".to_owned(),
        ),
        ("diff_vs_recommended_ci95", "± 95%".to_owned()),
    ];
    out.extend(fixed.into_iter().map(|(c, h)| (c.to_owned(), h)));
    let after_breaks = table.headers.iter().skip_while(|h| *h != "breaks").skip(1);
    out.extend(after_breaks.map(|h| (h.clone(), h.trim_end_matches("_mean").replace('_', " "))));
    for (c, h) in [
        ("false_suppressions_mean", "false suppressions"),
        ("on_pareto_front", "on Pareto front"),
        ("breaks", "breaks"),
    ] {
        out.push((c.into(), h.into()));
    }
    out.retain(|(c, _)| table.column(c).is_some());
    out
}

/// A cell for people: the objective's metric in its own units, other `_rate` columns
/// as percentages, counts grouped.
fn cell(column: &str, text: &str, metric: &str) -> String {
    let Some(x) = parse_f64(text) else {
        return setting(text);
    };
    let unit = if column.starts_with("objective_") || column.starts_with("diff_vs_") {
        metric
    } else {
        column.trim_end_matches("_mean")
    };
    if column == "point" {
        return grouped(x as i64);
    }
    value(unit, x)
}

fn points_table(page: &mut String, table: &Table, metric: &str) {
    let columns = columns(table, metric);
    page.push_str("<details><summary>Every point</summary>\n<div class=\"table\"><table>\n<tr>");
    for (_, heading) in &columns {
        let _ = write!(page, "<th>{}</th>", escape(heading));
    }
    page.push_str("</tr>\n");
    for row in &table.rows {
        let class = match table.cell(row, "status") {
            Some("recommended") => " class=\"recommended\"",
            Some("infeasible") => " class=\"infeasible\"",
            _ => "",
        };
        let _ = write!(page, "<tr{class}>");
        for (column, _) in &columns {
            let text = table.cell(row, column).unwrap_or("");
            let _ = write!(page, "<td>{}</td>", escape(&cell(column, text, metric)));
        }
        page.push_str("</tr>\n");
    }
    page.push_str("</table></div>\n</details>\n");
}

/// A half-width at a precision that suits a mean: a count's mean is printed whole, so
/// `216 ± 13.682` would claim digits the mean does not have; it reads `216 ± 14`.
fn half(metric: &str, h: f64) -> String {
    let whole = !metric.ends_with("_s") && !metric.ends_with("_rate") && h.abs() >= 1.0;
    if whole {
        super::human::number(h, 0)
    } else {
        value(metric, h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_answer_names_the_settings_and_the_objective_value() {
        let csv = "point,policy.x,status,objective_mean,objective_ci95,breaks\n\
                   0,1,infeasible,0.99,0.01,a <= 1\n1,2,recommended,0.9667,0.001,\n";
        let table = Table::from_reader(csv.as_bytes()).unwrap();
        let mut page = String::new();
        let why = "recommendation: point 1\nties: none\ninfeasible: 1 point(s) break a <= 1";
        section(
            &mut page,
            &Sources {
                question: Some("Which x?"),
                metric: "delivery_rate",
                table: Some(&table),
                why: Some(why),
            },
        );
        assert!(page.contains("<p class=\"question\">Which x?</p>"));
        assert!(
            page.contains("use <strong>x = 2</strong> (point 1): delivery_rate 96.67% ± 0.10%.")
        );
        assert!(page.contains("<li><b>infeasible:</b> 1 point(s) break a &lt;= 1</li>"));
        assert!(page.contains("<tr class=\"infeasible\">"));
        assert!(page.find("class=\"answer\"") < page.find("<table>"));
    }

    #[test]
    fn a_count_interval_is_as_whole_as_its_mean() {
        assert_eq!(half("attempts_to_dead", 13.682), "14");
        assert_eq!(half("attempts_to_dead", 1_313.6), "1,314");
        assert_eq!(half("delivery_rate", 0.001), "0.10%");
        assert_eq!(half("ttd_p99_s", 5400.0), "1h 30m");
    }
}
