//! The real transport: every request goes through ebranch's one HTTP policy
//! (`ebranch-http`: https only, system CA store, deadlines, body cap, redirects).

use ebranch_http::{Client, ClientConfig, Limits};

use crate::http::{HttpError, Method, Request, Response, Transport};

/// Blocking HTTP client for the services, with the service limits of `ebranch-http`
/// (Red Hat's Bugzilla can take minutes). Loopback URLs may be plain http and are never
/// proxied; others require https. A redirect never carries the `Authorization` header.
pub struct UreqTransport {
    client: Client,
    limits: Limits,
}

impl UreqTransport {
    /// A client with the service limits ([`Limits::service`]).
    pub fn new() -> Self {
        Self {
            client: Client::new(&ClientConfig::default()),
            limits: Limits::service(),
        }
    }
}

impl Default for UreqTransport {
    fn default() -> Self {
        Self::new()
    }
}

impl Transport for UreqTransport {
    fn send(&self, request: &Request) -> Result<Response, HttpError> {
        let fail = |e: ebranch_http::HttpError| match e {
            ebranch_http::HttpError::Refused { url, .. } if url == request.url => {
                HttpError::Insecure { url }
            }
            // The key is redacted by `http::exchange`, the one way clients call this.
            other => HttpError::Transport {
                method: request.method,
                url: request.url.clone(),
                message: other.to_string(),
            },
        };
        let mut outgoing = ebranch_http::Request::get(&request.url, self.limits)
            .header("Accept", "application/json");
        outgoing.method = match request.method {
            Method::Get => ebranch_http::Method::Get,
            Method::Post => ebranch_http::Method::Post,
            Method::Put => ebranch_http::Method::Put,
        };
        if request.method.is_write() {
            outgoing = outgoing.header("Content-Type", "application/json");
            let body = request
                .body
                .as_ref()
                .map(|b| b.to_string())
                .unwrap_or_else(|| "{}".to_string());
            outgoing.body = Some(body.into_bytes());
        }
        if let Some(key) = &request.bearer {
            outgoing = outgoing.header("Authorization", format!("Bearer {}", key.expose()));
        }
        let response = self.client.send(&outgoing).map_err(fail)?;
        let status = response.status;
        let body = response.body.read_to_string().map_err(fail)?;
        Ok(Response { status, body })
    }
}
