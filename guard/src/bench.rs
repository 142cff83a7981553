//! Running the bench targets: `cargo bench --bench wall` (Criterion) and
//! `cargo bench --bench instructions -- --save-summary=json` (gungraun), with `LANES_BENCH_PROFILE` set.
//! On a terminal a spinner shows the benchmark being measured; otherwise the tools' lines pass through.
//! Output is only shown, never parsed for results.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, SystemTime};

use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::Profile;
use crate::error::{Error, Result};

/// How the benches are run.
#[derive(Debug, Clone)]
pub struct Runner {
    /// Bench profile.
    pub profile: Profile,
    /// Cargo target directory (exported as `CARGO_TARGET_DIR`).
    pub target_dir: PathBuf,
}

impl Runner {
    /// `cargo bench --bench wall [-- --exact ID]`. Returns the time the run started (results older than it
    /// are left over from earlier runs).
    ///
    /// # Errors
    /// [`Error::Command`] naming the command when cargo cannot start or fails.
    pub fn wall(&self, exact: Option<&str>) -> Result<SystemTime> {
        let mut args = vec!["bench", "--bench", "wall"];
        if let Some(id) = exact {
            args.extend(["--", "--exact", id]);
        }
        self.cargo(&args, &[])
    }

    /// `cargo bench --bench instructions -- --save-summary=json` with `GUNGRAUN_RUNNER=runner`.
    ///
    /// # Errors
    /// [`Error::Command`] naming the command when cargo cannot start or fails.
    pub fn instructions(&self, runner: &Path) -> Result<SystemTime> {
        self.instructions_with(runner, &[])
    }

    /// `cargo bench --bench wall -- REGEX` (Criterion's filter is a regex on the id).
    ///
    /// # Errors
    /// [`Error::Command`] naming the command when cargo cannot start or fails.
    pub fn wall_matching(&self, regex: &str) -> Result<SystemTime> {
        self.cargo(&["bench", "--bench", "wall", "--", regex], &[])
    }

    /// `cargo bench --bench instructions -- --save-summary=json FILTER` (one gungraun wildcard pattern).
    ///
    /// # Errors
    /// [`Error::Command`] naming the command when cargo cannot start or fails.
    pub fn instructions_filtered(&self, runner: &Path, filter: &str) -> Result<SystemTime> {
        self.instructions_with(runner, &[filter])
    }

    fn instructions_with(&self, runner: &Path, filters: &[&str]) -> Result<SystemTime> {
        let mut args = vec![
            "bench",
            "--bench",
            "instructions",
            "--",
            "--save-summary=json",
        ];
        args.extend_from_slice(filters);
        self.cargo(&args, &[("GUNGRAUN_RUNNER", runner.as_os_str())])
    }

    /// stdout of `cargo bench --bench wall -- --list`.
    ///
    /// # Errors
    /// [`Error::Command`] when cargo cannot start or fails.
    pub fn list_wall(&self) -> Result<String> {
        self.capture("wall", &[])
    }

    /// stdout of `cargo bench --bench instructions -- --list` (built with `GUNGRAUN_RUNNER=runner`).
    ///
    /// # Errors
    /// [`Error::Command`] when cargo cannot start or fails.
    pub fn list_instructions(&self, runner: &Path) -> Result<String> {
        self.capture("instructions", &[("GUNGRAUN_RUNNER", runner.as_os_str())])
    }

    fn capture(&self, bench: &str, env: &[(&str, &std::ffi::OsStr)]) -> Result<String> {
        let command_line = format!(
            "LANES_BENCH_PROFILE={} cargo bench --bench {bench} -- --list",
            self.profile.name()
        );
        let target =
            std::path::absolute(&self.target_dir).unwrap_or_else(|_| self.target_dir.clone());
        let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
        cmd.args(["bench", "--bench", bench, "--", "--list"])
            .env("LANES_BENCH_PROFILE", self.profile.name())
            .env("CARGO_TARGET_DIR", &target)
            .stdin(Stdio::null());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().map_err(|e| Error::Command {
            command: command_line.clone(),
            problem: format!("could not start: {e}"),
            hint: "is cargo on PATH?".into(),
        })?;
        if !out.status.success() {
            let err = String::from_utf8_lossy(&out.stderr);
            return Err(Error::Command {
                command: command_line,
                problem: format!(
                    "failed ({}); last output: {}",
                    out.status,
                    err.lines().last().unwrap_or("").trim()
                ),
                hint: "fix the bench build or run it by hand to see the whole output".into(),
            });
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    fn cargo(&self, args: &[&str], env: &[(&str, &std::ffi::OsStr)]) -> Result<SystemTime> {
        let command_line = format!(
            "LANES_BENCH_PROFILE={} cargo {}",
            self.profile.name(),
            args.join(" ")
        );
        let target =
            std::path::absolute(&self.target_dir).unwrap_or_else(|_| self.target_dir.clone());
        let start = SystemTime::now();
        let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
        cmd.args(args)
            .env("LANES_BENCH_PROFILE", self.profile.name())
            .env("CARGO_TARGET_DIR", &target)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().map_err(|e| Error::Command {
            command: command_line.clone(),
            problem: format!("could not start: {e}"),
            hint: "is cargo on PATH?".into(),
        })?;
        let (tx, rx) = mpsc::channel::<String>();
        let mut readers = Vec::new();
        for pipe in [
            child
                .stdout
                .take()
                .map(|p| Box::new(p) as Box<dyn Read + Send>),
            child
                .stderr
                .take()
                .map(|p| Box::new(p) as Box<dyn Read + Send>),
        ]
        .into_iter()
        .flatten()
        {
            let tx = tx.clone();
            readers.push(std::thread::spawn(move || {
                for line in BufReader::new(pipe)
                    .lines()
                    .map_while(std::result::Result::ok)
                {
                    if tx.send(line).is_err() {
                        break;
                    }
                }
            }));
        }
        drop(tx);
        let bar = std::io::stderr().is_terminal().then(|| {
            let pb = ProgressBar::new_spinner();
            pb.set_style(
                ProgressStyle::with_template("{spinner} {elapsed} [{pos} done] {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            pb.enable_steady_tick(Duration::from_millis(120));
            pb.set_message(command_line.clone());
            pb
        });
        let mut tail: VecDeque<String> = VecDeque::new();
        for line in rx {
            if let Some(pb) = &bar {
                let t = line.trim();
                // Criterion prints one `time:` line per finished benchmark; gungraun one `Instructions:` line.
                if t.starts_with("time:") || t.contains(" time: ") || t.starts_with("Instructions:")
                {
                    pb.inc(1);
                }
                if !t.is_empty() {
                    pb.set_message(t.chars().take(100).collect::<String>());
                }
            } else {
                eprintln!("{line}");
            }
            if tail.len() == 20 {
                tail.pop_front();
            }
            tail.push_back(line);
        }
        for r in readers {
            let _ = r.join();
        }
        let status = child.wait().map_err(|e| Error::Command {
            command: command_line.clone(),
            problem: format!("could not be waited for: {e}"),
            hint: String::new(),
        })?;
        if let Some(pb) = bar {
            pb.finish_and_clear();
        }
        if !status.success() {
            let last = tail
                .iter()
                .rev()
                .find(|l| l.contains("error"))
                .or_else(|| tail.back())
                .cloned()
                .unwrap_or_default();
            return Err(Error::Command {
                command: command_line,
                problem: format!("failed ({status}); last output: {}", last.trim()),
                hint: "fix the bench build or run it by hand to see the whole output".into(),
            });
        }
        Ok(start)
    }
}
