//! Opening files that must be regular files (caches, metadata) without hanging on a FIFO
//! or reading a device.

use std::fs::{File, FileType, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

/// Opens `path` for reading if it is a regular file (or a symlink to one). Anything else
/// — a FIFO, a device, a socket, a directory — is refused with an
/// [`io::ErrorKind::InvalidInput`] error naming its type, before it is opened; the open
/// itself does not block (`O_NONBLOCK`) and does not acquire a terminal, and the type is
/// checked again on the open file, so a swap in between is caught too.
pub fn open_regular(path: &Path) -> io::Result<File> {
    check(std::fs::metadata(path)?.file_type())?;
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)?;
    check(file.metadata()?.file_type())?;
    Ok(file)
}

/// The whole content of a regular file (see [`open_regular`]).
pub fn read_regular(path: &Path) -> io::Result<Vec<u8>> {
    let mut file = open_regular(path)?;
    let mut out = Vec::new();
    file.read_to_end(&mut out)?;
    Ok(out)
}

/// The whole content of a regular file, as UTF-8 text (see [`open_regular`]).
pub fn read_regular_to_string(path: &Path) -> io::Result<String> {
    let mut file = open_regular(path)?;
    let mut out = String::new();
    file.read_to_string(&mut out)?;
    Ok(out)
}

fn check(kind: FileType) -> io::Result<()> {
    if kind.is_file() {
        return Ok(());
    }
    let what = if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_dir() {
        "a directory"
    } else if kind.is_char_device() {
        "a character device"
    } else if kind.is_block_device() {
        "a block device"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "not a file"
    };
    Err(io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("not a regular file ({what})"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_and_links_to_them_open() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("f");
        std::fs::write(&f, "data").unwrap();
        std::os::unix::fs::symlink(&f, dir.path().join("l")).unwrap();
        assert_eq!(read_regular(&f).unwrap(), b"data");
        assert_eq!(
            read_regular_to_string(&dir.path().join("l")).unwrap(),
            "data"
        );
    }

    #[test]
    fn special_files_are_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = crate::tests::fifo_in(dir.path());
        std::os::unix::fs::symlink(&fifo, dir.path().join("l")).unwrap();
        for (path, what) in [
            (fifo.as_path(), "FIFO"),
            (&dir.path().join("l"), "FIFO"),
            (Path::new("/dev/zero"), "character device"),
            (dir.path(), "directory"),
        ] {
            let err = read_regular(path).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
            assert!(err.to_string().contains(what), "{err}");
        }
        assert_eq!(
            open_regular(&dir.path().join("none")).unwrap_err().kind(),
            io::ErrorKind::NotFound
        );
    }
}
