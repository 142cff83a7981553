//! gungraun 0.20 output: `<target>/gungraun/<package>/<bench>/<group>/<function>.<id>/summary.json`, written
//! with `--save-summary=json` (schema version "7"), parsed with a lean model of the used fields, and with
//! gungraun's own `gungraun-summary` model whenever the lean one cannot decide (see [`parse`]).
//!
//! The id of a benchmark is `group/function[/case]`, taken as gungraun names them, except that a case named
//! `n<digits>` is written as `<digits>`: gungraun case names must be Rust identifiers, so `#[bench::n1000]` is
//! how a size is spelled, and `add/avx2/n1000` becomes `add/avx2/1000` like the Criterion id. Only the `new` values of
//! the callgrind totals are used: the guard compares against its own baselines, not gungraun's `*.old` files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use gungraun_summary::v7::{self, BenchmarkSummary, Tool, ToolMetricResults};
use serde::Deserialize;

use super::{check_id, finite_nonneg, id, is_stale, map_parallel, IrResult, Metric};
use crate::error::{Error, Result};
use crate::fsio;

/// The summary schema this guard reads (written by gungraun 0.20).
pub const SCHEMA_VERSION: &str = "7";

/// Callgrind events kept from each summary: `Ir` is gated on, the others are shown.
pub const KEPT_EVENTS: [&str; 6] = [
    Metric::Ir.name(),
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

/// The part of a summary the guard uses, for the fast path: everything else (metadata, `parts`, the other
/// events, `old` values) is skipped without being built. Unknown fields are ignored, as gungraun's own
/// model does.
#[derive(Deserialize)]
struct LeanSummary {
    version: String,
    group: String,
    function_name: String,
    #[serde(default)]
    id: Option<String>,
    profiles: Vec<LeanProfile>,
}

#[derive(Deserialize)]
struct LeanProfile {
    tool: Tool,
    data: LeanData,
}

#[derive(Deserialize)]
struct LeanData {
    total: LeanTotal,
}

#[derive(Deserialize)]
struct LeanTotal {
    metrics: LeanMetrics,
}

/// The kept events of a `metrics` object, in file order; the others are skipped unparsed.
struct LeanMetrics(Vec<(&'static str, LeanValues)>);

#[derive(Deserialize)]
struct LeanValues {
    values: NewOld,
}

/// `values`: like gungraun's model, `null` is refused and any JSON number is accepted (its `Metric` is a
/// `u64` or an `f64`), so a value this reads is one the full model reads too.
#[derive(Deserialize)]
struct NewOld {
    #[serde(default, deserialize_with = "number")]
    new: Option<f64>,
    #[serde(default, deserialize_with = "number")]
    old: Option<f64>,
}

fn number<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Option<f64>, D::Error> {
    f64::deserialize(d).map(Some)
}

/// A key of a `metrics` object: the index of a kept event, or `None` (read without allocating).
struct KeptKey(Option<usize>);

impl<'de> Deserialize<'de> for KeptKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Visit;
        impl serde::de::Visitor<'_> for Visit {
            type Value = KeptKey;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an event name")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<KeptKey, E> {
                Ok(KeptKey(KEPT_EVENTS.iter().position(|e| *e == v)))
            }
        }
        d.deserialize_str(Visit)
    }
}

impl<'de> Deserialize<'de> for LeanMetrics {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = LeanMetrics;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a map of callgrind events")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<LeanMetrics, A::Error> {
                let mut out = Vec::with_capacity(KEPT_EVENTS.len());
                while let Some(KeptKey(key)) = map.next_key()? {
                    if let Some(i) = key {
                        out.push((KEPT_EVENTS[i], map.next_value::<LeanValues>()?));
                    } else {
                        map.next_value::<serde::de::IgnoredAny>()?;
                    }
                }
                Ok(LeanMetrics(out))
            }
        }
        d.deserialize_map(Visit)
    }
}

/// What [`parse`] takes from a summary, by either path: the id parts and the callgrind totals' `new` values of
/// the kept events, in file order (`None`: no callgrind profile).
struct Extracted {
    group: String,
    function_name: String,
    id: Option<String>,
    callgrind: Option<Vec<(String, f64)>>,
}

/// Parses one `summary.json`. Returns `None` for a summary without a callgrind profile (another tool).
///
/// A lean model of only the used fields is tried first (a summary is ~5 KB, most of it per-part metrics and
/// events the guard does not show); when it cannot read the file, or the file is not one it can decide on
/// alone, the file is parsed again with gungraun's full model, so that every error names the field as before.
///
/// # Errors
/// [`Error::Invalid`] naming the file and field when the JSON is not a version 7 summary or a value is not a
/// finite non-negative number.
pub fn parse(bytes: &[u8], path: &Path) -> Result<Option<IrResult>> {
    let extracted = match lean(bytes) {
        Some(e) => e,
        None => full(bytes, path)?,
    };
    finish(extracted, path)
}

/// The fast path: `None` when the lean model does not read the file or its answer could differ from the full
/// model's (another version, a duplicated kept event, a kept event with neither `new` nor `old`, a callgrind
/// total that is `null` in gungraun's model).
fn lean(bytes: &[u8]) -> Option<Extracted> {
    let s: LeanSummary = serde_json::from_slice(bytes).ok()?;
    if s.version != SCHEMA_VERSION {
        return None;
    }
    let callgrind = match s.profiles.into_iter().find(|p| p.tool == Tool::Callgrind) {
        None => None,
        Some(p) => {
            let mut kept = Vec::with_capacity(KEPT_EVENTS.len());
            for (name, v) in p.data.total.metrics.0 {
                if kept.iter().any(|(n, _): &(String, f64)| n == name) {
                    return None;
                }
                match (v.values.new, v.values.old) {
                    (Some(new), _) => kept.push((name.to_string(), new)),
                    (None, Some(_)) => {}
                    (None, None) => return None,
                }
            }
            Some(kept)
        }
    };
    Some(Extracted {
        group: s.group,
        function_name: s.function_name,
        id: s.id,
        callgrind,
    })
}

