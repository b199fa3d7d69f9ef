//! The HTTP client: one blocking ureq agent with rustls, timeouts and
//! (optionally) proxies from the environment.

use std::io::Read;
use std::time::Duration;

use crate::error::FetchError;

/// Shared HTTP client.
#[derive(Debug, Clone)]
pub(crate) struct Http {
    agent: ureq::Agent,
}

/// An open response: a body reader plus the announced length.
pub(crate) struct Body {
    pub reader: Box<dyn Read + Send>,
    pub length: Option<u64>,
}

impl Http {
    /// A client whose connect, response-header and per-read (stall) timeouts
    /// are all `timeout`. With `env_proxy`, `ALL_PROXY`/`HTTPS_PROXY`/
    /// `HTTP_PROXY` and `NO_PROXY` apply; without, connections are direct.
    pub fn new(timeout: Duration, env_proxy: bool, user_agent: &str) -> Http {
        let proxy = if env_proxy {
            ureq::Proxy::try_from_env()
        } else {
            None
        };
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .proxy(proxy)
            .user_agent(user_agent)
            .timeout_connect(Some(timeout))
            .timeout_recv_response(Some(timeout))
            .timeout_per_read(Some(timeout))
            .max_redirects(10)
            .build();
        Http {
            agent: config.into(),
        }
    }

    /// Sends a GET and returns the body of a 200 answer.
    pub fn open(&self, url: &str) -> Result<Body, FetchError> {
        let response = self
            .agent
            .get(url)
            .call()
            .map_err(|e| FetchError::Transport {
                url: url.to_string(),
                message: e.to_string(),
            })?;
        let status = response.status().as_u16();
        if status != 200 {
            return Err(FetchError::Status {
                url: url.to_string(),
                status,
            });
        }
        let length = response.body().content_length();
        let reader = response
            .into_body()
            .into_with_config()
            .limit(u64::MAX)
            .reader();
        Ok(Body {
            reader: Box::new(reader),
            length,
        })
    }
}
