//! Tests of the whole chart set drawn from fixture directories.

use super::fixtures::{self, Fixture};
use super::*;

const FULL: Fixture = Fixture {
    keys: 2,
    ttd: true,
    recommendation: true,
};

/// Draws a fixture into a fresh temporary directory, or into
/// `$RETRYSIM_PREVIEW_DIR/keys<N>-ttd<bool>-rec<bool>` when set, so the images can be inspected by eye.
/// Tests share those preview directories, so use `--test-threads=1` with it.
fn draw(fixture: &Fixture) -> (tempfile::TempDir, PathBuf, Vec<PathBuf>) {
    let temp = tempfile::tempdir().unwrap();
    let dir = match std::env::var_os("RETRYSIM_PREVIEW_DIR") {
        Some(root) => {
            let Fixture {
                keys,
                ttd,
                recommendation,
            } = fixture;
            PathBuf::from(root).join(format!("keys{keys}-ttd{ttd}-rec{recommendation}"))
        }
        None => temp.path().to_owned(),
    };
    std::fs::create_dir_all(&dir).unwrap();
    fixtures::write(&dir, fixture);
    let written = draw_charts(&dir).unwrap().written;
    (temp, dir, written)
}

fn names(written: &[PathBuf]) -> Vec<String> {
    let name = |p: &PathBuf| p.file_name().unwrap().to_str().unwrap().to_owned();
    let mut names: Vec<String> = written.iter().map(name).collect();
    names.sort();
    names
}

fn svg(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(format!("{name}.svg"))).unwrap()
}

fn png_size(path: &Path) -> (u32, u32) {
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let be = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    (be(16), be(20))
}

/// Series lines drawn in a chart: each is a 3-pixel polyline, plus the same again
/// for its legend sample.
fn thick_lines(svg: &str) -> usize {
    svg.split("<polyline")
        .skip(1)
        .filter(|e| e.contains("stroke-width=\"3\""))
        .count()
}

#[test]
fn two_swept_keys_draw_lines_heatmap_cdf_and_pareto_but_no_summary() {
    let (_temp, _dir, written) = draw(&FULL);
    let expected: Vec<String> = [
        "decision",
        "delivery_rate",
        "heatmap",
        "paired",
        "pareto",
        "suppressions",
        "ttd_cdf",
    ]
    .iter()
    .flat_map(|n| [format!("{n}.png"), format!("{n}.svg")])
    .chain(["report.html".to_owned()])
    .collect();
    let mut expected = expected;
    expected.sort();
    assert_eq!(names(&written), expected);
}

#[test]
fn delivery_chart_names_scenario_metric_axes_and_one_line_per_period() {
    let (_temp, dir, _) = draw(&FULL);
    let svg = svg(&dir, "delivery_rate");
    assert!(svg.contains("threshold-study: delivery rate (%) by policy.soft_bounce_threshold"));
    assert!(svg.contains("delivery rate (% of messages)"));
    assert!(svg.contains(">\npolicy.soft_bounce_threshold (log scale)\n<"));
    assert!(svg.contains("retry_period=84h"));
    assert_eq!(thick_lines(&svg), 2 * 4);
    assert_eq!(svg.matches("<polygon").count(), 4, "one 95% band per line");
}

#[test]
fn other_charts_carry_their_titles_axes_and_series() {
    let (_temp, dir, _) = draw(&FULL);
    let suppressions = svg(&dir, "suppressions");
    assert!(suppressions.contains("threshold-study: suppressions by policy.soft_bounce_threshold"));
    assert!(suppressions.contains("contacts (mean per run)"));
    assert_eq!(
        thick_lines(&suppressions),
        2 * 4 + 4,
        "two panels of four lines, one legend"
    );
    let heatmap = svg(&dir, "heatmap");
    assert!(heatmap.contains("by policy.soft_bounce_threshold and policy.retry_period"));
    assert_eq!(
        heatmap.matches("<rect").count() - 50,
        32 + 1,
        "cells, colour bar, background"
    );
    let cdf = svg(&dir, "ttd_cdf");
    assert!(cdf.contains("time to deliver (hours after creation)"));
    assert!(cdf.contains("delivered messages (% of all delivered)"));
    assert_eq!(thick_lines(&cdf), 2 * 6, "at most six points");
    let pareto = svg(&dir, "pareto");
    assert!(pareto.contains("delivery rate vs false suppressions"));
    // The label carries the point number, the first column of the report's table.
    let label = "recommended: ";
    let settings = ": soft_bounce_threshold=20, retry_period=84h";
    let number = pareto
        .split(label)
        .nth(1)
        .and_then(|rest| rest.split(settings).next())
        .unwrap_or("");
    assert!(
        !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()),
        "recommended label without a point number: '{number}'"
    );
    assert!(
        cdf.contains(": soft_bounce_threshold="),
        "numbered cdf legend"
    );
    assert!(pareto.contains("false suppressions (mean contacts per run"));
}

