//! Baseline files: normalized, diffable JSON, one file per suite and profile (and per machine class for
//! wall-clock), stamped with the environment [`Fingerprint`]. Written atomically; merged per benchmark.
//!
//! ```text
//! baselines/instructions-<profile>.json
//! baselines/wall-<profile>-<machine-class>.json
//! baselines/shards/instructions-<profile>.shard-<I>-of-<N>.json     (guard baseline update --shard I/N)
//! ```
//! Each benchmark is one line (`"id": {…}`), so a diff shows exactly which benchmarks changed. A shard file
//! holds only the benchmarks its shard measured and records the shard (`"shard": {"index": I, "count": N}`);
//! [`shards`] combines them for `guard baseline merge`. Files without a shard are written exactly as before
//! the field existed.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::fingerprint::Fingerprint;
use crate::fsio;
use crate::shard::Shard;
use crate::suite::{Metric, Suite, WallResult};

pub mod shards;

/// Baseline values of one wall-clock benchmark.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct WallStats {
    /// Criterion's median estimate, ns per iteration.
    pub median_ns: f64,
    /// Criterion's mean estimate, ns per iteration.
    pub mean_ns: f64,
    /// Per-iteration times of each sample, ns.
    pub samples_ns: Vec<f64>,
}

impl From<&WallResult> for WallStats {
    fn from(r: &WallResult) -> Self {
        Self {
            median_ns: r.median_ns,
            mean_ns: r.mean_ns,
            samples_ns: r.samples_ns.clone(),
        }
    }
}

/// Baseline values of one instruction-count benchmark: event name → value.
pub type IrStats = BTreeMap<String, f64>;

/// Version of the baseline file format.
pub const SCHEMA_VERSION: u32 = 1;

const HINT: &str = "fix or delete it, then run `guard baseline update`";

/// One baseline file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineFile<T> {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The suite this file belongs to.
    pub suite: Suite,
    /// Date of the last update (UTC).
    pub updated: String,
    /// Environment the values were measured in.
    pub fingerprint: Fingerprint,
    /// The shard of a shard file (`guard baseline update --shard I/N`); absent in a whole baseline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<Shard>,
    /// Benchmark id → values.
    pub benchmarks: BTreeMap<String, T>,
}

/// Values that can be stored in a baseline.
pub trait Values: Serialize + DeserializeOwned + Clone {
    /// The gated value (Ir or median ns).
    fn value(&self) -> f64;
    /// Checks that every number is finite and non-negative.
    ///
    /// # Errors
    /// A description of the offending field and value.
    fn check(&self) -> std::result::Result<(), String>;
    /// Rounds values for storage (keeps files small and diffs quiet).
    #[must_use]
    fn normalized(self) -> Self;
}

fn bad_number(field: &str, v: f64) -> Option<String> {
    (!(v.is_finite() && v >= 0.0)).then(|| format!("{field} must be a finite number >= 0, got {v}"))
}

impl Values for IrStats {
    fn value(&self) -> f64 {
        self.get(Metric::Ir.name()).copied().unwrap_or(f64::NAN)
    }
    fn check(&self) -> std::result::Result<(), String> {
        if !self.contains_key(Metric::Ir.name()) {
            return Err(format!("{} is missing", Metric::Ir));
        }
        self.iter()
            .find_map(|(k, &v)| bad_number(k, v))
            .map_or(Ok(()), Err)
    }
    fn normalized(self) -> Self {
        self
    }
}

impl Values for WallStats {
    fn value(&self) -> f64 {
        self.median_ns
    }
    fn check(&self) -> std::result::Result<(), String> {
        if self.samples_ns.is_empty() {
            return Err("samples_ns is empty".into());
        }
        let mut problems = [
            bad_number("median_ns", self.median_ns),
            bad_number("mean_ns", self.mean_ns),
        ]
        .into_iter()
        .flatten()
        .chain(
            self.samples_ns
                .iter()
                .enumerate()
                .filter_map(|(i, &v)| bad_number(&format!("samples_ns[{i}]"), v)),
        );
        problems.next().map_or(Ok(()), Err)
    }
    fn normalized(self) -> Self {
        Self {
            median_ns: round6(self.median_ns),
            mean_ns: round6(self.mean_ns),
            samples_ns: self.samples_ns.into_iter().map(round6).collect(),
        }
    }
}

