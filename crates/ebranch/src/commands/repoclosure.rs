//! `ebranch repoclosure`: unresolved requirements, as `dnf repoclosure` reports them.

use std::io::Write;

use anyhow::Result;
use ebranch_index::{PkgId, Pool};

use crate::Outcome;
use crate::cli::{GlobalArgs, RepoclosureArgs};
use crate::load::load;
use crate::output::stdout;

/// One unresolved requirement: the package (`name-evr.arch`) and the dependency text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Unresolved {
    /// The package whose requirement nothing provides.
    pub package: String,
    /// The requirement, rendered as libsolv prints it.
    pub dependency: String,
}

/// Runs the command.
pub fn run(args: RepoclosureArgs, global: &GlobalArgs) -> Result<Outcome> {
    let providers = if args.repos.is_empty() {
        args.check.clone()
    } else {
        args.repos.clone()
    };
    let mut all = providers.clone();
    all.extend(args.check.iter().cloned());
    let loaded = load(&all, global)?;
    let pool = &loaded.pool;

    let mut provider_repo = vec![false; pool.repo_count()];
    for id in &loaded.ids[..providers.len()] {
        provider_repo[id.index()] = true;
    }
    let mut check_repos = loaded.ids[providers.len()..].to_vec();
    check_repos.sort();
    check_repos.dedup();
    let to_check: Vec<PkgId> = check_repos
        .iter()
        .flat_map(|r| pool.repo_packages(*r))
        .filter(|p| {
            let pkg = pool.package(*p);
            pkg.is_source() || pool.arches().accepts(pkg.arch())
        })
        .collect();

    let rows = unresolved(pool, &to_check, &|p| {
        provider_repo[pool.package(p).repo().index()]
    });

    crate::timings::phase("requirements checked");
    let mut out = stdout();
    if args.format.json {
        serde_json::to_writer_pretty(&mut out, &rows)?;
        writeln!(out)?;
    } else {
        for row in &rows {
            writeln!(out, "{}\t{}", row.package, row.dependency)?;
        }
    }
    out.flush()?;
    Ok(Outcome::found_if(!rows.is_empty()))
}

/// Every requirement of `packages` that no package accepted by `keep` provides, sorted and
/// without duplicates. Work is split over the available cores.
pub fn unresolved(
    pool: &Pool,
    packages: &[PkgId],
    keep: &(dyn Fn(PkgId) -> bool + Sync),
) -> Vec<Unresolved> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 8);
    let chunk = packages.len().div_ceil(threads).max(1);
    let mut rows: Vec<Unresolved> = std::thread::scope(|scope| {
        let handles: Vec<_> = packages
            .chunks(chunk)
            .map(|part| scope.spawn(move || check_part(pool, part, keep)))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("repoclosure worker panicked"))
            .collect()
    });
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
    for &p in part {
        let pkg = pool.package(p);
        for dep in pkg.requires() {
            if !pool.has_provider_id(dep.name_id(), dep.flags(), dep.evr_id(), keep) {
                rows.push(Unresolved {
                    package: pkg.nevra(),
                    dependency: dep.to_string(),
                });
            }
        }
    }
    rows
}
