//! The comment body: [`MARKER`], the markdown report (verdict first), and a footer linking the run that
//! measured it. Always shorter than GitHub's limit of [`MAX_CHARS`] characters (bytes are counted here,
//! which is stricter): the renderer drops detail rows first; should the rest still not fit, the body is
//! cut at a line boundary with a note — the verdict line, which comes first, is never cut.
//!
//! The report comes from an artifact that the pull request's code wrote, so it is untrusted: the verdict
//! and counts are recomputed from its entries, and the renderer escapes every string in it
//! ([`crate::report::escape`]).

use std::fmt::Write as _;

use super::sticky::MARKER;
use super::{Error, ErrorKind, Repo, Result};
use crate::report::markdown::{self, MAX_CHARS};
use crate::report::Report;

/// Longest run link accepted.
const MAX_URL_CHARS: usize = 500;

/// Appended when the body had to be cut.
const CUT_NOTE: &str =
    "\n\n*… report cut to stay under GitHub's comment limit; the full JSON report is in the workflow run's \
     artifacts.*\n";

/// Where the report came from, shown under it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Footer {
    /// Link to the workflow run that measured the report.
    pub run_url: Option<String>,
    /// The commit that was measured (40 hex digits).
    pub commit: Option<String>,
}

impl Footer {
    fn render(&self) -> String {
        let mut parts = Vec::new();
        if let Some(sha) = &self.commit {
            parts.push(format!("measured on {sha}"));
        }
        if let Some(url) = &self.run_url {
            parts.push(format!("[workflow run]({url})"));
        }
        parts.push("updated in place by `guard comment`".into());
        format!("\n---\n<sub>{}</sub>\n", parts.join(" · "))
    }
}

/// Checks a run link: `http(s)://…` of at most 500 URL characters, none of which can end a markdown link
/// or open markup.
///
/// # Errors
/// [`ErrorKind::Config`] naming the problem.
pub fn check_url(url: &str) -> Result<String> {
    let ok_char = |c: char| {
        c.is_ascii_graphic()
            && !matches!(
                c,
                '(' | ')' | '<' | '>' | '[' | ']' | '"' | '\'' | '`' | '\\'
            )
    };
    if (url.starts_with("https://") || url.starts_with("http://"))
        && url.len() <= MAX_URL_CHARS
        && url.chars().all(ok_char)
    {
        Ok(url.to_string())
    } else {
        Err(Error::new(
            ErrorKind::Config,
            format!(
                "run link {:?} is not a plain http(s) URL of at most {MAX_URL_CHARS} characters",
                url.chars().take(100).collect::<String>()
            ),
        ))
    }
}

/// The link to the current GitHub Actions run from `GITHUB_SERVER_URL`, `GITHUB_REPOSITORY` and
/// `GITHUB_RUN_ID` as `lookup` returns them, when all three are set and well-formed.
#[must_use]
pub fn run_url_from(lookup: impl Fn(&str) -> Option<String>) -> Option<String> {
    let server = lookup("GITHUB_SERVER_URL")?;
    let repo = Repo::parse(&lookup("GITHUB_REPOSITORY")?).ok()?;
    let run = lookup("GITHUB_RUN_ID")?;
    if run.is_empty() || !run.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    check_url(&format!(
        "{}/{repo}/actions/runs/{run}",
        server.trim_end_matches('/')
    ))
    .ok()
}

/// Checks a commit id: 40 (SHA-1) or 64 (SHA-256) hex digits, returned in lower case.
///
/// # Errors
/// [`ErrorKind::Config`] naming the value.
pub fn check_sha(sha: &str) -> Result<String> {
    if matches!(sha.len(), 40 | 64) && sha.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(sha.to_ascii_lowercase())
    } else {
        Err(Error::new(
            ErrorKind::Config,
            format!(
                "--head-sha {:?}: expected a full commit id (40 hex digits); pass the full SHA, e.g. from `git rev-parse HEAD`",
                sha.chars().take(80).collect::<String>()
            ),
        ))
    }
}

