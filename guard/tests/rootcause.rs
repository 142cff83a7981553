//! Root cause of an instruction-count regression, on real callgrind output of this repository's bench:
//! `exp/avx2/100` with the `exp` kernel slowed on purpose (see tests/fixtures/README.md).

mod common;

use std::path::Path;

use common::assert::assert_contains;
use common::{Sandbox, FIXTURES};
use guard::callgrind;
use guard::rootcause;

const DIR: &str = "gungraun-rootcause/lanes/instructions/exp/avx2.n100";

fn profile(name: &str) -> callgrind::Profile {
    let path = Path::new(FIXTURES).join(DIR).join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    callgrind::parse(&text, "Ir", &path).unwrap()
}

#[test]
fn self_costs_add_up_to_callgrinds_totals() {
    for name in ["callgrind.avx2.n100.out", "callgrind.avx2.n100.out.old"] {
        let p = profile(name);
        assert_eq!(Some(p.self_sum()), p.total, "{name}");
    }
}

#[test]
fn the_slowed_kernel_is_the_top_entry() {
    let (old, new) = (
        profile("callgrind.avx2.n100.out.old"),
        profile("callgrind.avx2.n100.out"),
    );
    let top = rootcause::diff(&old, &new, Some("/project"), rootcause::TOP);
    assert!(!top.is_empty());
    let first = &top[0];
    assert_eq!(first.function, "lanes::dispatch::entry::avx2", "{top:#?}");
    assert!(first.delta > 0, "{first:?}");
    assert_eq!(
        first.delta,
        i64::try_from(new.self_sum()).unwrap() - i64::try_from(old.self_sum()).unwrap(),
        "the whole change is in the kernel: {top:#?}"
    );
    assert!(!first.file.starts_with('/'), "{first:?}");
}

/// The rootcause fixture's results, with baselines recorded from them with `exp/avx2/100`'s Ir × `factor`.
fn rootcause_sandbox(factor: f64) -> Sandbox {
    let s = Sandbox::new("gungraun-identical");
    s.use_gungraun("gungraun-rootcause");
    s.scale_ir("avx2.n100", factor);
    s.update();
    s.use_gungraun("gungraun-rootcause");
    s
}

#[test]
fn check_lists_the_functions_behind_a_regression() {
    // The baseline holds the kernel's old cost: scale the new Ir back to the old run's total first.
    let old = profile("callgrind.avx2.n100.out.old").self_sum() as f64;
    let new = profile("callgrind.avx2.n100.out").self_sum() as f64;
    let s = rootcause_sandbox(old / new);
    let r = s.check(&["--suite", "instructions"]);
    r.assert_code(1);
    let line = r
        .stdout
        .lines()
        .position(|l| l.starts_with("root cause of exp/avx2/100: Ir "))
        .unwrap_or_else(|| panic!("{}", r.stdout));
    let next = r.stdout.lines().nth(line + 1).unwrap();
    assert!(
        next.contains("lanes::dispatch::entry::avx2"),
        "{}",
        r.stdout
    );
    assert!(next.trim_start().starts_with('+'), "{}", r.stdout);

    let r = s.check(&["--suite", "instructions", "--format", "markdown"]);
    r.assert_code(1);
    let md = &r.stdout;
    let block = md
        .find("<details><summary>Root cause of exp/avx2/100: <code>")
        .unwrap_or_else(|| panic!("{md}"));
    let end = block + md[block..].find("</details>").unwrap();
    assert!(
        md[block..end].contains(
            "| +210 | lanes&#58;&#58;dispatch&#58;&#58;entry&#58;&#58;avx2 | src/simd/mod&#46;rs | 512 → 722 |"
        ),
        "{md}"
    );
    assert_contains(md, "```mermaid\n---\nconfig:\n");
    assert_contains(md, "\nxychart-beta horizontal\n");

    let r = s.check(&["--suite", "instructions", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["root_causes"][0]["id"], "exp/avx2/100");
    assert_eq!(
        v["root_causes"][0]["functions"][0]["function"],
        "lanes::dispatch::entry::avx2"
    );
}

#[test]
fn without_a_previous_run_the_report_says_why() {
    let s = rootcause_sandbox(0.5);
    for f in common::files(&s.path("target/gungraun"), "callgrind.avx2.n100.out.old") {
        std::fs::remove_file(f).unwrap();
    }
    let r = s.check(&["--suite", "instructions"]);
    r.assert_code(1);
    assert_contains(
        &r.stdout,
        "root cause of exp/avx2/100: no previous callgrind run",
    );
}
