//! Errors from fetching repo metadata and from the cache.

use std::io;
use std::path::PathBuf;

/// A download or cache operation failed. Every message is one line and
/// names the URL or file concerned.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The server answered with a status other than 200.
    #[error("GET {url}: HTTP status {status}")]
    Status {
        /// The URL.
        url: String,
        /// The HTTP status code.
        status: u16,
    },
    /// The HTTP policy refused the request, or the server was too slow, sent too much,
    /// or cut the body short.
    #[error("GET {0}")]
    Http(#[from] ebranch_http::HttpError),
    /// A document larger or otherwise unusable in transit.
    #[error("GET {url}: {message}")]
    Transport {
        /// The URL.
        url: String,
        /// What went wrong.
        message: String,
    },
    /// The downloaded bytes do not hash to the expected checksum.
    #[error("{url}: checksum mismatch: expected {expected}, got {actual}")]
    Checksum {
        /// The URL.
        url: String,
        /// `algo:hex` expected.
        expected: String,
        /// `algo:hex` received.
        actual: String,
    },
    /// The downloaded file has the wrong size.
    #[error("{url}: size mismatch: expected {expected} bytes, got {actual}")]
    Size {
        /// The URL.
        url: String,
        /// Size from repomd.xml.
        expected: u64,
        /// Size received.
        actual: u64,
    },
    /// A metalink or repomd.xml that cannot be parsed.
    #[error("{url}: invalid {what}: {reason}")]
    Invalid {
        /// The URL or file.
        url: String,
        /// `metalink`, `repomd.xml`, …
        what: &'static str,
        /// The parser's message.
        reason: String,
    },
    /// A metalink or mirrorlist with no usable http(s) mirror.
    #[error("{url}: no usable http(s) mirror listed")]
    NoMirrors {
        /// The metalink or mirrorlist URL.
        url: String,
    },
    /// Every mirror and every retry failed for one file.
    #[error("repo {repo}: {file}: {attempts} attempts failed, last: {last}")]
    AllMirrorsFailed {
        /// Repo id.
        repo: String,
        /// File name (`repomd.xml`, `repodata/…-primary.xml.zst`, `metalink`).
        file: String,
        /// Number of requests made.
        attempts: usize,
        /// The last failure.
        last: Box<FetchError>,
    },
    /// `--offline` and the cache lacks a file.
    #[error("repo {repo}: {path} is not in the cache and offline mode forbids downloading it")]
    NotCached {
        /// Repo id.
        repo: String,
        /// The missing file.
        path: PathBuf,
    },
    /// repomd.xml has no record of a required type.
    #[error("{url}: repomd.xml has no {kind} record")]
    MissingRecord {
        /// Where the repomd.xml came from.
        url: String,
        /// `primary`.
        kind: &'static str,
    },
    /// A repomd.xml record whose checksum type is missing or unknown.
    #[error(
        "{url}: {href}: unusable checksum (type {kind:?}): an unknown type, or not a hex value"
    )]
    UnsupportedChecksum {
        /// Where the repomd.xml came from.
        url: String,
        /// The record's location.
        href: String,
        /// The type attribute (empty when missing).
        kind: String,
    },
    /// A repomd.xml location that would escape the repo directory.
    #[error("{url}: refusing unsafe location {href:?}")]
    UnsafeLocation {
        /// Where the repomd.xml came from.
        url: String,
        /// The offending href.
        href: String,
    },
    /// Another run held the repo's cache lock for longer than `lock_timeout`.
    #[error(
        "repo {repo}: gave up after {waited:?} waiting for another ebranch run to release the cache lock {}",
        path.display()
    )]
    LockTimeout {
        /// Repo id.
        repo: String,
        /// The lock file.
        path: PathBuf,
        /// How long the run waited.
        waited: std::time::Duration,
    },
    /// A URL scheme this crate does not speak.
    #[error("{url}: unsupported URL (only http, https and file are)")]
    UnsupportedUrl {
        /// The URL.
        url: String,
    },
    /// A local file operation failed.
    #[error("{path}: {error}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The OS error.
        error: io::Error,
    },
}

impl FetchError {
    /// Wraps an I/O error with the path it concerns.
    pub(crate) fn io(path: impl Into<PathBuf>, error: io::Error) -> FetchError {
        FetchError::Io {
            path: path.into(),
            error,
        }
    }
}
