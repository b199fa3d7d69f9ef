//! The buildroot of one source package, as far as the metadata tells: what installing its
//! BuildRequires pulls in, target packages and reference binaries alike. Used to answer
//! the conditions of `if`/`unless` dependencies.
//!
//! The walk starts from the provider of each BuildRequires (the target's when it has one,
//! else the reference binary the static rule picks) and follows every Requires of every
//! package reached the same way. Conditional dependencies are answered last, against
//! what the walk holds, and what they pull in is walked too, until nothing new comes in.
//! A condition is *held* when some package of the walk provides it: the other
//! BuildRequires pull it in, or it is one. When the target provides it but nothing pulls
//! it in, it is read as absent and the reading is marked as assumed: a real buildroot's
//! default package set (Koji's `build` group) could still hold it.

use ebranch_index::{DepRef, NameId, PkgId, Pool};
use ebranch_report::key::ConditionReading;
use ebranch_rpm::Requirement;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::resolve::{Pick, Resolver};
use crate::rich::{Conditions, Held, Need, NoBuildroot, evaluate, has_condition};
use crate::roles::Role;

/// The outcome of one conditional dependency in one buildroot.
#[derive(Clone, Debug, Default)]
pub(crate) struct Decision {
    pub(crate) needs: Vec<Need>,
    pub(crate) readings: Vec<ConditionReading>,
}

/// What the buildroot of one source holds, and how its conditional dependencies came out.
pub(crate) struct Buildroot {
    members: FxHashSet<PkgId>,
    /// Per member: the BuildRequires that brought it in.
    via: FxHashMap<PkgId, String>,
    /// Per conditional dependency met (owner package, dependency): the last decision.
    pub(crate) decisions: FxHashMap<(PkgId, NameId), Decision>,
}

/// Walks the buildroot of the source package `src` (named `name`).
pub(crate) fn buildroot(resolver: &mut Resolver<'_>, src: PkgId, name: &str) -> Buildroot {
    let pool = resolver.pool();
    let mut walk = Walk {
        br: Buildroot {
            members: FxHashSet::default(),
            via: FxHashMap::default(),
            decisions: FxHashMap::default(),
        },
        queue: Vec::new(),
        conditional: Vec::new(),
    };
    for dep in pool.package(src).requires() {
        let via = dep.to_string();
        walk.dependency(resolver, src, dep, false, &via);
    }
    loop {
        while let Some(member) = walk.queue.pop() {
            let via = walk.br.via[&member].clone();
            for dep in pool.package(member).requires() {
                walk.dependency(resolver, member, dep, true, &via);
            }
        }
        let before = walk.br.members.len();
        walk.decide(resolver, src, name);
        if walk.br.members.len() == before && walk.queue.is_empty() {
            return walk.br;
        }
    }
}

struct Walk<'p> {
    br: Buildroot,
    queue: Vec<PkgId>,
    /// Conditional dependencies met: owner, dependency, whether install-time, and the
    /// BuildRequires the owner came in by.
    conditional: Vec<(PkgId, DepRef<'p>, bool, String)>,
}

impl<'p> Walk<'p> {
    fn add(&mut self, pkg: PkgId, via: &str) {
        if self.br.members.insert(pkg) {
            self.br.via.insert(pkg, via.to_owned());
            self.queue.push(pkg);
        }
    }

    fn add_pick(&mut self, pick: &Pick, via: &str) {
        match pick {
            Pick::Target(p) | Pick::Reference { chosen: p, .. } => self.add(*p, via),
            Pick::Nothing => {}
        }
    }

    fn dependency(
        &mut self,
        resolver: &mut Resolver<'p>,
        owner: PkgId,
        dep: DepRef<'p>,
        install: bool,
        via: &str,
    ) {
        let pool = resolver.pool();
        match rich_of(pool, &dep) {
            Some(req) if has_condition(req) => {
                self.conditional.push((owner, dep, install, via.to_owned()));
            }
            Some(req) => {
                for need in evaluate(resolver, req, install, &mut NoBuildroot, &mut Vec::new()) {
                    self.add_pick(&need.pick, via);
                }
            }
            None => {
                let pick = resolver.pick_requires(&dep, install);
                self.add_pick(&pick, via);
            }
        }
    }

