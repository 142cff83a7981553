//! `guard`: the performance regression checker of this workspace.
//!
//! A pipeline you can see in the modules: [`suite`] reads tool output files (Criterion, gungraun, NumPy),
//! [`baseline`] loads and stores the committed baselines, [`thresholds`] parses `thresholds.toml`,
//! [`compare`] turns them into verdicts without any I/O, and [`report`] renders the verdicts as text,
//! markdown or JSON. [`app`] wires the commands together; [`bench`] and [`tools`] run external programs.
//! See `guard/README.md` for the commands, exit codes and file formats.

#![warn(clippy::too_many_lines)]

pub mod app;
pub mod baseline;
pub mod bench;
pub mod callgrind;
pub mod cli;
pub mod compare;
pub mod date;
pub mod error;
pub mod fingerprint;
pub mod fsio;
pub mod git;
pub mod github;
pub mod plot;
pub mod report;
pub mod rootcause;
pub mod rounds;
pub mod shard;
pub mod stats;
pub mod suite;
pub mod thresholds;
pub mod tools;

pub use error::{Error, Result};

use cli::{BaselineCommand, Cli, Command};

/// Runs a parsed command line and returns the process exit code: 0 pass, 1 a gate failed, 2 the check
/// could not be done (the error is printed on one line).
#[must_use]
pub fn run(cli: &Cli) -> i32 {
    let result = match &cli.command {
        Command::Check(args) => app::check(args).map(|o| o.exit_code()),
        Command::Comment(args) => app::comment(args).map(|()| 0),
        Command::Merge(args) => app::merge(args).map(|o| o.exit_code()),
        Command::Calibrate(args) => app::calibrate(args).map(|text| {
            print!("{text}");
            0
        }),
        Command::Baseline { action } => match action {
            BaselineCommand::Update(args) => app::update(args),
            BaselineCommand::Merge(args) => app::baseline_merge(args),
        }
        .map(|text| {
            print!("{text}");
            0
        }),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("guard: error: {}", e.to_string().replace('\n', " "));
            2
        }
    }
}
