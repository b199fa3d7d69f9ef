//! The pool: all repositories' packages, dependencies and files over one string table,
//! and the indexes that answer `whatprovides`.
//!
//! Everything is stored in flat arrays of `u32` (ids into the global tables), so that a
//! pool can be written to and read back from a pool image as it is (`image.rs`), and
//! built from parsed repositories only when no image fits (`build.rs`).

use ebranch_repodata::{DepKind, RepoData};
use ebranch_rpm::Requirement;

use crate::arch::ArchSet;
use crate::ids::{DepId, NameId, PkgId, RepoId};
use crate::rich::{RichEntry, RichTable};
use crate::strings::Strings;

/// One repository handed to [`Pool::new`].
pub struct RepoInput {
    /// How the repository is named in messages (its path or URL).
    pub label: String,
    /// Its parsed metadata.
    pub data: RepoData,
}

/// A repository inside the pool.
pub(crate) struct RepoSlot {
    pub(crate) label: String,
    /// Global id of the repository's first package.
    pub(crate) first_pkg: u32,
    /// Number of packages.
    pub(crate) len: u32,
}

/// Package flag: may provide (a binary of an accepted arch).
pub(crate) const INSTALLABLE: u32 = 1;
/// Package flag: a source package.
pub(crate) const SOURCE: u32 = 2;

/// One package: string ids into the pool's table, and flags.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct PkgRow {
    pub(crate) name: u32,
    pub(crate) arch: u32,
    pub(crate) evr: u32,
    pub(crate) sourcerpm: u32,
    pub(crate) location: u32,
    /// The name of its source package (its own name for a source).
    pub(crate) source: u32,
    /// [`INSTALLABLE`], [`SOURCE`].
    pub(crate) flags: u32,
}

/// Dependency flag (above rpm's sense bits): `pre="1"`.
pub(crate) const PRE: u32 = 0x100;

/// One distinct dependency.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct DepRow {
    pub(crate) name: u32,
    /// `NameId::EMPTY` when unversioned.
    pub(crate) evr: u32,
    /// rpm's sense bits, plus [`PRE`].
    pub(crate) flags: u32,
}

/// A dependency occurrence: the dependency's id in the low bits, its kind in the top
/// [`KIND_BITS`] bits. A package's occurrences are sorted by kind.
pub(crate) const KIND_SHIFT: u32 = 29;
/// Mask of the dependency id in an occurrence.
pub(crate) const DEP_MASK: u32 = (1 << KIND_SHIFT) - 1;

/// One entry of the provides index: `pkg` provides the indexed name as dependency `dep`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Provide {
    pub(crate) pkg: u32,
    pub(crate) dep: u32,
}

/// A compressed-sparse-row table from a key (a string id below `offsets.len() - 1`) to a
/// run of entries.
#[derive(Default)]
pub(crate) struct Csr<T> {
    pub(crate) offsets: Vec<u32>,
    pub(crate) entries: Vec<T>,
}

impl<T: Copy + Default> Csr<T> {
    /// Builds the table from `(key, entry)` pairs with a counting sort; keys must be below
    /// `keys`. Entries of one key keep the order of `pairs`.
    pub(crate) fn build(keys: usize, pairs: &[(u32, T)]) -> Csr<T> {
        let mut offsets = vec![0u32; keys + 1];
        for (k, _) in pairs {
            offsets[*k as usize + 1] += 1;
        }
        for i in 0..keys {
            offsets[i + 1] += offsets[i];
        }
        let mut fill = offsets.clone();
        let mut entries = vec![T::default(); pairs.len()];
        for (k, e) in pairs {
            let slot = &mut fill[*k as usize];
            entries[*slot as usize] = *e;
            *slot += 1;
        }
        Csr { offsets, entries }
    }

    /// The entries of `key` (empty for keys past the table).
    pub(crate) fn get(&self, key: NameId) -> &[T] {
        let i = key.index();
        if i + 1 >= self.offsets.len() {
            return &[];
        }
        &self.entries[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }
}

/// All loaded repositories in one index.
pub struct Pool {
    pub(crate) strings: Strings,
    pub(crate) repos: Vec<RepoSlot>,
    pub(crate) arches: ArchSet,
    pub(crate) pkgs: Vec<PkgRow>,
    /// Per package `p`: its dependency occurrences are `dep_occ[dep_start[p]..dep_start[p + 1]]`.
    pub(crate) dep_start: Vec<u32>,
    pub(crate) dep_occ: Vec<u32>,
    pub(crate) deps: Vec<DepRow>,
    /// Per package `p`: its file paths are `file_paths[file_start[p]..file_start[p + 1]]`.
    pub(crate) file_start: Vec<u32>,
    pub(crate) file_paths: Vec<u32>,
    /// Provided name → providers (installable packages only).
    pub(crate) provides: Csr<Provide>,
    /// Path → installable packages shipping it.
    pub(crate) files: Csr<PkgId>,
    /// Package name → packages of that name.
    pub(crate) by_name: Csr<PkgId>,
    /// Source package name → binary packages built from it.
    pub(crate) by_source: Csr<PkgId>,
    pub(crate) rich_table: RichTable,
}

impl Pool {
    /// Number of packages in all repositories.
    pub fn len(&self) -> usize {
        self.pkgs.len()
    }

