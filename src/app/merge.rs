//! `retrysim merge`: joins the point files of shard folders and writes the same final
//! files an unsharded sweep writes.

use std::io::Write;

use anyhow::Context;

use std::path::PathBuf;

use crate::cli::MergeArgs;
use crate::report::folder;
use crate::report::store;

pub(super) fn merge(args: MergeArgs) -> anyhow::Result<()> {
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("could not create '{}'", args.out.display()))?;
    folder::check_kind(&args.out, "sweep", false)?;
    let mut assembled = store::merge(&args.dirs, &args.out)?;
    let mut out = std::io::stdout().lock();
    for line in &assembled.report {
        writeln!(out, "{line}")?;
    }
    let points = store::Manifest::read(&args.out)?.map_or(0, |m| m.points.len());
    let load = crate::report::sweep_load::assemble(&args.out, points)?;
    assembled.written.extend(load);
    let charts = super::charts::draw_all(&args.out)?;
    for path in assembled.written.iter().chain(&charts) {
        writeln!(out, "wrote {}", path.display())?;
    }
    let mut written: Vec<PathBuf> = assembled.written.into_iter().chain(charts).collect();
    written.push(args.out.join("scenario.toml"));
    folder::finish(&args.out, "sweep", &assembled.digest, &written)
}
