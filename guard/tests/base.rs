//! `guard check` in its default mode: the base commit measured here and now, in a git worktree under the target
//! dir, paired with the head in lockstep. A fake cargo stands in for the build: it logs where it ran and names a
//! fake bench executable, which answers the lockstep protocol (benches/common/serve.rs) with the per-iteration
//! times committed in the checkout it runs in (`results/times.txt`), so base and head differ exactly by what a
//! test committed (or left uncommitted).

mod common;

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::Command;

use common::assert::{assert_contains, assert_row};
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

/// The per-iteration time of every benchmark of the fixture run, one `id ns` line each.
fn times(s: &Sandbox) -> String {
    let results = guard::suite::criterion::read_dir(&s.path("target/criterion"), None).unwrap();
    results.iter().fold(String::new(), |mut out, r| {
        let _ = writeln!(out, "{} {}", r.id, r.median_ns);
        out
    })
}

/// `results/times.txt` with `id`'s time multiplied by `factor`.
fn scale(s: &Sandbox, id: &str, factor: f64) {
    let text = fs::read_to_string(s.path("results/times.txt")).unwrap();
    let scaled = text.lines().fold(String::new(), |mut out, l| {
        let _ = match l.split_once(' ') {
            Some((i, ns)) if i == id => {
                writeln!(out, "{i} {}", ns.parse::<f64>().unwrap() * factor)
            }
            _ => writeln!(out, "{l}"),
        };
        out
    });
    s.write("results/times.txt", &scaled);
}

/// A repository on `main` with two commits: the times of the fixture run, then the same with `SLOW` 30 %
/// slower. The fake cargo and bench are outside the repository's tracked files; the thresholds measure few rounds
/// (the fake's times have no noise).
fn repo() -> Sandbox {
    use std::os::unix::fs::PermissionsExt;
    let s = Sandbox::new("gungraun-identical");
    fs::create_dir_all(s.path("results")).unwrap();
    s.write("results/times.txt", &times(&s));
    fs::remove_dir_all(s.path("target/criterion")).unwrap();
    let thresholds = fs::read_to_string(s.path("thresholds.toml")).unwrap();
    s.write(
        "thresholds.toml",
        &thresholds
            .replace("rounds = 20", "rounds = 3")
            .replace("pairs = 20", "pairs = 3"),
    );
    let log = s.path("cargo.log");
    let bench = s.path("fake-bench");
    let cargo = format!(
        "#!/bin/sh\nset -e\necho \"$PWD|$CARGO_TARGET_DIR|$*\" >> '{}'\n\
         [ ! -e fail-here ] || {{ echo 'error: could not compile `lanes`' >&2; exit 101; }}\n\
         echo '{{\"reason\":\"compiler-artifact\",\"target\":{{\"name\":\"wall\",\"kind\":[\"bench\"]}},\"executable\":\"{}\"}}'\n",
        log.display(),
        bench.display()
    );
    let server = "#!/bin/sh\n[ \"$LANES_BENCH_SERVE\" = 1 ] || { echo 'fake bench: lockstep mode only' >&2; exit 1; }\n\
         id=\n\
         while read -r cmd a b; do\n\
           case \"$cmd\" in\n\
             list) cut -d' ' -f1 results/times.txt | tr '\\n' ' '; echo ;;\n\
             prepare) id=$a; echo ok ;;\n\
             run) awk -v id=\"$id\" -v n=\"$a\" '$1 == id { printf \"%.0f %.0f\\n\", $2 * n, $2 * n; f = 1 } END { if (!f) print \"error: no benchmark \" id }' results/times.txt ;;\n\
             *) exit 0 ;;\n\
           esac\n\
         done\n";
    for (name, text) in [("fake-cargo", cargo.as_str()), ("fake-bench", server)] {
        fs::write(s.path(name), text).unwrap();
        fs::set_permissions(s.path(name), fs::Permissions::from_mode(0o755)).unwrap();
    }
    s.write(
        ".gitignore",
        "/target/\n/fake-cargo\n/fake-bench\n/cargo.log\n",
    );
    git(s.dir.path(), &["init", "-q", "-b", "main"]);
    git(s.dir.path(), &["add", "-A"]);
    git(s.dir.path(), &["commit", "-q", "-m", "base"]);
    scale(&s, SLOW, 1.3);
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
    assert_eq!(r.code, 1, "{r:?}"); // the paired wall-clock comparison gates
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
    assert_row(&r.stdout, &["regression", "wall", SLOW]);
    // Noise-free times: the interval has no width.
    assert_contains(&r.stdout, "+30.00% [+30.00, +30.00]");
    assert_contains(&r.stdout, "paired with base");
    // The base was built in its worktree into a target dir of its own, the head here into target/.
    let runs = log(&s);
    let base_dir = root.join("target/guard/base");
    let built = |dir: &Path, target: &Path| {
        runs.iter().any(|r| {
            r.starts_with(&format!(
                "{}|{}|bench --bench wall --no-run",
                dir.display(),
                target.display()
            ))
        })
    };
    assert!(
        built(&base_dir.join("worktree"), &base_dir.join("target")),
        "{runs:?}"
    );
    assert!(built(root, &root.join("target")), "{runs:?}");
    // The worktree holds the parent's files; every batch of the paired run is kept.
    let wt = git(&base_dir.join("worktree"), &["rev-parse", "HEAD"]);
    assert_eq!(wt, parent);
    let paired: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(root.join("target/guard/paired/pr/paired.json")).unwrap(),
    )
    .unwrap();
    let slow = paired["samples"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == SLOW)
        .unwrap();
    assert_eq!(slow["rounds"].as_array().unwrap().len(), 3);
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
    scale(&s, SLOW, 1.0 / 1.3);
    let r = check(&s, &[]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.starts_with(&format!(
        "base {} (HEAD is on main; the uncommitted changes are the change) vs head {} + uncommitted changes",
        &head[..10],
        &head[..10]
    )), "{}", r.stdout);
    assert_row(&r.stdout, &["improvement", "wall", SLOW]);
    let md = check(&s, &["--format", "markdown"]);
    assert_contains(&md.stdout, "**compared with**");
    assert_contains(&md.stdout, "uncommitted changes");
}

