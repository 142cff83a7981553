//! Mermaid charts for the markdown report, rendered inline by GitHub in PR comments and job summaries:
//! `xychart-beta` bar charts of lanes / NumPy time per op (one chart per size, with a line at 1.0 = parity)
//! and of the `Ir` change of the regressed instruction-count benchmarks.
//!
//! `xychart-beta` is the spelling every Mermaid since 10.5 accepts (newer ones also take `xychart`). Inside
//! a fenced code block markdown escapes are not interpreted, so labels (which come from benchmark ids and
//! numpy.json) are reduced to an allowlist instead (letters, digits, `/ _ . + -`; anything else becomes
//! `?`, at most 40 characters): they cannot close the string, the list or the fence, nor carry HTML.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::{NumpyGate, Report, Status};
use crate::suite::Suite;

/// At most this many bars per chart (the largest changes are kept).
pub const MAX_BARS: usize = 30;

/// A label that is safe inside a Mermaid string in a code fence.
#[must_use]
pub fn label(text: &str) -> String {
    let mut out: String = text
        .chars()
        .take(40)
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '.' | '+' | '-') {
                c
            } else {
                '?'
            }
        })
        .collect();
    if text.chars().nth(40).is_some() {
        out.push_str("...");
    }
    out
}

fn num(v: f64) -> String {
    if v.is_finite() {
        format!("{v:.2}")
    } else {
        "0".into()
    }
}

fn chart(title: &str, labels: &[String], y_title: &str, bars: &[f64], line: Option<f64>) -> String {
    let lo = bars
        .iter()
        .copied()
        .fold(0.0_f64, f64::min)
        .min(line.unwrap_or(0.0));
    let hi = bars
        .iter()
        .copied()
        .fold(0.0_f64, f64::max)
        .max(line.unwrap_or(0.0));
    let mut s = String::from("```mermaid\nxychart-beta\n");
    let _ = writeln!(s, "    title \"{}\"", label_text(title));
    let quoted: Vec<String> = labels.iter().map(|l| format!("\"{l}\"")).collect();
    let _ = writeln!(s, "    x-axis [{}]", quoted.join(", "));
    let _ = writeln!(
        s,
        "    y-axis \"{}\" {} --> {}",
        label_text(y_title),
        num(lo.floor()),
        num((hi * 1.1).max(hi + 0.1).ceil())
    );
    let values: Vec<String> = bars.iter().map(|v| num(*v)).collect();
    let _ = writeln!(s, "    bar [{}]", values.join(", "));
    if let Some(l) = line {
        let _ = writeln!(s, "    line [{}]", vec![num(l); bars.len()].join(", "));
    }
    s.push_str("```\n\n");
    s
}

/// Titles are written by guard itself, but go through the same filter (spaces allowed).
fn label_text(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || " /_.+-%()×=,;".contains(c) {
                c
            } else {
                '?'
            }
        })
        .collect()
}

/// One chart per size: lanes / NumPy time per op (bars) and parity (line at 1.0). Empty when the gate
/// was skipped or has no cells.
#[must_use]
pub fn ratios(n: &NumpyGate) -> String {
    let sizes: BTreeSet<u64> = n.cells.iter().map(|c| c.size).collect();
    let mut out = String::new();
    for size in sizes {
        let cells: BTreeMap<&str, f64> = n
            .cells
            .iter()
            .filter(|c| c.size == size)
            .map(|c| (c.op.as_str(), c.ratio))
            .collect();
        let labels: Vec<String> = cells.keys().take(MAX_BARS).map(|op| label(op)).collect();
        let bars: Vec<f64> = cells.values().take(MAX_BARS).copied().collect();
        out.push_str(&chart(
            &format!("lanes / NumPy time at n = {size} (lower is better, line = parity)"),
            &labels,
            "ratio",
            &bars,
            Some(1.0),
        ));
    }
    out
}

/// The `Ir` change in percent of each instruction-count regression (the largest [`MAX_BARS`]). Empty
/// when there is none.
#[must_use]
pub fn regressions(report: &Report) -> String {
    let mut regressed: Vec<(&str, f64)> = report
        .entries
        .iter()
        .filter(|e| e.suite == Suite::Instructions && e.status == Status::Regression)
        .filter_map(|e| e.change_pct.map(|c| (e.id.as_str(), c)))
        .collect();
    if regressed.is_empty() {
        return String::new();
    }
    regressed.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    regressed.truncate(MAX_BARS);
    let labels: Vec<String> = regressed.iter().map(|(id, _)| label(id)).collect();
    let bars: Vec<f64> = regressed.iter().map(|(_, c)| *c).collect();
    chart(
        "Ir change of regressed benchmarks (%)",
        &labels,
        "Ir change %",
        &bars,
        None,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sample;

    #[test]
    fn snapshots() {
        let r = sample::report();
        insta::assert_snapshot!("mermaid_ratios", ratios(r.numpy.as_ref().unwrap()));
        insta::assert_snapshot!("mermaid_regressions", regressions(&r));
    }

    #[test]
    fn hostile_labels_stay_inside_the_chart() {
        let l = label("a\"]\n```\n<img src=x>@everyone, `x`");
        for bad in ['"', ']', '\n', '`', '<', '>', '@', ','] {
            assert!(!l.contains(bad), "{bad:?} in {l:?}");
        }
        assert_eq!(label(&"x".repeat(50)).len(), 43);
    }

    #[test]
    fn nothing_to_draw_draws_nothing() {
        let mut r = sample::report();
        r.entries.retain(|e| e.status != Status::Regression);
        assert_eq!(regressions(&r), "");
    }
}
