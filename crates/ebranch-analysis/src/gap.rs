//! The whole reference against the target: every source package's missing closure at once.
//!
//! The closure of every root is reachability in one graph whose nodes are reference
//! source packages and reference binaries: a source points to the chosen providers of its
//! missing BuildRequires; a binary points to its source and (with install dependencies) to
//! the chosen providers of its missing Requires. The graph is built once, with every
//! dependency resolved once; each root is then one walk over it.

use rustc_hash::FxHashMap;

use ebranch_index::{DepRef, PkgId};

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
    let roots: Vec<u32> = match only {
        Some(names) => names
            .iter()
            .filter_map(|n| graph.source_index.get(n.as_str()).copied())
            .collect(),
        None => (0..graph.sources.len() as u32)
            .filter(|s| graph.sources[*s as usize].exists)
            .collect(),
    };
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 8);
    let chunk = roots.len().div_ceil(threads).max(1);
    let parts: Vec<Walked> = std::thread::scope(|scope| {
        let graph = &graph;
        let handles: Vec<_> = roots
            .chunks(chunk)
            .map(|part| scope.spawn(move || graph.walk_all(part)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("gap worker panicked"))
            .collect()
    });
    let mut needed_by = vec![0usize; graph.sources.len()];
    let mut transitive = FxHashMap::default();
    for (sizes, counts) in parts {
        for (root, size) in sizes {
            transitive.insert(root, size);
        }
        for (i, c) in counts.into_iter().enumerate() {
            needed_by[i] += c as usize;
        }
    }
    let mut entries: Vec<GapEntry> = roots
        .iter()
        .map(|&r| {
            let info = &graph.sources[r as usize];
            GapEntry {
                source: info.name.clone(),
                direct: info.direct,
                unresolvable: info.unresolvable,
                transitive: transitive[&r],
                buildable_now: info.direct == 0 && info.unresolvable == 0 && info.exists,
                needed_by: needed_by[r as usize],
            }
        })
        .collect();
    entries.sort_by(|a, b| a.source.cmp(&b.source));
    GapReport { entries }
}

/// What one worker's walks found: (root, closure size) pairs and needed-by counts.
type Walked = (Vec<(u32, usize)>, Vec<u32>);

struct SourceInfo {
    name: String,
    node: u32,
    direct: usize,
    unresolvable: usize,
    exists: bool,
}

