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

use crate::error::{Error, Result};
use crate::suite::Profile;

/// How the benches are run.
#[derive(Debug, Clone)]
pub struct Runner {
    /// Bench profile.
    pub profile: Profile,
    /// Cargo target directory (exported as `CARGO_TARGET_DIR`).
    pub target_dir: PathBuf,
    /// Where cargo runs: `None` for the current directory (the head); the base's worktree when measuring
    /// the base.
    pub workdir: Option<PathBuf>,
}

impl Runner {
    /// A runner for the current directory.
    #[must_use]
    pub fn here(profile: Profile, target_dir: PathBuf) -> Self {
        Self {
            profile,
            target_dir,
            workdir: None,
        }
    }

    /// `command` as a user would type it: the profile variable, and `cd DIR &&` for the base's worktree.
    fn shown(&self, command: &str) -> String {
        let cd = self
            .workdir
            .as_ref()
            .map(|d| format!("cd {} && ", d.display()))
            .unwrap_or_default();
        format!("{cd}LANES_BENCH_PROFILE={} {command}", self.profile.name())
    }

    fn command(&self) -> Command {
        let target =
            std::path::absolute(&self.target_dir).unwrap_or_else(|_| self.target_dir.clone());
        let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
        cmd.env("LANES_BENCH_PROFILE", self.profile.name())
            .env("CARGO_TARGET_DIR", &target)
            .stdin(Stdio::null());
        if let Some(dir) = &self.workdir {
            cmd.current_dir(dir);
        }
        cmd
    }
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
        // Instruction addresses in callgrind's output, for line-level root cause — also for a base commit
        // whose bench does not ask for them itself (counts are unchanged).
        self.cargo(
            &args,
            &[
                ("GUNGRAUN_RUNNER", runner.as_os_str()),
                (
                    "GUNGRAUN_CALLGRIND_ARGS",
                    std::ffi::OsStr::new("--dump-instr=yes"),
                ),
            ],
        )
    }

    /// Builds bench target `bench` (of `package`, else the workspace root's) without running it and returns
    /// its executable: `cargo bench [-p PACKAGE] --bench BENCH --no-run --message-format=json-render-diagnostics`.
    /// Cargo's progress and diagnostics pass through to stderr.
    ///
    /// # Errors
    /// [`Error::Command`] when cargo fails or names no executable for the target.
    pub fn bench_executable(&self, package: Option<&str>, bench: &str) -> Result<PathBuf> {
        let mut args = vec!["bench"];
        if let Some(p) = package {
            args.extend(["-p", p]);
        }
        args.extend([
            "--bench",
            bench,
            "--no-run",
            "--message-format=json-render-diagnostics",
        ]);
        let command_line = self.shown(&format!("cargo {}", args.join(" ")));
        let mut cmd = self.command();
        cmd.args(&args).stderr(Stdio::inherit());
        let out = output(&mut cmd, &command_line)?;
        if !out.status.success() {
            return Err(Error::Command {
                command: command_line,
                problem: format!("failed ({})", out.status),
                hint: "fix the bench build (cargo's messages are above)".into(),
            });
        }
        executable_of(&String::from_utf8_lossy(&out.stdout), bench).ok_or_else(|| Error::Command {
            command: command_line,
            problem: format!("cargo reported no executable for bench target `{bench}`"),
            hint: "check the [[bench]] entry in Cargo.toml".into(),
        })
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
        let command_line = self.shown(&format!("cargo bench --bench {bench} -- --list"));
        let mut cmd = self.command();
        cmd.args(["bench", "--bench", bench, "--", "--list"]);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = output(&mut cmd, &command_line)?;
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
        let command_line = self.shown(&format!("cargo {}", args.join(" ")));
        let mut cmd = self.command();
        cmd.args(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        stream(cmd, command_line, "is cargo on PATH?")
    }
}

/// Runs cargo `cmd` to completion, capturing its output; a failure to start names `command_line`.
fn output(cmd: &mut Command, command_line: &str) -> Result<std::process::Output> {
    cmd.output().map_err(|e| Error::Command {
        command: command_line.to_string(),
        problem: format!("could not start: {e}"),
        hint: "is cargo on PATH?".into(),
    })
}

/// The `executable` of the `compiler-artifact` message for bench target `bench` in cargo's JSON messages.
fn executable_of(messages: &str, bench: &str) -> Option<PathBuf> {
    messages
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == bench)
        .filter(|m| {
            m["target"]["kind"]
                .as_array()
                .is_some_and(|k| k.iter().any(|k| k == "bench"))
        })
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
}

/// NumPy's side of the comparison, measured now on this machine:
/// `uv run --project benchmarks --frozen python benchmarks/python_comparison.py [--sizes S] --output OUT`
/// in the current directory (uv builds the locked environment on first use). Returns the start time.
///
/// # Errors
/// [`Error::Command`] naming the command when it cannot start or fails.
pub fn numpy(uv: &Path, sizes: Option<&str>, output: &Path) -> Result<SystemTime> {
    let mut args: Vec<String> = [
        "run",
        "--project",
        "benchmarks",
        "--frozen",
        "python",
        "benchmarks/python_comparison.py",
    ]
    .map(String::from)
    .to_vec();
    if let Some(sizes) = sizes {
        args.extend(["--sizes".into(), sizes.into()]);
    }
    args.extend(["--output".into(), output.display().to_string()]);
    let command_line = format!("{} {}", uv.display(), args.join(" "));
    let mut cmd = Command::new(uv);
    cmd.args(&args).stdin(Stdio::null());
    stream(
        cmd,
        command_line,
        "run it by hand to see the whole output, or pass --numpy FILE",
    )
}

/// Runs `cmd`, showing its output (a spinner on a terminal, the lines otherwise), and returns the time it
/// started; a failure names `command_line` and its last error line.
fn stream(mut cmd: Command, command_line: String, start_hint: &str) -> Result<SystemTime> {
    let start = SystemTime::now();
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().map_err(|e| Error::Command {
        command: command_line.clone(),
        problem: format!("could not start: {e}"),
        hint: start_hint.into(),
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
            if t.starts_with("time:") || t.contains(" time: ") || t.starts_with("Instructions:") {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bench_executable_is_found_among_cargo_messages() {
        let messages = concat!(
            r#"{"reason":"compiler-artifact","target":{"name":"lanes","kind":["lib"]},"executable":null}"#,
            "\n",
            "not json\n",
            r#"{"reason":"compiler-artifact","target":{"name":"wall","kind":["bench"]},"executable":"/t/release/deps/wall-1"}"#,
            "\n",
            r#"{"reason":"build-finished","success":true}"#,
        );
        assert_eq!(
            executable_of(messages, "wall"),
            Some(PathBuf::from("/t/release/deps/wall-1"))
        );
        assert_eq!(executable_of(messages, "instructions"), None);
        assert_eq!(executable_of(messages, "lanes"), None);
    }
}
