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

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run one policy point (every replication), print a summary, and write summary.csv,
    /// suppressions.csv, and with --trace attempts.csv (and operator.csv when operators
    /// retried messages).
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
    #[command(after_help = EXIT_CODES)]
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
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The scenario.
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Folder for the result files [default: output/NAME/, NAME being the scenario's name].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Also write attempts.csv: every attempt with its number, badge, trigger and outcome.
    #[arg(long)]
    pub trace: bool,
    /// Worker threads for replications [default: all cores]. Results do not depend on it.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
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
    /// Which replication's world to write (each replication draws its own) [default: 0].
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
#[derive(Debug, Args)]
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
