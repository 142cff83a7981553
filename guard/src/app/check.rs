//! `guard check`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::Write as _;

use std::path::Path;

use super::base::BaseSide;
use super::{current, say, update_command, Current};
use crate::baseline::{self, BaselineFile};
use crate::baseline::{IrStats, WallStats};
use crate::bench::Runner;
use crate::cli::{CheckArgs, Common, Format};
use crate::compare;
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

/// A path as the report shows it: relative to the working directory when it is inside it (the base's
/// results live under the absolute target directory; a PR comment should not show the runner's paths).
fn shown(path: &Path) -> String {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf())
        .display()
        .to_string()
}

/// Loads a baseline and decides whether it is comparable; returns the summary and the baseline values.
fn baseline_for<T: baseline::Values>(
    common: &Common,
    dir: &Path,
    suite: Suite,
    fp: &Fingerprint,
) -> Result<(SuiteSummary, BTreeMap<String, T>, bool)> {
    let path = baseline::path(dir, suite, fp);
    let mut summary = SuiteSummary {
        suite,
        state: SuiteState::Checked,
        baseline_file: Some(shown(&path)),
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
    let runner = Runner::here(common.profile, common.target_dir.clone());
    let profile = common.profile.name();
    let mut suites = Vec::new();
    let mut entries = Vec::new();
    let mut notes = Vec::new();
    let mut numpy_gate = None;
    let mut base_side: Option<BaseSide> = None;
    for suite in common.suites() {
        if suite == Suite::Wall && !args.against_stored() {
            let side = base_of(&mut base_side, args)?;
            let wall = super::wall::measure(common, side, &thresholds, args.rounds)?;
            entries.extend(wall.entries);
            suites.push(wall.summary);
            notes.push(wall.note);
            numpy_gate = Some(numpy_gate_for(args, &wall.head, &thresholds)?);
            continue;
        }
        let fp = Fingerprint::probe(suite, profile, &common.target_dir)?;
        let dir = if args.against_stored() {
            common.baselines.clone()
        } else if suite == Suite::Instructions && tools::valgrind().is_none() {
            suites.push(skipped(suite, super::NO_VALGRIND.into()));
            continue;
        } else {
            let side = base_of(&mut base_side, args)?;
            notes.push(side.measure_instructions(common, &fp)?);
            side.dir.clone()
        };
        match current(common, suite, &runner)? {
            Current::Skipped(message) => suites.push(skipped(suite, message)),
            Current::Instructions(results) => {
                let (summary, base, comparable) =
                    baseline_for::<IrStats>(common, &dir, suite, &fp)?;
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
                let (summary, base, comparable) =
                    baseline_for::<WallStats>(common, &dir, suite, &fp)?;
                let base = super::sharded::restrict(common.shard, suite, base);
                let (wall, wall_notes) = compare_with_stored_wall(
                    &runner,
                    common,
                    &thresholds,
                    today,
                    &base,
                    comparable,
                    &mut results,
                )?;
                notes.extend(wall_notes);
                entries.extend(wall);
                suites.push(summary);
                numpy_gate = Some(numpy_gate_for(args, &results, &thresholds)?);
            }
        }
    }
    if args.against_stored() {
        notes.extend(record_notes(args, &entries));
    }
    let mut report = Report::new(profile, suites, entries, numpy_gate, notes);
    if args.strict && args.against_stored() && stale(&report.entries).next().is_some() {
        report.verdict = Verdict::Fail;
    }
    report.root_causes = root_causes(&report, &common.target_dir);
    report.shard = common.shard;
    report.base = base_side.as_ref().map(BaseSide::comparison);
    if let Some(dir) = &args.plot {
        plot(dir, args, &report, &thresholds)?;
    }
    write_report(args, &report)?;
    Ok(Outcome { report })
}

/// The advisory comparison of wall-clock `results` with stored numbers, which come from another time (and
/// load): never gated, at `wall_clock.stored_max_regression_pct`. Unless `--no-bench`, flagged benchmarks are
/// re-run once and the re-run decides (`results` are updated). Returns the entries and the notes: the
/// re-run's, then why the comparison only warns.
fn compare_with_stored_wall(
    runner: &Runner,
    common: &Common,
    thresholds: &Thresholds,
    today: Date,
    base: &BTreeMap<String, WallStats>,
    comparable: bool,
    results: &mut [WallResult],
) -> Result<(Vec<Entry>, Vec<String>)> {
    let mut notes = Vec::new();
    let mut advisory = thresholds.clone();
    advisory.wall_clock.max_regression_pct = thresholds.noise.stored_max_regression_pct;
    advisory.wall_clock.gate = false;
    let judge = |results: &[WallResult]| {
        let mut wall = compare::wall(base, results, &advisory, today, comparable);
        for e in &mut wall {
            e.gate = false;
        }
        wall
    };
    let mut wall = judge(results);
    if !common.no_bench {
        if let Some(note) = rerun_flagged(runner, common, results, &wall)? {
            wall = judge(results);
            notes.push(note);
        }
    }
    notes.push(format!(
        "wall: compared with stored numbers, which come from another time and load, so only as a \
         warning at ±{}% (wall_clock.stored_max_regression_pct); the wall-clock gate needs the paired \
         comparison with the base (drop --against-baselines)",
        thresholds.noise.stored_max_regression_pct
    ));
    Ok((wall, notes))
}

/// Root causes of the instruction-count regressions (gated or warnings) of a report, read from
/// `<target_dir>/gungraun`.
fn root_causes(report: &Report, target_dir: &Path) -> Vec<crate::rootcause::RootCause> {
    let ids: BTreeSet<String> = report
        .entries
        .iter()
        .filter(|e| e.suite == Suite::Instructions && e.status == Status::Regression)
        .map(|e| e.id.clone())
        .collect();
    crate::rootcause::collect(&target_dir.join("gungraun"), &ids)
}

/// `--plot DIR`: gathers the data for the finished check and writes the charts (one line on stderr lists
/// them).
fn plot(dir: &Path, args: &CheckArgs, report: &Report, thresholds: &Thresholds) -> Result<()> {
    let common = &args.common;
    let numpy = numpy::read(&args.numpy_file())?;
    let d = crate::plot::PlotData::gather(
        report,
        &common.baselines,
        common.profile.name(),
        numpy.as_ref(),
        &thresholds.numpy,
    )?;
    let files = crate::plot::write(dir, &d)?;
    if files.is_empty() {
        say(&format!(
            "nothing to plot in {}: no NumPy ratios, no <op>/<backend>/<size> values and no baseline history",
            dir.display()
        ));
    } else {
        say(&format!(
            "wrote {} chart(s) to {}: {}",
            files.len(),
            dir.display(),
            files.join(", ")
        ));
    }
    Ok(())
}

/// The base side of this check, resolved (and announced) on first use.
fn base_of<'a>(slot: &'a mut Option<BaseSide>, args: &CheckArgs) -> Result<&'a mut BaseSide> {
    if slot.is_none() {
        *slot = Some(BaseSide::resolve(&args.common, args.base.as_deref())?);
    }
    slot.as_mut()
        .ok_or_else(|| Error::Other("internal: no base side".into()))
}

