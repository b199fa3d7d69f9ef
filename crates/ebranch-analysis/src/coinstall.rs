//! Target packages that cannot stay beside the reference binaries the closure pulls in.
//!
//! The closure stops at a dependency the target satisfies. But a system holds one package
//! of each name: libsolv, like rpm, lets a package replace another of its name, never
//! install both. So once the closure pulls in a reference binary named like a target
//! package (Debian sid's `python3` 3.14 where bookworm has 3.11), the target's package of
//! that name gives way to it, as it does in a build tag that holds the newest build of
//! each package. A target package a buildroot keeps that needs something only a package
//! that gave way provides (bookworm's `python3-matplotlib` needs `python3 << 3.12`) cannot
//! stay either, and gives way in turn. Whatever needed it then takes its dependency from
//! elsewhere: another target package, else a reference binary (sid's
//! `python3-matplotlib`), whose source joins the closure: it has to be rebuilt or updated
//! in the target as well.
//!
//! [`Coinstall::stand_ins`] walks every buildroot of the closure at once, as
//! `crate::buildroot` does (target packages and reference binaries alike, conditions read
//! as absent), and returns the reference binaries taken in place of target packages that
//! gave way. A target package's own dependencies are taken from the target only: the
//! closure takes the target to install by itself.

use ebranch_index::{DepRef, NameId, PkgId};
use ebranch_rpm::Requirement;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::buildroot::{fulfilled, rich_of};
use crate::closure::Owner;
use crate::resolve::{Pick, Resolver};
use crate::rich::{Need, NoBuildroot, evaluate};
use crate::roles::Role;

/// A reference binary taken in place of a target package that gave way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct StandIn {
    /// Whose dependency it meets: the source whose buildroot needs it, or the reference
    /// binary that requires it.
    pub(crate) owner: Owner,
    /// The reference binary.
    pub(crate) binary: PkgId,
    /// The dependency and why the target's provider gave way, e.g. `python3-matplotlib
    /// (instead of python3-matplotlib-3.6.3-1.x86_64, which needs python3 < 3.12)`.
    pub(crate) text: String,
}

/// What one walk of a buildroot found.
#[derive(Default)]
pub(crate) struct Found {
    /// Reference binaries taken in place of target packages that gave way.
    pub(crate) stand_ins: Vec<StandIn>,
    /// Dependencies of the source or of a reference binary pulled in that only target
    /// packages that gave way provide (e.g. `wasi-libc <= 1` beside `wasi-libc >= 2`):
    /// nothing can meet them in this buildroot.
    pub(crate) unmet: Vec<(Owner, String)>,
}

/// The walks of one closure, with the rich dependencies evaluated once.
#[derive(Default)]
pub(crate) struct Coinstall {
    rich: FxHashMap<(NameId, bool), Vec<Need>>,
}

impl Coinstall {
    /// The reference binaries the buildroots of `starts` (sources, whose BuildRequires
    /// they install, and the reference binaries `pulled` in, whose Requires they install)
    /// take in place of target packages that gave way. Empty when no pulled binary is
    /// named like a target package.
    pub(crate) fn stand_ins(
        &mut self,
        resolver: &mut Resolver<'_>,
        starts: &[Owner],
        pulled: &FxHashSet<PkgId>,
    ) -> Found {
        let pool = resolver.pool();
        let roles = resolver.roles();
        let mut gone: FxHashMap<PkgId, String> = FxHashMap::default();
        for &r in pulled {
            for &t in pool.packages_named(pool.package(r).name()) {
                if roles.of(pool, t).is_target() {
                    gone.entry(t)
                        .or_insert_with(|| format!("gives way to {}", pool.package(r).nevra()));
                }
            }
        }
        if gone.is_empty() {
            return Found::default();
        }
        loop {
            let walk = Walk::run(self, resolver, starts, pulled, &gone);
            if walk.broken.is_empty() {
                let stand_ins = walk
                    .stand_ins
                    .into_iter()
                    .map(|(owner, binary, operand, kept_for, instead)| {
                        let instead = format!(
                            "instead of {}, which {}",
                            pool.package(instead).nevra(),
                            gone[&instead]
                        );
                        let text = match kept_for {
                            Some(q) => {
                                format!("{operand} (for {}, {instead})", pool.package(q).nevra())
                            }
                            None => format!("{operand} ({instead})"),
                        };
                        StandIn {
                            owner,
                            binary,
                            text,
                        }
                    })
                    .collect();
                return Found {
                    stand_ins,
                    unmet: walk.unmet,
                };
            }
            for (q, dep) in walk.broken {
                gone.entry(q).or_insert_with(|| format!("needs {dep}"));
            }
        }
    }

