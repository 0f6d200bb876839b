//! `retrysim calibrate DIR --out FILE`: a synthetic scenario fitted to an imported folder.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use crate::logs::calibrate;
use crate::report::atomic;
use crate::scenario::Scenario;

/// Options of `calibrate`.
#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// A folder written by `retrysim import` (its observations.csv is read).
    pub dir: PathBuf,
    /// The scenario file to write.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

pub(super) fn calibrate(args: CalibrateArgs) -> anyhow::Result<()> {
    let fit = calibrate::fit(&args.dir)?;
    let text = calibrate::scenario_text(&fit, &args.dir);
    let doc: toml::Table = text.parse()?;
    Scenario::from_document(doc, ".".into(), args.out.display().to_string())
        .map_err(|e| anyhow::anyhow!("the calibrated scenario does not validate: {e}"))?;
    let mut f = atomic::AtomicFile::create(&args.out)?;
    f.write_all(text.as_bytes())?;
    let path = f.commit()?;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    writeln!(out, "wrote {}", path.display())?;
    Ok(())
}
