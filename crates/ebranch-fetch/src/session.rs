//! One repo's network session: single GETs with progress, verification and
//! counters, and the mirror-failover / retry / backoff loop around them.

use std::cell::Cell;
use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use ebranch_repodata::checksum::{Digest, Hasher};

use ebranch_http::{Client, Limits};

use crate::error::FetchError;
use crate::fetcher::FetchOptions;
use crate::report::{Reporter, Transfer, TransferEnd};

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
    pub http: &'a Client,
    pub options: &'a FetchOptions,
    pub reporter: &'a dyn Reporter,
    pub repo_id: &'a str,
    requests: Cell<u64>,
    bytes: Cell<u64>,
}

impl<'a> Session<'a> {
    pub fn new(
        http: &'a Client,
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

    /// One GET of a small document (metalink, mirrorlist, repomd.xml) into memory,
    /// under the document limits.
    pub fn get_small(&self, url: &str, file: &str) -> Result<Vec<u8>, FetchError> {
        let mut data = Vec::new();
        self.stream(url, file, None, self.options.limits, &mut |chunk| {
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
        let limits = self.options.limits.for_file(expected.size);
        let received = self.stream(url, file, expected.size, limits, &mut |chunk| {
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
    /// once; a mirror that was too slow is not asked again. Returns the
    /// result and the index of the URL that worked.
    pub fn with_failover<T>(
        &self,
        file: &str,
        urls: &[String],
        mut attempt: impl FnMut(&str) -> Result<T, FetchError>,
    ) -> Result<(T, usize), FetchError> {
        let per_round = urls.len().min(self.options.max_mirrors.max(1));
        let mut attempts = 0;
        let mut last = None;
        let mut slow = vec![false; per_round];
        for round in 0..=self.options.retries {
            if slow.iter().all(|s| *s) {
                break;
            }
            if round > 0 {
                let factor = 1u32 << (round - 1).min(16);
                std::thread::sleep(self.options.backoff.saturating_mul(factor).min(MAX_BACKOFF));
            }
            for (index, url) in urls.iter().take(per_round).enumerate() {
                if slow[index] {
                    continue;
                }
                attempts += 1;
                match attempt(url) {
                    Ok(value) => return Ok((value, index)),
                    Err(error @ FetchError::Io { .. }) => return Err(error),
                    Err(error) => {
                        slow[index] = matches!(&error, FetchError::Http(e) if e.is_slow());
                        last = Some(error);
                    }
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
        limits: Limits,
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
        let result = self.read_body(url, limits, &transfer, sink);
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
        limits: Limits,
        transfer: &Transfer<'_>,
        sink: &mut dyn FnMut(&[u8]) -> Result<(), FetchError>,
    ) -> Result<u64, FetchError> {
        let response = self.http.get(url, limits)?;
        if response.status != 200 {
            return Err(FetchError::Status {
                url: url.to_string(),
                status: response.status,
            });
        }
        let mut body = response.body;
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = body.read_chunk(&mut buf)?;
            if n == 0 {
                break;
            }
            self.bytes.set(self.bytes.get() + n as u64);
            sink(&buf[..n])?;
            self.reporter.progress(transfer, body.received());
        }
        Ok(body.received())
    }
}
