//! Loading repositories into a pool: fetched (or read in place), in parallel, through the
//! index cache; filelists fetched only when a file dependency needs them.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use ebranch_fetch::{FetchOptions, FetchedRepo, Fetcher, RepoRole, RepoSource, ResolvedRepo};
use ebranch_index::{ArchSet, Pool, PoolKey, RepoId, RepoInput, evict_images, touch_image};
use ebranch_repodata::{DepKind, ReadOptions, RepoData, RepodataError, Repomd, load_repo};

use crate::cli::GlobalArgs;
use crate::progress::FetchProgress;

/// A loaded pool and, for each requested repository, its id in the pool.
pub struct Loaded {
    /// The pool of all repositories (shared with the thread writing its image, if any).
    pub pool: Arc<Pool>,
    /// `ids[i]` is the repository of the i-th request (duplicates share an id).
    pub ids: Vec<RepoId>,
    /// The directory each repository of the pool was read from, by [`RepoId`].
    pub dirs: Vec<PathBuf>,
}

/// The arch set chosen by `--arch` (default: this machine's basearch).
pub fn arch_set(global: &GlobalArgs) -> ArchSet {
    if global.arches.is_empty() {
        ArchSet::default()
    } else {
        ArchSet::for_basearches(global.arches.iter().map(String::as_str))
    }
}

/// The basearch used for `$basearch` in release URLs: the first `--arch`, or this machine's.
pub fn basearch(global: &GlobalArgs) -> String {
    global
        .arches
        .first()
        .cloned()
        .unwrap_or_else(|| ArchSet::machine_basearch().to_owned())
}

/// The root of ebranch's cache (`--cache-dir`, else the XDG cache dir's `ebranch/`).
pub fn cache_root(global: &GlobalArgs) -> Option<PathBuf> {
    global.cache_dir.clone().or_else(Fetcher::default_cache_dir)
}

/// The cache directory for parsed indexes, or `None` when caching is off.
fn index_cache_dir(global: &GlobalArgs) -> Option<PathBuf> {
    if global.no_cache {
        return None;
    }
    cache_root(global).map(|d| d.join("index"))
}

/// The fetcher for remote repositories, configured from the global options.
pub fn fetcher(global: &GlobalArgs) -> Result<Fetcher> {
    let root =
        cache_root(global).context("no cache directory: set --cache-dir or XDG_CACHE_HOME")?;
    Ok(Fetcher::new(
        root,
        FetchOptions {
            refresh: global.refresh,
            offline: global.offline,
            ..FetchOptions::default()
        },
    ))
}

/// Loads `--repo`-style arguments (paths, `file://` or `http(s)://` URLs, metalinks).
pub fn load(args: &[String], global: &GlobalArgs) -> Result<Loaded> {
    let arch = basearch(global);
    let repos: Vec<ResolvedRepo> = args
        .iter()
        .map(|a| ResolvedRepo::from_arg(a, RepoRole::TargetLayer, &arch))
        .collect();
    load_resolved(&repos, global)
}

/// Loads resolved repositories (from arguments or release definitions).
pub fn load_resolved(repos: &[ResolvedRepo], global: &GlobalArgs) -> Result<Loaded> {
    let fetcher = fetcher(global)?;
    let progress = FetchProgress::new();
    let fetched = fetcher.fetch(repos, &progress)?;
    progress.finish();
    crate::timings::phase("repositories fetched");

    let mut unique: Vec<FetchedRepo> = Vec::new();
    let mut dirs: Vec<PathBuf> = Vec::new();
    let mut ids = Vec::with_capacity(fetched.len());
    for f in fetched {
        let dir = f
            .dir
            .canonicalize()
            .with_context(|| format!("repository `{}` does not exist", f.dir.display()))?;
        let index = match dirs.iter().position(|d| *d == dir) {
            Some(i) => i,
            None => {
                dirs.push(dir);
                unique.push(f);
                unique.len() - 1
            }
        };
        ids.push(RepoId(index as u32));
    }
    let reader = Reader {
        fetcher: &fetcher,
        progress: &progress,
        cache: index_cache_dir(global),
    };
    let mut pool = pool_of(&unique, global, &reader)?;

    // Filelists are fetched only when a file dependency is not answered from primary.
    let lacking: Vec<usize> = (0..unique.len())
        .filter(|i| unique[*i].filelists.is_none() && unique[*i].has_filelists())
        .collect();
    if !lacking.is_empty() && has_unresolved_file_dep(&pool) {
        for &i in &lacking {
            unique[i].filelists = fetcher.fetch_filelists(&unique[i], &progress)?;
        }
        progress.finish();
        drop(pool);
        pool = pool_of(&unique, global, &reader)?;
    }
    crate::timings::phase("pool built");
    let dirs = unique.into_iter().map(|f| f.dir).collect();
    Ok(Loaded { pool, ids, dirs })
}

/// How many pool images the index cache keeps (the most recently used).
const POOL_IMAGES_KEPT: usize = 4;

