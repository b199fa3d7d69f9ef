//! Loading a reference and a target into one pool with roles.

use anyhow::{Result, bail};
use clap::Args;
use std::path::PathBuf;
use std::sync::Arc;

use ebranch_analysis::{ModuleConfig, Role, Roles, module_filtering};
use ebranch_index::{Pool, RepoId};
use ebranch_repodata::{ModuleMetadata, Repomd, read_modules};

use ebranch_fetch::{Releases, RepoRole, ResolvedRepo};

use crate::cli::GlobalArgs;
use crate::load::{basearch, load_resolved};
use crate::output::printable;

/// Where the reference (Rawhide) and the target (an EPEL release on its base) come from.
#[derive(Args, Debug, Clone)]
pub struct UniverseArgs {
    /// Named target release (e.g. `epel10`): its EPEL layer and base distribution.
    #[arg(long, value_name = "RELEASE")]
    pub target: Option<String>,
    /// Named reference release.
    #[arg(long, value_name = "RELEASE", default_value = "rawhide")]
    pub reference: String,
    /// A reference repository (path or URL), binary or source (detected from its
    /// packages); repeatable. Replaces the named reference.
    #[arg(long = "ref-repo", value_name = "PATH")]
    pub ref_repos: Vec<String>,
    /// A repository (path or URL) of the target layer (EPEL, EPEL testing, a side tag),
    /// added to the `--target` release's; repeatable.
    #[arg(long = "target-repo", value_name = "PATH")]
    pub target_repos: Vec<String>,
    /// A repository (path or URL) of the target's base distribution (CentOS Stream,
    /// RHEL), added to the `--target` release's; repeatable.
    #[arg(long = "target-base-repo", value_name = "PATH")]
    pub target_base_repos: Vec<String>,
    /// Hide target packages as dnf's module filtering does on this platform
    /// (`platform:el8`, `platform:el9`): packages of module streams neither default nor
    /// enabled, and non-modular packages an active stream replaces. Named EL8/EL9 targets
    /// set it themselves.
    #[arg(long, value_name = "PLATFORM")]
    pub module_platform: Option<String>,
    /// Enable a module stream as `dnf module enable NAME:STREAM` would in the buildroot;
    /// repeatable.
    #[arg(long = "module", value_name = "NAME:STREAM")]
    pub modules: Vec<String>,
    /// See every module stream's packages (no module filtering), even for named EL targets.
    #[arg(long, conflicts_with_all = ["module_platform", "modules"])]
    pub no_module_filtering: bool,
}

/// A pool and the role of each of its repositories.
pub struct Universe {
    /// All repositories.
    pub pool: Arc<Pool>,
    /// Their roles.
    pub roles: Roles,
}

/// The analysis role of a release repository role.
fn role_of(role: RepoRole) -> Role {
    match role {
        RepoRole::ReferenceSource => Role::ReferenceSource,
        RepoRole::ReferenceBinary => Role::ReferenceBinary,
        RepoRole::TargetBase => Role::TargetBase,
        RepoRole::TargetLayer => Role::TargetLayer,
    }
}

/// The release definitions (built-in plus the user's file).
pub fn releases(global: &GlobalArgs) -> Result<Releases> {
    Ok(Releases::load(global.config.as_deref())?)
}

