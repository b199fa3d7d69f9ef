//! Loading a reference and a target into one pool with roles.

use anyhow::{Result, bail};
use clap::Args;
use ebranch_analysis::{Role, Roles};
use ebranch_index::Pool;

use ebranch_fetch::{Releases, RepoRole, ResolvedRepo};

use crate::cli::GlobalArgs;
use crate::load::{basearch, load_resolved};

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
}

/// A pool and the role of each of its repositories.
pub struct Universe {
    /// All repositories.
    pub pool: Pool,
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
    let loaded = load_resolved(&repos, global)?;
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
    Ok(Universe { pool, roles })
}
