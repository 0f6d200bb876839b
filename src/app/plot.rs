//! `retrysim plot DIR`: redraw the charts and the HTML report from CSV files alone.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;

use super::charts;
use crate::cli::PlotArgs;
use crate::report::folder;

pub(super) fn plot(args: PlotArgs) -> anyhow::Result<()> {
    anyhow::ensure!(
        args.dir.is_dir(),
        "'{}' is not a folder of results",
        args.dir.display()
    );
    let results = ["summary.csv", "aggregate.csv"];
    anyhow::ensure!(
        results.iter().any(|f| args.dir.join(f).is_file()),
        "'{}' holds no results (neither summary.csv nor aggregate.csv); \
         write some with `retrysim run` or `retrysim sweep` first",
        args.dir.display()
    );
    let record = folder::verify(&args.dir)?;
    let written = charts::draw_all(&args.dir)
        .with_context(|| format!("could not draw the charts of '{}'", args.dir.display()))?;
    let mut set: Vec<PathBuf> = record.files.keys().map(|n| args.dir.join(n)).collect();
    set.extend(written.iter().cloned());
    set.sort();
    set.dedup();
    folder::finish(&args.dir, &record.kind, &record.scenario, &set)?;
    let mut out = std::io::stdout().lock();
    for path in written {
        writeln!(out, "wrote {}", path.display())?;
    }
    Ok(())
}
