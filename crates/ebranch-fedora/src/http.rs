//! HTTP requests as data, the `Transport` trait that sends them, and JSON decoding.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

pub use ebranch_http::RetryPolicy;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::secret::ApiKey;

/// The HTTP methods the clients use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Read.
    Get,
    /// Create.
    Post,
    /// Update.
    Put,
}

impl Method {
    /// The method name as sent on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
        }
    }

    /// Whether the method changes server state.
    pub fn is_write(self) -> bool {
        self != Method::Get
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One request: method, full URL (with query), optional JSON body and bearer key.
#[derive(Debug, Clone)]
pub struct Request {
    /// The method.
    pub method: Method,
    /// The full URL including the query string.
    pub url: String,
    /// JSON body for POST/PUT.
    pub body: Option<Value>,
    /// Sent as `Authorization: Bearer …`; never displayed.
    pub bearer: Option<ApiKey>,
}

impl Request {
    /// A GET of `url`.
    pub fn get(url: impl Into<String>) -> Self {
        Self {
            method: Method::Get,
            url: url.into(),
            body: None,
            bearer: None,
        }
    }

    /// A request with a JSON body.
    pub fn with_body(method: Method, url: impl Into<String>, body: Value) -> Self {
        Self {
            method,
            url: url.into(),
            body: Some(body),
            bearer: None,
        }
    }

    /// Attach the API key (as a bearer token), if any.
    pub fn bearer(mut self, key: Option<&ApiKey>) -> Self {
        self.bearer = key.cloned();
        self
    }
}

impl fmt::Display for Request {
    /// `METHOD URL` then the pretty JSON body; the key is never shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.url)?;
        if let Some(body) = &self.body {
            let text = serde_json::to_string_pretty(body).map_err(|_| fmt::Error)?;
            write!(f, "\n{text}")?;
        }
        Ok(())
    }
}

/// A response: status code and body text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Response {
    /// HTTP status.
    pub status: u16,
    /// Body as text.
    pub body: String,
    /// The server's `Retry-After`, as a wait.
    pub retry_after: Option<Duration>,
}

impl Response {
    /// A response with this status and body.
    pub fn new(status: u16, body: impl Into<String>) -> Self {
        Self {
            status,
            body: body.into(),
            retry_after: None,
        }
    }

    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// How calls to the services are retried: ebranch-http's [`RetryPolicy`] (429, 502,
/// 503, 504 and failed connections; exponential backoff honouring `Retry-After`; bounded
/// per wait and in all), and how to wait (tests record the waits instead of sleeping).
/// Reads are retried by the transport; a write only after its effect was looked for
/// (see the Bugzilla client).
#[derive(Clone)]
pub struct Retries {
    /// Attempts and waits.
    pub policy: RetryPolicy,
    sleep: Arc<dyn Fn(Duration) + Send + Sync>,
}

impl Retries {
    /// `policy`, waiting for real.
    pub fn new(policy: RetryPolicy) -> Self {
        Self::with_sleep(policy, std::thread::sleep)
    }

    /// `policy`, waiting with `sleep`.
    pub fn with_sleep(
        policy: RetryPolicy,
        sleep: impl Fn(Duration) + Send + Sync + 'static,
    ) -> Self {
        Self {
            policy,
            sleep: Arc::new(sleep),
        }
    }

    /// One attempt, no retry.
    pub fn none() -> Self {
        Self::new(RetryPolicy {
            attempts: 1,
            ..RetryPolicy::default()
        })
    }

    /// Wait `duration`.
    pub fn sleep(&self, duration: Duration) {
        (self.sleep)(duration);
    }
}

impl Default for Retries {
    /// [`RetryPolicy::default`], waiting for real.
    fn default() -> Self {
        Self::new(RetryPolicy::default())
    }
}

impl fmt::Debug for Retries {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Retries")
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

/// Transport-level failures: the server could not be reached or answered nonsense.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HttpError {
    /// Connection, TLS or timeout failure.
    #[error("{method} {url} failed: {message}")]
    Transport {
        /// Method.
        method: Method,
        /// URL.
        url: String,
        /// What went wrong.
        message: String,
    },
    /// Plain http to a host that is not loopback.
    #[error("refusing plain http to non-loopback {url}")]
    Insecure {
        /// URL.
        url: String,
    },
    /// The body was not the JSON we expected.
    #[error("unexpected response from {url}: {message}")]
    Decode {
        /// URL.
        url: String,
        /// What did not match.
        message: String,
    },
    /// A status the client does not handle.
    #[error("{url} answered HTTP {status}: {snippet}")]
    Status {
        /// URL.
        url: String,
        /// HTTP status.
        status: u16,
        /// Start of the body, on one line.
        snippet: String,
    },
}

impl HttpError {
    /// This error with `key` redacted from every text it holds.
    fn redacted(self, key: &ApiKey) -> Self {
        match self {
            Self::Transport {
                method,
                url,
                message,
            } => Self::Transport {
                method,
                url: key.redact(&url),
                message: key.redact(&message),
            },
            Self::Insecure { url } => Self::Insecure {
                url: key.redact(&url),
            },
            Self::Decode { url, message } => Self::Decode {
                url: key.redact(&url),
                message: key.redact(&message),
            },
            Self::Status {
                url,
                status,
                snippet,
            } => Self::Status {
                url: key.redact(&url),
                status,
                snippet: key.redact(&snippet),
            },
        }
    }
}

/// Sends requests. Implemented by the real HTTP client and by the dry-run recorder.
/// Clients do not call it directly: they go through [`exchange`].
pub trait Transport: Send + Sync {
    /// Send `request` and return the response whatever its status. A read is retried
    /// here under [`Transport::retries`]; a write is sent once.
    fn send(&self, request: &Request) -> Result<Response, HttpError>;

