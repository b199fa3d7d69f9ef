//! Bringing one remote repo's cache folder up to date: freshness check,
//! mirror resolution, repomd.xml, then only the metadata files needed,
//! staged as temp files and renamed into place once all are verified.

use std::path::PathBuf;

use ebranch_fs::TempFile;
use ebranch_repodata::Repomd;

use crate::cache_cleanup::{remove_temp_files, remove_unreferenced};
use crate::cache_layout::{CachedRepomd, RepoCache};
use crate::cache_lock::{LockRequest, RepoLock};
use crate::cache_state::CacheState;
use crate::download::download;
use crate::error::FetchError;
use crate::fetched::{FetchStats, FetchedRepo};
use crate::fetcher::Fetcher;
use crate::meta_file::{MetaFile, filelists_file, needed_files, parse_repomd};
use crate::metalink::RepomdMatch;
use crate::mirrors::{resolve_mirrors, starting_with};
use crate::report::Reporter;
use crate::resolved::ResolvedRepo;
use crate::session::Session;
use crate::url::{REPOMD_SUFFIX, join};

/// What one fetch of a remote repo must do.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Want {
    /// Filelists too.
    pub filelists: bool,
    /// Ask the network even when the cache is fresh, and check every cached file by its
    /// checksum (not only its size): a file damaged in place is downloaded again.
    pub refresh: bool,
}

/// Returns the repo from the cache, refreshing it first when stale,
/// missing or `want.refresh` is set (never touching the network when `offline`).
pub(crate) fn fetch_cached(
    fetcher: &Fetcher,
    repo: &ResolvedRepo,
    reporter: &dyn Reporter,
    want: Want,
) -> Result<FetchedRepo, FetchError> {
    let options = fetcher.options();
    let cache = RepoCache::new(fetcher.cache_dir(), repo);
    let who = LockRequest {
        repo: &repo.id,
        timeout: options.lock_timeout,
        reporter,
    };
    if options.offline {
        return from_cache_offline(&cache, repo, want.filelists, &who);
    }
    cache.create()?;
    let _lock = RepoLock::exclusive(&cache.lock_path(), &who)?;
    remove_temp_files(&cache);
    let cached = cache.load_repomd()?;
    let state = CacheState::load(&cache.state_path());
    let cached_origin = cache.upstream_repomd_path().display().to_string();

    // With `refresh`, every file is checked by checksum, not only by size.
    let cached_files = |c: &CachedRepomd| -> Option<Vec<MetaFile>> {
        let files = needed_files(&cache.dir, &c.repomd, want.filelists, &cached_origin).ok()?;
        let have = |f: &MetaFile| {
            if want.refresh {
                f.verify_on_disk()
            } else {
                f.is_present()
            }
        };
        files.iter().all(have).then_some(files)
    };

    if !want.refresh
        && let Some(state) = &state
        && state.is_fresh(options.metadata_expire)
        && let Some(c) = &cached
        && cached_files(c).is_some()
    {
        cache.save_repomd(&c.repomd, &c.bytes)?;
        return build(
            repo,
            &cache,
            &c.repomd,
            FetchStats::default(),
            state.mirror.clone(),
        );
    }

    let session = Session::new(fetcher.http(), options, reporter, &repo.id);
    let mirrors = resolve_mirrors(&session, &repo.source, &repo.arch)?;

    // Metalink shortcut: the cached repomd.xml is still the current one.
    if let (Some(metalink), Some(c)) = (&mirrors.metalink, &cached)
        && metalink.check(&c.bytes) == RepomdMatch::Current
        && cached_files(c).is_some()
    {
        cache.save_repomd(&c.repomd, &c.bytes)?;
        let mirror = state
            .and_then(|s| s.mirror)
            .or_else(|| mirrors.bases.first().cloned());
        CacheState::now(mirror.clone()).save(&cache.state_path())?;
        return build(repo, &cache, &c.repomd, stats_of(&session, 0), mirror);
    }

    let ((bytes, repomd), first) =
        session.with_failover("repomd.xml", &mirrors.bases, |base, cap| {
            let url = join(base, REPOMD_SUFFIX);
            let bytes = session.get_small(&url, "repomd.xml", cap)?;
            if let Some(metalink) = &mirrors.metalink
                && metalink.check(&bytes) == RepomdMatch::Unknown
            {
                let best = metalink.best_hash();
                return Err(FetchError::Checksum {
                    url,
                    expected: best.to_string(),
                    actual: best.of_same_kind(&bytes).to_string(),
                });
            }
            let repomd = parse_repomd(bytes.clone(), &url)?;
            needed_files(&cache.dir, &repomd, want.filelists, &url)?;
            Ok((bytes, repomd))
        })?;
    let order = starting_with(&mirrors.bases, first);
    let origin = join(&order[0], REPOMD_SUFFIX);
    let unchanged = cached.as_ref().is_some_and(|c| c.bytes == bytes);
    let files = needed_files(&cache.dir, &repomd, want.filelists, &origin)?;

    let mut staged: Vec<TempFile> = Vec::new();
    for file in &files {
        let have = if unchanged && !want.refresh {
            file.is_present()
        } else {
            file.verify_on_disk()
        };
        if have {
            continue;
        }
        // On an error, the files staged so far are removed as they are dropped.
        staged.push(download(&session, file, &order)?);
    }
    let downloaded = staged.len();
    for tmp in staged {
        let dest = tmp.dest().to_path_buf();
        tmp.commit().map_err(|e| FetchError::io(&dest, e))?;
    }
    cache.save_repomd(&repomd, &bytes)?;
    if !unchanged {
        remove_unreferenced(&cache, &repomd, cached.as_ref().map(|c| &c.repomd));
    }
    let mirror = Some(order[0].clone());
    CacheState::now(mirror.clone()).save(&cache.state_path())?;
    build(
        repo,
        &cache,
        &repomd,
        stats_of(&session, downloaded),
        mirror,
    )
}

