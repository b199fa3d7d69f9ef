//! The whole reference against the target: every source package's missing closure at once.
//!
//! The closure of every root is reachability in one graph whose nodes are reference
//! source packages and reference binaries: a source points to the chosen providers of its
//! missing BuildRequires; a binary points to its source and (with install dependencies) to
//! the chosen providers of its missing Requires. The graph is built once, with every
//! dependency resolved once, and condensed into its strongly connected components; the
//! closures are then propagated over it 64 roots at a time.

use rustc_hash::FxHashMap;

use ebranch_index::{DepRef, NameId, PkgId};

use crate::buildroot::rich_of;
use crate::resolve::{Pick, Resolution, Resolver};
use crate::rich::{NoBuildroot, evaluate};
use crate::roles::Role;

/// One source package of the gap report.
#[derive(Clone, Debug, serde::Serialize)]
pub struct GapEntry {
    /// Source package name.
    pub source: String,
    /// Distinct other sources its own BuildRequires need.
    pub direct: usize,
    /// BuildRequires nothing provides.
    pub unresolvable: usize,
    /// Sources in its whole closure (itself excluded), build and install dependencies.
    pub transitive: usize,
    /// Whether every BuildRequires is satisfied by the target now.
    pub buildable_now: bool,
    /// How many other sources' closures contain it: what branching it would unblock.
    pub needed_by: usize,
}

/// The result of [`gap`], sorted by source name.
#[derive(Clone, Debug, serde::Serialize)]
pub struct GapReport {
    /// One entry per analysed source package.
    pub entries: Vec<GapEntry>,
}

/// Computes the gap for every reference source package (or only `only`, though needed-by
/// counts are then over those roots only).
pub fn gap(resolver: &mut Resolver<'_>, only: Option<&[String]>, install_deps: bool) -> GapReport {
    let graph = Graph::build(resolver, install_deps);
    let pool = resolver.pool();
    let roots: Vec<u32> = match only {
        Some(names) => names
            .iter()
            .filter_map(|n| graph.source_index.get(&pool.lookup(n)?).copied())
            .collect(),
        None => (0..graph.sources.len() as u32)
            .filter(|s| graph.sources[*s as usize].exists)
            .collect(),
    };
    let parts: Vec<Walked> =
        crate::parallel::in_parts(&roots, crate::parallel::part_len(roots.len(), 64), |part| {
            graph.walk_all(part)
        });
    // A source is in the closure of every root whose walk reached its component, except
    // its own (a root's walk always reaches its own component).
    let mut reached = vec![0usize; graph.components];
    let mut transitive = vec![0usize; graph.sources.len()];
    for (sizes, counts) in parts {
        for (root, size) in sizes {
            transitive[root as usize] = size;
        }
        for (c, n) in counts.into_iter().enumerate() {
            reached[c] += n as usize;
        }
    }
    let mut needed_by: Vec<usize> = graph
        .sources
        .iter()
        .map(|info| reached[graph.component[info.node as usize] as usize])
        .collect();
    for &r in &roots {
        needed_by[r as usize] -= 1;
    }
    let mut entries: Vec<GapEntry> = roots
        .iter()
        .map(|&r| {
            let info = &graph.sources[r as usize];
            GapEntry {
                source: pool.str(info.name).to_owned(),
                direct: info.direct as usize,
                unresolvable: info.unresolvable as usize,
                transitive: transitive[r as usize],
                buildable_now: info.direct == 0 && info.unresolvable == 0 && info.exists,
                needed_by: needed_by[r as usize],
            }
        })
        .collect();
    entries.sort_by(|a, b| a.source.cmp(&b.source));
    GapReport { entries }
}

/// What one worker's walks found: (root, closure size) pairs and, per component, how
/// many walks reached it.
type Walked = (Vec<(u32, usize)>, Vec<u32>);

struct SourceInfo {
    name: NameId,
    node: u32,
    direct: u32,
    unresolvable: u32,
    exists: bool,
}

