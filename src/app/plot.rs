//! `retrysim plot DIR`: redraw the charts and the HTML report from CSV files alone.

use std::io::Write;

use anyhow::Context;

use crate::cli::PlotArgs;
use crate::report::charts;

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
    let written = charts::draw_all(&args.dir)
        .with_context(|| format!("could not draw the charts of '{}'", args.dir.display()))?;
    let mut out = std::io::stdout().lock();
    for path in written {
        writeln!(out, "wrote {}", path.display())?;
    }
    Ok(())
}
