//! `--shard I/N` for `check` and `baseline update`: which benchmarks this job runs and compares.
//!
//! The ids are the benches' own listing (`--list`) plus the baseline's ids; the partition is
//! [`crate::shard::assign`] with the baseline values as costs, so each id's shard depends only on the id and
//! the baseline. With `--no-bench` the results already under the target dir stand in for the listing.

use std::collections::{BTreeMap, BTreeSet};
use std::time::SystemTime;

use super::{say, Current, NO_VALGRIND};
use crate::baseline::{self, BaselineFile, Values};
use crate::baseline::{IrStats, WallStats};
use crate::bench::Runner;
use crate::cli::Common;
use crate::error::Result;
use crate::fingerprint::Fingerprint;
use crate::shard::{self, Shard};
use crate::suite::{criterion, gungraun, Suite};
use crate::tools;

/// The cost of running one benchmark, for balancing: its `Ir` (valgrind's run time grows with it); for
/// wall-clock 1 each, since Criterion spends the same warm-up and measurement time on every benchmark.
fn cost(suite: Suite, value: f64) -> f64 {
    match suite {
        Suite::Instructions => value,
        Suite::Wall => 1.0,
    }
}

/// The ids of `shard`: the partition is decided by `ids` together with the baseline's ids (`cost`), so every
/// job of a matrix computes the same one whatever it found on disk.
fn shard_ids<'a>(
    ids: impl Iterator<Item = &'a str>,
    cost: &'a BTreeMap<String, f64>,
    shard: Shard,
) -> BTreeSet<String> {
    shard::select(ids.chain(cost.keys().map(String::as_str)), cost, shard)
}

/// The results of `shard` among `results`.
fn in_shard<T>(
    mut results: Vec<T>,
    id: impl Fn(&T) -> &str,
    cost: &BTreeMap<String, f64>,
    shard: Shard,
) -> Vec<T> {
    let keep = shard_ids(results.iter().map(&id), cost, shard);
    results.retain(|x| keep.contains(id(x)));
    results
}

/// The balancing cost of each benchmark in the suite's baseline (empty without a baseline file).
fn costs(common: &Common, suite: Suite) -> Result<BTreeMap<String, f64>> {
    fn load<T: Values>(path: &std::path::Path, suite: Suite) -> Result<BTreeMap<String, f64>> {
        Ok(BaselineFile::<T>::load(path, suite)?
            .map(|f| {
                f.benchmarks
                    .into_iter()
                    .map(|(id, v)| (id, cost(suite, v.value())))
                    .collect()
            })
            .unwrap_or_default())
    }
    let fp = Fingerprint::probe(suite, common.profile.name(), &common.target_dir)?;
    let path = baseline::path(&common.baselines, suite, &fp);
    match suite {
        Suite::Instructions => load::<IrStats>(&path, suite),
        Suite::Wall => load::<WallStats>(&path, suite),
    }
}

/// Keeps the baseline entries of this shard only (the others belong to other jobs, not "missing").
pub(crate) fn restrict<T: Values>(
    shard: Option<Shard>,
    suite: Suite,
    mut base: BTreeMap<String, T>,
) -> BTreeMap<String, T> {
    if let Some(shard) = shard {
        let cost: BTreeMap<String, f64> = base
            .iter()
            .map(|(k, v)| (k.clone(), cost(suite, v.value())))
            .collect();
        let keep = shard::select(cost.keys().map(String::as_str), &cost, shard);
        base.retain(|id, _| keep.contains(id));
    }
    base
}

/// The ids of shard `shard`'s wall-clock benchmarks, listed by `runner`.
///
/// # Errors
/// When the benches cannot be listed or the cost baselines cannot be read.
pub(crate) fn wall_ids(common: &Common, runner: &Runner, shard: Shard) -> Result<BTreeSet<String>> {
    let cost = costs(common, Suite::Wall)?;
    let listed = shard::parse_criterion_list(&runner.list_wall()?);
    let keep = shard_ids(listed.iter().map(String::as_str), &cost, shard);
    say(&format!(
        "shard {shard}: {} of {} wall-clock benchmarks",
        keep.len(),
        listed.len()
    ));
    Ok(keep)
}

/// Current results of this shard: lists the benches, runs the shard's ids (unless `--no-bench`), reads
/// the results and keeps the shard's.
pub(crate) fn current(
    common: &Common,
    suite: Suite,
    runner: &Runner,
    shard: Shard,
) -> Result<Current> {
    let cost = costs(common, suite)?;
    let target = &runner.target_dir;
    if common.no_bench {
        return Ok(match suite {
            Suite::Instructions => Current::Instructions(in_shard(
                gungraun::read_dir(&target.join("gungraun"), None)?,
                |x| x.id.as_str(),
                &cost,
                shard,
            )),
            Suite::Wall => Current::Wall(in_shard(
                criterion::read_dir(&target.join("criterion"), None)?,
                |x| x.id.as_str(),
                &cost,
                shard,
            )),
        });
    }
    let since: SystemTime;
    let keep: BTreeSet<String>;
    match suite {
        Suite::Instructions => {
            if tools::valgrind().is_none() {
                return Ok(Current::Skipped(NO_VALGRIND.into()));
            }
            let runner_path = tools::ensure_runner(&common.target_dir, &mut |m| say(m))?;
            let listed = shard::parse_gungraun_list(&runner.list_instructions(&runner_path)?);
            keep = shard_ids(listed.iter().map(String::as_str), &cost, shard);
            say(&format!(
                "shard {shard}: {} of {} instruction-count benchmarks",
                keep.len(),
                listed.len()
            ));
            since = SystemTime::now();
            for id in &keep {
                runner.instructions_filtered(&runner_path, &shard::gungraun_filter(id))?;
            }
        }
        Suite::Wall => {
            let listed = shard::parse_criterion_list(&runner.list_wall()?);
            keep = shard_ids(listed.iter().map(String::as_str), &cost, shard);
            say(&format!(
                "shard {shard}: {} of {} wall-clock benchmarks",
                keep.len(),
                listed.len()
            ));
            since = runner.wall_matching(&shard::criterion_regex(&keep))?;
        }
    }
    Ok(match suite {
        Suite::Instructions => {
            let mut r = gungraun::read_dir(&target.join("gungraun"), Some(since))?;
            r.retain(|x| keep.contains(&x.id));
            Current::Instructions(r)
        }
        Suite::Wall => {
            let mut r = criterion::read_dir(&target.join("criterion"), Some(since))?;
            r.retain(|x| keep.contains(&x.id));
            Current::Wall(r)
        }
    })
}
