//! Release definitions: named sets of repos with a role each.

use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// What a repo is used for in an ebranch run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RepoRole {
    /// Source packages whose BuildRequires are examined (Rawhide SRPMs).
    ReferenceSource,
    /// Binary packages that provide those BuildRequires in the reference.
    ReferenceBinary,
    /// The distribution EPEL builds on; EPEL may not replace its packages.
    TargetBase,
    /// EPEL itself, EPEL testing, side tags, Koji buildroots.
    TargetLayer,
}

impl RepoRole {
    /// The name used in release files (`reference-source`, …).
    pub fn name(self) -> &'static str {
        match self {
            RepoRole::ReferenceSource => "reference-source",
            RepoRole::ReferenceBinary => "reference-binary",
            RepoRole::TargetBase => "target-base",
            RepoRole::TargetLayer => "target-layer",
        }
    }

    /// True for the two reference roles.
    pub fn is_reference(self) -> bool {
        matches!(self, RepoRole::ReferenceSource | RepoRole::ReferenceBinary)
    }
}

impl fmt::Display for RepoRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Where a repo's metadata comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RepoSource {
    /// A MirrorManager metalink URL (mirrors plus the expected repomd.xml hashes).
    Metalink(String),
    /// A plain-text mirrorlist URL (one base URL a line).
    Mirrorlist(String),
    /// One or more base URLs, tried in order.
    Baseurl(Vec<String>),
    /// A local repo directory, read in place and never cached.
    Local(PathBuf),
}

impl RepoSource {
    /// Every URL (or the path) in the source, for display.
    pub fn locations(&self) -> Vec<String> {
        match self {
            RepoSource::Metalink(url) | RepoSource::Mirrorlist(url) => vec![url.clone()],
            RepoSource::Baseurl(urls) => urls.clone(),
            RepoSource::Local(path) => vec![path.display().to_string()],
        }
    }

    /// `metalink`, `mirrorlist`, `baseurl` or `path`.
    pub fn kind(&self) -> &'static str {
        match self {
            RepoSource::Metalink(_) => "metalink",
            RepoSource::Mirrorlist(_) => "mirrorlist",
            RepoSource::Baseurl(_) => "baseurl",
            RepoSource::Local(_) => "path",
        }
    }
}

impl fmt::Display for RepoSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.kind(), self.locations().join(" "))
    }
}

/// One repo of a release, URLs still templated (`$basearch`, `$releasever`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoDef {
    /// Unique name; with the resolved URLs it names the cache folder.
    pub id: String,
    /// What the repo is used for.
    pub role: RepoRole,
    /// Where it comes from (templated).
    pub source: RepoSource,
}

/// A named release: its own repos plus those of the releases it includes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    /// What `--reference` / `--target` take (`rawhide`, `epel10`, …).
    pub name: String,
    /// One line for listings.
    pub description: String,
    /// Value of `$releasever` in this release's own repos.
    pub releasever: Option<String>,
    /// Architectures `$basearch` may take.
    pub arches: Vec<String>,
    /// Releases whose repos come before this release's own.
    pub include: Vec<String>,
    /// The module platform (`platform:el9`) whose module filtering applies to the
    /// release's target repos; included releases' value when unset.
    pub module_platform: Option<String>,
    /// This release's own repos.
    pub repos: Vec<RepoDef>,
    /// `builtin` or the path of the user file that defined it.
    pub origin: String,
}

/// Architectures a release supports unless it says otherwise.
pub const DEFAULT_ARCHES: [&str; 4] = ["x86_64", "aarch64", "ppc64le", "s390x"];
