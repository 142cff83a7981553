//! The verdict model that compare produces and report renders: one benchmark's [`Entry`] with its [`Status`],
//! and the NumPy gate's cells. It lives here, below report, so that every dependency points one way (suites →
//! compare → report); `crate::report` re-exports it, and the JSON report serializes it unchanged.

use serde::{Deserialize, Serialize};

use crate::suite::{Metric, Suite};

/// What happened to one benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Within the threshold (or not statistically clear).
    Pass,
    /// Slower than the threshold allows (and statistically clear for wall-clock).
    Regression,
    /// Faster by more than the threshold.
    Improvement,
    /// No baseline value.
    New,
    /// A baseline value but no current result.
    Missing,
    /// The baseline was measured in a different environment.
    Incomparable,
    /// A regression covered by an unexpired acknowledgement.
    Acknowledged,
}

impl Status {
    /// The name used in reports.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Regression => "regression",
            Self::Improvement => "improvement",
            Self::New => "new",
            Self::Missing => "missing",
            Self::Incomparable => "incomparable",
            Self::Acknowledged => "acknowledged",
        }
    }
}

/// A secondary metric shown next to the gated one (e.g. `EstimatedCycles` for instructions).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OtherMetric {
    /// Metric name.
    pub name: Metric,
    /// Baseline value.
    pub baseline: Option<f64>,
    /// Current value.
    pub current: Option<f64>,
    /// Change in percent.
    pub change_pct: Option<f64>,
}

/// One benchmark's verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Benchmark id as the tool names it.
    pub id: String,
    /// Suite the benchmark belongs to.
    pub suite: Suite,
    /// Gated metric (`Ir` or `median_ns`).
    pub metric: Metric,
    /// Verdict.
    pub status: Status,
    /// Whether a regression here fails the check (`false`: a warning).
    pub gate: bool,
    /// Baseline value of `metric`.
    pub baseline: Option<f64>,
    /// Current value of `metric`.
    pub current: Option<f64>,
    /// `(current / baseline − 1) × 100`.
    pub change_pct: Option<f64>,
    /// Largest allowed regression in percent that applied.
    pub threshold: Option<f64>,
    /// One-sided p-value of the wall-clock test (towards the observed direction), with stored baselines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p_value: Option<f64>,
    /// Paired wall-clock comparison: the interval of `change_pct` (`[low, high]`, percent) at the configured
    /// confidence; the verdict is a regression only when `low` exceeds the threshold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval_pct: Option<[f64; 2]>,
    /// Paired wall-clock comparison: the rounds the interval rests on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rounds: Option<u32>,
    /// Why the status is what it is, when that is not obvious.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Secondary metrics.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_metrics: Vec<OtherMetric>,
}

impl Entry {
    /// A regression that fails the check.
    #[must_use]
    pub fn is_failure(&self) -> bool {
        self.status == Status::Regression && self.gate
    }

    /// Sort key: failing regressions, warnings, then the rest by how much attention they need.
    pub(crate) fn rank(&self) -> u8 {
        match self.status {
            Status::Regression if self.gate => 0,
            Status::Regression => 1,
            Status::Missing => 2,
            Status::Incomparable => 3,
            Status::Acknowledged => 4,
            Status::New => 5,
            Status::Improvement => 6,
            Status::Pass => 7,
        }
    }
}

/// State of the NumPy gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GateState {
    /// Enough cells within the ratio.
    Pass,
    /// Too few cells within the ratio.
    Fail,
    /// Not evaluated; `message` says why and how to enable it.
    Skipped,
}

/// One op × size cell of the NumPy comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NumpyCell {
    /// Op.
    pub op: String,
    /// Elements.
    pub size: u64,
    /// Fastest lanes backend for this cell.
    pub backend: String,
    /// Its Criterion median, ns.
    pub lanes_ns: f64,
    /// NumPy's time (the configured statistic), ns.
    pub numpy_ns: f64,
    /// `lanes_ns / numpy_ns`.
    pub ratio: f64,
    /// `ratio <= max_ratio`.
    pub ok: bool,
    /// PyTorch's time, when measured (shown, not gated).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub torch_ns: Option<f64>,
}

/// The NumPy gate's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NumpyGate {
    /// Pass, fail or skipped.
    pub state: GateState,
    /// Whether failing fails the check.
    pub gate: bool,
    /// Largest allowed ratio per cell.
    pub max_ratio: f64,
    /// Required fraction of cells within `max_ratio`.
    pub min_fraction: f64,
    /// Cells within `max_ratio`.
    pub cells_ok: usize,
    /// Cells compared.
    pub cells_total: usize,
    /// Which NumPy statistic was compared (`median` or `min`).
    pub statistic: String,
    /// Why it was skipped, or other remarks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// All compared cells, op then size.
    pub cells: Vec<NumpyCell>,
}
