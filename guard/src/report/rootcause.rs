//! Rendering of [`crate::rootcause`]: the functions behind each instruction-count regression, for the text
//! report (an indented list per benchmark) and the markdown report (one collapsed `<details>` per
//! regression, under the regressions table). Names come from the code under test and are escaped with
//! [`super::escape::escape`].

use std::fmt::Write as _;

use super::escape::escape;
use super::{fmt_value, Report};
use crate::rootcause::lines::clip;
use crate::rootcause::{LineDelta, LineSource, RootCause};
use crate::suite::Metric;

/// Longest source text in a markdown table cell (characters): keeps the table within GitHub's width.
const CELL_TEXT: usize = 60;

fn lines_heading(rc: &RootCause) -> &'static str {
    match rc.line_source {
        Some(LineSource::Callgrind) => {
            "source lines by self Ir change (callgrind's innermost inlined lines: the bench binaries were \
             not available to map them to the workspace)"
        }
        _ => "source lines by self Ir change (inlined code filed under the workspace line that inlined it)",
    }
}

fn location(l: &LineDelta) -> String {
    if l.line == 0 {
        format!("{}:?", l.file)
    } else {
        format!("{}:{}", l.file, l.line)
    }
}

/// `location (via caller)` for the text report.
fn location_via(l: &LineDelta) -> String {
    match &l.via {
        Some(via) => format!("{} (via {via})", location(l)),
        None => location(l),
    }
}

/// A markdown code span holding `text` verbatim (a fence longer than any backtick run in it; `|` escaped
/// for the table).
fn code(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{}{pad}{fence}", text.replace('|', "\\|"))
}

fn signed(v: i64) -> String {
    let s = fmt_value(&Metric::Ir, Some(v.unsigned_abs() as f64));
    if v < 0 {
        format!("-{s}")
    } else {
        format!("+{s}")
    }
}

fn heading(rc: &RootCause) -> String {
    let total = i64::try_from(rc.new_total).unwrap_or(i64::MAX)
        - i64::try_from(rc.old_total).unwrap_or(i64::MAX);
    format!(
        "Ir {} → {} ({}) against gungraun's previous run",
        fmt_value(&Metric::Ir, Some(rc.old_total as f64)),
        fmt_value(&Metric::Ir, Some(rc.new_total as f64)),
        signed(total)
    )
}

/// Text: `root cause of <id>: …` and one line per function (change, name, file).
#[must_use]
pub fn text(report: &Report) -> String {
    let mut out = String::new();
    for rc in &report.root_causes {
        if let Some(note) = rc.note.as_deref().filter(|_| rc.functions.is_empty()) {
            let _ = writeln!(out, "root cause of {}: {note}", rc.id);
            continue;
        }
        let _ = writeln!(
            out,
            "root cause of {}: {}; functions by self Ir change:",
            rc.id,
            heading(rc)
        );
        let width = rc
            .functions
            .iter()
            .map(|f| signed(f.delta).len())
            .max()
            .unwrap_or(0);
        for f in &rc.functions {
            let _ = writeln!(
                out,
                "  {:>width$}  {}  ({})",
                signed(f.delta),
                f.function,
                f.file
            );
        }
        if rc.lines.is_empty() {
            continue;
        }
        let _ = writeln!(out, "  {}:", lines_heading(rc));
        let width = rc
            .lines
            .iter()
            .map(|l| signed(l.delta).len())
            .max()
            .unwrap_or(0);
        let place = rc
            .lines
            .iter()
            .map(|l| location_via(l).chars().count())
            .max()
            .unwrap_or(0);
        for l in &rc.lines {
            let row = format!(
                "    {:>width$}  {:<place$}  {}",
                signed(l.delta),
                location_via(l),
                l.text.as_deref().unwrap_or("")
            );
            let _ = writeln!(out, "{}", row.trim_end());
        }
    }
    out
}

