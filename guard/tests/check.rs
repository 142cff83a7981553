//! `guard check` / `guard baseline update` end to end on real captured output.

mod common;

use common::assert::{assert_contains, assert_lacks, assert_row};
use common::Sandbox;

#[test]
fn identical_results_pass() {
    let s = Sandbox::with_baselines("gungraun-identical");
    let r = s.check(&[]);
    r.assert_code(0);
    assert_contains(&r.stdout, "PASS: 0 regressions, 6 pass");
    assert_contains(
        &r.stdout,
        "instructions: checked against baselines/instructions-pr.json",
    );
    assert_contains(
        &r.stdout,
        "wall: checked against baselines/wall-pr-test-machine.json",
    );
}

#[test]
fn five_percent_more_instructions_fail_naming_the_id() {
    let s = Sandbox::with_baselines("gungraun-identical");
    s.scale_ir("add_avx2.n1000", 1.05);
    let r = s.check(&["--suite", "instructions"]);
    r.assert_code(1);
    assert_row(
        &r.stdout,
        &["regression", "instructions", "add/add_avx2/1000"],
    );
    assert_contains(&r.stdout, "+4.99%");
    assert!(
        r.stdout.starts_with("instructions: checked"),
        "{}",
        r.stdout
    );
    assert_contains(&r.stdout, "FAIL: 1 regression,");
}

#[test]
fn real_regressed_and_improved_runs() {
    let s = Sandbox::with_baselines("gungraun-identical");
    s.use_gungraun("gungraun-regressed");
    let r = s.check(&["--suite", "instructions", "--format", "json"]);
    r.assert_code(1);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["verdict"], "fail");
    let e = v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "add/add_avx2/1000")
        .unwrap();
    assert_eq!(e["status"], "regression");
    assert_eq!(e["suite"], "instructions");
    assert_eq!(e["metric"], "Ir");
    assert_eq!(e["baseline"], 1743.0);
    assert_eq!(e["current"], 8360.0);
    assert_eq!(e["threshold"], 1.0);
    // The next run went back to the fast code and added a case: improvements and a new benchmark.
    s.update();
    s.use_gungraun("gungraun-newcase");
    let r = s.check(&["--suite", "instructions"]);
    r.assert_code(0);
    assert_row(
        &r.stdout,
        &["improvement", "instructions", "add/add_avx2/100"],
    );
    assert_row(&r.stdout, &["new", "instructions", "add/add_avx2/10"]);
    assert_contains(&r.stdout, "PASS: 0 regressions, 2 improvements, 1 new");
}

#[test]
fn missing_benchmarks_are_listed() {
    let s = Sandbox::with_baselines("gungraun-newcase");
    s.use_gungraun("gungraun-identical");
    let r = s.check(&["--suite", "instructions"]);
    r.assert_code(0);
    assert_row(&r.stdout, &["missing", "instructions", "add/add_avx2/10"]);
    assert_contains(&r.stdout, "1 missing");
}

#[test]
fn thirty_percent_slower_wall_clock_against_stored_baselines_only_warns() {
    let s = Sandbox::with_baselines("gungraun-identical");
    s.scale_wall("add/avx2/100", 1.3);
    // The shipped thresholds gate the paired comparison; stored numbers are advisory: a warning, exit 0.
    let r = s.check(&["--suite", "wall"]);
    r.assert_code(0);
    assert_row(&r.stdout, &["warning", "wall", "add/avx2/100"]);
    assert_contains(&r.stdout, "the wall-clock gate needs the paired comparison");
    // Even with a gate and a low threshold: stored wall-clock numbers never fail the check.
    s.write(
        "thresholds.toml",
        "version = 1\n[wall_clock]\nmax_regression_pct = 1.0\ngate = true\nstored_max_regression_pct = 20.0\n",
    );
    let r = s.check(&["--suite", "wall", "--format", "markdown"]);
    r.assert_code(0);
    assert_contains(&r.stdout, "| ⚠️ warning | add/avx2/100 | wall |");
    assert_contains(&r.stdout, "±20%");
}

