//! [`Api`] over octocrab (rustls with the ring provider) on a current-thread tokio runtime that exists only
//! inside this client. Every request has a deadline; transient failures are retried per [`RetryPolicy`].
//!
//! octocrab does the HTTP: authentication, the base URL, its typed `get` / `post` / `patch` calls (the
//! answer deserialized into guard's types), its [`octocrab::Page`] (the next page from the `Link` header)
//! and its [`GitHubError`] (the status, GitHub's message and the headers of a failed answer, which
//! [`super::retry`] decides on). Written here, and why:
//! - **The routes.** octocrab's endpoint methods (`pulls().get`, `issues().list_comments`,
//!   `create_comment`, `update_comment`) return its full models, which require fields guard never reads
//!   (`node_id`, `url`, `created_at`, a non-null `user`, …), so a lean or partial answer fails to parse; and
//!   its `update_comment` sends `POST` (octocrab 0.54.9, `src/api/issues.rs`) where GitHub documents
//!   `PATCH /repos/{owner}/{repo}/issues/comments/{id}`. The generic calls with guard's own types do the job.
//! - **Paging one page at a time.** octocrab's `all_pages` reads every page with no bound, no retry per
//!   page and no early stop; [`super::sticky`] stops at the guard's comment and bounds the pages, so each
//!   page is one [`Api::comments_page`] call (through octocrab's `Page`).
//! - **Retries and the deadline**: see [`super::retry`] for why octocrab's `RetryConfig` does not fit; its
//!   `timeout` feature bounds connecting, reading and writing separately, not the whole exchange, so the
//!   whole request runs under one `tokio::time::timeout`.

use std::fmt;
use std::future::Future;
use std::time::{SystemTime, UNIX_EPOCH};

use octocrab::GitHubError;
use serde::Deserialize;
use serde_json::json;

use super::retry::{decide, Answer, Decision};
use super::{Api, Comment, Error, ErrorKind, Page, PullRequest, Repo, Result, RetryPolicy, Token};

/// Comments per page (GitHub's maximum).
const PER_PAGE: u32 = 100;

/// Longest GitHub message quoted in an error.
const MAX_MESSAGE_CHARS: usize = 200;

