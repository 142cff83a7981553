//! gungraun 0.20 output: `<target>/gungraun/<package>/<bench>/<group>/<function>.<id>/summary.json`, written
//! with `--save-summary=json` (schema version "7"), parsed with gungraun's own `gungraun-summary` model.
//!
//! The id of a benchmark is `group/function[/case]`, taken as gungraun names them, except that a case named
//! `n<digits>` is written as `<digits>`: gungraun case names must be Rust identifiers, so `#[bench::n1000]` is
//! how a size is spelled, and `add/avx2/n1000` becomes `add/avx2/1000` like the Criterion id. Only the `new` values of
//! the callgrind totals are used: the guard compares against its own baselines, not gungraun's `*.old` files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use gungraun_summary::v7::{BenchmarkSummary, Metric, Tool, ToolMetricResults};
use serde::Deserialize;

use super::{check_id, finite_nonneg, is_stale, IrResult};
use crate::error::{Error, Result};
use crate::fsio;

/// The summary schema this guard reads (written by gungraun 0.20).
pub const SCHEMA_VERSION: &str = "7";

/// Callgrind events kept from each summary: `Ir` is gated on, the others are shown.
pub const KEPT_EVENTS: [&str; 6] = [
    "Ir",
    "EstimatedCycles",
    "L1hits",
    "LLhits",
    "RamHits",
    "TotalRW",
];

const HINT: &str =
    "rerun `cargo bench --bench instructions -- --save-summary=json` with gungraun-runner 0.20.0";

#[derive(Deserialize)]
struct VersionProbe {
    version: String,
}

/// Parses one `summary.json`. Returns `None` for a summary without a callgrind profile (another tool).
///
/// # Errors
/// [`Error::Invalid`] naming the file and field when the JSON is not a version 7 summary or a value is not a
/// finite non-negative number.
pub fn parse(bytes: &[u8], path: &Path) -> Result<Option<IrResult>> {
    let probe: VersionProbe = fsio::parse_json(bytes, path, HINT)?;
    if probe.version != SCHEMA_VERSION {
        return Err(Error::invalid(
            path,
            "version",
            format!(
                "summary schema {:?} is not supported (guard reads {SCHEMA_VERSION:?}, gungraun 0.20)",
                probe.version
            ),
            HINT,
        ));
    }
    let summary: BenchmarkSummary = fsio::parse_json(bytes, path, HINT)?;
    let mut id = format!("{}/{}", summary.group, summary.function_name);
    if let Some(case) = &summary.id {
        id.push('/');
        id.push_str(size_case(case));
    }
    check_id(&id, path, "group/function_name/id", HINT)?;
    let Some(profile) = summary
        .profiles
        .0
        .iter()
        .find(|p| p.tool == Tool::Callgrind)
    else {
        return Ok(None);
    };
    let ToolMetricResults::Callgrind(results) = &profile.data.total.metrics else {
        return Ok(None);
    };
    let mut metrics = BTreeMap::new();
    for (kind, result) in &results.0 {
        let Ok(serde_json::Value::String(name)) = serde_json::to_value(kind) else {
            continue;
        };
        if !KEPT_EVENTS.contains(&name.as_str()) {
            continue;
        }
        let Some(value) = result.values.as_ref().left() else {
            continue;
        };
        let v = match *value {
            Metric::Int(i) => i as f64,
            Metric::Float(f) => f,
        };
        let field = format!("profiles.callgrind.total.metrics.{name}.values.new");
        metrics.insert(name, finite_nonneg(v, path, &field, HINT)?);
    }
    if !metrics.contains_key("Ir") {
        return Err(Error::invalid(
            path,
            "profiles.callgrind.total.metrics.Ir.values.new",
            "is missing",
            HINT,
        ));
    }
    Ok(Some(IrResult { id, metrics }))
}