#[test]
fn fingerprint_mismatch_is_incomparable() {
    let s = Sandbox::with_baselines("gungraun-identical");
    let path = s.path("baselines/instructions-pr.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let (_, rest) = text.split_once("\"rustc\": \"").unwrap();
    let old = rest.split('"').next().unwrap();
    std::fs::write(&path, text.replace(old, "1.80.0 (old)")).unwrap();
    s.scale_ir("n1000", 2.0);
    let r = s.check(&["--suite", "instructions", "--format", "json"]);
    assert_eq!(r.code, 0, "incomparable is not a regression: {r:?}");
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["suites"][0]["state"], "incomparable");
    assert!(v["suites"][0]["differences"][0]
        .as_str()
        .unwrap()
        .starts_with("rustc: 1.80.0 (old) → "));
    assert_contains(
        v["suites"][0]["message"].as_str().unwrap(),
        "guard baseline update --suite instructions",
    );
    assert_eq!(v["counts"]["incomparable"], 2);
    assert_eq!(v["counts"]["pass"], 0);
}

#[test]
fn acknowledged_and_expired_acknowledgements() {
    let s = Sandbox::with_baselines("gungraun-identical");
    s.scale_ir("n1000", 1.05);
    let ack = |expires: &str| {
        format!(
            "version = 1\n[[acknowledged]]\nid = \"add/*/1000\"\nsuite = \"instructions\"\nmax_change_pct = 6.0\nreason = \"unrolled loop\"\nexpires = {expires}\n"
        )
    };
    s.write("thresholds.toml", &ack("2026-06-01"));
    let r = s.check(&["--suite", "instructions"]);
    r.assert_code(0);
    assert_row(
        &r.stdout,
        &["acknowledged", "instructions", "add/add_avx2/1000"],
    );
    assert_contains(&r.stdout, "until 2026-06-01: unrolled loop");
    s.write("thresholds.toml", &ack("2026-05-31"));
    let r = s.check(&["--suite", "instructions"]);
    r.assert_code(1);
    assert_contains(
        &r.stdout,
        "acknowledgement expired on 2026-05-31 (unrolled loop)",
    );
}

#[test]
fn numpy_gate_skips_with_the_command_when_the_file_is_missing() {
    let s = Sandbox::with_baselines("gungraun-identical");
    std::fs::remove_file(s.path("baselines/numpy.json")).unwrap();
    let r = s.check(&["--suite", "wall"]);
    r.assert_code(0);
    assert_contains(
        &r.stdout,
        "NumPy gate: skipped — no NumPy numbers at baselines/numpy.json: run `uv run --project benchmarks python benchmarks/python_comparison.py --output baselines/numpy.json`",
    );
}

#[test]
fn output_file_and_json_schema() {
    let s = Sandbox::with_baselines("gungraun-identical");
    let r = s.check(&["--format", "json", "--output", "report.json"]);
    r.assert_code(0);
    assert!(r.stdout.is_empty());
    assert_contains(&r.stderr, "PASS");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(s.path("report.json")).unwrap()).unwrap();
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["verdict"], "pass");
    assert_eq!(v["numpy"]["state"], "pass");
    for e in v["entries"].as_array().unwrap() {
        for key in [
            "id",
            "suite",
            "metric",
            "status",
            "baseline",
            "current",
            "change_pct",
            "threshold",
        ] {
            assert!(e.get(key).is_some(), "{key} missing in {e}");
        }
    }
}

#[test]
fn baseline_update_merges_and_prunes() {
    const UPDATE_IR: [&str; 5] = [
        "baseline",
        "update",
        "--no-bench",
        "--suite",
        "instructions",
    ];
    let s = Sandbox::with_baselines("gungraun-newcase");
    s.use_gungraun("gungraun-identical");
    let r = s.run(&UPDATE_IR);
    r.assert_code(0);
    assert_contains(
        &r.stdout,
        "0 added, 0 removed, 0 changed beyond threshold, 2 within threshold, 1 kept (not run)",
    );
    let r = s.run(&[&UPDATE_IR[..], &["--prune"][..]].concat());
    assert_contains(&r.stdout, "1 removed");
    assert_contains(&r.stdout, "  - add/add_avx2/10\n");
    s.use_gungraun("gungraun-regressed");
    let r = s.run(&UPDATE_IR);
    assert_contains(&r.stdout, "  ~ add/add_avx2/1000: 1,743 → 8,360 (+379.63%)");
    let text = std::fs::read_to_string(s.path("baselines/instructions-pr.json")).unwrap();
    assert!(
        !text.contains("/project") && !text.contains("/tmp"),
        "no absolute paths in baselines"
    );
}

#[test]
fn first_run_without_baseline_files_passes_with_everything_new() {
    let s = Sandbox::new("gungraun-identical");
    let r = s.check(&[]);
    r.assert_code(0);
    assert_contains(
        &r.stdout,
        "instructions: no baseline (baselines/instructions-pr.json not found) — no baseline file yet: every benchmark is new; create it with `guard baseline update --suite instructions --profile pr` (2 benchmarks, not listed)",
    );
    assert_contains(&r.stdout, "PASS: 0 regressions, 6 new, 0 pass");
}

