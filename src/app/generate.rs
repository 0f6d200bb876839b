//! `retrysim generate`: write a scenario's synthetic world in the import format.

use std::io::Write;

use anyhow::Context;

use super::load_scenario;
use crate::cli::GenerateArgs;
use crate::report::export;
use crate::report::folder;
use crate::scenario::WorkloadSpec;
use crate::study;

pub(super) fn generate(args: GenerateArgs) -> anyhow::Result<()> {
    let scenario = load_scenario(&args.scenario)?;
    anyhow::ensure!(
        matches!(scenario.workload, WorkloadSpec::Synthetic(_)),
        "{}: workload.kind is not \"synthetic\"; there is nothing to generate",
        scenario.origin
    );
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("could not create '{}'", args.out.display()))?;
    folder::refuse_overwriting_inputs(&args.out, &scenario.input_files(), |name| {
        matches!(name, "sends.csv" | "failures.csv")
    })?;
    let estimate = study::memory::estimate(&scenario)?;
    study::memory::check(estimate, 1, study::memory::limit(None), "generate")?;
    let world = study::build_world(&scenario, args.replication)?;
    let written = export::export(&world.workload, &world.errors, &args.out)?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{}: {} contacts, {} messages",
        scenario.name,
        world.workload.contacts.len(),
        world.workload.sends.len()
    )?;
    for path in written {
        writeln!(out, "wrote {}", path.display())?;
    }
    Ok(())
}
