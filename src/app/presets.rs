//! `retrysim presets`: every built-in preset with its summary, its retry-period bounds
//! and every setting it gives, validated exactly as a scenario naming it would be.

use std::io::Write;

use anyhow::Context;

use crate::cli::PresetsArgs;
use crate::rules::presets;
use crate::scenario::{policy, resolve};

pub(super) fn presets(args: PresetsArgs) -> anyhow::Result<()> {
    let names: Vec<&str> = if args.names.is_empty() {
        presets::NAMES.to_vec()
    } else {
        args.names.iter().map(String::as_str).collect()
    };
    let mut out = std::io::stdout().lock();
    for name in names {
        out.write_all(describe(name)?.as_bytes())?;
    }
    Ok(())
}

/// The listing of one preset, as `retrysim presets` prints it: a comment block with its
/// summary and bounds, then its settings as a `[policy]` table.
pub fn describe(name: &str) -> anyhow::Result<String> {
    let preset = presets::preset(name).with_context(|| {
        format!(
            "unknown preset {name:?}; the presets are {}",
            presets::NAMES.join(", ")
        )
    })?;
    let mut base = toml::Table::new();
    base.insert("preset".into(), toml::Value::String(name.to_string()));
    let policies = policy::channel_policies(&base, &mut Vec::new())
        .map_err(|e| anyhow::anyhow!("built-in preset {name} is invalid: {e}"))?;
    let b = preset.bounds;
    let mut text = format!(
        "# {name}: {}\n# retry_period bounds: at most {}; at least {} (marketing), {} (transactional)\n",
        preset.description, b.max, b.min_marketing, b.min_transactional
    );
    let mut doc = toml::Table::new();
    doc.insert(
        "policy".into(),
        toml::Value::Table(resolve::to_table(&policies.email)),
    );
    text.push_str(&toml::to_string(&doc).context("could not print the preset")?);
    text.push('\n');
    Ok(text)
}
