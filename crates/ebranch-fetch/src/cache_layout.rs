//! Where a repo lives in the cache, `<cache>/repos-v2/<id>-<hash>/`:
//!
//! - `.lock` and `ebranch-fetch.json`: the cache's own lock and state;
//! - `upstream-repomd.xml`: repomd.xml as the mirror served it (checked against the
//!   metalink, compared with the next download);
//! - `repodata/<checksum>-<type><ext>`: each metadata file, under a name the cache makes
//!   from its checksum and record type ([`cached_name`]), never the server's `href`, so a
//!   repomd.xml cannot name the lock, the state or anything else of the cache;
//! - `repodata/repomd.xml`: written by the cache from the upstream one: the same records,
//!   each naming its cached file, without `xml:base`.
//!
//! The folder is a plain repo directory: readers open it as is and find each record's
//! file the one way every repository directory is read (`RepomdRecord::path_in`).

use std::fs;
use std::path::{Path, PathBuf};

use ebranch_repodata::checksum::Digest;
use ebranch_repodata::{Repomd, RepomdRecord};

use crate::error::FetchError;
use crate::resolved::ResolvedRepo;

/// Versioned folder under the cache dir; bump when the layout changes. (`repos-v1`, which
/// stored files under the server's names, is left alone: an older ebranch may still use
/// it; delete it by hand.)
pub const REPOS_DIR: &str = "repos-v2";

/// One repo's cache folder.
#[derive(Debug, Clone)]
pub(crate) struct RepoCache {
    pub dir: PathBuf,
}

/// The cached upstream repomd.xml, raw and parsed.
pub(crate) struct CachedRepomd {
    pub bytes: Vec<u8>,
    pub repomd: Repomd,
}

impl RepoCache {
    pub fn new(cache_root: &Path, repo: &ResolvedRepo) -> RepoCache {
        RepoCache {
            dir: cache_root.join(REPOS_DIR).join(repo.cache_key()),
        }
    }

    pub fn repodata_dir(&self) -> PathBuf {
        self.dir.join("repodata")
    }

    /// The repomd.xml the cache writes (what readers read).
    pub fn repomd_path(&self) -> PathBuf {
        Repomd::path_in(&self.dir)
    }

    /// repomd.xml as served.
    pub fn upstream_repomd_path(&self) -> PathBuf {
        self.dir.join("upstream-repomd.xml")
    }

    pub fn state_path(&self) -> PathBuf {
        self.dir.join("ebranch-fetch.json")
    }

    pub fn lock_path(&self) -> PathBuf {
        self.dir.join(".lock")
    }

    /// Creates the folder and its `repodata/`.
    pub fn create(&self) -> Result<(), FetchError> {
        let repodata = self.repodata_dir();
        fs::create_dir_all(&repodata).map_err(|e| FetchError::io(&repodata, e))
    }

    /// The cached upstream repomd.xml; `None` when missing, not a regular file or
    /// unreadable as XML (a damaged cache is refetched, not trusted).
    pub fn load_repomd(&self) -> Result<Option<CachedRepomd>, FetchError> {
        let path = self.upstream_repomd_path();
        let bytes = match ebranch_fs::read_regular(&path) {
            Ok(bytes) => bytes,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::NotFound | std::io::ErrorKind::InvalidInput
                ) =>
            {
                return Ok(None);
            }
            Err(e) => return Err(FetchError::io(&path, e)),
        };
        Ok(Repomd::parse(&path, bytes.clone())
            .ok()
            .map(|repomd| CachedRepomd { bytes, repomd }))
    }

    /// Whether `repodata/repomd.xml` is the one the cache makes from `upstream`.
    pub fn local_repomd_is_current(&self, upstream: &Repomd) -> bool {
        ebranch_fs::read_regular(&self.repomd_path()).is_ok_and(|b| b == local_repomd(upstream))
    }

    /// Writes `repodata/repomd.xml` for `upstream` (unless it is current already), then
    /// the upstream bytes: after a crash in between, the next run finds them unequal and
    /// checks again.
    pub fn save_repomd(&self, upstream: &Repomd, upstream_bytes: &[u8]) -> Result<(), FetchError> {
        if !self.local_repomd_is_current(upstream) {
            let path = self.repomd_path();
            ebranch_fs::replace_file(&path, &local_repomd(upstream))
                .map_err(|e| FetchError::io(&path, e))?;
        }
        let path = self.upstream_repomd_path();
        if ebranch_fs::read_regular(&path).is_ok_and(|b| b == upstream_bytes) {
            return Ok(());
        }
        ebranch_fs::replace_file(&path, upstream_bytes).map_err(|e| FetchError::io(&path, e))
    }
}

/// The name the cache stores a record's file under: `<checksum hex>-<type><ext>`, the type
/// reduced to `[a-z0-9_-]` (32 characters at most) and `<ext>` the extensions of the
/// `href`'s file name (`.xml.zst`) when they are short and alphanumeric. Never empty, never
/// a path, never a dot file, never `repomd.xml`; `checksum` is hex ([`ebranch_repodata::Checksum::digest`]).
pub(crate) fn cached_name(kind: &str, checksum: &Digest, href: &str) -> String {
    let kind: String = kind
        .chars()
        .take(32)
        .map(|c| match c.to_ascii_lowercase() {
            c @ ('a'..='z' | '0'..='9' | '_' | '-') => c,
            _ => '_',
        })
        .collect();
    let file = href.rsplit('/').next().unwrap_or_default();
    let ext = file
        .find('.')
        .map(|at| &file[at..])
        .filter(|e| e.len() <= 24 && e.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.'))
        .unwrap_or_default();
    format!("{}-{kind}{ext}", checksum.hex)
}

/// `record` as the cache's repomd.xml lists it: its file under [`cached_name`] in
/// `repodata/`, no `xml:base`.
pub(crate) fn cached_record(record: &RepomdRecord, checksum: &Digest) -> RepomdRecord {
    RepomdRecord {
        href: format!(
            "repodata/{}",
            cached_name(&record.kind, checksum, &record.href)
        ),
        base: None,
        ..record.clone()
    }
}

/// The repomd.xml the cache writes for `upstream`: every record with a usable checksum
/// (the others are never downloaded), as [`cached_record`].
pub(crate) fn local_repomd(upstream: &Repomd) -> Vec<u8> {
    let records: Vec<RepomdRecord> = upstream
        .records
        .iter()
        .filter_map(|r| Some(cached_record(r, &r.checksum.as_ref()?.digest()?)))
        .collect();
    Repomd::to_xml(upstream.revision.as_deref(), &records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cached_names_come_from_the_checksum_and_type_only() {
        let sum = Digest::new("sha256", "AB12").unwrap();
        assert_eq!(
            cached_name("primary", &sum, "repodata/x-primary.xml.zst"),
            "ab12-primary.xml.zst"
        );
        for hostile in [
            ".lock",
            "ebranch-fetch.json",
            "repomd.xml",
            "../../x",
            "a/.b",
        ] {
            let name = cached_name("primary", &sum, hostile);
            assert!(name.starts_with("ab12-primary"), "{hostile} -> {name}");
            assert!(!name.contains('/'), "{name}");
        }
        assert_eq!(cached_name("../../x", &sum, "p.x y"), "ab12-______x");
    }
}
