//! `guard comment` against a local mock of the GitHub REST API (wiremock): create, update, pagination,
//! oversized and hostile reports, every error class, retries, timeouts, and the token never leaking.
//! End-to-end cases run the built binary; retry and timeout cases call the library with a tiny policy.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::assert::{assert_contains, assert_lacks};
use common::Run;
use guard::cli::CommentArgs;
use guard::github::sticky::{Posted, MARKER};
use guard::github::{self, ErrorKind, RetryPolicy, Token};
use guard::report::markdown::MAX_CHARS;
use guard::report::{json, Entry, Report, Status, SuiteState, SuiteSummary};
use guard::suite::Suite;
use serde_json::{json, Value};
use wiremock::matchers::{bearer_token, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "ghs_TopSecretValue0123456789";
const SHA: &str = "0123456789abcdef0123456789abcdef01234567";

/// A mock server on its own thread, and a runtime to talk to it (mount mocks, read requests).
struct Gh {
    rt: tokio::runtime::Runtime,
    server: MockServer,
}

impl Gh {
    fn new() -> Self {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let server = rt.block_on(MockServer::start());
        Self { rt, server }
    }

    fn uri(&self) -> String {
        self.server.uri()
    }

    fn mount(&self, mock: Mock) {
        self.rt.block_on(mock.mount(&self.server));
    }

    fn requests(&self) -> Vec<Request> {
        self.rt
            .block_on(self.server.received_requests())
            .unwrap_or_default()
    }

    fn verify(&self) {
        self.rt.block_on(self.server.verify());
    }

    /// The HTTP methods of the requests received so far, in order.
    fn methods(&self) -> Vec<String> {
        self.requests()
            .iter()
            .map(|r| r.method.to_string())
            .collect()
    }

    /// The body of the first request received with HTTP method `verb`.
    fn sent_body(&self, verb: &str) -> String {
        let request = self
            .requests()
            .into_iter()
            .find(|r| r.method.as_str() == verb)
            .unwrap();
        let v: Value = serde_json::from_slice(&request.body).unwrap();
        v["body"].as_str().unwrap().to_string()
    }

    /// `GET /repos/o/r/pulls/7` answering with head `sha`.
    fn pull(&self, sha: &str) {
        self.mount(
            Mock::given(method("GET"))
                .and(path("/repos/o/r/pulls/7"))
                .and(bearer_token(TOKEN))
                .respond_with(ResponseTemplate::new(200).set_body_json(
                    json!({"number": 7, "state": "open", "head": {"sha": sha, "ref": "topic"}}),
                )),
        );
    }

    /// First page of comments.
    fn comments(&self, comments: &Value, next: Option<&str>) {
        let mut answer = ResponseTemplate::new(200).set_body_json(comments);
        if let Some(next) = next {
            answer = answer.insert_header(
                "link",
                format!("<{next}>; rel=\"next\", <{next}>; rel=\"last\"").as_str(),
            );
        }
        self.mount(
            Mock::given(method("GET"))
                .and(path("/repos/o/r/issues/7/comments"))
                .and(query_param("per_page", "100"))
                .and(bearer_token(TOKEN))
                .respond_with(answer),
        );
    }
}

fn comment_json(id: u64, body: &str, login: &str, kind: &str) -> Value {
    json!({"id": id, "body": body, "user": {"login": login, "type": kind},
           "html_url": format!("https://github.com/o/r/pull/7#issuecomment-{id}")})
}

/// An answer of HTTP `status` carrying the bot's marked comment `id`.
fn bot_comment(status: u16, id: u64) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(comment_json(
        id,
        MARKER,
        "github-actions[bot]",
        "Bot",
    ))
}

fn entry(id: &str, status: Status, gate: bool) -> Entry {
    Entry {
        id: id.into(),
        suite: Suite::Instructions,
        metric: "Ir".into(),
        status,
        gate,
        baseline: Some(1_000.0),
        current: Some(1_100.0),
        change_pct: Some(10.0),
        threshold: Some(1.0),
        p_value: None,
        interval_pct: None,
        rounds: None,
        note: None,
        other_metrics: Vec::new(),
    }
}

fn report(entries: Vec<Entry>) -> Report {
    Report::new(
        "pr",
        vec![SuiteSummary {
            suite: Suite::Instructions,
            state: SuiteState::Checked,
            baseline_file: Some("baselines/instructions.json".into()),
            message: None,
            differences: Vec::new(),
        }],
        entries,
        None,
        Vec::new(),
    )
}

fn failing() -> Report {
    report(vec![
        entry("exp/avx2/1000", Status::Regression, true),
        entry("add/avx2/1000", Status::Pass, true),
    ])
}

