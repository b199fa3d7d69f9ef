//! The missing-dependency closure of some root source packages.

use std::collections::{BTreeMap, BTreeSet};

use ebranch_index::{DepRef, NameId, PkgId};
use rustc_hash::{FxHashMap, FxHashSet};

use ebranch_report::Class;
use ebranch_report::key::{ConditionReading, OperandPick};

use crate::buildroot::{Decision, buildroot, rich_of};
use crate::classify::{Impact, LayerRequires, classify, needs_by_source};
use crate::coinstall::Coinstall;
use crate::resolve::{Pick, Resolution, Resolver};
use crate::rich::{Need, NoBuildroot, evaluate, has_condition};

/// Options of [`closure`].
#[derive(Clone, Debug)]
pub struct ClosureOptions {
    /// Follow the install-time Requires of every reference binary pulled in (default on).
    /// Weak dependencies (Recommends, Suggests, ...) are never followed.
    pub install_deps: bool,
    /// Source packages to leave out: not expanded, and their binaries' Requires not
    /// followed.
    pub skip: BTreeSet<String>,
    /// With `install_deps`: also pull in what each buildroot needs because a reference
    /// binary it pulls in replaces a target package of the same name that other target
    /// packages it keeps need (a buildroot holds one version of each name; see
    /// `crate::coinstall`). Off by default: on a large universe it costs a walk of every
    /// buildroot, and it can grow a closure many times over (a new `python3` or compiler
    /// takes every target package built against the old one with it).
    pub coinstall: bool,
}

impl Default for ClosureOptions {
    fn default() -> Self {
        ClosureOptions {
            install_deps: true,
            skip: BTreeSet::new(),
            coinstall: false,
        }
    }
}

/// One row of the closure, as `solv_oracle.py closure` prints it:
/// `needed<TAB>needed_by<TAB>dep`, or `source<TAB>UNRESOLVABLE<TAB>dep`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Row {
    /// The source package that must be built (or, for unresolvable rows, the one that
    /// needs the dependency).
    pub needed: String,
    /// The source that needs it, or `UNRESOLVABLE`.
    pub needed_by: String,
    /// The dependency, rendered as libsolv prints it.
    pub dep: String,
}

/// A source package in the closure, with why it is there and what it needs.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct NeededSource {
    /// Source package name.
    pub name: String,
    /// Its EVR in the reference (`None` when the reference has no such source).
    pub evr: Option<String>,
    /// Whether it was asked for.
    pub root: bool,
    /// Left out by `--skip` (or `"skip": true` in a report).
    pub skip: bool,
    /// Why it is missing from the target (set for every entry of a finished closure).
    pub class: Option<Class>,
    /// What its class means in detail: what an update breaks, what the base lacks.
    pub impact: Impact,
    /// BuildRequires edges: provider source → the dependencies it satisfies.
    pub build: BTreeMap<String, BTreeSet<String>>,
    /// Install-time edges: provider source → Requires of this source's binaries (pulled
    /// into some buildroot) that it satisfies.
    pub install: BTreeMap<String, BTreeSet<String>>,
    /// Dependencies nothing provides, not even the reference.
    pub unresolvable: BTreeSet<String>,
    /// Dependencies only this package's own binaries provide (a bootstrap is needed).
    pub bootstrap: BTreeSet<String>,
    /// For dependencies with several reference providers: the chosen one and the others
    /// (`name-evr.arch`), keyed by dependency.
    pub alternatives: BTreeMap<String, Alternatives>,
    /// The reference binary chosen for each missing dependency of this package.
    pub providers: BTreeMap<String, String>,
    /// The reference binaries its BuildRequires pull into its buildroot (`name-evr.arch`),
    /// each with the BuildRequires it satisfies. What they pull in in turn is under their
    /// sources' [`NeededSource::binaries`].
    pub buildroot: BTreeMap<String, BTreeSet<String>>,
    /// Its reference binaries that some buildroot pulls in (`name-evr.arch`), each with
    /// the reference binaries its Requires pull in and the Requires each satisfies.
    pub binaries: BTreeMap<String, BTreeMap<String, BTreeSet<String>>>,
    /// For each rich dependency (of the source or of its binaries) that pulls something in
    /// or cannot be met: which operand pulled in which binary (`None`: nothing provides
    /// the operand, or the buildroot cannot meet it).
    pub operands: BTreeMap<String, BTreeMap<String, Option<OperandPick>>>,
    /// For each `if`/`unless` dependency (of the source or of its binaries): how each
    /// condition was read.
    pub conditions: BTreeMap<String, Vec<ConditionReading>>,
}

