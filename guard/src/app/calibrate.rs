//! `guard calibrate`: how often the paired wall-clock verdict cries wolf, and how often it catches a known
//! slowdown, on this machine, with the measurement plan of `[wall_clock]` in thresholds.toml.
//!
//! The calibration crate's bench (calibration/) runs as both sides of [`crate::rounds`]: its A/A cases do the
//! same work on both sides, its A/B cases do 1, 2, 5 or 10 % more work on the head (a dependent compute chain,
//! and a stream over 8.4 MB). Every paired run judges each case with [`paired::estimate`]; the tables count, per
//! threshold, the A/A cases judged a regression (false alarms) and the A/B cases judged one (detections), idle
//! and with a busy-looping thread that this command starts and stops itself.

use std::ffi::OsString;
use std::fmt::Write as _;
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;

use calibration::{Case, Kind, SIDE_VAR, SLOWDOWNS_PCT};

use super::say;
use crate::bench::Runner;
use crate::cli::{CalibrateArgs, LoadChoice};
use crate::compare::paired::{self, Estimate};
use crate::error::{Error, Result};
use crate::fsio;
use crate::rounds::{self, Settings, Side};
use crate::suite::Profile;
use crate::thresholds::Thresholds;
use crate::tools;

/// One judged calibration case.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Judged {
    /// The case.
    pub(crate) case: Case,
    /// Its paired estimate.
    pub(crate) estimate: Estimate,
}

/// What one load condition measured.
#[derive(Debug, Clone)]
pub(crate) struct Condition {
    /// `idle` or `CPU hog on one core`.
    pub(crate) name: &'static str,
    /// Every judged case of every run.
    pub(crate) judged: Vec<Judged>,
    /// Paired runs.
    pub(crate) runs: u32,
    /// Seconds all runs took.
    pub(crate) elapsed_s: f64,
    /// The 1-minute load average before the first run.
    pub(crate) load_before: Option<f64>,
}

/// Runs the calibration and returns the tables (markdown), also written to `--output`.
///
/// # Errors
/// When the thresholds cannot be read, the bench cannot be built or a process fails.
pub fn calibrate(args: &CalibrateArgs) -> Result<String> {
    let thresholds = Thresholds::read(&args.thresholds)?;
    let mut noise = thresholds.noise;
    if let Some(p) = args.pairs {
        noise.pairs = p;
    }
    if let Some(us) = args.batch_us {
        noise.batch_us = us;
    }
    let settings = Settings::of(&noise, args.rounds);
    let runner = Runner::here(Profile::Pr, args.target_dir.clone());
    say("building the calibration bench (cargo bench -p calibration --bench calibration --no-run)");
    let exe = runner.bench_executable(Some("calibration"), "calibration")?;
    let cwd = std::path::absolute(".").map_err(|e| Error::io(".", "resolve", e))?;
    let side = |name: &str| Side {
        exe: exe.clone(),
        cwd: cwd.clone(),
        env: vec![(SIDE_VAR.to_string(), OsString::from(name))],
    };
    let (base, head) = (side("base"), side("head"));
    let root = args.target_dir.join("guard").join("calibrate");
    let loads: &[bool] = match args.load {
        LoadChoice::Idle => &[false],
        LoadChoice::Hog => &[true],
        LoadChoice::Both => &[false, true],
    };
    let mut conditions = Vec::new();
    for &hog in loads {
        let name = if hog { "CPU hog on one core" } else { "idle" };
        let load_before = load_average();
        let _hog = hog.then(Hog::start);
        let mut cond = Condition {
            name,
            judged: Vec::new(),
            runs: 0,
            elapsed_s: 0.0,
            load_before,
        };
        for k in 1..=args.repeat {
            let dir = root
                .join(if hog { "hog" } else { "idle" })
                .join(format!("run-{k}"));
            let mut progress = |m: &str| {
                if m.contains("benchmark 1/") {
                    say(&format!("calibrate ({name}): run {k}/{}", args.repeat));
                }
            };
            let run = rounds::run(&base, &head, settings, None, &dir, &mut progress)?;
            cond.runs += 1;
            cond.elapsed_s += run.elapsed_s;
            for s in &run.samples {
                let Some(case) = Case::parse(&s.id) else {
                    continue;
                };
                if let Some(estimate) = paired::estimate(&s.rounds, noise.confidence) {
                    cond.judged.push(Judged { case, estimate });
                }
            }
        }
        conditions.push(cond);
    }
    let mut levels = if args.thresholds_pct.is_empty() {
        vec![0.5, 1.0, 1.5, 2.0, 3.0, 5.0]
    } else {
        args.thresholds_pct.clone()
    };
    levels.push(thresholds.wall_clock.max_regression_pct);
    levels.sort_by(f64::total_cmp);
    levels.dedup();
    let heading = format!(
        "Host: {}, {} logical CPUs. Plan per benchmark: {} rounds (a new buffer layout each) × {} alternating \
         pairs of ~{} µs batches, base and head processes in lockstep, thread CPU time, {:.0} % two-sided \
         interval over rounds; a regression is the interval's lower bound above the threshold.\n",
        tools::cpu_model(),
        std::thread::available_parallelism().map_or(0, std::num::NonZero::get),
        settings.rounds,
        settings.pairs,
        noise.batch_us,
        noise.confidence * 100.0
    );
    let mut text = heading;
    for c in &conditions {
        text.push('\n');
        text.push_str(&table(c, &levels));
    }
    if let Some(path) = &args.output {
        fsio::write_atomic(path, text.as_bytes())?;
        say(&format!("wrote {}", path.display()));
    }
    Ok(text)
}

