//! An advisory lock on a directory, for read-modify-write cycles on its files.

use std::fs::File;
use std::path::Path;

/// Held while alive; released when dropped or when the process dies.
#[derive(Debug)]
pub struct DirLock {
    _file: Option<File>,
}

/// Waits for an exclusive lock on `dir`. Every ebranch process that changes a file of
/// `dir` through such a lock does so one at a time. Best effort: where the directory
/// cannot be opened or locked (permissions, a file system without locks), the lock is
/// empty and the caller's own checks remain.
pub fn lock_directory(dir: &Path) -> DirLock {
    let file = File::open(dir).ok().filter(|f| f.lock().is_ok());
    DirLock { _file: file }
}

/// [`lock_directory`] on the directory that holds `file` (`.` for a bare name).
pub fn lock_directory_of(file: &Path) -> DirLock {
    lock_directory(crate::parent_dir(file))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_holder_at_a_time() {
        let dir = tempfile::tempdir().unwrap();
        let held = lock_directory(dir.path());
        assert!(held._file.is_some());
        let other = File::open(dir.path()).unwrap();
        assert!(other.try_lock().is_err());
        drop(held);
        assert!(other.try_lock().is_ok());
    }
}