    fn needs(
        &mut self,
        resolver: &Resolver<'_>,
        dep: &DepRef<'_>,
        req: &Requirement,
        install: bool,
    ) -> Vec<Need> {
        self.rich
            .entry((dep.name_id(), install))
            .or_insert_with(|| evaluate(resolver, req, install, &mut NoBuildroot, &mut Vec::new()))
            .clone()
    }
}

/// A stand-in found by a walk: whose dependency, the binary, the operand it meets, the
/// target package kept that needs it (if it is not the owner's own dependency), and the
/// target package that gave way.
type Taken = (Owner, PkgId, String, Option<PkgId>, PkgId);

/// One walk of all the buildroots, with the packages of `gone` left out.
struct Walk<'a> {
    gone: &'a FxHashMap<PkgId, String>,
    pulled: &'a FxHashSet<PkgId>,
    /// Target packages the buildroots keep, each with the owner whose dependency brought
    /// it in first.
    kept: FxHashMap<PkgId, Owner>,
    queue: Vec<PkgId>,
    /// Kept target packages with a dependency only packages that gave way provide.
    broken: Vec<(PkgId, String)>,
    /// Stand-ins taken (their Requires are followed by the closure, not here).
    taken: FxHashSet<PkgId>,
    stand_ins: Vec<Taken>,
    /// Dependencies of an owner (not of a kept target package) nothing can meet.
    unmet: Vec<(Owner, String)>,
}