#[test]
fn this_repository_output_has_the_same_ids_in_both_suites() {
    use guard::suite::{criterion, gungraun};
    let root = std::path::Path::new(common::FIXTURES).join("lanes");
    let ir = gungraun::read_dir(&root.join("gungraun"), None).unwrap();
    let wall = criterion::read_dir(&root.join("criterion"), None).unwrap();
    let ir_ids: Vec<&str> = ir.iter().map(|r| r.id.as_str()).collect();
    let wall_ids: Vec<&str> = wall.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ir_ids,
        [
            "add/avx2/1000",
            "add/scalar/1000",
            "exp/avx2/100000",
            "exp/scalar/100000"
        ]
    );
    assert_eq!(
        wall_ids,
        [
            "add/avx512/1000",
            "add/scalar/1000",
            "exp/avx512/100000",
            "exp/scalar/100000"
        ]
    );
    assert!(wall.iter().all(|r| r.samples_ns.len() == 60));
    let s = Sandbox::new("lanes/gungraun");
    std::fs::remove_dir_all(s.path("target/criterion")).unwrap();
    common::copy_dir(&root.join("criterion"), &s.path("target/criterion"));
    s.update();
    let r = s.check(&["--format", "json"]);
    r.assert_code(0);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["counts"]["pass"], 8);
    assert_eq!(
        v["numpy"]["cells_total"], 1,
        "add at 1000 is the one cell both files have"
    );
    assert_eq!(v["numpy"]["cells"][0]["backend"], "avx512");
}

#[test]
fn without_valgrind_the_instruction_suite_is_skipped_with_the_install_command() {
    let s = Sandbox::new("gungraun-identical");
    let rustc = std::env::split_paths(&std::env::var_os("PATH").unwrap())
        .map(|d| d.join("rustc"))
        .find(|p| p.is_file())
        .expect("rustc on PATH");
    let r = common::output(
        std::process::Command::new(env!("CARGO_BIN_EXE_guard"))
            .args(["check", "--suite", "instructions"])
            .current_dir(s.path(""))
            .env("PATH", s.path("empty-bin"))
            .env("RUSTC", rustc)
            .env_remove("GUNGRAUN_RUNNER")
            .env("NO_COLOR", "1"),
    );
    r.assert_code(0);
    assert_contains(
        &r.stdout,
        "instructions: skipped — valgrind not found: install valgrind (apt-get install valgrind)",
    );
}

#[test]
fn numpy_numbers_from_another_cpu_are_skipped_naming_both_cpus() {
    let s = Sandbox::with_baselines("gungraun-identical");
    let r = common::output(
        s.command(&["check", "--no-bench", "--suite", "wall"])
            .env("GUARD_CPU_MODEL", "Intel(R) Xeon(R) Processor"),
    );
    r.assert_code(0);
    assert_contains(
        &r.stdout,
        r#"NumPy numbers were measured on "AMD EPYC", this machine is "Intel(R) Xeon(R) Processor""#,
    );
}

#[test]
fn strict_fails_when_the_stored_ir_record_no_longer_matches_the_code() {
    let s = Sandbox::with_baselines("gungraun-identical");
    // 5 % fewer instructions: an improvement passes a normal check but means the record is stale.
    s.scale_ir("add_avx2.n1000", 0.95);
    let lax = s.check(&["--suite", "instructions"]);
    lax.assert_code(0);
    assert_row(
        &lax.stdout,
        &["improvement", "instructions", "add/add_avx2/1000"],
    );
    assert_contains(
        &lax.stdout,
        "refresh it with `guard baseline update --suite instructions --profile pr`",
    );
    let strict = s.check(&["--suite", "instructions", "--against-baselines", "--strict"]);
    strict.assert_code(1);
    assert_contains(
        &strict.stdout,
        "--strict: the stored instruction-count record does not match this code (add/add_avx2/1000)",
    );
    assert_contains(&strict.stdout, "FAIL: 0 regressions, 1 improvement");
}

#[test]
fn strict_passes_an_identical_record_and_refuses_a_base_commit() {
    let s = Sandbox::with_baselines("gungraun-identical");
    let r = s.check(&["--suite", "instructions", "--against-baselines", "--strict"]);
    r.assert_code(0);
    assert_lacks(&r.stdout, "refresh");
    let both = s.run(&["check", "--strict", "--base", "HEAD"]);
    both.assert_code(2);
    assert_contains(&both.stderr, "--base");
}
