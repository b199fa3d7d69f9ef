//! Canonical form of a [`BuildGraph`]: sorted unique names, one merged edge per pair.
//!
//! Everything downstream works on this form, so the plan does not depend on the order of
//! packages or edges in the input.

use std::collections::{BTreeMap, BTreeSet};

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
        let set: BTreeSet<&String> = self.build_deps.iter().chain(&self.install_deps).collect();
        set.into_iter().cloned().collect()
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

#[derive(Default)]
struct Pending {
    build: BTreeSet<String>,
    install: BTreeSet<String>,
    has_build: bool,
    has_install: bool,
}

impl Canon {
    /// The canonical form of `graph`; out-of-range indexes are ignored.
    pub fn new(graph: &BuildGraph) -> Self {
        let names: Vec<String> = graph
            .packages
            .iter()
            .cloned()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let node_of = |i: usize| -> Option<usize> {
            let name = graph.packages.get(i)?;
            names.binary_search(name).ok()
        };
        let mut pending: BTreeMap<(usize, usize), Pending> = BTreeMap::new();
        for e in &graph.edges {
            let (Some(from), Some(to)) = (node_of(e.from), node_of(e.to)) else {
                continue;
            };
            let p = pending.entry((from, to)).or_default();
            match e.kind {
                EdgeKind::Build => {
                    p.has_build = true;
                    p.build.extend(e.deps.iter().cloned());
                }
                EdgeKind::Install => {
                    p.has_install = true;
                    p.install.extend(e.deps.iter().cloned());
                }
            }
        }
        let edges = pending
            .into_iter()
            .map(|((from, to), p)| CanonEdge {
                from,
                to,
                build_deps: p.build.into_iter().collect(),
                install_deps: p.install.into_iter().collect(),
                has_build: p.has_build,
                has_install: p.has_install,
            })
            .collect();
        let mut unresolved: Vec<BTreeSet<String>> = vec![BTreeSet::new(); names.len()];
        for u in &graph.unresolved {
            if let Some(node) = node_of(u.package) {
                unresolved[node].extend(u.deps.iter().cloned());
            }
        }
        Canon {
            names,
            edges,
            unresolved: unresolved
                .into_iter()
                .map(|s| s.into_iter().collect())
                .collect(),
        }
    }
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