/// A GitHub REST client. Its `Debug` shows the API URL and policy only.
pub struct Client {
    runtime: tokio::runtime::Runtime,
    crab: octocrab::Octocrab,
    /// `scheme://authority[/path]`, no trailing slash.
    base: String,
    /// `scheme://authority/`: pagination links must start with it.
    origin: String,
    policy: RetryPolicy,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("api_url", &self.base)
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

/// What an operation is about, for messages.
#[derive(Debug, Clone, Copy)]
enum Op<'a> {
    ReadPull(&'a Repo, u64),
    ListComments(&'a Repo, u64),
    Create(&'a Repo, u64),
    Update(&'a Repo, u64),
}

impl fmt::Display for Op<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ReadPull(r, n) => write!(f, "reading PR #{n} of {r}"),
            Self::ListComments(r, n) => write!(f, "listing the comments of PR #{n} of {r}"),
            Self::Create(r, n) => write!(f, "commenting on PR #{n} of {r}"),
            Self::Update(r, id) => write!(f, "updating comment {id} in {r}"),
        }
    }
}

/// An attempt that failed.
enum Failure {
    /// GitHub answered with an error status.
    Answer(Answer),
    /// A successful answer guard cannot read (its JSON, or its `Link` header).
    Unreadable(String),
    /// Connection or protocol failure.
    Transport(String),
    /// No complete answer within the deadline.
    Timeout,
}

impl From<octocrab::Error> for Failure {
    fn from(e: octocrab::Error) -> Self {
        match e {
            octocrab::Error::GitHub { source, .. } => Self::Answer(answer(&source)),
            octocrab::Error::Json { source, .. } => Self::Unreadable(source.inner().to_string()),
            octocrab::Error::Serde { source, .. } => Self::Unreadable(source.to_string()),
            // A page that is neither a list nor a known wrapper object, or a `Link` header that is no URL.
            octocrab::Error::Other { source, .. } => Self::Unreadable(chain(&*source)),
            octocrab::Error::Uri { source, .. } => Self::Unreadable(chain(&source)),
            e => Self::Transport(chain(&e)),
        }
    }
}

/// Checks `--api-url`: `http(s)://host[:port][/path]`, without credentials, query or fragment. Returns the
/// base (no trailing slash) and the origin (`scheme://authority/`).
fn normalize_api_url(url: &str) -> Result<(String, String)> {
    let bad = |why: &str| {
        Error::new(
            ErrorKind::Config,
            format!(
                "--api-url {}: {why} (expected e.g. https://api.github.com or https://HOST/api/v3)",
                quote(url)
            ),
        )
    };
    let trimmed = url.trim().trim_end_matches('/');
    let (scheme, rest) = trimmed.split_once("://").ok_or_else(|| bad("not a URL"))?;
    if scheme != "https" && scheme != "http" {
        return Err(bad("only http and https are supported"));
    }
    if rest.is_empty() || rest.starts_with('/') {
        return Err(bad("no host"));
    }
    if !rest.bytes().all(|b| b.is_ascii_graphic()) || rest.contains(['?', '#', '@', '\\']) {
        return Err(bad(
            "must not contain spaces, credentials, a query or a fragment",
        ));
    }
    let authority = rest.split('/').next().unwrap_or(rest);
    Ok((
        format!("{scheme}://{rest}"),
        format!("{scheme}://{authority}/"),
    ))
}

/// One line, at most [`MAX_MESSAGE_CHARS`], no control characters: safe to quote in an error.
fn quote(text: &str) -> String {
    let mut s: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(MAX_MESSAGE_CHARS)
        .collect();
    if text.chars().count() > MAX_MESSAGE_CHARS {
        s.push('…');
    }
    s
}

/// The error chain of a transport failure on one line, repeated parts left out.
fn chain(e: &dyn std::error::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur: Option<&dyn std::error::Error> = Some(e);
    while let Some(err) = cur {
        let text = quote(&err.to_string());
        if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = err.source();
    }
    parts.join(": ")
}

fn header_u64(headers: &http::HeaderMap, name: &str) -> Option<u64> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

fn now_unix() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The parts of GitHub's error answer that the retry decision and the message use.
fn answer(e: &GitHubError) -> Answer {
    let headers = e.headers.as_ref();
    let header = |name| headers.and_then(|h| header_u64(h, name));
    let content_type = headers
        .and_then(|h| h.get(http::header::CONTENT_TYPE))
        .and_then(|v| v.to_str().ok());
    Answer {
        status: e.status_code.as_u16(),
        retry_after: header("retry-after"),
        remaining: header("x-ratelimit-remaining"),
        reset: header("x-ratelimit-reset"),
        message: github_message(content_type, &e.message),
    }
}

/// GitHub's `message` field of a JSON error body, or nothing: octocrab's message stands in with the raw
/// body when that is not JSON with a `message` (an HTML error page, `{}`), or with the status's reason
/// phrase when the body is empty; neither says more than the status, so neither is quoted.
fn github_message(content_type: Option<&str>, message: &str) -> String {
    let json = content_type.is_some_and(|t| t.contains("json"));
    if json && !message.starts_with(['{', '[']) {
        message.to_string()
    } else {
        String::new()
    }
}

/// The message for a final failure of `op`.
fn describe(op: Op<'_>, kind: ErrorKind, answer: &Answer, api: &str) -> Error {
    let status = answer.status;
    let said = if answer.message.is_empty() {
        String::new()
    } else {
        format!(": \"{}\"", quote(&answer.message))
    };
    let text = match (kind, op) {
        (ErrorKind::Unauthorized, _) => format!(
            "{op}: GitHub rejected the token (HTTP 401{said}); set GITHUB_TOKEN (or GH_TOKEN) to a valid, \
             unexpired token for {api}"
        ),
        (ErrorKind::Forbidden, Op::ReadPull(r, _) | Op::ListComments(r, _)) => format!(
            "{op}: forbidden (HTTP 403{said}); the token cannot read pull requests of {r} — grant it \
             `pull-requests: read` (or `contents: read` on a private repository)"
        ),
        (ErrorKind::Forbidden, Op::Create(r, _) | Op::Update(r, _)) => format!(
            "{op}: forbidden (HTTP 403{said}); the token lacks `pull-requests: write` on {r} — in GitHub \
             Actions give the commenting job `permissions: pull-requests: write`; `pull_request` runs from \
             forks only get a read-only token, so comment from a `workflow_run` workflow (docs/CI.md)"
        ),
        (ErrorKind::NotFound, Op::ReadPull(r, n) | Op::ListComments(r, n) | Op::Create(r, n)) => {
            format!(
                "PR not found: {r} has no pull request #{n} (HTTP 404{said}); check --repo and --pr \
                 (a private repository also answers 404 when the token cannot read it)"
            )
        }
        (ErrorKind::NotFound, Op::Update(..)) => {
            format!("{op}: the comment no longer exists (HTTP 404{said})")
        }
        (ErrorKind::Unprocessable, _) => format!(
            "{op}: GitHub refused the request (HTTP 422{said}); e.g. the body is over 65,536 characters \
             or the conversation is locked"
        ),
        (ErrorKind::RateLimited, _) => {
            let wait = answer
                .retry_after
                .or_else(|| answer.reset.map(|r| r.saturating_sub(now_unix())));
            let wait = wait.map_or_else(String::new, |s| format!(" for {s} s"));
            format!(
                "{op}: rate limited by GitHub (HTTP {status}{said}); it asks to wait{wait}, longer than the \
                 guard waits — re-run the job later"
            )
        }
        (ErrorKind::Server, _) => format!(
            "{op}: GitHub answered HTTP {status}{said}; GitHub may be having an outage, re-run the \
             job later"
        ),
        _ => format!(
            "{op}: unexpected answer HTTP {status}{said}{}",
            if (300..400).contains(&status) {
                " (a redirect: was the repository renamed or moved? pass its current OWNER/NAME)"
            } else {
                ""
            }
        ),
    };
    Error::new(kind, text)
}

impl Client {
    /// A client for the REST API at `api_url` (e.g. `https://api.github.com`), authenticated with `token`.
    ///
    /// # Errors
    /// [`ErrorKind::Config`] for a malformed URL or when the runtime or TLS setup fails.
    pub fn new(api_url: &str, token: &Token, policy: RetryPolicy) -> Result<Self> {
        let (base, origin) = normalize_api_url(api_url)?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| {
                Error::new(
                    ErrorKind::Config,
                    format!("cannot start the HTTP runtime: {e}"),
                )
            })?;
        let policy = RetryPolicy {
            attempts: policy.attempts.max(1),
            ..policy
        };
        // octocrab spawns its request buffer on the current runtime, so it is built inside it.
        let crab = runtime.block_on(async {
            octocrab::Octocrab::builder()
                .base_uri(base.as_str())
                .map_err(|e| {
                    Error::new(
                        ErrorKind::Config,
                        format!("--api-url {base}: {}", chain(&e)),
                    )
                })?
                .personal_token(token.expose().to_owned())
                .add_header(http::header::ACCEPT, "application/vnd.github+json".into())
                .set_connect_timeout(Some(policy.connect_timeout))
                .set_read_timeout(Some(policy.request_timeout))
                .set_write_timeout(Some(policy.request_timeout))
                .build()
                .map_err(|e| {
                    Error::new(
                        ErrorKind::Config,
                        format!("cannot set up the HTTPS client: {}", chain(&e)),
                    )
                })
        })?;
        Ok(Self {
            runtime,
            crab,
            base,
            origin,
            policy,
        })
    }

