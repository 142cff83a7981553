//! The paired wall-clock verdict: base and head measured alternately on this machine, in this run (see
//! [`crate::rounds`] for how they are run).
//!
//! In each round (one buffer layout, both sides alike) the two sides take turns in batches of about a
//! millisecond, strictly alternating (A B A B … A; the base starts in even rounds, the head in odd ones), so
//! every batch follows one of the other side: what a batch finds in the caches is the same for both sides.
//! Each batch of the side in the middle is compared with the geometric mean of its two neighbours, which
//! cancels a drift over time. The round's evidence `d` is the median of these log ratios: a batch hit by a
//! burst of noise moves one ratio, not the median. Over `n` rounds the
//! change is `exp(mean d)` with a Student-t interval on `mean d` (`n − 1` degrees of freedom) at the configured
//! two-sided confidence. Rounds, not pairs, are the unit: the pairs of one round share a layout and a stretch
//! of time, so counting them as independent would make the interval too narrow.
//!
//! A regression needs the interval's *lower* bound above the threshold; an improvement its upper bound below
//! minus the threshold. So an A/A comparison (identical code) fails only when the whole interval has moved
//! beyond the threshold; `guard calibrate` measures how often that happens (docs/SIGNAL.md).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, StudentsT};

use super::{entry, judge};
use crate::compare::verdict::{Entry, Status};
use crate::date::Date;
use crate::suite::{Metric, Suite};
use crate::thresholds::Thresholds;

/// The metric a paired entry reports: the median per-iteration time, in ns of the clock the rounds used.
pub const METRIC: Metric = Metric::MedianNs;

/// One round of one benchmark: the batches of each side in the order they ran, ns per iteration. The sides
/// alternate strictly, and the side that started also ends the round, so it has one batch more:
/// `A₀ B₀ A₁ B₁ … Bₙ₋₁ Aₙ`. Batch `Bᵢ` is paired with its two neighbours `Aᵢ` and `Aᵢ₊₁` (equal counts:
/// with `Aᵢ` alone).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Round {
    /// The base's batches.
    pub base_ns: Vec<f64>,
    /// The head's batches.
    pub head_ns: Vec<f64>,
}

impl Round {
    /// The median over the round's pairs of `ln(head / base)`, where the side with one batch more contributes
    /// the geometric mean of the two batches around the other's (a drift over time then cancels); `None` without
    /// a pair or with a non-positive or non-finite value.
    #[must_use]
    pub fn log_ratio(&self) -> Option<f64> {
        let ok = |v: &f64| v.is_finite() && *v > 0.0;
        if !self.base_ns.iter().chain(&self.head_ns).all(ok) {
            return None;
        }
        let ln = |v: &[f64]| v.iter().map(|x| x.ln()).collect::<Vec<f64>>();
        let (b, h) = (ln(&self.base_ns), ln(&self.head_ns));
        let around = |outer: &[f64], i: usize| f64::midpoint(outer[i], outer[i + 1]);
        let d: Vec<f64> = match (b.len(), h.len()) {
            (0, _) | (_, 0) => return None,
            (nb, nh) if nb == nh + 1 => (0..nh).map(|i| h[i] - around(&b, i)).collect(),
            (nb, nh) if nh == nb + 1 => (0..nb).map(|i| around(&h, i) - b[i]).collect(),
            (nb, nh) if nb == nh => (0..nb).map(|i| h[i] - b[i]).collect(),
            _ => return None,
        };
        Some(crate::stats::median(&d))
    }
}

/// All rounds of one benchmark.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairedSamples {
    /// Benchmark id (`<group>/<function>/<value>`).
    pub id: String,
    /// The rounds in the order they ran, timed with the thread's CPU time (the verdict's clock).
    pub rounds: Vec<Round>,
    /// The same batches timed with the elapsed (wall-clock) time, shown beside the verdict.
    #[serde(default)]
    pub wall: Vec<Round>,
    /// The median elapsed time per iteration of the head running alone after the rounds (compared with NumPy).
    #[serde(default)]
    pub head_wall_ns: Option<f64>,
    /// Iterations per batch.
    #[serde(default)]
    pub iters: Option<u64>,
}

