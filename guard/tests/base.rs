//! `guard check` in its default mode: the base commit measured here and now, in a git worktree under the target
//! dir. A fake cargo stands in for the benches: it copies the Criterion results committed in the checkout it runs
//! in (`results/criterion`) into its `CARGO_TARGET_DIR` and logs where it ran, so base and head differ exactly by
//! what a test committed (or left uncommitted).

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use common::{Run, Sandbox};

const SLOW: &str = "add/avx2/100";

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {out:?}");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// A repository on `main` with two commits: the results of the fixture run, then the same with `SLOW` 30 %
/// slower. The fake cargo is outside the repository's tracked files.
fn repo() -> Sandbox {
    use std::os::unix::fs::PermissionsExt;
    let s = Sandbox::new("gungraun-identical");
    fs::create_dir_all(s.path("results")).unwrap();
    fs::rename(s.path("target/criterion"), s.path("results/criterion")).unwrap();
    let log = s.path("cargo.log");
    let script = format!(
        "#!/bin/sh\nset -e\necho \"$PWD|$CARGO_TARGET_DIR|$*\" >> '{}'\n\
         [ ! -e fail-here ] || {{ echo 'error: could not compile `lanes`' >&2; exit 101; }}\n\
         mkdir -p \"$CARGO_TARGET_DIR\"\nrm -rf \"$CARGO_TARGET_DIR/criterion\"\n\
         cp -R results/criterion \"$CARGO_TARGET_DIR/criterion\"\n",
        log.display()
    );
    fs::write(s.path("fake-cargo"), script).unwrap();
    fs::set_permissions(s.path("fake-cargo"), fs::Permissions::from_mode(0o755)).unwrap();
    s.write(".gitignore", "/target/\n/fake-cargo\n/cargo.log\n");
    git(s.dir.path(), &["init", "-q", "-b", "main"]);
    git(s.dir.path(), &["add", "-A"]);
    git(s.dir.path(), &["commit", "-q", "-m", "base"]);
    s.scale_wall_in("results/criterion", SLOW, 1.3);
    git(s.dir.path(), &["commit", "-q", "-am", "slower add"]);
    s
}

fn check(s: &Sandbox, extra: &[&str]) -> Run {
    let mut args = vec![
        "check",
        "--suite",
        "wall",
        "--numpy",
        "baselines/numpy.json",
    ];
    args.extend_from_slice(extra);
    common::output(s.command(&args).env("CARGO", s.path("fake-cargo")))
}

fn log(s: &Sandbox) -> Vec<String> {
    fs::read_to_string(s.path("cargo.log"))
        .unwrap_or_default()
        .lines()
        .map(String::from)
        .collect()
}

#[test]
fn clean_tip_of_main_is_compared_with_its_parent_measured_in_a_worktree() {
    let s = repo();
    let root = s.dir.path();
    let head = git(root, &["rev-parse", "HEAD"]);
    let parent = git(root, &["rev-parse", "HEAD^"]);
    let r = check(&s, &[]);
    assert_eq!(r.code, 0, "{r:?}"); // the wall-clock gate is advisory
    let first = r.stdout.lines().next().unwrap();
    assert_eq!(
        first,
        format!(
            "base {} (HEAD is on main with a clean tree, so its parent) vs head {}, both measured on this machine in this run",
            &parent[..10],
            &head[..10]
        ),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .lines()
            .any(|l| l.split_whitespace().take(3).eq(["warning", "wall", SLOW])),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("+30.00%"), "{}", r.stdout);
    // The base ran in its worktree into a target dir of its own, then the head here into target/.
    let runs = log(&s);
    let base_dir = root.join("target/guard/base");
    assert!(
        runs[0].starts_with(&format!(
            "{}|{}|bench --bench wall",
            base_dir.join("worktree").display(),
            base_dir.join("target").display()
        )),
        "{runs:?}"
    );
    assert!(
        runs[1].starts_with(&format!(
            "{}|{}|bench --bench wall",
            root.display(),
            root.join("target").display()
        )),
        "{runs:?}"
    );
    // The worktree holds the parent's files; the base's results are stored as a baseline file.
    let wt = git(&base_dir.join("worktree"), &["rev-parse", "HEAD"]);
    assert_eq!(wt, parent);
    assert!(base_dir
        .join(&parent)
        .join("wall-pr-test-machine.json")
        .is_file());
    // The user's tree is untouched and the report says what was compared.
    assert_eq!(git(root, &["status", "--porcelain"]), "");
    let j = check(&s, &["--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&j.stdout).unwrap();
    assert_eq!(v["base"]["base"], parent.as_str());
    assert_eq!(v["base"]["head"], head.as_str());
    assert_eq!(v["base"]["head_dirty"], false);
}

#[test]
fn uncommitted_changes_are_the_change_and_the_report_says_so() {
    let s = repo();
    let root = s.dir.path();
    let head = git(root, &["rev-parse", "HEAD"]);
    // Undo the slowdown in the working tree only: HEAD is the base, the tree is 1/1.3 as slow.
    s.scale_wall_in("results/criterion", SLOW, 1.0 / 1.3);
    let r = check(&s, &[]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.starts_with(&format!(
        "base {} (HEAD is on main; the uncommitted changes are the change) vs head {} + uncommitted changes",
        &head[..10],
        &head[..10]
    )), "{}", r.stdout);
    assert!(
        r.stdout.lines().any(|l| l
            .split_whitespace()
            .take(3)
            .eq(["improvement", "wall", SLOW])),
        "{}",
        r.stdout
    );
    let md = check(&s, &["--format", "markdown"]);
    assert!(md.stdout.contains("**compared with**"), "{}", md.stdout);
    assert!(md.stdout.contains("uncommitted changes"), "{}", md.stdout);
}

#[test]
fn an_explicit_base_is_used_as_given() {
    let s = repo();
    let root = s.dir.path();
    let parent = git(root, &["rev-parse", "HEAD^"]);
    git(root, &["tag", "v1", &parent]);
    let r = check(&s, &["--base", "v1"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout
            .starts_with(&format!("base {} (--base v1)", &parent[..10])),
        "{}",
        r.stdout
    );
}

#[test]
fn a_base_that_cannot_be_measured_is_no_verdict() {
    let s = repo();
    let bad = check(&s, &["--base", "no-such-branch"]);
    assert_eq!(bad.code, 2, "{bad:?}");
    assert!(
        bad.stderr
            .contains("--base \"no-such-branch\" names no commit"),
        "{}",
        bad.stderr
    );
    // The base's bench fails (the marker is committed in the base only).
    let root = s.dir.path();
    s.write("fail-here", "");
    git(root, &["add", "fail-here"]);
    git(root, &["commit", "-q", "-m", "broken base"]);
    git(root, &["rm", "-q", "fail-here"]);
    git(root, &["commit", "-q", "-m", "fixed head"]);
    let r = check(&s, &[]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr
            .contains("guard/base/worktree && LANES_BENCH_PROFILE=pr cargo bench --bench wall"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.lines().count() >= 1);
    assert!(!s
        .path("target/guard/base")
        .join(git(root, &["rev-parse", "HEAD^"]))
        .join("wall-pr-test-machine.json")
        .exists());
}

#[test]
fn without_a_default_branch_the_message_says_what_to_pass() {
    let s = repo();
    git(s.dir.path(), &["branch", "-q", "-m", "main", "work"]);
    let r = check(&s, &[]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("no default branch"), "{}", r.stderr);
    assert!(r.stderr.contains("--base REV"), "{}", r.stderr);
}
