//! `check --shard I/N` and `guard merge` end to end on real captured output.

mod common;

use std::collections::BTreeSet;

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

/// Runs shard i/n to `shard-<i>-of-<n>.json`, asserting exit code `code`.
fn shard(s: &Sandbox, i: u32, n: u32, code: i32) -> String {
    let out = format!("shard-{i}-of-{n}.json");
    let spec = format!("{i}/{n}");
    let args = [
        "check",
        "--no-bench",
        "--shard",
        &spec,
        "--format",
        "json",
        "--output",
        &out,
    ];
    let r = s.run(&args);
    assert_eq!(r.code, code, "{r:?}");
    std::fs::read_to_string(s.path(&out)).unwrap()
}

#[test]
fn shards_partition_the_benchmarks_and_merge_to_the_whole_verdict() {
    let s = Sandbox::new("gungraun-identical");
    s.update();
    let whole = s.run(&["check", "--no-bench", "--format", "json"]);
    assert_eq!(whole.code, 0, "{whole:?}");
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
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.contains("PASS: 0 regressions, 6 pass"),
        "{}",
        r.stdout
    );
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
    let s = Sandbox::new("gungraun-identical");
    s.update();
    s.scale_ir("add_avx2.n1000", 1.05);
    let codes: Vec<i32> = (1..=3)
        .map(|i| {
            let spec = format!("{i}/3");
            let out = format!("shard-{i}.json");
            s.run(&[
                "check",
                "--no-bench",
                "--shard",
                &spec,
                "--format",
                "json",
                "--output",
                &out,
            ])
            .code
        })
        .collect();
    assert_eq!(codes.iter().filter(|c| **c == 1).count(), 1, "{codes:?}");
    let r = s.run(&["merge", "shard-1.json", "shard-2.json", "shard-3.json"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stdout.contains("add/add_avx2/1000"), "{}", r.stdout);
    assert!(r.stdout.contains("FAIL: 1 regression"), "{}", r.stdout);
}

#[test]
fn missing_duplicated_and_unsharded_reports_give_no_verdict() {
    let s = Sandbox::new("gungraun-identical");
    s.update();
    shard(&s, 1, 2, 0);
    shard(&s, 2, 2, 0);
    let r = s.run(&["merge", "shard-1-of-2.json"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("shard(s) 2/2 missing (got 1 of 2)"),
        "{r:?}"
    );

    let r = s.run(&[
        "merge",
        "shard-1-of-2.json",
        "shard-2-of-2.json",
        "shard-1-of-2.json",
    ]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr
            .contains("shard-1-of-2.json: shard: 1/2 is also given as shard-1-of-2.json"),
        "{r:?}"
    );

    // The same shard index from two different files (two jobs with the same index) is no better.
    std::fs::copy(s.path("shard-2-of-2.json"), s.path("copy.json")).unwrap();
    let r = s.run(&[
        "merge",
        "shard-1-of-2.json",
        "shard-2-of-2.json",
        "copy.json",
    ]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr
            .contains("copy.json: shard: 2/2 is also given as shard-2-of-2.json"),
        "{r:?}"
    );

    let whole = s.run(&[
        "check",
        "--no-bench",
        "--format",
        "json",
        "--output",
        "whole.json",
    ]);
    assert_eq!(whole.code, 0, "{whole:?}");
    let r = s.run(&["merge", "shard-1-of-2.json", "whole.json"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("whole.json: shard: missing"), "{r:?}");

    let other = shard(&s, 1, 3, 0);
    s.write("of-three.json", &other);
    let r = s.run(&[
        "merge",
        "shard-1-of-2.json",
        "shard-2-of-2.json",
        "of-three.json",
    ]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("of-three.json: shard: is 1/3"), "{r:?}");
}

#[test]
fn bad_shard_specs_and_prune_with_shard_are_refused() {
    let s = Sandbox::new("gungraun-identical");
    for bad in ["0/2", "3/2", "x"] {
        let r = s.run(&["check", "--no-bench", "--shard", bad]);
        assert_eq!(r.code, 2, "{bad}: {r:?}");
        assert!(r.stderr.contains("expected I/N"), "{r:?}");
    }
    let r = s.run(&[
        "baseline",
        "update",
        "--no-bench",
        "--shard",
        "1/2",
        "--prune",
    ]);
    assert_eq!(r.code, 2, "{r:?}");
}
