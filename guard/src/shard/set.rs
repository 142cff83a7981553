//! The rules of every merge of shards — `guard merge` (reports) and `guard baseline merge` (baseline files):
//! every shard `1..=N` is given exactly once, all inputs are of the same N and profile, and no benchmark comes
//! from two shards. A partial or overlapping set would pass for a whole run, so each breach is an error (exit
//! 2) naming the file and the field, never a partial result. Pure: the callers read the files.

use std::collections::btree_map::Entry;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use super::Shard;
use crate::error::{Error, Result};

/// What is being merged, in the words its messages use.
#[derive(Debug, Clone, Copy)]
pub struct Kind {
    /// The merging command (`guard merge`).
    pub command: &'static str,
    /// One input (`report`).
    pub input: &'static str,
    /// The command that writes one input (`guard check --shard I/N`).
    pub producer: &'static str,
    /// What the merge gives, and what there is none of without every shard (`verdict`).
    pub outcome: &'static str,
    /// What to do about a missing, duplicated or foreign input.
    pub hint: &'static str,
    /// The field of an input that holds its benchmarks (`entries`).
    pub ids_field: &'static str,
    /// What to do about a benchmark given by two shards.
    pub overlap_hint: &'static str,
}

/// What one input says about itself.
#[derive(Debug, Clone, Copy)]
pub struct Part<'a> {
    /// The file it was read from.
    pub path: &'a Path,
    /// Its shard; `None` for a whole run.
    pub shard: Option<Shard>,
    /// Its bench profile.
    pub profile: &'a str,
}

/// A complete set of shards: each of `1..=count` given by exactly one file.
#[derive(Debug, Clone)]
pub struct Complete {
    kind: Kind,
    count: u32,
    files: BTreeMap<u32, PathBuf>,
}

impl Complete {
    /// Checks that `parts` are the shards `1..=N` of one run, each exactly once, of one profile.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the file and its `shard` or `profile` field for an input without a shard, of
    /// another N or profile, or of a shard given before; [`Error::Other`] for no inputs or missing shards.
    pub fn check(kind: Kind, parts: &[Part<'_>]) -> Result<Self> {
        let Some(first) = parts.first() else {
            return Err(Error::Other(format!(
                "{}: nothing to merge ({})",
                kind.command, kind.hint
            )));
        };
        let not_sharded = |path: &Path| {
            Error::invalid(
                path,
                "shard",
                format!("missing: not a {} of `{}`", kind.input, kind.producer),
                kind.hint,
            )
        };
        let count = first.shard.ok_or_else(|| not_sharded(first.path))?.count;
        let mut files: BTreeMap<u32, PathBuf> = BTreeMap::new();
        for part in parts {
            let s = part.shard.ok_or_else(|| not_sharded(part.path))?;
            if s.count != count {
                return Err(Error::invalid(
                    part.path,
                    "shard",
                    format!("is {s}, but {} is of {count} shards", first.path.display()),
                    kind.hint,
                ));
            }
            if part.profile != first.profile {
                return Err(Error::invalid(
                    part.path,
                    "profile",
                    format!(
                        "is {:?}, but {} is {:?}",
                        part.profile,
                        first.path.display(),
                        first.profile
                    ),
                    kind.hint,
                ));
            }
            if let Some(other) = files.insert(s.index, part.path.to_path_buf()) {
                return Err(Error::invalid(
                    part.path,
                    "shard",
                    format!(
                        "{s} is also given as {}: each shard must be given exactly once",
                        other.display()
                    ),
                    kind.hint,
                ));
            }
        }
        let missing: Vec<String> = (1..=count)
            .filter(|i| !files.contains_key(i))
            .map(|i| format!("{i}/{count}"))
            .collect();
        if !missing.is_empty() {
            return Err(Error::Other(format!(
                "{}: shard(s) {} missing (got {} of {count}): a matrix job failed or its {} was not \
                 downloaded; no {} without every shard ({})",
                kind.command,
                missing.join(", "),
                files.len(),
                kind.input,
                kind.outcome,
                kind.hint
            )));
        }
        Ok(Self { kind, count, files })
    }

    /// N.
    #[must_use]
    pub const fn count(&self) -> u32 {
        self.count
    }

    /// `merged N shards (file, …)`, the files in shard order.
    #[must_use]
    pub fn describe(&self) -> String {
        let files: Vec<String> = self
            .files
            .values()
            .map(|p| p.display().to_string())
            .collect();
        format!("merged {} shards ({})", self.count, files.join(", "))
    }

    /// A record of which shard gave which benchmark, to refuse one given by two.
    #[must_use]
    pub const fn owners<K: Ord>(&self) -> Owners<'_, K> {
        Owners {
            set: self,
            seen: BTreeMap::new(),
        }
    }

