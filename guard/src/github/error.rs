//! Errors of the GitHub side: a kind (what class of failure, for retries, tests and exit codes) and a
//! complete one-line message that says what to do. Messages never contain the token.

use std::fmt;

/// The class of a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Bad input or environment (no token, malformed `--repo`, `--api-url`, …).
    Config,
    /// 401: the token was rejected.
    Unauthorized,
    /// 403 (not a rate limit): the token lacks a permission.
    Forbidden,
    /// 404: no such repository, pull request or comment (or the token cannot see it).
    NotFound,
    /// 422: GitHub refused the request's content.
    Unprocessable,
    /// 429 or a 403 rate limit that outlasted the retries.
    RateLimited,
    /// 5xx after the retries.
    Server,
    /// The connection failed or broke.
    Network,
    /// No complete answer within the request timeout.
    Timeout,
    /// An answer the guard does not understand (unexpected status, JSON or `Link` header).
    Protocol,
    /// The PR's head is not the commit the report was measured on.
    Mismatch,
}

impl ErrorKind {
    /// Whether trying again later may succeed (server, network and timeout failures, rate limits).
    #[must_use]
    pub const fn is_transient(self) -> bool {
        matches!(
            self,
            Self::RateLimited | Self::Server | Self::Network | Self::Timeout
        )
    }
}

/// A failed GitHub operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    message: String,
}

impl Error {
    /// An error of `kind`; line breaks in `message` become spaces.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        let message: String = message.into();
        Self {
            kind,
            message: message
                .split(['\n', '\r'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" "),
        }
    }

    /// The class of failure.
    #[must_use]
    pub const fn kind(&self) -> ErrorKind {
        self.kind
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl From<Error> for crate::Error {
    fn from(e: Error) -> Self {
        Self::Other(e.to_string())
    }
}