/// One report from several (e.g. one per suite, from parallel jobs), with its verdict and counts recomputed
/// from the entries, and the one free-text field the renderer puts into a code span (`baseline_file`)
/// reduced to one line, so an edited artifact cannot claim a pass next to failing entries or break out of
/// its list item. Suites, entries and notes are concatenated; the first NumPy gate is kept.
#[must_use]
pub fn normalize(reports: Vec<Report>) -> Report {
    let mut report = Report::merge(reports, |gates| gates.into_iter().next());
    for s in &mut report.suites {
        if let Some(f) = &mut s.baseline_file {
            *f = f
                .chars()
                .map(|c| if c.is_control() || c == '`' { ' ' } else { c })
                .take(300)
                .collect();
        }
    }
    report
}

/// Cuts `text` to at most `limit` bytes at a line boundary, closes an open `<details>` and appends
/// [`CUT_NOTE`]. Texts that fit are returned unchanged.
fn cut(text: &str, limit: usize) -> String {
    if text.len() <= limit {
        return text.to_string();
    }
    let room = limit.saturating_sub(CUT_NOTE.len() + "\n</details>\n".len());
    let mut end = room.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let kept = &text[..end];
    // Keep whole lines, but never less than the first (the verdict).
    let kept = match kept.rfind('\n') {
        Some(i) if i > 0 => &kept[..i],
        _ => kept,
    };
    let mut out = kept.to_string();
    if kept.matches("<details>").count() > kept.matches("</details>").count() {
        out.push_str("\n</details>\n");
    }
    out.push_str(CUT_NOTE);
    out
}

/// The comment body for `report`: marker, report (verdict first), footer; fewer than [`MAX_CHARS`] bytes.
#[must_use]
pub fn build(report: &Report, footer: &Footer) -> String {
    let foot = footer.render();
    let head = format!("{MARKER}\n");
    let room = MAX_CHARS - 2 - head.len() - foot.len();
    let report_md = cut(&markdown::render_limited(report, room), room);
    let mut body = String::with_capacity(head.len() + report_md.len() + foot.len());
    body.push_str(&head);
    body.push_str(&report_md);
    if !body.ends_with('\n') {
        body.push('\n');
    }
    let _ = write!(body, "{foot}");
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_keeps_the_first_line_and_closes_details() {
        let text = format!(
            "## verdict\n\n<details><summary>x</summary>\n\n{}",
            "| row |\n".repeat(1_000)
        );
        let out = cut(&text, 500);
        assert!(out.len() <= 500, "{}", out.len());
        assert!(out.starts_with("## verdict\n"));
        assert!(out.contains("</details>"));
        assert!(out.ends_with(CUT_NOTE));
        assert_eq!(cut("short", 500), "short");
        // Multi-byte characters are never split.
        let wide = "é".repeat(1_000);
        assert!(cut(&wide, 301).len() <= 301);
    }

    #[test]
    fn links_and_shas() {
        assert!(check_url("https://github.com/o/r/actions/runs/1").is_ok());
        for bad in [
            "javascript:alert(1)",
            "https://x/a)b",
            "https://x/ a",
            "https://x/<b>",
            "https://x/\"",
        ] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
        assert!(check_url(&format!("https://x/{}", "a".repeat(600))).is_err());
        let env = |k: &str| {
            match k {
                "GITHUB_SERVER_URL" => Some("https://github.com/"),
                "GITHUB_REPOSITORY" => Some("o/r"),
                "GITHUB_RUN_ID" => Some("123"),
                _ => None,
            }
            .map(String::from)
        };
        assert_eq!(
            run_url_from(env).as_deref(),
            Some("https://github.com/o/r/actions/runs/123")
        );
        assert_eq!(
            run_url_from(|k| if k == "GITHUB_RUN_ID" {
                Some("1 2".into())
            } else {
                env(k)
            }),
            None
        );
        assert_eq!(run_url_from(|_| None), None);
        let sha = "A".repeat(40);
        assert_eq!(check_sha(&sha).unwrap(), "a".repeat(40));
        assert!(check_sha("abc").is_err());
        assert!(check_sha(&"g".repeat(40)).is_err());
    }
}
