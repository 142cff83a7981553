//! The terminal report: a compact table of everything that is not a plain pass, regressions first, then
//! the NumPy gate and one summary line. Colors only when asked for (the caller decides from `NO_COLOR` and
//! whether the output is a terminal).

use std::fmt::Write as _;

use comfy_table::{CellAlignment, ContentArrangement, Table};
use owo_colors::OwoColorize;

use super::{
    fmt_change, fmt_value, Entry, GateState, NumpyGate, Report, Status, SuiteState, Verdict,
};

/// Horizontal rules above and below the table and under the header only (comfy-table preset syntax).
const TABLE_STYLE: &str = "  ── ──      ──    ";

/// How many NumPy cells to list (the worst ones) when the gate is shown.
const WORST_CELLS: usize = 5;

fn paint(s: &str, status: Status, gate: bool, color: bool) -> String {
    if !color {
        return s.to_string();
    }
    match status {
        Status::Regression if gate => s.red().bold().to_string(),
        Status::Regression | Status::Missing | Status::Incomparable => s.yellow().to_string(),
        Status::Improvement => s.green().to_string(),
        Status::Acknowledged | Status::New => s.cyan().to_string(),
        Status::Pass => s.to_string(),
    }
}

fn status_label(e: &Entry) -> &'static str {
    if e.status == Status::Regression && !e.gate {
        "warning"
    } else {
        e.status.name()
    }
}

/// Renders the report for a terminal or a log.
#[must_use]
pub fn render(report: &Report, color: bool) -> String {
    let mut out = String::new();
    if let Some(base) = &report.base {
        let _ = writeln!(out, "{}", base.describe());
    }
    write_suites(&mut out, report);
    // Whole suites without a (comparable) baseline are summarized above instead of listed row by row.
    let shown: Vec<&Entry> = report
        .entries
        .iter()
        .filter(|e| (e.status != Status::Pass || e.note.is_some()) && !collapsed(report, e))
        .collect();
    let hidden = report
        .entries
        .iter()
        .filter(|e| collapsed(report, e))
        .count();
    if !shown.is_empty() {
        write_table(&mut out, &shown, color);
    }
    let passing = report.entries.len() - shown.len() - hidden;
    if passing > 0 {
        let what = if passing == 1 {
            "benchmark passes"
        } else {
            "benchmarks pass"
        };
        let _ = writeln!(
            out,
            "{passing} {what} without remarks (all of them: --format json)"
        );
    }
    if let Some(n) = &report.numpy {
        write_numpy_gate(&mut out, n);
    }
    out.push_str(&super::rootcause::text(report));
    for note in &report.notes {
        let _ = writeln!(out, "note: {note}");
    }
    let _ = writeln!(out, "{}", summary_line(report, color));
    out
}

/// One line per suite: its state, the baseline file and message, then the fingerprint differences.
fn write_suites(out: &mut String, report: &Report) {
    for s in &report.suites {
        let state = match s.state {
            SuiteState::Checked => "checked",
            SuiteState::Skipped => "skipped",
            SuiteState::Incomparable => "incomparable",
            SuiteState::NoBaseline => "no baseline",
        };
        let _ = write!(out, "{}: {state}", s.suite);
        if let Some(f) = &s.baseline_file {
            if s.state == SuiteState::NoBaseline {
                let _ = write!(out, " ({f} not found)");
            } else {
                let _ = write!(out, " against {f}");
            }
        }
        if let Some(m) = &s.message {
            let _ = write!(out, " — {m}");
        }
        if matches!(s.state, SuiteState::NoBaseline | SuiteState::Incomparable) {
            let n = report.entries.iter().filter(|e| e.suite == s.suite).count();
            let _ = write!(out, " ({n} benchmarks, not listed)");
        }
        out.push('\n');
        for d in &s.differences {
            let _ = writeln!(out, "  {d}");
        }
    }
}

/// Whether `e` is summarized in its suite's line ([`write_suites`]) instead of listed: a new benchmark of a
/// suite without a baseline, an incomparable one of an incomparable suite.
fn collapsed(report: &Report, e: &Entry) -> bool {
    report.suites.iter().any(|s| {
        s.suite == e.suite
            && matches!(
                (s.state, e.status),
                (SuiteState::NoBaseline, Status::New)
                    | (SuiteState::Incomparable, Status::Incomparable)
            )
    })
}

/// The table of the `shown` entries, numbers right-aligned, trailing padding trimmed.
fn write_table(out: &mut String, shown: &[&Entry], color: bool) {
    let mut table = Table::new();
    table
        .load_preset(TABLE_STYLE)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header([
            "status",
            "suite",
            "benchmark",
            "baseline",
            "current",
            "change",
            "limit",
            "note",
        ]);
    for e in shown {
        table.add_row([
            paint(status_label(e), e.status, e.gate, color),
            e.suite.to_string(),
            e.id.clone(),
            fmt_value(&e.metric, e.baseline),
            fmt_value(&e.metric, e.current),
            paint(&fmt_change(e), e.status, e.gate, color),
            e.threshold.map_or_else(String::new, |t| format!("±{t}%")),
            e.note.clone().unwrap_or_default(),
        ]);
    }
    for i in 3..=6 {
        if let Some(c) = table.column_mut(i) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    for line in table.to_string().lines() {
        let _ = writeln!(out, "{}", line.trim_end());
    }
}

/// The NumPy gate's line, then its worst failing cells ([`WORST_CELLS`] at most).
fn write_numpy_gate(out: &mut String, n: &NumpyGate) {
    if n.state == GateState::Skipped {
        let _ = writeln!(
            out,
            "NumPy gate: skipped — {}",
            n.message.as_deref().unwrap_or("")
        );
        return;
    }
    let word = if n.state == GateState::Pass {
        "pass"
    } else if n.gate {
        "FAIL"
    } else {
        "warning"
    };
    let _ = writeln!(
        out,
        "NumPy gate: {word} — {}/{} op×size cells within {}× of NumPy ({}; need {:.0}%)",
        n.cells_ok,
        n.cells_total,
        n.max_ratio,
        n.statistic,
        n.min_fraction * 100.0
    );
    let mut worst: Vec<_> = n.cells.iter().filter(|c| !c.ok).collect();
    worst.sort_by(|a, b| b.ratio.total_cmp(&a.ratio));
    for c in worst.iter().take(WORST_CELLS) {
        let _ = writeln!(
            out,
            "  {}/{}: {:.2}× ({} {} vs NumPy {})",
            c.op,
            c.size,
            c.ratio,
            c.backend,
            super::fmt_ns(c.lanes_ns),
            super::fmt_ns(c.numpy_ns)
        );
    }
    if worst.len() > WORST_CELLS {
        let _ = writeln!(
            out,
            "  … {} more cells above {}×",
            worst.len() - WORST_CELLS,
            n.max_ratio
        );
    }
}

/// The verdict line, bold green or red when colored.
fn summary_line(report: &Report, color: bool) -> String {
    let line = report.summary_line();
    match (color, report.verdict) {
        (false, _) => line,
        (true, Verdict::Pass) => line.green().bold().to_string(),
        (true, Verdict::Fail) => line.red().bold().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot_plain() {
        insta::assert_snapshot!(
            "text_report",
            render(&crate::report::sample::report(), false)
        );
    }

    #[test]
    fn color_only_when_asked() {
        let r = crate::report::sample::report();
        assert!(!render(&r, false).contains('\u{1b}'));
        assert!(render(&r, true).contains('\u{1b}'));
    }
}
