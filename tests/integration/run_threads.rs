//! `retrysim run` writes the same bytes whatever the thread count: replications are
//! streamed (built when a worker takes them, written in replication order, dropped),
//! and every file must come out as one thread writes it (issue 18 items 2 and 6).

use std::collections::BTreeMap;
use std::path::Path;

use assert_cmd::Command;

/// Every file of a result folder, by name.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            (name, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Runs the default scenario shrunk to `contacts` with `extra` arguments, once per
/// thread count, and checks that every folder equals the one-thread folder.
fn same_files_for_thread_counts(contacts: &str, extra: &[&str], expected: &[&str]) {
    let tmp = tempfile::tempdir().unwrap();
    let mut folders = Vec::new();
    for threads in ["1", "2", "3"] {
        let out = tmp.path().join(format!("threads-{threads}"));
        Command::cargo_bin("retrysim")
            .unwrap()
            .args(["run", "--set", &format!("workload.contacts={contacts}")])
            .args(["--set", "replications=4", "--threads", threads, "--out"])
            .arg(&out)
            .args(extra)
            .assert()
            .success();
        folders.push(files(&out));
    }
    for name in expected {
        assert!(folders[0].contains_key(*name), "no {name}");
    }
    for (k, folder) in folders.iter().enumerate().skip(1) {
        assert_eq!(
            folder.keys().collect::<Vec<_>>(),
            folders[0].keys().collect::<Vec<_>>()
        );
        for (name, bytes) in folder {
            assert!(
                bytes == &folders[0][name],
                "{name} differs at thread count index {k}"
            );
        }
    }
}

#[test]
fn a_run_is_byte_identical_on_one_two_and_three_threads() {
    same_files_for_thread_counts("3000", &[], &["summary.csv", "suppressions.csv"]);
}

#[test]
fn a_traced_run_is_byte_identical_on_one_two_and_three_threads() {
    same_files_for_thread_counts("2000", &["--trace"], &["attempts.csv"]);
}

#[test]
fn an_operator_run_is_byte_identical_on_one_two_and_three_threads() {
    same_files_for_thread_counts(
        "1500",
        &[
            "--set",
            "operator.days=[\"mon\",\"thu\"]",
            "--set",
            "operator.at=\"10:00\"",
            "--trace",
        ],
        &["attempts.csv", "operator.csv"],
    );
}
