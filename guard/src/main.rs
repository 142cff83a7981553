//! `guard` command line entry point: parse, run, map the outcome to exit code 0 / 1 / 2. A panic (a bug)
//! is caught and reported as exit code 2, never as a pass.

#![warn(clippy::too_many_lines)]

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = guard::cli::Cli::parse();
    let code = std::panic::catch_unwind(|| guard::run(&cli)).unwrap_or_else(|_| {
        eprintln!("guard: error: internal error (a bug in guard, please report it); no verdict was reached");
        2
    });
    ExitCode::from(u8::try_from(code).unwrap_or(2))
}