fn write_report(dir: &Path, report: &Report) -> PathBuf {
    let p = dir.join("report.json");
    fs::write(&p, json::render(report)).unwrap();
    p
}

/// A JSON report written to `report.json` in a directory of its own (removed on drop).
struct ReportFile {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

impl ReportFile {
    fn new(report: &Report) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = write_report(dir.path(), report);
        Self { _dir: dir, path }
    }

    /// The path as a command-line argument.
    fn arg(&self) -> &str {
        self.path.to_str().unwrap()
    }
}

/// Runs the binary with a clean GitHub environment plus `env`.
fn guard(args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_guard"));
    cmd.arg("comment").args(args);
    for var in [
        "GITHUB_TOKEN",
        "GH_TOKEN",
        "GITHUB_SERVER_URL",
        "GITHUB_REPOSITORY",
        "GITHUB_RUN_ID",
    ] {
        cmd.env_remove(var);
    }
    cmd.envs(env.iter().copied());
    let o = common::output(&mut cmd);
    assert!(
        !o.stdout.contains(TOKEN) && !o.stderr.contains(TOKEN),
        "token leaked: {} / {}",
        o.stdout,
        o.stderr
    );
    o
}

fn post_args<'a>(gh: &'a str, report: &'a str) -> Vec<&'a str> {
    vec![
        "--repo",
        "o/r",
        "--pr",
        "7",
        "--report",
        report,
        "--api-url",
        gh,
    ]
}

#[test]
fn creates_the_comment_when_there_is_none() {
    let gh = Gh::new();
    gh.pull(SHA);
    gh.comments(&json!([comment_json(1, "LGTM", "alice", "User")]), None);
    gh.mount(
        Mock::given(method("POST"))
            .and(path("/repos/o/r/issues/7/comments"))
            .and(bearer_token(TOKEN))
            .respond_with(bot_comment(201, 100))
            .expect(1),
    );
    let rep = ReportFile::new(&failing());
    let uri = gh.uri();
    let mut args = post_args(&uri, rep.arg());
    args.extend(["--head-sha", SHA]);
    // GH_TOKEN is the fallback when GITHUB_TOKEN is not set.
    let o = guard(
        &args,
        &[
            ("GH_TOKEN", TOKEN),
            ("GITHUB_SERVER_URL", "https://github.com"),
            ("GITHUB_REPOSITORY", "o/r"),
            ("GITHUB_RUN_ID", "42"),
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_contains(
        &o.stderr,
        "created the comment https://github.com/o/r/pull/7#issuecomment-100",
    );
    gh.verify();
    let body = gh.sent_body("POST");
    assert!(
        body.starts_with(&format!("{MARKER}\n## ❌ guard FAIL: 1 regression")),
        "{body}"
    );
    assert_contains(&body, "exp/avx2/1000");
    assert_contains(
        &body,
        "[workflow run](https://github.com/o/r/actions/runs/42)",
    );
    assert_contains(&body, &format!("measured on {SHA}"));
}

#[test]
fn updates_the_marked_comment_found_on_page_two_with_patch() {
    let gh = Gh::new();
    gh.pull(SHA);
    let uri = gh.uri();
    // GitHub's next link points at /repositories/{id}/…, an absolute URL on the API host.
    let next = format!("{uri}/repositories/1/issues/7/comments?per_page=100&page=2");
    let page1: Vec<Value> = (1..=100)
        .map(|i| comment_json(i, "chatter", "alice", "User"))
        .collect();
    gh.comments(&Value::Array(page1), Some(&next));
    gh.mount(
        Mock::given(method("GET"))
            .and(path("/repositories/1/issues/7/comments"))
            .and(query_param("page", "2"))
            .and(bearer_token(TOKEN))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!([
                comment_json(
                    150,
                    &format!("{MARKER}\nold report"),
                    "github-actions[bot]",
                    "Bot"
                ),
                comment_json(151, "thanks", "bob", "User"),
            ])))
            .expect(1),
    );
    gh.mount(
        Mock::given(method("PATCH"))
            .and(path("/repos/o/r/issues/comments/150"))
            .and(bearer_token(TOKEN))
            .respond_with(bot_comment(200, 150))
            .expect(1),
    );
    gh.mount(
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(500))
            .expect(0),
    );
    let rep = ReportFile::new(&failing());
    let o = guard(&post_args(&uri, rep.arg()), &[("GITHUB_TOKEN", TOKEN)]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_contains(&o.stderr, "updated the comment");
    gh.verify();
    assert!(gh.sent_body("PATCH").starts_with(MARKER));
}

