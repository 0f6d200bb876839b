//! The `retrysim` binary: parses the command line and hands over to the library.

mod app;
mod cli;

use std::process::ExitCode;

use clap::Parser;
// The command modules name the library's modules by `crate::` paths, as they did when
// they lived in the library; these imports keep those paths valid in the binary.
use retrysim::{logs, metrics, report, rules, scenario, sim, study, sweep, time, verify, workload};

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match app::execute(cli) {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {err:#}");
            if err.is::<app::UsageError>() {
                ExitCode::from(2)
            } else {
                ExitCode::from(1)
            }
        }
    }
}

/// A closed stdout (e.g. `retrysim check x | head`) is not a failure.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
