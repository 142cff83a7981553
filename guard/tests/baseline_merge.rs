//! `baseline update --shard I/N` and `baseline merge` end to end: the merged shards are the file one unsharded
//! update writes, byte for byte; every refusal is exit 2 naming the file and field, and leaves every baseline
//! file as it was.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use common::assert::assert_contains;
use common::{synth, Sandbox};

/// Every file under `dir`, relative path → bytes (empty when `dir` does not exist).
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    if dir.is_dir() {
        for p in common::walk(dir) {
            let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            out.insert(rel, fs::read(&p).unwrap());
        }
    }
    out
}

/// Runs `baseline update --no-bench --shard i/n` (plus `extra`) for every i; returns the shard files written,
/// relative to the sandbox.
fn shards(s: &Sandbox, n: u32, extra: &[&str]) -> Vec<String> {
    let before: BTreeSet<String> = tree(&s.path("baselines/shards")).into_keys().collect();
    for i in 1..=n {
        let spec = format!("{i}/{n}");
        let mut args = vec!["baseline", "update", "--no-bench", "--shard", &spec];
        args.extend(extra);
        let r = s.run(&args);
        assert_eq!(r.code, 0, "{r:?}");
        assert_contains(&r.stdout, "baselines/shards/");
    }
    tree(&s.path("baselines/shards"))
        .into_keys()
        .filter(|k| !before.contains(k))
        .map(|k| format!("baselines/shards/{k}"))
        .collect()
}

/// The benchmark ids of a baseline file, and its `shard`.
fn contents(s: &Sandbox, rel: &str) -> (BTreeSet<String>, serde_json::Value) {
    let v: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(s.path(rel)).unwrap()).unwrap();
    let ids = v["benchmarks"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    (ids, v["shard"].clone())
}

/// How the baselines look before the refresh that is compared.
#[derive(Debug, Clone, Copy)]
enum Before {
    /// No baseline files yet.
    Nothing,
    /// Baselines of more benchmarks (some are kept, or pruned), every value different.
    Older,
    /// [`Before::Older`], measured with another rustc (old values are dropped).
    OtherEnvironment,
}

fn sandbox(before: Before) -> Sandbox {
    let s = Sandbox::new("gungraun-identical");
    if !matches!(before, Before::Nothing) {
        synth::results(&s.path("target"), 40, 60, 20, 1.0);
        s.update();
    }
    if matches!(before, Before::OtherEnvironment) {
        for (name, _) in tree(&s.path("baselines")) {
            if name.starts_with("instructions-") || name.starts_with("wall-") {
                let p = s.path("baselines").join(&name);
                let text = fs::read_to_string(&p).unwrap();
                let at = text.find("\"rustc\": \"").unwrap() + 10;
                fs::write(&p, format!("{}0.{}", &text[..at], &text[at..])).unwrap();
            }
        }
    }
    synth::results(&s.path("target"), 30, 50, 20, 1.5);
    s
}

#[test]
fn merged_shards_are_what_one_unsharded_update_writes_byte_for_byte() {
    let cases = [
        (Before::Nothing, false, 1),
        (Before::Nothing, false, 2),
        (Before::Older, false, 3),
        (Before::Older, true, 2),
        (Before::OtherEnvironment, false, 2),
        (Before::OtherEnvironment, true, 3),
    ];
    for (before, prune, n) in cases {
        let case = format!("{before:?}, prune {prune}, {n} shards");
        let extra: &[&str] = if prune { &["--prune"] } else { &[] };
        let whole = sandbox(before);
        let mut args = vec!["baseline", "update", "--no-bench"];
        args.extend(extra);
        let expected = whole.run(&args);
        assert_eq!(expected.code, 0, "{case}: {expected:?}");

        let sharded = sandbox(before);
        let before_refresh = tree(&sharded.path("baselines"));
        let files = shards(&sharded, n, &[]);
        assert_eq!(files.len(), 2 * n as usize, "{case}: {files:?}");
        let after_shards = tree(&sharded.path("baselines"));
        assert!(
            before_refresh
                .iter()
                .all(|(k, v)| after_shards.get(k) == Some(v)),
            "{case}: a sharded update changed a whole baseline"
        );
        // The shards partition the measured benchmarks and say which shard they are.
        for suite in ["instructions", "wall"] {
            let total = if suite == "wall" { 30 } else { 50 };
            let mut all = BTreeSet::new();
            for (i, f) in files.iter().filter(|f| f.contains(suite)).enumerate() {
                let (ids, shard) = contents(&sharded, f);
                assert_eq!(
                    shard,
                    serde_json::json!({"index": i + 1, "count": n}),
                    "{case}: {f}"
                );
                assert!(
                    !ids.is_empty() && (n == 1 || ids.len() < total),
                    "{case}: {f} holds {}",
                    ids.len()
                );
                assert!(all.is_disjoint(&ids), "{case}: {f} overlaps");
                all.extend(ids);
            }
            assert_eq!(all.len(), total, "{case}");
        }

        let mut args = vec!["baseline", "merge"];
        args.extend(extra);
        args.extend(files.iter().rev().map(String::as_str));
        let merged = sharded.run(&args);
        assert_eq!(merged.code, 0, "{case}: {merged:?}");
        assert_eq!(merged.stdout, expected.stdout, "{case}: the same changes");
        assert!(
            merged
                .stderr
                .contains(&format!("instructions: merged {n} shards (")),
            "{case}: {}",
            merged.stderr
        );
        let (a, b) = (
            tree(&whole.path("baselines")),
            tree(&sharded.path("baselines")),
        );
        for (name, bytes) in &a {
            assert_eq!(
                String::from_utf8_lossy(&b[name]),
                String::from_utf8_lossy(bytes),
                "{case}: {name}"
            );
        }
        assert_eq!(
            b.keys().filter(|k| !k.starts_with("shards/")).count(),
            a.len(),
            "{case}: no other files"
        );
    }
}

