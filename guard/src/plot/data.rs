//! What the charts are drawn from: the report, plus baseline files for suites the check did not run and
//! for the history.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::baseline::{BaselineFile, Values};
use crate::baseline::{IrStats, WallStats};
use crate::compare;
use crate::error::Result;
use crate::fsio;
use crate::report::{GateState, NumpyCell, Report};
use crate::suite::numpy::NumpyResults;
use crate::suite::{Suite, WallResult};
use crate::thresholds::NumpyRule;

/// One baseline snapshot: its label (the `updated` date) and id → gated value.
pub type Snapshot = (String, BTreeMap<String, f64>);

/// The numbers behind the charts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlotData {
    /// Wall-clock median per id, ns.
    pub wall: BTreeMap<String, f64>,
    /// `Ir` per id.
    pub ir: BTreeMap<String, f64>,
    /// lanes / NumPy cells (with PyTorch times when measured).
    pub ratios: Vec<NumpyCell>,
    /// Per suite: snapshots oldest first, each `(label, id → value)`.
    pub history: BTreeMap<Suite, Vec<Snapshot>>,
}

/// A suite's baseline files for `profile` in `dir` (wall: every machine class), sorted by name.
fn baseline_files(dir: &Path, suite: Suite, profile: &str) -> Vec<PathBuf> {
    let prefix = match suite {
        Suite::Instructions => format!("instructions-{profile}."),
        Suite::Wall => format!("wall-{profile}-"),
    };
    let mut files: Vec<PathBuf> = fsio::list_dir(dir)
        .unwrap_or_default()
        .into_iter()
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                n.starts_with(&prefix) && Path::new(n).extension().is_some_and(|e| e == "json")
            })
        })
        .collect();
    files.sort();
    files
}

/// `(updated, id → gated value)` of a baseline file of `suite`.
fn snapshot(path: &Path, suite: Suite) -> Result<(String, BTreeMap<String, f64>)> {
    fn values<T: Values>(path: &Path, suite: Suite) -> Result<(String, BTreeMap<String, f64>)> {
        let f = BaselineFile::<T>::parse(&fsio::read(path)?, path, suite)?;
        Ok((
            f.updated,
            f.benchmarks
                .into_iter()
                .map(|(id, v)| (id, v.value()))
                .collect(),
        ))
    }
    match suite {
        Suite::Instructions => values::<IrStats>(path, suite),
        Suite::Wall => values::<WallStats>(path, suite),
    }
}

/// The suite a baseline-format file claims (`None`: not a baseline file).
fn suite_of(path: &Path) -> Option<Suite> {
    let v: serde_json::Value = serde_json::from_slice(&fsio::read(path).ok()?).ok()?;
    serde_json::from_value(v.get("suite")?.clone()).ok()
}

impl PlotData {
    /// Gathers the data: the report's entries (current value, else baseline value); baseline files from
    /// `baselines` for a suite without entries; NumPy ratios from the report's gate, else computed from
    /// `numpy` and the wall-clock values; history from `<baselines>/history/*.json` followed by the
    /// current baseline file of each suite.
    ///
    /// # Errors
    /// A baseline or history file that cannot be read or parsed (naming it).
    pub fn gather(
        report: &Report,
        baselines: &Path,
        profile: &str,
        numpy: Option<&NumpyResults>,
        rule: &NumpyRule,
    ) -> Result<Self> {
        let mut d = Self::default();
        for e in &report.entries {
            if let Some(v) = e.current.or(e.baseline) {
                match e.suite {
                    Suite::Wall => d.wall.insert(e.id.clone(), v),
                    Suite::Instructions => d.ir.insert(e.id.clone(), v),
                };
            }
        }
        for suite in [Suite::Instructions, Suite::Wall] {
            let files = baseline_files(baselines, suite, profile);
            let target = match suite {
                Suite::Wall => &mut d.wall,
                Suite::Instructions => &mut d.ir,
            };
            let mut current = Vec::new();
            for f in &files {
                current.push(snapshot(f, suite)?);
            }
            // The newest file of the suite is its present; earlier ones come from history/.
            current.sort_by(|a, b| a.0.cmp(&b.0));
            if target.is_empty() {
                if let Some((_, values)) = current.last() {
                    target.clone_from(values);
                }
            }
            let mut history = Vec::new();
            let dir = baselines.join("history");
            if fsio::is_real_dir(&dir) {
                let mut files = fsio::list_dir(&dir)?;
                files.sort();
                for f in files {
                    if f.extension().is_some_and(|e| e == "json") && suite_of(&f) == Some(suite) {
                        history.push(snapshot(&f, suite)?);
                    }
                }
            }
            history.sort_by(|a, b| a.0.cmp(&b.0));
            if let Some(last) = current.pop() {
                history.push(last);
            }
            if history.len() >= 2 {
                d.history.insert(suite, history);
            }
        }
        d.ratios = match &report.numpy {
            Some(n) if n.state != GateState::Skipped => n.cells.clone(),
            _ => match numpy {
                Some(n) if !d.wall.is_empty() => {
                    let lanes: Vec<WallResult> = d
                        .wall
                        .iter()
                        .map(|(id, v)| WallResult {
                            id: id.clone(),
                            median_ns: *v,
                            mean_ns: *v,
                            samples_ns: Vec::new(),
                        })
                        .collect();
                    // Plots show the numbers whatever machine they came from; the gate is what refuses
                    // to compare across CPUs.
                    let cpu = n.cpu_model.clone().unwrap_or_default();
                    compare::numpy::gate(&lanes, n, rule, &cpu).cells
                }
                _ => Vec::new(),
            },
        };
        Ok(d)
    }
}
