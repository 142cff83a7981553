//! The report model: what a check found, independent of how it is shown. `json` serializes it as it is
//! (and deserializes it back, for `guard comment`); `text` and `markdown` render it for people.

pub mod escape;
pub mod json;
pub mod markdown;
pub mod mermaid;
pub mod rootcause;
pub mod text;

use serde::{Deserialize, Serialize};

pub use crate::compare::verdict::{Entry, GateState, NumpyCell, NumpyGate, OtherMetric, Status};
use crate::suite::{Metric, Suite};

/// Version of the JSON report format.
pub const SCHEMA_VERSION: u32 = 1;

/// The overall verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// No gate failed.
    Pass,
    /// At least one gate failed (exit code 1).
    Fail,
}

/// How a suite was checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SuiteState {
    /// Compared against its baseline.
    Checked,
    /// Not run (e.g. valgrind missing); `message` says how to enable it.
    Skipped,
    /// The baseline's environment differs; `differences` says how.
    Incomparable,
    /// No baseline file yet: every benchmark is new.
    NoBaseline,
}

/// One suite's summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SuiteSummary {
    /// The suite.
    pub suite: Suite,
    /// How it was checked.
    pub state: SuiteState,
    /// Baseline file compared against.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline_file: Option<String>,
    /// What to do, for skipped / incomparable / new suites.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Environment differences (`field: baseline → current`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub differences: Vec<String>,
}

/// Counts by status (regressions split into failing ones and warnings).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Regressions that fail the check.
    pub regressions: usize,
    /// Regressions of advisory metrics.
    pub warnings: usize,
    /// Improvements.
    pub improvements: usize,
    /// New benchmarks.
    pub new: usize,
    /// Missing benchmarks.
    pub missing: usize,
    /// Incomparable benchmarks.
    pub incomparable: usize,
    /// Acknowledged regressions.
    pub acknowledged: usize,
    /// Passing benchmarks.
    pub pass: usize,
}

/// What a check compared with when it measured the base commit on this machine in the same run
/// (`guard check` without `--against-baselines`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaseComparison {
    /// The base commit (full SHA).
    pub base: String,
    /// Why that commit (`merge base of HEAD and main`, `--base v1.2`, …).
    pub reason: String,
    /// HEAD's commit (full SHA).
    pub head: String,
    /// The head includes uncommitted changes of the working tree.
    pub head_dirty: bool,
}

impl BaseComparison {
    /// One line for people: `base 1a2b3c4d5e (why) vs head 9f8e7d6c5b + uncommitted changes, …`.
    #[must_use]
    pub fn describe(&self) -> String {
        format!(
            "base {} ({}) vs head {}{}, both measured on this machine in this run",
            crate::git::short(&self.base),
            self.reason,
            crate::git::short(&self.head),
            if self.head_dirty {
                " + uncommitted changes"
            } else {
                ""
            }
        )
    }
}

/// Everything a check found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// Pass or fail.
    pub verdict: Verdict,
    /// Bench profile (`pr` or `full`).
    pub profile: String,
    /// Counts by status.
    pub counts: Counts,
    /// Per-suite summaries.
    pub suites: Vec<SuiteSummary>,
    /// The NumPy gate, when the wall-clock suite was checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub numpy: Option<NumpyGate>,
    /// Remarks (re-runs, skipped parts, expired acknowledgements, …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// All benchmark entries, most important first.
    pub entries: Vec<Entry>,
    /// The functions behind each instruction-count regression (see [`crate::rootcause`]), in id order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub root_causes: Vec<crate::rootcause::RootCause>,
    /// The shard this report covers (`check --shard I/N`); `None` for a whole run or a merged report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<crate::shard::Shard>,
    /// The base commit measured in this run; `None` when the check compared with stored baselines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<BaseComparison>,
}

impl Report {
    /// Builds a report: sorts the entries and computes counts and verdict.
    #[must_use]
    pub fn new(
        profile: &str,
        suites: Vec<SuiteSummary>,
        mut entries: Vec<Entry>,
        numpy: Option<NumpyGate>,
        notes: Vec<String>,
    ) -> Self {
        entries.sort_by(|a, b| (a.rank(), a.suite, &a.id).cmp(&(b.rank(), b.suite, &b.id)));
        let mut counts = Counts::default();
        for e in &entries {
            match e.status {
                Status::Regression if e.gate => counts.regressions += 1,
                Status::Regression => counts.warnings += 1,
                Status::Improvement => counts.improvements += 1,
                Status::New => counts.new += 1,
                Status::Missing => counts.missing += 1,
                Status::Incomparable => counts.incomparable += 1,
                Status::Acknowledged => counts.acknowledged += 1,
                Status::Pass => counts.pass += 1,
            }
        }
        let numpy_failed = numpy
            .as_ref()
            .is_some_and(|n| n.gate && n.state == GateState::Fail);
        let verdict = if counts.regressions > 0 || numpy_failed {
            Verdict::Fail
        } else {
            Verdict::Pass
        };
        Self {
            schema_version: SCHEMA_VERSION,
            verdict,
            profile: profile.to_string(),
            counts,
            suites,
            numpy,
            notes,
            entries,
            root_causes: Vec::new(),
            shard: None,
            base: None,
        }
    }

