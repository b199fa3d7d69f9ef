//! `ebranch query ...`: repoquery-style questions.

use std::io::Write;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use ebranch_index::{PackageRef, PkgId, Pool};
use ebranch_repodata::DepKind;
use ebranch_rpm::{EvrRef, Requirement, compare_evr, parse_requirement};
use serde::Serialize;

use crate::Outcome;
use crate::cli::{GlobalArgs, QueryCommand, RepoArgs};
use crate::load::load;
use crate::output::{printable, stdout};
use crate::universe::hidden_by_modules;

/// A package as printed by `--json`.
#[derive(Serialize)]
struct PackageJson {
    nevra: String,
    name: String,
    evr: String,
    arch: String,
    source: String,
    repo: String,
}

fn package_json(pool: &Pool, p: PkgId) -> PackageJson {
    let pkg = pool.package(p);
    PackageJson {
        nevra: pkg.nevra(),
        name: pkg.name().to_owned(),
        evr: pkg.evr().to_owned(),
        arch: pkg.arch().to_owned(),
        source: pkg.source_name().to_owned(),
        repo: pool.repo_label(pkg.repo()).to_owned(),
    }
}

/// The repositories of a query, with what dnf's module filtering hides (nothing without
/// `--module-platform`).
struct Repos {
    pool: Arc<Pool>,
    hidden: Vec<bool>,
}

impl Repos {
    fn load(args: &RepoArgs, global: &GlobalArgs) -> Result<Repos> {
        let loaded = load(&args.repos, global)?;
        let hidden = match &args.module_platform {
            Some(platform) => {
                let config = ebranch_analysis::ModuleConfig {
                    platform: platform.clone(),
                    enable: args.modules.clone(),
                };
                hidden_by_modules(&loaded.pool, &loaded.dirs, |_| true, "package(s)", &config)?
            }
            None => vec![false; loaded.pool.len()],
        };
        Ok(Repos {
            pool: loaded.pool,
            hidden,
        })
    }

    /// `ids` without the hidden packages.
    fn visible(&self, ids: &[PkgId]) -> Vec<PkgId> {
        ids.iter()
            .copied()
            .filter(|p| !self.hidden[p.index()])
            .collect()
    }
}

/// Runs a query subcommand.
pub fn run(cmd: QueryCommand, global: &GlobalArgs) -> Result<Outcome> {
    match cmd {
        QueryCommand::Whatprovides {
            repos,
            format,
            deps,
        } => {
            let reqs = deps
                .iter()
                .map(|d| parse_requirement(d).context("bad dependency on the command line"))
                .collect::<Result<Vec<_>>>()?;
            let repos = Repos::load(&repos, global)?;
            whatprovides(&repos, &deps, &reqs, format.json)
        }
        QueryCommand::Whatrequires { repos, format, dep } => {
            let req = parse_requirement(&dep).context("bad dependency on the command line")?;
            let Requirement::Simple(simple) = req else {
                bail!(
                    "`whatrequires` takes a plain dependency (`name` or `name OP version`), not `{dep}`"
                );
            };
            let repos = Repos::load(&repos, global)?;
            let found = repos.visible(&repos.pool.whatrequires(&simple));
            print_packages(&repos.pool, &found, format.json)
        }
        QueryCommand::BuildReqs {
            repos,
            format,
            source,
        } => {
            let repos = Repos::load(&repos, global)?;
            let pool = &repos.pool;
            let Some(src) = newest(pool, &repos.visible(pool.packages_named(&source)), true) else {
                bail!("no source package `{source}` in the given repositories");
            };
            let deps: Vec<String> = pool
                .package(src)
                .requires()
                .map(|d| d.to_string())
                .collect();
            print_lines(&deps, format.json)
        }
        QueryCommand::Subpkgs {
            repos,
            format,
            source,
        } => {
            let repos = Repos::load(&repos, global)?;
            let found = repos.visible(repos.pool.binaries_of_source(&source));
            if found.is_empty() {
                bail!("no binary package built from `{source}` in the given repositories");
            }
            print_packages(&repos.pool, &found, format.json)
        }
        QueryCommand::Info {
            repos,
            format,
            name,
        } => {
            let repos = Repos::load(&repos, global)?;
            let found = repos.visible(repos.pool.packages_named(&name));
            if found.is_empty() {
                bail!("no package `{name}` in the given repositories");
            }
            info(&repos.pool, &found, format.json)
        }
    }
}

