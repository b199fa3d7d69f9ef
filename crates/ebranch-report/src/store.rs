//! The one way a command writes a report back: [`ReportFile`].

use std::io;
use std::path::{Path, PathBuf};

use ebranch_fs::{Destination, destination, lock_directory_of, write_user_file};

use crate::{Report, ReportError};

/// A report file a command reads and writes back. Every write is atomic (see
/// `ebranch-fs`), and made under an advisory lock on the file's directory, so that ebranch
/// commands change one report one at a time. Two ways to write:
/// - [`ReportFile::save`] writes a whole report, unless the file changed since this handle
///   read (or last wrote) it: then nothing is written ([`ReportError::Changed`]). For
///   commands that recompute the report (`dependencies iterate`, `unfold`, ...).
/// - [`ReportFile::update`] applies a change to the report *as it is on disk now*: for
///   commands that add facts to some entries while others may be writing (`request
///   --report` adds bug numbers, `status` statuses), so no one's facts are lost.
#[derive(Debug)]
pub struct ReportFile {
    path: PathBuf,
    /// The bytes this handle last read or wrote; `None`: there was no file.
    seen: Option<Vec<u8>>,
}

impl ReportFile {
    /// Reads the report at `path`, which must exist.
    pub fn open(path: &Path) -> Result<(ReportFile, Report), ReportError> {
        let (file, report) = ReportFile::open_or_empty(path)?;
        if file.seen.is_none() {
            return Err(ReportError::Read {
                path: path.to_path_buf(),
                source: io::Error::from(io::ErrorKind::NotFound),
            });
        }
        Ok((file, report))
    }

    /// Reads the report at `path`; no file is an empty report (0.0.3's rule). An unreadable
    /// or invalid file is an error, so that it is never overwritten.
    pub fn open_or_empty(path: &Path) -> Result<(ReportFile, Report), ReportError> {
        let seen = read_raw(path)?;
        let report = match &seen {
            Some(bytes) => parse(bytes, path)?,
            None => Report::new(),
        };
        let file = ReportFile {
            path: path.to_path_buf(),
            seen,
        };
        Ok((file, report))
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the file existed when read (or has been written since).
    pub fn exists(&self) -> bool {
        self.seen.is_some()
    }

    /// Writes `report` unless the file changed since this handle read or wrote it.
    pub fn save(&mut self, report: &Report) -> Result<(), ReportError> {
        let _lock = self.lock();
        let now = read_raw(&self.path)?;
        if now != self.seen {
            let entries_now = now
                .and_then(|bytes| parse(&bytes, &self.path).ok())
                .map_or(0, |r| r.len());
            return Err(ReportError::Changed {
                path: self.path.clone(),
                entries_now,
            });
        }
        self.write(report)
    }

    /// Reads the report as it is now (no file: empty), applies `change` and writes the
    /// result, all under the lock. Returns what `change` returns.
    pub fn update<R>(&mut self, change: impl FnOnce(&mut Report) -> R) -> Result<R, ReportError> {
        let _lock = self.lock();
        let mut report = match read_raw(&self.path)? {
            Some(bytes) => parse(&bytes, &self.path)?,
            None => Report::new(),
        };
        let result = change(&mut report);
        self.write(&report)?;
        Ok(result)
    }

    fn write(&mut self, report: &Report) -> Result<(), ReportError> {
        let text = report.to_json();
        write_user_file(&self.path, text.as_bytes()).map_err(|source| ReportError::Write {
            path: self.path.clone(),
            source,
        })?;
        self.seen = Some(text.into_bytes());
        Ok(())
    }

    /// The lock on the directory of the file that is really written (after symlinks).
    fn lock(&self) -> Option<ebranch_fs::DirLock> {
        match destination(&self.path) {
            Ok(Destination::Replace { path, .. }) => Some(lock_directory_of(&path)),
            _ => None,
        }
    }
}

/// The bytes of the file, `None` when there is none.
fn read_raw(path: &Path) -> Result<Option<Vec<u8>>, ReportError> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(ReportError::Read {
            path: path.to_path_buf(),
            source,
        }),
    }
}

fn parse(bytes: &[u8], path: &Path) -> Result<Report, ReportError> {
    let value = serde_json::from_slice(bytes).map_err(|source| ReportError::Json {
        path: path.to_path_buf(),
        source,
    })?;
    Report::from_value(value, path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::BUG;

    #[test]
    fn save_refuses_a_file_changed_since_it_was_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.json");
        std::fs::write(&path, r#"{"a": {}}"#).unwrap();
        let (mut file, mut report) = ReportFile::open(&path).unwrap();
        report.packages["a"].set_bug(1);
        file.save(&report).unwrap();
        // Saving again after our own write is fine.
        report.packages["a"].set_bug(2);
        file.save(&report).unwrap();
        std::fs::write(&path, r#"{"a": {}, "b": {}, "c": {}}"#).unwrap();
        match file.save(&report) {
            Err(ReportError::Changed { entries_now, .. }) => assert_eq!(entries_now, 3),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            r#"{"a": {}, "b": {}, "c": {}}"#
        );
    }

    #[test]
    fn update_applies_changes_to_what_is_on_disk_now() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.json");
        std::fs::write(&path, r#"{"a": {}, "b": {}}"#).unwrap();
        let (mut mine, mut report) = ReportFile::open(&path).unwrap();
        let (mut theirs, mut other) = ReportFile::open(&path).unwrap();
        other.packages["b"].set_bug(2);
        theirs.update(|r| r.fill_from(&other, &BUG)).unwrap();
        report.packages["a"].set_bug(1);
        mine.update(|r| r.fill_from(&report, &BUG)).unwrap();
        let now = Report::load(&path).unwrap();
        assert_eq!(now.packages["a"].bug(), Some(1));
        assert_eq!(now.packages["b"].bug(), Some(2));
    }

    #[test]
    fn missing_and_invalid_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("none.json");
        assert!(ReportFile::open(&path).is_err());
        let (mut file, report) = ReportFile::open_or_empty(&path).unwrap();
        assert!(report.is_empty() && !file.exists());
        file.save(&report).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "{}\n");
        let bad = dir.path().join("bad.json");
        std::fs::write(&bad, "{\"a\": {").unwrap();
        assert!(matches!(
            ReportFile::open_or_empty(&bad),
            Err(ReportError::Json { .. })
        ));
    }
}
