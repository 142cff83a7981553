//! `guard baseline merge`: each suite's baseline from the shard files of `guard baseline update --shard I/N`
//! jobs. The shards' results are merged into the baseline already there exactly as one unsharded
//! `guard baseline update` merges its results (entries kept or pruned, old values dropped when the
//! environment changed, the same description of the changes), so a sharded refresh writes the same file,
//! byte for byte.
//!
//! The rules are `guard merge`'s ([`crate::baseline::shards`]): every shard `1..=N` exactly once, one N, one
//! profile, one environment, no benchmark in two shards, else exit 2. Every input is read and checked before
//! the baselines directory is touched, and every output is merged in memory before the first is written
//! (atomically), so a refusal leaves every baseline file as it was.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::say;
use super::update::{describe, lock_baselines, thresholds_or_default};
use crate::baseline::shards::{self, Union};
use crate::baseline::{self, BaselineFile, Values};
use crate::baseline::{IrStats, WallStats};
use crate::cli::BaselineMergeArgs;
use crate::error::{Error, Result};
use crate::fsio;
use crate::suite::Suite;
use crate::thresholds::Thresholds;

/// Reads the shard files, merges each suite's into its baseline and writes it. Returns the text printed.
///
/// # Errors
/// [`Error`] for unreadable files and the refusals listed in the module docs (exit code 2).
pub fn baseline_merge(args: &BaselineMergeArgs) -> Result<String> {
    let thresholds = thresholds_or_default(&args.thresholds)?;
    let mut by_suite: BTreeMap<Suite, Vec<(PathBuf, Vec<u8>)>> = BTreeMap::new();
    for path in &args.shards {
        let bytes = fsio::read(path)?;
        let suite = shards::suite_of(&bytes, path)?;
        by_suite
            .entry(suite)
            .or_default()
            .push((path.clone(), bytes));
    }
    if let Some(output) = args.output.as_deref().filter(|_| by_suite.len() > 1) {
        let suites: Vec<&str> = by_suite.keys().map(|s| s.name()).collect();
        return Err(Error::Other(format!(
            "--output {}: names one file, but the shard files hold {} suites ({}): pass the shard files \
             of one suite, or leave out --output to write each suite's baseline into --baselines",
            output.display(),
            suites.len(),
            suites.join(", ")
        )));
    }
    let ir = match by_suite.remove(&Suite::Instructions) {
        Some(files) => Some(union::<IrStats>(Suite::Instructions, files)?),
        None => None,
    };
    let wall = match by_suite.remove(&Suite::Wall) {
        Some(files) => Some(union::<WallStats>(Suite::Wall, files)?),
        None => None,
    };
    // Every input is checked: now the baselines.
    let dir = args
        .output
        .as_deref()
        .map_or(args.baselines.as_path(), fsio::parent_dir);
    let _lock = lock_baselines(dir)?;
    let mut merged = Vec::new();
    if let Some(u) = ir {
        merged.push(into_baseline(args, &thresholds, Suite::Instructions, u)?);
    }
    if let Some(u) = wall {
        merged.push(into_baseline(args, &thresholds, Suite::Wall, u)?);
    }
    let mut out = String::new();
    for m in merged {
        fsio::write_atomic(&m.path, m.json.as_bytes())?;
        out += &m.description;
    }
    say("baselines merged");
    Ok(out)
}

/// A merged baseline, ready to be written.
struct Merged {
    path: PathBuf,
    json: String,
    description: String,
}

/// Parses one suite's shard files and combines them.
fn union<T: Values>(suite: Suite, files: Vec<(PathBuf, Vec<u8>)>) -> Result<Union<T>> {
    let mut parsed = Vec::with_capacity(files.len());
    for (path, bytes) in files {
        let file = BaselineFile::<T>::parse(&bytes, &path, suite)?;
        parsed.push((path, file));
    }
    shards::union(parsed)
}

/// Merges the shards' results into the suite's baseline, as `guard baseline update` merges a whole run's.
fn into_baseline<T: Values>(
    args: &BaselineMergeArgs,
    thresholds: &Thresholds,
    suite: Suite,
    u: Union<T>,
) -> Result<Merged> {
    let path = args
        .output
        .clone()
        .unwrap_or_else(|| baseline::path(&args.baselines, suite, &u.fingerprint));
    let old = BaselineFile::<T>::load(&path, suite)?;
    let threshold = |id: &str| thresholds.rule(suite, id).max_regression_pct;
    let (file, changes) = baseline::merge(
        old,
        u.benchmarks,
        u.fingerprint,
        suite,
        u.updated,
        args.prune,
        &threshold,
    );
    say(&format!("{suite}: {}", u.set.describe()));
    Ok(Merged {
        json: file.to_json()?,
        description: describe(suite, &path, &changes),
        path,
    })
}