/// The provider chosen for a dependency and the other candidates.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Alternatives {
    /// The chosen binary (`name-evr.arch`).
    pub chosen: String,
    /// The other candidates (`name-evr.arch`).
    pub others: Vec<String>,
}

/// The result of [`closure`].
#[derive(Clone, Debug, Default)]
pub struct Closure {
    /// Every source package in the closure (roots included), by name.
    pub sources: BTreeMap<String, NeededSource>,
    /// The rows, sorted.
    pub rows: Vec<Row>,
}

/// Computes the missing-dependency closure of `roots` to its fixpoint.
///
/// For each BuildRequires of each source package in the closure that no target package
/// provides, the chosen reference provider's source joins the closure; with
/// `install_deps`, the Requires of every reference binary pulled in are followed the same
/// way, recursively. A dependency provided only by the package's own binaries is recorded
/// as a bootstrap need, not as an edge. Rich dependencies are evaluated as a buildroot
/// installs them (`crate::rich`): every operand of `and`, one of `or`; `if`/`unless`
/// dependencies are answered last, from the buildroots that meet them
/// (`crate::buildroot`), and the closure grows until their answers pull in nothing new.
/// With `coinstall`, so it does until no buildroot has to replace a target package it
/// keeps (`crate::coinstall`).
pub fn closure(resolver: &mut Resolver<'_>, roots: &[String], options: &ClosureOptions) -> Closure {
    let mut state = State {
        out: Closure::default(),
        rows: BTreeSet::new(),
        queue: Vec::new(),
        work: Vec::new(),
        seen_bin: FxHashSet::default(),
        install: options.install_deps,
        skip: &options.skip,
        rich: FxHashMap::default(),
        deferred: Vec::new(),
        buildroots: BTreeMap::new(),
        pulls: FxHashMap::default(),
        applied: FxHashSet::default(),
        coinstall: (options.install_deps && options.coinstall).then(Coinstall::default),
        stand_ins: FxHashSet::default(),
        walked: FxHashMap::default(),
    };
    for root in roots {
        if state.enter(root) {
            state
                .out
                .sources
                .get_mut(root.as_str())
                .expect("entered")
                .root = true;
        }
    }
    state.grow(resolver);
    let pool = resolver.pool();
    let roles = resolver.roles();
    let layer =
        LayerRequires::for_sources(pool, roles, state.out.sources.keys().map(String::as_str));
    let needs = needs_by_source(pool, &state.out);
    // Each source is classified on its own: spread over the cores.
    let classes = {
        let names: Vec<&String> = state.out.sources.keys().collect();
        let part = crate::parallel::part_len(names.len(), 16);
        crate::parallel::in_parts(&names, part, |part| {
            part.iter()
                .map(|name| {
                    let need = needs.get(name.as_str()).map_or(&[][..], Vec::as_slice);
                    classify(pool, roles, name, need, &layer)
                })
                .collect::<Vec<_>>()
        })
    };
    for ((name, entry), (class, impact)) in state
        .out
        .sources
        .iter_mut()
        .zip(classes.into_iter().flatten())
    {
        entry.name.clone_from(name);
        entry.class = Some(class);
        entry.impact = impact;
    }
    state.out.rows = state.rows.into_iter().collect();
    state.out
}

