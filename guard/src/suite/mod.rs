//! Readers of benchmark tools' result files. Each reader has a pure parser (`parse_*`: bytes → values, the
//! path only used in messages) and a directory walker that does the I/O; stdout is never scraped.

pub mod criterion;
pub mod gungraun;
pub mod id;
mod metric;
pub mod numpy;

pub use id::BenchId;
pub use metric::Metric;

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

/// A benchmark suite the guard checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Suite {
    /// gungraun (callgrind) instruction counts: deterministic.
    Instructions,
    /// Criterion wall-clock times: noisy, machine-specific.
    Wall,
}

impl Suite {
    /// The name used on the command line, in file names and in reports.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Instructions => "instructions",
            Self::Wall => "wall",
        }
    }

    /// The metric the suite gates on.
    #[must_use]
    pub const fn metric(self) -> Metric {
        match self {
            Self::Instructions => Metric::Ir,
            Self::Wall => Metric::MedianNs,
        }
    }
}

/// Bench profile, passed to the benches as `LANES_BENCH_PROFILE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Profile {
    /// The small set run on every pull request.
    Pr,
    /// Every op × backend × size.
    Full,
}

impl Profile {
    /// The name used in env vars and file names.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Pr => "pr",
            Self::Full => "full",
        }
    }
}

impl fmt::Display for Suite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One Criterion benchmark's current result: times in nanoseconds per iteration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WallResult {
    /// Criterion's `full_id` (`group/function/value`).
    pub id: String,
    /// Criterion's median estimate (ns per iteration).
    pub median_ns: f64,
    /// Criterion's mean estimate (ns per iteration).
    pub mean_ns: f64,
    /// Per-iteration times of each sample (`times[i] / iters[i]`), in sample order.
    pub samples_ns: Vec<f64>,
}

/// One gungraun benchmark's current callgrind metrics (`Ir` is always present).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IrResult {
    /// `group/function[/id]`.
    pub id: String,
    /// Event name (`Ir`, `EstimatedCycles`, …) → value of the new run.
    pub metrics: BTreeMap<String, f64>,
}

/// Most threads used to read result files: reading is a mix of system calls and JSON parsing, so a few
/// threads help even on two cores, and more would only compete with the rest of the machine.
const MAX_READERS: usize = 4;

/// Applies `f` to every item on up to [`MAX_READERS`] scoped threads, each over one contiguous chunk, and
/// returns the results in the order of `items`. On failure the error of the first failing item (in the order
/// of `items`) is returned, whichever thread met it first, so the outcome does not depend on scheduling.
///
/// # Errors
/// The first error `f` returns, in item order.
pub(crate) fn map_parallel<T, R, F>(items: &[T], f: F) -> crate::Result<Vec<R>>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> crate::Result<R> + Sync,
{
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .clamp(2, MAX_READERS);
    if items.len() < 64 {
        return items.iter().map(&f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let f = &f;
    let parts: Vec<crate::Result<Vec<R>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(f).collect::<crate::Result<Vec<R>>>()))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|payload| std::panic::resume_unwind(payload))
            })
            .collect()
    });
    let mut out = Vec::with_capacity(items.len());
    for part in parts {
        out.extend(part?);
    }
    Ok(out)
}

/// Whether a result file was written before `since` (then it is left over from an earlier run).
pub(crate) fn is_stale(path: &Path, since: Option<SystemTime>) -> bool {
    match since {
        None => false,
        Some(t) => std::fs::metadata(path)
            .and_then(|m| m.modified())
            .is_ok_and(|m| m < t),
    }
}

/// Checks that a value read from a tool's output is a finite, non-negative number.
pub(crate) fn finite_nonneg(
    value: f64,
    path: &Path,
    field: &str,
    hint: &str,
) -> crate::Result<f64> {
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(crate::Error::invalid(
            path,
            field,
            format!("expected a finite non-negative number, got {value}"),
            hint,
        ))
    }
}

/// Longest benchmark id accepted, in bytes (real ids are a few dozen).
pub const MAX_ID_BYTES: usize = 1_024;

/// Checks a benchmark id read from a file: non-empty, at most [`MAX_ID_BYTES`], no control characters (NUL,
/// line breaks, escapes). Ids come from the code under test; they are only compared, shown (escaped) and
/// passed as one argument to `cargo bench -- --exact`, never used to build a path, but an id that cannot be
/// shown on one line or passed as an argument is refused here with a message naming it.
///
/// # Errors
/// [`crate::Error::Invalid`] naming `path`, `field` and the id (quoted, cut to 80 characters).
pub(crate) fn check_id(id: &str, path: &Path, field: &str, hint: &str) -> crate::Result<()> {
    let shown = || format!("{:?}", id.chars().take(80).collect::<String>());
    let problem = if id.is_empty() {
        "is empty".to_string()
    } else if id.len() > MAX_ID_BYTES {
        format!(
            "id {}… is {} bytes long, more than {MAX_ID_BYTES}",
            shown(),
            id.len()
        )
    } else if let Some(c) = id.chars().find(|c| c.is_control()) {
        format!(
            "id {} contains the control character U+{:04X}; benchmark ids must be one line of printable text",
            shown(),
            u32::from(c)
        )
    } else {
        return Ok(());
    };
    Err(crate::Error::invalid(path, field, problem, hint))
}