/// Loads the repositories of `args`: `--ref-repo`s (else the `--reference` release), the
/// `--target` release's repositories plus any `--target-repo`/`--target-base-repo`.
pub fn load_universe(args: &UniverseArgs, global: &GlobalArgs) -> Result<Universe> {
    let arch = basearch(global);
    let mut repos: Vec<ResolvedRepo> = Vec::new();
    // `None`: a --ref-repo, source or binary as its packages say.
    let mut kinds: Vec<Option<Role>> = Vec::new();
    let mut defs: Option<Releases> = None;
    let mut release = |name: &str| -> Result<Vec<ResolvedRepo>> {
        if defs.is_none() {
            defs = Some(releases(global)?);
        }
        let defs = defs.as_ref().expect("just loaded");
        Ok(defs.resolve(name, &arch)?)
    };
    if args.ref_repos.is_empty() {
        for r in release(&args.reference)? {
            if r.role.is_reference() {
                kinds.push(Some(role_of(r.role)));
                repos.push(r);
            }
        }
    } else {
        for a in &args.ref_repos {
            repos.push(ResolvedRepo::from_arg(a, RepoRole::ReferenceBinary, &arch));
            kinds.push(None);
        }
    }
    if let Some(target) = &args.target {
        for r in release(target)? {
            if !r.role.is_reference() {
                kinds.push(Some(role_of(r.role)));
                repos.push(r);
            }
        }
    }
    for (list, role) in [
        (&args.target_base_repos, RepoRole::TargetBase),
        (&args.target_repos, RepoRole::TargetLayer),
    ] {
        for a in list {
            repos.push(ResolvedRepo::from_arg(a, role, &arch));
            kinds.push(Some(role_of(role)));
        }
    }
    if !kinds
        .iter()
        .any(|k| matches!(k, Some(Role::TargetBase | Role::TargetLayer)))
    {
        bail!(
            "no target: give --target RELEASE (e.g. `epel10`), or --target-repo / --target-base-repo"
        );
    }
    let platform = match (&args.module_platform, &args.target) {
        _ if args.no_module_filtering => None,
        (Some(p), _) => Some(p.clone()),
        // The target release was resolved above, so `defs` is loaded.
        (None, Some(target)) => defs
            .as_ref()
            .and_then(|d| d.module_platform(target))
            .map(str::to_owned),
        (None, None) => None,
    };
    if platform.is_none() && !args.modules.is_empty() {
        bail!(
            "--module needs module filtering: give --module-platform (e.g. `platform:el9`) or an EL8/EL9 --target"
        );
    }
    let loaded = load_resolved(&repos, global)?;
    let dirs = loaded.dirs;
    let pool = loaded.pool;
    let mut roles: Vec<Option<Role>> = vec![None; pool.repo_count()];
    for (id, kind) in loaded.ids.iter().zip(&kinds) {
        let role = kind.unwrap_or_else(|| {
            let total = pool.repo_packages(*id).count();
            let sources = pool
                .repo_packages(*id)
                .filter(|p| pool.package(*p).is_source())
                .count();
            if total > 0 && sources * 2 >= total {
                Role::ReferenceSource
            } else {
                Role::ReferenceBinary
            }
        });
        if let Some(prev) = roles[id.index()]
            && prev != role
        {
            bail!(
                "repository `{}` is given both as {prev:?} and {role:?}",
                pool.repo_label(*id)
            );
        }
        roles[id.index()] = Some(role);
    }
    let roles = Roles::new(
        roles
            .into_iter()
            .map(|r| r.expect("every repo has a role"))
            .collect(),
    );
    if roles.repos(Role::ReferenceSource).next().is_none() {
        bail!(
            "no reference source repository (a repository of `src` packages) among the reference repositories"
        );
    }
    let roles = match platform {
        Some(platform) => {
            let config = ModuleConfig {
                platform,
                enable: args.modules.clone(),
            };
            filter_modules(&pool, roles, &dirs, &config)?
        }
        None => roles,
    };
    Ok(Universe { pool, roles })
}

/// Applies dnf's module filtering to the target repositories: reads each one's
/// modules.yaml and hides what dnf would (notes on stderr).
fn filter_modules(
    pool: &Pool,
    roles: Roles,
    dirs: &[PathBuf],
    config: &ModuleConfig,
) -> Result<Roles> {
    let target = |r| roles.of_repo(r).is_target();
    let hidden = hidden_by_modules(pool, dirs, target, "target package(s)", config)?;
    Ok(roles.with_hidden(hidden))
}

/// What dnf's module filtering hides among the packages of the repositories `scope`
/// accepts, from their modules.yaml (`hidden[pkg]`; notes on stderr, counting `what`).
pub fn hidden_by_modules(
    pool: &Pool,
    dirs: &[PathBuf],
    scope: impl Fn(RepoId) -> bool,
    what: &str,
    config: &ModuleConfig,
) -> Result<Vec<bool>> {
    let mut metadata = Vec::new();
    for (i, dir) in dirs.iter().enumerate() {
        let repo = RepoId(i as u32);
        if !scope(repo) {
            continue;
        }
        let repomd = Repomd::read(dir)?;
        if let Some(md) = read_modules(dir, &repomd)? {
            metadata.push((repo, md));
        }
    }
    let refs: Vec<(RepoId, &ModuleMetadata)> = metadata.iter().map(|(r, m)| (*r, m)).collect();
    let filtering = module_filtering(pool, &refs, scope, config)?;
    for problem in &filtering.problems {
        eprintln!("warning: {}", printable(problem));
    }
    if !metadata.is_empty() {
        let active = if filtering.active.is_empty() {
            "none".to_owned()
        } else {
            filtering.active.join(" ")
        };
        eprintln!(
            "module filtering ({}): {} {what} hidden; active streams: {}",
            config.platform,
            filtering.hidden_count,
            printable(&active)
        );
    }
    crate::timings::phase("module filtering");
    Ok(filtering.hidden)
}
