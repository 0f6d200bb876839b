//! A JUnit XML report of a comparison, the format most CI systems display: one test
//! case per compared row (failing when one of its metrics regressed) and one failing
//! case per row or column that went missing.

use std::fmt::Write;

use super::Comparison;
use crate::report::html::escape;

/// The report as XML text; `suite` names the test suite (e.g. the baseline folder).
pub fn report(suite: &str, comparison: &Comparison) -> String {
    let mut cases = String::new();
    let mut failures = 0;
    for (file, row) in &comparison.rows {
        let moved: Vec<String> = comparison
            .regressions()
            .filter(|d| &d.file == file && &d.row == row)
            .map(|d| {
                format!(
                    "{}: baseline {}, now {}, allowed ±{}",
                    d.metric, d.baseline, d.now, d.allowed
                )
            })
            .collect();
        let failure = (!moved.is_empty()).then(|| moved.join("\n"));
        failures += usize::from(failure.is_some());
        case(&mut cases, file, row, failure.as_deref());
    }
    for m in &comparison.missing {
        failures += 1;
        case(&mut cases, "structure", m, Some(m));
    }
    let tests = comparison.rows.len() + comparison.missing.len();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{failures}\">\n{cases}  </testsuite>\n</testsuites>\n",
        escape(suite)
    )
}

fn case(out: &mut String, class: &str, name: &str, failure: Option<&str>) {
    let head = format!(
        "    <testcase classname=\"{}\" name=\"{}\"",
        escape(class),
        escape(name)
    );
    // Writing to a String cannot fail.
    let _ = match failure {
        None => writeln!(out, "{head}/>"),
        Some(text) => writeln!(
            out,
            "{head}>\n      <failure message=\"regression\">{}</failure>\n    </testcase>",
            escape(text)
        ),
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::{ResultTable, Tolerances, compare};

    fn comparison(now: &str) -> Comparison {
        let t = |s: &str| ResultTable::read("t", s.as_bytes()).unwrap();
        let base = t("point,delivered\n0,5\n1,6\n");
        compare(
            "summary.csv",
            &["point"],
            &base,
            &t(now),
            &Tolerances::default(),
        )
        .unwrap()
    }

    #[test]
    fn every_row_is_a_case_and_a_moved_row_fails() {
        let xml = report("base<1>", &comparison("point,delivered\n0,5\n1,7\n"));
        assert!(
            xml.contains("name=\"base&lt;1&gt;\" tests=\"2\" failures=\"1\""),
            "{xml}"
        );
        assert!(
            xml.contains("<testcase classname=\"summary.csv\" name=\"point=0\"/>"),
            "{xml}"
        );
        assert!(xml.contains("delivered: baseline 6, now 7"), "{xml}");
    }

    #[test]
    fn a_missing_row_is_a_failing_case() {
        let xml = report("b", &comparison("point,delivered\n0,5\n"));
        assert!(xml.contains("tests=\"2\" failures=\"1\""), "{xml}");
        assert!(xml.contains("row point=1 is missing"), "{xml}");
    }
}
