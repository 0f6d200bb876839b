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
    /// Adds a `[sweep]` grid to the written scenario, e.g.
    /// `--grid policy.soft_bounce_threshold=3,5,10` (repeatable; values are TOML
    /// numbers, booleans or strings), so that `retrysim sweep` explores policies the
    /// log never saw.
    #[arg(long, value_name = "KEY=V1,V2,...")]
    pub grid: Vec<String>,
}

pub(super) fn calibrate(args: CalibrateArgs) -> anyhow::Result<()> {
    let fit = calibrate::fit(&args.dir)?;
    let mut text = calibrate::scenario_text(&fit, &args.dir);
    text.push_str(&grid_text(&args.grid)?);
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

/// The `[sweep]` table of the `--grid` options (empty without any).
fn grid_text(grid: &[String]) -> anyhow::Result<String> {
    if grid.is_empty() {
        return Ok(String::new());
    }
    let mut table = toml::Table::new();
    for g in grid {
        let (key, values) = g
            .split_once('=')
            .ok_or_else(|| anyhow::anyhow!("--grid {g:?}: expected KEY=V1,V2,..."))?;
        let values: Vec<toml::Value> = values.split(',').map(grid_value).collect();
        anyhow::ensure!(
            !key.is_empty() && !values.is_empty(),
            "--grid {g:?}: expected KEY=V1,V2,..."
        );
        table.insert(key.to_string(), toml::Value::Array(values));
    }
    let mut doc = toml::Table::new();
    doc.insert("sweep".into(), toml::Value::Table(table));
    Ok(format!("\n{}", toml::to_string(&doc)?))
}

/// A grid value: a TOML number or boolean where it reads as one, else a string (`84h`).
fn grid_value(text: &str) -> toml::Value {
    let text = text.trim();
    if let Ok(i) = text.parse::<i64>() {
        toml::Value::Integer(i)
    } else if let Ok(f) = text.parse::<f64>() {
        toml::Value::Float(f)
    } else if let Ok(b) = text.parse::<bool>() {
        toml::Value::Boolean(b)
    } else {
        toml::Value::String(text.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_grid_option_becomes_a_sweep_table() {
        let text = grid_text(&[
            "policy.soft_bounce_threshold=3,5".to_string(),
            "policy.retry_period=24h,84h".to_string(),
        ])
        .unwrap();
        let doc: toml::Table = text.parse().unwrap();
        let sweep = doc["sweep"].as_table().unwrap();
        assert_eq!(
            sweep["policy.soft_bounce_threshold"],
            toml::Value::Array(vec![3.into(), 5.into()])
        );
        assert_eq!(
            sweep["policy.retry_period"],
            toml::Value::Array(vec!["24h".into(), "84h".into()])
        );
        assert!(grid_text(&["no-equals".to_string()]).is_err());
        assert_eq!(grid_text(&[]).unwrap(), "");
    }
}
