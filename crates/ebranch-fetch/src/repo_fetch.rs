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

/// Returns the repo from the cache, refreshing it first when stale,
/// missing or `refresh` is set (never touching the network when `offline`).
pub(crate) fn fetch_cached(
    fetcher: &Fetcher,
    repo: &ResolvedRepo,
    reporter: &dyn Reporter,
) -> Result<FetchedRepo, FetchError> {
    let options = fetcher.options();
    let cache = RepoCache::new(fetcher.cache_dir(), repo);
    let who = LockRequest {
        repo: &repo.id,
        timeout: options.lock_timeout,
        reporter,
    };
    if options.offline {
        return from_cache_offline(&cache, repo, options.want_filelists, &who);
    }
    cache.create()?;
    let _lock = RepoLock::exclusive(&cache.lock_path(), &who)?;
    remove_temp_files(&cache);
    let cached = cache.load_repomd()?;
    let state = CacheState::load(&cache.state_path());
    let cached_origin = cache.repomd_path().display().to_string();
    let want = options.want_filelists;

    let cached_files = |c: &CachedRepomd| -> Option<Vec<MetaFile>> {
        let files = needed_files(&cache.dir, &c.repomd, want, &cached_origin).ok()?;
        files.iter().all(MetaFile::is_present).then_some(files)
    };

    if !options.refresh
        && let Some(state) = &state
        && state.is_fresh(options.metadata_expire)
        && let Some(c) = &cached
        && cached_files(c).is_some()
    {
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
        let mirror = state
            .and_then(|s| s.mirror)
            .or_else(|| mirrors.bases.first().cloned());
        CacheState::now(mirror.clone()).save(&cache.state_path())?;
        return build(repo, &cache, &c.repomd, stats_of(&session, 0), mirror);
    }

    let ((bytes, repomd), first) = session.with_failover("repomd.xml", &mirrors.bases, |base| {
        let url = join(base, REPOMD_SUFFIX);
        let bytes = session.get_small(&url, "repomd.xml")?;
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
        needed_files(&cache.dir, &repomd, want, &url)?;
        Ok((bytes, repomd))
    })?;
    let order = starting_with(&mirrors.bases, first);
    let origin = join(&order[0], REPOMD_SUFFIX);
    let unchanged = cached.as_ref().is_some_and(|c| c.bytes == bytes);
    let files = needed_files(&cache.dir, &repomd, want, &origin)?;

    let mut staged: Vec<TempFile> = Vec::new();
    for file in &files {
        let have = if unchanged {
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
    if !unchanged {
        let path = cache.repomd_path();
        ebranch_fs::replace_file(&path, &bytes).map_err(|e| FetchError::io(&path, e))?;
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
    if !cache.repomd_path().is_file() {
        return Err(not_cached(cache.repomd_path()));
    }
    let _lock = RepoLock::shared(&cache.lock_path(), who)?;
    let cached = cache
        .load_repomd()?
        .ok_or_else(|| not_cached(cache.repomd_path()))?;
    let origin = cache.repomd_path().display().to_string();
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

fn build(
    repo: &ResolvedRepo,
    cache: &RepoCache,
    repomd: &Repomd,
    stats: FetchStats,
    mirror: Option<String>,
) -> Result<FetchedRepo, FetchError> {
    let origin = cache.repomd_path().display().to_string();
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
