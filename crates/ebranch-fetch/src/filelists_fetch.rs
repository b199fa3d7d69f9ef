//! Fetching filelists later, on demand, for an already fetched repo.

use std::path::PathBuf;

use crate::cache_layout::RepoCache;
use crate::cache_lock::{LockRequest, RepoLock};
use crate::download::{download, download_once};
use crate::error::FetchError;
use crate::fetched::FetchedRepo;
use crate::fetcher::Fetcher;
use crate::mirrors::resolve_mirrors;
use crate::report::Reporter;
use crate::session::Session;

/// Downloads the filelists of an already fetched repo into its cache
/// folder, trying the mirror that served repomd.xml first.
pub(crate) fn fetch_filelists(
    fetcher: &Fetcher,
    fetched: &FetchedRepo,
    reporter: &dyn Reporter,
) -> Result<Option<PathBuf>, FetchError> {
    if let Some(path) = &fetched.filelists
        && path.is_file()
    {
        return Ok(Some(path.clone()));
    }
    let Some(file) = &fetched.filelists_file else {
        return Ok(None);
    };
    if file.is_present() {
        return Ok(Some(file.path.clone()));
    }
    let options = fetcher.options();
    if options.offline {
        return Err(FetchError::NotCached {
            repo: fetched.repo.id.clone(),
            path: file.path.clone(),
        });
    }
    let cache = RepoCache::new(fetcher.cache_dir(), &fetched.repo);
    let who = LockRequest {
        repo: &fetched.repo.id,
        timeout: options.lock_timeout,
        reporter,
    };
    let _lock = RepoLock::exclusive(&cache.lock_path(), &who)?;
    if file.is_present() {
        return Ok(Some(file.path.clone()));
    }
    let session = Session::new(fetcher.http(), options, reporter, &fetched.repo.id);
    let from_hint = fetched
        .mirror
        .as_ref()
        .and_then(|mirror| download_once(&session, file, mirror).ok());
    let tmp = match from_hint {
        Some(tmp) => tmp,
        None => {
            let mirrors = resolve_mirrors(&session, &fetched.repo.source, &fetched.repo.arch)?;
            download(&session, file, &mirrors.bases)?
        }
    };
    tmp.commit().map_err(|e| FetchError::io(&file.path, e))?;
    Ok(Some(file.path.clone()))
}
