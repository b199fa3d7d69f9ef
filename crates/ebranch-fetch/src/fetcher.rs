//! The public entry point: fetch a list of repos (in parallel) into the cache.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use ebranch_http::{Client, ClientConfig, Limits};

use crate::error::FetchError;
use crate::fetched::FetchedRepo;
use crate::filelists_fetch;
use crate::local::open_local;
use crate::release::RepoSource;
use crate::repo_fetch::{self, Want};
use crate::report::Reporter;
use crate::resolved::ResolvedRepo;

/// Default of [`FetchOptions::lock_timeout`]: long enough for another run's cold fetch of
/// a release's metadata on a slow line, short enough that a stuck run is noticed.
pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(300);

/// The most time one mirror may take from a fetch in all (issue 8, finding 4: a mirror
/// dripping repomd.xml at 1 byte/s held a run for 50 minutes).
pub const MIRROR_BUDGET: Duration = Duration::from_secs(60);

/// How fetching behaves.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// Check the network even when the cache is fresh (`--refresh`).
    pub refresh: bool,
    /// Never touch the network; fail when something is not cached (`--offline`).
    pub offline: bool,
    /// A cached repo younger than this is used without any request (default 6 h).
    pub metadata_expire: Duration,
    /// Limits of a metalink, mirrorlist or repomd.xml request (default
    /// [`Limits::document`]: connect 10 s, headers 20 s, at least 4 KiB/s over every
    /// 10 s, 30 s in all, 32 MiB). A metadata file gets the same, capped at the size
    /// repomd.xml promises, its deadline grown with that size ([`Limits::for_file`]).
    /// A mirror that is too slow is not asked again in the same fetch.
    pub limits: Limits,
    /// The most time one mirror may take from a fetch in all, across every file and
    /// round (default [`MIRROR_BUDGET`], 60 s): each request to it gets what is left of
    /// its budget as its deadline, and a mirror that ran out, or was too slow, is not
    /// asked again. Only when every mirror ran out while still sending at the minimum
    /// rate (the line is slow, not the mirrors) does the first get one more try with
    /// the full deadline the file's size allows.
    pub mirror_budget: Duration,
    /// Extra rounds over the mirror list after the first fails (default 2).
    pub retries: u32,
    /// Pause before the second round, doubled for each later one (default 1 s).
    pub backoff: Duration,
    /// Mirrors tried per round, best first (default 5).
    pub max_mirrors: usize,
    /// Download filelists together with primary (default false: use
    /// [`Fetcher::fetch_filelists`] when a file dependency needs them).
    pub want_filelists: bool,
    /// Repos fetched at once (default 4).
    pub parallel: usize,
    /// Honour `HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY`/`NO_PROXY` (default true).
    pub env_proxy: bool,
    /// `User-Agent` header.
    pub user_agent: String,
    /// Longest wait for another run's lock on a repo's cache folder (default 300 s; the
    /// reporter hears once that the run waits); then the fetch fails with
    /// [`FetchError::LockTimeout`].
    pub lock_timeout: Duration,
}

impl Default for FetchOptions {
    fn default() -> FetchOptions {
        FetchOptions {
            refresh: false,
            offline: false,
            metadata_expire: Duration::from_secs(6 * 3600),
            limits: Limits::document(),
            mirror_budget: MIRROR_BUDGET,
            retries: 2,
            backoff: Duration::from_secs(1),
            max_mirrors: 5,
            want_filelists: false,
            parallel: 4,
            env_proxy: true,
            user_agent: concat!("ebranch/", env!("CARGO_PKG_VERSION")).to_string(),
            lock_timeout: DEFAULT_LOCK_TIMEOUT,
        }
    }
}

/// Downloads, verifies and caches repo metadata.
#[derive(Debug)]
pub struct Fetcher {
    cache_dir: PathBuf,
    options: FetchOptions,
    http: Client,
}