    /// The policy in force.
    #[must_use]
    pub const fn policy(&self) -> &RetryPolicy {
        &self.policy
    }

    /// One call with retries: rate limits always (the request was refused, so repeating it is safe);
    /// server, network and timeout failures only when `idempotent` (a `POST` that timed out may have
    /// created its comment; the sticky logic re-checks before creating again). Each try is bounded by the
    /// request timeout.
    fn request<T, F>(&self, op: Op<'_>, idempotent: bool, call: impl Fn() -> F) -> Result<T>
    where
        F: Future<Output = octocrab::Result<T>>,
    {
        self.runtime.block_on(async {
            let mut retry = 0;
            loop {
                retry += 1;
                let attempt = tokio::time::timeout(self.policy.request_timeout, call());
                let failure = match attempt.await {
                    Ok(Ok(value)) => return Ok(value),
                    Ok(Err(e)) => Failure::from(e),
                    Err(_) => Failure::Timeout,
                };
                let (kind, wait, error) = match failure {
                    Failure::Answer(answer) => {
                        match decide(&answer, retry, &self.policy, now_unix()) {
                            Decision::Retry(kind, wait) => {
                                (kind, wait, describe(op, kind, &answer, &self.base))
                            }
                            Decision::Fail(kind) => {
                                return Err(describe(op, kind, &answer, &self.base))
                            }
                            // octocrab reports only answers that are not 2xx as errors.
                            Decision::Done => {
                                return Err(describe(op, ErrorKind::Protocol, &answer, &self.base))
                            }
                        }
                    }
                    Failure::Unreadable(why) => {
                        return Err(Error::new(
                            ErrorKind::Protocol,
                            format!("{op}: unexpected JSON from GitHub: {}", quote(&why)),
                        ))
                    }
                    Failure::Transport(why) => (
                        ErrorKind::Network,
                        self.policy.backoff(retry),
                        Error::new(
                            ErrorKind::Network,
                            format!(
                                "{op}: no answer from {}: {why}; check --api-url and the network",
                                self.base
                            ),
                        ),
                    ),
                    Failure::Timeout => (
                        ErrorKind::Timeout,
                        self.policy.backoff(retry),
                        Error::new(
                            ErrorKind::Timeout,
                            format!(
                                "{op}: no complete answer from {} within {} s",
                                self.base,
                                self.policy.request_timeout.as_secs_f64()
                            ),
                        ),
                    ),
                };
                let safe = idempotent || kind == ErrorKind::RateLimited;
                if !safe || retry >= self.policy.attempts {
                    if retry > 1 {
                        return Err(Error::new(
                            kind,
                            format!("{error} (gave up after {retry} tries)"),
                        ));
                    }
                    return Err(error);
                }
                eprintln!(
                    "guard: {error}; retrying in {:.1} s ({retry}/{})",
                    wait.as_secs_f64(),
                    self.policy.attempts - 1
                );
                tokio::time::sleep(wait).await;
            }
        })
    }
}

/// The parts of a pull request the guard reads.
#[derive(Deserialize)]
struct PullJson {
    number: u64,
    state: String,
    head: HeadJson,
}

#[derive(Deserialize)]
struct HeadJson {
    sha: String,
}

impl Api for Client {
    fn pull_request(&self, repo: &Repo, number: u64) -> Result<PullRequest> {
        let route = format!("/repos/{repo}/pulls/{number}");
        let pull: PullJson = self.request(Op::ReadPull(repo, number), true, || {
            self.crab.get(&route, None::<&()>)
        })?;
        Ok(PullRequest {
            number: pull.number,
            state: pull.state,
            head_sha: pull.head.sha,
        })
    }

