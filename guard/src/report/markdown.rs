//! The markdown report for PR comments and job summaries: the verdict with counts on the first line, then
//! regressions, the NumPy ratio table, and everything else in a collapsed `<details>`. Always shorter than
//! [`MAX_CHARS`]: rows are dropped (with a note) from the end of the details, then of the regressions, but
//! the verdict line is never cut. Benchmark ids come from untrusted code and are escaped (see [`super::escape`]).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::escape::{code_span_text, escape, escape_note};
use super::{fmt_pct, fmt_value, Entry, GateState, NumpyGate, Report, Status, SuiteState, Verdict};

/// GitHub's limit for a comment body (in characters; bytes are counted here, which is stricter).
pub const MAX_CHARS: usize = 65_536;

/// Room kept free under the limit for a caller's header or footer (marker, run link).
const RESERVE: usize = 1_024;

fn icon(e: &Entry) -> &'static str {
    match e.status {
        Status::Regression if e.gate => "❌",
        Status::Regression | Status::Missing | Status::Incomparable => "⚠️",
        Status::Improvement => "🚀",
        Status::New => "🆕",
        Status::Acknowledged => "☑️",
        Status::Pass => "✅",
    }
}

/// The benchmark tables: six columns, so that they fit GitHub's 832 px without scrolling (with eight, a note
/// or `acknowledged` pushed the table to ~890 px): baseline and current share a cell, and so do the change
/// and its limit.
const HEADER: &str =
    "| | benchmark | suite | baseline → current | change (limit) | note |\n|---|---|---|--:|--:|---|\n";

/// Keeps a number and its unit (`20.000 µs`) or a percentage and its limit on one line.
fn nowrap(text: &str) -> String {
    text.replace(' ', "\u{a0}")
}

/// `+5.00% (±1%)`, with a paired run's interval on a second line: `+14.80% (±3%)<br>[+11.20, +18.50]`.
fn change_cell(e: &Entry) -> String {
    let mut cell = nowrap(&fmt_pct(e.change_pct));
    if let Some(t) = e.threshold {
        let _ = write!(cell, "\u{a0}(±{t}%)");
    }
    if let Some([lo, hi]) = e.interval_pct {
        let _ = write!(cell, "<br>[{lo:+.2},\u{a0}{hi:+.2}]");
    }
    cell
}

fn row(e: &Entry) -> String {
    let label = if e.status == Status::Regression && !e.gate {
        "warning"
    } else {
        e.status.name()
    };
    format!(
        "| {} {label} | {} | {} | {} → {} | {} | {} |\n",
        icon(e),
        escape(&e.id),
        e.suite,
        nowrap(&fmt_value(&e.metric, e.baseline)),
        nowrap(&fmt_value(&e.metric, e.current)),
        change_cell(e),
        escape_note(e.note.as_deref().unwrap_or("")),
    )
}

fn numpy_section(n: &NumpyGate) -> String {
    let mut s = String::from("### lanes vs NumPy\n\n");
    if n.state == GateState::Skipped {
        let _ = writeln!(
            s,
            "Skipped: {}\n",
            escape_note(n.message.as_deref().unwrap_or(""))
        );
        return s;
    }
    let word = match (n.state, n.gate) {
        (GateState::Pass, _) => "✅ pass",
        (_, true) => "❌ fail",
        (_, false) => "⚠️ warning",
    };
    let _ = writeln!(
        s,
        "{word}: {}/{} op × size cells within {}× of NumPy (lanes median vs NumPy {}; required {:.0} %). \
         Cells show lanes / NumPy time for the fastest lanes backend; lower is better.\n",
        n.cells_ok,
        n.cells_total,
        n.max_ratio,
        escape(&n.statistic),
        n.min_fraction * 100.0
    );
    let sizes: BTreeSet<u64> = n.cells.iter().map(|c| c.size).collect();
    let mut by_op: BTreeMap<&str, BTreeMap<u64, &super::NumpyCell>> = BTreeMap::new();
    for c in &n.cells {
        by_op.entry(&c.op).or_default().insert(c.size, c);
    }
    s.push_str("| op |");
    for size in &sizes {
        let _ = write!(s, " {size} |");
    }
    s.push_str("\n|---|");
    s.push_str(&"--:|".repeat(sizes.len()));
    s.push('\n');
    for (op, cells) in by_op {
        let _ = write!(s, "| {} |", escape(op));
        for size in &sizes {
            match cells.get(size) {
                Some(c) => {
                    let _ = write!(s, " {}{:.2}× |", if c.ok { "" } else { "❌ " }, c.ratio);
                }
                None => s.push_str(" — |"),
            }
        }
        s.push('\n');
    }
    s.push('\n');
    s
}

