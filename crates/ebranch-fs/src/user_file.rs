//! Writing a user's file (a report, `-o FILE`): atomically where it is a regular file, and
//! never by replacing what is not one.

use std::fs::{File, Metadata, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use crate::stale::remove_stale_temps_of;
use crate::{TempFile, parent_dir};

/// Symbolic links followed at most, as the kernel does (`ELOOP` beyond).
const MAX_LINKS: usize = 40;

/// Where and how a user's file is written.
#[derive(Debug)]
pub enum Destination {
    /// A regular file at `path` (after following symlinks) is replaced atomically;
    /// `existing` is the file replaced, `None` when there is none yet.
    Replace {
        /// The file to replace or create.
        path: PathBuf,
        /// Its metadata, when it exists.
        existing: Option<Metadata>,
    },
    /// A FIFO, device, socket or an open file named under `/proc`: opened and written.
    WriteThrough(PathBuf),
}

/// How `path` would be written by [`write_user_file`]: symlinks are followed to the file
/// they name (a dangling link names the file to create), a regular or missing file is
/// replaced, anything else but a directory is written through.
pub fn destination(path: &Path) -> io::Result<Destination> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        // `/dev/stdout` → `/proc/self/fd/1` → `pipe:[…]`: the names under /proc are open
        // files, not places to create one.
        if current.starts_with("/proc") {
            return Ok(Destination::WriteThrough(current));
        }
        let meta = match std::fs::symlink_metadata(&current) {
            Ok(meta) => meta,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Ok(Destination::Replace {
                    path: current,
                    existing: None,
                });
            }
            Err(e) => return Err(e),
        };
        let kind = meta.file_type();
        if kind.is_file() {
            return Ok(Destination::Replace {
                path: current,
                existing: Some(meta),
            });
        }
        if kind.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::IsADirectory,
                "is a directory",
            ));
        }
        if !kind.is_symlink() {
            return Ok(Destination::WriteThrough(current));
        }
        let target = std::fs::read_link(&current)?;
        current = parent_dir(&current).join(target);
    }
    Err(io::Error::new(
        io::ErrorKind::InvalidInput,
        "too many levels of symbolic links",
    ))
}

/// Writes `bytes` to the user's file `path` by the rules of [`destination`]. A replaced
/// file keeps its permissions and (where allowed) owner and group; a file the user may not
/// write is refused, not replaced; leftovers of earlier writers of the same file that
/// died are removed first. A written-through file is opened in append mode, so that
/// `-o /dev/stdout >> log` appends.
pub fn write_user_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    match destination(path)? {
        Destination::WriteThrough(target) => {
            let mut file = OpenOptions::new()
                .append(true)
                .custom_flags(libc::O_NOCTTY)
                .open(target)?;
            file.write_all(bytes)?;
            file.flush()
        }
        Destination::Replace { path, existing } => {
            if existing.is_some() {
                // Refuse a file the user may not write (read-only: keep it), as opening
                // it would; this opens without truncating.
                OpenOptions::new().write(true).open(&path)?;
            }
            remove_stale_temps_of(&path);
            let mut tmp = TempFile::new_for(&path)?;
            if let Some(meta) = &existing {
                keep_owner_and_mode(tmp.file(), meta)?;
            }
            tmp.write_all(bytes)?;
            tmp.commit()
        }
    }
}

/// Gives `file` the owner, group (best effort: only root may give a file away) and mode
/// of `meta`. Owner first: changing it clears set-id bits.
fn keep_owner_and_mode(file: &File, meta: &Metadata) -> io::Result<()> {
    let _ = std::os::unix::fs::fchown(file, Some(meta.uid()), Some(meta.gid()));
    let _ = std::os::unix::fs::fchown(file, None, Some(meta.gid()));
    file.set_permissions(meta.permissions())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::{FileTypeExt, PermissionsExt, symlink};

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
    }

    #[test]
    fn replaces_atomically_keeping_the_mode() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("r.json");
        std::fs::write(&f, "old").unwrap();
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_user_file(&f, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&f).unwrap(), "new");
        assert_eq!(mode(&f), 0o640);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_new_file_follows_the_umask() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("new");
        write_user_file(&f, b"x").unwrap();
        let reference = dir.path().join("reference");
        File::create(&reference).unwrap();
        assert_eq!(mode(&f), mode(&reference));
    }

    #[test]
    fn a_symlink_keeps_pointing_at_the_replaced_target() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        let target = sub.join("target.json");
        std::fs::write(&target, "old").unwrap();
        let link = dir.path().join("link.json");
        symlink("sub/target.json", &link).unwrap();
        write_user_file(&link, b"new").unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
        // A dangling link creates its target.
        let dangling = dir.path().join("dangling");
        symlink("sub/created", &dangling).unwrap();
        write_user_file(&dangling, b"made").unwrap();
        assert_eq!(
            std::fs::read_to_string(sub.join("created")).unwrap(),
            "made"
        );
        // A loop is an error, not a hang.
        symlink("loop", dir.path().join("loop")).unwrap();
        assert!(write_user_file(&dir.path().join("loop"), b"x").is_err());
    }

    #[test]
    fn special_files_are_written_through_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = crate::tests::fifo_in(dir.path());
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
        };
        write_user_file(&fifo, b"through").unwrap();
        assert_eq!(reader.join().unwrap(), "through");
        assert!(
            std::fs::symlink_metadata(&fifo)
                .unwrap()
                .file_type()
                .is_fifo()
        );
        write_user_file(Path::new("/dev/null"), b"x").unwrap();
        let full = write_user_file(Path::new("/dev/full"), b"x").unwrap_err();
        assert_eq!(full.kind(), io::ErrorKind::StorageFull);
        assert!(
            std::fs::symlink_metadata("/dev/full")
                .unwrap()
                .file_type()
                .is_char_device()
        );
        assert_eq!(
            write_user_file(dir.path(), b"x").unwrap_err().kind(),
            io::ErrorKind::IsADirectory
        );
    }

    #[test]
    fn proc_names_are_written_through() {
        assert!(matches!(
            destination(Path::new("/dev/stdout")).unwrap(),
            Destination::WriteThrough(p) if p.starts_with("/proc")
        ));
    }

    #[test]
    fn a_read_only_file_is_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("ro");
        std::fs::write(&f, "keep").unwrap();
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o444)).unwrap();
        // Root may write anything; the rule is the kernel's.
        let writable = OpenOptions::new().write(true).open(&f).is_ok();
        let result = write_user_file(&f, b"new");
        assert_eq!(result.is_ok(), writable);
        if !writable {
            assert_eq!(std::fs::read_to_string(&f).unwrap(), "keep");
        }
    }
}