/// The reachability graph: nodes are sources and binaries, in creation order, condensed
/// into strongly connected components. Every node of a component reaches every other, so
/// a walk enters each component once and counts its sources at once: the reference's
/// build cycles (compilers, interpreters, their libraries) make components of thousands
/// of nodes that every large closure contains.
struct Graph {
    sources: Vec<SourceInfo>,
    source_index: FxHashMap<NameId, u32>,
    /// Per node: its component.
    component: Vec<u32>,
    /// Number of components.
    components: usize,
    /// Per component: how many of its nodes are sources.
    component_sources: Vec<u32>,
    /// Component edges (no self-loops, no duplicates): the successors of component `c`
    /// are `targets[offsets[c]..offsets[c + 1]]`.
    offsets: Vec<u32>,
    targets: Vec<u32>,
}

enum Node {
    Source(u32),
    Binary(PkgId),
}

impl Graph {
    fn build(resolver: &mut Resolver<'_>, install_deps: bool) -> Graph {
        let pool = resolver.pool();
        let roles = resolver.roles();
        let mut graph = Builder::new(pool.len());
        let mut memo = ProviderMemo::new(pool.dep_count());
        for repo in roles.repos(Role::ReferenceSource) {
            for p in pool.repo_packages(repo) {
                let pkg = pool.package(p);
                if pkg.is_source() {
                    graph.source(pkg.name_id(), true);
                }
            }
        }
        // Nodes are expanded in the order they were made, so their edges are appended
        // in node order. They are taken a generation at a time (the nodes the previous
        // generation made): first every dependency of the generation not answered yet is
        // answered, spread over the cores, then the generation is expanded from the memo.
        let mut start = 0;
        while start < graph.nodes.len() {
            let end = graph.nodes.len();
            let wanted = graph.unanswered(resolver, &mut memo, start..end, install_deps);
            memo.answer_all(resolver, wanted);
            for n in start..end {
                graph.expand(resolver, &mut memo, n, install_deps);
            }
            start = end;
        }
        graph.finish()
    }
}

/// The reference binaries a dependency pulls in, and whether part of it cannot be met. A
/// rich dependency is evaluated as the closure does (`crate::rich`), except that with no
/// buildroot to look at, `if`/`unless` conditions are read as absent.
fn providers(resolver: &mut Resolver<'_>, dep: &DepRef<'_>, install: bool) -> (Vec<PkgId>, bool) {
    if let Some(req) = rich_of(resolver.pool(), dep) {
        let needs = evaluate(resolver, req, install, &mut NoBuildroot, &mut Vec::new());
        let unresolvable = needs.iter().any(|n| n.pick == Pick::Nothing);
        let chosen = needs
            .into_iter()
            .filter_map(|n| match n.pick {
                Pick::Reference { chosen, .. } => Some(chosen),
                _ => None,
            })
            .collect();
        return (chosen, unresolvable);
    }
    match resolver.resolve_requires(dep, install) {
        Resolution::Satisfied => (Vec::new(), false),
        Resolution::Unresolvable => (Vec::new(), true),
        Resolution::Provider { chosen, .. } => (vec![*chosen], false),
    }
}

/// Marks a dependency not looked at yet in [`ProviderMemo`].
const UNKNOWN: u32 = u32::MAX;
/// Marks a dependency about to be answered by [`ProviderMemo::answer_all`].
const PENDING: u32 = u32::MAX - 1;
/// Fewer dependencies than this are answered on the calling thread.
const PARALLEL_FROM: usize = 256;

/// [`providers`] memoised per distinct dependency, for BuildRequires and install-time
/// Requires apart: many packages share each dependency.
struct ProviderMemo {
    /// Per `2 * DepId + install`: the index of its answer in `spans`, [`UNKNOWN`] or
    /// [`PENDING`].
    slots: Vec<u32>,
    /// Answers: a range of `chosen` and whether part of the dependency cannot be met.
    spans: Vec<(u32, u32, bool)>,
    chosen: Vec<PkgId>,
}

impl ProviderMemo {
    fn new(deps: usize) -> ProviderMemo {
        ProviderMemo {
            slots: vec![UNKNOWN; 2 * deps],
            spans: Vec::new(),
            chosen: Vec::new(),
        }
    }