impl Fetcher {
    /// A fetcher caching under `cache_dir` (repos go to `cache_dir/repos-v1/`).
    pub fn new(cache_dir: impl Into<PathBuf>, options: FetchOptions) -> Fetcher {
        let http = Client::new(&ClientConfig {
            env_proxy: options.env_proxy,
            user_agent: options.user_agent.clone(),
        });
        Fetcher {
            cache_dir: cache_dir.into(),
            options,
            http,
        }
    }

    /// `$XDG_CACHE_HOME/ebranch` (or the platform equivalent).
    pub fn default_cache_dir() -> Option<PathBuf> {
        dirs::cache_dir().map(|d| d.join("ebranch"))
    }

    /// The cache root.
    pub fn cache_dir(&self) -> &Path {
        &self.cache_dir
    }

    /// The options in force.
    pub fn options(&self) -> &FetchOptions {
        &self.options
    }

    pub(crate) fn http(&self) -> &Client {
        &self.http
    }

    /// Fetches every repo (up to `parallel` at once); the first error in
    /// `repos` order is returned, after all repos were tried.
    pub fn fetch(
        &self,
        repos: &[ResolvedRepo],
        reporter: &dyn Reporter,
    ) -> Result<Vec<FetchedRepo>, FetchError> {
        self.fetch_all(repos, reporter).into_iter().collect()
    }

    /// Like [`Fetcher::fetch`] but with one result per repo, in order.
    pub fn fetch_all(
        &self,
        repos: &[ResolvedRepo],
        reporter: &dyn Reporter,
    ) -> Vec<Result<FetchedRepo, FetchError>> {
        let slots: Mutex<Vec<Option<Result<FetchedRepo, FetchError>>>> =
            Mutex::new(repos.iter().map(|_| None).collect());
        let next = AtomicUsize::new(0);
        let workers = self.options.parallel.clamp(1, repos.len().max(1));
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(|| {
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(repo) = repos.get(index) else { break };
                        let result = self.fetch_one(repo, reporter);
                        slots.lock().unwrap_or_else(|e| e.into_inner())[index] = Some(result);
                    }
                });
            }
        });
        slots
            .into_inner()
            .unwrap_or_else(|e| e.into_inner())
            .into_iter()
            .map(|slot| slot.expect("every repo was fetched"))
            .collect()
    }

    /// Fetches one repo (local directories are described in place).
    pub fn fetch_one(
        &self,
        repo: &ResolvedRepo,
        reporter: &dyn Reporter,
    ) -> Result<FetchedRepo, FetchError> {
        reporter.repo_start(repo);
        let want = Want {
            filelists: self.options.want_filelists,
            refresh: self.options.refresh,
        };
        let fetched = match &repo.source {
            RepoSource::Local(dir) => open_local(repo, dir)?,
            _ => repo_fetch::fetch_cached(self, repo, reporter, want)?,
        };
        reporter.repo_done(&fetched);
        Ok(fetched)
    }

    /// Repairs the cache of a fetched repo whose file failed its checksum while being
    /// read (damaged in place): checks every cached file by checksum, asking the network
    /// whether repomd.xml changed (as `--refresh` does), and downloads again only what is
    /// damaged or missing. A local directory is returned as it is; with `offline`, the
    /// cache is only checked for presence.
    pub fn repair(
        &self,
        repo: &FetchedRepo,
        reporter: &dyn Reporter,
    ) -> Result<FetchedRepo, FetchError> {
        if let RepoSource::Local(_) = repo.repo.source {
            return Ok(repo.clone());
        }
        let want = Want {
            filelists: repo.filelists.is_some(),
            refresh: true,
        };
        let fetched = repo_fetch::fetch_cached(self, &repo.repo, reporter, want)?;
        reporter.repo_done(&fetched);
        Ok(fetched)
    }

    /// Makes sure a fetched repo's filelists are on disk (downloading them
    /// if needed) and returns their path; `None` when the repo has none.
    pub fn fetch_filelists(
        &self,
        repo: &FetchedRepo,
        reporter: &dyn Reporter,
    ) -> Result<Option<PathBuf>, FetchError> {
        filelists_fetch::fetch_filelists(self, repo, reporter)
    }
}