#[test]
fn one_suite_merges_into_output_and_a_shard_file_is_no_baseline() {
    let s = sandbox(Before::Older);
    let files = shards(&s, 2, &["--suite", "instructions"]);
    let whole = fs::read(s.path("baselines/instructions-pr.json")).unwrap();
    let mut args = vec!["baseline", "merge", "--output", "merged/ir.json"];
    args.extend(files.iter().map(String::as_str));
    fs::create_dir(s.path("merged")).unwrap();
    let r = s.run(&args);
    assert_eq!(r.code, 0, "{r:?}");
    let first = r.stdout.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("instructions: wrote merged/ir.json — 50 added"),
        "{first}"
    );
    assert_eq!(
        fs::read(s.path("baselines/instructions-pr.json")).unwrap(),
        whole
    );
    let (ids, shard) = contents(&s, "merged/ir.json");
    assert_eq!((ids.len(), shard), (50, serde_json::Value::Null));

    // A shard file copied over the whole baseline is refused where a baseline is read.
    fs::copy(s.path(&files[0]), s.path("baselines/instructions-pr.json")).unwrap();
    let r = s.run(&["check", "--no-bench", "--suite", "instructions"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert_contains(&r.stderr, "baselines/instructions-pr.json: shard: is 1/2: a shard file of `guard baseline update --shard`");
}

// The refusals, each in a fresh `refusals_sandbox`.
const IR1: &str = "baselines/shards/instructions-pr.shard-1-of-2.json";
const IR2: &str = "baselines/shards/instructions-pr.shard-2-of-2.json";
const WALL1: &str = "baselines/shards/wall-pr-test-machine.shard-1-of-2.json";
const WALL2: &str = "baselines/shards/wall-pr-test-machine.shard-2-of-2.json";

struct Case {
    name: &'static str,
    setup: fn(&Sandbox),
    /// After `baseline merge`.
    args: &'static [&'static str],
    /// Fragments of the error line; the first names the file.
    expect: &'static [&'static str],
}

/// Replaces the JSON file `rel` with `edit` applied to it.
fn edit_json(s: &Sandbox, rel: &str, edit: impl FnOnce(&mut serde_json::Value)) {
    let mut v: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(s.path(rel)).unwrap()).unwrap();
    edit(&mut v);
    fs::write(s.path(rel), serde_json::to_string_pretty(&v).unwrap()).unwrap();
}

/// The whole baselines of the fixtures, their results ×1.05 (instructions) and ×1.3 (one wall-clock
/// benchmark), and the shard files of that refresh in 2 shards.
fn refusals_sandbox() -> Sandbox {
    let s = Sandbox::with_baselines("gungraun-identical");
    s.scale_ir("add_avx2", 1.05);
    s.scale_wall("add/avx2/100", 1.3);
    assert_eq!(shards(&s, 2, &[]), [IR1, IR2, WALL1, WALL2]);
    s
}

#[test]
fn every_refusal_is_exit_2_naming_the_file_and_writes_nothing() {
    // Unbroken, the shards merge: each case breaks exactly one thing.
    let r = refusals_sandbox().run(&["baseline", "merge", IR1, IR2, WALL1, WALL2]);
    assert_eq!(r.code, 0, "{r:?}");
    let mut failures = Vec::new();
    for case in CASES {
        let s = refusals_sandbox();
        (case.setup)(&s);
        let before = tree(s.dir.path());
        let mut args = vec!["baseline", "merge"];
        args.extend(case.args);
        let r = s.run(&args);
        let mut problems = common::refusal_problems(&r, case.expect);
        if tree(s.dir.path()) != before {
            problems.push("files changed".to_string());
        }
        if !problems.is_empty() {
            let name = case.name;
            failures.push(format!(
                "{name}: {problems:?}; stderr: {}",
                r.stderr.trim_end()
            ));
        }
    }
    assert_eq!(failures, Vec::<String>::new());
}

