//! One metadata file named by repomd.xml: where it goes and what it must be.

use std::io::Read;
use std::path::{Path, PathBuf};

use ebranch_repodata::checksum::{Digest, Hasher};
use ebranch_repodata::{Checksum, Repomd, RepomdRecord};

use crate::cache_layout::cached_record;
use crate::error::FetchError;

/// A metadata file to have in a repo folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MetaFile {
    /// Location relative to the repo base (`repodata/…`), as the server names it: for
    /// URLs and messages only.
    pub href: String,
    /// `xml:base` from repomd.xml, when the file lives on another server.
    pub base: Option<String>,
    /// Where it is stored: the cache's name for it, never the `href`.
    pub path: PathBuf,
    /// Checksum of the stored (compressed) bytes.
    pub checksum: Digest,
    /// Size of the stored bytes, when repomd.xml tells.
    pub size: Option<u64>,
}

impl MetaFile {
    /// Checks a record's location and checksum; `origin` names the repomd.xml in errors.
    /// The file goes to the cache folder `dir` under the name the cache gives it.
    pub fn plan(dir: &Path, record: &RepomdRecord, origin: &str) -> Result<MetaFile, FetchError> {
        let unsafe_location = || FetchError::UnsafeLocation {
            url: origin.to_string(),
            href: record.href.clone(),
        };
        ebranch_repodata::safe_relative_path(&record.href).ok_or_else(unsafe_location)?;
        let checksum = record
            .checksum
            .as_ref()
            .and_then(Checksum::digest)
            .ok_or_else(|| FetchError::UnsupportedChecksum {
                url: origin.to_string(),
                href: record.href.clone(),
                kind: record
                    .checksum
                    .as_ref()
                    .map(|c| c.kind.clone())
                    .unwrap_or_default(),
            })?;
        let path = cached_record(record, &checksum)
            .path_in(dir)
            .ok_or_else(unsafe_location)?;
        Ok(MetaFile {
            href: record.href.clone(),
            base: record.base.clone(),
            path,
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
        let Ok(mut file) = ebranch_fs::open_regular(&self.path) else {
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
        hasher.finish_hex() == self.checksum.hex
    }
}

/// Parses repomd.xml bytes; `origin` (the URL or file they came from)
/// names the document in errors.
pub(crate) fn parse_repomd(bytes: Vec<u8>, origin: &str) -> Result<Repomd, FetchError> {
    Repomd::parse(Path::new("repomd.xml"), bytes).map_err(|e| FetchError::Invalid {
        url: origin.to_string(),
        what: "repomd.xml",
        reason: e.to_string(),
    })
}

/// The files a fetch needs: primary always, `modules` (modules.yaml, small; module
/// filtering reads it) when the repo has one, filelists when `want_filelists` and the
/// repo has them.
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
    if let Some(modules) = repomd.record("modules") {
        files.push(MetaFile::plan(dir, modules, origin)?);
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "https://m/repodata/repomd.xml";

    #[test]
    fn invalid_repomd_names_its_origin() {
        let err = parse_repomd(b"<metalink/>".to_vec(), URL).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.starts_with("https://m/repodata/repomd.xml: invalid repomd.xml: "),
            "{msg}"
        );
        assert!(msg.contains("<repomd>"), "{msg}");
        assert!(parse_repomd(b"<repomd><data".to_vec(), URL).is_err());
    }

    #[test]
    fn plan_checks_checksum_type_and_value() {
        let doc = r#"<repomd>
  <data type="primary"><checksum type="SHA256"> AB12 </checksum><location href="repodata/p.xml.zst"/><size>3</size></data>
  <data type="filelists"><checksum type="crc">1</checksum><location href="repodata/f.xml.gz"/></data>
  <data type="other"><checksum type="sha256"></checksum><location href="repodata/o.xml.gz"/></data>
</repomd>"#;
        let md = parse_repomd(doc.as_bytes().to_vec(), URL).unwrap();
        let dir = Path::new("/cache/r");
        let primary = MetaFile::plan(dir, md.record("primary").unwrap(), URL).unwrap();
        assert_eq!(primary.checksum.to_string(), "sha256:ab12");
        assert_eq!(primary.path, dir.join("repodata/ab12-primary.xml.zst"));
        assert_eq!(primary.size, Some(3));
        let err = MetaFile::plan(dir, md.record("filelists").unwrap(), URL).unwrap_err();
        assert_eq!(
            err.to_string(),
            "https://m/repodata/repomd.xml: repodata/f.xml.gz: unusable checksum (type \"crc\"): an unknown type, or not a hex value"
        );
        let err = MetaFile::plan(dir, md.record("other").unwrap(), URL).unwrap_err();
        assert!(
            matches!(err, FetchError::UnsupportedChecksum { .. }),
            "{err}"
        );
    }
}
