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
    let parts = crate::parallel::in_parts(packages, part, |part| check_part(pool, part, keep));
    let mut rows: Vec<Unresolved> = parts.into_iter().flatten().collect();
    rows.sort_unstable();
    rows.dedup();
    rows
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
        for dep in pkg.requires() {
            let state = &mut known[dep.id().index()];
            if *state == 0 {
                let found = pool.has_provider_id(dep.name_id(), dep.flags(), dep.evr_id(), keep);
                *state = if found { 1 } else { 2 };
            }
            if *state == 2 {
                rows.push(Unresolved {
                    package: pkg.nevra(),
                    dependency: dep.to_string(),
                });
            }
        }
    }
    rows
}
