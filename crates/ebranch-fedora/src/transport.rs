//! The real transport: every request goes through ebranch's one HTTP policy
//! (`ebranch-http`: https only, system CA store, deadlines, body cap, redirects).

use ebranch_http::{Client, ClientConfig, Limits};

use crate::http::{HttpError, Method, Request, Response, Retries, Transport};

/// Blocking HTTP client for the services, with the service limits of `ebranch-http`
/// (Red Hat's Bugzilla can take minutes). Loopback URLs may be plain http and are never
/// proxied; others require https. A redirect never carries the `Authorization` header.
/// Every read of every service is retried here (ebranch-http's retries); a write is sent
/// once, and retried by its caller only after looking for its effect.
pub struct UreqTransport {
    client: Client,
    limits: Limits,
    retries: Retries,
}

impl UreqTransport {
    /// A client with the service limits ([`Limits::service`]) and the default retries.
    pub fn new() -> Self {
        Self {
            client: Client::new(&ClientConfig::default()),
            limits: Limits::service(),
            retries: Retries::default(),
        }
    }

    /// The same client, retrying as `retries` says.
    pub fn with_retries(mut self, retries: Retries) -> Self {
        self.retries = retries;
        self
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
        let response = if request.method.is_write() {
            self.client.send(&outgoing)
        } else {
            let retries = &self.retries;
            self.client
                .get_with_retries_sleeping(&outgoing, &retries.policy, |d| retries.sleep(d))
        }
        .map_err(fail)?;
        let status = response.status;
        let retry_after = response.retry_after();
        let body = response.body.read_to_string().map_err(fail)?;
        Ok(Response {
            status,
            body,
            retry_after,
        })
    }

    fn retries(&self) -> Retries {
        self.retries.clone()
    }
}
