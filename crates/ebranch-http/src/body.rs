//! A response body that enforces the request's limits as it is read: the size cap, the
//! minimum rate over each window and the overall deadline.

use std::io::Read;
use std::time::Instant;

use crate::error::{HttpError, one_line};
use crate::limits::Limits;

/// The body of a response. Read it with [`Body::read_chunk`] (or the `read_to_*`
/// helpers); every read checks the limits.
pub struct Body {
    reader: Box<dyn Read + Send>,
    url: String,
    limits: Limits,
    started: Instant,
    length: Option<u64>,
    received: u64,
    window_start: Instant,
    window_bytes: u64,
}

impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Body")
            .field("url", &self.url)
            .field("length", &self.length)
            .field("received", &self.received)
            .finish_non_exhaustive()
    }
}

impl Body {
    pub(crate) fn new(
        reader: Box<dyn Read + Send>,
        url: String,
        limits: Limits,
        started: Instant,
        length: Option<u64>,
    ) -> Result<Body, HttpError> {
        if length.is_some_and(|l| l > limits.max_body) {
            return Err(HttpError::TooLarge {
                url,
                limit: limits.max_body,
            });
        }
        Ok(Body {
            reader,
            url,
            limits,
            started,
            length,
            received: 0,
            window_start: Instant::now(),
            window_bytes: 0,
        })
    }

    /// The announced `Content-Length`, if any.
    pub fn length(&self) -> Option<u64> {
        self.length
    }

    /// Bytes received so far.
    pub fn received(&self) -> u64 {
        self.received
    }

    /// Reads the next bytes into `buf`; `Ok(0)` at the complete end of the body.
    pub fn read_chunk(&mut self, buf: &mut [u8]) -> Result<usize, HttpError> {
        let n = loop {
            match self.reader.read(buf) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.read_error(e)),
            }
        };
        if n == 0 {
            return match self.length {
                Some(length) if length != self.received => Err(HttpError::Truncated {
                    url: self.url.clone(),
                    received: self.received,
                    length,
                }),
                _ => Ok(0),
            };
        }
        self.received += n as u64;
        if self.received > self.limits.max_body {
            return Err(HttpError::TooLarge {
                url: self.url.clone(),
                limit: self.limits.max_body,
            });
        }
        self.check_pace(n as u64)?;
        Ok(n)
    }

    /// The whole body.
    pub fn read_to_vec(mut self) -> Result<Vec<u8>, HttpError> {
        let mut out = Vec::new();
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = self.read_chunk(&mut buf)?;
            if n == 0 {
                return Ok(out);
            }
            out.extend_from_slice(&buf[..n]);
        }
    }

    /// The whole body as text (invalid UTF-8 replaced).
    pub fn read_to_string(self) -> Result<String, HttpError> {
        let bytes = self.read_to_vec()?;
        Ok(match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        })
    }

    /// Checks the deadline and, once a window is complete, the rate over it.
    fn check_pace(&mut self, n: u64) -> Result<(), HttpError> {
        let now = Instant::now();
        if now.duration_since(self.started) > self.limits.deadline {
            return Err(self.deadline());
        }
        self.window_bytes += n;
        let span = now.duration_since(self.window_start);
        if span >= self.limits.window {
            if (self.window_bytes as f64) < self.limits.min_rate as f64 * span.as_secs_f64() {
                return Err(self.too_slow(self.window_bytes));
            }
            self.window_start = now;
            self.window_bytes = 0;
        }
        Ok(())
    }

    fn read_error(&self, error: std::io::Error) -> HttpError {
        match ureq::Error::from(error) {
            ureq::Error::Timeout(ureq::Timeout::Global) => self.deadline(),
            ureq::Error::Timeout(_) => self.too_slow(self.window_bytes),
            other => HttpError::Transport {
                url: self.url.clone(),
                message: one_line(&format!(
                    "reading the body after {} bytes: {other}",
                    self.received
                )),
            },
        }
    }

    fn deadline(&self) -> HttpError {
        HttpError::Deadline {
            url: self.url.clone(),
            deadline: self.limits.deadline,
        }
    }

    fn too_slow(&self, received: u64) -> HttpError {
        HttpError::TooSlow {
            url: self.url.clone(),
            received,
            window: self.limits.window,
            min_rate: self.limits.min_rate,
            elapsed: self.started.elapsed(),
        }
    }
}