const CASES: &[Case] = &[
    Case {
        name: "missing shard",
        setup: |_| {},
        args: &[IR1],
        expect: &[
            "guard baseline merge: shard(s) 2/2 missing (got 1 of 2)",
            "no baseline without every shard",
        ],
    },
    Case {
        name: "missing shard of one suite, the other complete",
        setup: |_| {},
        args: &[IR1, IR2, WALL2],
        expect: &["shard(s) 1/2 missing (got 1 of 2)"],
    },
    Case {
        name: "same file twice",
        setup: |_| {},
        args: &[IR1, IR2, IR1],
        expect: &[
            "instructions-pr.shard-1-of-2.json: shard: 1/2 is also given as baselines/shards/instructions-pr.shard-1-of-2.json",
        ],
    },
    Case {
        name: "same shard from two files",
        setup: |s| {
            fs::copy(s.path(IR2), s.path("copy.json")).unwrap();
        },
        args: &[IR1, IR2, "copy.json"],
        expect: &["copy.json: shard: 2/2 is also given as baselines/shards/instructions-pr.shard-2-of-2.json"],
    },
    Case {
        name: "a whole baseline, no shard",
        setup: |_| {},
        args: &[IR1, "baselines/instructions-pr.json"],
        expect: &[
            "baselines/instructions-pr.json: shard: missing: not a shard file of `guard baseline update --shard I/N`",
        ],
    },
    Case {
        name: "another N",
        setup: |s| {
            let r = s.run(&["baseline", "update", "--no-bench", "--shard", "1/3"]);
            assert_eq!(r.code, 0, "{r:?}");
        },
        args: &[IR1, IR2, "baselines/shards/instructions-pr.shard-1-of-3.json"],
        expect: &["instructions-pr.shard-1-of-3.json: shard: is 1/3, but baselines/shards/instructions-pr.shard-1-of-2.json is of 2 shards"],
    },
    Case {
        name: "another profile",
        setup: |s| {
            let r = s.run(&[
                "baseline", "update", "--no-bench", "--shard", "2/2", "--profile", "full",
            ]);
            assert_eq!(r.code, 0, "{r:?}");
        },
        args: &[IR1, "baselines/shards/instructions-full.shard-2-of-2.json"],
        expect: &["instructions-full.shard-2-of-2.json: profile: is \"full\", but baselines/shards/instructions-pr.shard-1-of-2.json is \"pr\""],
    },
    Case {
        name: "one benchmark in two shards",
        setup: |s| {
            let one: serde_json::Value =
                serde_json::from_str(&fs::read_to_string(s.path(IR1)).unwrap()).unwrap();
            let (id, value) = one["benchmarks"].as_object().unwrap().iter().next().unwrap();
            assert_eq!(id, "add/add_avx2/1000");
            edit_json(s, IR2, |v| {
                v["benchmarks"][id] = value.clone();
            });
        },
        args: &[IR1, IR2],
        expect: &["instructions-pr.shard-2-of-2.json: benchmarks: add/add_avx2/1000 is also in shard 1/2 (baselines/shards/instructions-pr.shard-1-of-2.json): shards must not overlap"],
    },
    Case {
        name: "another environment",
        setup: |s| edit_json(s, IR2, |v| v["fingerprint"]["rustc"] = "0.1.0".into()),
        args: &[IR1, IR2],
        expect: &["instructions-pr.shard-2-of-2.json: fingerprint: differs from baselines/shards/instructions-pr.shard-1-of-2.json's: rustc: "],
    },
    Case {
        name: "corrupt shard file",
        setup: |s| s.write(IR2, "{\"schema_version\": 1, \"suite\": \"instructions\", \"updated\":"),
        args: &[IR1, IR2],
        expect: &["instructions-pr.shard-2-of-2.json: "],
    },
    Case {
        name: "not a baseline file",
        setup: |s| s.write("report.json", "{\"schema_version\": 1, \"verdict\": \"pass\"}"),
        args: &[IR1, IR2, "report.json"],
        expect: &["report.json: missing field `suite`"],
    },
    Case {
        name: "--output with two suites",
        setup: |_| {},
        args: &["--output", "out.json", IR1, IR2, WALL1, WALL2],
        expect: &["--output out.json: names one file, but the shard files hold 2 suites (instructions, wall)"],
    },
    Case {
        name: "a shard file as --output",
        setup: |_| {},
        args: &["--output", IR1, IR1, IR2],
        expect: &["instructions-pr.shard-1-of-2.json: shard: is 1/2: a shard file"],
    },
];
