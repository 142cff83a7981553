//! The external programs the guard relies on: rustc, valgrind and the pinned gungraun-runner.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::error::{Error, Result};

/// The gungraun(-runner) version the bench target is built against; runner and library must match.
pub const GUNGRAUN_VERSION: &str = "0.20.0";

/// Runs `program args…` and returns its stdout when it succeeds.
fn output(program: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// `rustc -vV` of the toolchain cargo would use here: (`1.95.0 (59807616e 2026-04-14)`, host triple).
///
/// # Errors
/// [`Error::Command`] when rustc cannot be run.
pub fn rustc() -> Result<(String, String)> {
    let rustc = std::env::var_os("RUSTC").map_or_else(|| PathBuf::from("rustc"), PathBuf::from);
    let text = output(&rustc, &["-vV"]).ok_or_else(|| Error::Command {
        command: format!("{} -vV", rustc.display()),
        problem: "failed".into(),
        hint: "install a Rust toolchain (rustup) or set RUSTC".into(),
    })?;
    let mut version = String::new();
    let mut host = String::new();
    for line in text.lines() {
        if let Some(v) = line.strip_prefix("rustc ") {
            version = v.trim().to_string();
        } else if let Some(h) = line.strip_prefix("host: ") {
            host = h.trim().to_string();
        }
    }
    Ok((version, host))
}

/// `valgrind --version` (e.g. `valgrind-3.19.0`), or `None` when valgrind is not installed.
#[must_use]
pub fn valgrind() -> Option<String> {
    output(Path::new("valgrind"), &["--version"]).map(|s| s.trim().to_string())
}

/// Where the guard installs its own copy of the runner: `<target-dir>/tools`.
#[must_use]
pub fn runner_root(target_dir: &Path) -> PathBuf {
    target_dir.join("tools")
}

/// The version a gungraun-runner binary reports (`gungraun-runner 0.20.0` → `0.20.0`).
#[must_use]
pub fn runner_version(path: &Path) -> Option<String> {
    output(path, &["--version"]).and_then(|s| s.split_whitespace().nth(1).map(str::to_string))
}

/// The per-user tools cache shared by every clone and target dir: `$LANES_TOOLS_DIR`, else
/// `$XDG_CACHE_HOME/lanes/tools`, else `~/.cache/lanes/tools` (what `.ci/run` and `benches/install-runner.sh`
/// use). The runner takes minutes to build, so a fresh clone or a `cargo clean` should not build it again.
#[must_use]
pub fn shared_tools_dir() -> Option<PathBuf> {
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    var("LANES_TOOLS_DIR")
        .or_else(|| var("XDG_CACHE_HOME").map(|d| d.join("lanes").join("tools")))
        .or_else(|| var("HOME").map(|d| d.join(".cache").join("lanes").join("tools")))
}

/// Finds a gungraun-runner of the pinned version: `$GUNGRAUN_RUNNER`, `<target-dir>/tools/bin`, the shared
/// cache ([`shared_tools_dir`]), then `PATH`.
#[must_use]
pub fn find_runner(target_dir: &Path) -> Option<PathBuf> {
    let mut candidates = Vec::new();
    if let Some(p) = std::env::var_os("GUNGRAUN_RUNNER") {
        candidates.push(PathBuf::from(p));
    }
    candidates.push(runner_root(target_dir).join("bin").join("gungraun-runner"));
    if let Some(dir) = shared_tools_dir() {
        candidates.push(dir.join("bin").join("gungraun-runner"));
    }
    if let Some(path) = std::env::var_os("PATH") {
        candidates.extend(std::env::split_paths(&path).map(|d| d.join("gungraun-runner")));
    }
    candidates
        .into_iter()
        .filter(|p| p.is_file())
        .find(|p| runner_version(p).as_deref() == Some(GUNGRAUN_VERSION))
}

/// The pinned runner, installed into the shared cache ([`shared_tools_dir`]; `<target-dir>/tools` when there
/// is no home directory) when no matching one is found.
///
/// # Errors
/// [`Error::Command`] when `cargo install` fails.
pub fn ensure_runner(target_dir: &Path, say: &mut dyn FnMut(&str)) -> Result<PathBuf> {
    if let Some(p) = find_runner(target_dir) {
        return Ok(p);
    }
    let root = shared_tools_dir().unwrap_or_else(|| runner_root(target_dir));
    let command = format!(
        "cargo install gungraun-runner --version {GUNGRAUN_VERSION} --locked --root {}",
        root.display()
    );
    say(&format!(
        "gungraun-runner {GUNGRAUN_VERSION} not found; installing it once: {command}"
    ));
    let status = Command::new("cargo")
        .args([
            "install",
            "gungraun-runner",
            "--version",
            GUNGRAUN_VERSION,
            "--locked",
            "--root",
        ])
        .arg(&root)
        .stdin(Stdio::null())
        .status()
        .map_err(|e| Error::Command {
            command: command.clone(),
            problem: format!("could not start: {e}"),
            hint: "is cargo on PATH?".into(),
        })?;
    let bin = root.join("bin").join("gungraun-runner");
    if !status.success() || !bin.is_file() {
        return Err(Error::Command {
            command,
            problem: format!("failed ({status})"),
            hint:
                "check network access to crates.io, or install it yourself and set GUNGRAUN_RUNNER"
                    .into(),
        });
    }
    Ok(bin)
}

/// Model name of the first CPU (`/proc/cpuinfo`), or `unknown`. `GUARD_CPU_MODEL` overrides it: tests use it
/// so that nothing depends on the host's CPU, and CI runners whose model name is masked can set their class.
#[must_use]
pub fn cpu_model() -> String {
    if let Some(model) = std::env::var("GUARD_CPU_MODEL")
        .ok()
        .filter(|m| !m.trim().is_empty())
    {
        return model.trim().to_string();
    }
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into())
}

