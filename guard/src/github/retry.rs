//! When to retry a GitHub request, and how long to wait: a pure decision from the status and headers, so
//! that it is tested without a network.
//!
//! GitHub's guidance: on a rate limit (429, or 403 with `retry-after` / `x-ratelimit-remaining: 0` / a
//! "rate limit" message) wait `retry-after` seconds, else until `x-ratelimit-reset`, else at least a minute;
//! 5xx answers are transient. Everything is bounded by [`RetryPolicy`]: a wait longer than `max_delay`
//! is not waited for, it fails at once with a message saying when to try again.
//!
//! Why not octocrab's own retry (feature `retry`, `RetryConfig`; read in octocrab 0.54.9,
//! `src/service/middleware/retry.rs`): its `HandleRateLimits` honours `retry-after` and
//! `x-ratelimit-reset`, but
//! - it repeats every request, `POST` included, after a 5xx or a transport error, so a create whose answer
//!   was lost would be posted twice (guard repeats a `POST` only when GitHub refused it for a rate limit,
//!   and otherwise lets [`super::sticky`] look for the comment again);
//! - it retries 5xx and transport errors at once, without backoff;
//! - it sleeps as long as the headers ask, without a bound (until `x-ratelimit-reset`, up to an hour),
//!   where guard gives up at once beyond `max_delay` and says to re-run the job later;
//! - it retries either no bare 403 or every bare 403 (`retry_on_forbidden`), where guard tells a
//!   secondary rate limit from a missing permission by GitHub's message;
//! - it retries inside the service, so the caller cannot say "retrying in …" or "gave up after N tries".
//!
//! A `tower::retry::Policy` of guard's own inside octocrab's stack would still be these decisions, written
//! by hand, and it decides before the body is read: a body that stalls after the headers could not be
//! retried.

use std::time::Duration;

use super::ErrorKind;

/// How often and how long the client retries. `Default` suits GitHub; tests use tiny delays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Tries per request, the first one included (at least 1).
    pub attempts: u32,
    /// Wait before the first retry; doubled for each further one.
    pub base_delay: Duration,
    /// Longest single wait, also for rate limits: a server asking for more fails at once.
    pub max_delay: Duration,
    /// Deadline for one request, from connecting to the last byte of the answer.
    pub request_timeout: Duration,
    /// Deadline for establishing a connection.
    pub connect_timeout: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            attempts: 4,
            base_delay: Duration::from_secs(2),
            max_delay: Duration::from_secs(60),
            request_timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    /// Exponential backoff before retry number `retry` (1-based), capped at `max_delay`.
    #[must_use]
    pub fn backoff(&self, retry: u32) -> Duration {
        let factor = 1u32 << retry.saturating_sub(1).min(16);
        self.base_delay.saturating_mul(factor).min(self.max_delay)
    }
}

/// The parts of an answer the decision depends on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Answer {
    /// HTTP status.
    pub status: u16,
    /// `retry-after` in seconds.
    pub retry_after: Option<u64>,
    /// `x-ratelimit-remaining`.
    pub remaining: Option<u64>,
    /// `x-ratelimit-reset` (Unix seconds).
    pub reset: Option<u64>,
    /// GitHub's `message`, when the body had one.
    pub message: String,
}

/// What to do with an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    /// 2xx.
    Done,
    /// Transient: try again after this wait (if tries are left).
    Retry(ErrorKind, Duration),
    /// Final failure of this kind.
    Fail(ErrorKind),
}

impl Answer {
    /// Whether this is a rate-limit answer (primary or secondary).
    pub(crate) fn is_rate_limit(&self) -> bool {
        self.status == 429
            || (self.status == 403
                && (self.retry_after.is_some()
                    || self.remaining == Some(0)
                    || self.message.to_ascii_lowercase().contains("rate limit")))
    }

    /// How long the server asks to wait, if it says.
    fn requested_wait(&self, now_unix: u64) -> Option<Duration> {
        if let Some(s) = self.retry_after {
            return Some(Duration::from_secs(s));
        }
        match (self.remaining, self.reset) {
            (Some(0), Some(reset)) => Some(Duration::from_secs(reset.saturating_sub(now_unix) + 1)),
            _ => None,
        }
    }
}

