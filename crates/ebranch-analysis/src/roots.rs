//! Checking the roots a user names: each must be a source package of the reference. An
//! unknown root (a typo, an empty string, a binary package's name) is an error that names
//! it and suggests names that exist.

use std::fmt;

use ebranch_index::{PkgId, Pool};
use rustc_hash::FxHashSet;

use crate::roles::{Role, Roles};

/// The most suggestions offered for one unknown root.
const MAX_SUGGESTIONS: usize = 5;

/// A root that is not a source package of the reference.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct UnknownRoot {
    /// The name as given.
    pub name: String,
    /// When `name` is a binary package of the reference: its source package.
    pub source_of_binary: Option<String>,
    /// Source package names close to `name`, closest first.
    pub suggestions: Vec<String>,
}

impl fmt::Display for UnknownRoot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.name.trim().is_empty() {
            return write!(f, "empty package name {:?}", self.name);
        }
        write!(f, "no source package `{}` in the reference", self.name)?;
        if let Some(source) = &self.source_of_binary {
            return write!(
                f,
                "; `{}` is a binary package built from `{source}`: name the source package",
                self.name
            );
        }
        match self.suggestions.as_slice() {
            [] => Ok(()),
            [one] => write!(f, "; did you mean `{one}`?"),
            many => write!(f, "; did you mean one of: {}?", many.join(", ")),
        }
    }
}

/// Checks that each of `roots` is a source package of the reference; the first that is
/// not is the error, with suggestions from the reference's source and binary names.
pub fn check_roots(pool: &Pool, roles: &Roles, roots: &[String]) -> Result<(), UnknownRoot> {
    let is_source =
        |p: &PkgId| pool.package(*p).is_source() && roles.of(pool, *p) == Role::ReferenceSource;
    let Some(unknown) = roots
        .iter()
        .find(|r| !pool.packages_named(r).iter().any(is_source))
    else {
        return Ok(());
    };
    let source_of_binary = pool
        .packages_named(unknown)
        .iter()
        .find(|p| roles.of(pool, **p) == Role::ReferenceBinary)
        .map(|p| pool.package(*p).source_name().to_owned())
        .filter(|s| !s.is_empty());
    let suggestions = if source_of_binary.is_some() || unknown.trim().is_empty() {
        Vec::new()
    } else {
        suggest(pool, roles, unknown)
    };
    Err(UnknownRoot {
        name: unknown.clone(),
        source_of_binary,
        suggestions,
    })
}

/// Reference source names close to `name`: the same but for case, within a small edit
/// distance, or ending in `-name` (`requests` → `python-requests`); a binary name close
/// to `name` suggests its source. Closest first, then alphabetical.
fn suggest(pool: &Pool, roles: &Roles, name: &str) -> Vec<String> {
    let wanted = name.to_lowercase();
    let budget = (wanted.chars().count() / 4).clamp(1, 3);
    let suffix = format!("-{wanted}");
    let mut seen = FxHashSet::default();
    let mut found: Vec<(usize, String)> = Vec::new();
    for p in pool.packages() {
        let role = roles.of(pool, p);
        let package = pool.package(p);
        let source = match role {
            Role::ReferenceSource if package.is_source() => package.name(),
            Role::ReferenceBinary => package.source_name(),
            _ => continue,
        };
        let candidate = package.name();
        if source.is_empty() || !seen.insert((candidate, source)) {
            continue;
        }
        let lower = candidate.to_lowercase();
        let distance = if lower.ends_with(&suffix) {
            Some(budget)
        } else {
            bounded_distance(&wanted, &lower, budget)
        };
        if let Some(d) = distance {
            found.push((d, source.to_owned()));
        }
    }
    found.sort();
    let mut out: Vec<String> = Vec::new();
    for (_, source) in found {
        if !out.contains(&source) {
            out.push(source);
        }
        if out.len() == MAX_SUGGESTIONS {
            break;
        }
    }
    out
}

/// The edit distance (Levenshtein, by characters) between `a` and `b` when it is at most
/// `max`; `None` otherwise, found without filling the whole table.
fn bounded_distance(a: &str, b: &str, max: usize) -> Option<usize> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        current[0] = i + 1;
        let mut row_min = current[0];
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitute.min(previous[j + 1] + 1).min(current[j] + 1);
            row_min = row_min.min(current[j + 1]);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut previous, &mut current);
    }
    Some(previous[b.len()]).filter(|&d| d <= max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_within_the_bound() {
        assert_eq!(bounded_distance("meson", "meson", 1), Some(0));
        assert_eq!(bounded_distance("mesn", "meson", 1), Some(1));
        assert_eq!(bounded_distance("mseon", "meson", 2), Some(2));
        assert_eq!(bounded_distance("ninja", "meson", 3), None);
        assert_eq!(bounded_distance("a", "abcdef", 3), None);
        assert_eq!(bounded_distance("", "ab", 3), Some(2));
    }

    #[test]
    fn messages_name_the_root_and_the_way_out() {
        let e = |name: &str, source: Option<&str>, s: &[&str]| {
            UnknownRoot {
                name: name.into(),
                source_of_binary: source.map(Into::into),
                suggestions: s.iter().map(|x| x.to_string()).collect(),
            }
            .to_string()
        };
        assert_eq!(e("", None, &[]), "empty package name \"\"");
        assert_eq!(
            e("mesn", None, &[]),
            "no source package `mesn` in the reference"
        );
        assert_eq!(
            e("mesn", None, &["meson"]),
            "no source package `mesn` in the reference; did you mean `meson`?"
        );
        assert_eq!(
            e("pyhton-a", None, &["python-a", "python-b"]),
            "no source package `pyhton-a` in the reference; did you mean one of: python-a, python-b?"
        );
        assert_eq!(
            e("python3-a", Some("python-a"), &[]),
            "no source package `python3-a` in the reference; `python3-a` is a binary package built from `python-a`: name the source package"
        );
    }
}