/// The CPU features that change which code the lanes kernels run, as detected at run time.
#[must_use]
pub fn simd_features() -> Vec<String> {
    let mut out = Vec::new();
    #[cfg(target_arch = "x86_64")]
    {
        macro_rules! probe {
            ($($f:tt),*) => {
                $(if std::arch::is_x86_feature_detected!($f) { out.push($f.to_string()); })*
            };
        }
        probe!(
            "sse2", "sse4.1", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512dq", "avx512vl"
        );
    }
    out
}

/// Where the guard installs its own uv when none is on `PATH`: a virtual environment `<target-dir>/tools/uv`.
#[must_use]
pub fn uv_root(target_dir: &Path) -> PathBuf {
    runner_root(target_dir).join("uv")
}

/// A working `uv`: the one on `PATH`, else the guard's own under `<target-dir>/tools/uv`, else installed
/// there once (`python3 -m venv`, then `pip install uv`). `Ok(None)` when there is no `python3` at all.
///
/// # Errors
/// [`Error::Command`] naming the command when the install fails.
pub fn ensure_uv(target_dir: &Path, say: &mut dyn FnMut(&str)) -> Result<Option<PathBuf>> {
    let own = uv_root(target_dir).join("bin").join("uv");
    for candidate in [PathBuf::from("uv"), own.clone()] {
        if output(&candidate, &["--version"]).is_some() {
            return Ok(Some(candidate));
        }
    }
    let python = PathBuf::from("python3");
    if output(&python, &["--version"]).is_none() {
        return Ok(None);
    }
    let venv = uv_root(target_dir);
    let pip = venv.join("bin").join("pip");
    let steps: [(PathBuf, Vec<String>); 2] = [
        (
            python,
            vec!["-m".into(), "venv".into(), venv.display().to_string()],
        ),
        (
            pip,
            ["install", "--quiet", "--disable-pip-version-check", "uv"]
                .map(String::from)
                .to_vec(),
        ),
    ];
    say(&format!(
        "uv not found; installing it once into {} (python3 -m venv, then pip install uv)",
        venv.display()
    ));
    for (program, args) in steps {
        let command = format!("{} {}", program.display(), args.join(" "));
        let status = Command::new(&program)
            .args(&args)
            .stdin(Stdio::null())
            .status()
            .map_err(|e| Error::Command {
                command: command.clone(),
                problem: format!("could not start: {e}"),
                hint: "install uv yourself (pip install uv), or pass --numpy FILE".into(),
            })?;
        if !status.success() {
            return Err(Error::Command {
                command,
                problem: format!("failed ({status})"),
                hint: "check network access to PyPI and python3-venv (apt-get install python3-venv), or \
                       install uv yourself (pip install uv), or pass --numpy FILE"
                    .into(),
            });
        }
    }
    if output(&own, &["--version"]).is_none() {
        return Err(Error::Command {
            command: format!("{} --version", own.display()),
            problem: "the installed uv does not run".into(),
            hint: "remove that directory and retry, or install uv yourself (pip install uv)".into(),
        });
    }
    Ok(Some(own))
}
