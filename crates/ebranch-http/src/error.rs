//! The error of a request: every message is one line and names the URL.

use std::time::Duration;

/// Why a request failed (the server's status is not an error: see [`crate::Response`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HttpError {
    /// The policy refuses the URL or a redirect to it (plain http, a downgrade, …).
    #[error("{url}: refused: {reason}")]
    Refused {
        /// The refused URL.
        url: String,
        /// The rule it breaks.
        reason: String,
    },
    /// Connection, TLS, protocol or timeout failure reported by the transport.
    #[error("{url}: {message}")]
    Transport {
        /// The URL.
        url: String,
        /// What went wrong, on one line.
        message: String,
    },
    /// The body arrived slower than the minimum rate for a whole window (a stalled or
    /// dripping server).
    #[error(
        "{url}: too slow: {received} bytes in the last {window:.1?}, below the minimum of {min_rate} bytes/s; gave up after {elapsed:.1?}"
    )]
    TooSlow {
        /// The URL.
        url: String,
        /// Bytes received in the last window.
        received: u64,
        /// The window.
        window: Duration,
        /// The minimum rate in bytes per second.
        min_rate: u64,
        /// Time since the request started.
        elapsed: Duration,
    },
    /// The request's overall deadline passed.
    #[error("{url}: no complete answer within the deadline of {deadline:.1?}")]
    Deadline {
        /// The URL.
        url: String,
        /// The deadline.
        deadline: Duration,
    },
    /// The body is (or announces to be) larger than allowed.
    #[error("{url}: body larger than the limit of {limit} bytes")]
    TooLarge {
        /// The URL.
        url: String,
        /// The limit.
        limit: u64,
    },
    /// The body ended before its announced `Content-Length`.
    #[error("{url}: body ended after {received} of {length} bytes")]
    Truncated {
        /// The URL.
        url: String,
        /// Bytes received.
        received: u64,
        /// `Content-Length`.
        length: u64,
    },
    /// Too many redirects.
    #[error("{url}: more than {max} redirects")]
    Redirects {
        /// The first URL.
        url: String,
        /// The limit.
        max: u32,
    },
}

impl HttpError {
    /// The URL the error is about.
    pub fn url(&self) -> &str {
        match self {
            HttpError::Refused { url, .. }
            | HttpError::Transport { url, .. }
            | HttpError::TooSlow { url, .. }
            | HttpError::Deadline { url, .. }
            | HttpError::TooLarge { url, .. }
            | HttpError::Truncated { url, .. }
            | HttpError::Redirects { url, .. } => url,
        }
    }

    /// Whether the server was slow or silent (a stall, a drip, a deadline): such a
    /// server is not worth asking again in the same run.
    pub fn is_slow(&self) -> bool {
        match self {
            HttpError::TooSlow { .. } | HttpError::Deadline { .. } => true,
            HttpError::Transport { message, .. } => message.contains("timeout"),
            _ => false,
        }
    }
}

/// Collapses a message to one line.
pub(crate) fn one_line(text: &str) -> String {
    text.split(['\n', '\r'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}