#[test]
fn an_explicit_base_is_used_as_given() {
    let s = repo();
    let root = s.dir.path();
    let parent = git(root, &["rev-parse", "HEAD^"]);
    git(root, &["tag", "v1", &parent]);
    let r = check(&s, &["--base", "v1"]);
    assert_eq!(r.code, 1, "{r:?}");
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
    assert_contains(&bad.stderr, "--base \"no-such-branch\" names no commit");
    // The base's bench fails (the marker is committed in the base only).
    let root = s.dir.path();
    s.write("fail-here", "");
    git(root, &["add", "fail-here"]);
    git(root, &["commit", "-q", "-m", "broken base"]);
    git(root, &["rm", "-q", "fail-here"]);
    git(root, &["commit", "-q", "-m", "fixed head"]);
    let r = check(&s, &[]);
    assert_eq!(r.code, 2, "{r:?}");
    assert_contains(
        &r.stderr,
        "guard/base/worktree && LANES_BENCH_PROFILE=pr cargo bench --bench wall",
    );
    assert!(r.stderr.lines().count() >= 1);
    assert!(!s.path("target/guard/paired/pr/paired.json").exists());
}

#[test]
fn without_a_default_branch_the_message_says_what_to_pass() {
    let s = repo();
    git(s.dir.path(), &["branch", "-q", "-m", "main", "work"]);
    let r = check(&s, &[]);
    assert_eq!(r.code, 2, "{r:?}");
    assert_contains(&r.stderr, "no default branch");
    assert_contains(&r.stderr, "--base REV");
}
