//! `guard baseline update`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{current, say, Current};
use crate::baseline::{self, BaselineFile, Changes};
use crate::bench::Runner;
use crate::cli::UpdateArgs;
use crate::compare::{IrStats, WallStats};
use crate::date::Date;
use crate::error::Result;
use crate::fingerprint::Fingerprint;
use crate::fsio;
use crate::report::fmt_value;
use crate::suite::Suite;
use crate::thresholds::Thresholds;

/// Runs the benches (unless `--no-bench`), merges their results into the baseline files and prints what
/// changed. Returns the text printed.
///
/// # Errors
/// Any [`crate::Error`] (exit code 2); existing baseline files are left intact.
pub fn update(args: &UpdateArgs) -> Result<String> {
    let common = &args.common;
    let thresholds = if args.thresholds.exists() {
        Thresholds::read(&args.thresholds)?
    } else {
        Thresholds::default()
    };
    fsio::create_dir_all(&common.baselines)?;
    // Two updates at once would each merge into the file the other is replacing: the second one refuses.
    let _lock = fsio::lock_dir(&common.baselines)?;
    let leftovers = fsio::remove_leftover_temps(&common.baselines)?;
    if leftovers > 0 {
        say(&format!(
            "removed {leftovers} temporary file(s) left in {} by an interrupted update",
            common.baselines.display()
        ));
    }
    let runner = Runner::here(common.profile, common.target_dir.clone());
    let today = Date::today().to_string();
    let mut out = String::new();
    for suite in common.suites() {
        let fp = Fingerprint::probe(suite, common.profile.name(), &common.target_dir)?;
        let path = baseline::path(&common.baselines, suite, &fp);
        let threshold = |id: &str| thresholds.rule(suite, id).max_regression_pct;
        let changes = match current(common, suite, &runner)? {
            Current::Skipped(message) => {
                let _ = writeln!(out, "{suite}: skipped — {message}");
                continue;
            }
            Current::Instructions(results) => {
                let new: BTreeMap<String, IrStats> =
                    results.into_iter().map(|r| (r.id, r.metrics)).collect();
                let old = BaselineFile::<IrStats>::load(&path, suite)?;
                let (file, changes) =
                    baseline::merge(old, new, fp, suite, today.clone(), args.prune, &threshold);
                file.store(&path)?;
                changes
            }
            Current::Wall(results) => {
                let new: BTreeMap<String, WallStats> = results
                    .iter()
                    .map(|r| (r.id.clone(), WallStats::from(r)))
                    .collect();
                let old = BaselineFile::<WallStats>::load(&path, suite)?;
                let (file, changes) =
                    baseline::merge(old, new, fp, suite, today.clone(), args.prune, &threshold);
                file.store(&path)?;
                changes
            }
        };
        out += &describe(suite, &path.display().to_string(), &changes);
    }
    say("baselines updated");
    Ok(out)
}

fn describe(suite: Suite, path: &str, c: &Changes) -> String {
    let mut s = format!(
        "{suite}: wrote {path} — {} added, {} removed, {} changed beyond threshold, {} within threshold, {} kept (not run)\n",
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
            fmt_value(metric, Some(*a)),
            fmt_value(metric, Some(*b))
        );
    }
    s
}
