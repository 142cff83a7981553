//! The JSON report: the [`Report`] model as it is, with its `schema_version`.

use std::path::Path;

use super::{Report, SCHEMA_VERSION};
use crate::error::{Error, Result};
use crate::fsio;

/// Renders the report as pretty JSON (non-finite numbers cannot occur: the model only holds finite values
/// or `null`).
#[must_use]
pub fn render(report: &Report) -> String {
    let mut s =
        serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

/// Parses a JSON report (for `guard comment` and tests).
///
/// # Errors
/// [`Error::Invalid`] naming the file and field, or an unsupported `schema_version`.
pub fn parse(bytes: &[u8], path: &Path) -> Result<Report> {
    let hint = "regenerate it with `guard check --format json`";
    let report: Report = fsio::parse_json(bytes, path, hint)?;
    if report.schema_version != SCHEMA_VERSION {
        return Err(Error::invalid(
            path,
            "schema_version",
            format!(
                "is {}, this guard reads {SCHEMA_VERSION}",
                report.schema_version
            ),
            hint,
        ));
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot_and_round_trip() {
        let report = crate::report::sample::report();
        let text = render(&report);
        insta::assert_snapshot!("json_report", text);
        let back = parse(text.as_bytes(), Path::new("r.json")).unwrap();
        assert_eq!(back, report);
    }
}
