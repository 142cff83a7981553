//! `guard check`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;

use super::{current, say, update_command, Current};
use crate::baseline::{self, BaselineFile};
use crate::bench::Runner;
use crate::cli::{CheckArgs, Common, Format};
use crate::compare::{self, IrStats, WallStats};
use crate::date::Date;
use crate::error::{Error, Result};
use crate::fingerprint::Fingerprint;
use crate::fsio;
use crate::report::{self, Entry, Report, Status, SuiteState, SuiteSummary, Verdict};
use crate::suite::numpy::{self, COMMAND};
use crate::suite::{criterion, Suite, WallResult};
use crate::thresholds::Thresholds;
use crate::tools;

/// At most this many flagged wall-clock benchmarks are re-run (each re-run measures one benchmark again).
const MAX_RERUNS: usize = 25;

/// What a check produced.
#[derive(Debug)]
pub struct Outcome {
    /// The report.
    pub report: Report,
}

impl Outcome {
    /// Exit code: 0 pass, 1 fail.
    #[must_use]
    pub fn exit_code(&self) -> i32 {
        match self.report.verdict {
            Verdict::Pass => 0,
            Verdict::Fail => 1,
        }
    }
}

/// Loads a baseline and decides whether it is comparable; returns the summary and the baseline values.
fn baseline_for<T: baseline::Values>(
    common: &Common,
    suite: Suite,
    fp: &Fingerprint,
) -> Result<(SuiteSummary, BTreeMap<String, T>, bool)> {
    let path = baseline::path(&common.baselines, suite, fp);
    let mut summary = SuiteSummary {
        suite,
        state: SuiteState::Checked,
        baseline_file: Some(path.display().to_string()),
        message: None,
        differences: Vec::new(),
    };
    let Some(file) = BaselineFile::<T>::load(&path, suite)? else {
        summary.state = SuiteState::NoBaseline;
        summary.message = Some(format!(
            "no baseline file yet: every benchmark is new; create it with `{}`",
            update_command(common, suite)
        ));
        return Ok((summary, BTreeMap::new(), true));
    };
    let diffs = file.fingerprint.differences(fp);
    let comparable = diffs.is_empty();
    if !comparable {
        summary.state = SuiteState::Incomparable;
        summary.message = Some(format!(
            "the baseline was measured in another environment, so it is neither a pass nor a regression; \
             refresh it with `{}`",
            update_command(common, suite)
        ));
        summary.differences = diffs;
    }
    Ok((summary, file.benchmarks, comparable))
}

/// Runs the check and writes the report. Returns the outcome (exit code 0 or 1).
///
/// # Errors
/// Any [`Error`] that prevents a trustworthy verdict (exit code 2).
pub fn check(args: &CheckArgs) -> Result<Outcome> {
    let thresholds = Thresholds::read(&args.thresholds)?;
    let common = &args.common;
    if !fsio::is_real_dir(&common.baselines) {
        return Err(Error::invalid(
            &common.baselines,
            "",
            "baselines directory not found",
            "run from the repository root, pass --baselines DIR, or create baselines with `guard baseline update`",
        ));
    }
    let today = Date::today();
    let runner = Runner {
        profile: common.profile,
        target_dir: common.target_dir.clone(),
    };
    let profile = common.profile.name();
    let mut suites = Vec::new();
    let mut entries = Vec::new();
    let mut notes = Vec::new();
    let mut numpy_gate = None;
    for suite in common.suites() {
        let fp = Fingerprint::probe(suite, profile, &common.target_dir)?;
        match current(common, suite, &runner)? {
            Current::Skipped(message) => suites.push(SuiteSummary {
                suite,
                state: SuiteState::Skipped,
                baseline_file: None,
                message: Some(message),
                differences: Vec::new(),
            }),
            Current::Instructions(results) => {
                let (summary, base, comparable) = baseline_for::<IrStats>(common, suite, &fp)?;
                let base = super::sharded::restrict(common.shard, suite, base);
                entries.extend(compare::instructions(
                    &base,
                    &results,
                    &thresholds,
                    today,
                    comparable,
                ));
                suites.push(summary);
            }
            Current::Wall(mut results) => {
                let (summary, base, comparable) = baseline_for::<WallStats>(common, suite, &fp)?;
                let base = super::sharded::restrict(common.shard, suite, base);
                let mut wall = compare::wall(&base, &results, &thresholds, today, comparable);
                if !common.no_bench {
                    if let Some(note) = rerun_flagged(&runner, common, &mut results, &wall)? {
                        wall = compare::wall(&base, &results, &thresholds, today, comparable);
                        notes.push(note);
                    }
                }
                entries.extend(wall);
                suites.push(summary);
                numpy_gate = Some(numpy_gate_for(args, &results, &thresholds)?);
            }
        }
    }
    let mut report = Report::new(profile, suites, entries, numpy_gate, notes);
    report.root_causes = crate::rootcause::for_report(&report, &common.target_dir);
    report.shard = common.shard;
    if let Some(dir) = &args.plot {
        crate::plot::for_check(dir, args, &report, &thresholds)?;
    }
    write_report(args, &report)?;
    Ok(Outcome { report })
}