/// The suites, their differences and the notes take at most `budget / HEAD_SHARE` bytes: they come from the
/// report (untrusted in `guard comment`) and are not bounded in number.
const HEAD_SHARE: usize = 4;

/// The lines under the verdict: one per suite, its fingerprint differences, the notes (each escaped).
fn header_lines(report: &Report) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(base) = &report.base {
        lines.push(format!(
            "- **compared with**: {}\n",
            escape_note(&base.describe())
        ));
    }
    for s in &report.suites {
        let state = match s.state {
            SuiteState::Checked => "checked",
            SuiteState::Skipped => "skipped",
            SuiteState::Incomparable => "⚠️ incomparable",
            SuiteState::NoBaseline => "no baseline",
        };
        let mut line = format!("- **{}** ({}): {state}", s.suite, escape(&report.profile));
        if let Some(f) = &s.baseline_file {
            let f = code_span_text(f);
            if s.state == SuiteState::NoBaseline {
                let _ = write!(line, " (`{f}` not found)");
            } else {
                let _ = write!(line, " against `{f}`");
            }
        }
        if let Some(m) = &s.message {
            let _ = write!(line, " — {}", escape_note(m));
        }
        line.push('\n');
        lines.push(line);
        for d in &s.differences {
            lines.push(format!("  - {}\n", escape_note(d)));
        }
    }
    for note in &report.notes {
        lines.push(format!("- note: {}\n", escape_note(note)));
    }
    lines
}

/// `verdict` followed by as many of `lines` as fit in `room` bytes, then a note saying how many were left
/// out, then a blank line. The verdict is always kept whole.
fn bounded_head(verdict: String, lines: &[String], room: usize) -> String {
    let mut head = verdict;
    let limit = head.len() + room;
    for (i, line) in lines.iter().enumerate() {
        if head.len() + line.len() + 120 > limit {
            let _ = writeln!(
                head,
                "- *… {} more suite, difference or note lines not shown to stay under GitHub's comment limit; \
                 see the JSON report.*",
                lines.len() - i
            );
            break;
        }
        head.push_str(line);
    }
    head.push('\n');
    head
}

/// Renders the report within `max_chars` bytes (use [`MAX_CHARS`] for GitHub).
#[must_use]
pub fn render_limited(report: &Report, max_chars: usize) -> String {
    let budget = max_chars.saturating_sub(RESERVE).max(512);
    let verdict = match report.verdict {
        Verdict::Pass => "✅",
        Verdict::Fail => "❌",
    };
    let head = format!("## {verdict} guard {}\n\n", report.summary_line());
    let head = bounded_head(head, &header_lines(report), budget / HEAD_SHARE);
    let (attention, rest): (Vec<&Entry>, Vec<&Entry>) = report
        .entries
        .iter()
        .partition(|e| e.status == Status::Regression);
    let numpy = report.numpy.as_ref().map(numpy_section).unwrap_or_default();
    let numpy_charts = report
        .numpy
        .as_ref()
        .map(super::mermaid::ratios)
        .unwrap_or_default();
    let mut out = head;
    if !attention.is_empty() {
        out.push_str("### Regressions\n\n");
        out.push_str(HEADER);
        let room = budget.saturating_sub(out.len() + numpy.len() + 200);
        push_rows(&mut out, &attention, room, "regressions");
        out.push('\n');
        let chart = super::mermaid::regressions(report);
        if out.len() + chart.len() + numpy.len() + 200 < budget {
            out.push_str(&chart);
        }
        let room = budget.saturating_sub(out.len() + numpy.len() + 200);
        out.push_str(&super::rootcause::markdown(report, room));
    }
    if out.len() + numpy.len() < budget {
        out.push_str(&numpy);
        if out.len() + numpy_charts.len() + 200 < budget {
            out.push_str(&numpy_charts);
        }
    }
    if !rest.is_empty() {
        let open = format!(
            "<details><summary>All other benchmarks ({})</summary>\n\n",
            rest.len()
        );
        let close = "\n</details>\n";
        let room = budget.saturating_sub(out.len() + open.len() + close.len() + HEADER.len() + 200);
        if room > 0 {
            out.push_str(&open);
            out.push_str(HEADER);
            push_rows(&mut out, &rest, room, "benchmarks");
            out.push_str(close);
        }
    }
    out
}

