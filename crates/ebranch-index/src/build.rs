//! Building a pool from parsed repositories: one table of their strings, the distinct
//! dependencies, and the indexes.
//!
//! The repository with the most strings lends its own string table, so only the other
//! repositories' strings are hashed again ([`Ids`]). String ids are handed out in three
//! passes so that the indexes stay small: first every name a name index is keyed by
//! (package, provide and source names), then the paths of installable packages' files,
//! then everything else. The provides, name and source indexes then only span the first
//! ids, and the file index the first two groups, rather than every string (at Fedora
//! scale most strings are paths, EVRs and locations). The other repositories' strings
//! are merged into the lent table before the passes, so a pass only reads arrays. The
//! third pass rewrites each repository's ids as pool ids in place, so the packages are
//! converted without a lookup, on a second thread, while this one translates the next
//! repository and copies and hashes the strings.

use ebranch_repodata::{DepKind, RepoData, StrId, StringTable};
use ebranch_rpm::{Requirement, parse_rich};
use hashbrown::HashTable;
use rustc_hash::{FxBuildHasher, FxHashMap};
use std::hash::BuildHasher;
use std::sync::mpsc::{self, Receiver, Sender};

use crate::arch::{ArchSet, is_source_arch};
use crate::error::IndexError;
use crate::ids::{NameId, PkgId};
use crate::package::source_name_of_rpm;
use crate::pool::{
    Csr, DEP_MASK, DepRow, INSTALLABLE, KIND_SHIFT, PRE, PkgRow, Pool, Provide, RepoInput,
    RepoSlot, SOURCE,
};
use crate::rich::RichTable;
use crate::strings::Strings;

/// Marks a string not met yet.
const NONE: u32 = u32::MAX;

/// Hands out the pool's string ids without hashing every repository's strings again.
///
/// The repository with the most strings lends its table (`merged`): its local ids are
/// merged ids, so its strings are never hashed here. The other repositories' strings are
/// interned into that table up front, in their tables' order (which merged id a string
/// gets changes nothing), and their own tables are dropped. A pool id is given to each
/// merged string when a pass first meets it, and only those strings are copied into the
/// pool.
struct Ids {
    merged: StringTable,
    /// The repository whose table `merged` started as (`usize::MAX`: none).
    base: usize,
    /// Per repository other than `base`: local id → merged id.
    merged_of: Vec<Vec<u32>>,
    /// Merged id → pool id, [`NONE`] until met.
    pool_of: Vec<u32>,
    /// The merged id of each pool id.
    order: Vec<u32>,
}

impl Ids {
    /// Takes the table of the repository with the most strings (the first of equals) and
    /// merges the others' into it.
    fn new(inputs: &mut [RepoInput]) -> Result<Ids, IndexError> {
        let most = inputs.iter().map(|i| i.data.strings.len()).max();
        let base = (inputs.iter())
            .position(|i| Some(i.data.strings.len()) == most)
            .unwrap_or(usize::MAX);
        let mut merged = match inputs.get_mut(base) {
            Some(input) => std::mem::take(&mut input.data.strings),
            None => StringTable::new(),
        };
        let mut merged_of = Vec::with_capacity(inputs.len());
        let mut packages = 0;
        for (r, input) in inputs.iter_mut().enumerate() {
            let table = std::mem::take(&mut input.data.strings);
            merged_of.push(if r == base {
                Vec::new()
            } else {
                merge(&mut merged, &table)?
            });
            packages += input.data.packages.len();
        }
        // Only the derived source names are interned later, at most one per package, so
        // `pool_of` never has to grow.
        let mut pool_of = vec![NONE; merged.len() + packages];
        pool_of[StrId::EMPTY.index()] = 0;
        Ok(Ids {
            merged,
            base,
            merged_of,
            pool_of,
            order: vec![StrId::EMPTY.0],
        })
    }

