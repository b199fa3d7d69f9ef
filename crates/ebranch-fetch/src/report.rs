//! Progress reporting: library code never prints, the CLI implements [`Reporter`].

use std::path::Path;
use std::time::Duration;

use crate::error::FetchError;
use crate::fetched::FetchedRepo;
use crate::resolved::ResolvedRepo;

/// One HTTP request for one file.
#[derive(Debug, Clone, Copy)]
pub struct Transfer<'a> {
    /// Unique per process, to key progress bars.
    pub id: u64,
    /// Repo id.
    pub repo: &'a str,
    /// What is fetched: `metalink`, `mirrorlist`, `repomd.xml` or the repomd location.
    pub file: &'a str,
    /// The URL requested.
    pub url: &'a str,
    /// Expected size in bytes, when repomd.xml tells.
    pub size: Option<u64>,
}

/// How a transfer ended.
#[derive(Debug)]
pub enum TransferEnd<'a> {
    /// Received and verified.
    Done {
        /// Bytes received.
        bytes: u64,
    },
    /// Failed; another mirror or a retry may follow.
    Failed(&'a FetchError),
}

/// Receives progress events. All methods default to doing nothing; they may
/// be called from several threads at once (one thread per repo).
pub trait Reporter: Sync {
    /// A repo is about to be checked (cache or network).
    fn repo_start(&self, _repo: &ResolvedRepo) {}
    /// A request starts.
    fn start(&self, _transfer: &Transfer<'_>) {}
    /// `bytes` received so far for this transfer.
    fn progress(&self, _transfer: &Transfer<'_>, _bytes: u64) {}
    /// A request ended.
    fn finish(&self, _transfer: &Transfer<'_>, _end: &TransferEnd<'_>) {}
    /// Another run holds this repo's cache `lock`; this one waits for it, `timeout` at
    /// most (called once per wait).
    fn waiting_for_lock(&self, _repo: &str, _lock: &Path, _timeout: Duration) {}
    /// A repo is ready (from the cache or freshly downloaded).
    fn repo_done(&self, _repo: &FetchedRepo) {}
}

/// A [`Reporter`] that ignores everything.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoProgress;

impl Reporter for NoProgress {}