/// Reads every `summary.json` under `root` (normally `<target>/gungraun`). With `since`, summaries written
/// before it are skipped (left over from benchmarks this run did not execute).
///
/// # Errors
/// [`Error::Io`] / [`Error::Invalid`] for unreadable or corrupt summaries, when `root` holds none, or when
/// two summaries claim the same id.
pub fn read_dir(root: &Path, since: Option<SystemTime>) -> Result<Vec<IrResult>> {
    if !fsio::is_real_dir(root) {
        return Err(Error::invalid(
            root,
            "",
            "no gungraun results (directory missing)",
            "run `cargo bench --bench instructions -- --save-summary=json` first, or drop --no-bench",
        ));
    }
    let mut files = Vec::new();
    find_summaries(root, &mut files, 0)?;
    let mut out: Vec<(IrResult, PathBuf)> = Vec::new();
    for file in files {
        if is_stale(&file, since) {
            continue;
        }
        if let Some(r) = parse(&fsio::read(&file)?, &file)? {
            out.push((r, file));
        }
    }
    if out.is_empty() {
        let problem = if since.is_some() {
            "the bench run wrote no results here".to_string()
        } else {
            "holds no gungraun summary.json with callgrind metrics".to_string()
        };
        return Err(Error::invalid(
            root,
            "",
            problem,
            "run `cargo bench --bench instructions -- --save-summary=json` first (is the target dir right?), or drop --no-bench",
        ));
    }
    out.sort_by(|a, b| a.0.id.cmp(&b.0.id));
    if let Some(w) = out.windows(2).find(|w| w[0].0.id == w[1].0.id) {
        return Err(Error::invalid(
            &w[1].1,
            "",
            format!("id {:?} is also used by {}", w[0].0.id, w[0].1.display()),
            "remove stale directories under target/gungraun",
        ));
    }
    Ok(out.into_iter().map(|(r, _)| r).collect())
}

/// `n1000` → `1000`; any other case name unchanged.
fn size_case(case: &str) -> &str {
    match case.strip_prefix('n') {
        Some(d) if !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()) => d,
        _ => case,
    }
}

pub(crate) fn find_summaries(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) -> Result<()> {
    if depth > 16 {
        return Ok(());
    }
    for path in fsio::list_dir(dir)? {
        if fsio::is_real_dir(&path) {
            find_summaries(&path, out, depth + 1)?;
        } else if path.file_name().is_some_and(|n| n == "summary.json") {
            out.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const IDENTICAL: &[u8] =
        include_bytes!("../../tests/fixtures/gungraun-identical/fixturegen/instructions/add/add_avx2.n100/summary.json");
    const NEW_CASE: &[u8] =
        include_bytes!("../../tests/fixtures/gungraun-newcase/fixturegen/instructions/add/add_avx2.n10/summary.json");

    #[test]
    fn reads_real_summaries() {
        let r = parse(IDENTICAL, Path::new("s.json")).unwrap().unwrap();
        assert_eq!(r.id, "add/add_avx2/100");
        assert_eq!(r.metrics["Ir"], 412.0);
        assert_eq!(r.metrics["EstimatedCycles"], 834.0);
        assert_eq!(r.metrics.len(), KEPT_EVENTS.len());
        let first_run = parse(NEW_CASE, Path::new("s.json")).unwrap().unwrap();
        assert_eq!(
            first_run.metrics["Ir"], 280.0,
            "a first run has only `new` values"
        );
    }

    #[test]
    fn size_cases() {
        assert_eq!(size_case("n1000"), "1000");
        assert_eq!(size_case("n"), "n");
        assert_eq!(size_case("big_n10"), "big_n10");
    }

    #[test]
    fn rejects_other_versions_and_shapes() {
        let text = String::from_utf8(IDENTICAL.to_vec()).unwrap();
        let v6 = text.replace("\"version\":\"7\"", "\"version\":\"6\"");
        let e = parse(v6.as_bytes(), Path::new("s.json"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("version: summary schema \"6\" is not supported"),
            "{e}"
        );
        let e = parse(&IDENTICAL[..IDENTICAL.len() / 2], Path::new("s.json"))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("s.json: "), "{e}");
        let wrong = text.replace(
            "\"Ir\":{\"change\":{\"diff_pct\":\"0\",\"factor\":\"1\"},\"values\":{\"new\":412",
            "\"Ir\":{\"change\":{\"diff_pct\":\"0\",\"factor\":\"1\"},\"values\":{\"new\":\"x\"",
        );
        assert_ne!(wrong, text);
        assert!(parse(wrong.as_bytes(), Path::new("s.json")).is_err());
    }
}
