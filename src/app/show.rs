//! `retrysim show DIR FILE`: print one CSV file of a results folder as a text table.

use std::io::Write;

use anyhow::Context;

use crate::cli::ShowArgs;
use crate::report::show::{ShowOptions, render};
use crate::report::table::Table;

pub(super) fn show(args: ShowArgs) -> anyhow::Result<()> {
    // Only a bare file name: the command reads results, it is not a general file viewer.
    anyhow::ensure!(
        std::path::Path::new(&args.file).file_name() == Some(args.file.as_ref())
            && args.file.ends_with(".csv"),
        "FILE must be the name of a CSV file in the folder, such as aggregate.csv; got '{}'",
        args.file
    );
    let path = args.dir.join(&args.file);
    let table = Table::load(&path)?;
    let options = ShowOptions {
        columns: args.columns.clone(),
        decimals: args.decimals,
        raw: args.raw,
    };
    let text = render(&table, &options)
        .map_err(anyhow::Error::msg)
        .with_context(|| format!("--columns for '{}'", path.display()))?;
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(())
}
