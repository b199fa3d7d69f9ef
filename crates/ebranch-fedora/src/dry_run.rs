//! Dry run: reads go through, writes are recorded and answered with placeholders.

use std::sync::{Arc, Mutex, PoisonError};

use serde_json::json;

use crate::http::{HttpError, Request, Response, Retries, Transport};

/// Bug numbers handed out for bugs that a dry run would create; real ones are far larger.
pub const FIRST_PLACEHOLDER_ID: u64 = 1;

/// A transport that sends GETs to `inner` and records every write instead of sending it.
///
/// A recorded POST is answered `{"id": N}` with a placeholder N (counting from
/// [`FIRST_PLACEHOLDER_ID`]); a PUT is answered `{"bugs": []}`.
pub struct DryRunTransport {
    inner: Arc<dyn Transport>,
    state: Mutex<DryRunState>,
}

#[derive(Default)]
struct DryRunState {
    writes: Vec<RecordedWrite>,
    next_id: u64,
}

/// One write that was not sent.
#[derive(Debug, Clone)]
pub struct RecordedWrite {
    /// The request exactly as it would have been sent (its `Display` omits the key).
    pub request: Request,
    /// The placeholder bug number given in the fake answer to a POST.
    pub placeholder_id: Option<u64>,
}

impl std::fmt::Display for RecordedWrite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.request)?;
        if let Some(id) = self.placeholder_id {
            write!(f, "\n# dry run: this new object is called {id} below")?;
        }
        Ok(())
    }
}

impl DryRunTransport {
    /// Wrap the transport used for reads.
    pub fn new(inner: Arc<dyn Transport>) -> Self {
        Self {
            inner,
            state: Mutex::new(DryRunState {
                writes: Vec::new(),
                next_id: FIRST_PLACEHOLDER_ID,
            }),
        }
    }

    /// The writes recorded so far, in order.
    pub fn writes(&self) -> Vec<RecordedWrite> {
        self.state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .writes
            .clone()
    }

    /// All recorded writes as text, one blank line between them (what `--dry-run` prints).
    pub fn render(&self) -> String {
        let parts: Vec<String> = self.writes().iter().map(|w| w.to_string()).collect();
        parts.join("\n\n")
    }
}

impl Transport for DryRunTransport {
    fn send(&self, request: &Request) -> Result<Response, HttpError> {
        if !request.method.is_write() {
            return self.inner.send(request);
        }
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let (placeholder_id, body) = match request.method {
            crate::http::Method::Post => {
                let id = state.next_id;
                state.next_id += 1;
                (Some(id), json!({"id": id}))
            }
            _ => (None, json!({"bugs": []})),
        };
        state.writes.push(RecordedWrite {
            request: request.clone(),
            placeholder_id,
        });
        Ok(Response::new(200, body.to_string()))
    }

    fn retries(&self) -> Retries {
        self.inner.retries()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::Method;

    struct NoNetwork;
    impl Transport for NoNetwork {
        fn send(&self, request: &Request) -> Result<Response, HttpError> {
            Ok(Response::new(
                200,
                format!("{{\"read\": \"{}\"}}", request.url),
            ))
        }
    }

    #[test]
    fn reads_pass_writes_are_recorded() {
        let dry = DryRunTransport::new(Arc::new(NoNetwork));
        let read = dry.send(&Request::get("http://127.0.0.1/x")).unwrap();
        assert!(read.body.contains("/x"));
        let post = Request::with_body(Method::Post, "http://127.0.0.1/rest/bug", json!({"a": 1}));
        assert_eq!(dry.send(&post).unwrap().body, "{\"id\":1}");
        assert_eq!(dry.send(&post).unwrap().body, "{\"id\":2}");
        let writes = dry.writes();
        assert_eq!(writes.len(), 2);
        assert_eq!(
            dry.render(),
            "POST http://127.0.0.1/rest/bug\n{\n  \"a\": 1\n}\n# dry run: this new object is called 1 below\n\n\
             POST http://127.0.0.1/rest/bug\n{\n  \"a\": 1\n}\n# dry run: this new object is called 2 below"
        );
    }
}
