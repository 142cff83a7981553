//! One function per parser that reads bytes the code under test controls. Each must return normally for
//! any input: a panic (including a failed `assert!` on an invariant) is a bug. Shared by the cargo-fuzz
//! targets in `guard/fuzz/fuzz_targets/` (nightly, libFuzzer) and by `tests/corpus_replay.rs`, which feeds
//! every committed corpus file to every function on stable in `cargo test`.
#![allow(dead_code, unreachable_pub)]

use std::path::Path;

use guard::baseline::{BaselineFile, Values};
use guard::baseline::{IrStats, WallStats};
use guard::github::body::{self, Footer};
use guard::report::{self, markdown};
use guard::suite::{criterion, gungraun, numpy, Suite};
use guard::thresholds::Thresholds;

/// Valid Criterion files, so that each of the three can be fuzzed with the other two intact.
const BENCHMARK: &[u8] = include_bytes!("../fixtures/criterion/add/avx2/100/new/benchmark.json");
const ESTIMATES: &[u8] = include_bytes!("../fixtures/criterion/add/avx2/100/new/estimates.json");
const SAMPLE: &[u8] = include_bytes!("../fixtures/criterion/add/avx2/100/new/sample.json");

/// A fuzz target: its name (of its cargo-fuzz binary and corpus directory) and its function.
pub type Target = (&'static str, fn(&[u8]));

/// Every target.
pub const TARGETS: &[Target] = &[
    ("thresholds", thresholds),
    ("baseline", baseline),
    ("criterion", criterion),
    ("gungraun", gungraun),
    ("numpy", numpy),
    ("report", report),
];

/// An error must name the file it is about and fit on one line once `guard::run` joins its lines.
fn check_error(e: &guard::Error, file: &str) {
    let text = e.to_string();
    assert!(text.contains(file), "error does not name {file}: {text}");
}

/// `thresholds.toml`: parse + validation; accepted values are in range.
pub fn thresholds(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Thresholds::parse(text, Path::new("t.toml")) {
        Ok(t) => {
            assert!(t.instructions.max_regression_pct.is_finite());
            assert!(t.instructions.max_regression_pct >= 0.0);
            assert!(t.wall_clock.max_regression_pct >= 0.0);
            assert!(t.numpy.max_ratio > 0.0 && t.numpy.max_ratio.is_finite());
            assert!((0.0..=1.0).contains(&t.numpy.min_fraction));
            // Rules resolve for any id without panicking.
            let _ = t.rule(Suite::Wall, "a/b/1");
            let _ = t.ack(Suite::Instructions, "../x");
        }
        Err(e) => check_error(&e, "t.toml"),
    }
}

fn baseline_of<T: Values + PartialEq + std::fmt::Debug>(data: &[u8], suite: Suite) {
    match BaselineFile::<T>::parse(data, Path::new("b.json"), suite) {
        Ok(file) => {
            for v in file.benchmarks.values() {
                assert!(v.check().is_ok());
            }
            // What was accepted can be written and read back.
            let text = file.to_json().expect("accepted baselines serialize");
            let again = BaselineFile::<T>::parse(text.as_bytes(), Path::new("b.json"), suite)
                .expect("a written baseline parses");
            assert_eq!(again.benchmarks.len(), file.benchmarks.len());
        }
        Err(e) => check_error(&e, "b.json"),
    }
}

/// Baseline files of both suites.
pub fn baseline(data: &[u8]) {
    baseline_of::<IrStats>(data, Suite::Instructions);
    baseline_of::<WallStats>(data, Suite::Wall);
}

/// Criterion `benchmark.json`, `estimates.json` and `sample.json`: `data` in each position in turn.
pub fn criterion(data: &[u8]) {
    for which in 0..3 {
        let mut files = [BENCHMARK, ESTIMATES, SAMPLE];
        files[which] = data;
        let parsed = criterion::parse(criterion::Files {
            dir: Path::new("c/new"),
            benchmark: files[0],
            estimates: files[1],
            sample: files[2],
        });
        match parsed {
            Ok(r) => {
                assert!(!r.id.is_empty() && !r.id.chars().any(char::is_control));
                assert!(r.median_ns.is_finite() && r.median_ns >= 0.0);
                assert!(r.mean_ns.is_finite() && r.mean_ns >= 0.0);
                assert!(r.samples_ns.len() >= 2);
                assert!(r.samples_ns.iter().all(|x| x.is_finite() && *x >= 0.0));
            }
            Err(e) => check_error(&e, "c/new/"),
        }
    }
}

/// A gungraun `summary.json`.
pub fn gungraun(data: &[u8]) {
    match gungraun::parse(data, Path::new("s.json")) {
        Ok(Some(r)) => {
            assert!(!r.id.is_empty() && !r.id.chars().any(char::is_control));
            assert!(r.metrics.contains_key("Ir"));
            assert!(r.metrics.values().all(|v| v.is_finite() && *v >= 0.0));
        }
        Ok(None) => {}
        Err(e) => check_error(&e, "s.json"),
    }
}

/// The NumPy comparison JSON.
pub fn numpy(data: &[u8]) {
    match numpy::parse(data, Path::new("n.json")) {
        Ok(r) => {
            for row in &r.rows {
                assert!(row.median_ns.is_finite() && row.min_ns <= row.median_ns);
            }
        }
        Err(e) => check_error(&e, "n.json"),
    }
}

/// The JSON report as `guard comment` reads it (an artifact of the pull request's run): parse, then render
/// the comment body, which must stay under GitHub's limit and keep the verdict first.
pub fn report(data: &[u8]) {
    match report::json::parse(data, Path::new("r.json")) {
        Ok(r) => {
            let merged = body::normalize(vec![r.clone(), r]);
            let text = body::build(&merged, &Footer::default());
            assert!(text.len() <= markdown::MAX_CHARS, "{}", text.len());
            let verdict_line = text.lines().nth(1).unwrap_or_default();
            assert!(verdict_line.starts_with("## "), "{verdict_line}");
            let md = markdown::render(&merged);
            assert!(md.len() <= markdown::MAX_CHARS, "{}", md.len());
            let _ = report::text::render(&merged, false);
            let _ = report::json::render(&merged);
        }
        Err(e) => check_error(&e, "r.json"),
    }
}
