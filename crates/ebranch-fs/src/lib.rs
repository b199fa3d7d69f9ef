//! How ebranch touches files. This crate is the one owner of three rules that every other
//! crate calls rather than re-implements:
//!
//! 1. **Atomic replacement.** A file is never written in place: the new content goes to a
//!    temporary file in the destination's directory ([`TempFile`]), which is flushed to disk
//!    (`fsync`) and renamed over the destination; then the directory is flushed too. A
//!    reader sees the old file or the new one, never a mix, and a crash leaves one of them.
//!    - *Cache files* (ebranch's own: metadata, the index cache, state files) use
//!      [`TempFile`] and [`TempFile::commit`] (or [`replace_file`]): whatever is at the destination path
//!      (a file, a FIFO, a symlink) is replaced by the new regular file.
//!    - *User files* (reports, `-o FILE`) use [`write_user_file`], which respects what the
//!      user put there: a symlink to a regular file has its **target** replaced (the link
//!      stays); a FIFO, a character device or another non-regular file is **written
//!      through** (opened and written, never replaced: `-o /dev/stdout`, `-o /dev/null`
//!      work, and `/dev/full` gives "no space left" instead of being turned into a file);
//!      paths under `/proc` (such as `/dev/stdout` → `/proc/self/fd/1`) name open files and
//!      are written through as well, in append mode. A replaced file keeps its permissions
//!      and, where allowed, its owner and group; a new file gets `0666` minus the umask.
//!      A directory is an error. Hard links to a replaced file are not updated (they keep
//!      the old content), as with any atomic-rename editor.
//! 2. **Opening cache files safely** ([`open_regular`], [`read_regular`]): the type is
//!    checked before anything is read, and a FIFO, device or socket where a regular file is
//!    expected is refused at once (it would otherwise hang the run or read forever).
//! 3. **Cleaning up after dead writers** ([`remove_stale_temps`]): each [`TempFile`] holds
//!    an advisory lock (`flock`) for as long as its writer lives, and the kernel drops the
//!    lock when the writer dies, even by `kill -9`. A temporary file whose lock is free
//!    belongs to a dead writer and is removed by the next run.
//!
//! [`lock_directory`] serializes read-modify-write cycles on files of one directory (the
//! report store uses it); [`lock_file`] locks a lock file, waiting no longer than a given
//! time (the metadata cache uses it).
//!
//! Unix only (ebranch is a Fedora/EPEL tool). Functions return [`std::io::Error`]s whose
//! message names the temporary file or directory when the failing path is not the one the
//! caller passed; callers add the destination path to their own error.

mod dir_lock;
mod file_lock;
mod open;
mod stale;
mod temp;
mod user_file;

pub use dir_lock::{DirLock, lock_directory, lock_directory_of};
pub use file_lock::{FileLock, LockMode, lock_file};
pub use open::{open_regular, read_regular, read_regular_to_string};
pub use stale::{is_temp_name, remove_stale_temps};
pub use temp::{TempFile, replace_file};
pub use user_file::{Destination, destination, write_user_file};

/// `dir` of `path`, with `.` for a bare file name.
pub(crate) fn parent_dir(path: &std::path::Path) -> &std::path::Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => std::path::Path::new("."),
    }
}

/// `fsync` on a directory, so that a rename in it survives a crash. Best effort: some
/// file systems cannot sync a directory, and the rename has happened already.
pub(crate) fn sync_dir(dir: &std::path::Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {
    /// A new FIFO named `fifo` in `dir`.
    pub(crate) fn fifo_in(dir: &std::path::Path) -> std::path::PathBuf {
        let fifo = dir.join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.unwrap().success());
        fifo
    }
}
