//! Pure comparison: (baseline values, current results, thresholds, today) → report entries. No files,
//! processes or network here, so every rule is unit-testable.

pub mod numpy;
pub mod paired;
pub mod verdict;

use std::collections::{BTreeMap, BTreeSet};

use crate::baseline::{IrStats, WallStats};
use crate::date::Date;
use crate::stats::{self, change_pct};
use crate::suite::{IrResult, Metric, Suite, WallResult};
use crate::thresholds::{Rule, Thresholds};
use verdict::{Entry, OtherMetric, Status};

/// The instruction suite's gated metric, the key of its values in results and baselines.
const IR: &str = Metric::Ir.name();

/// Verdict for a change, given the rule, whether the change is statistically clear in each direction, and
/// an acknowledgement. Returns status and note.
fn judge(
    ctx: (&Thresholds, Suite, Date),
    id: &str,
    rule: Rule,
    change: Option<f64>,
    clear: (bool, bool),
) -> (Status, Option<String>) {
    let (thresholds, suite, today) = ctx;
    let (clear_up, clear_down) = clear;
    let Some(change) = change else {
        return (Status::Regression, Some("baseline is 0".into()));
    };
    if change > rule.max_regression_pct && clear_up {
        if let Some(ack) = thresholds.ack(suite, id) {
            if today > ack.expires {
                return (
                    Status::Regression,
                    Some(format!(
                        "acknowledgement expired on {} ({})",
                        ack.expires, ack.reason
                    )),
                );
            }
            if change <= ack.max_change_pct {
                return (
                    Status::Acknowledged,
                    Some(format!(
                        "acknowledged up to +{}% until {}: {}",
                        ack.max_change_pct, ack.expires, ack.reason
                    )),
                );
            }
            return (
                Status::Regression,
                Some(format!(
                    "exceeds the acknowledged +{}% ({})",
                    ack.max_change_pct, ack.reason
                )),
            );
        }
        return (Status::Regression, None);
    }
    if change < -rule.max_regression_pct && clear_down {
        return (Status::Improvement, None);
    }
    (Status::Pass, None)
}

fn entry(suite: Suite, id: &str, status: Status, gate: bool, threshold: Option<f64>) -> Entry {
    Entry {
        id: id.to_string(),
        suite,
        metric: suite.metric(),
        status,
        gate,
        baseline: None,
        current: None,
        change_pct: None,
        threshold,
        p_value: None,
        interval_pct: None,
        rounds: None,
        note: None,
        other_metrics: Vec::new(),
    }
}

/// The entry of one current result, the skeleton both suites share: `New` when the benchmark is not in the
/// baseline (`in_baseline` false), otherwise `Incomparable` when the environments differ, else the verdict of [`judge`]
/// for the change of the gated metric from `base` to `current`. The suites add their own details.
fn verdict_entry(
    ctx: (&Thresholds, Suite, Date),
    id: &str,
    (in_baseline, base): (bool, Option<f64>),
    current: Option<f64>,
    comparable: bool,
    clear: (bool, bool),
) -> Entry {
    let (thresholds, suite, _) = ctx;
    let rule = thresholds.rule(suite, id);
    let mut e = entry(
        suite,
        id,
        Status::New,
        rule.gate,
        Some(rule.max_regression_pct),
    );
    e.current = current;
    if !in_baseline {
        return e;
    }
    let change = match (base, current) {
        (Some(b), Some(c)) => change_pct(b, c),
        _ => None,
    };
    let (status, note) = if comparable {
        judge(ctx, id, rule, change, clear)
    } else {
        (Status::Incomparable, None)
    };
    e.status = status;
    e.baseline = base;
    e.change_pct = change;
    e.note = note;
    e
}