fn block(rc: &RootCause) -> String {
    // The top line in the summary: what a reader sees without opening the block.
    let top = rc.lines.first().map_or_else(String::new, |l| {
        format!(
            ": <code>{}</code> {} Ir",
            escape(&location(l)),
            signed(l.delta)
        )
    });
    let mut s = format!(
        "<details><summary>Root cause of {}{top}</summary>\n\n",
        escape(&rc.id)
    );
    if rc.functions.is_empty() {
        let _ = writeln!(s, "{}", escape(rc.note.as_deref().unwrap_or("no change")));
    } else {
        let _ = writeln!(s, "{}; self cost per function:\n", escape(&heading(rc)));
        s.push_str("| change | function | file | before → after |\n|--:|---|---|--:|\n");
        for f in &rc.functions {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} → {} |",
                signed(f.delta),
                escape(&f.function),
                escape(&f.file),
                fmt_value(&Metric::Ir, Some(f.old as f64)),
                fmt_value(&Metric::Ir, Some(f.new as f64)),
            );
        }
    }
    if !rc.lines.is_empty() {
        let _ = writeln!(s, "\n{}:\n", escape(lines_heading(rc)));
        s.push_str("| change | line | source | before → after |\n|--:|---|---|--:|\n");
        for l in &rc.lines {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} → {} |",
                signed(l.delta),
                l.via.as_deref().map_or_else(
                    || code(&location(l)),
                    |via| format!("{}<br>via {}", code(&location(l)), code(via))
                ),
                l.text
                    .as_deref()
                    .map_or_else(String::new, |t| code(&clip(t, CELL_TEXT))),
                fmt_value(&Metric::Ir, Some(l.old as f64)),
                fmt_value(&Metric::Ir, Some(l.new as f64)),
            );
        }
    }
    s.push_str("\n</details>\n\n");
    s
}

/// Markdown: one collapsed block per regression, as many as fit in `room` bytes (with a note naming how
/// many were left out).
#[must_use]
pub fn markdown(report: &Report, room: usize) -> String {
    let mut out = String::new();
    for (i, rc) in report.root_causes.iter().enumerate() {
        let b = block(rc);
        if out.len() + b.len() + 120 > room {
            let _ = writeln!(
                out,
                "*… root causes of {} more regressions not shown; see the JSON report.*\n",
                report.root_causes.len() - i
            );
            break;
        }
        out.push_str(&b);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rootcause::FunctionDelta;

    pub(crate) fn sample() -> Vec<RootCause> {
        vec![RootCause {
            id: "exp/avx2/1000".into(),
            old_total: 10_000,
            new_total: 10_500,
            functions: vec![
                FunctionDelta {
                    function: "lanes::kernels::math::exp<lanes::simd::avx2::Avx2>".into(),
                    file: "src/kernels/math.rs".into(),
                    old: 8_000,
                    new: 8_600,
                    delta: 600,
                },
                FunctionDelta {
                    function: "core::ptr::write<f32>".into(),
                    file: "core/src/ptr/mod.rs".into(),
                    old: 500,
                    new: 400,
                    delta: -100,
                },
            ],
            lines: vec![
                LineDelta {
                    file: "src/kernels/math.rs".into(),
                    line: 114,
                    via: Some("src/kernels/elementwise.rs:228".into()),
                    text: Some("p = core::hint::black_box(p);".into()),
                    old: 0,
                    new: 218,
                    delta: 218,
                },
                LineDelta {
                    file: "src/simd/avx2.rs".into(),
                    line: 84,
                    via: None,
                    text: Some("`a|b` <script>".into()),
                    old: 35,
                    new: 26,
                    delta: -9,
                },
                LineDelta {
                    file: "core/src/hint.rs".into(),
                    line: 0,
                    via: None,
                    text: None,
                    old: 1,
                    new: 2,
                    delta: 1,
                },
            ],
            line_source: Some(LineSource::Dwarf),
            note: None,
        }]
    }

    #[test]
    fn snapshots() {
        let mut r = crate::report::sample::report();
        r.root_causes = sample();
        r.root_causes.push(RootCause {
            id: "tanh/sse2/100".into(),
            old_total: 0,
            new_total: 0,
            functions: Vec::new(),
            lines: Vec::new(),
            line_source: None,
            note: Some("no previous callgrind run (`.out.old`) to compare with".into()),
        });
        insta::assert_snapshot!("rootcause_text", text(&r));
        insta::assert_snapshot!("rootcause_markdown", markdown(&r, 10_000));
        let cut = markdown(&r, 300);
        assert!(cut.contains("2 more regressions not shown"), "{cut}");
    }
}
