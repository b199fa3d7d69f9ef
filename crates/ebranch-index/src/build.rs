//! Building a pool from parsed repositories: the one global interning of their strings,
//! the distinct dependencies, and the indexes.
//!
//! String ids are handed out in three passes so that the indexes stay small: first every
//! name a name index is keyed by (package, provide and source names), then the paths of
//! installable packages' files, then everything else. The provides, name and source
//! indexes then only span the first ids, and the file index the first two groups, rather
//! than every string (at Fedora scale most strings are paths, EVRs and locations).

use ebranch_repodata::{DepKind, RepoData, StrId, StringTable};
use ebranch_rpm::{Requirement, parse_rich};
use hashbrown::HashTable;
use rustc_hash::{FxBuildHasher, FxHashMap};
use std::hash::BuildHasher;

use crate::arch::{ArchSet, is_source_arch};
use crate::error::IndexError;
use crate::ids::PkgId;
use crate::package::source_name_of_rpm;
use crate::pool::{
    Csr, DEP_MASK, DepRow, INSTALLABLE, KIND_SHIFT, PRE, PkgRow, Pool, Provide, RepoInput,
    RepoSlot, SOURCE,
};
use crate::rich::RichTable;
use crate::strings::Strings;

/// Marks a local string not interned yet.
const NONE: u32 = u32::MAX;

/// The global interner and, per repository, local string id → global id.
struct Interner {
    table: StringTable,
    remap: Vec<Vec<u32>>,
}

impl Interner {
    fn id(&mut self, repo: usize, data: &RepoData, local: StrId) -> u32 {
        let known = self.remap[repo][local.index()];
        if known != NONE {
            return known;
        }
        let id = self.text(data.str(local));
        self.remap[repo][local.index()] = id;
        id
    }

    fn text(&mut self, text: &str) -> u32 {
        self.table
            .try_intern(text)
            .expect("the pool's strings fit the repositories' own tables")
            .0
    }
}

impl Pool {
    /// Builds the pool from repositories, in order; packages of arches outside `arches` and
    /// source packages are kept (they can be queried) but never provide.
    pub fn new(inputs: Vec<RepoInput>, arches: ArchSet) -> Result<Pool, IndexError> {
        let total_strings: usize = inputs.iter().map(|i| i.data.strings.len()).sum();
        let total_bytes: usize = inputs.iter().map(|i| i.data.strings.arena_len()).sum();
        let mut names = Interner {
            table: StringTable::with_capacity(total_strings, total_bytes),
            remap: inputs
                .iter()
                .map(|i| vec![NONE; i.data.strings.len()])
                .collect(),
        };
        let flags = package_flags(&inputs, &arches);
        let sources = intern_keys(&inputs, &flags, &mut names);
        let n_keys = names.table.len();
        intern_paths(&inputs, &flags, &mut names);
        let n_path_keys = names.table.len();

        let mut b = Tables::sized(&inputs);
        let mut repos = Vec::with_capacity(inputs.len());
        let mut first = 0usize;
        // Each repository's parsed data is freed as soon as it is converted.
        for (r, input) in inputs.into_iter().enumerate() {
            let data = &input.data;
            for local in 0..data.packages.len() {
                let id = PkgId((first + local) as u32);
                let (f, source) = (flags[id.index()], sources[id.index()]);
                b.package(r, data, local, id, f, source, &mut names)?;
            }
            repos.push(RepoSlot {
                label: input.label.clone(),
                first_pkg: first as u32,
                len: data.packages.len() as u32,
            });
            first += data.packages.len();
            names.remap[r] = Vec::new();
        }
        drop(names.remap);
        let rich = b.rich(&names.table, &repos)?;
        let (arena, offsets) = names.table.into_parts();
        let strings = Strings::new(arena, offsets);
        let rich = RichTable::new(&strings, rich);
        Ok(Pool {
            strings,
            repos,
            arches,
            provides: Csr::build(n_keys, &b.provide_pairs),
            files: Csr::build(n_path_keys, &b.file_pairs),
            by_name: Csr::build(n_keys, &b.name_pairs),
            by_source: Csr::build(n_keys, &b.source_pairs),
            pkgs: b.pkgs,
            dep_start: b.dep_start,
            dep_occ: b.dep_occ,
            deps: b.deps,
            file_start: b.file_start,
            file_paths: b.file_paths,
            rich_table: rich,
        })
    }
}

