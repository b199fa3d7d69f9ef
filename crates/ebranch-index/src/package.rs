//! Read-only views of packages and their dependencies.

use std::fmt;

use ebranch_repodata::DepKind;
use ebranch_rpm::Flags;

use crate::ids::{DepId, NameId, PkgId, RepoId};
use crate::pool::{DEP_MASK, DepRow, PRE, PkgRow, Pool, SOURCE};

/// A package of the pool, with accessors for its fields.
#[derive(Clone, Copy)]
pub struct PackageRef<'p> {
    pool: &'p Pool,
    id: PkgId,
}

impl Pool {
    /// A view of one package.
    pub fn package(&self, id: PkgId) -> PackageRef<'_> {
        PackageRef { pool: self, id }
    }

    /// A view of one distinct dependency (an id taken from one of this pool's packages).
    pub fn dependency(&self, id: DepId) -> DepRef<'_> {
        DepRef { pool: self, id }
    }
}

impl<'p> PackageRef<'p> {
    fn row(&self) -> &'p PkgRow {
        &self.pool.pkgs[self.id.index()]
    }

    fn text(&self, id: u32) -> &'p str {
        self.pool.str(NameId(id))
    }

    /// The package's id.
    pub fn id(&self) -> PkgId {
        self.id
    }

    /// The repository it comes from.
    pub fn repo(&self) -> RepoId {
        self.pool.repo_of(self.id)
    }

    /// The package name.
    pub fn name(&self) -> &'p str {
        self.text(self.row().name)
    }

    /// The package name as a pool id.
    pub fn name_id(&self) -> NameId {
        NameId(self.row().name)
    }

    /// The architecture (`src` for source packages).
    pub fn arch(&self) -> &'p str {
        self.text(self.row().arch)
    }

    /// `[E:]V[-R]`, the epoch shown only when non-zero.
    pub fn evr(&self) -> &'p str {
        self.text(self.row().evr)
    }

    /// The `rpm:sourcerpm` field (`name-version-release.src.rpm`; empty for sources).
    pub fn sourcerpm(&self) -> &'p str {
        self.text(self.row().sourcerpm)
    }

    /// The package file's location relative to the repository.
    pub fn location(&self) -> &'p str {
        self.text(self.row().location)
    }

    /// Whether this is a source package.
    pub fn is_source(&self) -> bool {
        self.row().flags & SOURCE != 0
    }

    /// The name of the source package it was built from (its own name for a source).
    pub fn source_name(&self) -> &'p str {
        self.text(self.row().source)
    }

    /// `name-evr.arch`, as libsolv prints a solvable.
    pub fn nevra(&self) -> String {
        self.to_string()
    }

    /// The dependencies of one kind.
    pub fn deps(&self, kind: DepKind) -> impl Iterator<Item = DepRef<'p>> + 'p {
        let pool = self.pool;
        pool.dep_occurrences(self.id, kind)
            .iter()
            .map(move |occ| DepRef {
                pool,
                id: DepId(occ & DEP_MASK),
            })
    }

    /// Requires (for a source package: its BuildRequires), without `rpmlib(...)`.
    pub fn requires(&self) -> impl Iterator<Item = DepRef<'p>> + 'p {
        self.deps(DepKind::Requires)
    }

    /// The file paths the package ships (from primary, or filelists when loaded).
    pub fn files(&self) -> impl Iterator<Item = &'p str> + 'p {
        let pool = self.pool;
        self.file_ids().map(move |p| pool.str(p))
    }

    /// The file paths the package ships, as pool ids.
    pub fn file_ids(&self) -> impl Iterator<Item = NameId> + 'p {
        self.pool.file_ids(self.id).iter().map(|p| NameId(*p))
    }
}

impl fmt::Display for PackageRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}.{}", self.name(), self.evr(), self.arch())
    }
}

/// One dependency of a package.
#[derive(Clone, Copy)]
pub struct DepRef<'p> {
    pool: &'p Pool,
    id: DepId,
}

impl<'p> DepRef<'p> {
    fn row(&self) -> &'p DepRow {
        self.pool.dep(self.id)
    }

    /// The dependency's id: the same for every package carrying the same dependency.
    pub fn id(&self) -> DepId {
        self.id
    }

    /// The name (for a rich dependency: its whole text) as a pool id.
    pub fn name_id(&self) -> NameId {
        NameId(self.row().name)
    }

    /// The EVR text as a pool id (`NameId::EMPTY` when unversioned).
    pub fn evr_id(&self) -> NameId {
        NameId(self.row().evr)
    }

    /// The name (for a rich dependency: its whole text as stored).
    pub fn name(&self) -> &'p str {
        self.pool.str(self.name_id())
    }

    /// The EVR text (empty when unversioned).
    pub fn evr(&self) -> &'p str {
        self.pool.str(self.evr_id())
    }

    /// The comparison flags.
    pub fn flags(&self) -> Flags {
        Flags::from_bits(self.row().flags as u8)
    }

    /// Whether this is a `Requires(pre)`-like dependency.
    pub fn is_pre(&self) -> bool {
        self.row().flags & PRE != 0
    }

    /// Whether this is a rich (boolean) dependency.
    pub fn is_rich(&self) -> bool {
        !self.flags().is_versioned() && self.pool.rich_entry(self.name_id()).is_some()
    }

    /// The providers of this dependency in the pool.
    pub fn providers(&self) -> Vec<PkgId> {
        self.pool
            .whatprovides_id(self.name_id(), self.flags(), self.evr_id())
    }
}

impl fmt::Display for DepRef<'_> {
    /// Rendered like libsolv prints it: `name`, `name OP evr`, or the canonical rich form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.flags().is_versioned()
            && let Some(rich) = self.pool.rich_entry(self.name_id())
        {
            return write!(f, "{}", rich.parsed);
        }
        let flags = self.flags();
        if flags.is_versioned() {
            write!(f, "{} {} {}", self.name(), flags.operator(), self.evr())
        } else {
            f.write_str(self.name())
        }
    }
}

/// The source package name of an `rpm:sourcerpm` value (`foo-1.0-1.fc42.src.rpm` → `foo`).
pub fn source_name_of_rpm(sourcerpm: &str) -> &str {
    let mut end = sourcerpm.len();
    for _ in 0..2 {
        match sourcerpm[..end].rfind('-') {
            Some(i) => end = i,
            None => return sourcerpm,
        }
    }
    &sourcerpm[..end]
}

#[cfg(test)]
mod tests {
    use super::source_name_of_rpm;

    #[test]
    fn source_names() {
        assert_eq!(source_name_of_rpm("foo-1.0-1.fc42.src.rpm"), "foo");
        assert_eq!(
            source_name_of_rpm("python-b4-0.14.2-1.fc42.src.rpm"),
            "python-b4"
        );
        assert_eq!(source_name_of_rpm("odd"), "odd");
    }
}