/// Rounds to 6 significant digits (far below the noise of any wall-clock measurement).
fn round6(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let scale = 10f64.powi(5 - x.abs().log10().floor() as i32);
    (x * scale).round() / scale
}

/// File name of a suite's baseline for a fingerprint, without `.json`.
fn stem(suite: Suite, fingerprint: &Fingerprint) -> String {
    match suite {
        Suite::Instructions => format!("instructions-{}", fingerprint.profile),
        Suite::Wall => format!(
            "wall-{}-{}",
            fingerprint.profile,
            fingerprint.machine_class()
        ),
    }
}

/// File name of a suite's baseline for a fingerprint.
#[must_use]
pub fn file_name(suite: Suite, fingerprint: &Fingerprint) -> String {
    format!("{}.json", stem(suite, fingerprint))
}

/// Path of a suite's baseline in `dir`.
#[must_use]
pub fn path(dir: &Path, suite: Suite, fingerprint: &Fingerprint) -> PathBuf {
    dir.join(file_name(suite, fingerprint))
}

/// Path of a shard's file in `dir`: `<dir>/shards/<baseline name>.shard-<I>-of-<N>.json`. Out of the way of
/// the whole baselines (which plots and checks look for in `dir`), and of the baseline every shard of a
/// refresh reads to compute the same partition.
#[must_use]
pub fn shard_path(dir: &Path, suite: Suite, fingerprint: &Fingerprint, shard: Shard) -> PathBuf {
    dir.join("shards").join(format!(
        "{}.shard-{}-of-{}.json",
        stem(suite, fingerprint),
        shard.index,
        shard.count
    ))
}

impl<T: Values> BaselineFile<T> {
    /// Parses and validates a baseline file's bytes.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the file and field.
    pub fn parse(bytes: &[u8], path: &Path, suite: Suite) -> Result<Self> {
        let file: Self = fsio::parse_json(bytes, path, HINT)?;
        if file.schema_version != SCHEMA_VERSION {
            return Err(Error::invalid(
                path,
                "schema_version",
                format!(
                    "is {}, this guard reads {SCHEMA_VERSION}",
                    file.schema_version
                ),
                HINT,
            ));
        }
        if file.suite != suite {
            return Err(Error::invalid(
                path,
                "suite",
                format!("is {}, expected {suite}", file.suite),
                HINT,
            ));
        }
        for (id, v) in &file.benchmarks {
            crate::suite::check_id(id, path, "benchmarks", HINT)?;
            v.check()
                .map_err(|p| Error::invalid(path, format!("benchmarks.{id}"), p, HINT))?;
        }
        Ok(file)
    }

    /// Loads a whole baseline; `Ok(None)` when the file does not exist.
    ///
    /// # Errors
    /// As [`BaselineFile::parse`], [`Error::Io`] when it exists but cannot be read, and [`Error::Invalid`]
    /// for a shard file (it holds 1/N of the benchmarks: the others would pass for missing or be dropped).
    pub fn load(path: &Path, suite: Suite) -> Result<Option<Self>> {
        if !path.exists() {
            return Ok(None);
        }
        let file = Self::parse(&fsio::read(path)?, path, suite)?;
        if let Some(shard) = file.shard {
            return Err(Error::invalid(
                path,
                "shard",
                format!("is {shard}: a shard file of `guard baseline update --shard`, not a whole baseline"),
                "run `guard baseline merge` on the shard files, or restore the whole baseline from git",
            ));
        }
        Ok(Some(file))
    }