    /// How reads are retried, and how a write that lost its answer is retried by its
    /// caller. Default: never.
    fn retries(&self) -> Retries {
        Retries::none()
    }
}

/// Send `request`: the one way the clients talk to a service. What comes back holds no
/// API key: the key of `request` is redacted from the response body and from a transport
/// error before any caller reads them, so no error formed from them (an HTTP status
/// error, Bugzilla's JSON error, a decoding error) can show it.
pub fn exchange(transport: &dyn Transport, request: &Request) -> Result<Response, HttpError> {
    let result = transport.send(request);
    let Some(key) = &request.bearer else {
        return result;
    };
    match result {
        Ok(response) => Ok(Response {
            body: key.redact(&response.body),
            ..response
        }),
        Err(e) => Err(e.redacted(key)),
    }
}

/// Decode a response body as JSON type `T`.
pub fn decode<T: DeserializeOwned>(url: &str, response: &Response) -> Result<T, HttpError> {
    serde_json::from_str(&response.body).map_err(|e| HttpError::Decode {
        url: url.to_string(),
        message: e.to_string(),
    })
}

/// An [`HttpError::Status`] for a response the caller does not handle.
pub fn unexpected_status(url: &str, response: &Response) -> HttpError {
    HttpError::Status {
        url: url.to_string(),
        status: response.status,
        snippet: snippet(&response.body),
    }
}

/// The first 200 characters of `text`, on one line.
pub(crate) fn snippet(text: &str) -> String {
    let one_line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(200)
        .collect();
    one_line.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_shows_method_url_and_json_but_no_key() {
        let req = Request::with_body(
            Method::Put,
            "https://bugzilla.redhat.com/rest/bug/1",
            serde_json::json!({"depends_on": {"add": [2]}}),
        )
        .bearer(ApiKey::new("k3y").as_ref());
        let text = req.to_string();
        assert!(text.starts_with("PUT https://bugzilla.redhat.com/rest/bug/1\n{"));
        assert!(text.contains("\"add\": [\n"));
        assert!(!text.contains("k3y"));
        assert!(!format!("{req:?}").contains("k3y"));
    }

    /// Answers every request with the bearer key in the body, or fails naming it.
    struct Echo {
        fail: bool,
    }

    impl Transport for Echo {
        fn send(&self, request: &Request) -> Result<Response, HttpError> {
            let key = request.bearer.as_ref().map(ApiKey::expose).unwrap_or("");
            if self.fail {
                return Err(HttpError::Transport {
                    method: request.method,
                    url: request.url.clone(),
                    message: format!("proxy refused Authorization: Bearer {key}"),
                });
            }
            Ok(Response::new(
                400,
                format!(r#"{{"error": true, "code": 32000, "message": "bad key {key}"}}"#),
            ))
        }
    }

    #[test]
    fn exchange_redacts_the_key_from_bodies_and_transport_errors() {
        let key = ApiKey::new("k3y-0123").unwrap();
        let request = Request::get("http://127.0.0.1/rest/bug").bearer(Some(&key));
        let response = exchange(&Echo { fail: false }, &request).unwrap();
        assert_eq!(
            response.body,
            r#"{"error": true, "code": 32000, "message": "bad key <redacted>"}"#
        );
        let err = exchange(&Echo { fail: true }, &request).unwrap_err();
        assert_eq!(
            err.to_string(),
            "GET http://127.0.0.1/rest/bug failed: proxy refused Authorization: Bearer <redacted>"
        );
        // Without a key nothing is changed.
        let anonymous = Request::get("http://127.0.0.1/rest/bug");
        assert!(exchange(&Echo { fail: false }, &anonymous).is_ok());
    }

    #[test]
    fn snippet_is_one_short_line() {
        assert_eq!(snippet("a\nb"), "a b");
        assert_eq!(snippet(&"x".repeat(500)).len(), 200);
    }
}
