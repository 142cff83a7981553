//! The few git operations `guard check` needs to measure a change against its base: which commit is the
//! base, whether the working tree has uncommitted changes, and a detached worktree of the base under the
//! target directory (the user's own checkout is never touched). Runs the `git` program; every failure is an
//! [`Error::Command`] naming the git command and what to do.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::error::{Error, Result};

/// The commit a check compares with, and why that one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Base {
    /// Full commit SHA.
    pub sha: String,
    /// Why this commit (`merge base of HEAD and origin/HEAD`, `--base v1.2`, …).
    pub reason: String,
}

/// What is measured as the head: HEAD's commit and whether uncommitted changes are part of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    /// Full commit SHA of HEAD.
    pub sha: String,
    /// The working tree differs from HEAD (tracked changes or untracked, not ignored, files).
    pub dirty: bool,
}

/// A git repository, addressed by a directory inside it.
#[derive(Debug, Clone)]
pub struct Repo {
    dir: PathBuf,
}

impl Repo {
    /// The repository containing `dir`, or `None` when `dir` is not inside a git work tree (or git is
    /// missing).
    #[must_use]
    pub fn discover(dir: &Path) -> Option<Self> {
        let repo = Self {
            dir: dir.to_path_buf(),
        };
        let inside = repo.run(&["rev-parse", "--is-inside-work-tree"]).ok()?;
        (inside.trim() == "true").then_some(repo)
    }

    /// `git args…` in the repository; stdout on success.
    fn run(&self, args: &[&str]) -> Result<String> {
        let command = format!("git {}", args.join(" "));
        let out = Command::new("git")
            .args(args)
            .current_dir(&self.dir)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| Error::Command {
                command: command.clone(),
                problem: format!("could not start: {e}"),
                hint:
                    "install git, or pass --against-baselines to compare with the stored baselines"
                        .into(),
            })?;
        if !out.status.success() {
            let err = String::from_utf8_lossy(&out.stderr);
            return Err(Error::Command {
                command,
                problem: format!(
                    "failed ({}): {}",
                    out.status,
                    err.lines().last().unwrap_or("").trim()
                ),
                hint: "pass --base REV naming a commit of this repository, or --against-baselines"
                    .into(),
            });
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    }

    /// The commit `rev` names (`rev^{commit}`), or `None` when it names none.
    #[must_use]
    pub fn commit(&self, rev: &str) -> Option<String> {
        self.run(&[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ])
        .ok()
        .filter(|s| !s.is_empty())
    }

    /// HEAD and whether the working tree has uncommitted changes.
    ///
    /// # Errors
    /// When HEAD names no commit (an empty repository) or git fails.
    pub fn head(&self) -> Result<Head> {
        let sha = self.commit("HEAD").ok_or_else(|| Error::Command {
            command: "git rev-parse HEAD".into(),
            problem: "HEAD names no commit (an empty repository?)".into(),
            hint: "commit something first, or pass --against-baselines".into(),
        })?;
        let status = self.run(&["status", "--porcelain", "--untracked-files=normal"])?;
        Ok(Head {
            sha,
            dirty: !status.is_empty(),
        })
    }

    /// The base to compare `head` with: `rev` when given; otherwise the merge base of HEAD with the default
    /// branch (`origin/HEAD`, else `main`, else `master`) and, when that is HEAD itself on a clean tree,
    /// HEAD's parent (a clean tip of the default branch is compared with the commit before it).
    ///
    /// # Errors
    /// When `rev` names no commit, no default branch exists, or there is no parent to compare with.
    pub fn choose_base(&self, rev: Option<&str>, head: &Head) -> Result<Base> {
        if let Some(rev) = rev {
            let sha = self.commit(rev).ok_or_else(|| Error::Command {
                command: format!("git rev-parse --verify {rev}^{{commit}}"),
                problem: format!("--base {rev:?} names no commit of this repository"),
                hint: "pass a branch, tag or SHA (git fetch it first if it is remote)".into(),
            })?;
            return Ok(Base {
                sha,
                reason: format!("--base {rev}"),
            });
        }
        let Some(branch) = ["origin/HEAD", "main", "master"]
            .into_iter()
            .find(|b| self.commit(b).is_some())
        else {
            return Err(Error::Command {
                command: "git rev-parse --verify origin/HEAD main master".into(),
                problem:
                    "no default branch to compare with (none of origin/HEAD, main, master exists)"
                        .into(),
                hint:
                    "pass --base REV, or --against-baselines to compare with the stored baselines"
                        .into(),
            });
        };
        let merge_base = self.run(&["merge-base", "HEAD", branch]).map_err(|_| Error::Command {
            command: format!("git merge-base HEAD {branch}"),
            problem: format!("HEAD and {branch} have no common commit here (a shallow clone?)"),
            hint: "fetch the history (git fetch --unshallow, or fetch-depth: 0 in CI) or pass --base REV"
                .into(),
        })?;
        if merge_base != head.sha {
            return Ok(Base {
                sha: merge_base,
                reason: format!("merge base of HEAD and {branch}"),
            });
        }
        if head.dirty {
            return Ok(Base {
                sha: merge_base,
                reason: format!("HEAD is on {branch}; the uncommitted changes are the change"),
            });
        }
        let parent = self.commit("HEAD^").ok_or_else(|| Error::Command {
            command: "git rev-parse HEAD^".into(),
            problem:
                "HEAD is the first commit and the tree is clean: there is nothing to compare with"
                    .into(),
            hint: "pass --base REV, or --against-baselines".into(),
        })?;
        Ok(Base {
            sha: parent,
            reason: format!("HEAD is on {branch} with a clean tree, so its parent"),
        })
    }

    /// A detached worktree of `sha` at `path` (replacing whatever was there), for building the base without
    /// touching the user's checkout.
    ///
    /// # Errors
    /// When git cannot create the worktree.
    pub fn worktree(&self, path: &Path, sha: &str) -> Result<()> {
        let p = path.to_string_lossy().into_owned();
        if path.exists() {
            // A worktree left by an earlier check: reuse it when it is still registered, else start over.
            if self
                .run(&["-C", &p, "checkout", "--quiet", "--detach", "--force", sha])
                .is_ok()
                && self.run(&["-C", &p, "clean", "-fdxq"]).is_ok()
            {
                return Ok(());
            }
            let _ = self.run(&["worktree", "remove", "--force", &p]);
            std::fs::remove_dir_all(path).map_err(|e| Error::io(path, "remove", e))?;
        }
        let _ = self.run(&["worktree", "prune"]);
        self.run(&["worktree", "add", "--quiet", "--detach", "--force", &p, sha])
            .map(|_| ())
    }
}

/// The first 10 characters of a SHA, for people (any text: reports are untrusted input in `guard comment`).
#[must_use]
pub fn short(sha: &str) -> String {
    sha.chars().take(10).collect()
}
