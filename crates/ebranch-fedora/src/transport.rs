//! The real transport: blocking HTTP over ureq with rustls.

use std::time::Duration;

use crate::http::{HttpError, Method, Request, Response, Transport};
use crate::url::url_is_loopback;

/// Blocking HTTP client. Loopback URLs bypass any proxy; others require https.
pub struct UreqTransport {
    remote: ureq::Agent,
    local: ureq::Agent,
}

impl UreqTransport {
    /// A client with generous timeouts (Red Hat's Bugzilla can take minutes).
    pub fn new() -> Self {
        Self {
            remote: agent(ureq::Proxy::try_from_env(), true),
            local: agent(None, false),
        }
    }
}

impl Default for UreqTransport {
    fn default() -> Self {
        Self::new()
    }
}

/// The remote agent is https-only (no redirect can downgrade it); the loopback agent
/// follows no redirects (none can lead it off this machine). Neither forwards the
/// `Authorization` header on a redirect (ureq's default).
fn agent(proxy: Option<ureq::Proxy>, remote: bool) -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .https_only(remote)
        .proxy(proxy)
        .max_redirects(if remote { 3 } else { 0 })
        .timeout_connect(Some(Duration::from_secs(30)))
        .timeout_global(Some(Duration::from_secs(300)))
        .user_agent(concat!("ebranch/", env!("CARGO_PKG_VERSION")))
        .build()
        .new_agent()
}

impl Transport for UreqTransport {
    fn send(&self, request: &Request) -> Result<Response, HttpError> {
        let loopback = url_is_loopback(&request.url);
        if !loopback && !request.url.starts_with("https://") {
            return Err(HttpError::Insecure {
                url: request.url.clone(),
            });
        }
        let agent = if loopback { &self.local } else { &self.remote };
        let auth = request
            .bearer
            .as_ref()
            .map(|key| format!("Bearer {}", key.expose()));
        // The key is redacted by `http::exchange`, the one way clients call this.
        let fail = |e: ureq::Error| HttpError::Transport {
            method: request.method,
            url: request.url.clone(),
            message: e.to_string(),
        };
        let result = match request.method {
            Method::Get => {
                let mut builder = agent.get(&request.url).header("Accept", "application/json");
                if let Some(auth) = &auth {
                    builder = builder.header("Authorization", auth);
                }
                builder.call()
            }
            Method::Post | Method::Put => {
                let mut builder = if request.method == Method::Post {
                    agent.post(&request.url)
                } else {
                    agent.put(&request.url)
                };
                builder = builder
                    .header("Accept", "application/json")
                    .header("Content-Type", "application/json");
                if let Some(auth) = &auth {
                    builder = builder.header("Authorization", auth);
                }
                let body = request
                    .body
                    .as_ref()
                    .map(|b| b.to_string())
                    .unwrap_or_else(|| "{}".to_string());
                builder.send(body)
            }
        };
        let mut response = result.map_err(fail)?;
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(64 * 1024 * 1024)
            .read_to_string()
            .map_err(fail)?;
        Ok(Response { status, body })
    }
}
