//! Advisory lock on one repo's cache folder, so concurrent ebranch runs
//! (or threads with separate handles) never write the same repo at once.

use std::fs::{File, OpenOptions};
use std::path::Path;

use crate::error::FetchError;

/// Held lock; released when dropped (or when the process dies).
#[derive(Debug)]
pub(crate) struct RepoLock {
    _file: File,
}

impl RepoLock {
    /// Waits for exclusive access (writers).
    pub fn exclusive(path: &Path) -> Result<RepoLock, FetchError> {
        let file = open(path)?;
        file.lock().map_err(|e| FetchError::io(path, e))?;
        Ok(RepoLock { _file: file })
    }

    /// Waits for shared access (offline readers).
    pub fn shared(path: &Path) -> Result<RepoLock, FetchError> {
        let file = open(path)?;
        file.lock_shared().map_err(|e| FetchError::io(path, e))?;
        Ok(RepoLock { _file: file })
    }
}

fn open(path: &Path) -> Result<File, FetchError> {
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(path)
        .map_err(|e| FetchError::io(path, e))
}
