//! Every malformed input gives exit code 2 with a one-line error naming the file (and field), never a panic.

mod common;

use common::Sandbox;

fn assert_exit_2(s: &Sandbox, args: &[&str], fragments: &[&str]) {
    let r = s.run(args);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stdout.is_empty(), "{r:?}");
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line: {r:?}");
    assert!(lines[0].starts_with("guard: error: "), "{r:?}");
    assert!(!r.stderr.contains("panicked"), "{r:?}");
    for f in fragments {
        assert!(r.stderr.contains(f), "{f:?} not in {:?}", r.stderr);
    }
}

fn ready() -> Sandbox {
    Sandbox::with_baselines("gungraun-identical")
}

const CHECK: &[&str] = &["check", "--no-bench"];

#[test]
fn truncated_criterion_json() {
    let s = ready();
    let p = "target/criterion/add/avx2/100/new/estimates.json";
    let text = std::fs::read_to_string(s.path(p)).unwrap();
    s.write(p, &text[..text.len() / 2]);
    assert_exit_2(
        &s,
        CHECK,
        &["add/avx2/100/new/estimates.json", "EOF while parsing"],
    );
}

#[test]
fn wrong_types_and_nan() {
    let s = ready();
    s.write(
        "target/criterion/add/avx2/100/new/sample.json",
        r#"{"iters":[1.0,"2"],"times":[1.0,2.0]}"#,
    );
    assert_exit_2(
        &s,
        CHECK,
        &["sample.json: iters[1]: invalid type: string \"2\", expected f64"],
    );
    let s = ready();
    s.write(
        "target/criterion/add/avx2/100/new/estimates.json",
        r#"{"mean":{"point_estimate":NaN},"median":{"point_estimate":1.0}}"#,
    );
    assert_exit_2(&s, CHECK, &["estimates.json: mean.point_estimate"]);
    let s = ready();
    let p = "target/gungraun/fixturegen/instructions/add/add_avx2.n100/summary.json";
    let text = std::fs::read_to_string(s.path(p)).unwrap();
    s.write(
        p,
        &text.replace("\"values\":{\"new\":412", "\"values\":{\"new\":NaN"),
    );
    assert_exit_2(
        &s,
        CHECK,
        &["add_avx2.n100/summary.json: profiles: expected value at line 1"],
    );
}

#[test]
fn negative_and_huge_numbers() {
    let s = ready();
    s.write(
        "target/criterion/add/avx2/100/new/sample.json",
        r#"{"iters":[1.0,2.0],"times":[-1.0,2.0]}"#,
    );
    assert_exit_2(
        &s,
        CHECK,
        &["sample.json: times[0]: expected a finite non-negative number, got -1"],
    );
    let s = ready();
    s.write(
        "target/criterion/add/avx2/100/new/sample.json",
        r#"{"iters":[1.0,2.0],"times":[1e999,2.0]}"#,
    );
    assert_exit_2(&s, CHECK, &["sample.json"]);
}

#[test]
fn empty_and_missing_result_dirs() {
    let s = ready();
    std::fs::remove_dir_all(s.path("target/criterion")).unwrap();
    std::fs::create_dir_all(s.path("target/criterion")).unwrap();
    assert_exit_2(
        &s,
        CHECK,
        &[
            "target/criterion: holds no Criterion benchmark results",
            "cargo bench --bench wall",
        ],
    );
    std::fs::remove_dir_all(s.path("target")).unwrap();
    assert_exit_2(
        &s,
        &["check", "--no-bench", "--suite", "instructions"],
        &["target/gungraun: no gungraun results"],
    );
}

#[test]
fn missing_baselines_dir() {
    let s = ready();
    assert_exit_2(
        &s,
        &["check", "--no-bench", "--baselines", "nope"],
        &["nope: baselines directory not found"],
    );
}

#[test]
fn corrupt_baseline_and_numpy_files() {
    let s = ready();
    s.write("baselines/instructions-pr.json", "{\"schema_version\": 1,");
    assert_exit_2(
        &s,
        CHECK,
        &["baselines/instructions-pr.json", "guard baseline update"],
    );
    let s = ready();
    s.write(
        "baselines/numpy.json",
        r#"{"schema_version": 1, "results": [{"op": "add"}]}"#,
    );
    assert_exit_2(
        &s,
        CHECK,
        &[
            "baselines/numpy.json: results[0]: missing field",
            "python_comparison.py",
        ],
    );
}

#[test]
fn bad_thresholds() {
    for (text, fragment) in [
        ("version = 1\n[instructions\n", "thresholds.toml: line 2"),
        ("version = 1\nfoo = 2\n", "thresholds.toml: foo"),
        (
            "version = 1\n[wall_clock]\nmax_regression_pct = -10.0\n",
            "wall_clock.max_regression_pct: must be a finite percentage >= 0, got -10",
        ),
        (
            "version = 1\n[[override]]\nid = \"{a\"\n",
            "override[0].id: bad glob",
        ),
        (
            "version = 1\n[numpy]\nmin_fraction = \"most\"\n",
            "numpy.min_fraction",
        ),
    ] {
        let s = ready();
        s.write("thresholds.toml", text);
        assert_exit_2(&s, CHECK, &[fragment]);
    }
    let s = ready();
    assert_exit_2(
        &s,
        &["check", "--no-bench", "--thresholds", "missing.toml"],
        &["cannot read missing.toml"],
    );
}

#[test]
fn bad_command_lines_exit_2() {
    let s = ready();
    let r = s.run(&["check", "--profile", "huge"]);
    assert_eq!(r.code, 2, "{r:?}");
    let r = s.run(&["check", "--format", "html"]);
    assert_eq!(r.code, 2, "{r:?}");
    let r = s.run(&["--help"]);
    assert_eq!(r.code, 0, "{r:?}");
}

mod binary_mutation {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

        /// The built binary on mutated result files: exit 0, 1 or 2, never a panic.
        #[test]
        fn never_panics(cut in 0usize..4000, token in 0usize..6, target in 0usize..2) {
            let s = ready();
            let rel = [
                "target/criterion/add/avx2/1000/new/estimates.json",
                "target/gungraun/fixturegen/instructions/add/add_avx2.n1000/summary.json",
            ][target];
            let text = std::fs::read_to_string(s.path(rel)).unwrap();
            let at = text.char_indices().map(|(i, _)| i).nth(cut % text.chars().count()).unwrap_or(0);
            let tok = ["NaN", "-5", "\"", "}", "1e400", ""][token];
            s.write(rel, &format!("{}{tok}{}", &text[..at], &text[(at + 3).min(text.len())..]));
            let r = s.run(CHECK);
            prop_assert!(matches!(r.code, 0..=2), "{r:?}");
            prop_assert!(!r.stderr.contains("panicked"), "{r:?}");
        }
    }
}
