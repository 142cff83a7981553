//! `guard check`'s wall-clock half in base mode: base and head measured alternately in paired rounds
//! ([`crate::rounds`]), judged on the interval of their ratio ([`crate::compare::paired`]).

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::PathBuf;

use super::base::BaseSide;
use super::{say, sharded};
use crate::bench::Runner;
use crate::cli::Common;
use crate::compare::paired::{self, PairedSamples};
use crate::date::Date;
use crate::error::{Error, Result};
use crate::report::{Entry, OtherMetric, SuiteState, SuiteSummary};
use crate::rounds::{self, Settings, Side};
use crate::suite::{Suite, WallResult};
use crate::thresholds::Thresholds;

/// What the paired wall-clock half produced.
pub(crate) struct PairedWall {
    /// One entry per benchmark.
    pub(crate) entries: Vec<Entry>,
    /// The suite line of the report.
    pub(crate) summary: SuiteSummary,
    /// The head's wall-clock results (for the NumPy gate).
    pub(crate) head: Vec<WallResult>,
    /// A note for the report.
    pub(crate) note: String,
}

/// Builds the wall-clock bench of base and head, runs the paired rounds and judges them.
///
/// # Errors
/// When a build or a bench process fails, or results cannot be read.
pub(crate) fn measure(
    common: &Common,
    side: &mut BaseSide,
    thresholds: &Thresholds,
    rounds: Option<u32>,
) -> Result<PairedWall> {
    let settings = Settings::of(&thresholds.noise, rounds);
    let head_runner = Runner::here(common.profile, common.target_dir.clone());
    let base_runner = side.runner(common)?;
    let short = side.short();
    say("building the wall-clock bench of the head");
    let head_exe = head_runner.bench_executable(None, "wall")?;
    say(&format!("building the wall-clock bench of base {short}"));
    let base_exe = base_runner.bench_executable(None, "wall")?;
    let ids = match common.shard {
        Some(shard) => Some(sharded::wall_ids(common, &head_runner, shard)?),
        None => None,
    };
    let env = vec![(
        "LANES_BENCH_PROFILE".to_string(),
        OsString::from(common.profile.name()),
    )];
    let head = side_of(&head_runner, head_exe, env.clone())?;
    let base = side_of(&base_runner, base_exe, env)?;
    let dir = paired_dir(common);
    say(&format!(
        "paired wall-clock comparison with base {short}: base and head in lockstep, {} rounds × {} alternating \
         pairs of batches per benchmark (thread CPU time; about {} per benchmark)",
        settings.rounds,
        settings.pairs,
        rounds::human(settings.per_benchmark().as_secs_f64())
    ));
    let run = rounds::run(&base, &head, settings, ids.as_ref(), &dir, &mut |m| say(m))?;
    let head_only: BTreeMap<String, Option<f64>> =
        run.head_only.iter().map(|id| (id.clone(), None)).collect();
    let mut entries = paired::entries(
        &run.samples,
        (&run.base_only, &head_only),
        thresholds,
        Date::today(),
    );
    let confidence = thresholds.noise.confidence;
    add_wall_medians(&mut entries, &run.samples, confidence);
    let head = head_results(&run.samples);
    let message = format!(
        "paired with base {short} here and now: base and head in lockstep, {} rounds × {} alternating pairs \
         of ~{} µs batches per benchmark, thread CPU time, {:.0}% interval over rounds; {} benchmarks in {} \
         (raw numbers: {})",
        settings.rounds,
        settings.pairs,
        thresholds.noise.batch_us,
        confidence * 100.0,
        run.samples.len(),
        rounds::human(run.elapsed_s),
        dir.join("paired.json").display()
    );
    Ok(PairedWall {
        entries,
        summary: SuiteSummary {
            suite: Suite::Wall,
            state: SuiteState::Checked,
            baseline_file: None,
            message: Some(message),
            differences: Vec::new(),
        },
        head,
        note: format!(
            "wall: base {short} and head measured in lockstep in this run ({} rounds per benchmark); the elapsed \
             times shown and compared with NumPy are the head's, measured alone after the rounds",
            settings.rounds
        ),
    })
}

/// How one side runs its bench executable `exe`: in the runner's working directory (made absolute), with `env`.
fn side_of(runner: &Runner, exe: PathBuf, env: Vec<(String, OsString)>) -> Result<Side> {
    let dir = runner.workdir.clone().unwrap_or_else(|| PathBuf::from("."));
    let cwd = std::path::absolute(&dir).map_err(|e| Error::io(&dir, "resolve", e))?;
    Ok(Side { exe, cwd, env })
}

/// Where the paired run keeps its numbers: `<target>/guard/paired/<profile>[-shard-I-of-N]`.
fn paired_dir(common: &Common) -> PathBuf {
    common
        .target_dir
        .join("guard")
        .join("paired")
        .join(match common.shard {
            Some(s) => format!("{}-shard-{}-of-{}", common.profile.name(), s.index, s.count),
            None => common.profile.name().to_string(),
        })
}

/// Adds to each entry the change of the head's elapsed (wall) time as `wall_median_ns`, where the paired
/// samples give an estimate at `confidence`; `entries` and `samples` are in the same order.
fn add_wall_medians(entries: &mut [Entry], samples: &[PairedSamples], confidence: f64) {
    for (e, s) in entries.iter_mut().zip(samples) {
        debug_assert_eq!(e.id, s.id);
        if let Some(est) = paired::estimate(&s.wall, confidence) {
            let (change, _, _) = est.pct();
            e.other_metrics.push(OtherMetric {
                name: "wall_median_ns".into(),
                baseline: None,
                current: s.head_wall_ns,
                change_pct: Some(change),
            });
        }
    }
}

/// The head's elapsed times as wall-clock results (for the NumPy gate).
fn head_results(samples: &[PairedSamples]) -> Vec<WallResult> {
    samples
        .iter()
        .filter_map(|s| {
            let ns = s.head_wall_ns?;
            Some(WallResult {
                id: s.id.clone(),
                median_ns: ns,
                mean_ns: ns,
                samples_ns: Vec::new(),
            })
        })
        .collect()
}
