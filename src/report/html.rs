//! `report.html`: one self-contained page with the scenario, the policy, a results
//! table, every chart inlined as SVG, and the recommendation.
//!
//! The page needs no network, no JavaScript and no files beside it, so it can be mailed
//! or attached to a ticket as is. Every piece of text taken from the inputs is escaped.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::chart_names::CHART_NAMES;
use super::table::Table;
use crate::sweep::recommend::explain::setting;

/// Metrics shown in the aggregate table, with their heading and a scale for display:
/// the outcome, then what only a simulator can count (false suppressions, attempts to
/// dead contacts, lost deliveries), then the cost side.
const HEADLINE: [(&str, &str, f64); 8] = [
    ("delivery_rate", "delivery rate (%)", 100.0),
    ("suppressed_contacts", "suppressed contacts", 1.0),
    ("false_suppressions", "false suppressions", 1.0),
    ("attempts_to_dead", "attempts to dead contacts", 1.0),
    ("lost_deliveries", "lost deliveries", 1.0),
    ("expired", "expired", 1.0),
    ("attempts", "attempts", 1.0),
    ("cost_total", "cost", 1.0),
];

// Wide tables scroll inside their own box instead of widening the page, numbers never
// wrap inside a cell, and charts shrink with the window but never grow past their
// drawn size.
const STYLE: &str = "body{font-family:sans-serif;max-width:1250px;margin:2em auto;\
padding:0 1em;color:#222}table{border-collapse:collapse}\
div.table{overflow-x:auto;margin:1em 0;max-width:100%}\
td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right;white-space:nowrap}\
th{white-space:normal;vertical-align:bottom}\
th{background:#f3f3f3}td.text,th.text{text-align:left}\
tr.recommended{background:#fde6d2;font-weight:bold}tr.infeasible{color:#777}\
p.question{font-style:italic;color:#444}p.answer{font-size:1.3em;margin:.5em 0}\
ul.why li{margin:.3em 0}summary{cursor:pointer;margin:.5em 0}\
pre{background:#f6f6f6;padding:1em;overflow:auto}\
pre{max-height:30em}\
figure{margin:1.5em 0}figcaption{color:#444}figure svg{display:block;max-width:100%;height:auto}";

/// Writes `dir/report.html` from the files in `dir` and returns its path.
pub fn write_report(dir: &Path) -> anyhow::Result<PathBuf> {
    let scenario = std::fs::read_to_string(dir.join("scenario.toml")).ok();
    let parsed = scenario
        .as_deref()
        .and_then(|t| t.parse::<toml::Table>().ok());
    let name = parsed
        .as_ref()
        .and_then(|t| t.get("name")?.as_str().map(str::to_owned));
    let name = name.unwrap_or_else(|| "retrysim".to_owned());
    let aggregate = Table::load_optional(&dir.join("aggregate.csv"))?;
    let recommendation = Table::load_optional(&dir.join("recommendation.csv"))?;

    let mut page = String::new();
    let title = format!("retrysim report: {}", escape(&name));
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{title}</h1>\n"
    );
    // The answer first, the evidence next, the inputs last: readers come for the
    // recommendation and the scenario text is long.
    let why = std::fs::read_to_string(dir.join("recommendation.txt")).ok();
    let question = parsed
        .as_ref()
        .and_then(|t| t.get("question")?.as_str().map(str::to_owned));
    super::answer::section(
        &mut page,
        &super::answer::Sources {
            question: question.as_deref(),
            metric: &objective_metric(parsed.as_ref()),
            table: recommendation.as_ref(),
            why: why.as_deref(),
        },
    );
    aggregate_section(&mut page, aggregate.as_ref());
    charts_section(&mut page, dir);
    policy_section(&mut page, parsed.as_ref());
    scenario_section(&mut page, scenario.as_deref());
    page.push_str("</body>\n</html>\n");

    let path = dir.join("report.html");
    super::atomic::write_bytes(&path, page.as_bytes())?;
    Ok(path)
}

/// Escapes text for use in HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn scenario_section(page: &mut String, text: Option<&str>) {
    page.push_str("<section id=\"scenario\">\n<h2>Scenario</h2>\n");
    match text {
        Some(text) => {
            let _ = writeln!(page, "<pre>{}</pre>", escape(text));
        }
        None => page.push_str("<p>No scenario.toml in this directory.</p>\n"),
    }
    page.push_str("</section>\n");
}

fn policy_section(page: &mut String, scenario: Option<&toml::Table>) {
    page.push_str("<section id=\"policy\">\n<h2>Policy</h2>\n");
    match scenario.and_then(|t| t.get("policy")?.as_table()) {
        Some(policy) => {
            let mut rows = Vec::new();
            flatten("", policy, &mut rows);
            page.push_str(
                "<div class=\"table\"><table>\n\
                 <tr><th class=\"text\">key</th><th class=\"text\">value</th></tr>\n",
            );
            for (key, value) in rows {
                let (key, value) = (escape(&key), escape(&value));
                let _ = writeln!(
                    page,
                    "<tr><td class=\"text\">{key}</td><td class=\"text\">{value}</td></tr>"
                );
            }
            page.push_str("</table></div>\n");
        }
        None => page.push_str("<p>The scenario has no [policy] table.</p>\n"),
    }
    page.push_str("</section>\n");
}

