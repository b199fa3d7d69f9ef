//! A concrete repo to fetch: URLs substituted for one architecture.

use ebranch_repodata::checksum::sha256_hex;

use crate::release::{RepoRole, RepoSource};
use crate::repo_arg::repo_from_arg;
use crate::url::sanitize;

/// A repo with concrete URLs, ready for [`crate::Fetcher::fetch`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ResolvedRepo {
    /// Repo id from the release definition (or derived from a `--repo` argument).
    pub id: String,
    /// What the repo is used for.
    pub role: RepoRole,
    /// The architecture `$basearch` was replaced with.
    pub arch: String,
    /// Where the metadata comes from, without variables.
    pub source: RepoSource,
    /// The release that defined it (empty for `--repo` arguments).
    pub release: String,
}

impl ResolvedRepo {
    /// A repo from a `--repo` argument (path, `file://`, `http(s)://` base URL,
    /// metalink or mirrorlist URL; see [`repo_from_arg`]).
    pub fn from_arg(arg: &str, role: RepoRole, arch: &str) -> ResolvedRepo {
        let without_scheme = arg.split_once("://").map_or(arg, |(_, rest)| rest);
        ResolvedRepo {
            id: sanitize(without_scheme.trim_end_matches('/')),
            role,
            arch: arch.to_string(),
            source: repo_from_arg(arg),
            release: String::new(),
        }
    }

    /// Name of this repo's cache folder: the id plus a short hash of the
    /// source, so that changing a URL never reuses another source's data.
    pub fn cache_key(&self) -> String {
        let mut identity = format!("{}\n", self.source.kind());
        for location in self.source.locations() {
            identity.push_str(&location);
            identity.push('\n');
        }
        if matches!(self.source, RepoSource::Mirrorlist(_)) {
            // Mirrorlist lines may carry $basearch, substituted after download.
            identity.push_str(&self.arch);
        }
        format!(
            "{}-{}",
            sanitize(&self.id),
            &sha256_hex(identity.as_bytes())[..12]
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_key_depends_on_source() {
        let a = ResolvedRepo::from_arg("https://h/a/", RepoRole::TargetLayer, "x86_64");
        let b = ResolvedRepo::from_arg("https://h/b/", RepoRole::TargetLayer, "x86_64");
        assert_eq!(a.id, "h_a");
        assert!(a.cache_key().starts_with("h_a-"));
        assert_ne!(a.cache_key(), b.cache_key());
        let mut a_other_arch = a.clone();
        a_other_arch.arch = "s390x".into();
        assert_eq!(a.cache_key(), a_other_arch.cache_key());
    }
}
