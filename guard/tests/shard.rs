//! `check --shard I/N` and `guard merge` end to end on real captured output.

mod common;

use std::collections::BTreeSet;

use common::assert::assert_contains;
use common::Sandbox;

fn ids(json: &str) -> BTreeSet<String> {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{}:{}",
                e["suite"].as_str().unwrap(),
                e["id"].as_str().unwrap()
            )
        })
        .collect()
}

/// Runs `check --shard i/n` with its JSON report written to `out`.
fn run_shard(s: &Sandbox, i: u32, n: u32, out: &str) -> common::Run {
    let spec = format!("{i}/{n}");
    s.check(&["--shard", &spec, "--format", "json", "--output", out])
}

/// Runs shard i/n to `shard-<i>-of-<n>.json`, asserting exit code `code`.
fn shard(s: &Sandbox, i: u32, n: u32, code: i32) -> String {
    let out = format!("shard-{i}-of-{n}.json");
    run_shard(s, i, n, &out).assert_code(code);
    std::fs::read_to_string(s.path(&out)).unwrap()
}

/// `guard merge files…` refuses with exit code 2 and `expect` on stderr.
#[track_caller]
fn assert_merge_refused(s: &Sandbox, files: &[&str], expect: &str) {
    let r = s.run(&[&["merge"][..], files].concat());
    r.assert_code(2);
    assert_contains(&r.stderr, expect);
}

#[test]
fn shards_partition_the_benchmarks_and_merge_to_the_whole_verdict() {
    let s = Sandbox::with_baselines("gungraun-identical");
    let whole = s.check(&["--format", "json"]);
    whole.assert_code(0);
    let (a, b) = (shard(&s, 1, 2, 0), shard(&s, 2, 2, 0));
    let (ia, ib) = (ids(&a), ids(&b));
    assert!(!ia.is_empty() && !ib.is_empty(), "{ia:?} {ib:?}");
    assert!(ia.is_disjoint(&ib), "{ia:?} {ib:?}");
    assert_eq!(&ia | &ib, ids(&whole.stdout));
    assert!(
        !a.contains("\"status\": \"missing\"") && a.contains("\"missing\": 0"),
        "other shards' benchmarks are not missing: {a}"
    );
    // Same partition on every run.
    assert_eq!(ids(&shard(&s, 1, 2, 0)), ia);

    let r = s.run(&["merge", "shard-2-of-2.json", "shard-1-of-2.json"]);
    r.assert_code(0);
    assert_contains(&r.stdout, "PASS: 0 regressions, 6 pass");
    let whole_numpy: serde_json::Value = serde_json::from_str(&whole.stdout).unwrap();
    let r = s.run(&[
        "merge",
        "shard-1-of-2.json",
        "shard-2-of-2.json",
        "--format",
        "json",
    ]);
    let merged: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        merged["numpy"]["cells_total"], whole_numpy["numpy"]["cells_total"],
        "NumPy cells pooled from both shards"
    );
    assert_eq!(merged["numpy"]["state"], whole_numpy["numpy"]["state"]);
}

#[test]
fn a_regression_in_one_shard_fails_the_merge() {
    let s = Sandbox::with_baselines("gungraun-identical");
    s.scale_ir("add_avx2.n1000", 1.05);
    let codes: Vec<i32> = (1..=3)
        .map(|i| run_shard(&s, i, 3, &format!("shard-{i}.json")).code)
        .collect();
    assert_eq!(codes.iter().filter(|c| **c == 1).count(), 1, "{codes:?}");
    let r = s.run(&["merge", "shard-1.json", "shard-2.json", "shard-3.json"]);
    r.assert_code(1);
    assert_contains(&r.stdout, "add/add_avx2/1000");
    assert_contains(&r.stdout, "FAIL: 1 regression");
}

#[test]
fn missing_duplicated_and_unsharded_reports_give_no_verdict() {
    let s = Sandbox::with_baselines("gungraun-identical");
    shard(&s, 1, 2, 0);
    shard(&s, 2, 2, 0);
    assert_merge_refused(
        &s,
        &["shard-1-of-2.json"],
        "shard(s) 2/2 missing (got 1 of 2)",
    );
    assert_merge_refused(
        &s,
        &[
            "shard-1-of-2.json",
            "shard-2-of-2.json",
            "shard-1-of-2.json",
        ],
        "shard-1-of-2.json: shard: 1/2 is also given as shard-1-of-2.json",
    );

    // The same shard index from two different files (two jobs with the same index) is no better.
    std::fs::copy(s.path("shard-2-of-2.json"), s.path("copy.json")).unwrap();
    assert_merge_refused(
        &s,
        &["shard-1-of-2.json", "shard-2-of-2.json", "copy.json"],
        "copy.json: shard: 2/2 is also given as shard-2-of-2.json",
    );

    let whole = s.check(&["--format", "json", "--output", "whole.json"]);
    whole.assert_code(0);
    assert_merge_refused(
        &s,
        &["shard-1-of-2.json", "whole.json"],
        "whole.json: shard: missing",
    );

    let other = shard(&s, 1, 3, 0);
    s.write("of-three.json", &other);
    assert_merge_refused(
        &s,
        &["shard-1-of-2.json", "shard-2-of-2.json", "of-three.json"],
        "of-three.json: shard: is 1/3",
    );
}

#[test]
fn bad_shard_specs_and_prune_with_shard_are_refused() {
    let s = Sandbox::new("gungraun-identical");
    for bad in ["0/2", "3/2", "x"] {
        let r = s.check(&["--shard", bad]);
        assert_eq!(r.code, 2, "{bad}: {r:?}");
        assert_contains(&r.stderr, "expected I/N");
    }
    let r = s.run(&[
        "baseline",
        "update",
        "--no-bench",
        "--shard",
        "1/2",
        "--prune",
    ]);
    r.assert_code(2);
}
