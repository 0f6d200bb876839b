//! The command line, declared with clap; doc comments are the help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Replays message sends and failures through retry and suppression rules, so that
/// soft-bounce thresholds, retry periods and retry jobs can be compared before they
/// change in production. Start with `retrysim sweep`: it sweeps the built-in default
/// scenario and writes its results, charts and report.html to output/default/.
#[derive(Debug, Parser)]
#[command(name = "retrysim", version, after_help = EXIT_CODES)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Documented in every `--help`.
pub const EXIT_CODES: &str = "Exit status: 0 on success, 1 when a scenario, an input file or an output \
    cannot be used (the message names the file, line and setting), 2 when the command line itself is wrong.";

/// `generate` writes only the workload, so its `--set` example is a workload key.
const GENERATE_SET_HELP: &str = "Override any scenario key by its dotted path, e.g. --set \
    workload.contacts=1000. Repeatable; values are TOML (numbers, true/false, \"text\") or plain text";

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run one policy point (every replication), print a summary, and write summary.csv,
    /// suppressions.csv, with --trace attempts.csv, and operator.csv when operators or the
    /// automatic job retried messages.
    #[command(after_help = EXIT_CODES)]
    Run(RunArgs),
    /// Run every point of the scenario's sweep table (grid or Latin hypercube) × its
    /// replications in parallel, with a progress bar on stderr, and write summary.csv,
    /// aggregate.csv, ttd.csv, recommendation.csv, scenario.toml, the charts (PNG and SVG)
    /// and report.html. Each finished point is kept under DIR/points/, so an interrupted
    /// sweep continues with --resume.
    #[command(after_help = EXIT_CODES)]
    Sweep(SweepArgs),
    /// Join the output folders of a sharded sweep (--shard) into the files an unsharded
    /// sweep writes.
    #[command(after_help = EXIT_CODES)]
    Merge(MergeArgs),
    /// Write the synthetic workload of a scenario as sends.csv and failures.csv, in the
    /// import format, so it can be inspected or replayed with `kind = "csv"`.
    #[command(after_help = EXIT_CODES, mut_arg("sets", |a| a.help(GENERATE_SET_HELP)))]
    Generate(GenerateArgs),
    /// Validate a scenario and print it with every default filled in.
    #[command(after_help = EXIT_CODES)]
    Check(CheckArgs),
    /// Redraw the charts (PNG and SVG) and report.html from the CSV files in DIR.
    #[command(after_help = EXIT_CODES)]
    Plot(PlotArgs),
    /// Print the reason, class and recommended wait of failure descriptions, one line each
    /// ("user_unknown hard 0s"), to check the classification table against real logs.
    #[command(after_help = EXIT_CODES)]
    Classify(ClassifyArgs),
    /// List the built-in presets (`policy.preset`): each one's name, summary, retry-period
    /// bounds and every setting, as the `[policy]` table of a scenario would hold them.
    #[command(after_help = EXIT_CODES)]
    Presets(PresetsArgs),
    /// Rerun a scenario and compare its summary.csv (and, for a sweep, aggregate.csv) with
    /// those of a baseline folder; print a table of every metric that moved.
    #[command(after_help = VERIFY_EXIT_CODES)]
    Verify(VerifyArgs),
    /// Read a mail or SMS platform's log and write sends.csv and failures.csv (the import
    /// format, so `kind = "csv"` replays them), observations.csv (every observed attempt)
    /// and import_report.txt (records read and skipped, by reason). See docs/IMPORT.md.
    #[command(after_help = EXIT_CODES)]
    Import(crate::app::import::ImportArgs),
    /// Fit the synthetic world's parameters (invalid and greylisting shares, contacts,
    /// channel mix) to a folder written by `import`, and write a scenario with each
    /// fitted value's interval and sample size as comments.
    #[command(after_help = EXIT_CODES)]
    Calibrate(crate::app::calibrate::CalibrateArgs),
    /// Print one CSV file of a results folder (aggregate.csv, summary.csv, ...) to stdout
    /// as an aligned table, every column or the ones named, e.g. `retrysim show
    /// output/default aggregate.csv --columns point,delivery_rate_mean --decimals 4`.
    #[command(after_help = EXIT_CODES)]
    Show(ShowArgs),
}

/// Options of `show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A folder written by `retrysim run`, `sweep`, `merge` or `import`.
    pub dir: PathBuf,
    /// The name of a CSV file in DIR, such as aggregate.csv.
    pub file: String,
    /// Print only these columns, in this order (comma-separated names) [default: every
    /// column].
    #[arg(long, value_name = "NAME,...", value_delimiter = ',')]
    pub columns: Vec<String>,
    /// Round every number that has a fractional part to N decimals (at most N, trailing
    /// zeros dropped, unless --raw) [default: as written].
    #[arg(long, value_name = "N")]
    pub decimals: Option<usize>,
    /// Print values exactly as the file holds them (`301996s`, `0.96674`) instead of for
    /// people (`3d 11h 53m 16s`, `96.67%`, `1,045.3`).
    #[arg(long)]
    pub raw: bool,
}

/// Options of `classify`.
#[derive(Debug, Args)]
pub struct ClassifyArgs {
    /// Failure descriptions: a whole diagnostic line ("550 5.1.1 <a@b.example>: User
    /// unknown"), or a lone code (an RFC 3463 status, an SMTP reply code, an SMS provider
    /// code or a reason name). Without any, a CSV with a header naming some of
    /// error_code, reply_code and diagnostic is read from stdin and written to stdout with
    /// reason, class and wait columns added.
    pub text: Vec<String>,
    /// A scenario file whose `[[errors]]` entries and `error_fallback` extend the built-in
    /// table; only those keys are read.
    #[arg(long, value_name = "FILE")]
    pub scenario: Option<PathBuf>,
}