    fn slot(dep: &DepRef<'_>, install: bool) -> usize {
        2 * dep.id().index() + usize::from(install)
    }

    /// Marks `dep` pending if it has no answer and is not pending yet; says whether it did.
    fn mark_pending(&mut self, dep: &DepRef<'_>, install: bool) -> bool {
        let slot = &mut self.slots[Self::slot(dep, install)];
        let new = *slot == UNKNOWN;
        if new {
            *slot = PENDING;
        }
        new
    }

    /// Answers every dependency of `wanted`, spread over the cores: each worker asks a
    /// resolver of its own (answers do not depend on what a resolver memoised before).
    fn answer_all(&mut self, resolver: &Resolver<'_>, wanted: Vec<(DepRef<'_>, bool)>) {
        let part = crate::parallel::part_len(wanted.len(), PARALLEL_FROM);
        let parts = crate::parallel::in_parts(&wanted, part, |part| {
            let mut own = resolver.fork();
            part.iter()
                .map(|(dep, install)| providers(&mut own, dep, *install))
                .collect::<Vec<_>>()
        });
        for ((dep, install), (chosen, unresolvable)) in
            wanted.iter().zip(parts.into_iter().flatten())
        {
            self.store(Self::slot(dep, *install), &chosen, unresolvable);
        }
    }

    fn store(&mut self, slot: usize, chosen: &[PkgId], unresolvable: bool) {
        let start = self.chosen.len() as u32;
        self.chosen.extend_from_slice(chosen);
        self.slots[slot] = self.spans.len() as u32;
        self.spans
            .push((start, self.chosen.len() as u32, unresolvable));
    }

    /// [`providers`] of `dep`, computed once.
    fn get(
        &mut self,
        resolver: &mut Resolver<'_>,
        dep: &DepRef<'_>,
        install: bool,
    ) -> (&[PkgId], bool) {
        let slot = Self::slot(dep, install);
        if self.slots[slot] >= PENDING {
            let (chosen, unresolvable) = providers(resolver, dep, install);
            self.store(slot, &chosen, unresolvable);
        }
        let (start, end, unresolvable) = self.spans[self.slots[slot] as usize];
        (&self.chosen[start as usize..end as usize], unresolvable)
    }
}

impl Graph {
    /// The closures of `roots` (source indexes): (root, closure size) and, per component,
    /// in how many of these closures it is. A root is not in its own closure.
    ///
    /// Reachability is propagated for 64 roots at once: each component holds a bit per
    /// root of the batch that reaches it. Every edge goes to a component numbered lower
    /// (see [`strong_components`]), so visiting the touched components from the highest
    /// down sees each one after everything that reaches it, once per batch.
    fn walk_all(&self, roots: &[u32]) -> Walked {
        let mut reach = vec![0u64; self.components];
        let mut touched = vec![0u64; self.components.div_ceil(64)];
        let mut counts = vec![0u32; self.components];
        let mut sizes = Vec::with_capacity(roots.len());
        for batch in roots.chunks(64) {
            for (k, &root) in batch.iter().enumerate() {
                let c = self.component[self.sources[root as usize].node as usize] as usize;
                reach[c] |= 1 << k;
                touched[c / 64] |= 1 << (c % 64);
            }
            let mut size = [0usize; 64];
            for w in (0..touched.len()).rev() {
                // Visiting a component touches only lower ones: this word's lower bits
                // or earlier words.
                while touched[w] != 0 {
                    let bit = 63 - touched[w].leading_zeros() as usize;
                    touched[w] &= !(1 << bit);
                    let c = w * 64 + bit;
                    let roots_here = std::mem::take(&mut reach[c]);
                    self.visit(c, roots_here, &mut reach, &mut touched);
                    counts[c] += roots_here.count_ones();
                    let n = self.component_sources[c] as usize;
                    if n > 0 {
                        let mut bits = roots_here;
                        while bits != 0 {
                            size[bits.trailing_zeros() as usize] += n;
                            bits &= bits - 1;
                        }
                    }
                }
            }
            // The root's own component counted the root.
            sizes.extend(batch.iter().zip(size).map(|(&root, n)| (root, n - 1)));
        }
        (sizes, counts)
    }