/// Per package of all repositories: [`INSTALLABLE`] and [`SOURCE`].
fn package_flags(inputs: &[RepoInput], arches: &ArchSet) -> Vec<u32> {
    let mut flags = Vec::new();
    for input in inputs {
        let data = &input.data;
        for pkg in &data.packages {
            let arch = data.str(pkg.arch);
            flags.push(if is_source_arch(arch) {
                SOURCE
            } else if arches.accepts(arch) {
                INSTALLABLE
            } else {
                0
            });
        }
    }
    flags
}

/// First pass: the names the name indexes are keyed by. Returns each package's source
/// name id.
fn intern_keys(inputs: &[RepoInput], flags: &[u32], names: &mut Interner) -> Vec<u32> {
    let mut sources = Vec::with_capacity(flags.len());
    let mut p = 0;
    for (r, input) in inputs.iter().enumerate() {
        let data = &input.data;
        // Many binaries share one `sourcerpm`: derive each source name once.
        let mut source_of_srpm: FxHashMap<u32, u32> = FxHashMap::default();
        for (local, pkg) in data.packages.iter().enumerate() {
            let name = names.id(r, data, pkg.name);
            let srpm = data.str(pkg.sourcerpm);
            sources.push(if srpm.is_empty() {
                name
            } else {
                *source_of_srpm
                    .entry(pkg.sourcerpm.0)
                    .or_insert_with(|| names.text(source_name_of_rpm(srpm)))
            });
            if flags[p] & INSTALLABLE != 0 {
                for dep in data.deps(local, DepKind::Provides) {
                    names.id(r, data, dep.name);
                }
            }
            p += 1;
        }
    }
    sources
}

/// Second pass: the paths of installable packages' files (the file index's keys).
fn intern_paths(inputs: &[RepoInput], flags: &[u32], names: &mut Interner) {
    let mut p = 0;
    for (r, input) in inputs.iter().enumerate() {
        let data = &input.data;
        for local in 0..data.packages.len() {
            if flags[p] & INSTALLABLE != 0 {
                for f in data.files(local) {
                    names.id(r, data, f.path);
                }
            }
            p += 1;
        }
    }
}

/// The pool's arrays as they are filled, package by package.
struct Tables {
    pkgs: Vec<PkgRow>,
    dep_start: Vec<u32>,
    dep_occ: Vec<u32>,
    deps: Vec<DepRow>,
    /// Ids of `deps`, hashed by their row.
    dep_ids: HashTable<u32>,
    file_start: Vec<u32>,
    file_paths: Vec<u32>,
    provide_pairs: Vec<(u32, Provide)>,
    file_pairs: Vec<(u32, PkgId)>,
    name_pairs: Vec<(u32, PkgId)>,
    source_pairs: Vec<(u32, PkgId)>,
}

impl Tables {
    /// Tables with room for every package, dependency and file of `inputs`, so that they
    /// are allocated once rather than grown by copying (the distinct dependencies and the
    /// pairs get an upper bound; capacity never written costs no memory).
    fn sized(inputs: &[RepoInput]) -> Tables {
        let sum = |f: fn(&RepoData) -> usize| inputs.iter().map(|i| f(&i.data)).sum::<usize>();
        let (pkgs, deps, files) = (
            sum(|d| d.packages.len()),
            sum(|d| d.deps.len()),
            sum(|d| d.files.len()),
        );
        Tables {
            pkgs: Vec::with_capacity(pkgs),
            dep_start: Vec::with_capacity(pkgs + 1),
            dep_occ: Vec::with_capacity(deps),
            deps: Vec::with_capacity(deps + pkgs),
            dep_ids: HashTable::new(),
            file_start: Vec::with_capacity(pkgs + 1),
            file_paths: Vec::with_capacity(files),
            provide_pairs: Vec::with_capacity(deps + pkgs),
            file_pairs: Vec::with_capacity(files),
            name_pairs: Vec::with_capacity(pkgs),
            source_pairs: Vec::with_capacity(pkgs),
        }
    }

    /// The id of a distinct dependency, added if new.
    fn dep(&mut self, row: DepRow) -> Result<u32, IndexError> {
        let hash = FxBuildHasher.hash_one(row);
        if let Some(&id) = self.dep_ids.find(hash, |&id| self.deps[id as usize] == row) {
            return Ok(id);
        }
        let id = self.deps.len() as u32;
        if id > DEP_MASK {
            return Err(IndexError::TooLarge("distinct dependencies"));
        }
        self.deps.push(row);
        let deps = &self.deps;
        self.dep_ids
            .insert_unique(hash, id, |&id| FxBuildHasher.hash_one(deps[id as usize]));
        Ok(id)
    }

