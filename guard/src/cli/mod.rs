//! The command line (scripts and CI rely on these exact names).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::suite::Profile;

mod comment;
pub use comment::CommentArgs;

/// Performance regression guard: checks Criterion and gungraun results against committed baselines,
/// thresholds.toml and NumPy reference timings. Exit codes: 0 pass, 1 a gate failed, 2 the check could not
/// be done.
#[derive(Debug, Parser)]
#[command(name = "guard", version)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Measure the base commit and the working tree here and now and compare them (or, with
    /// --against-baselines / --no-bench, compare the working tree with the stored baselines).
    Check(CheckArgs),
    /// Combine the JSON reports of `check --shard I/N` jobs into one report and one verdict (every shard
    /// exactly once, else exit 2).
    Merge(MergeArgs),
    /// Post the report as the one guard comment on a pull request (updated in place on every run).
    Comment(CommentArgs),
    /// Measure how often the paired wall-clock verdict raises a false alarm (A/A: identical code) and how
    /// often it catches known slowdowns (A/B: 1, 2, 5, 10 % more work, compute- and memory-bound), idle and
    /// with a CPU hog on one core; prints the table docs/SIGNAL.md records.
    Calibrate(CalibrateArgs),
    /// Manage baseline files.
    Baseline {
        /// Baseline action.
        #[command(subcommand)]
        action: BaselineCommand,
    },
}

/// `guard baseline …`.
#[derive(Debug, Subcommand)]
pub enum BaselineCommand {
    /// Run the benches (unless --no-bench) and store their results as the new baselines (with --shard: as
    /// a shard file under <baselines>/shards/, for `baseline merge`).
    Update(UpdateArgs),
    /// Combine the shard files of `baseline update --shard I/N` jobs into the suite's baseline, as one
    /// unsharded update would (every shard exactly once, one environment, else exit 2 and nothing written).
    Merge(BaselineMergeArgs),
}

/// Which suites to run and check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SuiteChoice {
    /// Both suites.
    All,
    /// Criterion wall-clock times (and the NumPy gate).
    Wall,
    /// gungraun instruction counts.
    Instructions,
}

/// Report format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A table for terminals and logs.
    Text,
    /// For PR comments and GitHub job summaries.
    Markdown,
    /// Versioned machine-readable report.
    Json,
}

/// Options shared by `check` and `baseline update`.
#[derive(Debug, Clone, Args)]
pub struct Common {
    /// Only read results already under the target dir; do not run the benches.
    #[arg(long)]
    pub no_bench: bool,
    /// Bench profile.
    #[arg(long, value_enum, default_value = "pr")]
    pub profile: Profile,
    /// Suites to run and check.
    #[arg(long, value_enum, default_value = "all")]
    pub suite: SuiteChoice,
    /// Cargo target directory holding criterion/ and gungraun/ results.
    #[arg(long, default_value = "target")]
    pub target_dir: PathBuf,
    /// Directory of the baseline files.
    #[arg(long, default_value = "baselines")]
    pub baselines: PathBuf,
    /// Run and check only shard I of N (1-based, e.g. 2/4): a deterministic, cost-balanced part of the
    /// benchmarks, chosen by id; combine the shards' JSON reports with `guard merge`, their baseline files
    /// with `guard baseline merge`.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<crate::shard::Shard>,
}

/// `guard check`.
#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// Shared options.
    #[command(flatten)]
    pub common: Common,
    /// Thresholds file.
    #[arg(long, default_value = "thresholds.toml")]
    pub thresholds: PathBuf,
    /// NumPy/PyTorch comparison JSON [default: <baselines>/numpy.json].
    #[arg(long)]
    pub numpy: Option<PathBuf>,
    /// Report format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Write the report to this file instead of stdout.
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Also write SVG charts into this directory (ratios vs NumPy/PyTorch, backends, baseline history).
    #[arg(long, value_name = "DIR")]
    pub plot: Option<PathBuf>,
    /// The commit to compare with, measured here and now in a worktree under the target dir [default: the
    /// merge base of HEAD with origin/HEAD, else main; HEAD's parent when that is HEAD on a clean tree].
    #[arg(long, value_name = "REV", conflicts_with = "against_baselines")]
    pub base: Option<String>,
    /// Compare with the stored files in --baselines instead of measuring the base commit (implied by
    /// --no-bench). NumPy numbers then come from <baselines>/numpy.json.
    #[arg(long)]
    pub against_baselines: bool,
    /// With stored baselines: instruction counts must match the record, so improvements, new, missing and
    /// incomparable instruction-count benchmarks fail too (exit 1), naming the refresh command. CI uses it:
    /// a commit that moves instruction counts refreshes baselines/instructions-pr.json in the same commit.
    #[arg(long, conflicts_with = "base")]
    pub strict: bool,
    /// Rounds per benchmark of the paired wall-clock comparison [default: wall_clock.rounds in
    /// thresholds.toml]. More rounds narrow the interval and take longer.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(2..=100))]
    pub rounds: Option<u32>,
}