/// Whose dependency it is: a source package's BuildRequires or a binary's Requires.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Owner {
    Source(PkgId),
    Binary(PkgId),
}

impl Owner {
    pub(crate) fn pkg(self) -> PkgId {
        match self {
            Owner::Source(p) | Owner::Binary(p) => p,
        }
    }

    pub(crate) fn install(self) -> bool {
        matches!(self, Owner::Binary(_))
    }
}

struct State<'o, 'p> {
    out: Closure,
    rows: BTreeSet<Row>,
    queue: Vec<String>,
    /// Reference binaries pulled in whose Requires are still to follow.
    work: Vec<PkgId>,
    seen_bin: FxHashSet<PkgId>,
    install: bool,
    skip: &'o BTreeSet<String>,
    /// Rich dependencies without conditions, evaluated once: (name, install-time) → needs;
    /// `None` for those with conditions.
    rich: FxHashMap<(NameId, bool), Option<Vec<Need>>>,
    /// Conditional dependencies, answered once the rest of the closure is known.
    deferred: Vec<(Owner, DepRef<'p>)>,
    /// Per source in the closure: its package and the reference binaries its
    /// BuildRequires pull in.
    buildroots: BTreeMap<String, (PkgId, Vec<PkgId>)>,
    /// Per reference binary: the reference binaries its Requires pull in.
    pulls: FxHashMap<PkgId, Vec<PkgId>>,
    /// Answers of conditional dependencies already applied: (owner, dependency, operand).
    applied: FxHashSet<(PkgId, NameId, String)>,
    /// With install dependencies: the walk for target packages that give way to the
    /// reference binaries pulled in (`crate::coinstall`).
    coinstall: Option<Coinstall>,
    /// Stand-ins already applied: (owner, binary).
    stand_ins: FxHashSet<(PkgId, PkgId)>,
    /// Per source whose buildroot was walked for stand-ins: how many reference binaries
    /// it pulled in then.
    walked: FxHashMap<PkgId, usize>,
}

impl<'p> State<'_, 'p> {
    /// Grows the closure to its fixpoint: conditions and stand-ins settled.
    fn grow(&mut self, resolver: &mut Resolver<'p>) {
        loop {
            self.run(resolver);
            if self.settle_conditions(resolver) {
                continue;
            }
            if !self.settle_stand_ins(resolver) {
                break;
            }
        }
    }

    /// Adds a source to the closure; queues it unless skipped. False if already there.
    fn enter(&mut self, name: &str) -> bool {
        if self.out.sources.contains_key(name) {
            return false;
        }
        let skip = self.skip.contains(name);
        self.out.sources.insert(
            name.to_owned(),
            NeededSource {
                skip,
                ..NeededSource::default()
            },
        );
        if !skip {
            self.queue.push(name.to_owned());
        }
        true
    }

    /// Expands queued sources and follows pulled-in binaries until both are done.
    fn run(&mut self, resolver: &mut Resolver<'p>) {
        loop {
            if let Some(b) = self.work.pop() {
                if self.install {
                    self.follow(resolver, b);
                }
            } else if let Some(name) = self.queue.pop() {
                self.expand(resolver, &name);
            } else {
                return;
            }
        }
    }

    fn expand(&mut self, resolver: &mut Resolver<'p>, name: &str) {
        let Some(src) = resolver.source_package(name) else {
            self.rows.insert(Row {
                needed: name.to_owned(),
                needed_by: "UNRESOLVABLE".into(),
                dep: "(no such source package)".into(),
            });
            return;
        };
        let pool = resolver.pool();
        self.out.sources.get_mut(name).expect("queued").evr =
            Some(pool.package(src).evr().to_owned());
        self.buildroots
            .entry(name.to_owned())
            .or_insert((src, Vec::new()));
        for dep in pool.package(src).requires() {
            self.dependency(resolver, Owner::Source(src), dep);
        }
    }

