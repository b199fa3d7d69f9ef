//! Removing the temporary files of writers that died (`kill -9`, a crash, a power cut).

use std::ffi::OsStr;
use std::fs::{File, OpenOptions, TryLockError};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::time::{Duration, SystemTime};

use crate::temp::MARK;

/// An unlocked, empty temporary file younger than this may belong to a writer that has
/// created it and not locked it yet (a matter of microseconds).
const GRACE: Duration = Duration::from_secs(10);
/// Temporary files of earlier ebranch versions (`.ebranch-cache-XXXXXX` in the index
/// cache, `.tmp-PID-N-NAME` in the metadata cache) carry no lock: they are removed once
/// this old.
const LEGACY_AGE: Duration = Duration::from_secs(3600);
const LEGACY_PREFIXES: [&str; 2] = [".ebranch-cache-", ".tmp-"];

/// Whether `name` is the name of a [`crate::TempFile`]: `.NAME.ebranch-tmp-` and 16 hex
/// digits.
pub fn is_temp_name(name: &OsStr) -> bool {
    temp_stem(name).is_some()
}

/// The destination name part (`NAME`, possibly shortened) of a temporary file's name.
fn temp_stem(name: &OsStr) -> Option<&[u8]> {
    let bytes = name.as_bytes();
    let tail = MARK.len() + 16;
    if bytes.len() <= tail + 1 || bytes[0] != b'.' {
        return None;
    }
    let (head, mark_and_hex) = bytes.split_at(bytes.len() - tail);
    let (mark, hex) = mark_and_hex.split_at(MARK.len());
    (mark == MARK.as_bytes() && hex.iter().all(u8::is_ascii_hexdigit)).then_some(&head[1..])
}

fn is_legacy_name(name: &OsStr) -> bool {
    LEGACY_PREFIXES
        .iter()
        .any(|p| name.as_bytes().starts_with(p.as_bytes()))
}

/// Removes, from `dir`, every temporary file whose writer is gone (its lock is free), and
/// temporary files of earlier versions older than an hour. Returns how many it removed.
/// Live writers' files, and anything else, are left alone; errors are ignored (another
/// run may be cleaning at the same time).
pub fn remove_stale_temps(dir: &Path) -> usize {
    remove_matching(dir, |name| {
        if is_temp_name(name) {
            Some(false)
        } else if is_legacy_name(name) {
            Some(true)
        } else {
            None
        }
    })
}

/// Like [`remove_stale_temps`], for the temporary files of one destination only (in a
/// user's directory, nothing else is touched).
pub(crate) fn remove_stale_temps_of(dest: &Path) -> usize {
    let Some(name) = dest.file_name() else {
        return 0;
    };
    let stem = &name.as_bytes()[..name.len().min(crate::temp::STEM_MAX)];
    remove_matching(crate::parent_dir(dest), |candidate| {
        (temp_stem(candidate) == Some(stem)).then_some(false)
    })
}

/// Removes the stale files of `dir` that `kind` recognises (`Some(legacy)`).
fn remove_matching(dir: &Path, kind: impl Fn(&OsStr) -> Option<bool>) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(legacy) = kind(&name) else {
            continue;
        };
        let path = entry.path();
        // The lock (if any) is held until the file is removed.
        if let Some(_held) = stale(&path, legacy)
            && std::fs::remove_file(&path).is_ok()
        {
            removed += 1;
        }
    }
    removed
}

/// The file, locked by us, when it belongs to a dead writer.
fn stale(path: &Path, legacy: bool) -> Option<File> {
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .ok()?;
    let meta = file.metadata().ok()?;
    if !meta.is_file() {
        return None;
    }
    let age = meta
        .modified()
        .ok()
        .and_then(|m| SystemTime::now().duration_since(m).ok())
        .unwrap_or_default();
    if legacy {
        return (age > LEGACY_AGE).then_some(file);
    }
    match file.try_lock() {
        Ok(()) if meta.len() > 0 || age > GRACE => Some(file),
        Ok(()) | Err(TryLockError::WouldBlock | TryLockError::Error(_)) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::TempFile;
    use std::io::Write;

    /// A temporary file as a writer killed mid-write leaves it: content, no lock.
    fn leftover(dir: &Path, dest: &str) -> std::path::PathBuf {
        let mut t = TempFile::new_for(&dir.join(dest)).unwrap();
        t.write_all(b"half of it").unwrap();
        let path = t.path().to_path_buf();
        let copy = path.with_extension("copy");
        std::fs::copy(&path, &copy).unwrap();
        drop(t);
        std::fs::rename(&copy, &path).unwrap();
        path
    }

    #[test]
    fn names() {
        assert!(is_temp_name(OsStr::new(
            ".a.json.ebranch-tmp-0123456789abcdef"
        )));
        assert!(!is_temp_name(OsStr::new(".a.json.ebranch-tmp-0123")));
        assert!(!is_temp_name(OsStr::new("a.json")));
        assert!(!is_temp_name(OsStr::new(".ebranch-tmp-0123456789abcdef")));
        assert_eq!(
            temp_stem(OsStr::new(".a.ebranch-tmp-0123456789abcdef")),
            Some(&b"a"[..])
        );
    }

    #[test]
    fn dead_writers_files_go_live_ones_stay() {
        let dir = tempfile::tempdir().unwrap();
        let dead = leftover(dir.path(), "cache.idx");
        let mut live = TempFile::new_for(&dir.path().join("other.idx")).unwrap();
        live.write_all(b"in progress").unwrap();
        std::fs::write(dir.path().join("keep.idx"), "x").unwrap();
        assert_eq!(remove_stale_temps(dir.path()), 1);
        assert!(!dead.exists());
        assert!(live.path().exists());
        assert!(dir.path().join("keep.idx").exists());
        live.commit().unwrap();
        assert!(dir.path().join("other.idx").exists());
    }

    #[test]
    fn one_destinations_leftovers_only() {
        let dir = tempfile::tempdir().unwrap();
        let mine = leftover(dir.path(), "r.json");
        let theirs = leftover(dir.path(), "r.jso");
        assert_eq!(remove_stale_temps_of(&dir.path().join("r.json")), 1);
        assert!(!mine.exists());
        assert!(theirs.exists());
    }

    #[test]
    fn legacy_leftovers_go_when_old() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join(".ebranch-cache-AbC123");
        let fresh = dir.path().join(".tmp-12-0-primary.xml.zst");
        for p in [&old, &fresh] {
            std::fs::write(p, "x").unwrap();
        }
        let hours_ago = SystemTime::now() - Duration::from_secs(7200);
        File::options()
            .write(true)
            .open(&old)
            .unwrap()
            .set_modified(hours_ago)
            .unwrap();
        assert_eq!(remove_stale_temps(dir.path()), 1);
        assert!(!old.exists() && fresh.exists());
    }
}