impl<'a> Walk<'a> {
    fn run(
        co: &mut Coinstall,
        resolver: &mut Resolver<'_>,
        starts: &[Owner],
        pulled: &'a FxHashSet<PkgId>,
        gone: &'a FxHashMap<PkgId, String>,
    ) -> Walk<'a> {
        let pool = resolver.pool();
        let mut walk = Walk {
            gone,
            pulled,
            kept: FxHashMap::default(),
            queue: Vec::new(),
            broken: Vec::new(),
            taken: FxHashSet::default(),
            stand_ins: Vec::new(),
            unmet: Vec::new(),
        };
        for &owner in starts {
            for dep in pool.package(owner.pkg()).requires() {
                walk.dependency(co, resolver, owner, None, dep, owner.install());
            }
        }
        while let Some(q) = walk.queue.pop() {
            let via = walk.kept[&q];
            for dep in pool.package(q).requires() {
                walk.dependency(co, resolver, via, Some(q), dep, true);
            }
        }
        walk
    }

    fn keep(&mut self, pkg: PkgId, via: Owner) {
        if let std::collections::hash_map::Entry::Vacant(e) = self.kept.entry(pkg) {
            e.insert(via);
            self.queue.push(pkg);
        }
    }

    /// Follows `dep` of `via`'s buildroot: of `via` itself, or of the kept target package
    /// `kept_for`.
    fn dependency(
        &mut self,
        co: &mut Coinstall,
        resolver: &mut Resolver<'_>,
        via: Owner,
        kept_for: Option<PkgId>,
        dep: DepRef<'_>,
        install: bool,
    ) {
        let pool = resolver.pool();
        if let Some(req) = rich_of(pool, &dep) {
            let needs = co.needs(resolver, &dep, req, install);
            let lost = needs
                .iter()
                .any(|n| matches!(n.pick, Pick::Target(p) if self.gone.contains_key(&p)));
            if !lost {
                for need in needs {
                    if let Pick::Target(p) = need.pick {
                        self.keep(p, via);
                    }
                }
                return;
            }
            match self.satisfy(resolver, req) {
                Some(picks) => {
                    for (p, operand, instead) in picks {
                        self.take(resolver, via, kept_for, p, operand, instead);
                    }
                }
                None => self.lost(via, kept_for, &dep),
            }
            return;
        }
        match resolver.pick_requires(&dep, install) {
            Pick::Target(p) if self.gone.contains_key(&p) => {
                let out = |q: &PkgId| self.gone.contains_key(q);
                let held = |q: &PkgId| self.pulled.contains(q) || self.taken.contains(q);
                match resolver.pick_requires_without(&dep, install, &out, &held) {
                    Pick::Target(q) => self.keep(q, via),
                    Pick::Reference { chosen, .. } => {
                        let operand = dep.to_string();
                        self.take(resolver, via, kept_for, chosen, operand, Some(p));
                    }
                    Pick::Nothing => self.lost(via, kept_for, &dep),
                }
            }
            Pick::Target(p) => self.keep(p, via),
            // A source's or pulled binary's reference provider is pulled in already; a
            // target package's own gap is not the closure's.
            Pick::Reference { .. } | Pick::Nothing => {}
        }
    }

    /// Takes `pkg` for `operand`, whose provider `instead` gave way.
    fn take(
        &mut self,
        resolver: &Resolver<'_>,
        via: Owner,
        kept_for: Option<PkgId>,
        pkg: PkgId,
        operand: String,
        instead: Option<PkgId>,
    ) {
        let pool = resolver.pool();
        if resolver.roles().of(pool, pkg) != Role::ReferenceBinary {
            self.keep(pkg, via);
            return;
        }
        if self.pulled.contains(&pkg) || !self.taken.insert(pkg) {
            return;
        }
        if let Some(instead) = instead {
            self.stand_ins.push((via, pkg, operand, kept_for, instead));
        }
    }

    /// `dep`, of the kept target package `kept_for` or else of `via`, only packages that
    /// gave way provide: a kept target package cannot stay either; an owner's dependency
    /// cannot be met.
    fn lost(&mut self, via: Owner, kept_for: Option<PkgId>, dep: &DepRef<'_>) {
        match kept_for {
            Some(q) => self.broken.push((q, dep.to_string())),
            None => self.unmet.push((via, dep.to_string())),
        }
    }

    /// How the buildroots meet the rich dependency `req` without the packages that gave
    /// way: the packages to take, each with the operand it meets and the package that
    /// gave way there; `None` when they cannot. `or` takes an operand met by what is
    /// pulled in, else one the target meets, else the first that can be met; conditions
    /// are read from what is pulled in and kept.
    fn satisfy(
        &self,
        resolver: &Resolver<'_>,
        req: &Requirement,
    ) -> Option<Vec<(PkgId, String, Option<PkgId>)>> {
        let pool = resolver.pool();
        match req {
            Requirement::Simple(_) | Requirement::With(_) | Requirement::Without(..) => {
                let name = req.as_simple().map_or("(", |d| d.name.as_str());
                let providers = pool.whatprovides(req);
                let instead = providers
                    .iter()
                    .copied()
                    .find(|p| self.gone.contains_key(p));
                let out = |q: &PkgId| self.gone.contains_key(q);
                let held = |q: &PkgId| self.pulled.contains(q) || self.taken.contains(q);
                match resolver.pick_without(providers, name, &out, &held) {
                    Pick::Target(p) | Pick::Reference { chosen: p, .. } => {
                        Some(vec![(p, req.to_string(), instead)])
                    }
                    Pick::Nothing => None,
                }
            }
            Requirement::And(v) => {
                let mut all = Vec::new();
                for r in v {
                    all.extend(self.satisfy(resolver, r)?);
                }
                Some(all)
            }
            Requirement::Or(v) => {
                let options: Vec<_> = v.iter().filter_map(|r| self.satisfy(resolver, r)).collect();
                let held = |o: &&Vec<(PkgId, String, Option<PkgId>)>| {
                    o.iter().all(|(p, ..)| {
                        self.pulled.contains(p)
                            || self.taken.contains(p)
                            || self.kept.contains_key(p)
                    })
                };
                let target = |o: &&Vec<(PkgId, String, Option<PkgId>)>| {
                    o.iter()
                        .all(|(p, ..)| resolver.roles().of(pool, *p).is_target())
                };
                let pick = options
                    .iter()
                    .find(held)
                    .or_else(|| options.iter().find(target))
                    .or(options.first())?;
                Some(pick.clone())
            }
            Requirement::If {
                then,
                cond,
                otherwise,
            } => {
                if self.holds(resolver, cond) {
                    self.satisfy(resolver, then)
                } else {
                    otherwise
                        .as_deref()
                        .map_or(Some(Vec::new()), |o| self.satisfy(resolver, o))
                }
            }
            Requirement::Unless {
                then,
                cond,
                otherwise,
            } => {
                if self.holds(resolver, cond) {
                    self.satisfy(resolver, otherwise.as_deref()?)
                } else {
                    self.satisfy(resolver, then)
                }
            }
        }
    }

    /// Whether what is pulled in and kept meets the condition `cond`.
    fn holds(&self, resolver: &Resolver<'_>, cond: &Requirement) -> bool {
        let members: FxHashSet<PkgId> = self
            .pulled
            .iter()
            .chain(self.kept.keys())
            .chain(&self.taken)
            .copied()
            .collect();
        fulfilled(resolver.pool(), &members, cond).0
    }
}