    fn follow(&mut self, resolver: &mut Resolver<'p>, b: PkgId) {
        if !self.seen_bin.insert(b) {
            return;
        }
        let pool = resolver.pool();
        if self.skip.contains(pool.package(b).source_name()) {
            return;
        }
        for dep in pool.package(b).requires() {
            self.dependency(resolver, Owner::Binary(b), dep);
        }
    }

    /// Handles one dependency: pulls in what the target lacks, records rows and edges.
    fn dependency(&mut self, resolver: &mut Resolver<'p>, owner: Owner, dep: DepRef<'p>) {
        let pool = resolver.pool();
        if let Some(req) = rich_of(pool, &dep) {
            let key = (dep.name_id(), owner.install());
            let needs = self
                .rich
                .entry(key)
                .or_insert_with(|| {
                    (!has_condition(req)).then(|| {
                        evaluate(
                            resolver,
                            req,
                            owner.install(),
                            &mut NoBuildroot,
                            &mut Vec::new(),
                        )
                    })
                })
                .clone();
            match needs {
                Some(needs) => self.apply(resolver, owner, &dep.to_string(), &needs),
                None => self.deferred.push((owner, dep)),
            }
            return;
        }
        let text = match resolver.resolve_requires(&dep, owner.install()).clone() {
            Resolution::Satisfied => return,
            Resolution::Unresolvable => {
                let text = dep.to_string();
                self.unresolvable(resolver, owner, text);
                return;
            }
            Resolution::Provider {
                chosen,
                alternatives,
            } => (dep.to_string(), chosen, alternatives),
        };
        let (text, chosen, alternatives) = text;
        self.edge(resolver, owner, &text, &text, chosen, &alternatives);
    }

    /// Applies the needs of a rich dependency `text`.
    fn apply(&mut self, resolver: &Resolver<'p>, owner: Owner, text: &str, needs: &[Need]) {
        let pool = resolver.pool();
        let missing = needs
            .iter()
            .filter(|n| !matches!(n.pick, Pick::Target(_)))
            .count();
        for need in needs {
            let pick = match &need.pick {
                Pick::Target(_) => continue,
                Pick::Nothing => {
                    self.unresolvable(resolver, owner, text.to_owned());
                    None
                }
                Pick::Reference {
                    chosen,
                    alternatives,
                } => {
                    // Several operands pulling in several binaries: key the provider
                    // facts by operand, so each keeps its own.
                    let key = if missing > 1 { &need.operand } else { text };
                    self.edge(resolver, owner, text, key, *chosen, alternatives);
                    let binary = pool.package(*chosen);
                    Some(OperandPick {
                        binary: binary.nevra(),
                        source: binary.source_name().to_owned(),
                    })
                }
            };
            let name = self.owner_name(resolver, owner);
            self.entry(&name)
                .operands
                .entry(text.to_owned())
                .or_default()
                .insert(need.operand.clone(), pick);
        }
    }

    fn owner_name(&self, resolver: &Resolver<'p>, owner: Owner) -> String {
        let pool = resolver.pool();
        match owner {
            Owner::Source(p) => pool.package(p).name().to_owned(),
            Owner::Binary(p) => pool.package(p).source_name().to_owned(),
        }
    }

    fn unresolvable(&mut self, resolver: &Resolver<'p>, owner: Owner, text: String) {
        let name = self.owner_name(resolver, owner);
        self.rows.insert(Row {
            needed: name.clone(),
            needed_by: "UNRESOLVABLE".into(),
            dep: text.clone(),
        });
        self.entry(&name).unresolvable.insert(text);
    }

