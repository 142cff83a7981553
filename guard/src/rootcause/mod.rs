//! Root cause of an instruction-count regression: which functions and which source lines gained (or lost)
//! instructions.
//!
//! gungraun keeps callgrind's output of the current run (`callgrind.<function>.<case>.out`) and of the
//! previous run of the same benchmark (`….out.old`) next to `summary.json`. For each regressed benchmark
//! this module reads both ([`crate::callgrind`]), sums the self cost per function (symbols demangled, paths
//! shortened to their crate) and lists the functions with the largest `Ir` change, then the source lines
//! with the largest change ([`lines`]: through the bench binary's DWARF, the workspace line that inlined
//! the code; each function filed under the file that defines it). The comparison is with
//! gungraun's previous run in the same target directory — normally the base commit's run when CI runs both
//! — not with the committed baseline; the report says which totals were compared. Nothing here changes a
//! verdict, so unreadable callgrind files become a note, not an error.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::callgrind::{self, names, Profile};
use crate::fsio;
use crate::suite::{gungraun, Metric};

pub mod lines;
pub mod symbols;

pub use lines::{LineDelta, LineSource};
use symbols::{Dwarf, Symbolize};

/// How many functions are listed per benchmark.
pub const TOP: usize = 8;

/// One function's change in `Ir` (self cost).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunctionDelta {
    /// Demangled function name.
    pub function: String,
    /// Source file, shortened to its crate (`???` when callgrind did not know it).
    pub file: String,
    /// Self cost in the old run.
    pub old: u64,
    /// Self cost in the new run.
    pub new: u64,
    /// `new − old`.
    pub delta: i64,
}

/// The functions behind one benchmark's change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RootCause {
    /// Benchmark id (as in the report entries).
    pub id: String,
    /// Total `Ir` of the old callgrind run (sum of self costs).
    pub old_total: u64,
    /// Total `Ir` of the new callgrind run.
    pub new_total: u64,
    /// The functions with the largest absolute change, largest first.
    pub functions: Vec<FunctionDelta>,
    /// The source lines with the largest absolute change, largest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<LineDelta>,
    /// How the lines were found (absent when there are none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line_source: Option<LineSource>,
    /// Why there is no list, or a remark about it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Function-level difference of two profiles: names demangled and files shortened (with `root`, the
/// project root, removed), entries that map to the same name and file merged, zero changes dropped; the
/// `top` largest absolute changes, largest first (ties by name).
#[must_use]
pub fn diff(old: &Profile, new: &Profile, root: Option<&str>, top: usize) -> Vec<FunctionDelta> {
    let mut merged: BTreeMap<(String, String), (u64, u64)> = BTreeMap::new();
    for (side, profile) in [(0, old), (1, new)] {
        for (key, cost) in &profile.functions {
            let slot = merged
                .entry((
                    names::demangle(&key.name),
                    names::shorten_path(&key.file, root),
                ))
                .or_default();
            if side == 0 {
                slot.0 += cost;
            } else {
                slot.1 += cost;
            }
        }
    }
    let mut out: Vec<FunctionDelta> = merged
        .into_iter()
        .filter(|(_, (o, n))| o != n)
        .map(|((function, file), (old, new))| FunctionDelta {
            function,
            file,
            old,
            new,
            delta: i64::try_from(new).unwrap_or(i64::MAX) - i64::try_from(old).unwrap_or(i64::MAX),
        })
        .collect();
    out.sort_by(|a, b| {
        b.delta
            .unsigned_abs()
            .cmp(&a.delta.unsigned_abs())
            .then_with(|| a.function.cmp(&b.function))
    });
    out.truncate(top);
    out
}

/// The callgrind output files of one benchmark directory: `(new, old)`. Only the main output
/// (`callgrind.*.out`, not per-thread `.t<N>` or `.log` files).
fn outputs(dir: &Path) -> Option<(PathBuf, Option<PathBuf>)> {
    let files = fsio::list_dir(dir).ok()?;
    let new = files.iter().find(|p| {
        p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
            n.starts_with("callgrind.") && Path::new(n).extension().is_some_and(|e| e == "out")
        })
    })?;
    let old = new.with_extension("out.old");
    Some((new.clone(), old.is_file().then_some(old)))
}

/// Files each function of `functions` under the file that defines it, where the symbols know it.
fn refile(functions: &mut [FunctionDelta], defined: &BTreeMap<String, String>) {
    for f in functions {
        if let Some(file) = defined.get(&f.function) {
            f.file.clone_from(file);
        }
    }
}