#[test]
fn every_png_is_1200_by_800() {
    let (_temp, _dir, written) = draw(&FULL);
    let pngs: Vec<&PathBuf> = written
        .iter()
        .filter(|p| p.extension().unwrap() == "png")
        .collect();
    assert_eq!(pngs.len(), 7);
    for png in pngs {
        assert_eq!(png_size(png), (1200, 800), "{}", png.display());
    }
}

#[test]
fn one_swept_key_draws_single_lines_and_no_heatmap() {
    let (_temp, dir, written) = draw(&Fixture {
        keys: 1,
        ttd: true,
        recommendation: true,
    });
    let names = names(&written);
    assert!(
        !names
            .iter()
            .any(|n| n.starts_with("heatmap") || n.starts_with("summary"))
    );
    assert!(!dir.join("heatmap.svg").exists());
    assert_eq!(thick_lines(&svg(&dir, "delivery_rate")), 2);
}

#[test]
fn nothing_swept_draws_the_final_state_summary_only() {
    let (_temp, dir, written) = draw(&Fixture {
        keys: 0,
        ttd: false,
        recommendation: false,
    });
    assert_eq!(
        names(&written),
        ["report.html", "summary.png", "summary.svg"]
    );
    let summary = svg(&dir, "summary");
    assert!(summary.contains("threshold-study: final state of messages (mean per run)"));
    assert!(summary.contains("messages (mean per run)"));
    assert!(summary.contains("suppressed messages"));
    assert_eq!(png_size(&dir.join("summary.png")), (1200, 800));
}

#[test]
fn missing_ttd_and_recommendation_files_skip_their_charts() {
    let (_temp, dir, written) = draw(&Fixture {
        keys: 2,
        ttd: false,
        recommendation: false,
    });
    let names = names(&written);
    assert!(
        !names
            .iter()
            .any(|n| n.starts_with("ttd_cdf") || n.starts_with("pareto"))
    );
    assert!(dir.join("heatmap.png").exists());
}

#[test]
fn an_empty_directory_still_gets_a_report() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        names(&draw_charts(dir.path()).unwrap().written),
        ["report.html"]
    );
}

#[test]
fn same_input_gives_byte_identical_output_and_no_temporary_files() {
    let outputs: Vec<Vec<(String, Vec<u8>)>> = (0..2)
        .map(|_| {
            let dir = tempfile::tempdir().unwrap();
            fixtures::write(dir.path(), &FULL);
            let written = draw_charts(dir.path()).unwrap().written;
            let hidden = std::fs::read_dir(dir.path()).unwrap().flatten();
            assert!(
                hidden
                    .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
                    .count()
                    == 0
            );
            let mut files: Vec<(String, Vec<u8>)> = written
                .iter()
                .map(|p| {
                    (
                        p.file_name().unwrap().to_string_lossy().into_owned(),
                        std::fs::read(p).unwrap(),
                    )
                })
                .collect();
            files.sort();
            files
        })
        .collect();
    assert_eq!(outputs[0], outputs[1]);
}

#[test]
fn expected_skips_are_silent_and_missing_sweep_files_are_reported() {
    let notes = |fixture: &Fixture| {
        let dir = tempfile::tempdir().unwrap();
        fixtures::write(dir.path(), fixture);
        draw_charts(dir.path()).unwrap().notes
    };
    // A full sweep leaves out only the summary; a single run leaves out everything else.
    assert!(notes(&FULL).is_empty());
    let run = Fixture {
        keys: 0,
        ttd: false,
        recommendation: false,
    };
    assert!(notes(&run).is_empty());
    let sweep_without_files = Fixture {
        keys: 1,
        ttd: false,
        recommendation: false,
    };
    assert_eq!(
        notes(&sweep_without_files),
        [
            "skipped chart 'ttd_cdf': no ttd.csv",
            "skipped chart 'pareto': no recommendation.csv"
        ]
    );
    let empty = tempfile::tempdir().unwrap();
    let notes = draw_charts(empty.path()).unwrap().notes;
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(notes[0].starts_with("skipped chart 'summary'"));
}