#[test]
fn dry_run_needs_no_token_and_no_network() {
    let rep = ReportFile::new(&failing());
    let o = guard(&["--dry-run", "--report", rep.arg()], &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout.starts_with(&format!("{MARKER}\n## ❌ guard FAIL")),
        "{}",
        o.stdout
    );
    assert_contains(&o.stderr, "dry run");
}

#[test]
fn reports_of_several_jobs_merge_into_one_comment() {
    let dir = tempfile::tempdir().unwrap();
    let instructions = write_report(
        dir.path(),
        &report(vec![entry("add/avx2/1000", Status::Pass, true)]),
    );
    let mut wall_entry = entry("exp/avx512/1000", Status::Regression, true);
    wall_entry.suite = Suite::Wall;
    wall_entry.metric = "median_ns".into();
    let mut wall = report(vec![wall_entry]);
    wall.suites[0].suite = Suite::Wall;
    let wall_path = dir.path().join("wall.json");
    fs::write(&wall_path, json::render(&wall)).unwrap();
    let o = guard(
        &[
            "--dry-run",
            "--report",
            instructions.to_str().unwrap(),
            "--report",
            wall_path.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout
            .starts_with(&format!("{MARKER}\n## ❌ guard FAIL: 1 regression, 1 pass")),
        "{}",
        o.stdout
    );
    assert_contains(&o.stdout, "**instructions**");
    assert_contains(&o.stdout, "**wall**");
}

#[test]
fn oversized_reports_fit_github_limit_and_keep_the_verdict() {
    let long = "x".repeat(190);
    let mut entries: Vec<Entry> = (0..20_000)
        .map(|i| entry(&format!("regression/{i}/{long}"), Status::Regression, true))
        .collect();
    entries.extend((0..20_000).map(|i| entry(&format!("pass/{i}/{long}"), Status::Pass, true)));
    let mut big = report(entries);
    // A hostile artifact can also bloat the parts above the tables.
    big.notes = (0..5_000).map(|i| format!("note {i} {long}")).collect();
    let rep = ReportFile::new(&big);
    let o = guard(
        &[
            "--dry-run",
            "--report",
            rep.arg(),
            "--run-url",
            "https://github.com/o/r/actions/runs/1",
        ],
        &[],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.len() < MAX_CHARS, "{}", o.stdout.len());
    assert!(
        o.stdout
            .starts_with(&format!("{MARKER}\n## ❌ guard FAIL: 20000 regressions")),
        "{}",
        &o.stdout[..200]
    );
    // The renderer bounds the notes itself (they no longer push the tables out and force a blind cut).
    assert_contains(&o.stdout, "more suite, difference or note lines not shown");
    assert_contains(&o.stdout, "### Regressions");
    assert_contains(
        &o.stdout,
        "[workflow run](https://github.com/o/r/actions/runs/1)",
    );
}

#[test]
fn hostile_reports_cannot_forge_the_verdict_or_inject_markup() {
    let mut bad = report(vec![
        entry(
            "x</details>\n## ✅ guard PASS @octocat <img src=x onerror=alert(1)> [a](http://evil)",
            Status::Regression,
            true,
        ),
        entry("y", Status::Pass, true),
    ]);
    // Claim a pass and no regressions next to a failing entry.
    bad.verdict = guard::report::Verdict::Pass;
    bad.counts = guard::report::Counts::default();
    bad.suites[0].baseline_file = Some("b.json`\n## ✅ guard PASS".into());
    let rep = ReportFile::new(&bad);
    let o = guard(&["--dry-run", "--report", rep.arg()], &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let body = o.stdout;
    assert!(
        body.starts_with(&format!("{MARKER}\n## ❌ guard FAIL: 1 regression")),
        "{body}"
    );
    // The forged verdict survives only as escaped text inside a table cell or code span, never as a heading.
    assert!(
        !body.lines().any(|l| l.trim_start().starts_with("## ✅")),
        "{body}"
    );
    for injected in ["@octocat", "<img", "](http://evil)", "x</details>"] {
        assert!(!body.contains(injected), "{injected} in {body}");
    }
}

#[test]
fn unusable_reports_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let md = dir.path().join("report.md");
    fs::write(&md, "## ✅ guard PASS\n").unwrap();
    let o = guard(&["--dry-run", "--report", md.to_str().unwrap()], &[]);
    assert_eq!(o.code, 2);
    assert_contains(&o.stderr, "--format json");
    // Larger than the read limit: refused from its size, without reading it (a sparse file).
    let huge = dir.path().join("huge.json");
    fs::File::create(&huge)
        .unwrap()
        .set_len(guard::fsio::MAX_FILE_BYTES + 1)
        .unwrap();
    let o = guard(&["--dry-run", "--report", huge.to_str().unwrap()], &[]);
    assert_eq!(o.code, 2);
    assert_contains(&o.stderr, "more than the limit");
    let o = guard(&["--dry-run", "--report", "/nonexistent/r.json"], &[]);
    assert_eq!(o.code, 2);
    assert_eq!(o.stderr.lines().count(), 1, "{}", o.stderr);
}

#[test]
fn missing_token_exits_2_with_a_hint() {
    let rep = ReportFile::new(&failing());
    let o = guard(&post_args("http://127.0.0.1:9", rep.arg()), &[]);
    assert_eq!(o.code, 2);
    assert!(
        o.stderr
            .starts_with("guard: error: no token: set GITHUB_TOKEN (or GH_TOKEN)"),
        "{}",
        o.stderr
    );
    let o = guard(
        &post_args("http://127.0.0.1:9", rep.arg()),
        &[("GITHUB_TOKEN", "two words")],
    );
    assert_eq!(o.code, 2);
    assert_lacks(&o.stderr, "two words");
    // Without --dry-run, --repo and --pr are required (a usage error).
    let o = guard(&["--report", rep.arg()], &[("GITHUB_TOKEN", TOKEN)]);
    assert_eq!(o.code, 2);
    assert_contains(&o.stderr, "--repo");
}

/// Each HTTP error class gives exit 2 and an actionable one-line message; a server that echoes the
/// token does not get it printed.
#[test]
fn error_classes_exit_2_with_actionable_messages() {
    let cases: [(&str, u16, &str, &str); 5] = [
        (
            "GET",
            401,
            "Bad credentials (token ghs_TopSecretValue0123456789)",
            "rejected the token",
        ),
        (
            "GET",
            404,
            "Not Found",
            "PR not found: o/r has no pull request #7",
        ),
        (
            "POST",
            403,
            "Resource not accessible by integration",
            "lacks `pull-requests: write` on o/r",
        ),
        (
            "POST",
            422,
            "Body is too long",
            "GitHub refused the request (HTTP 422",
        ),
        (
            "POST",
            400,
            "Problems parsing JSON",
            "unexpected answer HTTP 400",
        ),
    ];
    for (verb, status, message, expected) in cases {
        let gh = Gh::new();
        let answer = ResponseTemplate::new(status)
            .insert_header("x-ratelimit-remaining", "4999")
            .set_body_json(json!({"message": message}));
        if verb == "GET" {
            gh.mount(
                Mock::given(method("GET"))
                    .and(path("/repos/o/r/pulls/7"))
                    .respond_with(answer)
                    .expect(1),
            );
        } else {
            gh.pull(SHA);
            gh.comments(&json!([]), None);
            gh.mount(
                Mock::given(method("POST"))
                    .and(path("/repos/o/r/issues/7/comments"))
                    .respond_with(answer)
                    .expect(1),
            );
        }
        let rep = ReportFile::new(&failing());
        let uri = gh.uri();
        let o = guard(&post_args(&uri, rep.arg()), &[("GITHUB_TOKEN", TOKEN)]);
        assert_eq!(o.code, 2, "{status}: {}", o.stderr);
        assert!(o.stderr.contains(expected), "{status}: {}", o.stderr);
        assert_eq!(o.stderr.lines().count(), 1, "{status}: {}", o.stderr);
        // Client errors are final: one request each, no retries.
        gh.verify();
    }
}

#[test]
fn a_moved_head_is_not_commented_on() {
    let gh = Gh::new();
    gh.pull(&"f".repeat(40));
    gh.mount(
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(201))
            .expect(0),
    );
    let rep = ReportFile::new(&failing());
    let uri = gh.uri();
    let mut args = post_args(&uri, rep.arg());
    args.extend(["--head-sha", SHA]);
    let o = guard(&args, &[("GITHUB_TOKEN", TOKEN)]);
    assert_eq!(o.code, 2);
    assert_contains(&o.stderr, "not commenting");
    gh.verify();
}

