//! The commands, wiring readers, baselines, comparison and reports together. Everything here may do
//! I/O; the decisions themselves live in [`crate::compare`].

mod base;
mod baseline_merge;
mod calibrate;
mod check;
mod comment;
mod merge;
pub(crate) mod sharded;
mod update;
mod wall;

pub use baseline_merge::baseline_merge;
pub use calibrate::calibrate;
pub use check::{check, Outcome};
pub use comment::{comment, comment_body, post};
pub use merge::{combine, merge};
pub use update::update;

use std::fmt::Write as _;
use std::path::Path;
use std::time::SystemTime;

use crate::bench::Runner;
use crate::cli::Common;
use crate::error::Result;
use crate::suite::{criterion, gungraun, IrResult, Suite, WallResult};
use crate::tools;

/// Progress and remarks for people, on stderr (stdout carries the report).
pub(crate) fn say(message: &str) {
    eprintln!("guard: {message}");
}

/// The message for a suite that cannot run without valgrind.
pub(crate) const NO_VALGRIND: &str =
    "valgrind not found: install valgrind (apt-get install valgrind) to check instruction counts";

/// Current results of a suite: runs the bench first unless `--no-bench`. `Ok(None)`: skipped (the reason
/// was returned as the error-free message).
pub(crate) enum Current {
    /// Instruction counts.
    Instructions(Vec<IrResult>),
    /// Wall-clock results.
    Wall(Vec<WallResult>),
    /// Not run; why and how to enable it.
    Skipped(String),
}

pub(crate) fn current(common: &Common, suite: Suite, runner: &Runner) -> Result<Current> {
    if let Some(shard) = common.shard {
        return sharded::current(common, suite, runner, shard);
    }
    let tools_dir = &common.target_dir;
    // Results are read where this runner's cargo wrote them (the base has a target dir of its own).
    let target = &runner.target_dir;
    let since: Option<SystemTime> = if common.no_bench {
        None
    } else {
        match suite {
            Suite::Instructions => {
                if tools::valgrind().is_none() {
                    return Ok(Current::Skipped(NO_VALGRIND.into()));
                }
                let runner_path = tools::ensure_runner(tools_dir, &mut |m| say(m))?;
                say(&format!(
                    "running the instruction-count benches ({} profile)",
                    common.profile.name()
                ));
                Some(runner.instructions(&runner_path)?)
            }
            Suite::Wall => {
                say(&format!(
                    "running the wall-clock benches ({} profile)",
                    common.profile.name()
                ));
                Some(runner.wall(None)?)
            }
        }
    };
    Ok(match suite {
        Suite::Instructions => {
            Current::Instructions(gungraun::read_dir(&target.join("gungraun"), since)?)
        }
        Suite::Wall => Current::Wall(criterion::read_dir(&target.join("criterion"), since)?),
    })
}

/// The command that refreshes a suite's baseline.
pub(crate) fn update_command(common: &Common, suite: Suite) -> String {
    let mut s = format!(
        "guard baseline update --suite {} --profile {}",
        suite.name(),
        common.profile.name()
    );
    if common.baselines != Path::new("baselines") {
        let _ = write!(s, " --baselines {}", common.baselines.display());
    }
    s
}
