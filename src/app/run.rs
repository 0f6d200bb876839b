//! `retrysim run`: one policy point, every replication, and its result files.

use std::io::Write;
use std::path::PathBuf;

use super::{begin_results, load_scenario, output_dir, with_threads, write_resolved};
use crate::cli::RunArgs;
use crate::report::folder;
use crate::report::store::fingerprint;
use crate::scenario::Scenario;
use crate::study::{self, memory, stream};

mod sink;
mod table;

pub(super) use sink::Finished;

pub(super) fn run(args: RunArgs) -> anyhow::Result<()> {
    let scenario = load_scenario(&args.scenario)?;
    if scenario.document.contains_key("sweep") {
        eprintln!(
            "note: this scenario has a [sweep] table; `run` runs its base point, `retrysim sweep` runs the grid"
        );
    }
    let dir = output_dir(args.out.as_deref(), &scenario, "run")?;
    begin_results(&dir, "run", args.force, &scenario)?;
    let estimate = memory::estimate(&scenario)?;
    let limit = memory::limit(args.memory_limit);
    let threads = args.threads.unwrap_or_else(rayon::current_num_threads);
    let worlds = |ahead| stream::worlds_at_once(threads, scenario.replications, ahead) as u64;
    memory::check(estimate, worlds(false), limit, "this run")?;
    // A traced run keeps one replication ahead (see `stream::worlds_at_once`) when that
    // extra world fits the limit too; otherwise it runs as an untraced one would.
    let ahead = args.trace && memory::fits(estimate, worlds(true), limit);
    let options = study::RunOptions::default().with_trace(args.trace);
    let mut sink = sink::Sink::open(&dir, &scenario, args.trace)?;
    let digest_of = || fingerprint::of(&scenario).map(|f| fingerprint::digest(&f));
    let (ran, digest) = std::thread::scope(|scope| {
        // Hashing an imported trace's files (a tenth of a replay) overlaps the
        // simulation on another core, unless the run was asked to use one thread. It
        // starts once the files are read, since the import itself uses both cores.
        let mut digest = None;
        let start_digest = || {
            if args.threads != Some(1) {
                digest = Some(scope.spawn(digest_of));
            }
        };
        let ran = with_threads(args.threads, || {
            stream::run_each(&scenario, options, ahead, start_digest, |r| sink.take(r))
        });
        let digest = digest.map(|d| d.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
        (ran, digest)
    });
    ran??;
    // The scenario and the record last, so the folder describes only complete results.
    let (mut written, runs) = sink.close()?;
    written.push(write_resolved(&dir, &scenario)?);
    let digest = digest.unwrap_or_else(digest_of)?;
    folder::finish(&dir, "run", &digest, &written)?;
    print_summary(&scenario, &runs, &written)?;
    Ok(())
}

fn print_summary(
    scenario: &Scenario,
    runs: &[Finished],
    written: &[PathBuf],
) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{}: {} replication(s), {} from {}",
        scenario.name,
        runs.len(),
        scenario.horizon,
        scenario.start
    )?;
    table::print(&mut out, runs)?;
    super::run_load::print_peaks(&mut out, runs)?;
    for path in written {
        writeln!(out, "wrote {}", path.display())?;
    }
    Ok(())
}
