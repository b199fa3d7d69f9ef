//! Bounded retries of idempotent reads: on 429, 502, 503 and 504 (and on a failed
//! connection), with exponential backoff that honours `Retry-After`, within a total
//! waiting budget. A write is never retried here: its caller must first look for its
//! effect.

use std::time::Duration;

use crate::client::{Client, Method, Request, Response};
use crate::error::HttpError;

/// How often and how long to retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub attempts: u32,
    /// The wait before the second attempt; doubled for each later one.
    pub first_delay: Duration,
    /// The longest single wait. A server asking (with `Retry-After`) for longer is not
    /// waited for: the last answer is returned.
    pub max_delay: Duration,
    /// The most time spent waiting in all.
    pub budget: Duration,
}

impl Default for RetryPolicy {
    /// 4 attempts, waits of 1, 2 and 4 s (or what `Retry-After` asks, up to 30 s),
    /// at most 60 s of waiting in all.
    fn default() -> RetryPolicy {
        RetryPolicy {
            attempts: 4,
            first_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(30),
            budget: Duration::from_secs(60),
        }
    }
}

/// What one attempt asks of [`RetryPolicy::run`].
#[derive(Debug)]
pub enum Attempt<T, E> {
    /// Stop with this result.
    Done(Result<T, E>),
    /// Try again (after `after`, when the server said so); `last` is returned when no
    /// attempt or budget is left.
    Retry {
        /// The result to return if this was the last attempt.
        last: Result<T, E>,
        /// The server's `Retry-After`.
        after: Option<Duration>,
    },
}

/// Whether an answer with this status is worth asking again (for a read).
pub fn is_retryable_status(status: u16) -> bool {
    matches!(status, 429 | 502 | 503 | 504)
}

/// A `Retry-After` value (seconds, or an HTTP-date) as a wait from `now`.
pub fn parse_retry_after(value: &str, now: jiff::Timestamp) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = jiff::fmt::rfc2822::DateTimeParser::new()
        .parse_timestamp(value)
        .ok()?;
    let wait = when.duration_since(now);
    Some(Duration::try_from(wait).unwrap_or(Duration::ZERO))
}

impl Response {
    /// The server's `Retry-After`, as a wait from now.
    pub fn retry_after(&self) -> Option<Duration> {
        parse_retry_after(self.header("retry-after")?, jiff::Timestamp::now())
    }
}

impl RetryPolicy {
    /// The wait before attempt number `attempt` (1 = the first retry): `Retry-After`
    /// when given, else `first_delay` doubled per earlier retry, at most `max_delay`.
    pub fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        retry_after.unwrap_or_else(|| {
            let factor = 1u32 << attempt.saturating_sub(1).min(16);
            self.first_delay.saturating_mul(factor).min(self.max_delay)
        })
    }

    /// Runs `attempt(n)` for n = 0, 1, … until it is done, no attempt is left, or the
    /// next wait would pass `max_delay` or the budget; `sleep` waits.
    pub fn run<T, E>(
        &self,
        mut sleep: impl FnMut(Duration),
        mut attempt: impl FnMut(u32) -> Attempt<T, E>,
    ) -> Result<T, E> {
        let mut waited = Duration::ZERO;
        let mut n = 0;
        loop {
            let (last, after) = match attempt(n) {
                Attempt::Done(result) => return result,
                Attempt::Retry { last, after } => (last, after),
            };
            n += 1;
            let wait = self.delay(n, after);
            if n >= self.attempts || wait > self.max_delay || waited + wait > self.budget {
                return last;
            }
            sleep(wait);
            waited += wait;
        }
    }
}

impl Client {
    /// Sends a GET with retries under `policy`: a retryable status or a failed
    /// connection is tried again; the last answer (whatever its status) or error is
    /// returned.
    pub fn get_with_retries(
        &self,
        request: &Request<'_>,
        policy: &RetryPolicy,
    ) -> Result<Response, HttpError> {
        self.get_with_retries_sleeping(request, policy, std::thread::sleep)
    }

    /// As [`Client::get_with_retries`], waiting with `sleep` (a test passes one that
    /// records the waits instead of sleeping).
    pub fn get_with_retries_sleeping(
        &self,
        request: &Request<'_>,
        policy: &RetryPolicy,
        sleep: impl FnMut(Duration),
    ) -> Result<Response, HttpError> {
        assert_eq!(request.method, Method::Get, "only reads are retried");
        policy.run(sleep, |_| match self.send(request) {
            Ok(response) if is_retryable_status(response.status) => {
                let after = response.retry_after();
                Attempt::Retry {
                    last: Ok(response),
                    after,
                }
            }
            Err(error @ HttpError::Transport { .. }) => Attempt::Retry {
                last: Err(error),
                after: None,
            },
            other => Attempt::Done(other),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(text: &str) -> jiff::Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn retry_after_as_seconds_or_http_date() {
        let now = ts("2015-10-21T07:28:00Z");
        assert_eq!(parse_retry_after(" 7 ", now), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now),
            Some(Duration::ZERO),
            "a date in the past means now"
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-3", now), None);
    }

    #[test]
    fn backoff_doubles_honours_retry_after_and_stays_in_budget() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.delay(1, None), Duration::from_secs(1));
        assert_eq!(policy.delay(3, None), Duration::from_secs(4));
        assert_eq!(policy.delay(30, None), Duration::from_secs(30));
        assert_eq!(
            policy.delay(1, Some(Duration::from_secs(9))),
            Duration::from_secs(9)
        );

        let mut slept = Vec::new();
        let result: Result<u32, u32> = policy.run(
            |d| slept.push(d),
            |n| {
                if n < 2 {
                    Attempt::Retry {
                        last: Err(n),
                        after: None,
                    }
                } else {
                    Attempt::Done(Ok(n))
                }
            },
        );
        assert_eq!(result, Ok(2));
        assert_eq!(slept, [Duration::from_secs(1), Duration::from_secs(2)]);

        // Out of attempts: the last result.
        let mut slept = Vec::new();
        let result: Result<(), u32> = policy.run(
            |d| slept.push(d),
            |n| Attempt::Retry {
                last: Err(n),
                after: None,
            },
        );
        assert_eq!(result, Err(3));
        assert_eq!(slept.len(), 3);

        // A Retry-After past max_delay is not waited for.
        let mut slept = Vec::new();
        let result: Result<(), u32> = policy.run(
            |d| slept.push(d),
            |n| Attempt::Retry {
                last: Err(n),
                after: Some(Duration::from_secs(3600)),
            },
        );
        assert_eq!(result, Err(0));
        assert!(slept.is_empty());

        // The budget bounds the total wait.
        let tight = RetryPolicy {
            attempts: 100,
            budget: Duration::from_secs(50),
            ..policy
        };
        let mut slept = Duration::ZERO;
        let _: Result<(), ()> = tight.run(
            |d| slept += d,
            |_| Attempt::Retry {
                last: Err(()),
                after: Some(Duration::from_secs(20)),
            },
        );
        assert_eq!(slept, Duration::from_secs(40));
    }

    #[test]
    fn retryable_statuses() {
        for s in [429, 502, 503, 504] {
            assert!(is_retryable_status(s));
        }
        for s in [200, 400, 401, 404, 500, 501] {
            assert!(!is_retryable_status(s));
        }
    }
}
