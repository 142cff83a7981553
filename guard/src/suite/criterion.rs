//! Criterion 0.8 output: `<target>/criterion/<group>/[<function>/]<value>/new/{benchmark,estimates,sample}.json`.
//!
//! Only `new/` is read: Criterion overwrites `base/` with `new/` after each comparison, so the guard keeps its
//! own baselines and does its own statistics on the per-iteration sample times.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::Deserialize;

use super::{check_id, finite_nonneg, is_stale, map_parallel, WallResult};
use crate::error::{Error, Result};
use crate::fsio;

const HINT: &str =
    "the Criterion output is corrupt or from another version: rerun `cargo bench --bench wall`";

#[derive(Deserialize)]
struct BenchmarkJson {
    full_id: String,
}

#[derive(Deserialize)]
struct Estimate {
    point_estimate: f64,
}

#[derive(Deserialize)]
struct EstimatesJson {
    mean: Estimate,
    median: Estimate,
}

#[derive(Deserialize)]
struct SampleJson {
    iters: Vec<f64>,
    times: Vec<f64>,
}

/// The three files of one benchmark's `new/` directory, as bytes, with the directory for messages.
#[derive(Debug, Clone, Copy)]
pub struct Files<'a> {
    /// `new/` directory (only used in messages).
    pub dir: &'a Path,
    /// `benchmark.json`.
    pub benchmark: &'a [u8],
    /// `estimates.json`.
    pub estimates: &'a [u8],
    /// `sample.json`.
    pub sample: &'a [u8],
}

/// Parses one benchmark's result files.
///
/// # Errors
/// [`Error::Invalid`] naming the file and field when a file is not Criterion 0.8's format, a number is not
/// finite and non-negative, or the samples are inconsistent.
pub fn parse(files: Files<'_>) -> Result<WallResult> {
    let bench_path = files.dir.join("benchmark.json");
    let est_path = files.dir.join("estimates.json");
    let sample_path = files.dir.join("sample.json");
    let bench: BenchmarkJson = fsio::parse_json(files.benchmark, &bench_path, HINT)?;
    let est: EstimatesJson = fsio::parse_json(files.estimates, &est_path, HINT)?;
    let sample: SampleJson = fsio::parse_json(files.sample, &sample_path, HINT)?;
    check_id(&bench.full_id, &bench_path, "full_id", HINT)?;
    let median_ns = finite_nonneg(
        est.median.point_estimate,
        &est_path,
        "median.point_estimate",
        HINT,
    )?;
    let mean_ns = finite_nonneg(
        est.mean.point_estimate,
        &est_path,
        "mean.point_estimate",
        HINT,
    )?;
    if sample.iters.len() != sample.times.len() {
        return Err(Error::invalid(
            &sample_path,
            "iters",
            format!(
                "has {} entries but times has {}",
                sample.iters.len(),
                sample.times.len()
            ),
            HINT,
        ));
    }
    if sample.iters.len() < 2 {
        return Err(Error::invalid(
            &sample_path,
            "iters",
            format!("has {} samples, at least 2 are needed", sample.iters.len()),
            HINT,
        ));
    }
    let mut samples_ns = Vec::with_capacity(sample.iters.len());
    for (i, (&n, &t)) in sample.iters.iter().zip(&sample.times).enumerate() {
        let n = finite_nonneg(n, &sample_path, &format!("iters[{i}]"), HINT)?;
        let t = finite_nonneg(t, &sample_path, &format!("times[{i}]"), HINT)?;
        if n < 1.0 {
            return Err(Error::invalid(
                &sample_path,
                format!("iters[{i}]"),
                format!("is {n}, expected at least 1 iteration"),
                HINT,
            ));
        }
        samples_ns.push(t / n);
    }
    Ok(WallResult {
        id: bench.full_id,
        median_ns,
        mean_ns,
        samples_ns,
    })
}