    fn comments_page(&self, repo: &Repo, number: u64, next: Option<&str>) -> Result<Page> {
        let op = Op::ListComments(repo, number);
        let (route, query) = match next {
            None => (
                format!("/repos/{repo}/issues/{number}/comments"),
                Some([("per_page", PER_PAGE)]),
            ),
            // The token goes only to the API's own host: a link elsewhere is refused.
            Some(next) if next.starts_with(&self.origin) => (next.to_string(), None),
            Some(next) => {
                return Err(Error::new(
                    ErrorKind::Protocol,
                    format!(
                        "{op}: the next page is on another host ({}), not following it",
                        quote(next)
                    ),
                ))
            }
        };
        let page: octocrab::Page<Comment> =
            self.request(op, true, || self.crab.get(&route, query.as_ref()))?;
        Ok(Page {
            next: page.next.map(|uri| uri.to_string()),
            comments: page.items,
        })
    }

    fn create_comment(&self, repo: &Repo, number: u64, body: &str) -> Result<Comment> {
        let route = format!("/repos/{repo}/issues/{number}/comments");
        let body = json!({ "body": body });
        self.request(Op::Create(repo, number), false, || {
            self.crab.post(&route, Some(&body))
        })
    }

    fn update_comment(&self, repo: &Repo, id: u64, body: &str) -> Result<Comment> {
        let route = format!("/repos/{repo}/issues/comments/{id}");
        let body = json!({ "body": body });
        self.request(Op::Update(repo, id), true, || {
            self.crab.patch(&route, Some(&body))
        })
    }

