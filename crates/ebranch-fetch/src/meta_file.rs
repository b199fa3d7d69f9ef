//! One metadata file named by repomd.xml: where it goes and what it must be.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::checksum::{Checksum, Hasher};
use crate::error::FetchError;
use crate::repomd::{Repomd, RepomdRecord};
use crate::url::safe_relative_path;

/// A metadata file to have in a repo folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MetaFile {
    /// Location relative to the repo base (`repodata/…`).
    pub href: String,
    /// `xml:base` from repomd.xml, when the file lives on another server.
    pub base: Option<String>,
    /// Where it is stored.
    pub path: PathBuf,
    /// Checksum of the stored (compressed) bytes.
    pub checksum: Checksum,
    /// Size of the stored bytes, when repomd.xml tells.
    pub size: Option<u64>,
}

impl MetaFile {
    /// Checks a record's location and checksum; `origin` names the repomd.xml in errors.
    pub fn plan(dir: &Path, record: &RepomdRecord, origin: &str) -> Result<MetaFile, FetchError> {
        let relative =
            safe_relative_path(&record.href).ok_or_else(|| FetchError::UnsafeLocation {
                url: origin.to_string(),
                href: record.href.clone(),
            })?;
        let checksum = record
            .checksum
            .clone()
            .ok_or_else(|| FetchError::UnsupportedChecksum {
                url: origin.to_string(),
                href: record.href.clone(),
                kind: record.checksum_type.clone().unwrap_or_default(),
            })?;
        Ok(MetaFile {
            href: record.href.clone(),
            base: record.base.clone(),
            path: dir.join(relative),
            checksum,
            size: record.size,
        })
    }

    /// On disk with the expected size (cheap; files are verified before
    /// they are renamed into place).
    pub fn is_present(&self) -> bool {
        match std::fs::metadata(&self.path) {
            Ok(meta) => meta.is_file() && self.size.is_none_or(|s| s == meta.len()),
            Err(_) => false,
        }
    }

    /// On disk with the expected size and checksum.
    pub fn verify_on_disk(&self) -> bool {
        if !self.is_present() {
            return false;
        }
        let Ok(mut file) = File::open(&self.path) else {
            return false;
        };
        let mut hasher = Hasher::new(self.checksum.kind);
        let mut buf = vec![0u8; 256 * 1024];
        loop {
            match file.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => hasher.update(&buf[..n]),
                Err(_) => return false,
            }
        }
        hasher.finish().hex == self.checksum.hex
    }
}

/// The files a fetch needs: primary always, filelists when `want_filelists`
/// and the repo has them.
pub(crate) fn needed_files(
    dir: &Path,
    repomd: &Repomd,
    want_filelists: bool,
    origin: &str,
) -> Result<Vec<MetaFile>, FetchError> {
    let primary = repomd
        .record("primary")
        .ok_or_else(|| FetchError::MissingRecord {
            url: origin.to_string(),
            kind: "primary",
        })?;
    let mut files = vec![MetaFile::plan(dir, primary, origin)?];
    if want_filelists && let Some(file) = filelists_file(dir, repomd, origin)? {
        files.push(file);
    }
    Ok(files)
}

/// The filelists file of a repo, if its repomd.xml lists one.
pub(crate) fn filelists_file(
    dir: &Path,
    repomd: &Repomd,
    origin: &str,
) -> Result<Option<MetaFile>, FetchError> {
    repomd
        .record("filelists")
        .map(|record| MetaFile::plan(dir, record, origin))
        .transpose()
}