/// Renders the report for GitHub ([`MAX_CHARS`]).
#[must_use]
pub fn render(report: &Report) -> String {
    render_limited(report, MAX_CHARS)
}

fn push_rows(out: &mut String, entries: &[&Entry], room: usize, what: &str) {
    let mut used = 0;
    for (i, e) in entries.iter().enumerate() {
        let r = row(e);
        if used + r.len() > room {
            let _ = writeln!(
                out,
                "\n*… {} more {what} not shown to stay under GitHub's comment limit; see the JSON report.*",
                entries.len() - i
            );
            return;
        }
        used += r.len();
        out.push_str(&r);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sample;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!("markdown_report", render(&sample::report()));
    }

    #[test]
    fn text_reads_the_same_in_html_blocks() {
        // Inside `<summary>` CommonMark passes text through: a backslash escape would show as `\_`.
        let s = escape("log_softmax/avx2/100 <b>&x</b> *a* ~b~ 1. #2 [c](d) !e: f-g+h");
        assert!(!s.contains('\\'), "{s}");
        assert_eq!(
            s,
            "log&#95;softmax/avx2/100 &lt;b&gt;&amp;x&lt;/b&gt; &#42;a&#42; &#126;b&#126; 1&#46; &#35;2 \
             &#91;c&#93;&#40;d&#41; &#33;e&#58; f&#45;g&#43;h"
        );
        let report = render(&sample::report());
        assert!(!report.contains('\\'), "{report}");
    }

    #[test]
    fn pathological_headers_stay_under_the_limit() {
        let mut report = sample::huge(2_000);
        let hostile = "|@x <details> ` # ".repeat(40);
        report.profile.clone_from(&hostile);
        for _ in 0..5_000 {
            report.suites.push(crate::report::SuiteSummary {
                suite: crate::suite::Suite::Instructions,
                state: SuiteState::Incomparable,
                baseline_file: Some("b.json".into()),
                message: Some(hostile.clone()),
                differences: vec![hostile.clone(); 20],
            });
        }
        report.notes = vec![hostile.clone(); 50_000];
        for max in [MAX_CHARS, 20_000, 4_000] {
            let text = render_limited(&report, max);
            assert!(text.len() <= max, "{max}: {}", text.len());
            assert!(text.starts_with("## ❌ guard FAIL: "), "{}", &text[..80]);
            assert!(text.contains("more suite, difference or note lines not shown"));
            assert!(!text.contains("@x") && !text.contains("<details> "));
        }
        // The regressions table still gets most of the room.
        let text = render(&report);
        assert!(text.contains("### Regressions"), "{}", text.len());
    }

    #[test]
    fn huge_reports_stay_under_the_limit_and_keep_the_verdict() {
        let report = sample::huge(20_000);
        let text = render(&report);
        assert!(text.len() < MAX_CHARS, "{}", text.len());
        assert!(text.starts_with("## ❌ guard FAIL: "));
        assert!(
            text.contains("more regressions not shown")
                || text.contains("more benchmarks not shown")
        );
        let small = render_limited(&report, 4_000);
        assert!(
            small.len() < 4_000 && small.starts_with("## ❌ guard FAIL: "),
            "{}",
            small.len()
        );
    }
}
