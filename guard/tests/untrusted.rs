//! Benchmark ids come from the code under test (in a fork's pull request, from its author): ids that look
//! like paths never make guard touch a path outside the baselines it writes, and ids full of markup cannot
//! ping anyone, inject HTML or links, leave `<details>` or forge the verdict in the markdown report.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use common::assert::assert_contains;
use common::Sandbox;

const BENCH: &str = "target/criterion/add/avx2/100/new/benchmark.json";
const SUMMARY: &str = "target/gungraun/fixturegen/instructions/add/add_avx2.n100/summary.json";

fn set_ids(s: &Sandbox, wall: &str, ir_group: &str) {
    let text = fs::read_to_string(s.path(BENCH)).unwrap();
    let wall = serde_json::to_string(wall).unwrap();
    s.write(
        BENCH,
        &text.replace(
            "\"full_id\":\"add/avx2/100\"",
            &format!("\"full_id\":{wall}"),
        ),
    );
    let text = fs::read_to_string(s.path(SUMMARY)).unwrap();
    let group = serde_json::to_string(ir_group).unwrap();
    s.write(
        SUMMARY,
        &text.replace("\"group\":\"add\"", &format!("\"group\":{group}")),
    );
}

fn all_files(dir: &Path, out: &mut BTreeSet<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            all_files(&p, out);
        } else {
            out.insert(p);
        }
    }
}

#[test]
fn path_like_ids_never_become_paths() {
    let outer = tempfile::tempdir().unwrap();
    let s = Sandbox::new("gungraun-identical");
    let abs = outer.path().join("pwned").display().to_string();
    set_ids(&s, "../../../../pwned/x", &abs);
    let mut before = BTreeSet::new();
    all_files(s.dir.path(), &mut before);
    let r = s.run(&["baseline", "update", "--no-bench"]);
    assert_eq!(r.code, 0, "{r:?}");
    let r = s.run(&["check", "--no-bench", "--format", "markdown"]);
    assert_eq!(r.code, 0, "{r:?}");
    let mut after = BTreeSet::new();
    all_files(s.dir.path(), &mut after);
    let created: Vec<_> = after.difference(&before).collect();
    assert_eq!(
        created,
        [
            &s.path("baselines/instructions-pr.json"),
            &s.path("baselines/wall-pr-test-machine.json")
        ],
        "only the two baseline files may appear"
    );
    assert!(!outer.path().join("pwned").exists());
    assert!(!s.dir.path().parent().unwrap().join("pwned").exists());
    // The ids are kept as they are in the baseline (they are data, not paths).
    let base = fs::read_to_string(s.path("baselines/wall-pr-test-machine.json")).unwrap();
    assert_contains(&base, "\"../../../../pwned/x\"");
}

#[test]
fn markup_in_ids_is_inert_in_the_markdown_report() {
    let s = Sandbox::with_baselines("gungraun-identical");
    let hostile = "x</details>@octocat <img src=x onerror=alert(1)> [a](https://evil) `c` | ## ✅ guard PASS \
                   `</code><script>alert(1)</script>@x` y_z";
    set_ids(&s, hostile, hostile);
    let r = s.run(&["check", "--no-bench", "--format", "markdown"]);
    assert_eq!(r.code, 0, "{r:?}");
    let md = &r.stdout;
    assert!(
        md.starts_with("## ✅ guard PASS: 0 regressions, 2 new, 2 missing"),
        "{md}"
    );
    assert_eq!(
        md.matches("## ").count(),
        1 + md.matches("### ").count(),
        "{md}"
    );
    for bad in [
        "@octocat",
        "<img",
        "](https://evil)",
        "`c`",
        "x</details>",
        "<script",
        "</code><",
        "@x",
        "\\",
    ] {
        assert!(!md.contains(bad), "{bad:?} survived:\n{md}");
    }
    assert_eq!(
        md.matches("<details>").count(),
        md.matches("</details>").count()
    );
    // Backtick pairs became <code>, balanced; `_` is a character reference, which also reads right inside
    // raw HTML such as <summary> (a backslash escape would show there).
    assert_eq!(md.matches("<code>").count(), md.matches("</code>").count());
    assert_contains(md, "y&#95;z");
    // Each benchmark row is still one row of 6 cells (7 pipes): `|` in the id was escaped.
    let rows: Vec<&str> = md
        .lines()
        .filter(|l| l.starts_with('|') && l.contains("octocat"))
        .collect();
    assert_eq!(rows.len(), 2, "{md}");
    for line in rows {
        assert_eq!(line.matches('|').count(), 7, "{line}");
    }
}
