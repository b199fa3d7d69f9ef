//! Unresolved requirements, as `dnf repoclosure` reports them.

use ebranch_index::{PkgId, Pool};

/// One unresolved requirement: the package (`name-evr.arch`) and the dependency text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Unresolved {
    /// The package whose requirement nothing provides.
    pub package: String,
    /// The requirement, rendered as libsolv prints it.
    pub dependency: String,
}

/// Every requirement of `packages` that no package accepted by `keep` provides, sorted and
/// without duplicates. Work is split over the available cores.
pub fn unresolved(
    pool: &Pool,
    packages: &[PkgId],
    keep: &(dyn Fn(PkgId) -> bool + Sync),
) -> Vec<Unresolved> {
    let part = packages.len().div_ceil(crate::parallel::workers()).max(1);
    let parts = crate::parallel::in_parts(packages, part, |part| {
        // Each part is sorted on its own core; merging the sorted parts is linear.
        let mut rows = check_part(pool, part, keep);
        rows.sort_unstable();
        rows
    });
    let mut rows = parts.into_iter().reduce(merge_sorted).unwrap_or_default();
    rows.dedup();
    rows
}

/// The rows of two sorted lists, sorted.
fn merge_sorted(a: Vec<Unresolved>, b: Vec<Unresolved>) -> Vec<Unresolved> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut a, mut b) = (a.into_iter().peekable(), b.into_iter().peekable());
    while let (Some(x), Some(y)) = (a.peek(), b.peek()) {
        let next = if x <= y { a.next() } else { b.next() };
        out.extend(next);
    }
    out.extend(a);
    out.extend(b);
    out
}

fn check_part(
    pool: &Pool,
    part: &[PkgId],
    keep: &(dyn Fn(PkgId) -> bool + Sync),
) -> Vec<Unresolved> {
    let mut rows = Vec::new();
    // Per distinct dependency: 0 not asked yet, 1 provided, 2 unresolved.
    let mut known = vec![0u8; pool.dep_count()];
    for &p in part {
        let pkg = pool.package(p);
        let mut nevra = None;
        for dep in pkg.requires() {
            let state = &mut known[dep.id().index()];
            if *state == 0 {
                let found = pool.has_provider_id(dep.name_id(), dep.flags(), dep.evr_id(), keep);
                *state = if found { 1 } else { 2 };
            }
            if *state == 2 {
                rows.push(Unresolved {
                    package: nevra.get_or_insert_with(|| pkg.nevra()).clone(),
                    dependency: dep.to_string(),
                });
            }
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::{Unresolved, merge_sorted};

    fn row(package: &str, dependency: &str) -> Unresolved {
        Unresolved {
            package: package.to_string(),
            dependency: dependency.to_string(),
        }
    }

    #[test]
    fn merging_sorted_parts_gives_their_rows_sorted() {
        let a = vec![row("a", "1"), row("c", "1"), row("c", "2"), row("e", "0")];
        let b = vec![row("b", "1"), row("c", "1"), row("d", "0")];
        let mut expected = [a.clone(), b.clone()].concat();
        expected.sort();
        assert_eq!(merge_sorted(a.clone(), b.clone()), expected);
        assert_eq!(merge_sorted(b, a), expected);
        assert_eq!(merge_sorted(Vec::new(), expected.clone()), expected);
    }
}
