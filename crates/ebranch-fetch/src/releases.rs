//! The set of known releases: built-in definitions plus the user's file.

use std::path::{Path, PathBuf};

use crate::release::{Release, RepoSource};
use crate::release_error::{ReleasesError, ResolveError};
use crate::release_file::{parse_release_file, read_release_file};
use crate::resolved::ResolvedRepo;
use crate::substitute::substitute;

/// The release definitions compiled into the binary.
pub const BUILTIN_RELEASES_TOML: &str = include_str!("../releases.toml");

/// All known releases, in definition order (built-in first, then user-added).
#[derive(Debug, Clone)]
pub struct Releases {
    list: Vec<Release>,
}

impl Releases {
    /// Only the built-in definitions.
    pub fn builtin() -> Releases {
        let list = parse_release_file(BUILTIN_RELEASES_TOML, "builtin")
            .expect("built-in releases.toml is valid (checked by tests)");
        let releases = Releases { list };
        releases
            .validate()
            .expect("built-in releases.toml is consistent (checked by tests)");
        releases
    }

    /// Built-in definitions plus a user file: `user_file` when given (it must
    /// exist), otherwise [`Releases::default_user_file`] if that exists.
    pub fn load(user_file: Option<&Path>) -> Result<Releases, ReleasesError> {
        let mut releases = Releases::builtin();
        let path = match user_file {
            Some(path) => Some(path.to_path_buf()),
            None => Releases::default_user_file().filter(|p| p.is_file()),
        };
        if let Some(path) = path {
            let mut added = read_release_file(&path)?;
            let base = path
                .parent()
                .map(|p| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()))
                .unwrap_or_default();
            for release in &mut added {
                anchor_local_paths(release, &base);
            }
            releases.merge(added)?;
        }
        Ok(releases)
    }

    /// `$XDG_CONFIG_HOME/ebranch/releases.toml` (or the platform equivalent).
    pub fn default_user_file() -> Option<PathBuf> {
        dirs::config_dir().map(|d| d.join("ebranch").join("releases.toml"))
    }

    /// Adds the releases of a TOML text (same schema as the built-in file);
    /// a release with a known name replaces the old definition.
    pub fn merge_toml(&mut self, text: &str, origin: &str) -> Result<(), ReleasesError> {
        self.merge(parse_release_file(text, origin)?)
    }

    fn merge(&mut self, added: Vec<Release>) -> Result<(), ReleasesError> {
        for release in added {
            match self.list.iter_mut().find(|r| r.name == release.name) {
                Some(slot) => *slot = release,
                None => self.list.push(release),
            }
        }
        self.validate()
    }

    /// The release of that name.
    pub fn get(&self, name: &str) -> Option<&Release> {
        self.list.iter().find(|r| r.name == name)
    }

    /// All releases in definition order.
    pub fn iter(&self) -> impl Iterator<Item = &Release> {
        self.list.iter()
    }

    /// The module platform of a release (`platform:el9`): its own, else the first an
    /// included release sets (depth first). `None` when the release is unknown or none is set.
    pub fn module_platform(&self, name: &str) -> Option<&str> {
        let release = self.get(name)?;
        release.module_platform.as_deref().or_else(|| {
            release
                .include
                .iter()
                .find_map(|include| self.module_platform(include))
        })
    }

    /// The concrete repos of a release for one architecture: included
    /// releases' repos first (depth first), then its own; a repo id seen
    /// twice is kept once (first wins).
    pub fn resolve(&self, name: &str, arch: &str) -> Result<Vec<ResolvedRepo>, ResolveError> {
        let mut out: Vec<ResolvedRepo> = Vec::new();
        self.resolve_into(name, arch, &mut out)?;
        Ok(out)
    }

    fn resolve_into(
        &self,
        name: &str,
        arch: &str,
        out: &mut Vec<ResolvedRepo>,
    ) -> Result<(), ResolveError> {
        let release = self.get(name).ok_or_else(|| ResolveError::UnknownRelease {
            name: name.to_string(),
            known: self
                .list
                .iter()
                .map(|r| r.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        })?;
        if !release.arches.iter().any(|a| a == arch) {
            return Err(ResolveError::UnknownArch {
                release: release.name.clone(),
                arch: arch.to_string(),
                known: release.arches.join(", "),
            });
        }
        for include in &release.include {
            self.resolve_into(include, arch, out)?;
        }
        let mut vars: Vec<(&str, &str)> = vec![("basearch", arch)];
        if let Some(releasever) = &release.releasever {
            vars.push(("releasever", releasever));
        }
        for repo in &release.repos {
            if out.iter().any(|r| r.id == repo.id) {
                continue;
            }
            let subst = |url: &String| {
                substitute(url, &vars).map_err(|var| ResolveError::Variable {
                    release: release.name.clone(),
                    repo: repo.id.clone(),
                    url: url.clone(),
                    var,
                })
            };
            let source = match &repo.source {
                RepoSource::Metalink(url) => RepoSource::Metalink(subst(url)?),
                RepoSource::Mirrorlist(url) => RepoSource::Mirrorlist(subst(url)?),
                RepoSource::Baseurl(urls) => {
                    let urls = urls.iter().map(subst).collect::<Result<Vec<_>, _>>()?;
                    match urls[0].strip_prefix("file://") {
                        Some(path) => RepoSource::Local(PathBuf::from(path)),
                        None => RepoSource::Baseurl(urls),
                    }
                }
                RepoSource::Local(path) => RepoSource::Local(path.clone()),
            };
            out.push(ResolvedRepo {
                id: repo.id.clone(),
                role: repo.role,
                arch: arch.to_string(),
                source,
                release: release.name.clone(),
            });
        }
        Ok(())
    }

    /// Checks that every include names a known release and none loops.
    fn validate(&self) -> Result<(), ReleasesError> {
        for release in &self.list {
            for include in &release.include {
                if self.get(include).is_none() {
                    return Err(ReleasesError::UnknownInclude {
                        origin: release.origin.clone(),
                        release: release.name.clone(),
                        include: include.clone(),
                    });
                }
            }
        }
        for release in &self.list {
            self.check_cycle(&release.name, &release.name, &mut Vec::new())?;
        }
        Ok(())
    }

    fn check_cycle<'a>(
        &'a self,
        root: &str,
        current: &'a str,
        path: &mut Vec<&'a str>,
    ) -> Result<(), ReleasesError> {
        let Some(release) = self.get(current) else {
            return Ok(());
        };
        for include in &release.include {
            if include == root {
                return Err(ReleasesError::IncludeCycle {
                    release: root.to_string(),
                    via: current.to_string(),
                });
            }
            if path.contains(&include.as_str()) {
                continue;
            }
            path.push(include);
            self.check_cycle(root, include, path)?;
        }
        Ok(())
    }
}

/// Makes relative `file://` base URLs of a user file relative to that file's directory,
/// so a releases file next to some repositories works from any working directory.
fn anchor_local_paths(release: &mut Release, base: &Path) {
    for repo in &mut release.repos {
        if let RepoSource::Baseurl(urls) = &mut repo.source {
            for url in urls.iter_mut() {
                if let Some(rest) = url.strip_prefix("file://")
                    && !rest.starts_with('/')
                    && !rest.starts_with("localhost/")
                {
                    *url = format!("file://{}", base.join(rest).display());
                }
            }
        }
    }
}
