//! Property tests: parsers fed mutated real inputs never panic, and whatever they accept is finite.

use std::path::Path;

use guard::baseline::BaselineFile;
use guard::baseline::{IrStats, WallStats};
use guard::suite::{criterion, gungraun, numpy, Suite};
use guard::thresholds::Thresholds;
use proptest::prelude::*;

const F: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

fn fixture(rel: &str) -> Vec<u8> {
    std::fs::read(Path::new(F).join(rel)).unwrap()
}

/// Tokens that break JSON or TOML in interesting ways.
const TOKENS: &[&str] = &[
    "NaN",
    "-1",
    "1e999",
    "-0.0",
    "\"x\"",
    "null",
    "[]",
    "{}",
    "\"",
    ",",
    "}",
    "]",
    "inf",
    "\u{0}",
    "é",
    "18446744073709551616",
];

#[derive(Debug, Clone)]
enum Mutation {
    Truncate(usize),
    Replace { at: usize, len: usize, token: usize },
    Insert { at: usize, token: usize },
    Flip { at: usize, byte: u8 },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), 0usize..12, 0..TOKENS.len())
            .prop_map(|(at, len, token)| Mutation::Replace { at, len, token }),
        (any::<usize>(), 0..TOKENS.len()).prop_map(|(at, token)| Mutation::Insert { at, token }),
        (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Mutation::Flip { at, byte }),
    ]
}

fn apply(input: &[u8], muts: &[Mutation]) -> Vec<u8> {
    let mut v = input.to_vec();
    for m in muts {
        let n = v.len().max(1);
        match *m {
            Mutation::Truncate(at) => v.truncate(at % n),
            Mutation::Replace { at, len, token } => {
                let at = at % n;
                let end = (at + len).min(v.len());
                let at = at.min(end);
                v.splice(at..end, TOKENS[token].bytes());
            }
            Mutation::Insert { at, token } => {
                let at = (at % n).min(v.len());
                v.splice(at..at, TOKENS[token].bytes());
            }
            Mutation::Flip { at, byte } => {
                if !v.is_empty() {
                    let i = at % v.len();
                    v[i] = byte;
                }
            }
        }
    }
    v
}

fn baseline_bytes(suite: Suite) -> Vec<u8> {
    let fp =
        r#"{"profile":"pr","rustc":"1.95.0","host":"x86_64-unknown-linux-gnu","simd":["avx2"]}"#;
    let benchmarks = match suite {
        Suite::Instructions => r#"{"add/avx2/100":{"Ir":412.0,"EstimatedCycles":834.0}}"#,
        Suite::Wall => {
            r#"{"add/avx2/100":{"median_ns":18.7,"mean_ns":21.0,"samples_ns":[17.0,18.3,19.1]}}"#
        }
    };
    format!(r#"{{"schema_version":1,"suite":"{suite}","updated":"2026-01-01","fingerprint":{fp},"benchmarks":{benchmarks}}}"#).into_bytes()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn criterion_parser(which in 0usize..3, muts in prop::collection::vec(mutation(), 1..4)) {
        let base = "criterion/add/avx2/100/new/";
        let mut files = [fixture(&format!("{base}benchmark.json")), fixture(&format!("{base}estimates.json")), fixture(&format!("{base}sample.json"))];
        files[which] = apply(&files[which], &muts);
        if let Ok(r) = criterion::parse(criterion::Files { dir: Path::new("d"), benchmark: &files[0], estimates: &files[1], sample: &files[2] }) {
            prop_assert!(r.median_ns.is_finite() && r.mean_ns.is_finite());
            prop_assert!(r.samples_ns.iter().all(|x| x.is_finite() && *x >= 0.0));
        }
    }

    #[test]
    fn gungraun_parser(muts in prop::collection::vec(mutation(), 1..4)) {
        let input = apply(&fixture("gungraun-regressed/fixturegen/instructions/add/add_avx2.n100/summary.json"), &muts);
        if let Ok(Some(r)) = gungraun::parse(&input, Path::new("s.json")) {
            prop_assert!(r.metrics.values().all(|v| v.is_finite() && *v >= 0.0));
        }
    }

    #[test]
    fn numpy_parser(muts in prop::collection::vec(mutation(), 1..4)) {
        let input = apply(&fixture("numpy.json"), &muts);
        if let Ok(r) = numpy::parse(&input, Path::new("n.json")) {
            prop_assert!(r.rows.iter().all(|x| x.median_ns.is_finite() && x.min_ns <= x.median_ns));
        }
    }

    #[test]
    fn baseline_parsers(muts in prop::collection::vec(mutation(), 1..4)) {
        let ir = apply(&baseline_bytes(Suite::Instructions), &muts);
        let _ = BaselineFile::<IrStats>::parse(&ir, Path::new("b.json"), Suite::Instructions);
        let wall = apply(&baseline_bytes(Suite::Wall), &muts);
        if let Ok(b) = BaselineFile::<WallStats>::parse(&wall, Path::new("b.json"), Suite::Wall) {
            prop_assert!(b.benchmarks.values().all(|v| v.median_ns.is_finite()));
        }
    }

    #[test]
    fn thresholds_parser(muts in prop::collection::vec(mutation(), 1..4)) {
        let text = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("../thresholds.toml")).unwrap();
        let mutated = apply(&text, &muts);
        if let Ok(s) = std::str::from_utf8(&mutated) {
            if let Ok(t) = Thresholds::parse(s, Path::new("t.toml")) {
                prop_assert!(t.instructions.max_regression_pct >= 0.0 && t.numpy.max_ratio > 0.0);
            }
        }
    }

    #[test]
    fn report_parser(muts in prop::collection::vec(mutation(), 1..4)) {
        // The JSON report snapshot: every status, suites, NumPy cells, notes (what `guard comment` reads).
        let snap = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("src/report/snapshots/guard__report__json__tests__json_report.snap")).unwrap();
        let text = snap.splitn(3, "---\n").nth(2).unwrap();
        if let Ok(r) = guard::report::json::parse(&apply(text.as_bytes(), &muts), Path::new("r.json")) {
            let body = guard::github::body::build(&guard::github::body::normalize(vec![r]), &guard::github::body::Footer::default());
            prop_assert!(body.len() <= guard::report::markdown::MAX_CHARS);
        }
    }
}
