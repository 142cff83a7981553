//! Every way guard can fail to reach a verdict, as a table: each bad input must give exit code 2 and one
//! line on stderr that names the file (and field and value where there is one) and says what to do — never
//! a panic, never a bare error without context. Add a row when adding an error path.

mod common;

use std::fs;

use common::Sandbox;

/// One bad situation.
struct Case {
    name: &'static str,
    /// Breaks the (updated, passing) sandbox.
    setup: fn(&Sandbox),
    args: &'static [&'static str],
    /// Extra environment variables; `$S` is replaced by the sandbox path.
    env: &'static [(&'static str, &'static str)],
    /// Fragments the error line must contain.
    expect: &'static [&'static str],
}

const CHECK: &[&str] = &["check", "--no-bench"];
const WALL_BENCH: &[&str] = &["check", "--suite", "wall", "--against-baselines"];
const FAKE_CARGO: &[(&str, &str)] = &[("CARGO", "$S/fake-cargo")];
const EST: &str = "target/criterion/add/avx2/100/new/estimates.json";
const BENCH: &str = "target/criterion/add/avx2/100/new/benchmark.json";
const SAMPLE: &str = "target/criterion/add/avx2/100/new/sample.json";
const SUMMARY: &str = "target/gungraun/fixturegen/instructions/add/add_avx2.n100/summary.json";
const IR_BASE: &str = "baselines/instructions-pr.json";

fn edit(s: &Sandbox, rel: &str, from: &str, to: &str) {
    let text = fs::read_to_string(s.path(rel)).unwrap();
    assert!(text.contains(from), "{rel} lacks {from:?}");
    s.write(rel, &text.replacen(from, to, 1));
}

fn fake_cargo(s: &Sandbox, script: &str) {
    use std::os::unix::fs::PermissionsExt;
    let p = s.path("fake-cargo");
    fs::write(&p, format!("#!/bin/sh\n{script}\n")).unwrap();
    fs::set_permissions(&p, fs::Permissions::from_mode(0o755)).unwrap();
}

fn report_json(s: &Sandbox, version: u32) {
    let r = guard::report::Report::new("pr", vec![], vec![], None, vec![]);
    let text = guard::report::json::render(&r).replace(
        "\"schema_version\": 1",
        &format!("\"schema_version\": {version}"),
    );
    s.write("report.json", &text);
}