/// Instruction-count entries that say the stored record no longer matches the code.
fn stale(entries: &[Entry]) -> impl Iterator<Item = &Entry> {
    entries.iter().filter(|e| {
        e.suite == Suite::Instructions
            && matches!(
                e.status,
                Status::Regression
                    | Status::Improvement
                    | Status::New
                    | Status::Missing
                    | Status::Incomparable
            )
    })
}

/// With stored baselines: how to refresh the instruction-count record when it no longer matches the code
/// (and, with `--strict`, that this fails the check).
fn record_notes(args: &CheckArgs, entries: &[Entry]) -> Option<String> {
    let ids: Vec<&str> = stale(entries).map(|e| e.id.as_str()).collect();
    let first = ids.first()?;
    let more = if ids.len() > 1 {
        format!(" and {} more", ids.len() - 1)
    } else {
        String::new()
    };
    let command = update_command(&args.common, Suite::Instructions);
    Some(if args.strict {
        format!(
            "--strict: the stored instruction-count record does not match this code ({first}{more}); \
             if the change is intended, refresh it with `{command}` and commit the file"
        )
    } else {
        format!(
            "the stored instruction-count record differs from this code ({first}{more}); if the change is \
             intended, refresh it with `{command}` and commit the file"
        )
    })
}

fn skipped(suite: Suite, message: String) -> SuiteSummary {
    SuiteSummary {
        suite,
        state: SuiteState::Skipped,
        baseline_file: None,
        message: Some(message),
        differences: Vec::new(),
    }
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
    if args.numpy.is_none() && !args.against_stored() {
        return measure_numpy(args, lanes, thresholds);
    }
    let path = args.numpy_file();
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

/// NumPy measured now on this machine, at the sizes the wall-clock suite ran, so the gate works on any CPU.
fn measure_numpy(
    args: &CheckArgs,
    lanes: &[WallResult],
    thresholds: &Thresholds,
) -> Result<report::NumpyGate> {
    let target = &args.common.target_dir;
    let Some(uv) = tools::ensure_uv(target, &mut |m| say(m))? else {
        return Ok(compare::numpy::skipped(
            &thresholds.numpy,
            "python3 not found, so NumPy could not be measured: install Python 3.10+ \
             (apt-get install python3 python3-venv), or pass --numpy FILE"
                .into(),
        ));
    };
    let sizes: BTreeSet<u64> = lanes
        .iter()
        .filter_map(|r| crate::suite::BenchId::parse(&r.id).map(|id| id.size))
        .collect();
    if sizes.is_empty() {
        return Ok(compare::numpy::skipped(
            &thresholds.numpy,
            "no lanes wall-clock results to compare NumPy with".into(),
        ));
    }
    let sizes = sizes
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let output = target
        .join("guard")
        .join(format!("numpy-{}.json", args.common.profile.name()));
    fsio::create_dir_all(output.parent().unwrap_or(target))?;
    say(&format!(
        "measuring NumPy on this machine at sizes {sizes} (benchmarks/python_comparison.py)"
    ));
    crate::bench::numpy(&uv, Some(&sizes), &output)?;
    let numbers = numpy::read(&output)?.ok_or_else(|| {
        Error::invalid(
            &output,
            "",
            "benchmarks/python_comparison.py wrote no results",
            "run it by hand to see why, or pass --numpy FILE",
        )
    })?;
    Ok(compare::numpy::gate(
        lanes,
        &numbers,
        &thresholds.numpy,
        &tools::cpu_model(),
    ))
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
