//! A sandbox with real captured Criterion / gungraun / NumPy output, a runner for the built binary, and the
//! assertions the tests share ([`assert`]).
#![allow(dead_code, unreachable_pub)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

pub mod assert;
pub mod synth;

pub const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

/// `metadata.cpu.model_name` of `fixtures/numpy.json`, injected as this "host's" CPU model.
pub const FIXTURE_CPU_MODEL: &str = "AMD EPYC";

pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// What a run of the binary produced.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Asserts the exit code, printing the whole run when it differs.
    #[track_caller]
    pub fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(self.code, code, "{self:?}");
        self
    }
}

pub struct Sandbox {
    pub dir: tempfile::TempDir,
}

impl Sandbox {
    /// target/criterion (real Criterion 0.8 run), target/gungraun (`gungraun` = fixture variant),
    /// baselines/numpy.json, and the repository's thresholds.toml.
    pub fn new(gungraun: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        copy_dir(
            &Path::new(FIXTURES).join("criterion"),
            &root.join("target/criterion"),
        );
        copy_dir(
            &Path::new(FIXTURES).join(gungraun),
            &root.join("target/gungraun"),
        );
        fs::create_dir_all(root.join("baselines")).unwrap();
        fs::copy(
            Path::new(FIXTURES).join("numpy.json"),
            root.join("baselines/numpy.json"),
        )
        .unwrap();
        fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../thresholds.toml"),
            root.join("thresholds.toml"),
        )
        .unwrap();
        Self { dir }
    }

    /// [`Self::new`] with the baselines recorded from its results ([`Self::update`]).
    pub fn with_baselines(gungraun: &str) -> Self {
        let s = Self::new(gungraun);
        s.update();
        s
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// The guard binary with `args`, run in the sandbox with the test environment.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_guard"));
        cmd.args(args)
            .current_dir(self.dir.path())
            .env("NO_COLOR", "1")
            .env("GUARD_MACHINE_CLASS", "test-machine")
            // The CPU the NumPy fixture was measured on: the tests never depend on the host's CPU.
            .env("GUARD_CPU_MODEL", FIXTURE_CPU_MODEL)
            .env("GUARD_TODAY", "2026-06-01");
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Run {
        output(&mut self.command(args))
    }

    /// `guard check --no-bench` followed by `args`.
    pub fn check(&self, args: &[&str]) -> Run {
        let mut all = vec!["check", "--no-bench"];
        all.extend_from_slice(args);
        self.run(&all)
    }

    /// `baseline update --no-bench`, asserting success.
    pub fn update(&self) {
        let r = self.run(&["baseline", "update", "--no-bench"]);
        assert_eq!(r.code, 0, "{r:?}");
    }

    /// Replaces the gungraun results with another fixture variant.
    pub fn use_gungraun(&self, variant: &str) {
        fs::remove_dir_all(self.path("target/gungraun")).unwrap();
        copy_dir(
            &Path::new(FIXTURES).join(variant),
            &self.path("target/gungraun"),
        );
    }

    /// Multiplies the `Ir` (new) of every summary whose path contains `needle` by `factor`.
    pub fn scale_ir(&self, needle: &str, factor: f64) {
        for file in files(&self.path("target/gungraun"), "summary.json") {
            if !file.to_string_lossy().contains(needle) {
                continue;
            }
            let mut v: serde_json::Value =
                serde_json::from_str(&fs::read_to_string(&file).unwrap()).unwrap();
            let ir = &mut v["profiles"][0]["data"]["total"]["metrics"]["Ir"]["values"]["new"];
            *ir = serde_json::json!((ir.as_f64().unwrap() * factor).round() as u64);
            fs::write(&file, serde_json::to_string(&v).unwrap()).unwrap();
        }
    }

    /// Multiplies the times of the Criterion benchmark `rel` (e.g. `add/avx2/100`) by `factor`.
    pub fn scale_wall(&self, rel: &str, factor: f64) {
        self.scale_wall_in("target/criterion", rel, factor);
    }

    /// [`Self::scale_wall`] for the Criterion results under `root` (relative to the sandbox).
    pub fn scale_wall_in(&self, root: &str, rel: &str, factor: f64) {
        let dir = self.path(root).join(rel).join("new");
        let sample = dir.join("sample.json");
        let mut v: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(&sample).unwrap()).unwrap();
        for t in v["times"].as_array_mut().unwrap() {
            *t = serde_json::json!(t.as_f64().unwrap() * factor);
        }
        fs::write(&sample, v.to_string()).unwrap();
        let est = dir.join("estimates.json");
        let mut v: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(&est).unwrap()).unwrap();
        for key in ["mean", "median"] {
            let p = &mut v[key]["point_estimate"];
            *p = serde_json::json!(p.as_f64().unwrap() * factor);
        }
        fs::write(&est, v.to_string()).unwrap();
    }

    pub fn write(&self, rel: &str, text: &str) {
        fs::write(self.path(rel), text).unwrap();
    }
}

/// Words of an instruction: every message must tell the reader what to do.
const ACTIONS: &[&str] = &[
    "run",
    "remove",
    "fix",
    "pass ",
    "install",
    "regenerate",
    "wait",
    "check",
    "create",
    "delete",
    "rename",
    "use ",
    "set ",
];

/// What keeps `r` from being a proper refusal: exit code 2, no panic, and a last line on stderr
/// `guard: error: …` that holds every fragment of `expect` and says what to do ([`ACTIONS`]). Empty when it
/// is one.
pub fn refusal_problems(r: &Run, expect: &[&str]) -> Vec<String> {
    let line = r.stderr.lines().last().unwrap_or_default();
    let lower = line.to_lowercase();
    [
        (r.code != 2).then(|| format!("exit code {}", r.code)),
        (!ACTIONS.iter().any(|a| lower.contains(a))).then(|| "says nothing to do".to_string()),
        r.stderr
            .contains("panicked")
            .then(|| "panicked".to_string()),
        (!line.starts_with("guard: error: ")).then(|| "not a `guard: error:` line".to_string()),
    ]
    .into_iter()
    .flatten()
    .chain(
        expect
            .iter()
            .filter(|f| !line.contains(*f))
            .map(|f| format!("lacks {f:?}")),
    )
    .collect()
}

/// Runs a prepared command (see [`Sandbox::command`]).
pub fn output(cmd: &mut Command) -> Run {
    let out = cmd.output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// All files named `name` under `dir`.
pub fn files(dir: &Path, name: &str) -> Vec<PathBuf> {
    walk(dir)
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|n| n == name))
        .collect()
}

/// All files under `dir`, sorted.
pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}
