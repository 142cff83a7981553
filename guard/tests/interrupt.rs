//! Interrupted and concurrent `baseline update`: SIGKILL at many points leaves each baseline file either the
//! old or the new one (never mixed or truncated); a second update while one runs refuses with exit 2.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::assert::assert_contains;
use common::{synth, Sandbox};
use guard::baseline::BaselineFile;
use guard::baseline::{IrStats, WallStats};
use guard::suite::Suite;

/// Baseline files, name → bytes.
type Files = BTreeMap<String, Vec<u8>>;

/// Baseline files written by guard (not numpy.json).
fn baselines(s: &Sandbox) -> Files {
    let mut out = BTreeMap::new();
    for entry in fs::read_dir(s.path("baselines")).unwrap() {
        let p = entry.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("instructions-") || name.starts_with("wall-") {
            out.insert(name, fs::read(&p).unwrap());
        }
    }
    out
}

fn restore(s: &Sandbox, files: &Files) {
    for (name, bytes) in files {
        fs::write(s.path("baselines").join(name), bytes).unwrap();
    }
}

fn parses(name: &str, bytes: &[u8]) -> bool {
    let p = std::path::Path::new(name);
    if name.starts_with("wall-") {
        BaselineFile::<WallStats>::parse(bytes, p, Suite::Wall).is_ok()
    } else {
        BaselineFile::<IrStats>::parse(bytes, p, Suite::Instructions).is_ok()
    }
}

/// A sandbox with an old baseline of a large tree and new results (every value × 1.5) in the target dir;
/// returns the old and the new baseline files and how long one complete update takes.
fn old_and_new(wall: usize, ir: usize) -> (Sandbox, Files, Files, Duration) {
    let s = Sandbox::new("gungraun-identical");
    synth::results(&s.path("target"), wall, ir, 100, 1.0);
    s.update();
    let old = baselines(&s);
    synth::results(&s.path("target"), wall, ir, 100, 1.5);
    let start = Instant::now();
    s.update();
    let full = start.elapsed();
    let new = baselines(&s);
    assert_eq!(old.len(), 2);
    assert_eq!(
        new.keys().collect::<Vec<_>>(),
        old.keys().collect::<Vec<_>>()
    );
    assert!(old.iter().all(|(k, v)| new[k] != *v), "new values differ");
    (s, old, new, full)
}

#[test]
fn sigkill_at_any_point_leaves_old_or_new_baselines() {
    let (s, old, new, full) = old_and_new(1_500, 1_500);
    let points = 30;
    let (mut saw_old, mut saw_new) = (0, 0);
    for i in 0..points {
        restore(&s, &old);
        let mut child = s
            .command(&["baseline", "update", "--no-bench"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Spread the kill points over a whole run, a little past its end.
        std::thread::sleep(full.mul_f64(1.1 * f64::from(i) / f64::from(points)));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        for (name, bytes) in baselines(&s) {
            assert!(
                parses(&name, &bytes),
                "kill point {i}: {name} does not parse"
            );
            if bytes == old[&name] {
                saw_old += 1;
            } else if bytes == new[&name] {
                saw_new += 1;
            } else {
                panic!("kill point {i}: {name} is neither the old nor the new baseline");
            }
        }
    }
    eprintln!(
        "{points} SIGKILLs over a {:.2} s update: {saw_old} files old, {saw_new} new, none mixed",
        full.as_secs_f64()
    );
    // The kill points must have straddled the writes, or this test proved nothing.
    assert!(saw_old > 0 && saw_new > 0, "old {saw_old}, new {saw_new}");
    // A complete update afterwards clears the temporary files the killed ones left behind.
    s.update();
    let left: Vec<_> = fs::read_dir(s.path("baselines"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| {
            std::path::Path::new(n)
                .extension()
                .is_some_and(|e| e == "tmp")
        })
        .collect();
    assert!(left.is_empty(), "{left:?}");
    assert_eq!(baselines(&s), new);
}

#[test]
fn an_update_while_another_holds_the_lock_exits_2_naming_the_dir() {
    let s = Sandbox::with_baselines("gungraun-identical");
    let before = baselines(&s);
    let lock = guard::fsio::lock_dir(&s.path("baselines")).unwrap();
    let r = s.run(&["baseline", "update", "--no-bench"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr
            .starts_with("guard: error: baselines: another `guard baseline update` is writing"),
        "{r:?}"
    );
    assert_contains(&r.stderr, "wait for it to finish, then rerun");
    assert_eq!(baselines(&s), before);
    drop(lock);
    s.update();
}

#[test]
fn concurrent_updates_never_corrupt_each_other() {
    let (s, old, new, _) = old_and_new(500, 500);
    let mut refused = 0;
    for _ in 0..6 {
        restore(&s, &old);
        let children: Vec<_> = (0..2)
            .map(|_| {
                s.command(&["baseline", "update", "--no-bench"])
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let mut codes = Vec::new();
        for c in children {
            let out = c.wait_with_output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
            let code = out.status.code().unwrap();
            if code == 2 {
                assert_contains(&stderr, "another `guard baseline update`");
                refused += 1;
            } else {
                assert_eq!(code, 0, "{stderr}");
            }
            codes.push(code);
        }
        assert!(codes.contains(&0), "{codes:?}");
        assert_eq!(baselines(&s), new);
    }
    eprintln!("6 pairs of concurrent updates: {refused} refused (exit 2), the rest ran one after the other");
}
