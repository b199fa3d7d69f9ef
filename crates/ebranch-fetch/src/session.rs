//! One repo's network session: single GETs with progress, verification and
//! counters, and the mirror-failover / retry / backoff loop around them.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use ebranch_repodata::checksum::{Digest, Hasher};

use ebranch_http::{Client, HttpError, Limits};

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
    /// Per mirror: the time its failed requests took, and why it was given up on.
    mirrors: RefCell<HashMap<String, MirrorUse>>,
}

/// What one attempt at a mirror may take: what is left of the mirror's budget
/// ([`FetchOptions::mirror_budget`]) when that is shorter than a request's deadline;
/// [`Cap::NONE`] leaves the deadline as it is.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Cap(Option<Duration>);

impl Cap {
    /// No cap: the request's own deadline.
    pub(crate) const NONE: Cap = Cap(None);

    /// `limits` with the deadline capped.
    fn apply(self, limits: Limits) -> Limits {
        match self.0 {
            Some(cap) if cap < limits.deadline => Limits {
                deadline: cap,
                ..limits
            },
            _ => limits,
        }
    }
}

/// What one mirror has cost this fetch.
#[derive(Default, Clone, Copy)]
struct MirrorUse {
    /// Time its failed requests took.
    lost: Duration,
    /// Given up on: too slow, silent, or out of budget.
    dropped: bool,
    /// Given up on only ever for running out of time while sending at the minimum rate.
    sending: bool,
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
            mirrors: RefCell::new(HashMap::new()),
        }
    }

    /// Requests made and body bytes received so far.
    pub fn counters(&self) -> (u64, u64) {
        (self.requests.get(), self.bytes.get())
    }

    /// One GET of a small document (metalink, mirrorlist, repomd.xml) into memory,
    /// under the document limits.
    pub fn get_small(&self, url: &str, file: &str, cap: Cap) -> Result<Vec<u8>, FetchError> {
        let mut data = Vec::new();
        let limits = cap.apply(self.options.limits);
        self.stream(url, file, None, limits, &mut |chunk| {
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
        cap: Cap,
    ) -> Result<u64, FetchError> {
        let mut out = File::create(tmp).map_err(|e| FetchError::io(tmp, e))?;
        let mut hasher = Hasher::new(expected.checksum.kind);
        let limits = cap.apply(self.options.limits.for_file(expected.size));
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

    /// Runs `attempt` on each mirror base in order, for up to `retries + 1` rounds
    /// with exponential backoff between rounds. Local I/O errors stop at once. Each
    /// request gets what is left of its mirror's budget ([`FetchOptions::mirror_budget`])
    /// as its deadline; a mirror that was too slow or ran out is not asked again in this
    /// fetch. When every mirror ran out while still sending at the minimum rate, the
    /// first gets one patient try with the full deadline. Returns the result and the
    /// index of the base that worked.
    pub fn with_failover<T>(
        &self,
        file: &str,
        bases: &[String],
        mut attempt: impl FnMut(&str, Cap) -> Result<T, FetchError>,
    ) -> Result<(T, usize), FetchError> {
        let bases = &bases[..bases.len().min(self.options.max_mirrors.max(1))];
        let mut attempts = 0;
        let mut last = None;
        for round in 0..=self.options.retries {
            if bases.iter().all(|b| self.usage(b).dropped) {
                break;
            }
            if round > 0 {
                let factor = 1u32 << (round - 1).min(16);
                std::thread::sleep(self.options.backoff.saturating_mul(factor).min(MAX_BACKOFF));
            }
            for (index, base) in bases.iter().enumerate() {
                let used = self.usage(base);
                if used.dropped {
                    continue;
                }
                attempts += 1;
                let budget = self.options.mirror_budget.saturating_sub(used.lost);
                match self.attempt_within(base, Cap(Some(budget)), &mut attempt) {
                    Ok(value) => return Ok((value, index)),
                    Err(error @ FetchError::Io { .. }) => return Err(error),
                    Err(error) => last = Some(error),
                }
            }
        }
        if let Some(first) = bases.first()
            && bases.iter().all(|b| self.usage(b).sending)
        {
            // The line is slow, not the mirrors.
            attempts += 1;
            match self.attempt_within(first, Cap::NONE, &mut attempt) {
                Ok(value) => return Ok((value, 0)),
                Err(error) => last = Some(error),
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

    fn usage(&self, base: &str) -> MirrorUse {
        self.mirrors.borrow().get(base).copied().unwrap_or_default()
    }

    /// One attempt at `base`, its deadline capped by `cap`;
    /// a failure's time is charged to the mirror, and a slow or silent mirror, or one
    /// out of budget, is given up on.
    fn attempt_within<T>(
        &self,
        base: &str,
        cap: Cap,
        attempt: &mut impl FnMut(&str, Cap) -> Result<T, FetchError>,
    ) -> Result<T, FetchError> {
        let started = Instant::now();
        let result = attempt(base, cap);
        if let Err(error) = &result {
            let mut mirrors = self.mirrors.borrow_mut();
            let used = mirrors.entry(base.to_string()).or_default();
            used.lost += started.elapsed();
            let out_of_time = matches!(error, FetchError::Http(HttpError::Deadline { .. }));
            let slow = matches!(error, FetchError::Http(e) if e.is_slow());
            if !used.dropped && (slow || used.lost >= self.options.mirror_budget) {
                used.dropped = true;
                used.sending = out_of_time;
            }
        }
        result
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