/// Decides what to do with `answer` before retry number `retry` (1-based) would happen.
pub(crate) fn decide(answer: &Answer, retry: u32, policy: &RetryPolicy, now_unix: u64) -> Decision {
    match answer.status {
        200..=299 => Decision::Done,
        _ if answer.is_rate_limit() => {
            // Secondary limits without a hint: GitHub asks for at least a minute; capped by the policy.
            let wait = answer
                .requested_wait(now_unix)
                .unwrap_or(if answer.status == 403 {
                    policy.max_delay
                } else {
                    policy.backoff(retry)
                });
            if wait > policy.max_delay {
                Decision::Fail(ErrorKind::RateLimited)
            } else {
                Decision::Retry(ErrorKind::RateLimited, wait)
            }
        }
        500..=599 => Decision::Retry(ErrorKind::Server, policy.backoff(retry)),
        401 => Decision::Fail(ErrorKind::Unauthorized),
        403 => Decision::Fail(ErrorKind::Forbidden),
        404 | 410 => Decision::Fail(ErrorKind::NotFound),
        422 => Decision::Fail(ErrorKind::Unprocessable),
        _ => Decision::Fail(ErrorKind::Protocol),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            attempts: 3,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(10),
            ..RetryPolicy::default()
        }
    }

    fn answer(status: u16) -> Answer {
        Answer {
            status,
            ..Answer::default()
        }
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        let p = policy();
        let waits: Vec<u64> = (1..=6).map(|r| p.backoff(r).as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 10, 10]);
        assert_eq!(p.backoff(u32::MAX), p.max_delay);
    }

    #[test]
    fn statuses() {
        let p = policy();
        let d = |a: &Answer| decide(a, 1, &p, 1_000);
        assert_eq!(d(&answer(200)), Decision::Done);
        assert_eq!(d(&answer(201)), Decision::Done);
        for (status, kind) in [
            (401, ErrorKind::Unauthorized),
            (403, ErrorKind::Forbidden),
            (404, ErrorKind::NotFound),
            (422, ErrorKind::Unprocessable),
            (400, ErrorKind::Protocol),
            (301, ErrorKind::Protocol),
        ] {
            assert_eq!(d(&answer(status)), Decision::Fail(kind), "{status}");
        }
        for status in [500, 502, 503, 504] {
            assert_eq!(
                d(&answer(status)),
                Decision::Retry(ErrorKind::Server, Duration::from_secs(1))
            );
        }
    }

    #[test]
    fn rate_limits() {
        let p = policy();
        let d = |a: &Answer| decide(a, 2, &p, 1_000);
        let mut a = answer(429);
        assert_eq!(
            d(&a),
            Decision::Retry(ErrorKind::RateLimited, Duration::from_secs(2))
        );
        a.retry_after = Some(3);
        assert_eq!(
            d(&a),
            Decision::Retry(ErrorKind::RateLimited, Duration::from_secs(3))
        );
        a.retry_after = Some(3_600);
        assert_eq!(d(&a), Decision::Fail(ErrorKind::RateLimited));

        // Secondary rate limit: 403 with retry-after.
        let mut s = answer(403);
        s.retry_after = Some(0);
        assert_eq!(
            d(&s),
            Decision::Retry(ErrorKind::RateLimited, Duration::ZERO)
        );
        // Primary limit exhausted: wait until the reset (+1 s), or give up when that is too far.
        let mut r = answer(403);
        r.remaining = Some(0);
        r.reset = Some(1_004);
        assert_eq!(
            d(&r),
            Decision::Retry(ErrorKind::RateLimited, Duration::from_secs(5))
        );
        r.reset = Some(5_000);
        assert_eq!(d(&r), Decision::Fail(ErrorKind::RateLimited));
        // A secondary limit known only from its message: the policy's longest wait.
        let mut m = answer(403);
        m.message = "You have exceeded a secondary rate limit".into();
        assert_eq!(
            d(&m),
            Decision::Retry(ErrorKind::RateLimited, Duration::from_secs(10))
        );
        // A plain 403 with quota left is a permission problem.
        let mut f = answer(403);
        f.remaining = Some(4_999);
        f.message = "Resource not accessible by integration".into();
        assert_eq!(d(&f), Decision::Fail(ErrorKind::Forbidden));
    }
}
