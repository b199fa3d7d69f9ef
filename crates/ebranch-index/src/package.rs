//! Read-only views of packages and their dependencies.

use std::fmt;

use ebranch_repodata::{DepKind, DepRecord, PackageRecord, RepoData};
use ebranch_rpm::Flags;

use crate::ids::{NameId, PkgId, RepoId};
use crate::pool::{Pool, RepoSlot};

/// A package of the pool, with accessors for its fields.
#[derive(Clone, Copy)]
pub struct PackageRef<'p> {
    pool: &'p Pool,
    id: PkgId,
    repo: RepoId,
    local: usize,
}

impl Pool {
    /// A view of one package.
    pub fn package(&self, id: PkgId) -> PackageRef<'_> {
        let (repo, local) = self.locate(id);
        PackageRef {
            pool: self,
            id,
            repo,
            local,
        }
    }
}

impl<'p> PackageRef<'p> {
    fn slot(&self) -> &'p RepoSlot {
        &self.pool.repos[self.repo.index()]
    }

    fn data(&self) -> &'p RepoData {
        &self.slot().data
    }

    fn record(&self) -> &'p PackageRecord {
        &self.data().packages[self.local]
    }

    /// The package's id.
    pub fn id(&self) -> PkgId {
        self.id
    }

    /// The repository it comes from.
    pub fn repo(&self) -> RepoId {
        self.repo
    }

    /// The package name.
    pub fn name(&self) -> &'p str {
        self.data().str(self.record().name)
    }

    /// The package name as a pool id.
    pub fn name_id(&self) -> NameId {
        self.slot().remap[self.record().name.0 as usize]
    }

    /// The architecture (`src` for source packages).
    pub fn arch(&self) -> &'p str {
        self.data().str(self.record().arch)
    }

    /// `[E:]V[-R]`, the epoch shown only when non-zero.
    pub fn evr(&self) -> &'p str {
        self.data().str(self.record().evr)
    }

    /// The `rpm:sourcerpm` field (`name-version-release.src.rpm`; empty for sources).
    pub fn sourcerpm(&self) -> &'p str {
        self.data().str(self.record().sourcerpm)
    }

    /// The package file's location relative to the repository.
    pub fn location(&self) -> &'p str {
        self.data().str(self.record().location)
    }

    /// Whether this is a source package.
    pub fn is_source(&self) -> bool {
        crate::arch::is_source_arch(self.arch())
    }

    /// The name of the source package it was built from (its own name for a source).
    pub fn source_name(&self) -> &'p str {
        let srpm = self.sourcerpm();
        if srpm.is_empty() {
            self.name()
        } else {
            source_name_of_rpm(srpm)
        }
    }

    /// `name-evr.arch`, as libsolv prints a solvable.
    pub fn nevra(&self) -> String {
        self.to_string()
    }

    /// The dependencies of one kind.
    pub fn deps(&self, kind: DepKind) -> impl Iterator<Item = DepRef<'p>> + 'p {
        let pool = self.pool;
        let slot = self.slot();
        slot.data
            .deps(self.local, kind)
            .iter()
            .map(move |record| DepRef { pool, slot, record })
    }

    /// Requires (for a source package: its BuildRequires), without `rpmlib(...)`.
    pub fn requires(&self) -> impl Iterator<Item = DepRef<'p>> + 'p {
        self.deps(DepKind::Requires)
    }

    /// The file paths the package ships (from primary, or filelists when loaded).
    pub fn files(&self) -> impl Iterator<Item = &'p str> + 'p {
        let data = self.data();
        data.files(self.local).iter().map(move |f| data.str(f.path))
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
    slot: &'p RepoSlot,
    record: &'p DepRecord,
}

impl<'p> DepRef<'p> {
    /// The name (for a rich dependency: its whole text) as a pool id.
    pub fn name_id(&self) -> NameId {
        self.slot.remap[self.record.name.0 as usize]
    }

    /// The EVR text as a pool id (`NameId::EMPTY` when unversioned).
    pub fn evr_id(&self) -> NameId {
        self.slot.remap[self.record.evr.0 as usize]
    }

    /// The name (for a rich dependency: its whole text as stored).
    pub fn name(&self) -> &'p str {
        self.slot.data.str(self.record.name)
    }

    /// The EVR text (empty when unversioned).
    pub fn evr(&self) -> &'p str {
        self.slot.data.str(self.record.evr)
    }

    /// The comparison flags.
    pub fn flags(&self) -> Flags {
        Flags::from_bits(self.record.flags)
    }

    /// Whether this is a `Requires(pre)`-like dependency.
    pub fn is_pre(&self) -> bool {
        self.record.pre
    }

    /// Whether this is a rich (boolean) dependency.
    pub fn is_rich(&self) -> bool {
        !self.flags().is_versioned() && self.pool.rich.get(self.name_id()).is_some()
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
        if self.is_rich()
            && let Some(rich) = self.pool.rich.get(self.name_id())
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
