//! `retrysim check`: validate a scenario and print it resolved.

use std::io::Write;

use anyhow::Context;

use super::load_scenario;
use crate::cli::CheckArgs;

pub(super) fn check(args: CheckArgs) -> anyhow::Result<()> {
    let scenario = load_scenario(&args.scenario)?;
    let text = toml::to_string(&scenario.resolved()).context("could not print the scenario")?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "# {}: valid; every default filled in", scenario.origin)?;
    out.write_all(text.as_bytes())?;
    Ok(())
}
