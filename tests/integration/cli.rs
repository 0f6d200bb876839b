//! Command-line behaviour: commands, files written, and errors for bad input.

use assert_cmd::Command;

fn retrysim() -> Command {
    Command::cargo_bin("retrysim").expect("binary builds")
}

#[test]
fn run_on_the_default_scenario_prints_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    let out = retrysim()
        .args(["run", "--out"])
        .arg(dir.path())
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(stdout.contains("delivered"), "{stdout}");
    assert!(dir.path().join("summary.csv").exists());
    assert!(dir.path().join("suppressions.csv").exists());
}
