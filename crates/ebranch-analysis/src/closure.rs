//! The missing-dependency closure of some root source packages.

use std::collections::{BTreeMap, BTreeSet};

use ebranch_index::PkgId;
use rustc_hash::FxHashSet;

use ebranch_report::Class;

use crate::classify::{Impact, LayerRequires, classify, needs_by_source};
use crate::resolve::{Resolution, Resolver};

/// Options of [`closure`].
#[derive(Clone, Debug)]
pub struct ClosureOptions {
    /// Follow the install-time Requires of every reference binary pulled in (default on).
    /// Weak dependencies (Recommends, Suggests, ...) are never followed.
    pub install_deps: bool,
    /// Source packages to leave out: not expanded, and their binaries' Requires not
    /// followed.
    pub skip: BTreeSet<String>,
}

impl Default for ClosureOptions {
    fn default() -> Self {
        ClosureOptions {
            install_deps: true,
            skip: BTreeSet::new(),
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
/// as a bootstrap need, not as an edge.
pub fn closure(resolver: &mut Resolver<'_>, roots: &[String], options: &ClosureOptions) -> Closure {
    let mut state = State {
        out: Closure::default(),
        rows: BTreeSet::new(),
        queue: Vec::new(),
        seen_bin: FxHashSet::default(),
        install: options.install_deps,
        skip: &options.skip,
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
    while let Some(name) = state.queue.pop() {
        let Some(src) = resolver.source_package(&name) else {
            state.rows.insert(Row {
                needed: name.clone(),
                needed_by: "UNRESOLVABLE".into(),
                dep: "(no such source package)".into(),
            });
            continue;
        };
        let pool = resolver.pool();
        state.out.sources.get_mut(&name).expect("queued").evr =
            Some(pool.package(src).evr().to_owned());
        let mut work: Vec<PkgId> = Vec::new();
        for dep in pool.package(src).requires() {
            if let Some(p) = state.need(resolver, &name, dep, EdgeKind::Build) {
                work.push(p);
            }
        }
        while state.install
            && let Some(b) = work.pop()
        {
            if !state.seen_bin.insert(b) {
                continue;
            }
            let owner = pool.package(b).source_name().to_owned();
            if state.skip.contains(&owner) {
                continue;
            }
            for dep in pool.package(b).requires() {
                if let Some(p) = state.need(resolver, &owner, dep, EdgeKind::Install) {
                    work.push(p);
                }
            }
        }
    }
    let pool = resolver.pool();
    let needs = needs_by_source(pool, &state.out);
    let mut layer = LayerRequires::default();
    for (name, entry) in &mut state.out.sources {
        entry.name.clone_from(name);
        let need = needs.get(name.as_str()).map_or(&[][..], Vec::as_slice);
        let (class, impact) = classify(pool, resolver.roles(), name, need, &mut layer);
        entry.class = Some(class);
        entry.impact = impact;
    }
    state.out.rows = state.rows.into_iter().collect();
    state.out
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum EdgeKind {
    Build,
    Install,
}

struct State<'o> {
    out: Closure,
    rows: BTreeSet<Row>,
    queue: Vec<String>,
    seen_bin: FxHashSet<PkgId>,
    install: bool,
    skip: &'o BTreeSet<String>,
}

impl State<'_> {
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

    /// Handles one dependency of `owner` (a source, or the source of a binary): returns the
    /// reference binary to follow when the target lacks it.
    fn need(
        &mut self,
        resolver: &mut Resolver<'_>,
        owner: &str,
        dep: ebranch_index::DepRef<'_>,
        kind: EdgeKind,
    ) -> Option<PkgId> {
        let pool = resolver.pool();
        let resolution = resolver.resolve_requires(&dep, kind == EdgeKind::Install);
        let (chosen, alternatives) = match resolution {
            Resolution::Satisfied => return None,
            Resolution::Unresolvable => {
                let text = dep.to_string();
                self.rows.insert(Row {
                    needed: owner.to_owned(),
                    needed_by: "UNRESOLVABLE".into(),
                    dep: text.clone(),
                });
                self.entry(owner).unresolvable.insert(text);
                return None;
            }
            Resolution::Provider {
                chosen,
                alternatives,
            } => (chosen, alternatives),
        };
        let text = dep.to_string();
        let provider = pool.package(chosen);
        let needed = provider.source_name().to_owned();
        let entry = self.entry(owner);
        entry.providers.insert(text.clone(), provider.nevra());
        if !alternatives.is_empty() {
            entry.alternatives.insert(
                text.clone(),
                Alternatives {
                    chosen: provider.nevra(),
                    others: alternatives
                        .iter()
                        .map(|p| pool.package(*p).nevra())
                        .collect(),
                },
            );
        }
        if needed == owner {
            entry.bootstrap.insert(text);
        } else {
            let edges = match kind {
                EdgeKind::Build => &mut entry.build,
                EdgeKind::Install => &mut entry.install,
            };
            edges
                .entry(needed.clone())
                .or_default()
                .insert(text.clone());
            self.rows.insert(Row {
                needed: needed.clone(),
                needed_by: owner.to_owned(),
                dep: text,
            });
        }
        self.enter(&needed);
        Some(chosen)
    }

    fn entry(&mut self, name: &str) -> &mut NeededSource {
        self.out.sources.entry(name.to_owned()).or_default()
    }
}
