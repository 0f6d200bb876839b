//! Golden output: a small synthetic scenario's summary.csv and suppressions.csv must stay
//! byte-identical across refactors and optimisations for the same seed. When a change is
//! *meant* to alter results, regenerate with `RETRYSIM_BLESS=1 cargo test golden` and
//! explain the change in the commit message.

use std::path::Path;

use assert_cmd::Command;

fn golden_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden"))
}

#[test]
fn golden_scenario_output_is_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    Command::cargo_bin("retrysim")
        .unwrap()
        .arg("run")
        .arg(golden_dir().join("small.toml"))
        .arg("--out")
        .arg(dir.path())
        .assert()
        .success();
    for file in ["summary.csv", "suppressions.csv"] {
        let got = std::fs::read_to_string(dir.path().join(file)).unwrap();
        let golden = golden_dir().join(format!("small.{file}"));
        if std::env::var_os("RETRYSIM_BLESS").is_some() {
            std::fs::write(&golden, &got).unwrap();
        }
        let want = std::fs::read_to_string(&golden).unwrap_or_default();
        assert!(
            got == want,
            "{file} differs from {}; see this file's doc comment",
            golden.display()
        );
    }
}