    /// `owner` needs the reference binary `chosen` for the dependency `text`: record the
    /// source edge (or bootstrap need), the binary-level edge, and pull the binary in.
    /// `key` names the dependency in `providers` and `alternatives`.
    fn edge(
        &mut self,
        resolver: &Resolver<'p>,
        owner: Owner,
        text: &str,
        key: &str,
        chosen: PkgId,
        alternatives: &[PkgId],
    ) {
        let pool = resolver.pool();
        let provider = pool.package(chosen);
        let needed = provider.source_name().to_owned();
        let name = self.owner_name(resolver, owner);
        let nevra = provider.nevra();
        let entry = self.out.sources.entry(name.clone()).or_default();
        entry.providers.insert(key.to_owned(), nevra.clone());
        if !alternatives.is_empty() {
            entry.alternatives.insert(
                key.to_owned(),
                Alternatives {
                    chosen: nevra.clone(),
                    others: alternatives
                        .iter()
                        .map(|p| pool.package(*p).nevra())
                        .collect(),
                },
            );
        }
        if needed == name {
            entry.bootstrap.insert(text.to_owned());
        } else {
            let edges = match owner {
                Owner::Source(_) => &mut entry.build,
                Owner::Binary(_) => &mut entry.install,
            };
            edges
                .entry(needed.clone())
                .or_default()
                .insert(text.to_owned());
            self.rows.insert(Row {
                needed: needed.clone(),
                needed_by: name.clone(),
                dep: text.to_owned(),
            });
        }
        match owner {
            Owner::Source(_) => {
                entry
                    .buildroot
                    .entry(nevra.clone())
                    .or_default()
                    .insert(text.to_owned());
                if let Some((_, bins)) = self.buildroots.get_mut(&name) {
                    bins.push(chosen);
                }
            }
            Owner::Binary(b) => {
                entry
                    .binaries
                    .entry(pool.package(b).nevra())
                    .or_default()
                    .entry(nevra.clone())
                    .or_default()
                    .insert(text.to_owned());
                self.pulls.entry(b).or_default().push(chosen);
            }
        }
        self.enter(&needed);
        if !self.skip.contains(&needed) {
            self.entry(&needed).binaries.entry(nevra).or_default();
        }
        self.work.push(chosen);
    }

    /// Answers the deferred conditional dependencies from the buildroots that meet them and
    /// applies what is new. True when something was applied (the closure may have grown).
    fn settle_conditions(&mut self, resolver: &mut Resolver<'p>) -> bool {
        if self.deferred.is_empty() {
            return false;
        }
        let decisions = self.decide(resolver);
        let mut grew = false;
        for (owner, dep) in self.deferred.clone() {
            let Some(decision) = decisions.get(&(owner.pkg(), dep.name_id())) else {
                continue;
            };
            let text = dep.to_string();
            let name = self.owner_name(resolver, owner);
            self.entry(&name)
                .conditions
                .insert(text.clone(), decision.readings.clone());
            let fresh: Vec<Need> = decision
                .needs
                .iter()
                .filter(|n| {
                    self.applied
                        .insert((owner.pkg(), dep.name_id(), n.operand.clone()))
                })
                .cloned()
                .collect();
            grew |= fresh.iter().any(|n| !matches!(n.pick, Pick::Target(_)));
            self.apply(resolver, owner, &text, &fresh);
        }
        grew
    }

    /// Walks every buildroot that meets a deferred dependency and merges the answers: a
    /// dependency needs what it needs in any of them.
    fn decide(&self, resolver: &mut Resolver<'p>) -> FxHashMap<(PkgId, NameId), Decision> {
        let wanted: FxHashSet<(PkgId, NameId)> = self
            .deferred
            .iter()
            .map(|(o, d)| (o.pkg(), d.name_id()))
            .collect();
        let mut merged: FxHashMap<(PkgId, NameId), Decision> = FxHashMap::default();
        for (name, src) in self.contexts() {
            let walked = buildroot(resolver, src, &name);
            for (key, decision) in walked.decisions {
                if !wanted.contains(&key) {
                    continue;
                }
                let slot = merged.entry(key).or_default();
                let held = |d: &Decision| d.readings.iter().any(|r| r.held);
                if slot.readings.is_empty() || (!held(slot) && held(&decision)) {
                    slot.readings = decision.readings.clone();
                }
                for need in decision.needs {
                    if !slot.needs.contains(&need) {
                        slot.needs.push(need);
                    }
                }
            }
        }
        merged
    }