/// Re-runs each flagged wall-clock benchmark once; its new result replaces the first one.
fn rerun_flagged(
    runner: &Runner,
    common: &Common,
    results: &mut [WallResult],
    wall: &[Entry],
) -> Result<Option<String>> {
    let flagged: Vec<&str> = wall
        .iter()
        .filter(|e| e.status == Status::Regression)
        .map(|e| e.id.as_str())
        .collect();
    if flagged.is_empty() {
        return Ok(None);
    }
    let total = flagged.len();
    let mut rerun = 0;
    for id in flagged.into_iter().take(MAX_RERUNS) {
        say(&format!("re-running flagged wall-clock benchmark {id}"));
        let since = runner.wall(Some(id))?;
        let again = criterion::read_dir(&common.target_dir.join("criterion"), Some(since))?;
        if let (Some(new), Some(slot)) = (
            again.into_iter().find(|r| r.id == id),
            results.iter_mut().find(|r| r.id == id),
        ) {
            *slot = new;
            rerun += 1;
        }
    }
    let mut note =
        format!("re-ran {rerun} flagged wall-clock benchmark(s) once; the re-run decides");
    if total > MAX_RERUNS {
        let _ = write!(
            note,
            " ({} more were flagged but not re-run)",
            total - MAX_RERUNS
        );
    }
    Ok(Some(note))
}

fn numpy_gate_for(
    args: &CheckArgs,
    lanes: &[WallResult],
    thresholds: &Thresholds,
) -> Result<report::NumpyGate> {
    let path = args
        .numpy
        .clone()
        .unwrap_or_else(|| args.common.baselines.join("numpy.json"));
    let command = if path == std::path::Path::new("baselines/numpy.json") {
        COMMAND.to_string()
    } else {
        COMMAND.replace("baselines/numpy.json", &path.display().to_string())
    };
    Ok(match numpy::read(&path)? {
        None => compare::numpy::skipped(
            &thresholds.numpy,
            format!(
                "no NumPy numbers at {}: run `{command}` (needs uv)",
                path.display()
            ),
        ),
        Some(n) => compare::numpy::gate(lanes, &n, &thresholds.numpy, &tools::cpu_model()),
    })
}

fn write_report(args: &CheckArgs, report: &Report) -> Result<()> {
    write_report_to(args.format, args.output.as_deref(), report)
}

/// Renders the report in `format` and writes it to `output` (atomically) or stdout.
pub(super) fn write_report_to(
    format: Format,
    output: Option<&std::path::Path>,
    report: &Report,
) -> Result<()> {
    let color = output.is_none()
        && format == Format::Text
        && anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never;
    let text = match format {
        Format::Text => report::text::render(report, color),
        Format::Markdown => report::markdown::render(report),
        Format::Json => report::json::render(report),
    };
    if let Some(path) = output {
        fsio::write_atomic(path, text.as_bytes())?;
        say(&report.summary_line());
        return Ok(());
    }
    let mut out = anstream::stdout();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| Error::io("<stdout>", "write", e))
}