/// Lists a TOML table's leaves as dotted keys, so nested settings read as one row each.
fn flatten(prefix: &str, table: &toml::Table, rows: &mut Vec<(String, String)>) {
    for (key, value) in table {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            toml::Value::Table(inner) => flatten(&path, inner, rows),
            toml::Value::String(text) => rows.push((path, text.clone())),
            other => rows.push((path, other.to_string())),
        }
    }
}

fn aggregate_section(page: &mut String, aggregate: Option<&Table>) {
    page.push_str("<section id=\"aggregate\">\n<h2>Results by policy point</h2>\n");
    let Some(table) = aggregate else {
        page.push_str("<p>No aggregate.csv in this directory.</p>\n</section>\n");
        return;
    };
    page.push_str(
        "<p>Mean ± 95% confidence half-width across replications.</p>\n\
         <div class=\"table\"><table>\n<tr>",
    );
    let keys = table.swept_keys();
    let metrics: Vec<_> = HEADLINE
        .iter()
        .filter(|m| table.column(&format!("{}_mean", m.0)).is_some())
        .collect();
    let mut headings = vec!["point".to_owned()];
    headings.extend(
        keys.iter()
            .map(|k| k.strip_prefix("policy.").unwrap_or(k).to_owned()),
    );
    headings.extend(metrics.iter().map(|m| m.1.to_owned()));
    for heading in &headings {
        let _ = write!(page, "<th>{}</th>", escape(heading));
    }
    page.push_str("</tr>\n");
    for row in &table.rows {
        page.push_str("<tr>");
        for column in std::iter::once("point").chain(keys.iter().map(String::as_str)) {
            let _ = write!(
                page,
                "<td>{}</td>",
                escape(&setting(table.cell(row, column).unwrap_or("")))
            );
        }
        for (metric, _, scale) in &metrics {
            let mean = table.f64(row, &format!("{metric}_mean"));
            let ci = table.f64(row, &format!("{metric}_ci95"));
            // Counts read as whole numbers; rates and money keep two decimals.
            let digits = if *scale != 1.0 || *metric == "cost_total" {
                2
            } else {
                0
            };
            let _ = write!(page, "<td>{}</td>", mean_ci(mean, ci, *scale, digits));
        }
        page.push_str("</tr>\n");
    }
    page.push_str("</table></div>\n</section>\n");
}

/// `mean ± ci` at a precision that suits the size of the numbers.
fn mean_ci(mean: Option<f64>, ci: Option<f64>, scale: f64, digits: usize) -> String {
    let Some(mean) = mean else {
        return "–".to_owned();
    };
    let digits = if (mean * scale).abs() >= 1000.0 {
        0
    } else {
        digits
    };
    let show = |v: f64| group_thousands(&format!("{:.*}", digits, v * scale));
    match ci {
        Some(ci) => format!("{} ± {}", show(mean), show(ci)),
        None => show(mean),
    }
}

/// Puts a thin space between groups of three digits (`462975` → `462 975`) so large
/// counts can be compared at a glance; the thin space cannot be mistaken for a decimal
/// separator in any locale.
fn group_thousands(number: &str) -> String {
    let (sign, rest) = number.split_at(usize::from(number.starts_with('-')));
    let (whole, fraction) = rest.split_at(rest.find('.').unwrap_or(rest.len()));
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push('\u{2009}');
        }
        grouped.push(digit);
    }
    format!("{sign}{grouped}{fraction}")
}

/// What to look for in each chart.
fn caption(name: &str) -> &'static str {
    match name {
        "summary" => "Where every message ended: read the small bars from their labels.",
        "decision" => {
            "The metrics the recommendation weighs: points above (or below) a dashed bound \
             break that constraint and are crossed out, whatever they gain elsewhere."
        }
        "delivery_rate" => {
            "Delivery rate by setting; lines that coincide say so in the legend, and a zoomed \
             panel separates close values when one extreme squashes the rest."
        }
        "suppressions" => {
            "Suppressed contacts and, of those, false suppressions: a low threshold suppresses \
             addresses that would have recovered."
        }
        "heatmap" => {
            "Delivery rate in every cell of the grid; read small differences from the printed values."
        }
        "ttd_cdf" => {
            "How long retried messages took to arrive: curves further left deliver sooner."
        }
        "pareto" => {
            "The trade-off: up and left is better; the line joins the feasible points no \
             other feasible point beats on both axes; crosses break a constraint."
        }
        "load" => {
            "Attempts per minute over the run: after an outage or under a receiver's rate \
             limit, retry waves show as repeated peaks."
        }
        "paired" => {
            "Each point against the baseline, replication by replication: an interval that \
             crosses the grey line cannot be told from the baseline."
        }
        _ => "",
    }
}

