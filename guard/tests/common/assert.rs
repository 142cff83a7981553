//! Assertions on the text guard printed that show both sides when they fail.

/// Asserts that `haystack` contains `needle`, printing both otherwise.
#[track_caller]
pub fn assert_contains(haystack: &str, needle: &str) {
    assert!(
        haystack.contains(needle),
        "expected {needle:?} in:\n{haystack}"
    );
}

/// Asserts that `haystack` does not contain `needle`, printing both otherwise.
#[track_caller]
pub fn assert_lacks(haystack: &str, needle: &str) {
    assert!(
        !haystack.contains(needle),
        "did not expect {needle:?} in:\n{haystack}"
    );
}

/// Whether a text-report table row starts with these cells (columns are padded).
pub fn has_row(stdout: &str, cells: &[&str]) -> bool {
    stdout.lines().any(|l| {
        let words: Vec<&str> = l.split_whitespace().collect();
        words.len() >= cells.len() && words[..cells.len()] == *cells
    })
}

/// Asserts that a text-report table row starts with `cells` ([`has_row`]), printing the report otherwise.
#[track_caller]
pub fn assert_row(stdout: &str, cells: &[&str]) {
    assert!(
        has_row(stdout, cells),
        "expected a row {cells:?} in:\n{stdout}"
    );
}
