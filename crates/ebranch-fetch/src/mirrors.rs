//! From a repo source to an ordered list of mirror base URLs (and, for
//! metalinks, the hashes repomd.xml must match).

use crate::error::FetchError;
use crate::metalink::Metalink;
use crate::mirrorlist;
use crate::release::RepoSource;
use crate::session::Session;
use crate::url;

/// Mirrors of one repo, best first.
pub(crate) struct MirrorSet {
    /// Base URLs (each holds `repodata/`).
    pub bases: Vec<String>,
    /// The metalink, when the source is one.
    pub metalink: Option<Metalink>,
}

/// Downloads and parses the metalink or mirrorlist (with retries), or
/// takes the base URLs as they are.
pub(crate) fn resolve_mirrors(
    session: &Session<'_>,
    source: &RepoSource,
    arch: &str,
) -> Result<MirrorSet, FetchError> {
    match source {
        RepoSource::Metalink(link) => {
            let (metalink, _) =
                session.with_failover("metalink", std::slice::from_ref(link), |u| {
                    let data = session.get_small(u, "metalink")?;
                    Metalink::parse(&String::from_utf8_lossy(&data)).map_err(|reason| {
                        FetchError::Invalid {
                            url: u.to_string(),
                            what: "metalink",
                            reason,
                        }
                    })
                })?;
            if metalink.mirrors.is_empty() {
                return Err(FetchError::NoMirrors { url: link.clone() });
            }
            Ok(MirrorSet {
                bases: metalink.mirrors.clone(),
                metalink: Some(metalink),
            })
        }
        RepoSource::Mirrorlist(list) => {
            let (bases, _) =
                session.with_failover("mirrorlist", std::slice::from_ref(list), |u| {
                    let data = session.get_small(u, "mirrorlist")?;
                    Ok(mirrorlist::parse(&String::from_utf8_lossy(&data), arch))
                })?;
            if bases.is_empty() {
                return Err(FetchError::NoMirrors { url: list.clone() });
            }
            Ok(MirrorSet {
                bases,
                metalink: None,
            })
        }
        RepoSource::Baseurl(urls) => {
            for url in urls {
                ebranch_http::policy::check(url)?;
            }
            Ok(MirrorSet {
                bases: urls.iter().map(|u| url::with_slash(u)).collect(),
                metalink: None,
            })
        }
        RepoSource::Local(path) => Err(FetchError::UnsupportedUrl {
            url: path.display().to_string(),
        }),
    }
}

/// `bases` reordered so that `first` comes first (the mirror that served
/// repomd.xml is the most likely to have matching files).
pub(crate) fn starting_with(bases: &[String], first: usize) -> Vec<String> {
    let mut order = Vec::with_capacity(bases.len());
    order.extend(bases.get(first).cloned());
    order.extend(
        bases
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != first)
            .map(|(_, b)| b.clone()),
    );
    order
}