    /// Answers every conditional dependency met so far against the members, and adds
    /// what they pull in.
    fn decide(&mut self, resolver: &Resolver<'p>, src: PkgId, name: &str) {
        let pool = resolver.pool();
        let mut picks: Vec<(Pick, String)> = Vec::new();
        for (owner, dep, install, via) in &self.conditional {
            let req = rich_of(pool, dep).expect("conditional dependencies are rich");
            let mut conds = InBuildroot {
                br: &self.br,
                source: name,
                src,
            };
            let mut readings = Vec::new();
            let needs = evaluate(resolver, req, *install, &mut conds, &mut readings);
            picks.extend(needs.iter().map(|n| (n.pick.clone(), via.clone())));
            self.br
                .decisions
                .insert((*owner, dep.name_id()), Decision { needs, readings });
        }
        for (pick, via) in picks {
            self.add_pick(&pick, &via);
        }
    }
}

/// The parsed rich dependency behind `dep`, if it is one.
pub(crate) fn rich_of<'p>(pool: &'p Pool, dep: &DepRef<'_>) -> Option<&'p Requirement> {
    if dep.flags().is_versioned() {
        return None;
    }
    pool.rich_requirement(dep.name_id())
}

/// Conditions answered from a walked buildroot.
struct InBuildroot<'b> {
    br: &'b Buildroot,
    source: &'b str,
    src: PkgId,
}

impl Conditions for InBuildroot<'_> {
    fn held(&mut self, resolver: &Resolver<'_>, cond: &Requirement) -> Held {
        let pool = resolver.pool();
        let (yes, witness) = fulfilled(pool, &self.br.members, cond);
        let source = self.source;
        if yes {
            let why = match witness {
                Some(p) if p == self.src => format!("{cond}: the source itself provides it"),
                Some(p) => format!(
                    "{cond}: provided by {}, which the buildroot of {source} holds (pulled in by \
                     BuildRequires {})",
                    pool.package(p),
                    self.br.via.get(&p).map_or("?", String::as_str)
                ),
                None => format!("{cond}: holds in the buildroot of {source}"),
            };
            return Held {
                yes,
                assumed: false,
                why,
            };
        }
        let providers = pool.whatprovides(cond);
        let role = |p: &PkgId| resolver.roles().of(pool, *p);
        if let Some(p) = providers.iter().find(|p| role(p).is_target()) {
            Held {
                yes: false,
                assumed: true,
                why: format!(
                    "{cond}: the target has it ({}), but nothing in the buildroot of {source} \
                     pulls it in; read as absent (a default buildroot package set could hold it)",
                    pool.package(*p)
                ),
            }
        } else if let Some(p) = providers.iter().find(|p| role(p) == Role::ReferenceBinary) {
            Held {
                yes: false,
                assumed: false,
                why: format!(
                    "{cond}: only {} (not in the target) provides it, and nothing in the \
                     buildroot of {source} pulls it in",
                    pool.package(*p)
                ),
            }
        } else {
            Held {
                yes: false,
                assumed: false,
                why: format!("{cond}: nothing provides it"),
            }
        }
    }
}

/// Whether `cond` is true of the installed set `members` (libsolv's reading of each
/// operator), with a member that provides it when there is one.
pub(crate) fn fulfilled(
    pool: &Pool,
    members: &FxHashSet<PkgId>,
    cond: &Requirement,
) -> (bool, Option<PkgId>) {
    let ok = |r: &Requirement| fulfilled(pool, members, r);
    match cond {
        Requirement::Simple(_) | Requirement::With(_) | Requirement::Without(..) => {
            let hit = pool
                .whatprovides(cond)
                .into_iter()
                .find(|p| members.contains(p));
            (hit.is_some(), hit)
        }
        Requirement::And(v) => {
            let mut witness = None;
            for r in v {
                let (yes, w) = ok(r);
                if !yes {
                    return (false, None);
                }
                witness = witness.or(w);
            }
            (true, witness)
        }
        Requirement::Or(v) => v
            .iter()
            .map(ok)
            .find(|(yes, _)| *yes)
            .unwrap_or((false, None)),
        Requirement::If {
            then,
            cond,
            otherwise,
        } => match (ok(cond).0, otherwise) {
            (true, _) => ok(then),
            (false, Some(o)) => ok(o),
            (false, None) => (true, None),
        },
        Requirement::Unless {
            then,
            cond,
            otherwise,
        } => match (ok(cond).0, otherwise) {
            (true, Some(o)) => ok(o),
            (true, None) => (false, None),
            (false, _) => ok(then),
        },
    }
}