    /// One report from several, in the order given: suites, entries, notes and root causes concatenated,
    /// the first base, the distinct profiles joined with `+`, and `numpy` making one gate of theirs. Counts
    /// and verdict are recomputed from the entries ([`Report::new`]), so no input can claim a pass next to
    /// failing entries. `guard merge` (shards) and `guard comment` (several reports) both merge with it.
    #[must_use]
    pub fn merge(
        reports: Vec<Self>,
        numpy: impl FnOnce(Vec<NumpyGate>) -> Option<NumpyGate>,
    ) -> Self {
        let mut profiles: Vec<String> = Vec::new();
        let (mut suites, mut entries, mut notes, mut gates, mut root_causes) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut base = None;
        for r in reports {
            base = base.or(r.base);
            if !profiles.contains(&r.profile) {
                profiles.push(r.profile);
            }
            suites.extend(r.suites);
            entries.extend(r.entries);
            notes.extend(r.notes);
            gates.extend(r.numpy);
            root_causes.extend(r.root_causes);
        }
        let mut report = Self::new(&profiles.join("+"), suites, entries, numpy(gates), notes);
        report.root_causes = root_causes;
        report.base = base;
        report
    }

    /// One-line summary: verdict and counts (`FAIL: 2 regressions, 1 warning, …`).
    #[must_use]
    pub fn summary_line(&self) -> String {
        let c = &self.counts;
        let mut parts = vec![plural(c.regressions, "regression", "regressions")];
        for (n, one, many) in [
            (c.warnings, "warning", "warnings"),
            (c.improvements, "improvement", "improvements"),
            (c.new, "new", "new"),
            (c.missing, "missing", "missing"),
            (c.incomparable, "incomparable", "incomparable"),
            (c.acknowledged, "acknowledged", "acknowledged"),
        ] {
            if n > 0 {
                parts.push(plural(n, one, many));
            }
        }
        parts.push(format!("{} pass", c.pass));
        if let Some(n) = &self.numpy {
            parts.push(match n.state {
                GateState::Skipped => "NumPy gate skipped".to_string(),
                s => format!(
                    "NumPy {}/{} cells within {}x ({})",
                    n.cells_ok,
                    n.cells_total,
                    n.max_ratio,
                    if s == GateState::Pass {
                        "pass"
                    } else if n.gate {
                        "fail"
                    } else {
                        "warning"
                    }
                ),
            });
        }
        let verdict = match self.verdict {
            Verdict::Pass => "PASS",
            Verdict::Fail => "FAIL",
        };
        format!("{verdict}: {}", parts.join(", "))
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Formats a metric value for people: counts as integers with thousands separators, times with a unit.
#[must_use]
pub fn fmt_value(metric: &Metric, value: Option<f64>) -> String {
    let Some(v) = value else { return "—".into() };
    if metric.is_time() {
        fmt_ns(v)
    } else {
        let s = format!("{:.0}", v.round());
        let (sign, digits) = s.strip_prefix('-').map_or(("", s.as_str()), |d| ("-", d));
        let mut out = String::new();
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(ch);
        }
        format!("{sign}{out}")
    }
}

/// Formats nanoseconds with a readable unit.
#[must_use]
pub fn fmt_ns(v: f64) -> String {
    if v >= 1e9 {
        format!("{:.3} s", v / 1e9)
    } else if v >= 1e6 {
        format!("{:.3} ms", v / 1e6)
    } else if v >= 1e3 {
        format!("{:.3} µs", v / 1e3)
    } else {
        format!("{v:.2} ns")
    }
}

/// Formats a change in percent with its sign.
#[must_use]
pub fn fmt_pct(v: Option<f64>) -> String {
    v.map_or_else(|| "—".into(), |v| format!("{v:+.2}%"))
}

/// An entry's change, with the paired interval when there is one: `+3.10% [+1.20, +5.00]`.
#[must_use]
pub fn fmt_change(e: &Entry) -> String {
    match e.interval_pct {
        Some([lo, hi]) => format!("{} [{lo:+.2}, {hi:+.2}]", fmt_pct(e.change_pct)),
        None => fmt_pct(e.change_pct),
    }
}

#[cfg(test)]
pub(crate) mod sample;