// ---- Library level: retries and deadlines with a tiny policy. ----

fn tiny(attempts: u32, timeout: Duration) -> RetryPolicy {
    RetryPolicy {
        attempts,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(200),
        request_timeout: timeout,
        connect_timeout: timeout,
    }
}

fn lib_args(uri: &str) -> CommentArgs {
    CommentArgs {
        repo: Some("o/r".into()),
        pr: Some(7),
        reports: vec![PathBuf::from("unused.json")],
        api_url: uri.into(),
        dry_run: false,
        head_sha: None,
        run_url: None,
        author: Some("github-actions[bot]".into()),
    }
}

fn token() -> Token {
    Token::new(TOKEN, "GITHUB_TOKEN").unwrap()
}

fn body() -> String {
    format!("{MARKER}\n## ✅ guard PASS\n")
}

/// Posts [`body`] to the API at `uri` through the library, with a [`tiny`] policy.
fn post(uri: &str, attempts: u32, timeout: Duration) -> github::Result<Posted> {
    guard::app::post(&lib_args(uri), &body(), &token(), tiny(attempts, timeout))
}

#[test]
fn server_errors_and_rate_limits_are_retried_then_succeed() {
    let gh = Gh::new();
    // The PR read fails twice with 502, the listing hits a secondary rate limit once, the create a 429.
    gh.mount(
        Mock::given(method("GET"))
            .and(path("/repos/o/r/pulls/7"))
            .respond_with(ResponseTemplate::new(502))
            .up_to_n_times(2)
            .expect(2),
    );
    gh.pull(SHA);
    gh.mount(
        Mock::given(method("GET"))
            .and(path("/repos/o/r/issues/7/comments"))
            .respond_with(
                ResponseTemplate::new(403)
                    .insert_header("retry-after", "0")
                    .set_body_json(json!({"message": "You have exceeded a secondary rate limit."})),
            )
            .up_to_n_times(1)
            .expect(1),
    );
    gh.comments(&json!([]), None);
    gh.mount(
        Mock::given(method("POST"))
            .and(path("/repos/o/r/issues/7/comments"))
            .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
            .up_to_n_times(1)
            .expect(1),
    );
    gh.mount(
        Mock::given(method("POST"))
            .and(path("/repos/o/r/issues/7/comments"))
            .and(bearer_token(TOKEN))
            .respond_with(bot_comment(201, 5)),
    );
    let posted = post(&gh.uri(), 4, Duration::from_secs(5)).unwrap();
    assert!(
        matches!(posted, Posted::Created(ref c) if c.id == 5),
        "{posted:?}"
    );
    gh.verify();
    assert_eq!(
        gh.methods(),
        ["GET", "GET", "GET", "GET", "GET", "POST", "POST"]
    );
}