const CASES: &[Case] = &[
    Case {
        name: "thresholds syntax",
        setup: |s| s.write("thresholds.toml", "version = 1\n[instructions\n"),
        args: CHECK,
        env: &[],
        expect: &["thresholds.toml: line 2"],
    },
    Case {
        name: "thresholds not UTF-8",
        setup: |s| fs::write(s.path("thresholds.toml"), b"version = 1\n\xff\n").unwrap(),
        args: CHECK,
        env: &[],
        expect: &["thresholds.toml: is not UTF-8"],
    },
    Case {
        name: "thresholds out of range",
        setup: |s| s.write("thresholds.toml", "version = 1\n[numpy]\nmax_ratio = 0.0\n"),
        args: CHECK,
        env: &[],
        expect: &["thresholds.toml: numpy.max_ratio", "0"],
    },
    Case {
        name: "thresholds missing",
        setup: |_| {},
        args: &["check", "--no-bench", "--thresholds", "missing.toml"],
        env: &[],
        expect: &["cannot read missing.toml", "check the path"],
    },
    Case {
        name: "baselines dir missing",
        setup: |_| {},
        args: &["check", "--no-bench", "--baselines", "nope"],
        env: &[],
        expect: &["nope: baselines directory not found"],
    },
    Case {
        name: "criterion dir missing",
        setup: |s| fs::remove_dir_all(s.path("target/criterion")).unwrap(),
        args: &["check", "--no-bench", "--suite", "wall"],
        env: &[],
        expect: &["target/criterion: no Criterion results"],
    },
    Case {
        name: "criterion truncated",
        setup: |s| s.write(EST, "{\"mean\":"),
        args: CHECK,
        env: &[],
        expect: &["new/estimates.json", "EOF while parsing"],
    },
    Case {
        name: "criterion negative time",
        setup: |s| s.write(SAMPLE, r#"{"iters":[1.0,2.0],"times":[-1.0,2.0]}"#),
        args: CHECK,
        env: &[],
        expect: &["sample.json: times[0]: expected a finite non-negative number, got -1"],
    },
    Case {
        name: "criterion id with NUL",
        setup: |s| edit(s, BENCH, "\"full_id\":\"add/avx2/100\"", "\"full_id\":\"add/\\u0000/100\""),
        args: CHECK,
        env: &[],
        expect: &["benchmark.json: full_id: id \"add/\\0/100\" contains the control character U+0000"],
    },
    Case {
        name: "criterion duplicate id",
        setup: |s| edit(s, BENCH, "\"full_id\":\"add/avx2/100\"", "\"full_id\":\"add/avx2/1000\""),
        args: CHECK,
        env: &[],
        expect: &["target/criterion: full_id: two results have the id \"add/avx2/1000\""],
    },
    Case {
        name: "criterion file too large",
        setup: |s| {
            let f = fs::File::create(s.path(SAMPLE)).unwrap();
            f.set_len(guard::fsio::MAX_FILE_BYTES + 1).unwrap();
        },
        args: CHECK,
        env: &[],
        expect: &["sample.json: file is 67108865 bytes or more, more than the limit"],
    },
    Case {
        name: "criterion FIFO",
        setup: |s| {
            fs::remove_file(s.path(SAMPLE)).unwrap();
            let ok = std::process::Command::new("mkfifo")
                .arg(s.path(SAMPLE))
                .status()
                .unwrap();
            assert!(ok.success());
        },
        args: CHECK,
        env: &[],
        expect: &["sample.json: is not a regular file"],
    },
    Case {
        name: "gungraun schema",
        setup: |s| edit(s, SUMMARY, "\"version\":\"7\"", "\"version\":\"6\""),
        args: CHECK,
        env: &[],
        expect: &["summary.json: version: summary schema \"6\" is not supported", "gungraun-runner 0.20.0"],
    },
    Case {
        name: "gungraun id with a line break",
        setup: |s| edit(s, SUMMARY, "\"group\":\"add\"", "\"group\":\"add\\n## PASS\""),
        args: CHECK,
        env: &[],
        expect: &["summary.json: group/function_name/id: id \"add\\n## PASS/add_avx2/100\" contains the control character U+000A"],
    },
    Case {
        name: "baseline corrupt",
        setup: |s| s.write(IR_BASE, "{\"schema_version\": 1,"),
        args: CHECK,
        env: &[],
        expect: &[IR_BASE, "guard baseline update"],
    },
    Case {
        name: "baseline of the other suite",
        setup: |s| edit(s, IR_BASE, "\"suite\": \"instructions\"", "\"suite\": \"wall\""),
        args: CHECK,
        env: &[],
        expect: &["instructions-pr.json: suite: is wall, expected instructions"],
    },
    Case {
        name: "baseline id with escape",
        setup: |s| edit(s, IR_BASE, "\"add/add_avx2/100\"", "\"add/\\u001b[31m\""),
        args: CHECK,
        env: &[],
        expect: &["instructions-pr.json: benchmarks: id \"add/\\u{1b}[31m\" contains the control character U+001B"],
    },
    Case {
        name: "numpy corrupt",
        setup: |s| s.write("baselines/numpy.json", r#"{"schema_version": 1, "results": [{"op": "add"}]}"#),
        args: CHECK,
        env: &[],
        expect: &["baselines/numpy.json: results[0]: missing field", "python_comparison.py"],
    },
    Case {
        name: "report output dir missing",
        setup: |_| {},
        args: &["check", "--no-bench", "--output", "no/such/dir/r.json"],
        env: &[],
        expect: &["no/such/dir", "check the path"],
    },
    Case {
        name: "base mode outside a git work tree",
        setup: |_| {},
        args: &["check", "--suite", "wall"],
        env: &[],
        expect: &["not inside a git work tree", "--against-baselines"],
    },
    Case {
        name: "bench build fails",
        setup: |s| fake_cargo(s, "echo 'error[E0308]: mismatched types' >&2; exit 101"),
        args: WALL_BENCH,
        env: FAKE_CARGO,
        expect: &["`LANES_BENCH_PROFILE=pr cargo bench --bench wall` failed (exit status: 101)", "error[E0308]"],
    },
    Case {
        name: "bench killed",
        setup: |s| fake_cargo(s, "echo 'Benchmarking add/avx2/100'; kill -9 $$"),
        args: WALL_BENCH,
        env: FAKE_CARGO,
        expect: &["cargo bench --bench wall` failed (signal: 9", "Benchmarking add/avx2/100"],
    },
    Case {
        name: "bench wrote nothing",
        setup: |s| fake_cargo(s, "exit 0"),
        args: WALL_BENCH,
        env: FAKE_CARGO,
        expect: &["target/criterion: the bench run wrote no results here"],
    },
    Case {
        name: "update: bench fails",
        setup: |s| fake_cargo(s, "exit 3"),
        args: &["baseline", "update", "--suite", "wall"],
        env: FAKE_CARGO,
        expect: &["cargo bench --bench wall` failed (exit status: 3)"],
    },
    Case {
        name: "comment: report missing",
        setup: |_| {},
        args: &["comment", "--dry-run", "--report", "nope.json"],
        env: &[],
        expect: &["cannot read nope.json", "check the path"],
    },
    Case {
        name: "a shard file in place of a baseline",
        setup: |s| {
            let r = s.run(&["baseline", "update", "--no-bench", "--shard", "1/2"]);
            assert_eq!(r.code, 0, "{r:?}");
            let shard = s.path("baselines/shards/instructions-pr.shard-1-of-2.json");
            fs::copy(shard, s.path(IR_BASE)).unwrap();
        },
        args: CHECK,
        env: &[],
        expect: &[
            "baselines/instructions-pr.json: shard: is 1/2: a shard file",
            "guard baseline merge",
        ],
    },
    Case {
        name: "comment: report schema",
        setup: |s| report_json(s, 2),
        args: &["comment", "--dry-run", "--report", "report.json"],
        env: &[],
        expect: &["report.json: schema_version: is 2", "guard check --format json"],
    },
    Case {
        name: "comment: bad head sha",
        setup: |s| report_json(s, 1),
        args: &["comment", "--dry-run", "--report", "report.json", "--head-sha", "HEAD"],
        env: &[],
        expect: &["--head-sha \"HEAD\": expected a full commit id"],
    },
];

#[test]
fn every_exit_2_path_names_its_input_and_what_to_do() {
    let mut failures = Vec::new();
    for case in CASES {
        let s = Sandbox::with_baselines("gungraun-identical");
        let before = fs::read(s.path(IR_BASE)).unwrap();
        (case.setup)(&s);
        let root = s.dir.path().to_str().unwrap().to_string();
        let mut cmd = s.command(case.args);
        for (k, v) in case.env {
            cmd.env(k, v.replace("$S", &root));
        }
        let r = common::output(&mut cmd);
        let problems = common::refusal_problems(&r, case.expect);
        if !problems.is_empty() {
            failures.push(format!(
                "{}: {} — stderr: {}",
                case.name,
                problems.join(", "),
                r.stderr
            ));
        }
        if case.args[0] == "baseline" {
            assert_eq!(
                fs::read(s.path(IR_BASE)).unwrap(),
                before,
                "{}: baseline changed",
                case.name
            );
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
