//! The NumPy/PyTorch reference timings written by `benchmarks/python_comparison.py` (schema version 1).
//!
//! Only the fields the guard needs are read; extra fields are ignored so that the Python side can add
//! metadata freely. Values are validated (finite, non-negative, `min_ns <= median_ns`).

use std::path::Path;

use serde::Deserialize;

use super::finite_nonneg;
use crate::error::{Error, Result};
use crate::fsio;

/// The schema version this guard reads.
pub const SCHEMA_VERSION: u64 = 1;

/// The command that (re)writes the default NumPy file.
pub const COMMAND: &str =
    "uv run --project benchmarks python benchmarks/python_comparison.py --output baselines/numpy.json";

/// One measured cell: an op at a size in a library (one spelling variant).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Row {
    /// Op name (`add`, `exp`, …), as in the Rust ids.
    pub op: String,
    /// Number of elements.
    pub size: u64,
    /// `numpy` or `torch`.
    pub library: String,
    /// `out` (preallocated output: the fair comparison) or `alloc`.
    pub variant: String,
    /// Fastest repeat, ns per call.
    pub min_ns: f64,
    /// Median repeat, ns per call.
    pub median_ns: f64,
    /// The code that was timed.
    #[serde(default)]
    pub spelling: String,
}

/// An op a library has no fair equivalent for.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Unsupported {
    /// Op name.
    pub op: String,
    /// Library name.
    pub library: String,
    /// Why it is not measured.
    #[serde(default)]
    pub reason: String,
}

#[derive(Deserialize)]
struct Cpu {
    #[serde(default)]
    model_name: Option<String>,
}

#[derive(Deserialize)]
struct Metadata {
    #[serde(default)]
    cpu: Option<Cpu>,
}

#[derive(Deserialize)]
struct Doc {
    schema_version: u64,
    #[serde(default)]
    metadata: Option<Metadata>,
    results: Vec<Row>,
    #[serde(default)]
    unsupported: Vec<Unsupported>,
}

/// A parsed NumPy comparison file.
#[derive(Debug, Clone, PartialEq)]
pub struct NumpyResults {
    /// CPU model the numbers were measured on (`metadata.cpu.model_name`), when recorded.
    pub cpu_model: Option<String>,
    /// Measured cells.
    pub rows: Vec<Row>,
    /// Declared unsupported ops.
    pub unsupported: Vec<Unsupported>,
}

/// Parses the JSON written by the Python side.
///
/// # Errors
/// [`Error::Invalid`] naming the file and field for a wrong schema version, a missing or mistyped field, a
/// non-finite or negative time, or `min_ns > median_ns`.
pub fn parse(bytes: &[u8], path: &Path) -> Result<NumpyResults> {
    let hint = format!("regenerate it with `{COMMAND}`");
    let doc: Doc = fsio::parse_json(bytes, path, &hint)?;
    if doc.schema_version != SCHEMA_VERSION {
        return Err(Error::invalid(
            path,
            "schema_version",
            format!("is {}, guard reads {SCHEMA_VERSION}", doc.schema_version),
            hint,
        ));
    }
    for (i, r) in doc.results.iter().enumerate() {
        let min = finite_nonneg(r.min_ns, path, &format!("results[{i}].min_ns"), &hint)?;
        let median = finite_nonneg(r.median_ns, path, &format!("results[{i}].median_ns"), &hint)?;
        if min > median {
            return Err(Error::invalid(
                path,
                format!("results[{i}]"),
                format!("min_ns {min} is larger than median_ns {median}"),
                hint,
            ));
        }
        if r.op.is_empty() || r.library.is_empty() {
            return Err(Error::invalid(
                path,
                format!("results[{i}]"),
                "op and library must be non-empty",
                hint,
            ));
        }
    }
    Ok(NumpyResults {
        cpu_model: doc.metadata.and_then(|m| m.cpu).and_then(|c| c.model_name),
        rows: doc.results,
        unsupported: doc.unsupported,
    })
}

/// Reads the NumPy file; `Ok(None)` when it does not exist (the gate is then skipped, not failed).
///
/// # Errors
/// As [`parse`], and [`Error::Io`] when the file exists but cannot be read.
pub fn read(path: &Path) -> Result<Option<NumpyResults>> {
    if !path.exists() {
        return Ok(None);
    }
    parse(&fsio::read(path)?, path).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"{"schema_version": 1, "metadata": {"cpu": {"model_name": "AMD EPYC"}, "x": 1},
      "results": [{"id": "add/numpy/1000", "op": "add", "size": 1000, "library": "numpy", "variant": "out",
        "min_ns": 578.1, "median_ns": 590.3, "iqr_ns": 6.2, "loops": 40000, "repeats": 9,
        "spelling": "np.add(a, b, out=out)", "allocates": false, "alternatives": []}],
      "unsupported": [{"op": "gelu", "library": "numpy", "reason": "needs scipy"}]}"#;

    #[test]
    fn parses_the_documented_shape() {
        let r = parse(DOC.as_bytes(), Path::new("n.json")).unwrap();
        assert_eq!(r.cpu_model.as_deref(), Some("AMD EPYC"));
        assert_eq!(r.rows[0].median_ns, 590.3);
        assert_eq!(r.unsupported[0].op, "gelu");
    }

    #[test]
    fn rejects_bad_values() {
        let bad = DOC.replace("\"min_ns\": 578.1", "\"min_ns\": 600.0");
        let e = parse(bad.as_bytes(), Path::new("n.json"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("results[0]: min_ns 600 is larger"), "{e}");
        let bad = DOC.replace("\"schema_version\": 1", "\"schema_version\": 2");
        let e = parse(bad.as_bytes(), Path::new("n.json"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("schema_version: is 2"), "{e}");
        let bad = DOC.replace("\"size\": 1000", "\"size\": \"big\"");
        let e = parse(bad.as_bytes(), Path::new("n.json"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("results[0].size"), "{e}");
    }
}
