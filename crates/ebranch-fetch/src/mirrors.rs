//! From a repo source to an ordered list of mirror base URLs (and, for
//! metalinks, the hashes repomd.xml must match).

use std::collections::HashSet;
use std::hash::Hash;

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
                session.with_failover("metalink", std::slice::from_ref(link), |u, cap| {
                    let data = session.get_small(u, "metalink", cap)?;
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
                session.with_failover("mirrorlist", std::slice::from_ref(list), |u, cap| {
                    let data = session.get_small(u, "mirrorlist", cap)?;
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

/// `items` in order, each kept at its first place only; linear in their number (one hash
/// and, barring collisions, no comparison per item), so a 160,000-line mirrorlist or
/// metalink costs next to nothing.
pub(crate) fn unique_in_order<T: Hash + Eq + Clone>(items: impl IntoIterator<Item = T>) -> Vec<T> {
    let mut seen: HashSet<T> = HashSet::new();
    items
        .into_iter()
        .filter(|item| seen.insert(item.clone()))
        .collect()
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

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::hash::{Hash, Hasher};

    use super::unique_in_order;

    /// Distinct mirrors in the test.
    const N: u64 = 160_000;
    /// Comparisons allowed: a duplicate needs one to be found (barring hash collisions);
    /// a quadratic scan would need about N * N / 2 = 12.8e9.
    const BOUND: u64 = 2 * N;

    thread_local! {
        static COMPARISONS: Cell<u64> = const { Cell::new(0) };
    }

    /// A mirror URL that counts how often it is compared with another, and stops the test
    /// as soon as the count exceeds [`BOUND`] (a quadratic scan fails at once, not after
    /// minutes).
    #[derive(Clone)]
    struct Counted(String);

    impl PartialEq for Counted {
        fn eq(&self, other: &Counted) -> bool {
            let count = COMPARISONS.with(|c| {
                c.set(c.get() + 1);
                c.get()
            });
            assert!(count <= BOUND, "more than {BOUND} comparisons: not linear");
            self.0 == other.0
        }
    }
    impl Eq for Counted {}
    impl Hash for Counted {
        fn hash<H: Hasher>(&self, state: &mut H) {
            self.0.hash(state);
        }
    }

    #[test]
    fn deduplicating_160000_mirrors_compares_each_about_once() {
        // Every mirror twice: 320,000 entries, 160,000 distinct.
        let items = (0..2 * N).map(|i| Counted(format!("https://m{}/os/", i % N)));
        COMPARISONS.with(|c| c.set(0));
        let unique = unique_in_order(items);
        assert_eq!(unique.len() as u64, N);
        assert_eq!(unique[7].0, "https://m7/os/");
        assert!(
            COMPARISONS.with(Cell::get) >= N,
            "the duplicates were compared"
        );
    }
}
