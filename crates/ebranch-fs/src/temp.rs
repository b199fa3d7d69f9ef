//! Temporary files next to their destination, locked for as long as their writer lives.

use std::ffi::OsString;
use std::fs::{File, OpenOptions};
use std::hash::{BuildHasher, RandomState};
use std::io::{self, Seek, SeekFrom, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::{parent_dir, sync_dir};

/// What every temporary file name contains: `.NAME.ebranch-tmp-0123456789abcdef`.
pub(crate) const MARK: &str = ".ebranch-tmp-";
/// At most this many bytes of the destination's name go into the temporary name, so that
/// it stays under the 255-byte limit of a file name.
pub(crate) const STEM_MAX: usize = 100;

/// A temporary file in the directory of its destination, created with mode `0666` minus
/// the umask and locked (`flock`) until it is committed or dropped. [`TempFile::commit`]
/// flushes it to disk and renames it over the destination; dropping it uncommitted
/// removes it. Whatever was at the destination is replaced (the rule for cache files; user
/// files go through [`crate::write_user_file`]).
#[derive(Debug)]
pub struct TempFile {
    path: PathBuf,
    dest: PathBuf,
    file: File,
    committed: bool,
}

impl TempFile {
    /// Creates a temporary file for `dest` in `dest`'s directory (which must exist).
    pub fn new_for(dest: &Path) -> io::Result<TempFile> {
        let name = dest.file_name().ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{} does not name a file", dest.display()),
            )
        })?;
        let dir = parent_dir(dest);
        let stem = &name.as_bytes()[..name.len().min(STEM_MAX)];
        for _ in 0..64 {
            let mut temp_name = OsString::from(".");
            temp_name.push(std::ffi::OsStr::from_bytes(stem));
            temp_name.push(format!("{MARK}{:016x}", random()));
            let path = dir.join(temp_name);
            let opened = OpenOptions::new()
                .read(true)
                .write(true)
                .create_new(true)
                .mode(0o666)
                .open(&path);
            match opened {
                Ok(file) => {
                    // A file system without locks leaves the file unlocked; the cleaner
                    // then cannot tell that it is alive and leaves it alone.
                    let _ = file.try_lock();
                    return Ok(TempFile {
                        path,
                        dest: dest.to_path_buf(),
                        file,
                        committed: false,
                    });
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => {
                    return Err(io::Error::new(
                        e.kind(),
                        format!("cannot create a temporary file in {}: {e}", dir.display()),
                    ));
                }
            }
        }
        Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("cannot create a temporary file in {}", dir.display()),
        ))
    }

    /// The temporary file's path (for code that reopens it by name).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The destination it will replace.
    pub fn dest(&self) -> &Path {
        &self.dest
    }

    /// The open file.
    pub fn file(&self) -> &File {
        &self.file
    }

    /// The open file, for writing and seeking.
    pub fn file_mut(&mut self) -> &mut File {
        &mut self.file
    }

    /// Flushes the file to disk, renames it over the destination and flushes the
    /// directory. On error the temporary file is removed and the destination untouched.
    pub fn commit(mut self) -> io::Result<()> {
        self.file.sync_all()?;
        std::fs::rename(&self.path, &self.dest)?;
        self.committed = true;
        sync_dir(parent_dir(&self.dest));
        Ok(())
    }

    /// Renames the file over the destination without flushing it to disk: for files that
    /// are checked whole (checksums, structure) every time they are read and rebuilt when
    /// they fail, such as the index cache, where a crash can at worst leave a file that is
    /// refused and rebuilt. Readers still see the old file or the new one, never a part.
    /// Saves a flush per file (15 ms for 20 MB on a fast disk, far more on a slow one).
    pub fn commit_unflushed(mut self) -> io::Result<()> {
        std::fs::rename(&self.path, &self.dest)?;
        self.committed = true;
        Ok(())
    }
}

/// Replaces the cache file `dest` with `bytes` atomically (see [`TempFile`]).
pub fn replace_file(dest: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut tmp = TempFile::new_for(dest)?;
    tmp.write_all(bytes)?;
    tmp.commit()
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

impl Write for TempFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.file.write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

impl Seek for TempFile {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.file.seek(pos)
    }
}

/// A number no other temporary file of this or another process is likely to use (a
/// collision only costs another try: files are created exclusively).
fn random() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    RandomState::new().hash_one((
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        nanos,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_replaces_and_drop_removes() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("f");
        std::fs::write(&dest, "old").unwrap();
        let mut t = TempFile::new_for(&dest).unwrap();
        t.write_all(b"new").unwrap();
        assert!(
            t.path()
                .file_name()
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with(".f.ebranch-tmp-")
        );
        t.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&dest).unwrap(), "new");
        let t = TempFile::new_for(&dest).unwrap();
        let path = t.path().to_path_buf();
        assert!(path.exists());
        drop(t);
        assert!(!path.exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn commit_unflushed_replaces_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("f");
        std::fs::write(&dest, "old").unwrap();
        let mut t = TempFile::new_for(&dest).unwrap();
        t.write_all(b"new").unwrap();
        let path = t.path().to_path_buf();
        t.commit_unflushed().unwrap();
        assert_eq!(std::fs::read_to_string(&dest).unwrap(), "new");
        assert!(!path.exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn long_names_fit() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("x".repeat(250));
        let mut t = TempFile::new_for(&dest).unwrap();
        t.write_all(b"y").unwrap();
        t.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&dest).unwrap(), "y");
    }

    #[test]
    fn a_temp_file_is_locked_while_alive() {
        let dir = tempfile::tempdir().unwrap();
        let t = TempFile::new_for(&dir.path().join("f")).unwrap();
        let other = File::open(t.path()).unwrap();
        assert!(other.try_lock().is_err());
        drop(other);
    }
}