/// Reads every benchmark under `root` (normally `<target>/criterion`). With `since`, results whose
/// `new/estimates.json` is older are skipped (left over from benchmarks that this run did not execute).
///
/// # Errors
/// [`Error::Io`] / [`Error::Invalid`] for unreadable or corrupt files, and [`Error::Invalid`] when `root`
/// holds no benchmark at all or two results claim the same id.
pub fn read_dir(root: &Path, since: Option<SystemTime>) -> Result<Vec<WallResult>> {
    if !fsio::is_real_dir(root) {
        return Err(Error::invalid(
            root,
            "",
            "no Criterion results (directory missing)",
            "run `cargo bench --bench wall` first, or drop --no-bench",
        ));
    }
    let mut dirs = Vec::new();
    find_new_dirs(root, &mut dirs, 0)?;
    dirs.retain(|dir| !is_stale(&dir.join("estimates.json"), since));
    let mut out = map_parallel(&dirs, |dir| {
        let benchmark = fsio::read(&dir.join("benchmark.json"))?;
        let estimates = fsio::read(&dir.join("estimates.json"))?;
        let sample = fsio::read(&dir.join("sample.json"))?;
        parse(Files {
            dir,
            benchmark: &benchmark,
            estimates: &estimates,
            sample: &sample,
        })
    })?;
    if out.is_empty() {
        let problem = if since.is_some() {
            "the bench run wrote no results here".to_string()
        } else {
            "holds no Criterion benchmark results (no */new/benchmark.json)".to_string()
        };
        return Err(Error::invalid(
            root,
            "",
            problem,
            "run `cargo bench --bench wall` first (is the target dir right?), or drop --no-bench",
        ));
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    if let Some(w) = out.windows(2).find(|w| w[0].id == w[1].id) {
        return Err(Error::invalid(
            root,
            "full_id",
            format!("two results have the id {:?}", w[0].id),
            "remove the stale directory under target/criterion",
        ));
    }
    Ok(out)
}

/// Collects `…/new` directories that hold a `benchmark.json`; `report/` trees are skipped.
fn find_new_dirs(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) -> Result<()> {
    if depth > 16 {
        return Ok(());
    }
    for (path, is_dir) in fsio::list_dir_typed(dir)? {
        if !is_dir {
            continue;
        }
        match path.file_name().and_then(|n| n.to_str()) {
            Some("new") if path.join("benchmark.json").is_file() => out.push(path),
            Some("report" | "base" | "change") => {}
            _ => find_new_dirs(&path, out, depth + 1)?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const BENCH: &[u8] = br#"{"group_id":"add","function_id":"avx2","value_str":"100","throughput":{"Elements":100},"full_id":"add/avx2/100","directory_name":"add/avx2/100","title":"add/avx2/100"}"#;
    const EST: &[u8] = br#"{"mean":{"confidence_interval":{"confidence_level":0.95,"lower_bound":18.2,"upper_bound":24.2},"point_estimate":21.0,"standard_error":1.5},"median":{"confidence_interval":{"confidence_level":0.95,"lower_bound":16.6,"upper_bound":19.6},"point_estimate":18.7,"standard_error":1.0}}"#;
    const SAMPLE: &[u8] =
        br#"{"sampling_mode":"Linear","iters":[10.0,20.0],"times":[200.0,380.0]}"#;

    fn files<'a>(b: &'a [u8], e: &'a [u8], s: &'a [u8]) -> Files<'a> {
        Files {
            dir: Path::new("c/add/avx2/100/new"),
            benchmark: b,
            estimates: e,
            sample: s,
        }
    }

    #[test]
    fn parses_real_shape() {
        let r = parse(files(BENCH, EST, SAMPLE)).unwrap();
        assert_eq!(r.id, "add/avx2/100");
        assert_eq!(r.median_ns, 18.7);
        assert_eq!(r.samples_ns, vec![20.0, 19.0]);
    }

    #[test]
    fn rejects_bad_samples() {
        let e = parse(files(BENCH, EST, br#"{"iters":[1.0],"times":[1.0,2.0]}"#)).unwrap_err();
        assert!(
            e.to_string().contains("sample.json: iters: has 1 entries"),
            "{e}"
        );
        let e = parse(files(
            BENCH,
            EST,
            br#"{"iters":[0.0,1.0],"times":[1.0,2.0]}"#,
        ))
        .unwrap_err();
        assert!(e.to_string().contains("iters[0]"), "{e}");
        let e = parse(files(
            BENCH,
            br#"{"mean":{"point_estimate":-1},"median":{"point_estimate":1}}"#,
            SAMPLE,
        ))
        .unwrap_err();
        assert!(e.to_string().contains("mean.point_estimate"), "{e}");
        let e = parse(files(BENCH, br#"{"mean":{"point_estimate":NaN}}"#, SAMPLE)).unwrap_err();
        assert!(e.to_string().contains("estimates.json"), "{e}");
    }
}
