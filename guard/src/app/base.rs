//! `guard check`'s default comparison: the base commit, measured on this machine in this run.
//!
//! The base (`--base REV`, else the merge base with the default branch, see [`git::Repo::choose_base`]) is
//! checked out into a detached worktree under `<target>/guard/base/worktree` and its benches are built into
//! a target directory of its own, `<target>/guard/base/target`. It cannot share the head's: cargo gives a
//! workspace member the same artifact name wherever the workspace lives and judges freshness by mtimes, so
//! a base build would stand in for the head's (observed: a deliberately slowed `exp` measured identical Ir
//! on both sides). The base's callgrind files are copied into the head's `gungraun` directory before the
//! head runs, where gungraun turns them into `.out.old`, so the root cause always has both sides. The
//! base's results are stored as ordinary baseline files in `<target>/guard/base/<sha>[/shard-I-of-N]/`,
//! which the head is then compared with like any baseline.
//!
//! Instruction counts are deterministic, so the base's are cached there under their fingerprint: a second
//! check of the same base does not measure it again (its callgrind files are put back so that the root cause
//! still compares with it). Wall-clock times are measured paired with the head on every check (`app/wall.rs`,
//! which uses this module's worktree and runner).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::{current, say, Current};
use crate::baseline::IrStats;
use crate::baseline::{self, BaselineFile};
use crate::bench::Runner;
use crate::callgrind::names::BASE_WORKTREE;
use crate::cli::Common;
use crate::date::Date;
use crate::error::{Error, Result};
use crate::fingerprint::Fingerprint;
use crate::fsio;
use crate::git::{self, Base, Head, Repo};
use crate::report::BaseComparison;
use crate::suite::Suite;

/// The base side of a check: which commit, where its worktree and results live.
pub(crate) struct BaseSide {
    repo: Repo,
    base: Base,
    head: Head,
    /// `<target>/guard/base/worktree`.
    worktree: PathBuf,
    /// `<target>/guard/base/target`: the base's cargo target directory.
    target: PathBuf,
    worktree_ready: bool,
    /// The base's results as baseline files.
    pub(crate) dir: PathBuf,
}

impl BaseSide {
    /// Finds the repository of the current directory, HEAD and the base, and says which base it chose.
    ///
    /// # Errors
    /// When this is not a git work tree or no base can be chosen (the message says what to pass).
    pub(crate) fn resolve(common: &Common, rev: Option<&str>) -> Result<Self> {
        let repo = Repo::discover(Path::new(".")).ok_or_else(|| Error::Command {
            command: "git rev-parse --is-inside-work-tree".into(),
            problem: "not inside a git work tree (or git is not installed), so there is no base commit to measure"
                .into(),
            hint: "run from a clone of the repository, or pass --against-baselines to compare with the stored baselines"
                .into(),
        })?;
        let head = repo.head()?;
        let base = repo.choose_base(rev, &head)?;
        let worktree = std::path::absolute(common.target_dir.join(BASE_WORKTREE))
            .map_err(|e| Error::io(&common.target_dir, "resolve", e))?;
        let root = worktree.parent().unwrap_or(&worktree).to_path_buf();
        let mut dir = root.join(&base.sha);
        if let Some(shard) = common.shard {
            dir = dir.join(format!("shard-{}-of-{}", shard.index, shard.count));
        }
        let side = Self {
            repo,
            base,
            head,
            worktree,
            target: root.join("target"),
            worktree_ready: false,
            dir,
        };
        say(&side.comparison().describe());
        Ok(side)
    }

    /// What the report says about this comparison.
    pub(crate) fn comparison(&self) -> BaseComparison {
        BaseComparison {
            base: self.base.sha.clone(),
            reason: self.base.reason.clone(),
            head: self.head.sha.clone(),
            head_dirty: self.head.dirty,
        }
    }

    /// The base commit, abbreviated.
    pub(crate) fn short(&self) -> String {
        git::short(&self.base.sha)
    }

