//! The result of fetching a repo: a local directory readable as a repo.

use std::fmt;
use std::path::PathBuf;

use crate::meta_file::MetaFile;
use crate::resolved::ResolvedRepo;

/// Network use of one repo fetch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FetchStats {
    /// HTTP requests made (0 when the cache was fresh).
    pub requests: u64,
    /// Body bytes received.
    pub bytes: u64,
    /// Metadata files (other than repomd.xml) newly written to the cache.
    pub files: u64,
}

impl fmt::Display for FetchStats {
    /// `3 requests, 6113627 bytes, 1 file` (for one-line summaries).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural = |n: u64| if n == 1 { "" } else { "s" };
        write!(
            f,
            "{} request{}, {} bytes, {} file{}",
            self.requests,
            plural(self.requests),
            self.bytes,
            self.files,
            plural(self.files)
        )
    }
}

impl std::ops::AddAssign for FetchStats {
    fn add_assign(&mut self, other: FetchStats) {
        self.requests += other.requests;
        self.bytes += other.bytes;
        self.files += other.files;
    }
}

/// A repo whose metadata is on local disk.
#[derive(Debug, Clone)]
pub struct FetchedRepo {
    /// The repo this is.
    pub repo: ResolvedRepo,
    /// Repo directory: holds `repodata/repomd.xml` and the files it names.
    pub dir: PathBuf,
    /// The primary metadata file (compressed as served).
    pub primary: PathBuf,
    /// The filelists file, when it is on disk (see [`crate::Fetcher::fetch_filelists`]).
    pub filelists: Option<PathBuf>,
    /// What the fetch cost.
    pub stats: FetchStats,
    /// The repo's filelists file as named by repomd.xml, for fetching later.
    pub(crate) filelists_file: Option<MetaFile>,
    /// Mirror that served repomd.xml, tried first for later downloads.
    pub(crate) mirror: Option<String>,
}

impl FetchedRepo {
    /// `dir/repodata/repomd.xml`.
    pub fn repomd_path(&self) -> PathBuf {
        self.dir.join("repodata").join("repomd.xml")
    }

    /// True when the repo has filelists metadata (on disk or downloadable).
    pub fn has_filelists(&self) -> bool {
        self.filelists.is_some() || self.filelists_file.is_some()
    }
}