    #[allow(clippy::too_many_arguments)]
    fn package(
        &mut self,
        r: usize,
        data: &RepoData,
        local: usize,
        id: PkgId,
        flags: u32,
        source: u32,
        names: &mut Interner,
    ) -> Result<(), IndexError> {
        let p = &data.packages[local];
        let row = PkgRow {
            name: names.id(r, data, p.name),
            arch: names.id(r, data, p.arch),
            evr: names.id(r, data, p.evr),
            sourcerpm: names.id(r, data, p.sourcerpm),
            location: names.id(r, data, p.location),
            source,
            flags,
        };
        self.pkgs.push(row);
        self.name_pairs.push((row.name, id));
        if flags & SOURCE == 0 {
            self.source_pairs.push((source, id));
        }
        let installable = flags & INSTALLABLE != 0;
        if self.dep_start.is_empty() {
            self.dep_start.push(0);
            self.file_start.push(0);
        }
        if installable {
            // libsolv adds `name = evr` to every binary package; so do we (a duplicate of
            // an explicit self-provide costs one entry and changes no answer).
            let own = self.dep(DepRow {
                name: row.name,
                evr: row.evr,
                flags: u32::from(ebranch_rpm::Flags::EQ.bits()),
            })?;
            self.provide_pairs.push((
                row.name,
                Provide {
                    pkg: id.0,
                    dep: own,
                },
            ));
        }
        for kind in DepKind::ALL {
            for d in data.deps(local, kind) {
                let dep = DepRow {
                    name: names.id(r, data, d.name),
                    evr: names.id(r, data, d.evr),
                    flags: u32::from(d.flags) | if d.pre { PRE } else { 0 },
                };
                let dep_id = self.dep(dep)?;
                self.dep_occ
                    .push(dep_id | (kind.index() as u32) << KIND_SHIFT);
                if installable && kind == DepKind::Provides {
                    self.provide_pairs.push((
                        dep.name,
                        Provide {
                            pkg: id.0,
                            dep: dep_id,
                        },
                    ));
                }
            }
        }
        self.dep_start.push(self.dep_occ.len() as u32);
        for f in data.files(local) {
            let path = names.id(r, data, f.path);
            self.file_paths.push(path);
            // Only absolute paths answer file dependencies.
            if installable && data.str(f.path).starts_with('/') {
                self.file_pairs.push((path, id));
            }
        }
        self.file_start.push(self.file_paths.len() as u32);
        Ok(())
    }

    /// Every distinct rich dependency (the name of an unversioned dependency that starts
    /// with `(`), parsed; an unparsable one is an error naming the first package using it.
    fn rich(
        &self,
        table: &StringTable,
        repos: &[RepoSlot],
    ) -> Result<Vec<(u32, Requirement)>, IndexError> {
        let mut seen: FxHashMap<u32, ()> = FxHashMap::default();
        let mut out = Vec::new();
        for (id, dep) in self.deps.iter().enumerate() {
            let text = table.get(StrId(dep.name));
            if dep.flags & !PRE != 0 || !text.starts_with('(') {
                continue;
            }
            if seen.insert(dep.name, ()).is_some() {
                continue;
            }
            match parse_rich(text) {
                Ok(parsed) => out.push((dep.name, parsed)),
                Err(source) => {
                    let (repo, package) = self.first_user(id as u32, table, repos);
                    return Err(IndexError::BadDependency {
                        repo,
                        package,
                        dep: text.to_owned(),
                        source: Box::new(source),
                    });
                }
            }
        }
        Ok(out)
    }

    /// The repository label and `name-evr.arch` of the first package with dependency `dep`.
    fn first_user(&self, dep: u32, table: &StringTable, repos: &[RepoSlot]) -> (String, String) {
        let at = self
            .dep_occ
            .iter()
            .position(|o| o & DEP_MASK == dep)
            .expect("every distinct dependency has an occurrence");
        let pkg = self.dep_start.partition_point(|&s| s as usize <= at) - 1;
        let repo = repos.partition_point(|r| r.first_pkg as usize <= pkg) - 1;
        let row = &self.pkgs[pkg];
        let s = |id: u32| table.get(StrId(id));
        let nevra = format!("{}-{}.{}", s(row.name), s(row.evr), s(row.arch));
        (repos[repo].label.clone(), nevra)
    }
}