    /// Passes the roots reaching component `c` on to its successors.
    fn visit(&self, c: usize, roots_here: u64, reach: &mut [u64], touched: &mut [u64]) {
        let (a, b) = (self.offsets[c] as usize, self.offsets[c + 1] as usize);
        for &next in &self.targets[a..b] {
            let next = next as usize;
            debug_assert!(next < c, "edges go to lower components");
            reach[next] |= roots_here;
            touched[next / 64] |= 1 << (next % 64);
        }
    }
}

/// Builds the graph's nodes as they are first reached, and its edges (CSR) node by node.
struct Builder {
    nodes: Vec<Node>,
    /// The edges of node `n` are `targets[offsets[n]..offsets[n + 1]]`.
    offsets: Vec<u32>,
    targets: Vec<u32>,
    sources: Vec<SourceInfo>,
    source_index: FxHashMap<NameId, u32>,
    /// Per package of the pool: its node, or [`UNSEEN`].
    binary_node: Vec<u32>,
}

impl Builder {
    fn new(packages: usize) -> Builder {
        Builder {
            nodes: Vec::new(),
            offsets: vec![0],
            targets: Vec::new(),
            sources: Vec::new(),
            source_index: FxHashMap::default(),
            binary_node: vec![UNSEEN; packages],
        }
    }

    /// The dependencies of the nodes `range` that `memo` has no answer for yet, each once
    /// (marked pending in `memo`), with whether each is an install-time Requires. A source
    /// not in the reference is marked missing here.
    fn unanswered<'p>(
        &mut self,
        resolver: &Resolver<'p>,
        memo: &mut ProviderMemo,
        range: std::ops::Range<usize>,
        install_deps: bool,
    ) -> Vec<(DepRef<'p>, bool)> {
        let pool = resolver.pool();
        let mut wanted = Vec::new();
        for n in range {
            let (pkg, install) = match self.nodes[n] {
                Node::Source(s) => {
                    let info = &mut self.sources[s as usize];
                    let Some(src) = resolver.source_package_id(info.name) else {
                        info.exists = false;
                        continue;
                    };
                    (src, false)
                }
                Node::Binary(_) if !install_deps => continue,
                Node::Binary(b) => (b, true),
            };
            for dep in pool.package(pkg).requires() {
                if memo.mark_pending(&dep, install) {
                    wanted.push((dep, install));
                }
            }
        }
        wanted
    }

    /// Makes the edges of node `n` (its dependencies answered in `memo`).
    fn expand(
        &mut self,
        resolver: &mut Resolver<'_>,
        memo: &mut ProviderMemo,
        n: usize,
        install_deps: bool,
    ) {
        match self.nodes[n] {
            Node::Source(s) => self.expand_source(resolver, memo, s),
            Node::Binary(b) => {
                let pool = resolver.pool();
                let source = self.source(pool.source_name_id(b), false);
                self.targets.push(source);
                if install_deps {
                    for dep in pool.package(b).requires() {
                        for &chosen in memo.get(resolver, &dep, true).0 {
                            self.edge_to_binary(chosen);
                        }
                    }
                }
            }
        }
        self.end_node();
    }

    /// The edges of source `s` to the binaries its BuildRequires pull in, and its counts.
    fn expand_source(&mut self, resolver: &mut Resolver<'_>, memo: &mut ProviderMemo, s: u32) {
        let pool = resolver.pool();
        let name = self.sources[s as usize].name;
        let Some(src) = resolver.source_package_id(name) else {
            return;
        };
        let mut needed: Vec<NameId> = Vec::new();
        let mut unresolvable = 0;
        for dep in pool.package(src).requires() {
            let (chosen, missing) = memo.get(resolver, &dep, false);
            unresolvable += u32::from(missing);
            for &chosen in chosen {
                let src_name = pool.source_name_id(chosen);
                if src_name != name {
                    needed.push(src_name);
                }
                self.edge_to_binary(chosen);
            }
        }
        needed.sort_unstable();
        needed.dedup();
        let info = &mut self.sources[s as usize];
        info.direct = needed.len() as u32;
        info.unresolvable = unresolvable;
    }

    /// The node of the source `name`, created if new.
    fn source(&mut self, name: NameId, exists: bool) -> u32 {
        if let Some(&s) = self.source_index.get(&name) {
            return self.sources[s as usize].node;
        }
        let s = self.sources.len() as u32;
        let node = self.nodes.len() as u32;
        self.sources.push(SourceInfo {
            name,
            node,
            direct: 0,
            unresolvable: 0,
            exists,
        });
        self.source_index.insert(name, s);
        self.nodes.push(Node::Source(s));
        node
    }

    /// An edge from the node being expanded to the binary `b`'s node, created if new.
    fn edge_to_binary(&mut self, b: PkgId) {
        let mut node = self.binary_node[b.index()];
        if node == UNSEEN {
            node = self.nodes.len() as u32;
            self.binary_node[b.index()] = node;
            self.nodes.push(Node::Binary(b));
        }
        self.targets.push(node);
    }

    /// Ends the edges of the node being expanded.
    fn end_node(&mut self) {
        self.offsets.push(self.targets.len() as u32);
    }

    fn finish(self) -> Graph {
        let (component, components) = strong_components(&self.offsets, &self.targets);
        let mut component_sources = vec![0u32; components];
        for info in &self.sources {
            component_sources[component[info.node as usize] as usize] += 1;
        }
        let (offsets, targets) = condense(&self.offsets, &self.targets, &component, components);
        Graph {
            sources: self.sources,
            source_index: self.source_index,
            component,
            components,
            component_sources,
            offsets,
            targets,
        }
    }
}

