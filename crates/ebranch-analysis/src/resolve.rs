//! Resolving one dependency against the target, and choosing a reference provider.

use ebranch_index::{DepRef, NameId, PkgId, Pool};
use ebranch_rpm::{Flags, Requirement};
use rustc_hash::FxHashMap;

use crate::regenerated::{Regenerated, regenerated, regenerated_requirement};
use crate::roles::{Role, Roles};

/// Marks a dependency not resolved yet in [`Resolver`]'s dense tables.
const UNKNOWN: u32 = u32::MAX;

/// How the target stands with respect to one dependency.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolution {
    /// A package of the target (base or layer) provides it.
    Satisfied,
    /// Neither the target nor the reference binaries provide it.
    Unresolvable,
    /// Missing from the target; `chosen` is the reference binary that would provide it.
    Provider {
        /// The provider chosen by the static rule (see [`Resolver`]).
        chosen: PkgId,
        /// The other reference binaries that provide it, sorted.
        alternatives: Vec<PkgId>,
    },
}

/// Where a buildroot would take one dependency (or one operand of a rich dependency) from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Pick {
    /// A target package provides it: the one the static rule picks.
    Target(PkgId),
    /// Missing from the target: the reference binary the static rule picks, and the
    /// other reference providers, sorted.
    Reference {
        /// The chosen binary.
        chosen: PkgId,
        /// The other candidates.
        alternatives: Vec<PkgId>,
    },
    /// Nothing provides it.
    Nothing,
}

/// Answers [`Resolution`]s, memoised per distinct dependency: a dense table per
/// [`DepId`](ebranch_index::DepId) (one for BuildRequires, one for install-time Requires) for the
/// dependencies packages carry, a hash map for those looked up by name (regenerated forms).
///
/// Provider choice when several reference binaries provide a dependency is static and
/// independent of traversal order: those whose package name equals the dependency's name
/// if there are any, else all of them; among those the smallest (source name, package
/// name) — ties (several versions) go to the earliest in the pool.
pub struct Resolver<'p> {
    pool: &'p Pool,
    roles: &'p Roles,
    literal_install: bool,
    /// Whether [`Resolver::resolve_requires`] keeps its dense tables (a fork, asked each
    /// dependency once, does not: they would cost more than they save).
    dense_memo: bool,
    memo: FxHashMap<(NameId, u8, NameId), Resolution>,
    /// Per `DepId`, build (`[0]`) and install-time (`[1]`): the index of its answer in
    /// `answers`, or [`UNKNOWN`].
    dense: [Vec<u32>; 2],
    answers: Vec<Resolution>,
    picks: FxHashMap<(NameId, u8, NameId), Pick>,
    sources: FxHashMap<String, Option<PkgId>>,
}

