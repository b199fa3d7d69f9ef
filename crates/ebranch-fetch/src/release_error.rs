//! Errors from loading release definitions and resolving a release.

use std::io;
use std::path::PathBuf;

/// A release file could not be read or is invalid.
#[derive(Debug, thiserror::Error)]
pub enum ReleasesError {
    /// The user file could not be read.
    #[error("{path}: {error}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        error: io::Error,
    },
    /// TOML syntax or schema error.
    #[error("{origin}:{line}: {message}")]
    Syntax {
        /// `builtin` or the file path.
        origin: String,
        /// 1-based line of the error (0 when unknown).
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A repo sets none or several of metalink, mirrorlist and baseurl.
    #[error(
        "{origin}: release {release}, repo {repo}: set exactly one of metalink, mirrorlist, baseurl"
    )]
    RepoSource {
        /// `builtin` or the file path.
        origin: String,
        /// Release name.
        release: String,
        /// Repo id.
        repo: String,
    },
    /// The same release name twice in one file, or the same repo id twice in a release.
    #[error("{origin}: {what} is defined twice")]
    Duplicate {
        /// `builtin` or the file path.
        origin: String,
        /// `release NAME` or `release NAME, repo ID`.
        what: String,
    },
    /// A release has neither repos nor includes.
    #[error("{origin}: release {release} has no repos")]
    Empty {
        /// `builtin` or the file path.
        origin: String,
        /// Release name.
        release: String,
    },
    /// `include` names a release that does not exist.
    #[error("{origin}: release {release} includes unknown release {include}")]
    UnknownInclude {
        /// `builtin` or the file path.
        origin: String,
        /// Release name.
        release: String,
        /// The missing name.
        include: String,
    },
    /// A release includes itself, directly or not.
    #[error("release {release} includes itself through {via}")]
    IncludeCycle {
        /// Release name.
        release: String,
        /// The include that closes the cycle.
        via: String,
    },
}

/// A release could not be turned into concrete repos.
#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    /// No release of that name.
    #[error("unknown release {name} (known: {known})")]
    UnknownRelease {
        /// The name asked for.
        name: String,
        /// Comma-separated known names.
        known: String,
    },
    /// The release does not list this architecture.
    #[error("release {release} has no architecture {arch} (has: {known})")]
    UnknownArch {
        /// Release name.
        release: String,
        /// The architecture asked for.
        arch: String,
        /// Comma-separated supported architectures.
        known: String,
    },
    /// A URL uses a variable the release does not define.
    #[error("release {release}, repo {repo}: {url}: unknown variable ${var}")]
    Variable {
        /// Release that defines the repo.
        release: String,
        /// Repo id.
        repo: String,
        /// The templated URL.
        url: String,
        /// The variable name.
        var: String,
    },
}
