//! `guard merge`: one report and one verdict from the JSON reports of `guard check --shard I/N` jobs.
//!
//! Every shard `1..=N` must be present exactly once — a missing shard (a failed matrix job, an artifact not
//! downloaded) or a duplicated one (the same artifact twice, two jobs with the same index) is an error
//! (exit 2), never a partial pass; so is a report without a shard, shards of different N or profiles, and
//! one benchmark reported by two shards ([`crate::shard::set`], shared with `guard baseline merge`), and
//! shards that compared with different bases. Suites take the least trustworthy state any shard had (a suite
//! skipped in one shard is skipped in the merge), NumPy cells are pooled and the gate re-evaluated.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::check::{write_report_to, Outcome};
use crate::cli::MergeArgs;
use crate::error::{Error, Result};
use crate::fsio;
use crate::report::{self, GateState, NumpyGate, Report, SuiteState, SuiteSummary};
use crate::shard::set::{Complete, Kind, Part};

/// The reports of `guard check --shard I/N`, in the words of [`Complete`]'s messages.
const REPORTS: Kind = Kind {
    command: "guard merge",
    input: "report",
    producer: "guard check --shard I/N",
    outcome: "verdict",
    hint: "pass the JSON report of every `guard check --shard I/N` job exactly once",
    ids_field: "entries",
    overlap_hint: "run every shard against the same baselines",
};

/// Reads the reports, merges them and writes the merged report.
///
/// # Errors
/// [`Error`] for unreadable reports and for the shard problems listed in the module docs (exit code 2).
pub fn merge(args: &MergeArgs) -> Result<Outcome> {
    let mut reports = Vec::new();
    for path in &args.reports {
        reports.push((path.clone(), report::json::parse(&fsio::read(path)?, path)?));
    }
    let report = combine(reports)?;
    write_report_to(args.format, args.output.as_deref(), &report)?;
    Ok(Outcome { report })
}

fn rank(state: SuiteState) -> u8 {
    match state {
        SuiteState::Skipped => 3,
        SuiteState::Incomparable => 2,
        SuiteState::NoBaseline => 1,
        SuiteState::Checked => 0,
    }
}

fn pool_numpy(gates: Vec<NumpyGate>) -> Option<NumpyGate> {
    let mut evaluated = gates
        .iter()
        .filter(|g| g.state != GateState::Skipped)
        .cloned();
    let Some(mut pooled) = evaluated.next() else {
        return gates.into_iter().next();
    };
    for g in evaluated {
        pooled.cells.extend(g.cells);
    }
    // Shards split an op x size cell's backends between them: each shard's cell holds its fastest
    // backend; the fastest over all shards is the cell of the whole run.
    let mut best: BTreeMap<(String, u64), crate::report::NumpyCell> = BTreeMap::new();
    for c in std::mem::take(&mut pooled.cells) {
        let key = (c.op.clone(), c.size);
        if best.get(&key).is_none_or(|b| c.lanes_ns < b.lanes_ns) {
            best.insert(key, c);
        }
    }
    pooled.cells = best.into_values().collect();
    pooled.cells_total = pooled.cells.len();
    pooled.cells_ok = pooled.cells.iter().filter(|c| c.ok).count();
    let fraction = pooled.cells_ok as f64 / pooled.cells_total.max(1) as f64;
    pooled.state = if fraction >= pooled.min_fraction {
        GateState::Pass
    } else {
        GateState::Fail
    };
    Some(pooled)
}

/// Merges shard reports (pure). See the module docs for the rules.
///
/// # Errors
/// [`Error::Invalid`] naming the report file and its `shard`, `profile`, `base` or `entries` field, or
/// [`Error::Other`] for a missing shard (see [`Complete::check`]).
pub fn combine(reports: Vec<(PathBuf, Report)>) -> Result<Report> {
    let parts: Vec<Part<'_>> = reports
        .iter()
        .map(|(path, r)| Part {
            path,
            shard: r.shard,
            profile: &r.profile,
        })
        .collect();
    let set = Complete::check(REPORTS, &parts)?;
    let Some((first_path, first)) = reports.first() else {
        return Err(Error::Other("guard merge: no reports given".into()));
    };
    for (path, r) in &reports {
        if r.base != first.base {
            let show = |b: &Option<crate::report::BaseComparison>| {
                b.as_ref().map_or_else(
                    || "the stored baselines".to_string(),
                    |b| format!("base {}", crate::git::short(&b.base)),
                )
            };
            return Err(Error::invalid(
                path,
                "base",
                format!(
                    "compares with {}, but {} with {}",
                    show(&r.base),
                    first_path.display(),
                    show(&first.base)
                ),
                REPORTS.hint,
            ));
        }
    }
    let mut owners = set.owners();
    let mut ordered = reports;
    ordered.sort_by_key(|(_, r)| r.shard.map(|s| s.index));
    let mut shards = Vec::new();
    for (_, mut r) in ordered {
        let Some(this) = r.shard else { continue };
        for s in &mut r.suites {
            if let Some(m) = &mut s.message {
                *m = format!("shard {this}: {m}");
            }
        }
        for n in &mut r.notes {
            *n = format!("shard {this}: {n}");
        }
        for e in &r.entries {
            owners.claim(
                (e.suite, e.id.clone()),
                format_args!("{} ({})", e.id, e.suite),
                this,
            )?;
        }
        shards.push(r);
    }
    let mut merged = Report::merge(shards, pool_numpy);
    // Each suite once: the least trustworthy state any shard had (the first on ties).
    let mut suites: BTreeMap<crate::suite::Suite, SuiteSummary> = BTreeMap::new();
    for s in std::mem::take(&mut merged.suites) {
        match suites.get(&s.suite) {
            Some(kept) if rank(kept.state) >= rank(s.state) => {}
            _ => {
                suites.insert(s.suite, s);
            }
        }
    }
    merged.suites = suites.into_values().collect();
    merged.notes.insert(0, set.describe());
    Ok(merged)
}
