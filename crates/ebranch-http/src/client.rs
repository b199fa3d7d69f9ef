//! The client: every request ebranch makes goes through [`Client::send`], which applies
//! the [policy](crate::policy), the [limits](crate::Limits), `Accept-Encoding:
//! identity`, the system CA store, proxies and redirects.

use std::time::Instant;

use ureq::http::HeaderMap;
use ureq::tls::{RootCerts, TlsConfig};

use crate::body::Body;
use crate::error::{HttpError, one_line};
use crate::limits::Limits;
use crate::policy::{self, Target};

/// How the client is set up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientConfig {
    /// Honour `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` (loopback hosts are
    /// always reached directly).
    pub env_proxy: bool,
    /// The `User-Agent` header.
    pub user_agent: String,
}

impl Default for ClientConfig {
    fn default() -> ClientConfig {
        ClientConfig {
            env_proxy: true,
            user_agent: concat!("ebranch/", env!("CARGO_PKG_VERSION")).to_string(),
        }
    }
}

/// The HTTP methods ebranch uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Read (redirects are followed).
    Get,
    /// Create.
    Post,
    /// Update.
    Put,
}

/// One request.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    /// The method.
    pub method: Method,
    /// The absolute URL.
    pub url: &'a str,
    /// Extra headers. `Authorization` is sent to the first URL only, never after a
    /// redirect.
    pub headers: Vec<(&'static str, String)>,
    /// The body of a write.
    pub body: Option<Vec<u8>>,
    /// Deadline, rate and size limits.
    pub limits: Limits,
}

impl<'a> Request<'a> {
    /// A GET of `url` with `limits`.
    pub fn get(url: &'a str, limits: Limits) -> Request<'a> {
        Request {
            method: Method::Get,
            url,
            headers: Vec::new(),
            body: None,
            limits,
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Request<'a> {
        self.headers.push((name, value.into()));
        self
    }
}

/// An answer, whatever its status; read the body with [`Body`]'s methods.
#[derive(Debug)]
pub struct Response {
    /// HTTP status.
    pub status: u16,
    /// The URL that answered (after redirects).
    pub url: String,
    headers: HeaderMap,
    /// The body, read under the request's limits.
    pub body: Body,
}

impl Response {
    /// The value of header `name`, if present and text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// The one HTTP client (cheap to clone; connections are pooled).
#[derive(Debug, Clone)]
pub struct Client {
    proxied: ureq::Agent,
    direct: ureq::Agent,
}

impl Client {
    /// A client set up by `config`.
    pub fn new(config: &ClientConfig) -> Client {
        let proxy = if config.env_proxy {
            ureq::Proxy::try_from_env()
        } else {
            None
        };
        Client {
            proxied: agent(proxy, &config.user_agent),
            direct: agent(None, &config.user_agent),
        }
    }

    /// Sends `request` and returns the answer once its headers arrived. Redirects of a
    /// GET are followed hop by hop under the policy.
    pub fn send(&self, request: &Request<'_>) -> Result<Response, HttpError> {
        let started = Instant::now();
        let limits = request.limits;
        let mut target = policy::check(request.url)?;
        let mut hops = 0;
        loop {
            let response = self.exchange(request, &target, hops, started)?;
            let status = response.status().as_u16();
            let location = response
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok());
            let follow = request.method == Method::Get
                && matches!(status, 301 | 302 | 303 | 307 | 308)
                && limits.max_redirects > 0;
            if let (true, Some(location)) = (follow, location) {
                hops += 1;
                if hops > limits.max_redirects {
                    return Err(HttpError::Redirects {
                        url: request.url.to_string(),
                        max: limits.max_redirects,
                    });
                }
                target = policy::redirect(&target, location)?;
                continue;
            }
            let length = response.body().content_length();
            let (parts, body) = response.into_parts();
            let reader = body.into_with_config().limit(u64::MAX).reader();
            let body = Body::new(
                Box::new(reader),
                target.url.clone(),
                limits,
                started,
                length,
            )?;
            return Ok(Response {
                status,
                url: target.url,
                headers: parts.headers,
                body,
            });
        }
    }

    /// A GET of `url`.
    pub fn get(&self, url: &str, limits: Limits) -> Result<Response, HttpError> {
        self.send(&Request::get(url, limits))
    }

    /// One request/response exchange with `target`, no redirect followed.
    fn exchange(
        &self,
        request: &Request<'_>,
        target: &Target,
        hop: u32,
        started: Instant,
    ) -> Result<ureq::http::Response<ureq::Body>, HttpError> {
        let limits = &request.limits;
        let remaining = limits.deadline.saturating_sub(started.elapsed());
        let deadline = || HttpError::Deadline {
            url: target.url.clone(),
            deadline: limits.deadline,
        };
        if remaining.is_zero() {
            return Err(deadline());
        }
        let agent = if target.loopback {
            &self.direct
        } else {
            &self.proxied
        };
        let headers = request
            .headers
            .iter()
            .filter(|(name, _)| hop == 0 || !name.eq_ignore_ascii_case("authorization"));
        let result = match request.method {
            Method::Get => {
                let mut builder = agent.get(&target.url);
                for (name, value) in headers {
                    builder = builder.header(*name, value);
                }
                configure(builder.config(), limits, remaining).call()
            }
            Method::Post | Method::Put => {
                let mut builder = if request.method == Method::Post {
                    agent.post(&target.url)
                } else {
                    agent.put(&target.url)
                };
                for (name, value) in headers {
                    builder = builder.header(*name, value);
                }
                let body = request.body.as_deref().unwrap_or(b"");
                configure(builder.config(), limits, remaining).send(body)
            }
        };
        result.map_err(|e| match e {
            ureq::Error::Timeout(ureq::Timeout::Global) => deadline(),
            other => HttpError::Transport {
                url: target.url.clone(),
                message: one_line(&other.to_string()),
            },
        })
    }
}

/// Per-request timeouts.
fn configure<S>(
    config: ureq::config::ConfigBuilder<ureq::typestate::RequestScope<S>>,
    limits: &Limits,
    remaining: std::time::Duration,
) -> ureq::RequestBuilder<S> {
    config
        .timeout_global(Some(remaining))
        .timeout_connect(Some(limits.connect))
        .timeout_recv_response(Some(limits.head))
        .timeout_per_read(Some(limits.window))
        .build()
}

/// An agent that follows no redirect itself (the client does, under the policy), treats
/// no status as an error, asks for `identity` encoding and verifies certificates with
/// the system's CA store.
fn agent(proxy: Option<ureq::Proxy>, user_agent: &str) -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .proxy(proxy)
        .user_agent(user_agent)
        .accept_encoding("identity")
        .tls_config(
            TlsConfig::builder()
                .root_certs(RootCerts::PlatformVerifier)
                .build(),
        )
        .build()
        .new_agent()
}
