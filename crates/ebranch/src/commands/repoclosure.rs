//! `ebranch repoclosure`: unresolved requirements, as `dnf repoclosure` reports them.

use std::io::Write;

use anyhow::Result;
use ebranch_analysis::unresolved;
use ebranch_index::PkgId;

use crate::Outcome;
use crate::cli::{GlobalArgs, RepoclosureArgs};
use crate::load::load;
use crate::output::stdout;

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
