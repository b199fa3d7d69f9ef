//! Fedora, EPEL and EL releases out of the box: where their repos live, and
//! a downloader that fetches, verifies and caches their rpm-md metadata.
//!
//! - Release definitions: [`Releases`] (built-in `releases.toml` plus the
//!   user's file), [`Release`], [`RepoDef`], [`RepoRole`], [`RepoSource`];
//!   [`Releases::resolve`] gives [`ResolvedRepo`]s for one architecture;
//!   [`repo_from_arg`] / [`ResolvedRepo::from_arg`] handle `--repo` values.
//! - Fetching: [`Fetcher`] with [`FetchOptions`] returns [`FetchedRepo`]s
//!   (local repo directories) with [`FetchStats`]; progress goes to a
//!   [`Reporter`] ([`NoProgress`] ignores it).
//! - Errors: [`ReleasesError`], [`ResolveError`], [`FetchError`].

// Release definitions.
mod release;
mod release_error;
mod release_file;
mod releases;
mod repo_arg;
mod resolved;
mod substitute;

// Document formats.
#[doc(hidden)]
pub mod fuzzing;
mod metalink;
mod mirrorlist;
mod xml_tree;

// Network (the HTTP policy itself is `ebranch-http`'s).
mod mirrors;
mod session;
mod url;

// Cache.
mod cache_cleanup;
mod cache_layout;
mod cache_lock;
mod cache_state;
mod meta_file;

// Fetching.
mod download;
mod error;
mod fetched;
mod fetcher;
mod filelists_fetch;
mod local;
mod repo_fetch;
mod report;

pub use cache_layout::REPOS_DIR;
pub use ebranch_http::Limits;
pub use ebranch_repodata::checksum::{ChecksumKind, Digest};
pub use error::FetchError;
pub use fetched::{FetchStats, FetchedRepo};
pub use fetcher::{DEFAULT_LOCK_TIMEOUT, FetchOptions, Fetcher};
pub use release::{DEFAULT_ARCHES, Release, RepoDef, RepoRole, RepoSource};
pub use release_error::{ReleasesError, ResolveError};
pub use releases::{BUILTIN_RELEASES_TOML, Releases};
pub use repo_arg::repo_from_arg;
pub use report::{NoProgress, Reporter, Transfer, TransferEnd};
pub use resolved::ResolvedRepo;