    /// The normalized JSON text: pretty at the top level, one line per benchmark, ids sorted.
    ///
    /// # Errors
    /// Only if serialization fails (it does not for finite values).
    pub fn to_json(&self) -> Result<String> {
        let ser = |v: &dyn erased::Ser| v.to_json();
        let mut s = String::from("{\n");
        let _ = writeln!(s, "  \"schema_version\": {},", self.schema_version);
        let _ = writeln!(s, "  \"suite\": {},", ser(&self.suite)?);
        let _ = writeln!(s, "  \"updated\": {},", ser(&self.updated)?);
        let fp = serde_json::to_string_pretty(&self.fingerprint)
            .map_err(|e| Error::Other(e.to_string()))?;
        let _ = writeln!(s, "  \"fingerprint\": {},", fp.replace('\n', "\n  "));
        if let Some(shard) = &self.shard {
            let _ = writeln!(s, "  \"shard\": {},", ser(shard)?);
        }
        s += "  \"benchmarks\": {";
        let mut first = true;
        for (id, v) in &self.benchmarks {
            s += if first { "\n" } else { ",\n" };
            first = false;
            let _ = write!(s, "    {}: {}", ser(id)?, ser(v)?);
        }
        s += if first { "}\n}\n" } else { "\n  }\n}\n" };
        Ok(s)
    }

    /// Writes the file atomically (see [`fsio::write_atomic`]).
    ///
    /// # Errors
    /// [`Error::Io`] naming the path.
    pub fn store(&self, path: &Path) -> Result<()> {
        fsio::write_atomic(path, self.to_json()?.as_bytes())
    }
}

/// Object-safe serialization helper for [`BaselineFile::to_json`].
mod erased {
    use crate::error::{Error, Result};

    pub(super) trait Ser {
        fn to_json(&self) -> Result<String>;
    }

    impl<T: serde::Serialize> Ser for T {
        fn to_json(&self) -> Result<String> {
            serde_json::to_string(self).map_err(|e| Error::Other(e.to_string()))
        }
    }
}

/// What a baseline update changed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Changes {
    /// New benchmark ids.
    pub added: Vec<String>,
    /// Removed ids (only with `--prune`, or when the environment changed).
    pub removed: Vec<String>,
    /// `(id, old, new, change %)` for values that moved beyond the suite's threshold.
    pub changed: Vec<(String, f64, f64, f64)>,
    /// Benchmarks updated within the threshold.
    pub unchanged: usize,
    /// Old benchmarks kept because they were not run.
    pub kept: usize,
    /// Environment differences that made the old values unusable (then everything was replaced).
    pub environment: Vec<String>,
}

/// Merges `results` into `old`: benchmarks that were run replace their old values, others are kept unless
/// `prune` is set or the environment changed (old values from another environment cannot be mixed in).
/// `threshold(id)` gives the percentage beyond which a change is reported.
pub fn merge<T: Values>(
    old: Option<BaselineFile<T>>,
    results: BTreeMap<String, T>,
    fingerprint: Fingerprint,
    suite: Suite,
    updated: String,
    prune: bool,
    threshold: &dyn Fn(&str) -> f64,
) -> (BaselineFile<T>, Changes) {
    let mut changes = Changes::default();
    let mut benchmarks = BTreeMap::new();
    if let Some(old) = old {
        changes.environment = old.fingerprint.differences(&fingerprint);
        for (id, v) in old.benchmarks {
            if results.contains_key(&id) {
                benchmarks.insert(id, v);
            } else if prune || !changes.environment.is_empty() {
                changes.removed.push(id);
            } else {
                changes.kept += 1;
                benchmarks.insert(id, v);
            }
        }
    }
    for (id, v) in results {
        let v = v.normalized();
        match benchmarks.get(&id) {
            None => changes.added.push(id.clone()),
            Some(old) => {
                let (a, b) = (old.value(), v.value());
                match crate::stats::change_pct(a, b) {
                    Some(pct) if pct.abs() <= threshold(&id) => changes.unchanged += 1,
                    pct => changes
                        .changed
                        .push((id.clone(), a, b, pct.unwrap_or(f64::INFINITY))),
                }
            }
        }
        benchmarks.insert(id, v);
    }
    let file = BaselineFile {
        schema_version: SCHEMA_VERSION,
        suite,
        updated,
        fingerprint,
        shard: None,
        benchmarks,
    };
    (file, changes)
}

#[cfg(test)]
mod tests;
