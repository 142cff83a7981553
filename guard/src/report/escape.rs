//! Escaping for markdown and the HTML inside it: every string in a report that came from the code under
//! test or from an untrusted artifact goes through [`escape`] (ids), [`escape_note`] (sentences) or
//! [`code_span_text`] (paths in code spans) before a markdown renderer writes it.

use std::fmt::Write as _;

/// Longest id shown; longer ids are cut with `…`.
pub(crate) const MAX_ID_CHARS: usize = 200;

/// Longest note or message shown (guard's own sentences run to about 300 characters); longer ones are cut
/// with `…`.
const MAX_NOTE_CHARS: usize = 1_000;

/// Escapes an id (or any short text) for the report, cut at 200 characters: see [`escape_text`].
#[must_use]
pub fn escape(text: &str) -> String {
    escape_text(text, MAX_ID_CHARS)
}

/// Escapes a note or message for the report (as [`escape_text`], cut at 1,000 characters).
#[must_use]
pub fn escape_note(text: &str) -> String {
    escape_text(text, MAX_NOTE_CHARS)
}

/// Escapes text so that it reads the same in every place the report puts it: markdown text, a table cell,
/// and raw HTML such as `<summary>` (where CommonMark passes text through untouched, so a backslash escape
/// would show as a backslash). Every character with a meaning becomes a numeric character reference, which
/// CommonMark never reads as structure and HTML decodes: `<`, `>`, `&`, `"`, `|`, and the markdown
/// punctuation (`` \ ` * _ [ ] ( ) # ~ ! { } + - . : ``). `@` gets a word joiner so that it cannot mention
/// anyone; control characters and line breaks become spaces. Text between a pair of backticks becomes
/// `<code>…</code>` (escaped the same way), so a command in a message reads as code. The result cannot open
/// tags, links, code spans or new rows. At most `max` characters are kept, then `…`.
#[must_use]
pub fn escape_text(text: &str, max: usize) -> String {
    let kept: String = text.chars().take(max).collect();
    let parts: Vec<&str> = kept.split('`').collect();
    // The backticks that pair up (the last one of an odd count stays a literal backtick).
    let paired = (parts.len() - 1) & !1;
    let mut out = String::with_capacity(kept.len() + 16);
    for (i, part) in parts.iter().enumerate() {
        match i {
            0 => {}
            i if i > paired => out.push_str("&#96;"),
            i if i % 2 == 1 => out.push_str("<code>"),
            _ => out.push_str("</code>"),
        }
        escape_chars(part, &mut out);
    }
    if text.chars().nth(max).is_some() {
        out.push('…');
    }
    out
}

fn escape_chars(text: &str, out: &mut String) {
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '@' => out.push_str("@\u{2060}"),
            '|' | '\\' | '`' | '*' | '_' | '[' | ']' | '(' | ')' | '#' | '~' | '!' | '{' | '}'
            | '+' | '-' | '.' | ':' => {
                let _ = write!(out, "&#{};", u32::from(ch));
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
}

/// Text for inside a single-backtick code span (a file path): backticks become `'` and control characters
/// (line breaks included) become spaces, so the span can neither close early nor start a new line/row; long
/// text is cut like ids. Inside a code span markdown and HTML are literal, so nothing else needs escaping.
pub(crate) fn code_span_text(text: &str) -> String {
    let mut out: String = text
        .chars()
        .take(MAX_ID_CHARS)
        .map(|c| match c {
            '`' => '\'',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    if text.chars().nth(MAX_ID_CHARS).is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn baseline_paths_cannot_leave_their_code_span() {
        let f = code_span_text("base`lines/x.json\n# Verdict: PASS\r\n<details>");
        assert!(
            !f.contains('`') && !f.contains('\n') && !f.contains('\r'),
            "{f}"
        );
        assert_eq!(
            code_span_text(&"a".repeat(500)).chars().count(),
            MAX_ID_CHARS + 1
        );
    }

    #[test]
    fn hostile_ids_cannot_escape() {
        let s = escape("<img src=x onerror=alert(1)>|@octocat `code` [link](http://x) </details>\n# Verdict: pass");
        for bad in [
            "<img",
            "</details>",
            "|",
            "\n",
            "@octocat",
            "`code`",
            "[link](",
        ] {
            assert!(!s.contains(bad), "{bad:?} survived in {s:?}");
        }
    }

    #[test]
    fn backtick_pairs_become_code_and_stay_escaped() {
        assert_eq!(
            escape_note("run `guard baseline update --suite wall` and commit"),
            "run <code>guard baseline update &#45;&#45;suite wall</code> and commit"
        );
        // An odd backtick stays literal; what is inside the code cannot close it or mention anyone.
        assert_eq!(
            escape("a `</code><script>@x` b ` c"),
            "a <code>&lt;/code&gt;&lt;script&gt;@\u{2060}x</code> b &#96; c"
        );
        // The cut comes before the pairing, so a pair is never left open.
        let cut = escape(&format!("{}`x`", "a".repeat(MAX_ID_CHARS - 2)));
        assert_eq!(
            cut.matches("<code>").count(),
            cut.matches("</code>").count(),
            "{cut}"
        );
        assert!(cut.ends_with('…'), "{cut}");
    }

    #[test]
    fn notes_are_cut_later_than_ids() {
        let note = "word ".repeat(100);
        assert!(!escape_note(&note).contains('…'));
        assert!(escape(&note).ends_with('…'));
    }
}
