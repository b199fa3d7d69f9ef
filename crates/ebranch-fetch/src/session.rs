//! One repo's network session: single GETs with progress, verification and
//! counters, and the mirror-failover / retry / backoff loop around them.

use std::cell::Cell;
use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use ebranch_repodata::checksum::{Digest, Hasher};

use crate::error::FetchError;
use crate::fetcher::FetchOptions;
use crate::http::Http;
use crate::report::{Reporter, Transfer, TransferEnd};

/// Largest metalink, mirrorlist or repomd.xml accepted.
const SMALL_LIMIT: u64 = 32 * 1024 * 1024;
/// Longest pause between two retry rounds.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

static NEXT_TRANSFER: AtomicU64 = AtomicU64::new(1);

/// What a downloaded metadata file must be.
pub(crate) struct Expected<'a> {
    pub checksum: &'a Digest,
    pub size: Option<u64>,
}

/// Network state of one repo fetch (used by one thread).
pub(crate) struct Session<'a> {
    pub http: &'a Http,
    pub options: &'a FetchOptions,
    pub reporter: &'a dyn Reporter,
    pub repo_id: &'a str,
    requests: Cell<u64>,
    bytes: Cell<u64>,
}

impl<'a> Session<'a> {
    pub fn new(
        http: &'a Http,
        options: &'a FetchOptions,
        reporter: &'a dyn Reporter,
        repo_id: &'a str,
    ) -> Session<'a> {
        Session {
            http,
            options,
            reporter,
            repo_id,
            requests: Cell::new(0),
            bytes: Cell::new(0),
        }
    }

    /// Requests made and body bytes received so far.
    pub fn counters(&self) -> (u64, u64) {
        (self.requests.get(), self.bytes.get())
    }

    /// One GET of a small document into memory.
    pub fn get_small(&self, url: &str, file: &str) -> Result<Vec<u8>, FetchError> {
        let mut data = Vec::new();
        self.stream(url, file, None, &mut |chunk| {
            if data.len() as u64 + chunk.len() as u64 > SMALL_LIMIT {
                return Err(FetchError::Transport {
                    url: url.to_string(),
                    message: format!("document larger than {SMALL_LIMIT} bytes"),
                });
            }
            data.extend_from_slice(chunk);
            Ok(())
        })?;
        Ok(data)
    }

    /// One GET streamed into the file `tmp` (created or truncated), checked
    /// against `expected`. On failure the caller removes `tmp`.
    pub fn get_to_file(
        &self,
        url: &str,
        file: &str,
        tmp: &Path,
        expected: &Expected<'_>,
    ) -> Result<u64, FetchError> {
        let mut out = File::create(tmp).map_err(|e| FetchError::io(tmp, e))?;
        let mut hasher = Hasher::new(expected.checksum.kind);
        let received = self.stream(url, file, expected.size, &mut |chunk| {
            hasher.update(chunk);
            out.write_all(chunk).map_err(|e| FetchError::io(tmp, e))
        })?;
        out.sync_all().map_err(|e| FetchError::io(tmp, e))?;
        if let Some(size) = expected.size
            && size != received
        {
            return Err(FetchError::Size {
                url: url.to_string(),
                expected: size,
                actual: received,
            });
        }
        let actual = hasher.finish();
        if actual.hex != expected.checksum.hex {
            return Err(FetchError::Checksum {
                url: url.to_string(),
                expected: expected.checksum.to_string(),
                actual: actual.to_string(),
            });
        }
        Ok(received)
    }

    /// Runs `attempt` on each URL in order, for up to `retries + 1` rounds
    /// with exponential backoff between rounds. Local I/O errors stop at
    /// once. Returns the result and the index of the URL that worked.
    pub fn with_failover<T>(
        &self,
        file: &str,
        urls: &[String],
        mut attempt: impl FnMut(&str) -> Result<T, FetchError>,
    ) -> Result<(T, usize), FetchError> {
        let per_round = urls.len().min(self.options.max_mirrors.max(1));
        let mut attempts = 0;
        let mut last = None;
        for round in 0..=self.options.retries {
            if round > 0 {
                let factor = 1u32 << (round - 1).min(16);
                std::thread::sleep(self.options.backoff.saturating_mul(factor).min(MAX_BACKOFF));
            }
            for (index, url) in urls.iter().take(per_round).enumerate() {
                attempts += 1;
                match attempt(url) {
                    Ok(value) => return Ok((value, index)),
                    Err(error @ FetchError::Io { .. }) => return Err(error),
                    Err(error) => last = Some(error),
                }
            }
        }
        Err(FetchError::AllMirrorsFailed {
            repo: self.repo_id.to_string(),
            file: file.to_string(),
            attempts,
            last: Box::new(last.unwrap_or_else(|| FetchError::NoMirrors {
                url: file.to_string(),
            })),
        })
    }

    /// GET `url` and feed the body to `sink`, reporting progress.
    fn stream(
        &self,
        url: &str,
        file: &str,
        size: Option<u64>,
        sink: &mut dyn FnMut(&[u8]) -> Result<(), FetchError>,
    ) -> Result<u64, FetchError> {
        let transfer = Transfer {
            id: NEXT_TRANSFER.fetch_add(1, Ordering::Relaxed),
            repo: self.repo_id,
            file,
            url,
            size,
        };
        self.reporter.start(&transfer);
        self.requests.set(self.requests.get() + 1);
        let result = self.read_body(url, &transfer, sink);
        match &result {
            Ok(bytes) => self
                .reporter
                .finish(&transfer, &TransferEnd::Done { bytes: *bytes }),
            Err(error) => self.reporter.finish(&transfer, &TransferEnd::Failed(error)),
        }
        result
    }

    fn read_body(
        &self,
        url: &str,
        transfer: &Transfer<'_>,
        sink: &mut dyn FnMut(&[u8]) -> Result<(), FetchError>,
    ) -> Result<u64, FetchError> {
        let mut body = self.http.open(url)?;
        let mut buf = vec![0u8; 64 * 1024];
        let mut received: u64 = 0;
        loop {
            let n = body
                .reader
                .read(&mut buf)
                .map_err(|e| FetchError::Transport {
                    url: url.to_string(),
                    message: format!("reading body after {received} bytes: {e}"),
                })?;
            if n == 0 {
                break;
            }
            received += n as u64;
            self.bytes.set(self.bytes.get() + n as u64);
            sink(&buf[..n])?;
            self.reporter.progress(transfer, received);
        }
        if let Some(length) = body.length
            && length != received
        {
            return Err(FetchError::Transport {
                url: url.to_string(),
                message: format!("body ended after {received} of {length} bytes"),
            });
        }
        Ok(received)
    }
}
