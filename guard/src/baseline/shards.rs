//! The union of a suite's shard files (`guard baseline update --shard I/N`, see [`super::shard_path`]) for
//! `guard baseline merge`. Pure: the caller reads the files and merges the union into the whole baseline.
//!
//! The files must be a complete set ([`crate::shard::set`]: every shard `1..=N` exactly once, one N, one
//! profile, no benchmark in two shards, the same rules as `guard merge`), and measured in one environment:
//! values from two fingerprints cannot share a baseline file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::{BaselineFile, Values};
use crate::error::{Error, Result};
use crate::fingerprint::Fingerprint;
use crate::fsio;
use crate::shard::set::{Complete, Kind, Part};
use crate::suite::Suite;

/// Shard files, in the words of [`Complete`]'s messages.
pub const SHARD_FILES: Kind = Kind {
    command: "guard baseline merge",
    input: "shard file",
    producer: "guard baseline update --shard I/N",
    outcome: "baseline",
    hint: "pass the shard file of every `guard baseline update --shard I/N` job exactly once",
    ids_field: "benchmarks",
    overlap_hint: "run every shard of a refresh against the same committed baselines",
};

/// The suite of a baseline file's bytes, read before the file is parsed as that suite's.
///
/// # Errors
/// [`Error::Invalid`] naming the file when it is not JSON with a known `suite`.
pub fn suite_of(bytes: &[u8], path: &Path) -> Result<Suite> {
    #[derive(Deserialize)]
    struct Head {
        suite: Suite,
    }
    fsio::parse_json::<Head>(bytes, path, SHARD_FILES.hint).map(|h| h.suite)
}

/// What the shards measured together.
#[derive(Debug, Clone)]
pub struct Union<T> {
    /// The environment every shard was measured in.
    pub fingerprint: Fingerprint,
    /// The newest shard's `updated` date.
    pub updated: String,
    /// Every shard's benchmarks.
    pub benchmarks: BTreeMap<String, T>,
    /// The shards and their files.
    pub set: Complete,
}

/// Combines one suite's shard files.
///
/// # Errors
/// As [`Complete::check`] and [`crate::shard::set::Owners::claim`]; [`Error::Invalid`] naming the file and
/// its `fingerprint` when a shard was measured in another environment than the first.
pub fn union<T: Values>(files: Vec<(PathBuf, BaselineFile<T>)>) -> Result<Union<T>> {
    let parts: Vec<Part<'_>> = files
        .iter()
        .map(|(path, f)| Part {
            path,
            shard: f.shard,
            profile: &f.fingerprint.profile,
        })
        .collect();
    let set = Complete::check(SHARD_FILES, &parts)?;
    let Some((first_path, first)) = files.first() else {
        return Err(Error::Other(format!(
            "{}: no shard files given",
            SHARD_FILES.command
        )));
    };
    for (path, f) in &files {
        let differences = first.fingerprint.differences(&f.fingerprint);
        if !differences.is_empty() {
            return Err(Error::invalid(
                path,
                "fingerprint",
                format!(
                    "differs from {}'s: {}",
                    first_path.display(),
                    differences.join("; ")
                ),
                "run every shard of a refresh with the same toolchain, valgrind and runner image",
            ));
        }
    }
    let mut owners = set.owners();
    for (_, f) in &files {
        if let Some(shard) = f.shard {
            for id in f.benchmarks.keys() {
                owners.claim(id.as_str(), id, shard)?;
            }
        }
    }
    let fingerprint = first.fingerprint.clone();
    let updated = files
        .iter()
        .map(|(_, f)| f.updated.as_str())
        .max()
        .unwrap_or_default()
        .to_string();
    let benchmarks = files.into_iter().flat_map(|(_, f)| f.benchmarks).collect();
    Ok(Union {
        fingerprint,
        updated,
        benchmarks,
        set,
    })
}