/// Not visited yet, in [`strong_components`].
const UNSEEN: u32 = u32::MAX;

/// The strongly connected components of the graph `offsets`/`targets` (CSR): each node's
/// component, and their number. Tarjan's algorithm, iterative (closures are deep). A
/// component is numbered after every component it reaches, so every edge between two
/// components goes to the lower number.
fn strong_components(offsets: &[u32], targets: &[u32]) -> (Vec<u32>, usize) {
    let n = offsets.len() - 1;
    let mut t = Tarjan {
        index: vec![UNSEEN; n],
        low: vec![0u32; n],
        open: Vec::new(),
        calls: Vec::new(),
        next_index: 0,
    };
    let mut component = vec![UNSEEN; n];
    let mut count = 0u32;
    for root in 0..n as u32 {
        if t.index[root as usize] != UNSEEN {
            continue;
        }
        t.visit(root, offsets);
        while let Some(&(v, edge)) = t.calls.last() {
            let v = v as usize;
            if edge < offsets[v + 1] {
                t.calls.last_mut().expect("not empty").1 += 1;
                let w = targets[edge as usize] as usize;
                if t.index[w] == UNSEEN {
                    t.visit(w as u32, offsets);
                } else if component[w] == UNSEEN {
                    // Visited and not yet in a component: on the open stack.
                    t.low[v] = t.low[v].min(t.index[w]);
                }
                continue;
            }
            t.calls.pop();
            if let Some(&(u, _)) = t.calls.last() {
                t.low[u as usize] = t.low[u as usize].min(t.low[v]);
            }
            if t.low[v] == t.index[v] {
                loop {
                    let w = t.open.pop().expect("v is open") as usize;
                    component[w] = count;
                    if w == v {
                        break;
                    }
                }
                count += 1;
            }
        }
    }
    (component, count as usize)
}

/// The state of [`strong_components`]' walk.
struct Tarjan {
    index: Vec<u32>,
    low: Vec<u32>,
    /// Nodes visited and not yet assigned a component.
    open: Vec<u32>,
    /// The walk's path: a node and the position of its next edge.
    calls: Vec<(u32, u32)>,
    next_index: u32,
}

