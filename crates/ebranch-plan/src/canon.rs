//! Canonical form of a [`BuildGraph`]: sorted unique names, one merged edge per pair.
//!
//! Everything downstream works on this form, so the plan does not depend on the order of
//! packages or edges in the input.

use crate::graph::{BuildGraph, EdgeKind};

/// A graph with nodes numbered in name order and edges sorted by `(from, to)`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Canon {
    /// Package names, sorted and unique; a node is its index here.
    pub names: Vec<String>,
    /// Merged edges, sorted by `(from, to)`, at most one per pair.
    pub edges: Vec<CanonEdge>,
    /// Unresolved dependencies per node (sorted, unique; empty when none).
    pub unresolved: Vec<Vec<String>>,
}

/// All dependencies of `from` on `to`, split by kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CanonEdge {
    pub from: usize,
    pub to: usize,
    /// BuildRequires strings, sorted and unique.
    pub build_deps: Vec<String>,
    /// Install-time Requires strings, sorted and unique.
    pub install_deps: Vec<String>,
    /// Whether any input edge of kind [`EdgeKind::Build`] was merged in.
    pub has_build: bool,
    /// Whether any input edge of kind [`EdgeKind::Install`] was merged in.
    pub has_install: bool,
}

impl CanonEdge {
    /// All dependency strings of the edge, sorted and unique.
    pub fn all_deps(&self) -> Vec<String> {
        self.dep_strs().into_iter().map(str::to_owned).collect()
    }

    /// [`CanonEdge::all_deps`], borrowed.
    pub fn dep_strs(&self) -> Vec<&str> {
        let mut all: Vec<&str> = self
            .build_deps
            .iter()
            .chain(&self.install_deps)
            .map(String::as_str)
            .collect();
        all.sort_unstable();
        all.dedup();
        all
    }

    /// The edge's kind: `Build` if any build edge was merged in.
    pub fn kind(&self) -> EdgeKind {
        if self.has_build {
            EdgeKind::Build
        } else {
            EdgeKind::Install
        }
    }
}

impl Canon {
    /// The canonical form of `graph`; out-of-range indexes are ignored.
    pub fn new(graph: &BuildGraph) -> Self {
        let mut names: Vec<&str> = graph.packages.iter().map(String::as_str).collect();
        names.sort_unstable();
        names.dedup();
        // Input package index -> canonical node, computed once.
        let node: Vec<usize> = graph
            .packages
            .iter()
            .map(|n| names.binary_search(&n.as_str()).unwrap_or(usize::MAX))
            .collect();
        let node_of = |i: usize| node.get(i).copied().filter(|&n| n != usize::MAX);
        let mut order: Vec<(usize, usize, usize)> = graph
            .edges
            .iter()
            .enumerate()
            .filter_map(|(k, e)| Some((node_of(e.from)?, node_of(e.to)?, k)))
            .collect();
        order.sort_unstable();
        let edges = order
            .chunk_by(|a, b| (a.0, a.1) == (b.0, b.1))
            .map(|run| merged_edge(graph, run))
            .collect();
        let mut unresolved: Vec<Vec<&str>> = vec![Vec::new(); names.len()];
        for u in &graph.unresolved {
            if let Some(n) = node_of(u.package) {
                unresolved[n].extend(u.deps.iter().map(String::as_str));
            }
        }
        Canon {
            names: names.iter().map(|n| (*n).to_owned()).collect(),
            edges,
            unresolved: unresolved.into_iter().map(sorted_unique).collect(),
        }
    }
}

/// One edge from the input edges `run` (all between the same two nodes).
fn merged_edge(graph: &BuildGraph, run: &[(usize, usize, usize)]) -> CanonEdge {
    let (mut build, mut install) = (Vec::new(), Vec::new());
    let (mut has_build, mut has_install) = (false, false);
    for &(_, _, k) in run {
        let e = &graph.edges[k];
        let (deps, has) = match e.kind {
            EdgeKind::Build => (&mut build, &mut has_build),
            EdgeKind::Install => (&mut install, &mut has_install),
        };
        *has = true;
        deps.extend(e.deps.iter().map(String::as_str));
    }
    CanonEdge {
        from: run[0].0,
        to: run[0].1,
        build_deps: sorted_unique(build),
        install_deps: sorted_unique(install),
        has_build,
        has_install,
    }
}

/// The strings sorted, each once.
fn sorted_unique(mut v: Vec<&str>) -> Vec<String> {
    v.sort_unstable();
    v.dedup();
    v.into_iter().map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{Edge, Unresolved};

    fn edge(from: usize, to: usize, dep: &str, kind: EdgeKind) -> Edge {
        Edge {
            from,
            to,
            deps: vec![dep.into()],
            kind,
        }
    }

    #[test]
    fn merges_names_and_edges() {
        let g = BuildGraph {
            packages: vec!["b".into(), "a".into(), "b".into()],
            edges: vec![
                edge(0, 1, "y", EdgeKind::Build),
                edge(2, 1, "x", EdgeKind::Install),
                edge(2, 1, "x", EdgeKind::Build),
                edge(0, 9, "ignored", EdgeKind::Build),
            ],
            unresolved: vec![
                Unresolved {
                    package: 2,
                    deps: vec!["u2".into(), "u1".into()],
                },
                Unresolved {
                    package: 0,
                    deps: vec!["u1".into()],
                },
            ],
        };
        let c = Canon::new(&g);
        assert_eq!(c.names, ["a", "b"]);
        assert_eq!(c.edges.len(), 1);
        let e = &c.edges[0];
        assert_eq!((e.from, e.to), (1, 0));
        assert_eq!(e.build_deps, ["x", "y"]);
        assert_eq!(e.install_deps, ["x"]);
        assert_eq!(e.all_deps(), ["x", "y"]);
        assert_eq!(e.kind(), EdgeKind::Build);
        assert_eq!(c.unresolved, [vec![], vec!["u1".to_string(), "u2".into()]]);
    }
}
