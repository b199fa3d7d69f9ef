//! Local repo directories (`--repo PATH`, `file://`): read in place, never cached.

use std::path::Path;

use crate::error::FetchError;
use crate::fetched::{FetchStats, FetchedRepo};
use crate::meta_file::parse_repomd;
use crate::resolved::ResolvedRepo;

/// Describes a local repo directory without copying anything.
pub(crate) fn open_local(repo: &ResolvedRepo, dir: &Path) -> Result<FetchedRepo, FetchError> {
    let repomd_path = dir.join("repodata").join("repomd.xml");
    let text = std::fs::read(&repomd_path).map_err(|e| FetchError::io(&repomd_path, e))?;
    let origin = repomd_path.display().to_string();
    let repomd = parse_repomd(text, &origin)?;
    let locate = |kind: &'static str| -> Result<Option<std::path::PathBuf>, FetchError> {
        let Some(record) = repomd.record(kind) else {
            return Ok(None);
        };
        let path = record
            .path_in(dir)
            .ok_or_else(|| FetchError::UnsafeLocation {
                url: origin.clone(),
                href: record.href.clone(),
            })?;
        Ok(Some(path))
    };
    let primary = locate("primary")?.ok_or_else(|| FetchError::MissingRecord {
        url: origin.clone(),
        kind: "primary",
    })?;
    let filelists = locate("filelists")?.filter(|p| p.is_file());
    Ok(FetchedRepo {
        repo: repo.clone(),
        dir: dir.to_path_buf(),
        primary,
        filelists,
        stats: FetchStats::default(),
        filelists_file: None,
        mirror: None,
    })
}
