//! Mermaid charts for the markdown report, rendered inline by GitHub in PR comments and job summaries:
//! `xychart-beta` bar charts of lanes / NumPy time per op (one chart per size, with a line at 1.0 = parity)
//! and of the `Ir` change of the regressed instruction-count benchmarks.
//!
//! `xychart-beta` is the spelling every Mermaid since 10.5 accepts (newer ones also take `xychart`). Inside
//! a fenced code block markdown escapes are not interpreted, so labels (which come from benchmark ids and
//! numpy.json) are reduced to an allowlist instead (letters, digits, `/ _ . + -`; anything else becomes
//! `?`, at most 40 characters): they cannot close the string, the list or the fence, nor carry HTML.
//!
//! How they look on GitHub (checked with `scripts/render-report.sh` on Mermaid 10.9 and 11, GitHub's themes
//! `default` and `dark`):
//! - Each chart starts with a frontmatter `config` (Mermaid >= 10.5, like `xychart-beta` itself) that sets
//!   the colours: the theme's own xychart palette starts with `#ECECFF`, bars that vanish on white.
//!   [`PALETTE`] is visible on GitHub's light background and on Mermaid's dark one.
//! - Bars are horizontal (`xychart-beta horizontal`), with the value written after each label: upright
//!   labels of any length stay readable, where vertical bars squeeze them side by side (the last one was cut
//!   off, and two dozen ops overlapped). Mermaid 11's `showDataLabel` is not used: it sizes every value to
//!   fit inside the shortest bar (4 px text next to a long bar) and Mermaid 10.9 ignores it.
//! - The value axis ends a little past the largest value (not on a round number), so its last tick label
//!   is not cut at the chart's edge.

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

/// Bar and line colours (`themeVariables.xyChart.plotColorPalette`): GitHub's blue and red, readable on
/// white and on the dark theme's grey.
pub const PALETTE: &str = "#2f81f7, #e5534b";

/// Chart width in pixels (GitHub's content width is 832).
const WIDTH: usize = 800;

fn num(v: f64) -> String {
    if v.is_finite() {
        format!("{v:.2}")
    } else {
        "0".into()
    }
}

/// The config every chart starts with, as Mermaid frontmatter: size (taller with more bars) and colours.
fn frontmatter(bars: usize) -> String {
    format!(
        "---\nconfig:\n  xyChart:\n    width: {WIDTH}\n    height: {}\n  themeVariables:\n    xyChart:\n      plotColorPalette: \"{PALETTE}\"\n---\n",
        150 + 30 * bars.max(2)
    )
}

/// One horizontal bar chart: `bars` are `(label, value)`, each label followed by its value as `shown`
/// formats it; `line` draws a reference line (e.g. 1.0 = parity).
fn chart(
    title: &str,
    bars: &[(String, f64)],
    shown: impl Fn(f64) -> String,
    axis: &str,
    line: Option<f64>,
) -> String {
    let values = || bars.iter().map(|(_, v)| *v).filter(|v| v.is_finite());
    let lo = values().fold(0.0_f64, f64::min).min(line.unwrap_or(0.0));
    let hi = values().fold(0.0_f64, f64::max).max(line.unwrap_or(0.0));
    let mut s = format!(
        "```mermaid\n{}xychart-beta horizontal\n",
        frontmatter(bars.len())
    );
    let _ = writeln!(s, "    title \"{}\"", label_text(title));
    let quoted: Vec<String> = bars
        .iter()
        .map(|(l, v)| format!("\"{l} {}\"", label_text(&shown(*v))))
        .collect();
    let _ = writeln!(s, "    x-axis [{}]", quoted.join(", "));
    let _ = writeln!(
        s,
        "    y-axis \"{}\" {} --> {}",
        label_text(axis),
        num(lo.floor()),
        num((hi * 1.15).max(hi + 0.1))
    );
    let values: Vec<String> = bars.iter().map(|(_, v)| num(*v)).collect();
    let _ = writeln!(s, "    bar [{}]", values.join(", "));
    // A line through a single category is a point, which Mermaid does not draw.
    if let Some(l) = line.filter(|_| bars.len() > 1) {
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

/// One chart per size: lanes / NumPy time per op (bars, the [`MAX_BARS`] slowest, slowest first) and parity
/// (line at 1.0). Empty when the gate was skipped or has no cells.
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
        let mut bars: Vec<(String, f64)> = cells.iter().map(|(op, r)| (label(op), *r)).collect();
        bars.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        bars.truncate(MAX_BARS);
        let parity = if bars.len() > 1 { "line at 1" } else { "1" };
        out.push_str(&chart(
            &format!("lanes / NumPy time at n = {size} (lower is better; {parity} = parity)"),
            &bars,
            |v| format!("{v:.2}"),
            "lanes time / NumPy time",
            Some(1.0),
        ));
    }
    out
}

/// The `Ir` change in percent of each instruction-count regression (the largest [`MAX_BARS`], largest
/// first). Empty when there is none.
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
    let bars: Vec<(String, f64)> = regressed.iter().map(|(id, c)| (label(id), *c)).collect();
    chart(
        "Ir change of the regressed benchmarks",
        &bars,
        |v| format!("{v:+.2}%"),
        "Ir change %",
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
    fn every_chart_sets_its_colours_and_lies_horizontal() {
        let r = sample::report();
        let charts = format!("{}{}", ratios(r.numpy.as_ref().unwrap()), regressions(&r));
        let blocks: Vec<&str> = charts.split("```mermaid\n").skip(1).collect();
        assert_eq!(blocks.len(), 3, "{charts}");
        for b in blocks {
            // Frontmatter must open the diagram text, or Mermaid ignores it.
            assert!(b.starts_with("---\nconfig:\n"), "{b}");
            assert!(
                b.contains(&format!(
                    "      plotColorPalette: \"{PALETTE}\"\n---\nxychart-beta horizontal\n"
                )),
                "{b}"
            );
            assert!(!b.to_ascii_uppercase().contains("#ECECFF"), "{b}");
        }
    }

    #[test]
    fn values_are_in_the_labels_and_the_axis_ends_past_them() {
        let r = sample::report();
        let c = regressions(&r);
        assert!(
            c.contains(r#"x-axis ["exp/avx2/1000 +5.00%", "tanh/sse2/100 +3.00%"]"#),
            "{c}"
        );
        // 5 % is the largest value: the axis ends past it, not on it (a tick label there would be cut).
        assert!(c.contains(r#"y-axis "Ir change %" 0.00 --> 5.75"#), "{c}");
        let n = ratios(r.numpy.as_ref().unwrap());
        // Slowest op first.
        assert!(n.contains(r#"x-axis ["exp 1.45", "add 1.02"]"#), "{n}");
    }

    #[test]
    fn nothing_to_draw_draws_nothing() {
        let mut r = sample::report();
        r.entries.retain(|e| e.status != Status::Regression);
        assert_eq!(regressions(&r), "");
    }
}