/// The reachability graph: nodes are sources and binaries, in creation order.
struct Graph {
    sources: Vec<SourceInfo>,
    source_index: FxHashMap<String, u32>,
    /// Per node: its index in `sources`, or `u32::MAX` for a binary.
    source_of_node: Vec<u32>,
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
        let mut graph = Builder::default();
        for repo in roles.repos(Role::ReferenceSource) {
            for p in pool.repo_packages(repo) {
                let pkg = pool.package(p);
                if pkg.is_source() {
                    graph.source(pkg.name(), true);
                }
            }
        }
        let mut i = 0;
        while i < graph.nodes.len() {
            let edges = match graph.nodes[i] {
                Node::Source(s) => {
                    let name = graph.sources[s as usize].name.clone();
                    let mut edges = Vec::new();
                    if let Some(src) = resolver.source_package(&name) {
                        let mut needed: Vec<&str> = Vec::new();
                        for dep in pool.package(src).requires() {
                            let (chosen, unresolvable) = providers(resolver, &dep, false);
                            if unresolvable {
                                graph.sources[s as usize].unresolvable += 1;
                            }
                            for chosen in chosen {
                                let src_name = pool.package(chosen).source_name();
                                if src_name != name {
                                    needed.push(src_name);
                                }
                                edges.push(graph.binary(chosen));
                            }
                        }
                        needed.sort_unstable();
                        needed.dedup();
                        graph.sources[s as usize].direct = needed.len();
                    } else {
                        graph.sources[s as usize].exists = false;
                    }
                    edges
                }
                Node::Binary(b) => {
                    let mut edges = vec![graph.source(pool.package(b).source_name(), false)];
                    if install_deps {
                        for dep in pool.package(b).requires() {
                            for chosen in providers(resolver, &dep, true).0 {
                                edges.push(graph.binary(chosen));
                            }
                        }
                    }
                    edges
                }
            };
            graph.adjacency[i] = edges;
            i += 1;
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
    let resolution = if install {
        resolver.resolve_requires(dep, true)
    } else {
        resolver
            .resolve(dep.name_id(), dep.flags(), dep.evr_id())
            .clone()
    };
    match resolution {
        Resolution::Satisfied => (Vec::new(), false),
        Resolution::Unresolvable => (Vec::new(), true),
        Resolution::Provider { chosen, .. } => (vec![chosen], false),
    }
}

impl Graph {
    /// Walks from each root (source indexes): (root, closure size) and, per source, in how
    /// many of these closures it is.
    fn walk_all(&self, roots: &[u32]) -> Walked {
        let n = self.offsets.len() - 1;
        let mut stamp = vec![u32::MAX; n];
        let mut counts = vec![0u32; self.sources.len()];
        let mut stack: Vec<u32> = Vec::new();
        let mut sizes = Vec::with_capacity(roots.len());
        for (k, &root) in roots.iter().enumerate() {
            let k = k as u32;
            let mut size = 0usize;
            let start = self.sources[root as usize].node;
            stamp[start as usize] = k;
            stack.push(start);
            while let Some(node) = stack.pop() {
                let (a, b) = (
                    self.offsets[node as usize] as usize,
                    self.offsets[node as usize + 1] as usize,
                );
                for &next in &self.targets[a..b] {
                    if stamp[next as usize] != k {
                        stamp[next as usize] = k;
                        let s = self.source_of_node[next as usize];
                        if s != u32::MAX {
                            size += 1;
                            counts[s as usize] += 1;
                        }
                        stack.push(next);
                    }
                }
            }
            sizes.push((root, size));
        }
        (sizes, counts)
    }
}

/// Builds the graph's nodes as they are first reached.
#[derive(Default)]
struct Builder {
    nodes: Vec<Node>,
    adjacency: Vec<Vec<u32>>,
    sources: Vec<SourceInfo>,
    source_index: FxHashMap<String, u32>,
    binary_index: FxHashMap<PkgId, u32>,
}

impl Builder {
    /// The node of the source `name`, created if new.
    fn source(&mut self, name: &str, exists: bool) -> u32 {
        if let Some(&s) = self.source_index.get(name) {
            return self.sources[s as usize].node;
        }
        let s = self.sources.len() as u32;
        let node = self.nodes.len() as u32;
        self.sources.push(SourceInfo {
            name: name.to_owned(),
            node,
            direct: 0,
            unresolvable: 0,
            exists,
        });
        self.source_index.insert(name.to_owned(), s);
        self.nodes.push(Node::Source(s));
        self.adjacency.push(Vec::new());
        node
    }

    /// The node of the binary `b`, created if new.
    fn binary(&mut self, b: PkgId) -> u32 {
        if let Some(&n) = self.binary_index.get(&b) {
            return n;
        }
        let node = self.nodes.len() as u32;
        self.binary_index.insert(b, node);
        self.nodes.push(Node::Binary(b));
        self.adjacency.push(Vec::new());
        node
    }

    fn finish(self) -> Graph {
        let mut offsets = Vec::with_capacity(self.nodes.len() + 1);
        let mut targets = Vec::new();
        offsets.push(0u32);
        for list in &self.adjacency {
            targets.extend_from_slice(list);
            offsets.push(targets.len() as u32);
        }
        let source_of_node = self
            .nodes
            .iter()
            .map(|n| match n {
                Node::Source(s) => *s,
                Node::Binary(_) => u32::MAX,
            })
            .collect();
        Graph {
            sources: self.sources,
            source_index: self.source_index,
            source_of_node,
            offsets,
            targets,
        }
    }
}