fn whatprovides(
    repos: &Repos,
    texts: &[String],
    reqs: &[Requirement],
    json: bool,
) -> Result<Outcome> {
    let pool = &repos.pool;
    let mut out = stdout();
    let mut missing = false;
    if json {
        let mut map = serde_json::Map::new();
        for (text, req) in texts.iter().zip(reqs) {
            let found = repos.visible(&pool.whatprovides(req));
            missing |= found.is_empty();
            let list: Vec<PackageJson> = found.iter().map(|p| package_json(pool, *p)).collect();
            map.insert(text.clone(), serde_json::to_value(list)?);
        }
        serde_json::to_writer_pretty(&mut out, &map)?;
        writeln!(out)?;
    } else {
        let mut all: Vec<String> = Vec::new();
        for (text, req) in texts.iter().zip(reqs) {
            let found = repos.visible(&pool.whatprovides(req));
            if found.is_empty() {
                missing = true;
                eprintln!("nothing provides `{}`", printable(text));
            }
            all.extend(found.iter().map(|p| pool.package(*p).nevra()));
        }
        all.sort();
        all.dedup();
        for line in all {
            writeln!(out, "{line}")?;
        }
    }
    out.flush()?;
    Ok(Outcome::found_if(missing))
}

/// The newest package among `ids` (sources only, or binaries only), by EVR.
fn newest(pool: &Pool, ids: &[PkgId], source: bool) -> Option<PkgId> {
    ids.iter()
        .copied()
        .filter(|p| pool.package(*p).is_source() == source)
        .max_by(|a, b| {
            compare_evr(
                EvrRef::parse(pool.package(*a).evr()),
                EvrRef::parse(pool.package(*b).evr()),
            )
        })
}

fn print_packages(pool: &Pool, ids: &[PkgId], json: bool) -> Result<Outcome> {
    let mut out = stdout();
    if json {
        let list: Vec<PackageJson> = ids.iter().map(|p| package_json(pool, *p)).collect();
        serde_json::to_writer_pretty(&mut out, &list)?;
        writeln!(out)?;
    } else {
        let mut lines: Vec<String> = ids.iter().map(|p| pool.package(*p).nevra()).collect();
        lines.sort();
        lines.dedup();
        for line in lines {
            writeln!(out, "{line}")?;
        }
    }
    out.flush()?;
    Ok(Outcome::found_if(ids.is_empty()))
}

fn print_lines(lines: &[String], json: bool) -> Result<Outcome> {
    let mut out = stdout();
    if json {
        serde_json::to_writer_pretty(&mut out, lines)?;
        writeln!(out)?;
    } else {
        for line in lines {
            writeln!(out, "{line}")?;
        }
    }
    out.flush()?;
    Ok(Outcome::Clean)
}

const KINDS: [(DepKind, &str); 8] = [
    (DepKind::Provides, "provides"),
    (DepKind::Requires, "requires"),
    (DepKind::Conflicts, "conflicts"),
    (DepKind::Obsoletes, "obsoletes"),
    (DepKind::Recommends, "recommends"),
    (DepKind::Suggests, "suggests"),
    (DepKind::Supplements, "supplements"),
    (DepKind::Enhances, "enhances"),
];

fn info(pool: &Pool, ids: &[PkgId], json: bool) -> Result<Outcome> {
    let mut out = stdout();
    let deps_of =
        |pkg: &PackageRef<'_>, kind| pkg.deps(kind).map(|d| d.to_string()).collect::<Vec<_>>();
    if json {
        let mut list = Vec::new();
        for p in ids {
            let pkg = pool.package(*p);
            let mut obj = serde_json::to_value(package_json(pool, *p))?;
            let map = obj
                .as_object_mut()
                .expect("a struct serializes to an object");
            map.insert("location".into(), pkg.location().into());
            for (kind, label) in KINDS {
                map.insert(label.into(), deps_of(&pkg, kind).into());
            }
            map.insert("files".into(), pkg.files().collect::<Vec<_>>().into());
            list.push(obj);
        }
        serde_json::to_writer_pretty(&mut out, &list)?;
        writeln!(out)?;
    } else {
        for (i, p) in ids.iter().enumerate() {
            let pkg = pool.package(*p);
            if i > 0 {
                writeln!(out)?;
            }
            writeln!(out, "Package     : {}", pkg.nevra())?;
            writeln!(out, "Source      : {}", pkg.source_name())?;
            writeln!(out, "Repository  : {}", pool.repo_label(pkg.repo()))?;
            writeln!(out, "Location    : {}", pkg.location())?;
            for (kind, label) in KINDS {
                let deps = deps_of(&pkg, kind);
                if !deps.is_empty() {
                    writeln!(out, "{label:<12}:")?;
                    for d in deps {
                        writeln!(out, "  {d}")?;
                    }
                }
            }
            writeln!(out, "files       : {}", pkg.files().count())?;
        }
    }
    out.flush()?;
    Ok(Outcome::Clean)
}