/// Compares instruction counts (gate on `Ir`; other events are attached as secondary metrics).
/// With `comparable == false` every benchmark present on both sides is `incomparable`.
#[must_use]
pub fn instructions(
    baseline: &BTreeMap<String, IrStats>,
    current: &[IrResult],
    thresholds: &Thresholds,
    today: Date,
    comparable: bool,
) -> Vec<Entry> {
    let suite = Suite::Instructions;
    let mut out = Vec::with_capacity(current.len());
    let mut seen = BTreeSet::new();
    for cur in current {
        seen.insert(cur.id.as_str());
        let base = baseline.get(&cur.id);
        // Instruction counts are deterministic: every change is "statistically clear".
        let mut e = verdict_entry(
            (thresholds, suite, today),
            &cur.id,
            (base.is_some(), base.and_then(|b| b.get(IR).copied())),
            cur.metrics.get(IR).copied(),
            comparable,
            (true, true),
        );
        if let Some(base) = base {
            e.other_metrics = cur
                .metrics
                .iter()
                .filter(|(k, _)| k.as_str() != IR)
                .map(|(k, &c)| {
                    let b = base.get(k).copied();
                    OtherMetric {
                        name: k.as_str().into(),
                        baseline: b,
                        current: Some(c),
                        change_pct: b.and_then(|b| change_pct(b, c)),
                    }
                })
                .collect();
        }
        out.push(e);
    }
    missing(
        suite,
        baseline.iter().map(|(k, v)| (k, v.get(IR).copied())),
        &seen,
        thresholds,
        &mut out,
    );
    out
}

/// Compares wall-clock medians; a change counts only when the one-sided Mann–Whitney U test on the
/// per-iteration samples is significant at `wall_clock.alpha` (see [`crate::stats`]).
#[must_use]
pub fn wall(
    baseline: &BTreeMap<String, WallStats>,
    current: &[WallResult],
    thresholds: &Thresholds,
    today: Date,
    comparable: bool,
) -> Vec<Entry> {
    let suite = Suite::Wall;
    let noise = thresholds.noise;
    let mut out = Vec::with_capacity(current.len());
    let mut seen = BTreeSet::new();
    for cur in current {
        seen.insert(cur.id.as_str());
        let base = baseline.get(&cur.id);
        // (enough samples, p slower, p faster), only with a baseline.
        let test = base.map(|base| {
            let enough = base.samples_ns.len() >= noise.min_samples as usize
                && cur.samples_ns.len() >= noise.min_samples as usize;
            let p_up = stats::mann_whitney_greater(&base.samples_ns, &cur.samples_ns);
            let p_down = stats::mann_whitney_greater(&cur.samples_ns, &base.samples_ns);
            (enough, p_up, p_down)
        });
        let clear = test.map_or((false, false), |(enough, p_up, p_down)| {
            (enough && p_up < noise.alpha, enough && p_down < noise.alpha)
        });
        let mut e = verdict_entry(
            (thresholds, suite, today),
            &cur.id,
            (base.is_some(), base.map(|b| b.median_ns)),
            Some(cur.median_ns),
            comparable,
            clear,
        );
        if let Some((enough, p_up, p_down)) = test {
            let beyond = e
                .change_pct
                .is_some_and(|c| c.abs() > e.threshold.unwrap_or(0.0));
            if e.status == Status::Pass && beyond {
                e.note = Some(if enough {
                    format!("within noise (p = {:.2})", p_up.min(p_down))
                } else {
                    format!(
                        "too few samples to tell (need {} per side)",
                        noise.min_samples
                    )
                });
            }
            e.p_value = Some(if e.change_pct.unwrap_or(0.0) >= 0.0 {
                p_up
            } else {
                p_down
            });
        }
        out.push(e);
    }
    missing(
        suite,
        baseline.iter().map(|(k, v)| (k, Some(v.median_ns))),
        &seen,
        thresholds,
        &mut out,
    );
    out
}

fn missing<'a>(
    suite: Suite,
    baseline: impl Iterator<Item = (&'a String, Option<f64>)>,
    seen: &BTreeSet<&str>,
    thresholds: &Thresholds,
    out: &mut Vec<Entry>,
) {
    for (id, value) in baseline {
        if !seen.contains(id.as_str()) {
            let rule = thresholds.rule(suite, id);
            let mut e = entry(
                suite,
                id,
                Status::Missing,
                false,
                Some(rule.max_regression_pct),
            );
            e.baseline = value;
            e.note = Some("in the baseline but not in the results".into());
            out.push(e);
        }
    }
}

#[cfg(test)]
mod tests;
