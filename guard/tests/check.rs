//! `guard check` / `guard baseline update` end to end on real captured output.

mod common;

use common::Sandbox;

/// Whether a text-report table row starts with these cells (columns are padded).
fn has_row(stdout: &str, cells: &[&str]) -> bool {
    stdout.lines().any(|l| {
        let words: Vec<&str> = l.split_whitespace().collect();
        words.len() >= cells.len() && words[..cells.len()] == *cells
    })
}

#[test]
fn identical_results_pass() {
    let s = Sandbox::new("gungraun-identical");
    s.update();
    let r = s.run(&["check", "--no-bench"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.contains("PASS: 0 regressions, 6 pass"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("instructions: checked against baselines/instructions-pr.json"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("wall: checked against baselines/wall-pr-test-machine.json"),
        "{}",
        r.stdout
    );
}

#[test]
fn five_percent_more_instructions_fail_naming_the_id() {
    let s = Sandbox::new("gungraun-identical");
    s.update();
    s.scale_ir("add_avx2.n1000", 1.05);
    let r = s.run(&["check", "--no-bench", "--suite", "instructions"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        has_row(
            &r.stdout,
            &["regression", "instructions", "add/add_avx2/1000"]
        ),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("+4.99%"), "{}", r.stdout);
    assert!(
        r.stdout.starts_with("instructions: checked"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("FAIL: 1 regression,"), "{}", r.stdout);
}

#[test]
fn real_regressed_and_improved_runs() {
    let s = Sandbox::new("gungraun-identical");
    s.update();
    s.use_gungraun("gungraun-regressed");
    let r = s.run(&[
        "check",
        "--no-bench",
        "--suite",
        "instructions",
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 1, "{r:?}");
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
    let r = s.run(&["check", "--no-bench", "--suite", "instructions"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        has_row(
            &r.stdout,
            &["improvement", "instructions", "add/add_avx2/100"]
        ),
        "{}",
        r.stdout
    );
    assert!(
        has_row(&r.stdout, &["new", "instructions", "add/add_avx2/10"]),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("PASS: 0 regressions, 2 improvements, 1 new"),
        "{}",
        r.stdout
    );
}

#[test]
fn missing_benchmarks_are_listed() {
    let s = Sandbox::new("gungraun-newcase");
    s.update();
    s.use_gungraun("gungraun-identical");
    let r = s.run(&["check", "--no-bench", "--suite", "instructions"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        has_row(&r.stdout, &["missing", "instructions", "add/add_avx2/10"]),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("1 missing"), "{}", r.stdout);
}

#[test]
fn thirty_percent_slower_wall_clock_against_stored_baselines_only_warns() {
    let s = Sandbox::new("gungraun-identical");
    s.update();
    s.scale_wall("add/avx2/100", 1.3);
    // The shipped thresholds gate the paired comparison; stored numbers are advisory: a warning, exit 0.
    let r = s.run(&["check", "--no-bench", "--suite", "wall"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        has_row(&r.stdout, &["warning", "wall", "add/avx2/100"]),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("the wall-clock gate needs the paired comparison"),
        "{}",
        r.stdout
    );
    // Even with a gate and a low threshold: stored wall-clock numbers never fail the check.
    s.write(
        "thresholds.toml",
        "version = 1\n[wall_clock]\nmax_regression_pct = 1.0\ngate = true\nstored_max_regression_pct = 20.0\n",
    );
    let r = s.run(&[
        "check",
        "--no-bench",
        "--suite",
        "wall",
        "--format",
        "markdown",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.contains("| ⚠️ warning | add/avx2/100 | wall |"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("±20%"), "{}", r.stdout);
}

#[test]
fn fingerprint_mismatch_is_incomparable() {
    let s = Sandbox::new("gungraun-identical");
    s.update();
    let path = s.path("baselines/instructions-pr.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let (_, rest) = text.split_once("\"rustc\": \"").unwrap();
    let old = rest.split('"').next().unwrap();
    std::fs::write(&path, text.replace(old, "1.80.0 (old)")).unwrap();
    s.scale_ir("n1000", 2.0);
    let r = s.run(&[
        "check",
        "--no-bench",
        "--suite",
        "instructions",
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 0, "incomparable is not a regression: {r:?}");
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["suites"][0]["state"], "incomparable");
    assert!(v["suites"][0]["differences"][0]
        .as_str()
        .unwrap()
        .starts_with("rustc: 1.80.0 (old) → "));
    assert!(v["suites"][0]["message"]
        .as_str()
        .unwrap()
        .contains("guard baseline update --suite instructions"));
    assert_eq!(v["counts"]["incomparable"], 2);
    assert_eq!(v["counts"]["pass"], 0);
}

#[test]
fn acknowledged_and_expired_acknowledgements() {
    let s = Sandbox::new("gungraun-identical");
    s.update();
    s.scale_ir("n1000", 1.05);
    let ack = |expires: &str| {
        format!(
            "version = 1\n[[acknowledged]]\nid = \"add/*/1000\"\nsuite = \"instructions\"\nmax_change_pct = 6.0\nreason = \"unrolled loop\"\nexpires = {expires}\n"
        )
    };
    s.write("thresholds.toml", &ack("2026-06-01"));
    let r = s.run(&["check", "--no-bench", "--suite", "instructions"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        has_row(
            &r.stdout,
            &["acknowledged", "instructions", "add/add_avx2/1000"]
        ),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("until 2026-06-01: unrolled loop"),
        "{}",
        r.stdout
    );
    s.write("thresholds.toml", &ack("2026-05-31"));
    let r = s.run(&["check", "--no-bench", "--suite", "instructions"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stdout
            .contains("acknowledgement expired on 2026-05-31 (unrolled loop)"),
        "{}",
        r.stdout
    );
}

#[test]
fn numpy_gate_skips_with_the_command_when_the_file_is_missing() {
    let s = Sandbox::new("gungraun-identical");
    s.update();
    std::fs::remove_file(s.path("baselines/numpy.json")).unwrap();
    let r = s.run(&["check", "--no-bench", "--suite", "wall"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.contains("NumPy gate: skipped — no NumPy numbers at baselines/numpy.json: run `uv run --project benchmarks python benchmarks/python_comparison.py --output baselines/numpy.json`"),
        "{}",
        r.stdout
    );
}

#[test]
fn output_file_and_json_schema() {
    let s = Sandbox::new("gungraun-identical");
    s.update();
    let r = s.run(&[
        "check",
        "--no-bench",
        "--format",
        "json",
        "--output",
        "report.json",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.is_empty());
    assert!(r.stderr.contains("PASS"), "{}", r.stderr);
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
    let s = Sandbox::new("gungraun-newcase");
    s.update();
    s.use_gungraun("gungraun-identical");
    let r = s.run(&[
        "baseline",
        "update",
        "--no-bench",
        "--suite",
        "instructions",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.contains(
            "0 added, 0 removed, 0 changed beyond threshold, 2 within threshold, 1 kept (not run)"
        ),
        "{}",
        r.stdout
    );
    let r = s.run(&[
        "baseline",
        "update",
        "--no-bench",
        "--suite",
        "instructions",
        "--prune",
    ]);
    assert!(r.stdout.contains("1 removed"), "{}", r.stdout);
    assert!(r.stdout.contains("  - add/add_avx2/10\n"), "{}", r.stdout);
    s.use_gungraun("gungraun-regressed");
    let r = s.run(&[
        "baseline",
        "update",
        "--no-bench",
        "--suite",
        "instructions",
    ]);
    assert!(
        r.stdout
            .contains("  ~ add/add_avx2/1000: 1,743 → 8,360 (+379.63%)"),
        "{}",
        r.stdout
    );
    let text = std::fs::read_to_string(s.path("baselines/instructions-pr.json")).unwrap();
    assert!(
        !text.contains("/project") && !text.contains("/tmp"),
        "no absolute paths in baselines"
    );
}

#[test]
fn first_run_without_baseline_files_passes_with_everything_new() {
    let s = Sandbox::new("gungraun-identical");
    let r = s.run(&["check", "--no-bench"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.contains("instructions: no baseline (baselines/instructions-pr.json not found) — no baseline file yet: every benchmark is new; create it with `guard baseline update --suite instructions --profile pr` (2 benchmarks, not listed)"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("PASS: 0 regressions, 6 new, 0 pass"),
        "{}",
        r.stdout
    );
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
    let r = s.run(&["check", "--no-bench", "--format", "json"]);
    assert_eq!(r.code, 0, "{r:?}");
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
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_guard"))
        .args(["check", "--suite", "instructions"])
        .current_dir(s.path(""))
        .env("PATH", s.path("empty-bin"))
        .env("RUSTC", rustc)
        .env_remove("GUNGRAUN_RUNNER")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("instructions: skipped — valgrind not found: install valgrind (apt-get install valgrind)"),
        "{stdout}"
    );
}

#[test]
fn numpy_numbers_from_another_cpu_are_skipped_naming_both_cpus() {
    let s = Sandbox::new("gungraun-identical");
    s.update();
    let r = common::output(
        s.command(&["check", "--no-bench", "--suite", "wall"])
            .env("GUARD_CPU_MODEL", "Intel(R) Xeon(R) Processor"),
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.contains(r#"NumPy numbers were measured on "AMD EPYC", this machine is "Intel(R) Xeon(R) Processor""#),
        "{}",
        r.stdout
    );
}

#[test]
fn strict_fails_when_the_stored_ir_record_no_longer_matches_the_code() {
    let s = Sandbox::new("gungraun-identical");
    s.update();
    // 5 % fewer instructions: an improvement passes a normal check but means the record is stale.
    s.scale_ir("add_avx2.n1000", 0.95);
    let lax = s.run(&["check", "--no-bench", "--suite", "instructions"]);
    assert_eq!(lax.code, 0, "{lax:?}");
    assert!(
        has_row(
            &lax.stdout,
            &["improvement", "instructions", "add/add_avx2/1000"]
        ),
        "{}",
        lax.stdout
    );
    assert!(
        lax.stdout
            .contains("refresh it with `guard baseline update --suite instructions --profile pr`"),
        "{}",
        lax.stdout
    );
    let strict = s.run(&[
        "check",
        "--no-bench",
        "--suite",
        "instructions",
        "--against-baselines",
        "--strict",
    ]);
    assert_eq!(strict.code, 1, "{strict:?}");
    assert!(
        strict.stdout.contains("--strict: the stored instruction-count record does not match this code (add/add_avx2/1000)"),
        "{}",
        strict.stdout
    );
    assert!(
        strict.stdout.contains("FAIL: 0 regressions, 1 improvement"),
        "{}",
        strict.stdout
    );
}

#[test]
fn strict_passes_an_identical_record_and_refuses_a_base_commit() {
    let s = Sandbox::new("gungraun-identical");
    s.update();
    let r = s.run(&[
        "check",
        "--no-bench",
        "--suite",
        "instructions",
        "--against-baselines",
        "--strict",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(!r.stdout.contains("refresh"), "{}", r.stdout);
    let both = s.run(&["check", "--strict", "--base", "HEAD"]);
    assert_eq!(both.code, 2, "{both:?}");
    assert!(both.stderr.contains("--base"), "{}", both.stderr);
}
