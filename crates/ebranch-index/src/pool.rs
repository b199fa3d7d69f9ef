//! The pool: all repositories, their packages and the provides index.

use ebranch_repodata::{DepKind, RepoData, StrId, StringTable};
use ebranch_rpm::Flags;

use crate::arch::{ArchSet, is_source_arch};
use crate::error::IndexError;
use crate::ids::{NameId, PkgId, RepoId};
use crate::package::source_name_of_rpm;
use crate::rich::RichTable;

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
    pub(crate) data: RepoData,
    /// Local string id → global string id.
    pub(crate) remap: Vec<NameId>,
    /// Global id of the repository's first package.
    pub(crate) first_pkg: u32,
}

/// One entry of the provides index: `pkg` provides the indexed name with `flags` and `evr`.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct ProvideEntry {
    pub(crate) pkg: PkgId,
    pub(crate) evr: NameId,
    pub(crate) flags: Flags,
}

/// A compressed-sparse-row table from a name to a run of entries.
pub(crate) struct Csr<T> {
    offsets: Vec<u32>,
    entries: Vec<T>,
}

impl<T: Copy + Default> Csr<T> {
    /// Builds the table from `(key, entry)` pairs with a counting sort.
    fn build(keys: usize, pairs: &[(NameId, T)]) -> Csr<T> {
        let mut offsets = vec![0u32; keys + 1];
        for (k, _) in pairs {
            offsets[k.index() + 1] += 1;
        }
        for i in 0..keys {
            offsets[i + 1] += offsets[i];
        }
        let mut fill = offsets.clone();
        let mut entries = vec![T::default(); pairs.len()];
        for (k, e) in pairs {
            let slot = &mut fill[k.index()];
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
    pub(crate) strings: StringTable,
    pub(crate) repos: Vec<RepoSlot>,
    pub(crate) arches: ArchSet,
    /// Per package: may it provide (binary, accepted arch)?
    pub(crate) installable: Vec<bool>,
    pub(crate) provides: Csr<ProvideEntry>,
    pub(crate) files: Csr<PkgId>,
    pub(crate) rich: RichTable,
    /// Package name → packages of that name.
    by_name: Csr<PkgId>,
    /// Source package name → binary packages built from it.
    by_source: Csr<PkgId>,
    /// Per package: the name of its source package.
    source_names: Vec<NameId>,
    n_pkgs: u32,
}

impl Pool {
    /// Builds the pool from repositories, in order; packages of arches outside `arches` and
    /// source packages are kept (they can be queried) but never provide.
    pub fn new(inputs: Vec<RepoInput>, arches: ArchSet) -> Result<Pool, IndexError> {
        // Sized for the worst case (no string shared), so the table never rehashes.
        let total_strings: usize = inputs.iter().map(|i| i.data.strings.len()).sum();
        let total_bytes: usize = inputs.iter().map(|i| i.data.strings.arena_len()).sum();
        let mut strings = StringTable::with_capacity(total_strings, total_bytes);
        let mut repos = Vec::with_capacity(inputs.len());
        let mut first_pkg = 0u32;
        for input in inputs {
            let data = input.data;
            let mut remap = Vec::with_capacity(data.strings.len());
            for i in 0..data.strings.len() {
                let id = strings.intern(data.strings.get(StrId(i as u32)));
                remap.push(NameId(id.0));
            }
            let n = data.packages.len() as u32;
            repos.push(RepoSlot {
                label: input.label,
                data,
                remap,
                first_pkg,
            });
            first_pkg += n;
        }
        let n_pkgs = first_pkg;

        let mut installable = Vec::with_capacity(n_pkgs as usize);
        for slot in &repos {
            for pkg in &slot.data.packages {
                let arch = slot.data.str(pkg.arch);
                installable.push(!is_source_arch(arch) && arches.accepts(arch));
            }
        }

        let rich = RichTable::build(&mut strings, &repos)?;

        let mut name_pairs = Vec::with_capacity(n_pkgs as usize);
        let mut source_pairs = Vec::with_capacity(n_pkgs as usize);
        let mut source_names = Vec::with_capacity(n_pkgs as usize);
        for slot in &repos {
            // Many binaries share one `sourcerpm`: derive each source name once.
            let mut source_of_srpm: rustc_hash::FxHashMap<u32, NameId> = Default::default();
            for (local, pkg) in slot.data.packages.iter().enumerate() {
                let id = PkgId(slot.first_pkg + local as u32);
                let name = slot.remap[pkg.name.0 as usize];
                name_pairs.push((name, id));
                let srpm = slot.data.str(pkg.sourcerpm);
                let source = if srpm.is_empty() {
                    name
                } else {
                    *source_of_srpm
                        .entry(pkg.sourcerpm.0)
                        .or_insert_with(|| NameId(strings.intern(source_name_of_rpm(srpm)).0))
                };
                source_names.push(source);
                if !is_source_arch(slot.data.str(pkg.arch)) {
                    source_pairs.push((source, id));
                }
            }
        }

        let mut prov_pairs: Vec<(NameId, ProvideEntry)> = Vec::new();
        let mut file_pairs: Vec<(NameId, PkgId)> = Vec::new();
        for slot in &repos {
            let data = &slot.data;
            for (local, pkg) in data.packages.iter().enumerate() {
                let id = PkgId(slot.first_pkg + local as u32);
                if !installable[id.index()] {
                    continue;
                }
                // libsolv adds `name = evr` to every binary package; so do we (a duplicate
                // of an explicit self-provide costs one entry and changes no answer).
                prov_pairs.push((
                    slot.remap[pkg.name.0 as usize],
                    ProvideEntry {
                        pkg: id,
                        evr: slot.remap[pkg.evr.0 as usize],
                        flags: Flags::EQ,
                    },
                ));
                for dep in data.deps(local, DepKind::Provides) {
                    prov_pairs.push((
                        slot.remap[dep.name.0 as usize],
                        ProvideEntry {
                            pkg: id,
                            evr: slot.remap[dep.evr.0 as usize],
                            flags: Flags::from_bits(dep.flags),
                        },
                    ));
                }
                for file in data.files(local) {
                    file_pairs.push((slot.remap[file.path.0 as usize], id));
                }
            }
        }
        let keys = strings.len();
        let provides = Csr::build(keys, &prov_pairs);
        drop(prov_pairs);
        let files = Csr::build(keys, &file_pairs);
        drop(file_pairs);
        let by_name = Csr::build(keys, &name_pairs);
        let by_source = Csr::build(keys, &source_pairs);

        Ok(Pool {
            strings,
            repos,
            arches,
            installable,
            provides,
            files,
            rich,
            by_name,
            by_source,
            source_names,
            n_pkgs,
        })
    }

    /// Number of packages in all repositories.
    pub fn len(&self) -> usize {
        self.n_pkgs as usize
    }

    /// Whether the pool has no packages.
    pub fn is_empty(&self) -> bool {
        self.n_pkgs == 0
    }

    /// All package ids, in repository order.
    pub fn packages(&self) -> impl Iterator<Item = PkgId> + '_ {
        (0..self.n_pkgs).map(PkgId)
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
        let n = slot.data.packages.len() as u32;
        (slot.first_pkg..slot.first_pkg + n).map(PkgId)
    }

    /// The arches that may provide.
    pub fn arches(&self) -> &ArchSet {
        &self.arches
    }

    /// The text of a global string id.
    pub fn str(&self, id: NameId) -> &str {
        self.strings.get(StrId(id.0))
    }

    /// The id of a string, if any repository uses it.
    pub fn lookup(&self, text: &str) -> Option<NameId> {
        self.strings.lookup(text).map(|id| NameId(id.0))
    }

    /// Whether `pkg` may provide (a binary package of an accepted arch).
    pub fn is_installable(&self, pkg: PkgId) -> bool {
        self.installable[pkg.index()]
    }

    /// All packages (any arch, sources included) named `name`.
    pub fn packages_named(&self, name: &str) -> &[PkgId] {
        self.lookup(name).map_or(&[], |id| self.by_name.get(id))
    }

    /// The binary packages built from the source package `source` (any repository).
    pub fn binaries_of_source(&self, source: &str) -> &[PkgId] {
        self.lookup(source).map_or(&[], |id| self.by_source.get(id))
    }

    /// The name of the source package `pkg` was built from (its own name for a source).
    pub fn source_name_id(&self, pkg: PkgId) -> NameId {
        self.source_names[pkg.index()]
    }

    /// The repository of a package.
    pub fn repo_of(&self, pkg: PkgId) -> RepoId {
        self.locate(pkg).0
    }

    /// The repository and local index of a package.
    pub(crate) fn locate(&self, pkg: PkgId) -> (RepoId, usize) {
        let r = self
            .repos
            .partition_point(|slot| slot.first_pkg <= pkg.0)
            .saturating_sub(1);
        (RepoId(r as u32), (pkg.0 - self.repos[r].first_pkg) as usize)
    }
}