/// The slow path with gungraun's full model, whose errors name the field.
fn full(bytes: &[u8], path: &Path) -> Result<Extracted> {
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
    let callgrind = summary
        .profiles
        .0
        .iter()
        .find(|p| p.tool == Tool::Callgrind)
        .and_then(|profile| match &profile.data.total.metrics {
            ToolMetricResults::Callgrind(results) => Some(results),
            _ => None,
        })
        .map(|results| {
            let mut kept = Vec::new();
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
                    v7::Metric::Int(i) => i as f64,
                    v7::Metric::Float(f) => f,
                };
                kept.push((name, v));
            }
            kept
        });
    Ok(Extracted {
        group: summary.group,
        function_name: summary.function_name,
        id: summary.id,
        callgrind,
    })
}

/// The guard's own checks on what either path extracted.
fn finish(e: Extracted, path: &Path) -> Result<Option<IrResult>> {
    let mut id = format!("{}/{}", e.group, e.function_name);
    if let Some(case) = &e.id {
        id.push('/');
        id.push_str(id::size_of_case(case));
    }
    check_id(&id, path, "group/function_name/id", HINT)?;
    let Some(kept) = e.callgrind else {
        return Ok(None);
    };
    let mut metrics = BTreeMap::new();
    for (name, v) in kept {
        let field = format!("profiles.callgrind.total.metrics.{name}.values.new");
        metrics.insert(name, finite_nonneg(v, path, &field, HINT)?);
    }
    if !metrics.contains_key(Metric::Ir.name()) {
        return Err(Error::invalid(
            path,
            format!("profiles.callgrind.total.metrics.{}.values.new", Metric::Ir),
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
    files.retain(|file| !is_stale(file, since));
    let parsed = map_parallel(&files, |file| parse(&fsio::read(file)?, file))?;
    let mut out: Vec<(IrResult, PathBuf)> = parsed
        .into_iter()
        .zip(files)
        .filter_map(|(r, file)| r.map(|r| (r, file)))
        .collect();
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

pub(crate) fn find_summaries(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) -> Result<()> {
    if depth > 16 {
        return Ok(());
    }
    for (path, is_dir) in fsio::list_dir_typed(dir)? {
        if is_dir {
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

    fn fixture_summaries() -> Vec<(PathBuf, Vec<u8>)> {
        let mut files = Vec::new();
        find_summaries(
            Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures")),
            &mut files,
            0,
        )
        .unwrap();
        assert!(files.len() >= 4, "{files:?}");
        files
            .into_iter()
            .map(|f| {
                let b = std::fs::read(&f).unwrap();
                (f, b)
            })
            .collect()
    }

    #[test]
    fn lean_and_full_models_agree_on_every_fixture() {
        for (file, bytes) in fixture_summaries() {
            let lean =
                lean(&bytes).unwrap_or_else(|| panic!("lean model refused {}", file.display()));
            let full = full(&bytes, &file).unwrap();
            assert_eq!(lean.callgrind, full.callgrind, "{}", file.display());
            assert_eq!(
                (lean.group, lean.function_name, lean.id),
                (full.group, full.function_name, full.id)
            );
        }
    }

    #[test]
    fn lean_model_defers_to_the_full_model_when_unsure() {
        let text = String::from_utf8(IDENTICAL.to_vec()).unwrap();
        let ir = "\"Ir\":{\"change\":{\"diff_pct\":\"0\",\"factor\":\"1\"},\"values\":{\"new\":412";
        assert!(text.contains(ir));
        for (edit, error) in [
            (
                text.replace(ir, &ir.replace("412", "null")),
                "must not be null",
            ),
            (
                text.replace("\"version\":\"7\"", "\"version\":\"8\""),
                "version: summary schema \"8\"",
            ),
            (
                // In the callgrind total (the last occurrence), not in a part the lean model skips.
                {
                    let at = text.rfind("\"values\":{\"new\":412,\"old\":412}").unwrap();
                    let mut t = text.clone();
                    t.replace_range(at..at + 30, "\"values\":{\"new\":412,\"old\":null}");
                    t
                },
                "must not be null",
            ),
        ] {
            assert_ne!(edit, text);
            assert!(lean(edit.as_bytes()).is_none());
            let e = parse(edit.as_bytes(), Path::new("s.json"))
                .unwrap_err()
                .to_string();
            assert!(e.starts_with("s.json: ") && e.contains(error), "{e}");
        }
        let mut dup = text.clone();
        let at = dup.rfind(ir).unwrap();
        dup.replace_range(at..at + ir.len(), &format!("{ir}}}}},{ir}"));
        assert!(
            lean(dup.as_bytes()).is_none(),
            "a repeated event is left to the full model"
        );
        assert_eq!(
            parse(dup.as_bytes(), Path::new("s.json")).unwrap(),
            parse(IDENTICAL, Path::new("s.json")).unwrap()
        );
    }

    #[test]
    fn unknown_fields_are_ignored() {
        let text = String::from_utf8(IDENTICAL.to_vec()).unwrap();
        let more = text.replacen('{', "{\"from_a_later_gungraun\":[1,{\"x\":null}],", 1);
        let r = parse(more.as_bytes(), Path::new("s.json"))
            .unwrap()
            .unwrap();
        assert_eq!(r.metrics["Ir"], 412.0);
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