/// Options of `presets`.
#[derive(Debug, Args)]
pub struct PresetsArgs {
    /// Show only these presets [default: every preset].
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,
}

/// The exit codes of `verify`, which a CI job reads.
pub const VERIFY_EXIT_CODES: &str = "Exit status: 0 when no metric moved more than allowed (or with \
    --update), 1 on a regression, 2 when the command line, the baseline or the scenario cannot be used.";

/// Options shared by commands that read a scenario.
#[derive(Debug, Args, Clone, Default)]
pub struct ScenarioArgs {
    /// The scenario file (TOML). Without it, the built-in default scenario is used.
    pub scenario: Option<PathBuf>,
    /// Override any scenario key by its dotted path, e.g. --set policy.soft_bounce_threshold=3.
    /// Repeatable; values are TOML (numbers, true/false, "text") or plain text.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub sets: Vec<String>,
    /// Seed of every random stream; overrides the scenario's `seed`.
    #[arg(long)]
    pub seed: Option<u64>,
}

/// Options of `run`.
#[derive(Debug, Args, Default)]
pub struct RunArgs {
    /// The scenario.
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Folder for the result files [default: output/NAME/run/, NAME being the scenario's
    /// name, so that a run never mixes with the sweep in output/NAME/].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Also write attempts.csv (every attempt with its number, badge, trigger, outcome and
    /// soft-bounce counter), and give operator.csv one row per message that a bulk retry
    /// or automatic job run visited instead of one row per reason with a count. Per-message
    /// rows are kept in memory until their replication is written.
    #[arg(long)]
    pub trace: bool,
    /// Worker threads for replications [default: all cores]. Results do not depend on it.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Refuse to start when the worlds held at once are estimated to need more memory
    /// than SIZE (e.g. 512M, 8G) [default: the memory the system reports available].
    #[arg(long, value_name = "SIZE", value_parser = crate::study::memory::parse_size)]
    pub memory_limit: Option<u64>,
    /// Replace the results of a `sweep` in DIR (without it, `run` refuses to mix its
    /// files with another command's).
    #[arg(long)]
    pub force: bool,
}

/// Options of `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The scenario.
    #[command(flatten)]
    pub scenario: ScenarioArgs,
}

/// Options of `generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// The scenario.
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Folder for sends.csv and failures.csv.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Which replication's world to write (each replication draws its own).
    #[arg(long, default_value_t = 0)]
    pub replication: u32,
}

/// Options of `plot`.
#[derive(Debug, Args)]
pub struct PlotArgs {
    /// A folder written by `retrysim sweep` or `retrysim run`.
    pub dir: PathBuf,
}

/// Options of `sweep`.
#[derive(Debug, Args, Default)]
pub struct SweepArgs {
    /// The scenario.
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Folder for the result files [default: output/NAME/, NAME being the scenario's name].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Worker threads [default: all cores]. The files written do not depend on it.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// The point differences are measured against, e.g.
    /// --baseline policy.soft_bounce_threshold=5,policy.retry_period=84h [default: the
    /// point with the scenario's own values outside the sweep table, else point 0].
    #[arg(long, value_name = "KEY=VALUE,...")]
    pub baseline: Option<String>,
    /// Skip the points already finished in DIR/points/ by an earlier, interrupted run of
    /// the same sweep.
    #[arg(long)]
    pub resume: bool,
    /// Run only shard K of N (points whose number modulo N is K-1, K from 1). "auto" reads
    /// SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT (and SLURM_ARRAY_TASK_MIN), or
    /// JOB_COMPLETION_INDEX and RETRYSIM_SHARD_COUNT [default: every point].
    #[arg(long, value_name = "K/N|auto")]
    pub shard: Option<String>,
    /// Refuse to start when the worlds held at once are estimated to need more memory
    /// than SIZE (e.g. 512M, 8G) [default: the memory the system reports available].
    #[arg(long, value_name = "SIZE", value_parser = crate::study::memory::parse_size)]
    pub memory_limit: Option<u64>,
    /// Replace the results of a `run` in DIR (without it, `sweep` refuses to mix its
    /// files with another command's).
    #[arg(long)]
    pub force: bool,
    /// After the sweep, print METRIC (a column of summary.csv) at every point: its mean
    /// and 95% half-width, and the paired difference against the baseline point with its
    /// half-width. Repeatable.
    #[arg(long, value_name = "METRIC")]
    pub show: Vec<String>,
}

/// Options of `verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// A folder written by `retrysim run` or `retrysim sweep` (or by `verify --update`):
    /// the results the rerun must reproduce. A folder with aggregate.csv is rerun as a
    /// sweep, otherwise as a run.
    #[arg(value_name = "BASELINE_DIR")]
    pub baseline: PathBuf,
    /// The scenario [default: BASELINE_DIR/scenario.toml, the scenario the baseline was
    /// made from, else the built-in default scenario].
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Allow METRIC (a column of summary.csv) to move by at most ABS in either direction,
    /// e.g. --tolerance delivery_rate=0.001. Covers the metric's columns in aggregate.csv
    /// too. Repeatable; every other metric must match exactly.
    #[arg(long = "tolerance", value_name = "METRIC=ABS")]
    pub tolerances: Vec<String>,
    /// Rewrite the baseline with the fresh results instead of failing on differences.
    #[arg(long)]
    pub update: bool,
    /// Also write a JUnit XML report to FILE, one test case per compared row.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Keep the fresh results in DIR [default: a temporary folder, removed afterwards].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Worker threads [default: all cores]. Results do not depend on it.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

/// Options of `merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The output folders of the shards, each written by `sweep --shard K/N`.
    #[arg(required = true, value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    /// Folder for the joined files; it may be one of the shard folders.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }
}