    /// How the base's benches run: in its worktree (checked out on first use), into its own target dir.
    ///
    /// # Errors
    /// When the worktree cannot be made.
    pub(crate) fn runner(&mut self, common: &Common) -> Result<Runner> {
        if !self.worktree_ready {
            say(&format!(
                "base {}: checking it out into {}",
                self.short(),
                self.worktree.display()
            ));
            fsio::create_dir_all(self.worktree.parent().unwrap_or(Path::new(".")))?;
            self.repo.worktree(&self.worktree, &self.base.sha)?;
            self.worktree_ready = true;
        }
        Ok(Runner {
            profile: common.profile,
            target_dir: self.target.clone(),
            workdir: Some(self.worktree.clone()),
        })
    }

    /// Measures the base's instruction counts (unless cached for this fingerprint) and stores them as a
    /// baseline file in [`Self::dir`]. Returns a note for the report. (The wall-clock suite is measured paired
    /// with the head instead: `app/wall.rs`.)
    ///
    /// # Errors
    /// When the worktree cannot be made, the base's benches fail, or the results cannot be stored.
    pub(crate) fn measure_instructions(
        &mut self,
        common: &Common,
        fp: &Fingerprint,
    ) -> Result<String> {
        let suite = Suite::Instructions;
        let short = self.short();
        let path = baseline::path(&self.dir, suite, fp);
        let outs = self.dir.join("gungraun");
        let gungraun = common.target_dir.join("gungraun");
        if let Ok(Some(file)) = BaselineFile::<IrStats>::load(&path, suite) {
            if file.fingerprint.differences(fp).is_empty() {
                let restored = copy_outs(&outs, &gungraun, None)?;
                say(&format!(
                    "base {short}: instruction counts from the cache ({} benchmarks, {restored} callgrind files put back for the root cause)",
                    file.benchmarks.len()
                ));
                return Ok(format!(
                    "instructions: base {short} taken from the cache of an earlier check ({}); Ir is deterministic",
                    path.display()
                ));
            }
        }
        let runner = self.runner(common)?;
        say(&format!("base {short}: measuring {suite}"));
        let since = SystemTime::now();
        let today = Date::today().to_string();
        let none = |_: &str| 0.0;
        fsio::create_dir_all(&self.dir)?;
        match current(common, suite, &runner)? {
            Current::Skipped(message) => {
                return Err(Error::Other(format!(
                    "the base's {suite} suite could not run: {message}"
                )))
            }
            Current::Wall(_) => {
                return Err(Error::Other(
                    "internal: the instruction suite returned wall-clock results".into(),
                ))
            }
            Current::Instructions(results) => {
                let values: BTreeMap<String, IrStats> =
                    results.into_iter().map(|r| (r.id, r.metrics)).collect();
                if outs.exists() {
                    std::fs::remove_dir_all(&outs).map_err(|e| Error::io(&outs, "remove", e))?;
                }
                copy_outs(&self.target.join("gungraun"), &outs, Some(since))?;
                copy_outs(&outs, &gungraun, None)?;
                // The baseline file is written last: it marks the cache entry complete.
                let (file, _) =
                    baseline::merge(None, values, fp.clone(), suite, today, true, &none);
                file.store(&path)?;
            }
        }
        Ok(format!("{suite}: base {short} measured in this run"))
    }
}

/// Copies callgrind's `*.out` files under `from` to the same relative paths under `to` (only files written
/// since `since`, when given). Returns how many were copied.
fn copy_outs(from: &Path, to: &Path, since: Option<SystemTime>) -> Result<usize> {
    let mut copied = 0;
    if !fsio::is_real_dir(from) {
        return Ok(0);
    }
    for (path, is_dir) in fsio::list_dir_typed(from)? {
        let Some(name) = path.file_name() else {
            continue;
        };
        let target = to.join(name);
        if is_dir {
            copied += copy_outs(&path, &target, since)?;
            continue;
        }
        if !name.to_string_lossy().ends_with(".out") {
            continue;
        }
        if let Some(since) = since {
            let fresh = std::fs::metadata(&path)
                .and_then(|m| m.modified())
                .is_ok_and(|t| t >= since);
            if !fresh {
                continue;
            }
        }
        fsio::create_dir_all(to)?;
        std::fs::copy(&path, &target).map_err(|e| Error::io(&target, "write", e))?;
        copied += 1;
    }
    Ok(copied)
}