/// The root cause of two parsed profiles: functions and lines, with the symbols of each side.
#[must_use]
pub fn compare(
    id: &str,
    old: (&Profile, &dyn Symbolize),
    new: (&Profile, &dyn Symbolize),
    checkout: &lines::Checkout<'_>,
) -> RootCause {
    let mut functions = diff(old.0, new.0, checkout.root, TOP);
    let (lines, source) = lines::diff(old, new, checkout, lines::TOP_LINES);
    if source == LineSource::Dwarf {
        let mut defined = lines::defining_files(old.0, old.1, checkout.root);
        defined.extend(lines::defining_files(new.0, new.1, checkout.root));
        refile(&mut functions, &defined);
    }
    RootCause {
        id: id.to_string(),
        old_total: old.0.self_sum(),
        new_total: new.0.self_sum(),
        note: functions
            .is_empty()
            .then(|| "the previous run has the same cost in every function".into()),
        functions,
        line_source: (!lines.is_empty()).then_some(source),
        lines,
    }
}

/// The modification time of a file (when the callgrind run wrote it).
fn written(path: &Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// Root cause of one benchmark from its directory (holding `summary.json` and the callgrind files).
#[must_use]
pub fn for_dir(id: &str, dir: &Path, root: Option<&str>) -> RootCause {
    let mut rc = RootCause {
        id: id.to_string(),
        old_total: 0,
        new_total: 0,
        functions: Vec::new(),
        lines: Vec::new(),
        line_source: None,
        note: None,
    };
    let Some((new_path, old_path)) = outputs(dir) else {
        rc.note = Some("no callgrind output next to the summary".into());
        return rc;
    };
    let Some(old_path) = old_path else {
        rc.note = Some(
            "no previous callgrind run (`.out.old`) to compare with: run the instruction bench on the \
             base commit first in the same target directory"
                .into(),
        );
        return rc;
    };
    let read = |p: &Path| -> crate::Result<Profile> {
        let bytes = fsio::read(p)?;
        callgrind::parse(&String::from_utf8_lossy(&bytes), Metric::Ir.name(), p)
    };
    match (read(&old_path), read(&new_path)) {
        (Ok(old), Ok(new)) => {
            let (old_symbols, new_symbols) = (
                Dwarf::new(written(&old_path)),
                Dwarf::new(written(&new_path)),
            );
            let checkout = lines::Checkout {
                root,
                dir: root.map(Path::new),
            };
            compare(id, (&old, &old_symbols), (&new, &new_symbols), &checkout)
        }
        (Err(e), _) | (_, Err(e)) => {
            rc.note = Some(format!("callgrind output unreadable: {e}"));
            rc
        }
    }
}

/// The one field of a `summary.json` read here besides what [`gungraun::parse`] reads (other fields ignored).
#[derive(serde::Deserialize)]
struct ProjectRoot {
    #[serde(default)]
    project_root: Option<String>,
}

/// Root causes for the benchmarks `ids` found under `gungraun_root` (normally `<target>/gungraun`), in id
/// order. The project root is taken from each `summary.json` (`project_root`) to shorten paths.
#[must_use]
pub fn collect(gungraun_root: &Path, ids: &BTreeSet<String>) -> Vec<RootCause> {
    if ids.is_empty() {
        return Vec::new();
    }
    let mut summaries = Vec::new();
    if gungraun::find_summaries(gungraun_root, &mut summaries, 0).is_err() {
        return Vec::new();
    }
    // Each summary is read and parsed on a reader thread; unreadable ones are skipped, as before.
    let found = crate::suite::map_parallel(&summaries, |file| {
        let Ok(bytes) = fsio::read(file) else {
            return Ok(None);
        };
        let Ok(Some(result)) = gungraun::parse(&bytes, file) else {
            return Ok(None);
        };
        if !ids.contains(&result.id) {
            return Ok(None);
        }
        let root = serde_json::from_slice::<ProjectRoot>(&bytes)
            .ok()
            .and_then(|v| v.project_root);
        let Some(dir) = file.parent() else {
            return Ok(None);
        };
        let rc = for_dir(&result.id, dir, root.as_deref());
        Ok(Some((result.id, rc)))
    })
    .unwrap_or_default();
    let mut out: BTreeMap<String, RootCause> = BTreeMap::new();
    // The first summary (in walk order) of an id wins, as when this was sequential.
    for (id, rc) in found.into_iter().flatten() {
        out.entry(id).or_insert(rc);
    }
    out.into_values().collect()
}
