//! Checking the full matrix (26 ops × 4 backends × 5 sizes, both suites) from existing results, and a
//! synthetic tree of any size: measurements, printed (run with `--nocapture` to see them), not assertions
//! on time; the markdown report must fit GitHub's comment limit at any size.
//!
//! `GUARD_SCALE_N=50000 GUARD_SCALE_DIR=/tmp/scale cargo test -p guard --release --test scale synthetic`
//! builds a tree of 50,000 benchmarks per suite and keeps it in `/tmp/scale` for measuring the release
//! binary with `/usr/bin/time -v` (docs/RELIABILITY.md).

mod common;

use std::fs;
use std::time::Instant;

use common::{synth, Sandbox, FIXTURES};

/// The ops of `benches/data/ops.json`, the one list the benches, the Python side and this test share.
fn ops() -> Vec<String> {
    let doc: serde_json::Value =
        serde_json::from_str(include_str!("../../benches/data/ops.json")).unwrap();
    doc["ops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|op| op["name"].as_str().unwrap().to_owned())
        .collect()
}
const BACKENDS: [&str; 4] = ["scalar", "sse2", "avx2", "avx512"];
const SIZES: [u64; 5] = [100, 1_000, 10_000, 100_000, 1_000_000];

/// Writes Criterion and gungraun result trees shaped like the captured fixtures for every op × backend × size.
fn synthesize(s: &Sandbox) {
    let crit = s.path("target/criterion");
    let gung = s.path("target/gungraun");
    fs::remove_dir_all(&crit).unwrap();
    fs::remove_dir_all(&gung).unwrap();
    let est = fs::read_to_string(format!(
        "{FIXTURES}/criterion/add/avx2/100/new/estimates.json"
    ))
    .unwrap();
    let summary = fs::read_to_string(format!(
        "{FIXTURES}/gungraun-identical/fixturegen/instructions/add/add_avx2.n100/summary.json"
    ))
    .unwrap();
    let iters: Vec<f64> = (1..=100).map(|i| f64::from(i) * 1000.0).collect();
    for op in ops() {
        for backend in BACKENDS {
            for size in SIZES {
                let id = format!("{op}/{backend}/{size}");
                let dir = crit.join(&id).join("new");
                fs::create_dir_all(&dir).unwrap();
                let bench = serde_json::json!({"group_id": op, "function_id": backend, "value_str": size.to_string(),
                    "throughput": {"Elements": size}, "full_id": id, "directory_name": id, "title": id});
                fs::write(dir.join("benchmark.json"), bench.to_string()).unwrap();
                fs::write(dir.join("estimates.json"), &est).unwrap();
                let per_iter = size as f64 * 0.5;
                let times: Vec<f64> = iters
                    .iter()
                    .enumerate()
                    .map(|(i, n)| n * per_iter * (1.0 + (i % 7) as f64 * 0.01))
                    .collect();
                fs::write(
                    dir.join("sample.json"),
                    serde_json::json!({"sampling_mode": "Linear", "iters": iters, "times": times})
                        .to_string(),
                )
                .unwrap();
                let gdir = gung.join(format!("lanes/instructions/{op}/{backend}.n{size}"));
                fs::create_dir_all(&gdir).unwrap();
                let text = summary
                    .replace(
                        "\"function_name\":\"add_avx2\"",
                        &format!("\"function_name\":\"{backend}\""),
                    )
                    .replace("\"group\":\"add\"", &format!("\"group\":\"{op}\""))
                    .replace("\"id\":\"n100\"", &format!("\"id\":\"n{size}\""));
                fs::write(gdir.join("summary.json"), text).unwrap();
            }
        }
    }
}

#[test]
fn full_matrix_check_time() {
    let s = Sandbox::new("gungraun-identical");
    synthesize(&s);
    s.update();
    let start = Instant::now();
    let r = s.run(&["check", "--no-bench", "--format", "json"]);
    let elapsed = start.elapsed();
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["entries"].as_array().unwrap().len(), 2 * 26 * 4 * 5);
    let start = Instant::now();
    let md = s.run(&["check", "--no-bench", "--format", "markdown"]);
    let md_elapsed = start.elapsed();
    assert!(md.stdout.len() < 65_536);
    eprintln!(
        "full matrix (1040 benchmarks, 520 × 100 samples): check --no-bench {:.3} s (json), {:.3} s (markdown, {} bytes); \
         this build: {}",
        elapsed.as_secs_f64(),
        md_elapsed.as_secs_f64(),
        md.stdout.len(),
        if cfg!(debug_assertions) { "debug" } else { "release" }
    );
}

#[test]
fn synthetic_tree_with_every_benchmark_regressed() {
    let n: usize = std::env::var("GUARD_SCALE_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000);
    let s = Sandbox::new("gungraun-identical");
    let start = Instant::now();
    synth::results(&s.path("target"), n, n, 100, 1.0);
    s.update();
    synth::results(&s.path("target"), n, n, 100, 1.5);
    let setup = start.elapsed();
    let start = Instant::now();
    let md = s.run(&["check", "--no-bench", "--format", "markdown"]);
    let elapsed = start.elapsed();
    assert_eq!(md.code, 1, "{}", md.stderr);
    assert!(md.stdout.len() <= 65_536, "{}", md.stdout.len());
    assert!(
        md.stdout
            .starts_with(&format!("## ❌ guard FAIL: {n} regressions")),
        "{}",
        &md.stdout[..200.min(md.stdout.len())]
    );
    assert!(md.stdout.contains("more regressions not shown"));
    eprintln!(
        "synthetic tree, {n} benchmarks per suite (100 samples each), all regressed: check --no-bench \
         --format markdown {:.3} s, {} bytes (setup {:.1} s); this build: {}",
        elapsed.as_secs_f64(),
        md.stdout.len(),
        setup.as_secs_f64(),
        if cfg!(debug_assertions) { "debug" } else { "release" }
    );
    if let Ok(keep) = std::env::var("GUARD_SCALE_DIR") {
        let keep = std::path::Path::new(&keep);
        if keep.exists() {
            fs::remove_dir_all(keep).unwrap();
        }
        // Moving is instant on the same file system; the temporary directory then has nothing to delete.
        if fs::rename(s.dir.path(), keep).is_err() {
            common::copy_dir(s.dir.path(), keep);
        }
    }
}