    fn pause(&self, attempt: u32) {
        std::thread::sleep(self.policy.backoff(attempt));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_urls() {
        assert_eq!(
            normalize_api_url("https://api.github.com/").unwrap(),
            (
                "https://api.github.com".to_string(),
                "https://api.github.com/".to_string()
            )
        );
        assert_eq!(
            normalize_api_url("http://127.0.0.1:8080/api/v3").unwrap(),
            (
                "http://127.0.0.1:8080/api/v3".to_string(),
                "http://127.0.0.1:8080/".to_string()
            )
        );
        for bad in [
            "",
            "api.github.com",
            "ftp://x",
            "https://",
            "https:///x",
            "https://user:pw@x",
            "https://x/?a",
            "https://x/#f",
            "https://x y",
        ] {
            let e = normalize_api_url(bad).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Config, "{bad}");
            assert!(e.to_string().starts_with("--api-url"), "{e}");
        }
    }

    #[test]
    fn quoting_and_messages() {
        assert_eq!(quote("a\nb\tc"), "a b c");
        assert_eq!(
            quote(&"x".repeat(300)).chars().count(),
            MAX_MESSAGE_CHARS + 1
        );
        let json = Some("application/json; charset=utf-8");
        assert_eq!(github_message(json, "Bad credentials"), "Bad credentials");
        assert_eq!(github_message(Some("text/html"), "<html>"), "");
        assert_eq!(github_message(None, "Bad Gateway"), "");
        assert_eq!(github_message(json, r#"{"errors":[]}"#), "");
        let repo = Repo::parse("o/r").unwrap();
        let answer = Answer {
            status: 403,
            message: "Resource not accessible by integration".into(),
            ..Answer::default()
        };
        let e = describe(Op::Create(&repo, 7), ErrorKind::Forbidden, &answer, "x");
        assert!(
            e.to_string()
                .contains("lacks `pull-requests: write` on o/r"),
            "{e}"
        );
        let e = describe(
            Op::ReadPull(&repo, 7),
            ErrorKind::NotFound,
            &Answer {
                status: 404,
                ..Answer::default()
            },
            "x",
        );
        assert!(
            e.to_string()
                .starts_with("PR not found: o/r has no pull request #7"),
            "{e}"
        );
    }
}
