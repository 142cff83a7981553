//! Replays the committed fuzz corpora (`guard/fuzz/corpus/<target>/`) on stable: every corpus file is fed to
//! every parser of `tests/fuzz_targets` (not only its own: a summary.json is also a hostile thresholds.toml),
//! plus every real fixture. A panic is a failure naming the file. This is how CI replays the corpora; the
//! long runs themselves need nightly (`guard/fuzz/README.md`, `docs/RELIABILITY.md`).

mod fuzz_targets;

use std::fs;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use fuzz_targets::TARGETS;

const GUARD: &str = env!("CARGO_MANIFEST_DIR");

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let p = entry.unwrap().path();
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// Feeds `inputs` to every target; returns the failures as "target <- file: message".
fn replay(inputs: &[PathBuf]) -> Vec<String> {
    replay_with(inputs, TARGETS)
}

fn replay_with(inputs: &[PathBuf], targets: &[fuzz_targets::Target]) -> Vec<String> {
    let mut failures = Vec::new();
    for file in inputs {
        let data = fs::read(file).unwrap();
        for (name, target) in targets {
            if let Err(p) = catch_unwind(AssertUnwindSafe(|| target(&data))) {
                let msg = p
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| (*s).to_string()))
                    .unwrap_or_default();
                failures.push(format!("{name} <- {}: {msg}", file.display()));
            }
        }
    }
    failures
}

#[test]
fn every_corpus_file_through_every_parser() {
    let root = Path::new(GUARD).join("fuzz/corpus");
    let mut total = 0;
    for (name, _) in TARGETS {
        let mut inputs = Vec::new();
        files_under(&root.join(name), &mut inputs);
        assert!(
            inputs.len() >= 5,
            "corpus {name} has only {} files: did `cargo fuzz cmin` lose it?",
            inputs.len()
        );
        total += inputs.len();
        let failures = replay(&inputs);
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
    eprintln!(
        "replayed {total} corpus files through {} parsers",
        TARGETS.len()
    );
}

#[test]
fn every_fixture_through_every_parser() {
    let mut inputs = Vec::new();
    files_under(&Path::new(GUARD).join("tests/fixtures"), &mut inputs);
    for rel in [
        "../thresholds.toml",
        "../baselines/instructions-pr.json",
        "../baselines/numpy.json",
    ] {
        inputs.push(Path::new(GUARD).join(rel));
    }
    let failures = replay(&inputs);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_panicking_parser_is_reported() {
    fn boom(data: &[u8]) {
        assert!(data.is_empty(), "boom");
    }
    let file = Path::new(GUARD).join("../thresholds.toml");
    let failures = replay_with(&[file], &[("boom", boom)]);
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert!(failures[0].starts_with("boom <- ") && failures[0].ends_with("boom"));
}