#[test]
fn retries_are_bounded() {
    let gh = Gh::new();
    gh.mount(
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(503))
            .expect(3),
    );
    let e = post(&gh.uri(), 3, Duration::from_secs(5)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Server);
    assert_contains(&e.to_string(), "gave up after 3 tries");
    gh.verify();
}

#[test]
fn a_rate_limit_longer_than_the_policy_fails_at_once() {
    let gh = Gh::new();
    let reset = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 3_000;
    gh.mount(
        Mock::given(method("GET"))
            .respond_with(
                ResponseTemplate::new(403)
                    .insert_header("x-ratelimit-remaining", "0")
                    .insert_header("x-ratelimit-reset", reset.to_string().as_str())
                    .set_body_json(json!({"message": "API rate limit exceeded"})),
            )
            .expect(1),
    );
    let e = post(&gh.uri(), 4, Duration::from_secs(5)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::RateLimited);
    assert_contains(&e.to_string(), "re-run the job later");
    gh.verify();
}

#[test]
fn a_create_that_fails_transiently_is_checked_before_retrying() {
    // The first POST answers 502 (it may or may not have created the comment): the guard lists the
    // comments again before creating, so a retry never duplicates the comment.
    let gh = Gh::new();
    gh.pull(SHA);
    gh.comments(&json!([]), None);
    gh.mount(
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(502))
            .up_to_n_times(1)
            .expect(1),
    );
    gh.mount(Mock::given(method("POST")).respond_with(bot_comment(201, 9)));
    let posted = post(&gh.uri(), 3, Duration::from_secs(5)).unwrap();
    assert!(matches!(posted, Posted::Created(_)));
    assert_eq!(gh.methods(), ["GET", "GET", "POST", "GET", "POST"]);
}

#[test]
fn a_silent_server_times_out_instead_of_hanging() {
    let gh = Gh::new();
    gh.mount(
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(30))),
    );
    let start = Instant::now();
    let e = post(&gh.uri(), 2, Duration::from_millis(300)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout);
    assert_contains(&e.to_string(), "gave up after 2 tries");
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn an_unreachable_api_is_a_network_error() {
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let start = Instant::now();
    let e = post(
        &format!("http://127.0.0.1:{port}"),
        2,
        Duration::from_secs(2),
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Network, "{e}");
    assert_contains(&e.to_string(), "no answer from http://127.0.0.1");
    assert!(!e.to_string().contains(TOKEN));
    assert!(start.elapsed() < Duration::from_secs(10));
}
