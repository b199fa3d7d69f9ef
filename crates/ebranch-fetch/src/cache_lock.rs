//! Advisory lock on one repo's cache folder, so concurrent ebranch runs
//! (or threads with separate handles) never write the same repo at once.
//! A run waits for another one's lock for [`crate::FetchOptions::lock_timeout`] at most,
//! telling its [`Reporter`] once what it waits for.

use std::path::Path;
use std::time::Duration;

use ebranch_fs::{FileLock, LockMode, lock_file};

use crate::error::FetchError;
use crate::report::Reporter;

/// Held lock; released when dropped (or when the process dies).
#[derive(Debug)]
pub(crate) struct RepoLock {
    _lock: FileLock,
}

/// Who asks for a lock, and how long they wait.
pub(crate) struct LockRequest<'a> {
    pub repo: &'a str,
    pub timeout: Duration,
    pub reporter: &'a dyn Reporter,
}

impl RepoLock {
    /// Exclusive access (writers).
    pub fn exclusive(path: &Path, who: &LockRequest<'_>) -> Result<RepoLock, FetchError> {
        Self::take(path, LockMode::Exclusive, who)
    }

    /// Shared access (offline readers).
    pub fn shared(path: &Path, who: &LockRequest<'_>) -> Result<RepoLock, FetchError> {
        Self::take(path, LockMode::Shared, who)
    }

    fn take(path: &Path, mode: LockMode, who: &LockRequest<'_>) -> Result<RepoLock, FetchError> {
        let waiting = || who.reporter.waiting_for_lock(who.repo, path, who.timeout);
        match lock_file(path, mode, who.timeout, waiting) {
            Ok(lock) => Ok(RepoLock { _lock: lock }),
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => Err(FetchError::LockTimeout {
                repo: who.repo.to_string(),
                path: path.to_path_buf(),
                waited: who.timeout,
            }),
            Err(e) => Err(FetchError::io(path, e)),
        }
    }
}
