//! The `Link` response header GitHub paginates with (RFC 8288):
//! `<https://api.github.com/…?page=2>; rel="next", <…?page=5>; rel="last"`.

/// The URL of the link whose `rel` includes `rel` (e.g. `next`), if any.
pub(crate) fn find(header: &str, rel: &str) -> Option<String> {
    // A link is `<url>` followed by `;`-separated parameters; links are separated by commas outside `<…>`.
    let mut rest = header;
    loop {
        let start = rest.find('<')?;
        let end = start + rest[start..].find('>')?;
        let url = &rest[start + 1..end];
        let after = &rest[end + 1..];
        let params_end = after.find('<').unwrap_or(after.len());
        let params = &after[..params_end];
        let matches = params.split(';').any(|p| {
            let Some((key, value)) = p.split_once('=') else {
                return false;
            };
            key.trim().eq_ignore_ascii_case("rel")
                && value
                    .trim()
                    .trim_end_matches(',')
                    .trim()
                    .trim_matches('"')
                    .split_ascii_whitespace()
                    .any(|r| r.eq_ignore_ascii_case(rel))
        });
        if matches {
            return Some(url.trim().to_string());
        }
        rest = &after[params_end..];
    }
}

#[cfg(test)]
mod tests {
    use super::find;

    #[test]
    fn github_style_links() {
        let h = r#"<https://api.github.com/repositories/1/issues/7/comments?per_page=100&page=2>; rel="next", <https://api.github.com/repositories/1/issues/7/comments?per_page=100&page=3>; rel="last""#;
        assert_eq!(
            find(h, "next").as_deref(),
            Some("https://api.github.com/repositories/1/issues/7/comments?per_page=100&page=2")
        );
        assert_eq!(
            find(h, "last").as_deref(),
            Some("https://api.github.com/repositories/1/issues/7/comments?per_page=100&page=3")
        );
        assert_eq!(find(h, "prev"), None);
        let last_page = r#"<http://x/a?page=1>; rel="prev", <http://x/a?page=1>; rel="first""#;
        assert_eq!(find(last_page, "next"), None);
    }

    #[test]
    fn variants_and_garbage() {
        assert_eq!(
            find("<http://x/b>;rel=next", "next").as_deref(),
            Some("http://x/b")
        );
        assert_eq!(
            find(r#"<http://x/c>; title="a"; rel="prev next""#, "next").as_deref(),
            Some("http://x/c")
        );
        for junk in ["", "<", ">; rel=next", "<http://x", "rel=\"next\"", "<<>>"] {
            assert_eq!(find(junk, "next"), None, "{junk:?}");
        }
    }
}
