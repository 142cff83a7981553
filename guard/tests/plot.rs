//! `guard check --plot DIR` end to end on real captured output.

mod common;

use common::assert::assert_contains;
use common::Sandbox;

#[test]
fn check_writes_svg_charts_and_keeps_its_verdict() {
    let s = Sandbox::with_baselines("gungraun-identical");
    // An earlier snapshot of the instruction baseline: history needs at least two.
    let current = std::fs::read_to_string(s.path("baselines/instructions-pr.json")).unwrap();
    let mut old: serde_json::Value = serde_json::from_str(&current).unwrap();
    old["updated"] = "2026-01-01".into();
    for (_, v) in old["benchmarks"].as_object_mut().unwrap() {
        v["Ir"] = (v["Ir"].as_f64().unwrap() * 0.9).into();
    }
    std::fs::create_dir_all(s.path("baselines/history")).unwrap();
    s.write(
        "baselines/history/instructions-pr-2026-01-01.json",
        &serde_json::to_string_pretty(&old).unwrap(),
    );
    let r = s.run(&["check", "--no-bench", "--plot", "plots"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_contains(&r.stderr, "wrote 5 chart(s) to plots");
    for f in [
        "backends-n100.svg",
        "backends-n1000.svg",
        "history-instructions.svg",
        "ratio-n100.svg",
        "ratio-n1000.svg",
    ] {
        let svg = std::fs::read_to_string(s.path("plots").join(f)).unwrap();
        assert!(
            svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"),
            "{f}"
        );
    }
    let ratio = std::fs::read_to_string(s.path("plots/ratio-n1000.svg")).unwrap();
    assert!(ratio.contains("lanes / NumPy") && ratio.contains("lanes / PyTorch"));
    let history = std::fs::read_to_string(s.path("plots/history-instructions.svg")).unwrap();
    assert!(history.contains("2026-01-01"), "oldest snapshot labelled");
}

#[test]
fn a_corrupt_history_file_is_named() {
    let s = Sandbox::with_baselines("gungraun-identical");
    std::fs::create_dir_all(s.path("baselines/history")).unwrap();
    s.write(
        "baselines/history/instructions-pr-old.json",
        r#"{"schema_version": 1, "suite": "instructions", "updated": "x"}"#,
    );
    let r = s.run(&["check", "--no-bench", "--plot", "plots"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert_contains(&r.stderr, "instructions-pr-old.json");
}
