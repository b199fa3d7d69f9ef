//! Atomic file replacement: write a temp file in the same folder, then rename.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::FetchError;

/// Prefix of temp files; anything starting with it is garbage once the
/// repo lock is held.
pub(crate) const TEMP_PREFIX: &str = ".tmp-";

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A fresh temp path next to `dest`.
pub(crate) fn temp_path_for(dest: &Path) -> PathBuf {
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let unique = COUNTER.fetch_add(1, Ordering::Relaxed);
    dest.with_file_name(format!(
        "{TEMP_PREFIX}{}-{unique}-{name}",
        std::process::id()
    ))
}

/// Renames a complete temp file over `dest`.
pub(crate) fn persist(tmp: &Path, dest: &Path) -> Result<(), FetchError> {
    if let Some(parent) = dest.parent() {
        fs::create_dir_all(parent).map_err(|e| FetchError::io(parent, e))?;
    }
    fs::rename(tmp, dest).map_err(|e| FetchError::io(dest, e))
}

/// Writes `data` to `dest` atomically.
pub(crate) fn write_atomic(dest: &Path, data: &[u8]) -> Result<(), FetchError> {
    let tmp = temp_path_for(dest);
    let result = (|| {
        let mut file = File::create(&tmp).map_err(|e| FetchError::io(&tmp, e))?;
        file.write_all(data).map_err(|e| FetchError::io(&tmp, e))?;
        file.sync_all().map_err(|e| FetchError::io(&tmp, e))?;
        persist(&tmp, dest)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Removes a temp file, ignoring a missing one.
pub(crate) fn discard(tmp: &Path) {
    let _ = fs::remove_file(tmp);
}
