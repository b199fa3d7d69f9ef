//! The role each repository of the pool plays.

use ebranch_index::{PkgId, Pool, RepoId};

/// What a repository is to the analysis.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Source packages of the reference (Rawhide): their BuildRequires are what is needed.
    ReferenceSource,
    /// Binary packages of the reference: the providers that would be built.
    ReferenceBinary,
    /// The target's base distribution (CentOS Stream, RHEL): EPEL may not replace it.
    TargetBase,
    /// The target layer (EPEL, EPEL testing, a side tag).
    TargetLayer,
    /// A package of the target that module filtering hides (a stream that is neither
    /// enabled nor default, or a non-modular package an active stream replaces): dnf would
    /// not install it. Only [`Roles::of`] answers this, for single packages.
    Hidden,
}

impl Role {
    /// Whether packages of this role are already available in the target.
    pub fn is_target(self) -> bool {
        matches!(self, Role::TargetBase | Role::TargetLayer)
    }
}

/// The role of every repository of a pool, indexed by [`RepoId`].
#[derive(Clone, Debug)]
pub struct Roles {
    roles: Vec<Role>,
    /// Packages module filtering hides, indexed by [`PkgId`]; `None` when filtering is off.
    hidden: Option<Vec<bool>>,
}

impl Roles {
    /// Roles in repository order.
    pub fn new(roles: Vec<Role>) -> Roles {
        Roles {
            roles,
            hidden: None,
        }
    }

    /// These roles, with the packages `hidden[pkg]` marks (as module filtering computes
    /// them) playing [`Role::Hidden`].
    pub fn with_hidden(mut self, hidden: Vec<bool>) -> Roles {
        self.hidden = Some(hidden);
        self
    }

    /// Whether module filtering hides `pkg`.
    pub fn is_hidden(&self, pkg: PkgId) -> bool {
        self.hidden.as_ref().is_some_and(|h| h[pkg.index()])
    }

    /// The role of a repository.
    pub fn of_repo(&self, repo: RepoId) -> Role {
        self.roles[repo.index()]
    }

    /// The role of `pkg`: its repository's, or [`Role::Hidden`] when module filtering
    /// hides it.
    pub fn of(&self, pool: &Pool, pkg: PkgId) -> Role {
        if self.is_hidden(pkg) {
            return Role::Hidden;
        }
        self.of_repo(pool.repo_of(pkg))
    }

    /// Repositories with the given role.
    pub fn repos(&self, role: Role) -> impl Iterator<Item = RepoId> + '_ {
        self.roles
            .iter()
            .enumerate()
            .filter(move |(_, r)| **r == role)
            .map(|(i, _)| RepoId(i as u32))
    }
}