/// The pool of `repos`: read from its image in the index cache when one was made for the
/// same repository metadata, options and arches; otherwise built from each repository's
/// parsed data (itself cached) and written as an image for the next run.
fn pool_of(repos: &[FetchedRepo], global: &GlobalArgs, reader: &Reader<'_>) -> Result<Arc<Pool>> {
    let labels: Vec<String> = repos.iter().map(label).collect();
    let arches = arch_set(global);
    let image = match index_cache_dir(global) {
        Some(dir) => {
            let mut checksums = Vec::with_capacity(repos.len());
            for f in repos {
                checksums.push(Repomd::read(&f.dir)?.sha256);
            }
            let key = PoolKey::new(
                checksums
                    .iter()
                    .zip(repos)
                    .map(|(c, f)| (c.as_str(), read_options(f).fingerprint())),
                &arches,
            );
            let path = dir.join(key.file_name());
            if let Ok(pool) = Pool::read_image(&path, &key, labels.clone(), arches.clone()) {
                touch_image(&path);
                crate::timings::phase("pool image read");
                return Ok(Arc::new(pool));
            }
            Some((dir, key, path))
        }
        None => None,
    };
    let datas = read_all(repos, reader)?;
    crate::timings::phase("repositories read");
    let inputs = labels
        .into_iter()
        .zip(datas)
        .map(|(label, data)| RepoInput { label, data })
        .collect();
    let pool = Arc::new(Pool::new(inputs, arches)?);
    crate::timings::phase("pool indexed");
    if let Some((dir, key, path)) = image {
        // Written while this run goes on (and finished before it exits). A cache that
        // cannot be written costs the next run time, not this one its answer.
        let pool = Arc::clone(&pool);
        crate::background::spawn("pool-image", move || {
            if std::fs::create_dir_all(&dir).is_ok() && pool.write_image(&key, &path).is_ok() {
                evict_images(&dir, POOL_IMAGES_KEPT);
            }
            crate::timings::phase("pool image written");
        });
    }
    Ok(pool)
}

/// What is read of a repository: local directories whatever they have; fetched ones what
/// is on disk.
fn read_options(f: &FetchedRepo) -> ReadOptions {
    ReadOptions {
        filelists: matches!(f.repo.source, RepoSource::Local(_)) || f.filelists.is_some(),
    }
}

/// How a repository is named in messages: its path, or its id and source for fetched ones.
fn label(f: &FetchedRepo) -> String {
    match &f.repo.source {
        RepoSource::Local(_) => f.dir.display().to_string(),
        other => format!("{} ({other})", f.repo.id),
    }
}

/// What reads repositories: the index cache, and the fetcher that repairs damaged ones.
struct Reader<'a> {
    fetcher: &'a Fetcher,
    progress: &'a FetchProgress,
    cache: Option<PathBuf>,
}

fn read_all(repos: &[FetchedRepo], reader: &Reader<'_>) -> Result<Vec<RepoData>> {
    let results: Vec<Result<RepoData>> = std::thread::scope(|scope| {
        let handles: Vec<_> = repos
            .iter()
            .map(|f| {
                scope.spawn(move || {
                    let data = read_one(f, reader);
                    if crate::timings::enabled() {
                        crate::timings::phase(&format!("read {}", label(f)));
                    }
                    data
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("repository loader thread panicked"))
            .collect()
    });
    results.into_iter().collect()
}

/// Reads one repository through the index cache. A fetched repository whose cached file
/// is damaged (it fails its checksum while the index is rebuilt) is repaired once: the
/// fetcher checks its files by checksum and downloads again only the damaged ones.
fn read_one(f: &FetchedRepo, reader: &Reader<'_>) -> Result<RepoData> {
    let options = read_options(f);
    let load = || load_repo(&f.dir, reader.cache.as_deref(), &options);
    match load() {
        Err(e) if is_damage(&e) && !matches!(f.repo.source, RepoSource::Local(_)) => {
            eprintln!("warning: {e}; downloading it again");
            reader.fetcher.repair(f, reader.progress)?;
            reader.progress.finish();
            Ok(load()?.0)
        }
        result => Ok(result?.0),
    }
}

/// Whether a read failed on a damaged or missing cached file (which a download repairs).
fn is_damage(error: &RepodataError) -> bool {
    matches!(
        error,
        RepodataError::ChecksumMismatch { .. } | RepodataError::MissingRecordFile { .. }
    )
}

/// Whether some requirement on a path has no provider (so filelists could help).
fn has_unresolved_file_dep(pool: &Pool) -> bool {
    let mut checked = vec![false; pool.dep_count()];
    for p in pool.packages() {
        for dep in pool.package(p).deps(DepKind::Requires) {
            let seen = std::mem::replace(&mut checked[dep.id().index()], true);
            if !seen && dep.name().starts_with('/') && dep.providers().is_empty() {
                return true;
            }
        }
    }
    false
}