/// A busy-looping thread (one core's worth of load) until dropped.
struct Hog {
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

impl Hog {
    fn start() -> Hog {
        say("starting a CPU hog (one busy-looping thread) for the loaded runs");
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let handle = std::thread::spawn(move || {
            let mut x = 1u64;
            while !flag.load(Ordering::Relaxed) {
                for _ in 0..100_000 {
                    x = black_box(x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1));
                }
            }
        });
        Hog {
            stop,
            handle: Some(handle),
        }
    }
}

impl Drop for Hog {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
        say("stopped the CPU hog");
    }
}

fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// `k/n (p %)`.
fn rate(k: usize, n: usize) -> String {
    if n == 0 {
        return "–".into();
    }
    format!("{k}/{n} ({:.1} %)", k as f64 * 100.0 / n as f64)
}

/// The markdown tables of one load condition: per threshold, false alarms and detections.
pub(crate) fn table(c: &Condition, levels: &[f64]) -> String {
    let aa: Vec<&Judged> = c
        .judged
        .iter()
        .filter(|j| j.case.slowdown_pct == 0)
        .collect();
    let comparisons = c.judged.len().max(1);
    let per = c.elapsed_s / comparisons as f64;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "### {} ({} paired runs, {} A/A and {} A/B comparisons, {:.0} s, {:.2} s of machine time per \
         benchmark comparison; load average before: {})\n",
        c.name,
        c.runs,
        aa.len(),
        c.judged.len() - aa.len(),
        c.elapsed_s,
        per,
        c.load_before.map_or_else(|| "unknown".into(), |l| format!("{l:.2}"))
    );
    let mut header = String::from("| threshold | false alarms (A/A judged a regression) |");
    let mut rule = String::from("|---:|---:|");
    for kind in Kind::ALL {
        for x in SLOWDOWNS_PCT {
            let _ = write!(header, " {} +{x} % |", kind.name());
            rule.push_str("---:|");
        }
    }
    let _ = writeln!(out, "{header}\n{rule}");
    for &t in levels {
        let alarms = aa.iter().filter(|j| j.estimate.pct().1 > t).count();
        let _ = write!(out, "| {t} % | {} |", rate(alarms, aa.len()));
        for kind in Kind::ALL {
            for x in SLOWDOWNS_PCT {
                let of: Vec<&Judged> = c
                    .judged
                    .iter()
                    .filter(|j| j.case.kind == kind && j.case.slowdown_pct == x)
                    .collect();
                let hit = of.iter().filter(|j| j.estimate.pct().1 > t).count();
                let _ = write!(out, " {} |", rate(hit, of.len()));
            }
        }
        out.push('\n');
    }
    // How noisy the estimates are: spread of A/A changes and typical interval width, per kind.
    out.push('\n');
    for kind in Kind::ALL {
        let changes: Vec<f64> = aa
            .iter()
            .filter(|j| j.case.kind == kind)
            .map(|j| j.estimate.pct().0)
            .collect();
        let widths: Vec<f64> = c
            .judged
            .iter()
            .filter(|j| j.case.kind == kind)
            .map(|j| {
                let (_, lo, hi) = j.estimate.pct();
                (hi - lo) / 2.0
            })
            .collect();
        if changes.is_empty() {
            continue;
        }
        let worst = changes.iter().map(|x| x.abs()).fold(0.0, f64::max);
        let _ = writeln!(
            out,
            "- {}: A/A change median {:+.2} %, largest |change| {:.2} %; median interval half-width {:.2} %",
            kind.name(),
            crate::stats::median(&changes),
            worst,
            crate::stats::median(&widths)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judged(kind: Kind, slowdown_pct: u32, lo_pct: f64) -> Judged {
        let r = |p: f64| 1.0 + p / 100.0;
        Judged {
            case: Case {
                kind,
                slowdown_pct,
                copy: u32::from(slowdown_pct == 0),
            },
            estimate: Estimate {
                ratio: r(lo_pct + 1.0),
                lo: r(lo_pct),
                hi: r(lo_pct + 2.0),
                rounds: 5,
            },
        }
    }

    #[test]
    fn the_table_counts_alarms_and_detections_per_threshold() {
        let c = Condition {
            name: "idle",
            judged: vec![
                judged(Kind::Compute, 0, -1.0),
                judged(Kind::Compute, 0, 0.7),
                judged(Kind::Memory, 0, -2.0),
                judged(Kind::Memory, 0, -0.5),
                judged(Kind::Compute, 2, 0.8),
                judged(Kind::Compute, 2, 1.2),
                judged(Kind::Memory, 10, 8.0),
            ],
            runs: 2,
            elapsed_s: 14.0,
            load_before: Some(0.25),
        };
        let t = table(&c, &[0.5, 1.0]);
        assert!(
            t.starts_with("### idle (2 paired runs, 4 A/A and 3 A/B comparisons, 14 s, 2.00 s"),
            "{t}"
        );
        assert!(t.contains("| 0.5 % | 1/4 (25.0 %) |"), "{t}");
        assert!(t.contains("| 1 % | 0/4 (0.0 %) |"), "{t}");
        // compute +2 %: both above 0.5, one above 1.0; memory +10 %: detected; untested cells show a dash.
        assert!(
            t.contains(
                "| 0.5 % | 1/4 (25.0 %) | – | 2/2 (100.0 %) | – | – | – | – | – | 1/1 (100.0 %) |"
            ),
            "{t}"
        );
        assert!(
            t.contains("| 1 % | 0/4 (0.0 %) | – | 1/2 (50.0 %) |"),
            "{t}"
        );
        assert!(t.contains("- compute: A/A change median"), "{t}");
    }
}