    /// The merged id of string `local` of repository `r`.
    #[inline]
    fn merged_id(&self, r: usize, local: StrId) -> u32 {
        if r == self.base {
            local.0
        } else {
            self.merged_of[r][local.index()]
        }
    }

    /// The pool id of string `local` of repository `r`.
    #[inline]
    fn id(&mut self, r: usize, local: StrId) -> u32 {
        self.keep(self.merged_id(r, local))
    }

    /// Replaces every string id of repository `r`'s `data` by its pool id.
    fn translate(&mut self, r: usize, data: &mut RepoData) {
        if r == self.base {
            translate(data, |s| StrId(self.keep(s.0)));
        } else {
            // The last pass that needs it.
            let merged_of = std::mem::take(&mut self.merged_of[r]);
            translate(data, |s| StrId(self.keep(merged_of[s.index()])));
        }
    }

    /// The pool id of `text`, which need not be any repository's string.
    fn text(&mut self, text: &str) -> Result<u32, IndexError> {
        let merged = self.intern(text)?;
        Ok(self.keep(merged))
    }

    /// The text of string `local` of repository `r`.
    fn str(&self, r: usize, local: StrId) -> &str {
        self.merged.get(StrId(self.merged_id(r, local)))
    }

    fn intern(&mut self, text: &str) -> Result<u32, IndexError> {
        intern(&mut self.merged, text)
    }

    /// The pool id of merged string `merged`, given now if it has none.
    #[inline]
    fn keep(&mut self, merged: u32) -> u32 {
        let slot = &mut self.pool_of[merged as usize];
        if *slot == NONE {
            *slot = self.order.len() as u32;
            self.order.push(merged);
        }
        *slot
    }

    /// The pool's string arena and offsets: the strings met, in pool id order. The lent
    /// table is dropped.
    fn finish(self) -> (String, Vec<u32>) {
        let Ids { merged, order, .. } = self;
        let (from, at) = (merged.arena(), merged.offsets());
        let span = |m: u32| at[m as usize] as usize..at[m as usize + 1] as usize;
        let bytes = order.iter().map(|&m| span(m).len()).sum();
        let mut arena = String::with_capacity(bytes);
        let mut offsets = Vec::with_capacity(order.len() + 1);
        offsets.push(0);
        for &m in &order {
            arena.push_str(&from[span(m)]);
            // The pool's strings are a subset of the merged table's, which fits u32.
            offsets.push(arena.len() as u32);
        }
        drop((merged, order));
        (arena, offsets)
    }
}

/// Interns every string of `table` into `merged`; returns their merged ids, by local id.
/// The strings are first looked up, half of them on a second thread (which only reads
/// `merged`), so that only those not found are hashed again, to be added.
fn merge(merged: &mut StringTable, table: &StringTable) -> Result<Vec<u32>, IndexError> {
    let mut ids = vec![NONE; table.len()];
    let half = ids.len() / 2;
    let (low, high) = ids.split_at_mut(half);
    let found = &*merged;
    std::thread::scope(|scope| {
        scope.spawn(|| look_up(found, table, half, high));
        look_up(found, table, 0, low);
    });
    for (local, id) in ids.iter_mut().enumerate() {
        if *id == NONE {
            *id = intern(merged, table.get(StrId(local as u32)))?;
        }
    }
    Ok(ids)
}

/// Sets `ids[i]` to the id in `table` of string `first + i` of `from`, if it has one.
fn look_up(table: &StringTable, from: &StringTable, first: usize, ids: &mut [u32]) {
    for (i, id) in ids.iter_mut().enumerate() {
        if let Some(found) = table.lookup(from.get(StrId((first + i) as u32))) {
            *id = found.0;
        }
    }
}

fn intern(table: &mut StringTable, text: &str) -> Result<u32, IndexError> {
    (table.try_intern(text))
        .map(|id| id.0)
        .ok_or(IndexError::TooLarge("string bytes"))
}