fn charts_section(page: &mut String, dir: &Path) {
    page.push_str("<section id=\"charts\">\n<h2>Charts</h2>\n");
    let mut any = false;
    // The load chart exists only for worlds with limits (run or sweep).
    for name in CHART_NAMES.into_iter().chain(["load"]) {
        let path = dir.join(format!("{name}.svg"));
        let Ok(svg) = std::fs::read_to_string(&path) else {
            continue;
        };
        // Anything before the root element (an XML declaration) is invalid inside HTML.
        let start = svg.find("<svg").unwrap_or(0);
        let _ = writeln!(
            page,
            "<figure id=\"chart-{name}\">\n{}<figcaption>{} <small>({name}.svg, also \
             {name}.png)</small></figcaption>\n</figure>",
            &svg[start..],
            caption(name)
        );
        any = true;
    }
    if !any {
        page.push_str("<p>No charts were drawn for this directory.</p>\n");
    }
    page.push_str("</section>\n");
}

/// The metric `[objective]` optimises (delivery_rate when the scenario names none).
fn objective_metric(scenario: Option<&toml::Table>) -> String {
    let objective = scenario.and_then(|t| t.get("objective")?.as_table());
    ["maximize", "minimize"]
        .iter()
        .find_map(|k| objective?.get(*k)?.as_str())
        .unwrap_or("delivery_rate")
        .to_owned()
}

// These tests draw real charts first, so they need plotters.
#[cfg(all(test, feature = "charts"))]
mod tests {
    use super::*;
    use crate::report::charts::draw_charts;
    use crate::report::charts::fixtures::{self, Fixture};

    #[test]
    fn report_has_every_section_and_inlines_the_charts() {
        let dir = tempfile::tempdir().unwrap();
        fixtures::write(
            dir.path(),
            &Fixture {
                keys: 2,
                ttd: true,
                recommendation: true,
            },
        );
        draw_charts(dir.path()).unwrap();
        let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
        for id in [
            "scenario",
            "policy",
            "aggregate",
            "charts",
            "recommendation",
        ] {
            assert!(
                html.contains(&format!("<section id=\"{id}\">")),
                "section {id}"
            );
        }
        assert_eq!(html.matches("<svg").count(), 7);
        assert!(!html.contains("<script") && !html.contains("src=") && !html.contains("href="));
        assert!(
            html.contains(
                "<td class=\"text\">backoff.kind</td><td class=\"text\">exponential</td>"
            )
        );
        assert!(html.contains("<th>delivery rate (%)</th>"));
        assert!(html.contains("93.29 ± 1.20"));
        assert!(html.contains("<tr class=\"recommended\">"));
        let at = |id: &str| html.find(&format!("<section id=\"{id}\">")).unwrap();
        assert!(at("recommendation") < at("aggregate") && at("charts") < at("scenario"));
        assert!(
            html.contains("use <strong>soft_bounce_threshold = 20, retry_period = 84h</strong>")
        );
    }

    #[test]
    fn text_from_the_inputs_is_escaped() {
        let dir = tempfile::tempdir().unwrap();
        let scenario = "name = \"a<b & c\"\n[policy]\nnote = \"<i>x</i>\"\n";
        std::fs::write(dir.path().join("scenario.toml"), scenario).unwrap();
        let aggregate = "point,replications,policy.kind,delivery_rate_mean\n0,1,<script>,0.5\n";
        std::fs::write(dir.path().join("aggregate.csv"), aggregate).unwrap();
        let html = std::fs::read_to_string(write_report(dir.path()).unwrap()).unwrap();
        assert!(html.contains("<title>retrysim report: a&lt;b &amp; c</title>"));
        assert!(html.contains("&lt;script&gt;") && !html.contains("<script>"));
        assert!(html.contains("&lt;i&gt;x&lt;/i&gt;"));
        assert!(html.contains("No recommendation.csv"));
        assert!(html.contains("No charts were drawn"));
    }

    #[test]
    fn mean_and_interval_use_sensible_precision() {
        assert_eq!(mean_ci(Some(0.9), Some(0.01), 100.0, 2), "90.00 ± 1.00");
        assert_eq!(mean_ci(Some(840.67), Some(82.29), 1.0, 0), "841 ± 82");
        assert_eq!(mean_ci(Some(12_345.4), None, 1.0, 0), "12\u{2009}345");
        assert_eq!(
            mean_ci(Some(462_975.0), Some(2761.0), 1.0, 0),
            "462\u{2009}975 ± 2\u{2009}761"
        );
        assert_eq!(group_thousands("-1234.50"), "-1\u{2009}234.50");
        assert_eq!(mean_ci(None, Some(1.0), 1.0, 0), "–");
    }
}
