//! An advisory lock on a lock file, waited for no longer than a given time.

use std::fs::{File, OpenOptions, TryLockError};
use std::io;
use std::path::Path;
use std::time::{Duration, Instant};

/// How often a waiter tries the lock again.
const POLL: Duration = Duration::from_millis(100);

/// Shared (readers) or exclusive (writers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockMode {
    /// Many holders at once, no exclusive one.
    Shared,
    /// One holder.
    Exclusive,
}

/// A held lock on a lock file; released when dropped or when the process dies.
#[derive(Debug)]
pub struct FileLock {
    _file: File,
}

/// Locks the file at `path` (created if missing, never truncated). When another process
/// holds it, `waiting` is called once (so the caller can say what it waits for) and the
/// lock is tried again every 100 ms until `timeout` has passed; then the error is of kind
/// [`io::ErrorKind::TimedOut`] and says how long it waited.
pub fn lock_file(
    path: &Path,
    mode: LockMode,
    timeout: Duration,
    waiting: impl FnOnce(),
) -> io::Result<FileLock> {
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(path)?;
    let attempt = |file: &File| match mode {
        LockMode::Shared => file.try_lock_shared(),
        LockMode::Exclusive => file.try_lock(),
    };
    let started = Instant::now();
    let mut waiting = Some(waiting);
    loop {
        match attempt(&file) {
            Ok(()) => return Ok(FileLock { _file: file }),
            Err(TryLockError::Error(e)) => return Err(e),
            Err(TryLockError::WouldBlock) => {}
        }
        if let Some(say) = waiting.take() {
            say();
        }
        let waited = started.elapsed();
        if waited >= timeout {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!("still locked by another process after {timeout:?}"),
            ));
        }
        std::thread::sleep(POLL.min(timeout - waited));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn a_held_lock_is_waited_for_then_given_up_on() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".lock");
        let held = lock_file(&path, LockMode::Exclusive, Duration::ZERO, || {}).unwrap();
        let said = Cell::new(0);
        let err = lock_file(&path, LockMode::Shared, Duration::from_millis(250), || {
            said.set(said.get() + 1)
        })
        .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::TimedOut);
        assert_eq!(said.get(), 1);
        drop(held);
        let a = lock_file(&path, LockMode::Shared, Duration::ZERO, || panic!()).unwrap();
        let _b = lock_file(&path, LockMode::Shared, Duration::ZERO, || panic!()).unwrap();
        drop(a);
    }
}
