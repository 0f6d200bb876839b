//! `retrysim show DIR FILE`: a result file on stdout, and clear errors for a column or a
//! file that is not there.

use assert_cmd::Command;

fn retrysim() -> Command {
    Command::cargo_bin("retrysim").expect("binary builds")
}

/// A results folder holding one small aggregate.csv.
fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("aggregate.csv"),
        "point,replications,policy.retry_period,delivery_rate_mean,delivered_mean\n\
         0,3,6h,0.966712,427083.333333\n1,3,84h,0.96,427000\n",
    )
    .unwrap();
    dir
}

#[test]
fn show_prints_the_named_columns_aligned_and_rounded() {
    let dir = folder();
    let out = retrysim()
        .arg("show")
        .arg(dir.path())
        .args([
            "aggregate.csv",
            "--columns",
            "policy.retry_period,delivery_rate_mean,point",
        ])
        .args(["--decimals", "3", "--raw"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "policy.retry_period  delivery_rate_mean  point\n\
         \x20                6h               0.967      0\n\
         \x20               84h               0.960      1\n"
    );
}

#[test]
fn show_writes_rates_as_percentages_and_groups_thousands_unless_raw() {
    let dir = folder();
    let out = retrysim()
        .arg("show")
        .arg(dir.path())
        .args([
            "aggregate.csv",
            "--columns",
            "point,delivery_rate_mean,delivered_mean",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "point  delivery_rate_mean  delivered_mean\n\
         \x20   0              96.67%         427,083\n\
         \x20   1              96.00%         427,000\n"
    );
}

#[test]
fn show_refuses_an_unknown_column_and_names_the_real_ones() {
    let dir = folder();
    let out = retrysim()
        .arg("show")
        .arg(dir.path())
        .args(["aggregate.csv", "--columns", "delivery_rate"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("no column 'delivery_rate'"), "{err}");
    assert!(err.contains("delivery_rate_mean"), "{err}");
    assert!(err.contains("aggregate.csv"), "{err}");
}

#[test]
fn show_reads_only_csv_files_inside_the_folder() {
    let dir = folder();
    for file in ["../aggregate.csv", "results.toml", "missing.csv"] {
        let out = retrysim()
            .arg("show")
            .arg(dir.path())
            .arg(file)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{file}");
        assert!(!out.stderr.is_empty(), "{file}");
    }
}
