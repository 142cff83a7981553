//! `guard baseline update`, and what `guard baseline merge` does the same way: the lock on the baselines
//! directory, the optional thresholds, the description of what changed.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use super::{current, say, sharded, Current};
use crate::baseline::WallStats;
use crate::baseline::{self, BaselineFile, Changes, Values};
use crate::bench::Runner;
use crate::cli::UpdateArgs;
use crate::date::Date;
use crate::error::Result;
use crate::fingerprint::Fingerprint;
use crate::fsio;
use crate::report::fmt_value;
use crate::shard::Shard;
use crate::suite::Suite;
use crate::thresholds::Thresholds;

/// Runs the benches (unless `--no-bench`), merges their results into the baseline files (with `--shard`:
/// stores them as the shard's file) and prints what changed. Returns the text printed.
///
/// # Errors
/// Any [`crate::Error`] (exit code 2); existing baseline files are left intact.
pub fn update(args: &UpdateArgs) -> Result<String> {
    let common = &args.common;
    let thresholds = thresholds_or_default(&args.thresholds)?;
    let _lock = lock_baselines(&common.baselines)?;
    let runner = Runner::here(common.profile, common.target_dir.clone());
    let today = Date::today().to_string();
    let mut out = String::new();
    for suite in common.suites() {
        let threshold = |id: &str| thresholds.rule(suite, id).max_regression_pct;
        let to = Store {
            dir: &common.baselines,
            suite,
            fingerprint: Fingerprint::probe(suite, common.profile.name(), &common.target_dir)?,
            today: today.clone(),
            prune: args.prune,
            shard: common.shard,
            threshold: &threshold,
        };
        let described = match current(common, suite, &runner)? {
            Current::Skipped(message) => {
                let _ = writeln!(out, "{suite}: skipped — {message}");
                continue;
            }
            Current::Instructions(results) => {
                to.store(results.into_iter().map(|r| (r.id, r.metrics)).collect())?
            }
            Current::Wall(results) => to.store(
                results
                    .iter()
                    .map(|r| (r.id.clone(), WallStats::from(r)))
                    .collect(),
            )?,
        };
        out += &described;
    }
    match common.shard {
        Some(shard) => say(&format!(
            "shard {shard} written; once every shard has run, combine the shard files with `guard baseline \
             merge {}/*.json`",
            common.baselines.join("shards").display()
        )),
        None => say("baselines updated"),
    }
    Ok(out)
}

/// Where and how one suite's new results are stored.
struct Store<'a> {
    dir: &'a Path,
    suite: Suite,
    fingerprint: Fingerprint,
    today: String,
    prune: bool,
    shard: Option<Shard>,
    threshold: &'a dyn Fn(&str) -> f64,
}

impl Store<'_> {
    /// Merges `results` into the suite's baseline and stores it. With a shard, the baseline stays as it is
    /// (every shard of a refresh partitions by it): `results` alone are stored as the shard's file, and the
    /// description says what they change in the shard's part of the baseline. Returns the description.
    fn store<T: Values>(self, results: BTreeMap<String, T>) -> Result<String> {
        let whole = baseline::path(self.dir, self.suite, &self.fingerprint);
        let old = BaselineFile::<T>::load(&whole, self.suite)?;
        let Some(shard) = self.shard else {
            let (file, changes) = baseline::merge(
                old,
                results,
                self.fingerprint,
                self.suite,
                self.today,
                self.prune,
                self.threshold,
            );
            file.store(&whole)?;
            return Ok(describe(self.suite, &whole, &changes));
        };
        let path = baseline::shard_path(self.dir, self.suite, &self.fingerprint, shard);
        let old = old.map(|mut f| {
            f.benchmarks = sharded::restrict(Some(shard), self.suite, f.benchmarks);
            f
        });
        let measured: BTreeSet<String> = results.keys().cloned().collect();
        let (mut file, changes) = baseline::merge(
            old,
            results,
            self.fingerprint,
            self.suite,
            self.today,
            false,
            self.threshold,
        );
        file.benchmarks.retain(|id, _| measured.contains(id));
        file.shard = Some(shard);
        fsio::create_dir_all(fsio::parent_dir(&path))?;
        file.store(&path)?;
        Ok(describe(self.suite, &path, &changes))
    }
}

/// The thresholds in `path`, or the defaults when there is no such file (they only sort the changes).
pub(super) fn thresholds_or_default(path: &Path) -> Result<Thresholds> {
    if path.exists() {
        Thresholds::read(path)
    } else {
        Ok(Thresholds::default())
    }
}

/// Creates the baselines directory `dir` and locks it: two writers at once would each merge into the file
/// the other is replacing, so the second one refuses. Removes the temporary files an interrupted writer left
/// in it (and in its `shards/`).
pub(super) fn lock_baselines(dir: &Path) -> Result<fsio::DirLock> {
    fsio::create_dir_all(dir)?;
    let lock = fsio::lock_dir(dir)?;
    let shards = dir.join("shards");
    let mut leftovers = fsio::remove_leftover_temps(dir)?;
    if fsio::is_real_dir(&shards) {
        leftovers += fsio::remove_leftover_temps(&shards)?;
    }
    if leftovers > 0 {
        say(&format!(
            "removed {leftovers} temporary file(s) left in {} by an interrupted update",
            dir.display()
        ));
    }
    Ok(lock)
}

/// What a write of a suite's baseline file changed, for people.
pub(super) fn describe(suite: Suite, path: &Path, c: &Changes) -> String {
    let mut s = format!(
        "{suite}: wrote {} — {} added, {} removed, {} changed beyond threshold, {} within threshold, {} kept (not run)\n",
        path.display(),
        c.added.len(),
        c.removed.len(),
        c.changed.len(),
        c.unchanged,
        c.kept
    );
    if !c.environment.is_empty() {
        s += "  environment changed, old values dropped:\n";
        for d in &c.environment {
            let _ = writeln!(s, "    {d}");
        }
    }
    let metric = suite.metric();
    for id in &c.added {
        let _ = writeln!(s, "  + {id}");
    }
    for id in &c.removed {
        let _ = writeln!(s, "  - {id}");
    }
    for (id, a, b, pct) in &c.changed {
        let _ = writeln!(
            s,
            "  ~ {id}: {} → {} ({pct:+.2}%)",
            fmt_value(&metric, Some(*a)),
            fmt_value(&metric, Some(*b))
        );
    }
    s
}