/// `--offline`: the cache must already hold everything needed.
fn from_cache_offline(
    cache: &RepoCache,
    repo: &ResolvedRepo,
    want_filelists: bool,
    who: &LockRequest<'_>,
) -> Result<FetchedRepo, FetchError> {
    let not_cached = |path: PathBuf| FetchError::NotCached {
        repo: repo.id.clone(),
        path,
    };
    if !cache.upstream_repomd_path().is_file() {
        return Err(not_cached(cache.repomd_path()));
    }
    let _lock = RepoLock::shared(&cache.lock_path(), who)?;
    let cached = cache
        .load_repomd()?
        .ok_or_else(|| not_cached(cache.repomd_path()))?;
    if !cache.local_repomd_is_current(&cached.repomd) {
        return Err(not_cached(cache.repomd_path()));
    }
    let origin = cache.upstream_repomd_path().display().to_string();
    for file in needed_files(&cache.dir, &cached.repomd, want_filelists, &origin)? {
        if !file.is_present() {
            return Err(not_cached(file.path));
        }
    }
    let mirror = CacheState::load(&cache.state_path()).and_then(|s| s.mirror);
    build(repo, cache, &cached.repomd, FetchStats::default(), mirror)
}

fn stats_of(session: &Session<'_>, files: usize) -> FetchStats {
    let (requests, bytes) = session.counters();
    FetchStats {
        requests,
        bytes,
        files: files as u64,
    }
}

/// The fetched repo of the cache folder, for the upstream `repomd`.
fn build(
    repo: &ResolvedRepo,
    cache: &RepoCache,
    repomd: &Repomd,
    stats: FetchStats,
    mirror: Option<String>,
) -> Result<FetchedRepo, FetchError> {
    let origin = cache.upstream_repomd_path().display().to_string();
    let primary = needed_files(&cache.dir, repomd, false, &origin)?.remove(0);
    let filelists = filelists_file(&cache.dir, repomd, &origin)?;
    Ok(FetchedRepo {
        repo: repo.clone(),
        dir: cache.dir.clone(),
        primary: primary.path,
        filelists: filelists
            .as_ref()
            .filter(|f| f.is_present())
            .map(|f| f.path.clone()),
        stats,
        filelists_file: filelists,
        mirror,
    })
}