    /// Whether the pool has no packages.
    pub fn is_empty(&self) -> bool {
        self.pkgs.is_empty()
    }

    /// All package ids, in repository order.
    pub fn packages(&self) -> impl Iterator<Item = PkgId> + '_ {
        (0..self.pkgs.len() as u32).map(PkgId)
    }

    /// Number of repositories.
    pub fn repo_count(&self) -> usize {
        self.repos.len()
    }

    /// The label of a repository.
    pub fn repo_label(&self, repo: RepoId) -> &str {
        &self.repos[repo.index()].label
    }

    /// The packages of one repository.
    pub fn repo_packages(&self, repo: RepoId) -> impl Iterator<Item = PkgId> + '_ {
        let slot = &self.repos[repo.index()];
        (slot.first_pkg..slot.first_pkg + slot.len).map(PkgId)
    }

    /// The arches that may provide.
    pub fn arches(&self) -> &ArchSet {
        &self.arches
    }

    /// The text of a global string id.
    pub fn str(&self, id: NameId) -> &str {
        self.strings.get(id)
    }

    /// The id of a string, if any repository uses it.
    pub fn lookup(&self, text: &str) -> Option<NameId> {
        self.strings.lookup(text)
    }

    /// Whether `pkg` may provide (a binary package of an accepted arch).
    pub fn is_installable(&self, pkg: PkgId) -> bool {
        self.pkgs[pkg.index()].flags & INSTALLABLE != 0
    }

    /// All packages (any arch, sources included) named `name`.
    pub fn packages_named(&self, name: &str) -> &[PkgId] {
        self.lookup(name)
            .map_or(&[], |id| self.packages_named_id(id))
    }

    /// All packages (any arch, sources included) whose name has the pool id `name`.
    pub fn packages_named_id(&self, name: NameId) -> &[PkgId] {
        self.by_name.get(name)
    }

    /// The binary packages built from the source package `source` (any repository).
    pub fn binaries_of_source(&self, source: &str) -> &[PkgId] {
        self.lookup(source).map_or(&[], |id| self.by_source.get(id))
    }

    /// The name of the source package `pkg` was built from (its own name for a source).
    pub fn source_name_id(&self, pkg: PkgId) -> NameId {
        NameId(self.pkgs[pkg.index()].source)
    }

    /// The repository of a package.
    pub fn repo_of(&self, pkg: PkgId) -> RepoId {
        let r = self
            .repos
            .partition_point(|slot| slot.first_pkg <= pkg.0)
            .saturating_sub(1);
        RepoId(r as u32)
    }

    /// Number of distinct dependencies: every [`DepId`] is below it.
    pub fn dep_count(&self) -> usize {
        self.deps.len()
    }

    /// The dependency occurrences of `pkg` of one kind (ids with the kind in the top bits).
    pub(crate) fn dep_occurrences(&self, pkg: PkgId, kind: DepKind) -> &[u32] {
        let p = pkg.index();
        let all = &self.dep_occ[self.dep_start[p] as usize..self.dep_start[p + 1] as usize];
        let k = kind.index() as u32;
        let lo = all.partition_point(|o| o >> KIND_SHIFT < k);
        let hi = all.partition_point(|o| o >> KIND_SHIFT <= k);
        &all[lo..hi]
    }

    /// The file path ids of `pkg`.
    pub(crate) fn file_ids(&self, pkg: PkgId) -> &[u32] {
        let p = pkg.index();
        &self.file_paths[self.file_start[p] as usize..self.file_start[p + 1] as usize]
    }

    /// Approximate heap bytes of the pool's tables.
    pub fn heap_bytes(&self) -> usize {
        fn csr<T>(c: &Csr<T>) -> usize {
            4 * c.offsets.len() + std::mem::size_of::<T>() * c.entries.len()
        }
        self.strings.heap_bytes()
            + std::mem::size_of::<PkgRow>() * self.pkgs.len()
            + 4 * (self.dep_start.len() + self.dep_occ.len())
            + std::mem::size_of::<DepRow>() * self.deps.len()
            + 4 * (self.file_start.len() + self.file_paths.len())
            + csr(&self.provides)
            + csr(&self.files)
            + csr(&self.by_name)
            + csr(&self.by_source)
    }

    /// The parsed rich dependency whose text is `name`, if it is one.
    pub(crate) fn rich_entry(&self, name: NameId) -> Option<&RichEntry> {
        self.rich_table.get(name, &self.strings)
    }

    /// The parsed form of a stored rich dependency (`name` is its whole text, as in
    /// [`DepRef::name_id`](crate::DepRef::name_id)); `None` for anything else.
    pub fn rich_requirement(&self, name: NameId) -> Option<&Requirement> {
        self.rich_entry(name).map(|entry| &entry.parsed)
    }

    /// The distinct dependency `dep`.
    pub(crate) fn dep(&self, dep: DepId) -> &DepRow {
        &self.deps[dep.index()]
    }
}