    /// The sources whose buildroots meet a deferred dependency: those with a conditional
    /// BuildRequires, and those whose buildroot pulls in (directly or not) a binary with a
    /// conditional Requires.
    fn contexts(&self) -> BTreeMap<String, PkgId> {
        let mut out = BTreeMap::new();
        let mut binaries = FxHashSet::default();
        for (owner, _) in &self.deferred {
            match owner {
                Owner::Source(_) => {}
                Owner::Binary(b) => {
                    binaries.insert(*b);
                }
            }
        }
        for (name, (src, bins)) in &self.buildroots {
            let direct = self.deferred.iter().any(|(o, _)| *o == Owner::Source(*src));
            if direct || (!binaries.is_empty() && self.reaches(bins, &binaries)) {
                out.insert(name.clone(), *src);
            }
        }
        out
    }

    /// Whether following `pulls` from `start` reaches any of `targets`.
    fn reaches(&self, start: &[PkgId], targets: &FxHashSet<PkgId>) -> bool {
        let mut seen: FxHashSet<PkgId> = start.iter().copied().collect();
        let mut stack: Vec<PkgId> = start.to_vec();
        while let Some(b) = stack.pop() {
            if targets.contains(&b) {
                return true;
            }
            for next in self.pulls.get(&b).into_iter().flatten() {
                if seen.insert(*next) {
                    stack.push(*next);
                }
            }
        }
        false
    }

    /// Pulls in the reference binaries each buildroot takes in place of target packages
    /// that give way to the reference binaries it pulls in (`crate::coinstall`). A
    /// buildroot is walked again only when it pulls in more than at its last walk. True
    /// when something was pulled in.
    fn settle_stand_ins(&mut self, resolver: &mut Resolver<'p>) -> bool {
        let Some(mut coinstall) = self.coinstall.take() else {
            return false;
        };
        let pool = resolver.pool();
        let (mut found, mut unmet) = (Vec::new(), Vec::new());
        for (name, (src, bins)) in &self.buildroots {
            if self.skip.contains(name) {
                continue;
            }
            let pulled: FxHashSet<PkgId> = self
                .reachable(bins)
                .into_iter()
                .filter(|b| !self.skip.contains(pool.package(*b).source_name()))
                .collect();
            if self.walked.get(src) == Some(&pulled.len()) {
                continue;
            }
            self.walked.insert(*src, pulled.len());
            let mut starts = vec![Owner::Source(*src)];
            starts.extend(pulled.iter().map(|b| Owner::Binary(*b)));
            let walked = coinstall.stand_ins(resolver, &starts, &pulled);
            found.extend(walked.stand_ins);
            unmet.extend(walked.unmet);
        }
        self.coinstall = Some(coinstall);
        for (owner, text) in unmet {
            self.unresolvable(resolver, owner, text);
        }
        let mut grew = false;
        for s in found {
            if self.stand_ins.insert((s.owner.pkg(), s.binary)) {
                self.edge(resolver, s.owner, &s.text, &s.text, s.binary, &[]);
                grew = true;
            }
        }
        grew
    }

    /// The reference binaries reached by following `pulls` from `start`.
    fn reachable(&self, start: &[PkgId]) -> Vec<PkgId> {
        let mut seen: FxHashSet<PkgId> = start.iter().copied().collect();
        let mut stack: Vec<PkgId> = start.to_vec();
        while let Some(b) = stack.pop() {
            for next in self.pulls.get(&b).into_iter().flatten() {
                if seen.insert(*next) {
                    stack.push(*next);
                }
            }
        }
        seen.into_iter().collect()
    }

    fn entry(&mut self, name: &str) -> &mut NeededSource {
        self.out.sources.entry(name.to_owned()).or_default()
    }
}