impl<'p> Resolver<'p> {
    /// A resolver over `pool` whose repositories play `roles`.
    pub fn new(pool: &'p Pool, roles: &'p Roles) -> Resolver<'p> {
        Resolver {
            pool,
            roles,
            literal_install: false,
            dense_memo: true,
            memo: FxHashMap::default(),
            dense: [Vec::new(), Vec::new()],
            answers: Vec::new(),
            picks: FxHashMap::default(),
            sources: FxHashMap::default(),
        }
    }

    /// A resolver over the same pool, roles and options with nothing memoised yet, for
    /// another thread that asks each dependency once: its answers are the same, since no
    /// answer depends on what was asked before.
    pub(crate) fn fork(&self) -> Resolver<'p> {
        Resolver {
            dense_memo: false,
            ..Resolver::new(self.pool, self.roles).literal_install_deps(self.literal_install)
        }
    }

    /// Take install-time Requires literally, as libsolv-based tools do, instead of
    /// looking up the form a rebuild in the target regenerates (see [`Resolver::resolve_requires`]).
    pub fn literal_install_deps(mut self, literal: bool) -> Resolver<'p> {
        self.literal_install = literal;
        self
    }

    /// How the target stands with a Requires of a package: a BuildRequires of a source
    /// (`install == false`) is taken as written; an install-time Requires of a reference
    /// binary is looked up in the form a rebuild regenerates (`python(abi)` of any version,
    /// `pythonX.Ydist(x)` as `python3dist(x)`, a soname without its symbol version) unless
    /// [`Resolver::literal_install_deps`] is set. Falls back to the literal dependency when
    /// the regenerated form does not help.
    pub fn resolve_requires(&mut self, dep: &DepRef<'_>, install: bool) -> &Resolution {
        if !self.dense_memo {
            let answer = self.compute_requires(dep, install);
            self.answers.push(answer);
            return self.answers.last().expect("just pushed");
        }
        let table = usize::from(install);
        if self.dense[table].is_empty() {
            self.dense[table] = vec![UNKNOWN; self.pool.dep_count()];
        }
        let slot = self.dense[table][dep.id().index()];
        if slot != UNKNOWN {
            return &self.answers[slot as usize];
        }
        let answer = self.compute_requires(dep, install);
        self.dense[table][dep.id().index()] = self.answers.len() as u32;
        self.answers.push(answer);
        self.answers.last().expect("just pushed")
    }

    fn compute_requires(&mut self, dep: &DepRef<'_>, install: bool) -> Resolution {
        let (name, flags, evr) = (dep.name_id(), dep.flags(), dep.evr_id());
        if install && !self.literal_install {
            match regenerated(dep.name()) {
                Some(Regenerated::AnyVersionOf(other)) => {
                    if let Some(id) = self.pool.lookup(other)
                        && *self.resolve(id, Flags::NONE, NameId::EMPTY) == Resolution::Satisfied
                    {
                        return Resolution::Satisfied;
                    }
                }
                Some(Regenerated::Renamed(other)) => {
                    if let Some(id) = self.pool.lookup(&other) {
                        let answer = self.resolve(id, flags, evr).clone();
                        if answer != Resolution::Unresolvable {
                            return answer;
                        }
                    }
                }
                None => {}
            }
        }
        self.resolve(name, flags, evr).clone()
    }

    /// The pool.
    pub fn pool(&self) -> &'p Pool {
        self.pool
    }

    /// The roles.
    pub fn roles(&self) -> &'p Roles {
        self.roles
    }

    /// How the target stands with the dependency `name` / `flags` / `evr` (pool ids as
    /// stored; `name` is the whole text of a rich dependency).
    pub fn resolve(&mut self, name: NameId, flags: Flags, evr: NameId) -> &Resolution {
        let key = (name, flags.bits(), evr);
        if !self.memo.contains_key(&key) {
            let answer = self.compute(name, flags, evr);
            self.memo.insert(key, answer);
        }
        &self.memo[&key]
    }

    fn compute(&self, name: NameId, flags: Flags, evr: NameId) -> Resolution {
        let pool = self.pool;
        let providers = pool.whatprovides_id(name, flags, evr);
        if providers
            .iter()
            .any(|p| self.roles.of(pool, *p).is_target())
        {
            return Resolution::Satisfied;
        }
        // The dependency's name as libsolv prints it, up to the first space: a rich
        // dependency starts with `(` and so never equals a package name.
        match self.pick_reference(&providers, pool.str(name)) {
            Pick::Reference {
                chosen,
                alternatives,
            } => Resolution::Provider {
                chosen,
                alternatives,
            },
            _ => Resolution::Unresolvable,
        }
    }

    /// Where a buildroot would take one plain dependency from: the target provider the
    /// static rule picks, else the reference binary it picks. Memoised.
    pub(crate) fn pick(&mut self, name: NameId, flags: Flags, evr: NameId) -> &Pick {
        let key = (name, flags.bits(), evr);
        if !self.picks.contains_key(&key) {
            let providers = self.pool.whatprovides_id(name, flags, evr);
            let answer = self.pick_among(&providers, self.pool.str(name));
            self.picks.insert(key, answer);
        }
        &self.picks[&key]
    }

    /// [`Resolver::pick`] for an install-time Requires, looked up in its regenerated form
    /// first unless install dependencies are taken literally (see
    /// [`Resolver::resolve_requires`]).
    pub(crate) fn pick_requires(&mut self, dep: &DepRef<'_>, install: bool) -> Pick {
        self.pick_requires_by(dep, install, &mut |r, name, flags, evr| {
            r.pick(name, flags, evr).clone()
        })
    }

    /// [`Resolver::pick_requires`] as if the packages `out` marks were not there, taking a
    /// provider `held` marks (what is installed already) first. Not memoised: for the
    /// few dependencies a buildroot has to take elsewhere.
    pub(crate) fn pick_requires_without(
        &mut self,
        dep: &DepRef<'_>,
        install: bool,
        out: &dyn Fn(&PkgId) -> bool,
        held: &dyn Fn(&PkgId) -> bool,
    ) -> Pick {
        self.pick_requires_by(dep, install, &mut |r, name, flags, evr| {
            let providers = r.pool.whatprovides_id(name, flags, evr);
            r.pick_without(providers, r.pool.str(name), out, held)
        })
    }

    /// [`Resolver::pick_among`] over `providers` without those `out` marks, or the first
    /// one `held` marks.
    pub(crate) fn pick_without(
        &self,
        mut providers: Vec<PkgId>,
        dep_name: &str,
        out: &dyn Fn(&PkgId) -> bool,
        held: &dyn Fn(&PkgId) -> bool,
    ) -> Pick {
        providers.retain(|p| !out(p));
        if let Some(p) = providers.iter().find(|p| held(p)) {
            providers = vec![*p];
        }
        self.pick_among(&providers, dep_name)
    }

    /// The regenerated form of `dep` first (see [`Resolver::pick_requires`]), each lookup
    /// answered by `pick`.
    fn pick_requires_by(
        &mut self,
        dep: &DepRef<'_>,
        install: bool,
        pick: &mut dyn FnMut(&mut Self, NameId, Flags, NameId) -> Pick,
    ) -> Pick {
        if install && !self.literal_install {
            match regenerated(dep.name()) {
                Some(Regenerated::AnyVersionOf(other)) => {
                    if let Some(id) = self.pool.lookup(other)
                        && let Pick::Target(p) = pick(self, id, Flags::NONE, NameId::EMPTY)
                    {
                        return Pick::Target(p);
                    }
                }
                Some(Regenerated::Renamed(other)) => {
                    if let Some(id) = self.pool.lookup(&other) {
                        let answer = pick(self, id, dep.flags(), dep.evr_id());
                        if answer != Pick::Nothing {
                            return answer;
                        }
                    }
                }
                None => {}
            }
        }
        pick(self, dep.name_id(), dep.flags(), dep.evr_id())
    }

    /// Where a buildroot would take a parsed plain dependency, or a `with`/`without`
    /// expression (one package satisfying it), from. An install-time one is looked up in
    /// its regenerated form first, as [`Resolver::pick_requires`] does.
    pub(crate) fn pick_requirement(&self, req: &Requirement, install: bool) -> Pick {
        if install
            && !self.literal_install
            && let Some((regen, any_version)) = regenerated_requirement(req)
        {
            let answer = self.pick_parsed(&regen);
            match answer {
                Pick::Target(_) => return answer,
                Pick::Reference { .. } if !any_version => return answer,
                _ => {}
            }
        }
        self.pick_parsed(req)
    }

    fn pick_parsed(&self, req: &Requirement) -> Pick {
        let providers = self.pool.whatprovides(req);
        let name = req.as_simple().map_or("(", |d| d.name.as_str());
        self.pick_among(&providers, name)
    }

    /// The static rule over a provider set: a target provider if there is one, else a
    /// reference binary, else nothing.
    pub(crate) fn pick_among(&self, providers: &[PkgId], dep_name: &str) -> Pick {
        let pool = self.pool;
        let target: Vec<PkgId> = providers
            .iter()
            .copied()
            .filter(|p| self.roles.of(pool, *p).is_target())
            .collect();
        if !target.is_empty() {
            return Pick::Target(self.static_choice(&target, dep_name));
        }
        self.pick_reference(providers, dep_name)
    }

    /// The static rule over the reference binaries of a provider set.
    fn pick_reference(&self, providers: &[PkgId], dep_name: &str) -> Pick {
        let pool = self.pool;
        let reference: Vec<PkgId> = providers
            .iter()
            .copied()
            .filter(|p| self.roles.of(pool, *p) == Role::ReferenceBinary)
            .collect();
        if reference.is_empty() {
            return Pick::Nothing;
        }
        let chosen = self.static_choice(&reference, dep_name);
        let alternatives = reference.into_iter().filter(|p| *p != chosen).collect();
        Pick::Reference {
            chosen,
            alternatives,
        }
    }

    /// Among `candidates` (not empty): those named like the dependency if any, else all;
    /// the smallest (source name, package name), ties to the earliest in the pool.
    pub(crate) fn static_choice(&self, candidates: &[PkgId], dep_name: &str) -> PkgId {
        let pool = self.pool;
        let named: Vec<PkgId> = candidates
            .iter()
            .copied()
            .filter(|p| pool.package(*p).name() == dep_name)
            .collect();
        let pick = if named.is_empty() { candidates } else { &named };
        *pick
            .iter()
            .min_by(|a, b| {
                let (pa, pb) = (pool.package(**a), pool.package(**b));
                (pa.source_name(), pa.name(), a.0).cmp(&(pb.source_name(), pb.name(), b.0))
            })
            .expect("candidates are not empty")
    }

    /// The reference source package named `name`. A Fedora source repository holds one
    /// version of each; when one holds several (Debian's Sources does), the first in
    /// repository order is used, as libsolv-based tools do.
    pub fn source_package(&mut self, name: &str) -> Option<PkgId> {
        if let Some(found) = self.sources.get(name) {
            return *found;
        }
        let found = self
            .pool
            .lookup(name)
            .and_then(|id| self.source_package_id(id));
        self.sources.insert(name.to_owned(), found);
        found
    }

    /// [`Resolver::source_package`] by the name's pool id, not memoised.
    pub fn source_package_id(&self, name: NameId) -> Option<PkgId> {
        let pool = self.pool;
        pool.packages_named_id(name).iter().copied().find(|p| {
            pool.package(*p).is_source() && self.roles.of(pool, *p) == Role::ReferenceSource
        })
    }
}