impl Pool {
    /// Builds the pool from repositories, in order; packages of arches outside `arches` and
    /// source packages are kept (they can be queried) but never provide.
    pub fn new(mut inputs: Vec<RepoInput>, arches: ArchSet) -> Result<Pool, IndexError> {
        let flags = package_flags(&inputs, &arches);
        let mut ids = Ids::new(&mut inputs)?;
        let sources = meet_keys(&inputs, &flags, &mut ids)?;
        // No string is interned from here on: free the lent table's hash index.
        ids.merged.release_index();
        let n_keys = ids.order.len();
        meet_paths(&inputs, &flags, &mut ids);
        let n_path_keys = ids.order.len();

        let mut b = Tables::sized(&inputs);
        let (strings, converted) = convert_and_copy(&mut b, inputs, ids, &flags, &sources, n_keys);
        let (repos, (provides, by_name, by_source)) = converted?;
        // Only absolute paths answer file dependencies.
        (b.file_pairs).retain(|&(path, _)| strings.get(NameId(path)).starts_with('/'));
        let rich = b.rich(&strings, &repos)?;
        let rich = RichTable::new(&strings, rich);
        Ok(Pool {
            strings,
            repos,
            arches,
            provides,
            files: Csr::build(n_path_keys, &b.file_pairs),
            by_name,
            by_source,
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

/// The provides, name and source indexes.
type NameIndexes = (Csr<Provide>, Csr<PkgId>, Csr<PkgId>);

/// Runs the third pass and the conversion: a second thread converts each repository into
/// `b` once the third pass has translated it, then builds the indexes keyed by name, while
/// this one translates the next repository, then copies and hashes the strings (when: see
/// `meet_rest`). Returns the pool's strings and the conversion's outcome.
fn convert_and_copy(
    b: &mut Tables,
    inputs: Vec<RepoInput>,
    ids: Ids,
    flags: &[u32],
    sources: &[u32],
    n_keys: usize,
) -> (Strings, Result<(Vec<RepoSlot>, NameIndexes), IndexError>) {
    std::thread::scope(|scope| {
        let (to_convert, translated) = mpsc::channel();
        let (freed, converted) = mpsc::channel();
        let converter = scope.spawn(move || {
            let repos = b.convert(translated, flags, sources, || {
                // Unheard once the strings are copied.
                let _ = freed.send(());
            })?;
            Ok((repos, b.name_indexes(n_keys)))
        });
        let (arena, offsets) = meet_rest(inputs, ids, to_convert, converted);
        let slots = Strings::index(&arena, &offsets);
        let strings = Strings::with_index(arena, offsets, slots);
        let converted = converter
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e));
        (strings, converted)
    })
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

/// First pass: the names the name indexes are keyed by get the first ids. Returns each
/// package's source name id.
fn meet_keys(inputs: &[RepoInput], flags: &[u32], ids: &mut Ids) -> Result<Vec<u32>, IndexError> {
    let mut sources = Vec::with_capacity(flags.len());
    let mut p = 0;
    for (r, input) in inputs.iter().enumerate() {
        let data = &input.data;
        // Many binaries share one `sourcerpm`: derive each source name once.
        let mut source_of_srpm: FxHashMap<u32, u32> = FxHashMap::default();
        for (local, pkg) in data.packages.iter().enumerate() {
            let name = ids.id(r, pkg.name);
            let srpm = ids.str(r, pkg.sourcerpm);
            sources.push(if srpm.is_empty() {
                name
            } else if let Some(&known) = source_of_srpm.get(&pkg.sourcerpm.0) {
                known
            } else {
                let source = source_name_of_rpm(srpm).to_owned();
                let id = ids.text(&source)?;
                source_of_srpm.insert(pkg.sourcerpm.0, id);
                id
            });
            if flags[p] & INSTALLABLE != 0 {
                for dep in data.deps(local, DepKind::Provides) {
                    ids.id(r, dep.name);
                }
            }
            p += 1;
        }
    }
    Ok(sources)
}

/// Second pass: the paths of installable packages' files (the file index's keys).
fn meet_paths(inputs: &[RepoInput], flags: &[u32], ids: &mut Ids) {
    let mut p = 0;
    for (r, input) in inputs.iter().enumerate() {
        let data = &input.data;
        for local in 0..data.packages.len() {
            if flags[p] & INSTALLABLE != 0 {
                for f in data.files(local) {
                    ids.id(r, f.path);
                }
            }
            p += 1;
        }
    }
}

/// Third pass: every other string the pool keeps, met in the order [`Tables::package`]
/// reads them. Each repository's ids are replaced by pool ids in place, and it is sent
/// to `convert`, in order; returns the pool's strings ([`Ids::finish`]).
///
/// The strings are copied once every repository but the last is converted and freed
/// (heard on `freed`), and before the last is sent: so the copy, which holds the lent
/// table and the pool's strings at once, never meets the data of more than one
/// repository, nor the converted tables' growth (this is the peak memory of a cold run).
fn meet_rest(
    mut inputs: Vec<RepoInput>,
    mut ids: Ids,
    convert: Sender<RepoInput>,
    freed: Receiver<()>,
) -> (String, Vec<u32>) {
    let last = inputs.pop();
    let count = inputs.len();
    for (r, mut input) in inputs.into_iter().enumerate() {
        ids.translate(r, &mut input.data);
        // A failed conversion stops listening; its error is reported.
        let _ = convert.send(input);
    }
    let last = last.map(|mut input| {
        ids.translate(count, &mut input.data);
        input
    });
    // Every string is met: only the texts are read from here on.
    ids.pool_of = Vec::new();
    for _ in 0..count {
        if freed.recv().is_err() {
            break;
        }
    }
    let strings = ids.finish();
    if let Some(input) = last {
        let _ = convert.send(input);
    }
    strings
}

/// Replaces every string id of `data`'s packages, dependencies and files by `to(id)`, in
/// the order [`Tables::package`] reads them. Each dependency and file entry is translated
/// once, in array order, however the packages' ranges lie (a cache could make them
/// overlap).
#[inline]
fn translate(data: &mut RepoData, mut to: impl FnMut(StrId) -> StrId) {
    let (mut deps_done, mut files_done) = (0, 0);
    for p in &mut data.packages {
        for s in [
            &mut p.name,
            &mut p.arch,
            &mut p.evr,
            &mut p.sourcerpm,
            &mut p.location,
        ] {
            *s = to(*s);
        }
        let end = p.all_deps_range().end;
        if end > deps_done {
            for d in &mut data.deps[deps_done..end] {
                d.name = to(d.name);
                d.evr = to(d.evr);
            }
            deps_done = end;
        }
        let end = p.file_range().end;
        if end > files_done {
            for f in &mut data.files[files_done..end] {
                f.path = to(f.path);
            }
            files_done = end;
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
        let most_deps = inputs.iter().map(|i| i.data.deps.len()).max().unwrap_or(0);
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
            // Distinct dependencies are usually far fewer than the largest repository's
            // entries: room for those avoids growing (rehashing) the table.
            dep_ids: HashTable::with_capacity(most_deps),
            file_start: Vec::with_capacity(pkgs + 1),
            file_paths: Vec::with_capacity(files),
            provide_pairs: Vec::with_capacity(deps + pkgs),
            file_pairs: Vec::with_capacity(files),
            name_pairs: Vec::with_capacity(pkgs),
            source_pairs: Vec::with_capacity(pkgs),
        }
    }

    /// The provides, name and source indexes, keyed by the first `keys` string ids.
    fn name_indexes(&self, keys: usize) -> NameIndexes {
        (
            Csr::build(keys, &self.provide_pairs),
            Csr::build(keys, &self.name_pairs),
            Csr::build(keys, &self.source_pairs),
        )
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

    /// Adds every package of `inputs` (whose string ids are pool ids already), freeing
    /// each repository's data once it is converted (and then calling `freed`); returns
    /// the repositories' slots.
    fn convert(
        &mut self,
        inputs: impl IntoIterator<Item = RepoInput>,
        flags: &[u32],
        sources: &[u32],
        mut freed: impl FnMut(),
    ) -> Result<Vec<RepoSlot>, IndexError> {
        let mut repos = Vec::new();
        let mut first = 0usize;
        for RepoInput { label, data } in inputs {
            for local in 0..data.packages.len() {
                let id = PkgId((first + local) as u32);
                let (f, source) = (flags[id.index()], sources[id.index()]);
                self.package(&data, local, id, f, source)?;
            }
            let len = data.packages.len();
            repos.push(RepoSlot {
                label,
                first_pkg: first as u32,
                len: len as u32,
            });
            first += len;
            drop(data);
            freed();
        }
        Ok(repos)
    }

    /// Adds package `local` of `data`, whose string ids are pool ids already.
    fn package(
        &mut self,
        data: &RepoData,
        local: usize,
        id: PkgId,
        flags: u32,
        source: u32,
    ) -> Result<(), IndexError> {
        let p = &data.packages[local];
        let row = PkgRow {
            name: p.name.0,
            arch: p.arch.0,
            evr: p.evr.0,
            sourcerpm: p.sourcerpm.0,
            location: p.location.0,
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
                    name: d.name.0,
                    evr: d.evr.0,
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
            let path = f.path.0;
            self.file_paths.push(path);
            if installable {
                // Kept if absolute, once the strings are known (`Pool::new`).
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
        table: &Strings,
        repos: &[RepoSlot],
    ) -> Result<Vec<(u32, Requirement)>, IndexError> {
        let mut seen: FxHashMap<u32, ()> = FxHashMap::default();
        let mut out = Vec::new();
        for (id, dep) in self.deps.iter().enumerate() {
            let text = table.get(NameId(dep.name));
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
    fn first_user(&self, dep: u32, table: &Strings, repos: &[RepoSlot]) -> (String, String) {
        let at = self
            .dep_occ
            .iter()
            .position(|o| o & DEP_MASK == dep)
            .expect("every distinct dependency has an occurrence");
        let pkg = self.dep_start.partition_point(|&s| s as usize <= at) - 1;
        let repo = repos.partition_point(|r| r.first_pkg as usize <= pkg) - 1;
        let row = &self.pkgs[pkg];
        let s = |id: u32| table.get(NameId(id));
        let nevra = format!("{}-{}.{}", s(row.name), s(row.evr), s(row.arch));
        (repos[repo].label.clone(), nevra)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo(texts: &[&str]) -> RepoInput {
        let mut data = RepoData::default();
        for text in texts {
            data.strings.intern(text);
        }
        RepoInput {
            label: String::new(),
            data,
        }
    }

    #[test]
    fn every_string_of_the_other_repositories_is_merged_before_the_passes() {
        let texts: [&[&str]; 3] = [&["b", "x"], &["a", "b", "c"], &["c", "d", "x"]];
        let mut inputs = texts.map(repo);
        let ids = Ids::new(&mut inputs).unwrap();
        assert_eq!(
            ids.base, 1,
            "the repository with the most strings lends its table"
        );
        for (r, texts) in texts.iter().enumerate() {
            for (i, text) in texts.iter().enumerate() {
                let local = StrId(i as u32 + 1);
                let merged = ids.merged_id(r, local);
                assert_eq!(ids.merged.get(StrId(merged)), *text, "repository {r}");
                assert_eq!(
                    ids.merged.lookup(text),
                    Some(StrId(merged)),
                    "one id per text"
                );
            }
        }
        // a b c (lent), then d and x: each text once.
        assert_eq!(ids.merged.len(), 6);
        assert!(
            inputs.iter().all(|i| i.data.strings.len() == 1),
            "tables dropped"
        );
    }
}
