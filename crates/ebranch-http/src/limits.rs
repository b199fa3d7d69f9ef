//! How long a request may take, how slow its body may be and how large it may grow.
//! The defaults are ebranch's documented policy; tests pass small values.

use std::time::Duration;

/// Largest metalink, mirrorlist or repomd.xml accepted (a real metalink is about
/// 100 KB, a repomd.xml a few KB).
pub const DOCUMENT_CAP: u64 = 32 * 1024 * 1024;
/// Largest metadata file accepted when repomd.xml gives no `<size>` (Fedora's largest,
/// filelists, is about 50 MB compressed).
pub const FILE_CAP: u64 = 1024 * 1024 * 1024;
/// Largest service (Bugzilla, Bodhi, dist-git) answer accepted.
pub const SERVICE_CAP: u64 = 64 * 1024 * 1024;
/// The rate the deadline of a metadata file allows for: a file of `n` bytes gets
/// `METADATA_DEADLINE + n / DEADLINE_RATE` seconds in all.
pub const DEADLINE_RATE: u64 = 64 * 1024;
/// Base deadline of a metadata request.
pub const METADATA_DEADLINE: Duration = Duration::from_secs(30);

/// Limits of one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Connecting: name lookup, TCP, TLS and proxy negotiation.
    pub connect: Duration,
    /// From sending the request to the end of the response headers.
    pub head: Duration,
    /// The whole request, redirects and body included.
    pub deadline: Duration,
    /// The body must arrive at this many bytes per second or more, averaged over each
    /// `window`; 0 turns the check off (the deadline still applies).
    pub min_rate: u64,
    /// The averaging window of `min_rate`; also the longest silence tolerated.
    pub window: Duration,
    /// Largest body accepted; one byte more ends the request.
    pub max_body: u64,
    /// Redirects followed (GET only; a redirected write is returned as is).
    pub max_redirects: u32,
}

impl Limits {
    /// A metalink, mirrorlist or repomd.xml: connect within 10 s, headers within 20 s,
    /// at least 4 KiB/s over every 10 s, 30 s in all, [`DOCUMENT_CAP`] bytes. A stalled
    /// or dripping mirror costs 10 s, then the next mirror is tried.
    pub fn document() -> Limits {
        Limits {
            connect: Duration::from_secs(10),
            head: Duration::from_secs(20),
            deadline: METADATA_DEADLINE,
            min_rate: 4 * 1024,
            window: Duration::from_secs(10),
            max_body: DOCUMENT_CAP,
            max_redirects: 5,
        }
    }

    /// A metadata file of `promised` bytes (from repomd.xml), or of at most
    /// [`FILE_CAP`] when none is promised: the same connect, header and rate rules as
    /// [`Limits::document`]; the body may not exceed the promised size; the deadline is
    /// 30 s plus one second per [`DEADLINE_RATE`] bytes.
    pub fn file(promised: Option<u64>) -> Limits {
        Limits::document().for_file(promised)
    }

    /// These limits, for a metadata file of `promised` bytes (or at most [`FILE_CAP`]):
    /// the body capped at that size, the deadline grown by one second per
    /// [`DEADLINE_RATE`] bytes.
    pub fn for_file(self, promised: Option<u64>) -> Limits {
        let max_body = promised.unwrap_or(FILE_CAP);
        Limits {
            deadline: self.deadline + Duration::from_secs(max_body / DEADLINE_RATE),
            max_body,
            ..self
        }
    }

    /// A Fedora service call (Red Hat's Bugzilla can take minutes): connect within
    /// 30 s, 300 s in all, at least 1 KiB/s over every 60 s of body, [`SERVICE_CAP`]
    /// bytes, 3 redirects.
    pub fn service() -> Limits {
        Limits {
            connect: Duration::from_secs(30),
            head: Duration::from_secs(300),
            deadline: Duration::from_secs(300),
            min_rate: 1024,
            window: Duration::from_secs(60),
            max_body: SERVICE_CAP,
            max_redirects: 3,
        }
    }

    /// Scales every duration by `factor` (tests use small values).
    pub fn scaled(self, factor: f64) -> Limits {
        let s = |d: Duration| d.mul_f64(factor);
        Limits {
            connect: s(self.connect),
            head: s(self.head),
            deadline: s(self.deadline),
            window: s(self.window),
            ..self
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_deadline_grows_with_the_promised_size() {
        assert_eq!(Limits::file(Some(0)).deadline, Duration::from_secs(30));
        assert_eq!(
            Limits::file(Some(64 * 1024 * 600)).deadline,
            Duration::from_secs(630)
        );
        assert_eq!(Limits::file(Some(5)).max_body, 5);
        assert_eq!(Limits::file(None).max_body, FILE_CAP);
        assert_eq!(
            Limits::document().scaled(0.1).window,
            Duration::from_secs(1)
        );
    }
}
