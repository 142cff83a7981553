//! GitHub: one sticky pull-request comment with the guard's report.
//!
//! [`Api`] is the small surface the guard needs (read a PR, list its comments page by page, create and update
//! a comment); [`Client`] implements it with octocrab on a current-thread tokio runtime, with timeouts and
//! bounded retries ([`RetryPolicy`]). [`sticky`] keeps exactly one marked comment per PR on top of any
//! [`Api`], and [`body`] builds that comment from a report, always under GitHub's size limit.
//!
//! The token is a [`Token`]: it is never printed, not by `Debug`, not in errors.

pub mod body;
mod client;
mod error;
mod retry;
pub mod sticky;

pub use client::Client;
pub use error::{Error, ErrorKind};
pub use retry::RetryPolicy;

use std::fmt;

/// Shorthand for results whose error is a GitHub [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An API token. Its `Debug` prints `***`; [`Token::expose`] is the only way to read it.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

/// The environment variables a token is read from, in order.
pub const TOKEN_VARS: [&str; 2] = ["GITHUB_TOKEN", "GH_TOKEN"];

impl Token {
    /// A token from a string: surrounding whitespace is removed; it must be non-empty and consist of
    /// visible ASCII characters (anything else cannot be sent in an HTTP header).
    ///
    /// # Errors
    /// [`ErrorKind::Config`] naming the problem (never the value).
    pub fn new(value: &str, source: &str) -> Result<Self> {
        let value = value.trim();
        if value.is_empty() {
            return Err(Error::new(
                ErrorKind::Config,
                format!(
                    "{source} is empty; set it to a token that may comment on the pull request"
                ),
            ));
        }
        if !value.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Error::new(
                ErrorKind::Config,
                format!(
                    "{source} contains spaces or non-ASCII characters, so it cannot be sent in an HTTP header; \
                     set it to the token alone"
                ),
            ));
        }
        Ok(Self(value.to_string()))
    }

    /// The token from `GITHUB_TOKEN`, else `GH_TOKEN` (the first one that is set and not empty).
    ///
    /// # Errors
    /// [`ErrorKind::Config`] when neither is set, or the value is unusable.
    pub fn from_env() -> Result<Self> {
        for var in TOKEN_VARS {
            if let Some(value) = std::env::var_os(var) {
                let Some(value) = value.to_str() else {
                    return Err(Error::new(
                        ErrorKind::Config,
                        format!("{var} is not valid UTF-8; set it to the token alone"),
                    ));
                };
                if !value.trim().is_empty() {
                    return Self::new(value, var);
                }
            }
        }
        Err(Error::new(
            ErrorKind::Config,
            "no token: set GITHUB_TOKEN (or GH_TOKEN) to a token with `pull-requests: write` on the repository \
             (in GitHub Actions: `env: GITHUB_TOKEN: ${{ github.token }}`), or use --dry-run",
        ))
    }

    /// The secret itself, for the one place that sends it.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// A repository, `OWNER/NAME`, restricted to the characters GitHub allows (so it is safe in a URL path).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repo {
    owner: String,
    name: String,
}

impl Repo {
    /// Parses `OWNER/NAME`.
    ///
    /// # Errors
    /// [`ErrorKind::Config`] when it is not of that form.
    pub fn parse(text: &str) -> Result<Self> {
        let bad = || {
            Error::new(
                ErrorKind::Config,
                format!(
                    "--repo {:?}: expected OWNER/NAME (letters, digits, `-`, `_`, `.`), e.g. octo-org/lanes",
                    text.chars().take(100).collect::<String>()
                ),
            )
        };
        let (owner, name) = text.split_once('/').ok_or_else(bad)?;
        let owner_ok = !owner.is_empty()
            && owner.len() <= 39
            && owner
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'));
        let name_ok = !name.is_empty()
            && name.len() <= 100
            && name != "."
            && name != ".."
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        if owner_ok && name_ok {
            Ok(Self {
                owner: owner.to_string(),
                name: name.to_string(),
            })
        } else {
            Err(bad())
        }
    }
}

impl fmt::Display for Repo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.owner, self.name)
    }
}

/// Who wrote a comment.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct User {
    /// Login, e.g. `github-actions[bot]`.
    pub login: String,
    /// `User`, `Bot` or `Organization`.
    #[serde(rename = "type", default)]
    pub kind: String,
}

/// An issue (or pull-request conversation) comment.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Comment {
    /// Comment id.
    pub id: u64,
    /// Markdown body (absent in some API media types).
    #[serde(default)]
    pub body: Option<String>,
    /// Author (absent for deleted users).
    #[serde(default)]
    pub user: Option<User>,
    /// Link to the comment.
    #[serde(default)]
    pub html_url: String,
}

/// One page of comments and the URL of the next page (from the `Link` header).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// The comments on this page.
    pub comments: Vec<Comment>,
    /// The next page, when there is one.
    pub next: Option<String>,
}

/// What the guard needs to know about a pull request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullRequest {
    /// Its number.
    pub number: u64,
    /// `open` or `closed`.
    pub state: String,
    /// The commit its head branch points at.
    pub head_sha: String,
}

/// The GitHub operations the sticky comment needs. [`Client`] talks to GitHub; tests use fakes.
pub trait Api {
    /// Reads a pull request.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] when there is no such PR; any other API error.
    fn pull_request(&self, repo: &Repo, number: u64) -> Result<PullRequest>;

    /// One page of the PR's conversation comments: the first page when `next` is `None`, else the page
    /// at that URL (taken from the previous page).
    ///
    /// # Errors
    /// Any API error.
    fn comments_page(&self, repo: &Repo, number: u64, next: Option<&str>) -> Result<Page>;

    /// Creates a comment on the PR.
    ///
    /// # Errors
    /// Any API error; transient ones ([`ErrorKind::is_transient`]) may have created the comment anyway.
    fn create_comment(&self, repo: &Repo, number: u64, body: &str) -> Result<Comment>;

    /// Replaces the body of a comment.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] when the comment no longer exists; any other API error.
    fn update_comment(&self, repo: &Repo, id: u64, body: &str) -> Result<Comment>;

    /// Waits before the `attempt`-th retry of a whole operation (after a transient failure).
    fn pause(&self, attempt: u32) {
        let _ = attempt;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_debug_is_redacted_and_value_checked() {
        let t = Token::new("  ghp_secret123\n", "GITHUB_TOKEN").unwrap();
        assert_eq!(t.expose(), "ghp_secret123");
        assert_eq!(format!("{t:?}"), "***");
        assert_eq!(format!("{:?}", Some(t)), "Some(***)");
        let e = Token::new("ghp_a b", "GH_TOKEN").unwrap_err();
        assert!(!e.to_string().contains("ghp_a"), "{e}");
        assert!(e.to_string().starts_with("GH_TOKEN contains"), "{e}");
        assert_eq!(
            Token::new(" ", "GITHUB_TOKEN").unwrap_err().kind(),
            ErrorKind::Config
        );
    }

    #[test]
    fn repo_names_are_checked() {
        let r = Repo::parse("octo-org/lanes.rs_2").unwrap();
        assert_eq!(r.to_string(), "octo-org/lanes.rs_2");
        for bad in [
            "", "a", "a/", "/b", "a/b/c", "a/..", "a/.", "../b", "a b/c", "a/b?x=1", "a/b#c",
            "a%2f/b",
        ] {
            assert!(Repo::parse(bad).is_err(), "{bad:?} accepted");
        }
    }
}
