//! Loading a reference and a target into one pool with roles.

use anyhow::{Result, bail};
use clap::Args;
use ebranch_analysis::{Role, Roles};
use ebranch_index::Pool;

use crate::cli::GlobalArgs;
use crate::load::load;

/// Where the reference (Rawhide) and the target (an EPEL release on its base) come from.
#[derive(Args, Debug, Clone)]
pub struct UniverseArgs {
    /// Named target release (e.g. `epel10`): its EPEL layer and base distribution.
    #[arg(long, value_name = "RELEASE")]
    pub target: Option<String>,
    /// Named reference release.
    #[arg(long, value_name = "RELEASE", default_value = "rawhide")]
    pub reference: String,
    /// A reference repository, binary or source (detected from its packages); repeatable.
    /// Replaces the named reference.
    #[arg(long = "ref-repo", value_name = "PATH")]
    pub ref_repos: Vec<String>,
    /// A repository of the target layer (EPEL, EPEL testing, a side tag); repeatable.
    #[arg(long = "target-repo", value_name = "PATH")]
    pub target_repos: Vec<String>,
    /// A repository of the target's base distribution (CentOS Stream, RHEL); repeatable.
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

/// Loads the repositories of `args`.
pub fn load_universe(args: &UniverseArgs, global: &GlobalArgs) -> Result<Universe> {
    if args.ref_repos.is_empty() {
        bail!(
            "no reference repositories: give --ref-repo PATH (named release `{}` needs fetching, which this build cannot do yet)",
            args.reference
        );
    }
    if args.target_repos.is_empty() && args.target_base_repos.is_empty() {
        match &args.target {
            Some(t) => bail!(
                "named release `{t}` needs fetching, which this build cannot do yet: give --target-repo / --target-base-repo"
            ),
            None => bail!("no target: give --target-repo PATH and/or --target-base-repo PATH"),
        }
    }
    let mut all: Vec<String> = Vec::new();
    let mut kinds: Vec<Option<Role>> = Vec::new();
    for r in &args.ref_repos {
        all.push(r.clone());
        kinds.push(None);
    }
    for r in &args.target_base_repos {
        all.push(r.clone());
        kinds.push(Some(Role::TargetBase));
    }
    for r in &args.target_repos {
        all.push(r.clone());
        kinds.push(Some(Role::TargetLayer));
    }
    let loaded = load(&all, global)?;
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
        bail!("no reference source repository among --ref-repo (a repository of `src` packages)");
    }
    Ok(Universe { pool, roles })
}