impl Tarjan {
    fn visit(&mut self, v: u32, offsets: &[u32]) {
        self.index[v as usize] = self.next_index;
        self.low[v as usize] = self.next_index;
        self.next_index += 1;
        self.open.push(v);
        self.calls.push((v, offsets[v as usize]));
    }
}

/// The edges between components (CSR over components), without self-loops or duplicates.
fn condense(
    offsets: &[u32],
    targets: &[u32],
    component: &[u32],
    components: usize,
) -> (Vec<u32>, Vec<u32>) {
    // The nodes grouped by component (a counting sort).
    let mut start = vec![0u32; components + 1];
    for &c in component {
        start[c as usize + 1] += 1;
    }
    for c in 0..components {
        start[c + 1] += start[c];
    }
    let mut fill = start.clone();
    let mut members = vec![0u32; component.len()];
    for (node, &c) in component.iter().enumerate() {
        members[fill[c as usize] as usize] = node as u32;
        fill[c as usize] += 1;
    }
    let mut seen = vec![UNSEEN; components];
    let mut out_offsets = Vec::with_capacity(components + 1);
    let mut out_targets = Vec::new();
    out_offsets.push(0u32);
    for c in 0..components {
        seen[c] = c as u32;
        for &v in &members[start[c] as usize..start[c + 1] as usize] {
            let v = v as usize;
            for &w in &targets[offsets[v] as usize..offsets[v + 1] as usize] {
                let d = component[w as usize];
                if seen[d as usize] != c as u32 {
                    seen[d as usize] = c as u32;
                    out_targets.push(d);
                }
            }
        }
        out_offsets.push(out_targets.len() as u32);
    }
    (out_offsets, out_targets)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The graph of `edges` over `n` nodes, as CSR.
    fn csr(n: usize, edges: &[(u32, u32)]) -> (Vec<u32>, Vec<u32>) {
        let mut lists = vec![Vec::new(); n];
        for &(a, b) in edges {
            lists[a as usize].push(b);
        }
        let mut offsets = vec![0];
        let mut targets = Vec::new();
        for l in lists {
            targets.extend(l);
            offsets.push(targets.len() as u32);
        }
        (offsets, targets)
    }

    #[test]
    fn components_are_the_cycles() {
        // 0 -> 1 -> 2 -> 0 is one cycle, 2 -> 3 -> 4 -> 3 another, 5 alone, 6 -> 6.
        let (o, t) = csr(
            7,
            &[
                (0, 1),
                (1, 2),
                (2, 0),
                (2, 3),
                (3, 4),
                (4, 3),
                (5, 0),
                (6, 6),
            ],
        );
        let (c, n) = strong_components(&o, &t);
        assert_eq!(n, 4);
        assert!(c[0] == c[1] && c[1] == c[2]);
        assert!(c[3] == c[4] && c[3] != c[0]);
        assert!(c[5] != c[0] && c[5] != c[3] && c[6] != c[5] && c[6] != c[0]);
        let (co, ct) = condense(&o, &t, &c, n);
        let succ = |x: u32| ct[co[x as usize] as usize..co[x as usize + 1] as usize].to_vec();
        assert_eq!(succ(c[0]), vec![c[3]], "one edge, no self-loop");
        assert_eq!(succ(c[3]), Vec::<u32>::new());
        assert_eq!(succ(c[5]), vec![c[0]]);
        assert_eq!(succ(c[6]), Vec::<u32>::new(), "a self-loop is dropped");
        for x in 0..n as u32 {
            assert!(
                succ(x).iter().all(|&y| y < x),
                "edges go to lower components"
            );
        }
    }

    #[test]
    fn components_of_a_long_chain_need_no_deep_recursion() {
        let n = 200_000u32;
        let edges: Vec<(u32, u32)> = (0..n - 1).map(|i| (i, i + 1)).chain([(n - 1, 0)]).collect();
        let (o, t) = csr(n as usize, &edges);
        let (c, count) = strong_components(&o, &t);
        assert_eq!(count, 1);
        assert!(c.iter().all(|&x| x == 0));
    }
}