    fn file(&self, index: u32) -> &Path {
        self.files
            .get(&index)
            .map_or(Path::new("?"), PathBuf::as_path)
    }
}

/// Which shard gave each benchmark (see [`Complete::owners`]).
#[derive(Debug)]
pub struct Owners<'a, K> {
    set: &'a Complete,
    seen: BTreeMap<K, u32>,
}

impl<K: Ord> Owners<'_, K> {
    /// Records that `shard` gives the benchmark `id` (`shown` in messages).
    ///
    /// # Errors
    /// [`Error::Invalid`] naming `shard`'s file and the benchmarks field when another shard gave `id`.
    pub fn claim(&mut self, id: K, shown: impl fmt::Display, shard: Shard) -> Result<()> {
        match self.seen.entry(id) {
            Entry::Vacant(v) => {
                v.insert(shard.index);
                Ok(())
            }
            Entry::Occupied(o) => {
                let other = Shard {
                    index: *o.get(),
                    count: self.set.count,
                };
                let kind = self.set.kind;
                Err(Error::invalid(
                    self.set.file(shard.index),
                    kind.ids_field,
                    format!(
                        "{shown} is also in shard {other} ({}): shards must not overlap",
                        self.set.file(other.index).display()
                    ),
                    kind.overlap_hint,
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KIND: Kind = Kind {
        command: "guard merge",
        input: "report",
        producer: "guard check --shard I/N",
        outcome: "verdict",
        hint: "pass every shard once",
        ids_field: "entries",
        overlap_hint: "use the same baselines",
    };

    fn part(path: &'static str, shard: Option<&str>, profile: &'static str) -> Part<'static> {
        Part {
            path: Path::new(path),
            shard: shard.map(|s| s.parse().unwrap()),
            profile,
        }
    }

    /// Shards 1/2 in `a` and 2/2 in `b`.
    fn halves() -> [Part<'static>; 2] {
        [part("a", Some("1/2"), "pr"), part("b", Some("2/2"), "pr")]
    }

    fn error(parts: &[Part<'_>]) -> String {
        Complete::check(KIND, parts).unwrap_err().to_string()
    }

    #[test]
    fn every_shard_once_of_one_n_and_profile() {
        let mut parts = halves();
        parts.reverse();
        let set = Complete::check(KIND, &parts).unwrap();
        assert_eq!(set.count(), 2);
        assert_eq!(set.describe(), "merged 2 shards (a, b)");

        let cases: [(&[Part<'_>], &str); 6] = [
            (&[], "guard merge: nothing to merge (pass every shard once)"),
            (
                &[part("a", Some("1/2"), "pr")],
                "guard merge: shard(s) 2/2 missing (got 1 of 2): a matrix job failed or its report was not \
                 downloaded; no verdict without every shard (pass every shard once)",
            ),
            (
                &[part("a", Some("1/1"), "pr"), part("w", None, "pr")],
                "w: shard: missing: not a report of `guard check --shard I/N` (pass every shard once)",
            ),
            (
                &[part("a", Some("1/2"), "pr"), part("c", Some("1/3"), "pr")],
                "c: shard: is 1/3, but a is of 2 shards",
            ),
            (
                &[part("a", Some("1/2"), "pr"), part("f", Some("2/2"), "full")],
                "f: profile: is \"full\", but a is \"pr\"",
            ),
            (
                &[part("a", Some("1/2"), "pr"), part("d", Some("1/2"), "pr")],
                "d: shard: 1/2 is also given as a: each shard must be given exactly once",
            ),
        ];
        for (parts, expected) in cases {
            let e = error(parts);
            assert!(e.starts_with(expected), "{e}");
        }
    }

    #[test]
    fn a_benchmark_in_two_shards_names_both_files() {
        let set = Complete::check(KIND, &halves()).unwrap();
        let mut owners = set.owners();
        let (one, two) = (Shard { index: 1, count: 2 }, Shard { index: 2, count: 2 });
        owners.claim("x", "x", one).unwrap();
        owners.claim("y", "y", two).unwrap();
        let e = owners.claim("x", "x (wall)", two).unwrap_err().to_string();
        assert_eq!(
            e,
            "b: entries: x (wall) is also in shard 1/2 (a): shards must not overlap (use the same baselines)"
        );
    }
}
