//! The TOML schema of release files (builtin and user) and its conversion
//! into [`Release`] values.

use std::path::PathBuf;

use serde::Deserialize;

use crate::release::{DEFAULT_ARCHES, Release, RepoDef, RepoRole, RepoSource};
use crate::release_error::ReleasesError;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDoc {
    #[serde(default)]
    release: Vec<RawRelease>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRelease {
    name: String,
    #[serde(default)]
    description: String,
    releasever: Option<String>,
    arches: Option<Vec<String>>,
    #[serde(default)]
    include: Vec<String>,
    module_platform: Option<String>,
    #[serde(default)]
    repo: Vec<RawRepo>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRepo {
    id: String,
    role: RepoRole,
    metalink: Option<String>,
    mirrorlist: Option<String>,
    baseurl: Option<OneOrMany>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

/// Parses one release file. `origin` names it in errors (`builtin` or a path).
pub(crate) fn parse_release_file(text: &str, origin: &str) -> Result<Vec<Release>, ReleasesError> {
    let doc: FileDoc = toml::from_str(text).map_err(|e| ReleasesError::Syntax {
        origin: origin.to_string(),
        line: e
            .span()
            .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1)
            .unwrap_or(0),
        message: e.message().replace('\n', " "),
    })?;
    let mut releases: Vec<Release> = Vec::new();
    for raw in doc.release {
        if releases.iter().any(|r| r.name == raw.name) {
            return Err(ReleasesError::Duplicate {
                origin: origin.to_string(),
                what: format!("release {}", raw.name),
            });
        }
        if raw.repo.is_empty() && raw.include.is_empty() {
            return Err(ReleasesError::Empty {
                origin: origin.to_string(),
                release: raw.name,
            });
        }
        let mut repos: Vec<RepoDef> = Vec::new();
        for repo in raw.repo {
            if repos.iter().any(|r| r.id == repo.id) {
                return Err(ReleasesError::Duplicate {
                    origin: origin.to_string(),
                    what: format!("release {}, repo {}", raw.name, repo.id),
                });
            }
            let source = match (repo.metalink, repo.mirrorlist, repo.baseurl) {
                (Some(url), None, None) => RepoSource::Metalink(url),
                (None, Some(url), None) => RepoSource::Mirrorlist(url),
                (None, None, Some(OneOrMany::One(url))) => RepoSource::Baseurl(vec![url]),
                (None, None, Some(OneOrMany::Many(urls))) if !urls.is_empty() => {
                    RepoSource::Baseurl(urls)
                }
                _ => {
                    return Err(ReleasesError::RepoSource {
                        origin: origin.to_string(),
                        release: raw.name,
                        repo: repo.id,
                    });
                }
            };
            repos.push(RepoDef {
                id: repo.id,
                role: repo.role,
                source,
            });
        }
        releases.push(Release {
            name: raw.name,
            description: raw.description,
            releasever: raw.releasever,
            arches: raw
                .arches
                .unwrap_or_else(|| DEFAULT_ARCHES.iter().map(|a| a.to_string()).collect()),
            include: raw.include,
            module_platform: raw.module_platform,
            repos,
            origin: origin.to_string(),
        });
    }
    Ok(releases)
}

/// Reads and parses a user release file.
pub(crate) fn read_release_file(path: &std::path::Path) -> Result<Vec<Release>, ReleasesError> {
    let text = std::fs::read_to_string(path).map_err(|error| ReleasesError::Read {
        path: PathBuf::from(path),
        error,
    })?;
    parse_release_file(&text, &path.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sources_and_defaults() {
        let releases = parse_release_file(
            r#"
[[release]]
name = "mine"
[[release.repo]]
id = "a"
role = "target-layer"
baseurl = ["http://x/", "http://y/"]
[[release.repo]]
id = "b"
role = "reference-source"
mirrorlist = "http://m/"
"#,
            "test",
        )
        .unwrap();
        assert_eq!(releases.len(), 1);
        assert_eq!(releases[0].arches.len(), 4);
        assert_eq!(
            releases[0].repos[0].source,
            RepoSource::Baseurl(vec!["http://x/".into(), "http://y/".into()])
        );
        assert_eq!(releases[0].repos[1].role, RepoRole::ReferenceSource);
    }

    #[test]
    fn errors_are_one_line_and_located() {
        let err =
            parse_release_file("[[release]]\nname = \"x\"\nbogus = 1\n", "f.toml").unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("f.toml:"), "{text}");
        assert!(!text.contains('\n'), "{text}");
        let err = parse_release_file(
            "[[release]]\nname = \"x\"\n[[release.repo]]\nid = \"a\"\nrole = \"target-base\"\n",
            "f.toml",
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "f.toml: release x, repo a: set exactly one of metalink, mirrorlist, baseurl"
        );
        let err = parse_release_file("[[release]]\nname = \"x\"\n", "f.toml").unwrap_err();
        assert_eq!(err.to_string(), "f.toml: release x has no repos");
        let err = parse_release_file(
            "[[release]]\nname = \"x\"\n[[release.repo]]\nid = \"a\"\nrole = \"sideways\"\nbaseurl = \"u\"\n",
            "f.toml",
        )
        .unwrap_err();
        assert!(err.to_string().starts_with("f.toml:5: "), "{err}");
    }
}
