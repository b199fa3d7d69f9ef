//! Where a repo lives in the cache:
//! `<cache>/repos-v1/<id>-<hash>/{repodata/…, ebranch-fetch.json, .lock}`.
//! The folder is a plain repo directory (`repodata/repomd.xml` plus the
//! files it names), so local-directory readers can open it as is.

use std::fs;
use std::path::{Path, PathBuf};

use ebranch_repodata::Repomd;

use crate::error::FetchError;
use crate::resolved::ResolvedRepo;

/// Versioned folder under the cache dir; bump when the layout changes.
pub const REPOS_DIR: &str = "repos-v1";

/// One repo's cache folder.
#[derive(Debug, Clone)]
pub(crate) struct RepoCache {
    pub dir: PathBuf,
}

/// The cached repomd.xml, raw and parsed.
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

    pub fn repomd_path(&self) -> PathBuf {
        self.repodata_dir().join("repomd.xml")
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

    /// The cached repomd.xml; `None` when missing, not a regular file or unreadable
    /// as XML (a damaged cache is refetched, not trusted).
    pub fn load_repomd(&self) -> Result<Option<CachedRepomd>, FetchError> {
        let path = self.repomd_path();
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
}