impl PairedSamples {
    /// The median of one side's estimates over every round (what the report shows as base and head).
    #[must_use]
    pub fn median(&self, head: bool) -> Option<f64> {
        let values: Vec<f64> = self
            .rounds
            .iter()
            .flat_map(|r| if head { &r.head_ns } else { &r.base_ns })
            .copied()
            .collect();
        (!values.is_empty()).then(|| crate::stats::median(&values))
    }
}

/// The change head/base of one benchmark with its interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// `exp(mean d)`: head's time as a multiple of the base's.
    pub ratio: f64,
    /// Lower bound of the interval, as a ratio.
    pub lo: f64,
    /// Upper bound of the interval, as a ratio.
    pub hi: f64,
    /// Rounds that had both sides.
    pub rounds: usize,
}

impl Estimate {
    /// The ratio and its bounds as percent changes: `(ratio − 1) × 100`.
    #[must_use]
    pub fn pct(&self) -> (f64, f64, f64) {
        let p = |r: f64| (r - 1.0) * 100.0;
        (p(self.ratio), p(self.lo), p(self.hi))
    }
}

/// The paired estimate of `rounds` at two-sided `confidence` (e.g. 0.90: each bound is one-sided 95 %).
/// `None` with fewer than two usable rounds (no interval can be formed).
#[must_use]
pub fn estimate(rounds: &[Round], confidence: f64) -> Option<Estimate> {
    let d: Vec<f64> = rounds.iter().filter_map(Round::log_ratio).collect();
    let n = d.len();
    if n < 2 {
        return None;
    }
    let nf = n as f64;
    let mean = d.iter().sum::<f64>() / nf;
    let var = d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (nf - 1.0);
    let se = (var / nf).sqrt();
    let t = StudentsT::new(0.0, 1.0, nf - 1.0)
        .ok()?
        .inverse_cdf(1.0 - (1.0 - confidence) / 2.0);
    Some(Estimate {
        ratio: mean.exp(),
        lo: (mean - t * se).exp(),
        hi: (mean + t * se).exp(),
        rounds: n,
    })
}

/// Entries of a paired run: a verdict per benchmark measured on both sides; `new` for benchmarks only the
/// head has (`head_only`, with the head's value when known), `missing` for those only the base has.
#[must_use]
pub fn entries(
    samples: &[PairedSamples],
    (base_only, head_only): (&BTreeSet<String>, &BTreeMap<String, Option<f64>>),
    thresholds: &Thresholds,
    today: Date,
) -> Vec<Entry> {
    let suite = Suite::Wall;
    let confidence = thresholds.noise.confidence;
    let mut out = Vec::with_capacity(samples.len() + base_only.len());
    // An entry under the benchmark's rule (a missing one never gates), in this module's metric.
    let new = |id: &str, status: Status| {
        let rule = thresholds.rule(suite, id);
        let gate = rule.gate && status != Status::Missing;
        let mut e = entry(suite, id, status, gate, Some(rule.max_regression_pct));
        e.metric = METRIC;
        (e, rule)
    };
    for s in samples {
        let (mut e, rule) = new(&s.id, Status::New);
        e.baseline = s.median(false);
        e.current = s.median(true);
        if e.baseline.is_none() {
            out.push(e);
            continue;
        }
        let Some(est) = estimate(&s.rounds, confidence) else {
            e.status = Status::Pass;
            e.note = Some("fewer than two rounds with both sides: no interval, not judged".into());
            out.push(e);
            continue;
        };
        let (change, lo, hi) = est.pct();
        let t = rule.max_regression_pct;
        let (status, note) = judge(
            (thresholds, suite, today),
            &s.id,
            rule,
            Some(change),
            (lo > t, hi < -t),
        );
        e.status = status;
        e.change_pct = Some(change);
        e.interval_pct = Some([lo, hi]);
        e.rounds = Some(est.rounds as u32);
        e.note = note.or_else(|| {
            (status == Status::Pass && change.abs() > t).then(|| {
                format!(
                    "within noise: the {:.0} % interval {lo:+.2} % … {hi:+.2} % reaches ±{t} %",
                    confidence * 100.0
                )
            })
        });
        out.push(e);
    }
    for (id, current) in head_only {
        let (mut e, _) = new(id, Status::New);
        e.current = *current;
        e.note = Some("measured on the head only".into());
        out.push(e);
    }
    for id in base_only {
        let (mut e, _) = new(id, Status::Missing);
        e.note = Some("measured on the base but not on the head".into());
        out.push(e);
    }
    out
}

#[cfg(test)]
mod tests;