/// `guard calibrate`.
#[derive(Debug, Clone, Args)]
pub struct CalibrateArgs {
    /// Cargo target directory (the calibration bench is built there; results under <target>/guard/calibrate).
    #[arg(long, default_value = "target")]
    pub target_dir: PathBuf,
    /// Thresholds file: its wall_clock rounds and confidence are calibrated.
    #[arg(long, default_value = "thresholds.toml")]
    pub thresholds: PathBuf,
    /// Paired runs per load condition; each gives 16 A/A and 8 A/B comparisons.
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub repeat: u32,
    /// Rounds per paired run [default: wall_clock.rounds in thresholds.toml].
    #[arg(long, value_parser = clap::value_parser!(u32).range(2..=100))]
    pub rounds: Option<u32>,
    /// Alternating pairs of batches per round [default: wall_clock.pairs].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub pairs: Option<u32>,
    /// Target duration of one batch, µs [default: wall_clock.batch_us].
    #[arg(long, value_parser = clap::value_parser!(u32).range(10..=1_000_000))]
    pub batch_us: Option<u32>,
    /// Which load conditions to measure.
    #[arg(long, value_enum, default_value = "both")]
    pub load: LoadChoice,
    /// Thresholds (percent) to tabulate, comma-separated [default: 0.5,1,1.5,2,3,5 and the configured one].
    #[arg(long, value_delimiter = ',')]
    pub thresholds_pct: Vec<f64>,
    /// Also write the tables (markdown) to this file.
    #[arg(long)]
    pub output: Option<PathBuf>,
}

/// Load conditions of `guard calibrate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LoadChoice {
    /// The machine as it is.
    Idle,
    /// With a busy-looping thread started by guard (one core's worth of load).
    Hog,
    /// Both, one after the other.
    Both,
}

impl CheckArgs {
    /// Whether the check compares with the stored baselines (else with the base commit measured now).
    #[must_use]
    pub const fn against_stored(&self) -> bool {
        self.against_baselines || self.common.no_bench
    }

    /// The stored NumPy/PyTorch numbers: `--numpy`, else `<baselines>/numpy.json`.
    #[must_use]
    pub fn numpy_file(&self) -> PathBuf {
        self.numpy
            .clone()
            .unwrap_or_else(|| self.common.baselines.join("numpy.json"))
    }
}

/// `guard merge`.
#[derive(Debug, Clone, Args)]
pub struct MergeArgs {
    /// The shards' reports (`guard check --shard I/N --format json`), in any order.
    #[arg(required = true, value_name = "REPORT")]
    pub reports: Vec<PathBuf>,
    /// Report format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Write the report to this file instead of stdout.
    #[arg(long)]
    pub output: Option<PathBuf>,
}

/// `guard baseline update`.
#[derive(Debug, Clone, Args)]
pub struct UpdateArgs {
    /// Shared options.
    #[command(flatten)]
    pub common: Common,
    /// Remove baseline entries of benchmarks that were not run (not with --shard: the other shards' entries
    /// would go).
    #[arg(long, conflicts_with = "shard")]
    pub prune: bool,
    /// Thresholds file, used to report which values changed beyond their threshold (optional).
    #[arg(long, default_value = "thresholds.toml")]
    pub thresholds: PathBuf,
}

/// `guard baseline merge`.
#[derive(Debug, Clone, Args)]
pub struct BaselineMergeArgs {
    /// The shards' files (`baseline update --shard I/N` writes <baselines>/shards/<name>.shard-I-of-N.json),
    /// in any order; files of both suites are merged per suite.
    #[arg(required = true, value_name = "SHARD_FILE")]
    pub shards: Vec<PathBuf>,
    /// Directory of the baseline files: each suite's merged baseline goes where `baseline update` would
    /// write it, merged into the file already there.
    #[arg(long, default_value = "baselines")]
    pub baselines: PathBuf,
    /// Write the merged baseline to this file instead (one suite only), merged into the file already there.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Remove baseline entries that no shard measured (as `baseline update --prune` does for a whole run).
    #[arg(long)]
    pub prune: bool,
    /// Thresholds file, used to report which values changed beyond their threshold (optional).
    #[arg(long, default_value = "thresholds.toml")]
    pub thresholds: PathBuf,
}

impl Common {
    /// The suites selected, in report order.
    #[must_use]
    pub fn suites(&self) -> Vec<crate::suite::Suite> {
        use crate::suite::Suite;
        match self.suite {
            SuiteChoice::All => vec![Suite::Instructions, Suite::Wall],
            SuiteChoice::Wall => vec![Suite::Wall],
            SuiteChoice::Instructions => vec![Suite::Instructions],
        }
    }
}
