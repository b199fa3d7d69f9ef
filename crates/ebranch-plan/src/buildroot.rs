//! Turning install-time edges into buildroot edges.
//!
//! In a report, an install edge `T1 → T2` says that a binary of `T1` requires a binary of
//! `T2`. That does not mean `T2` must be built before `T1` (Koji builds `T1` without
//! installing its own binaries); it means that every package whose buildroot pulls in
//! `T1`'s binaries needs `T2` built first. [`buildroot_edges`] rewrites the graph that
//! way: each package `S` gets an install edge to every package reachable through install
//! edges from its build dependencies, and the raw install edges are dropped. This keeps
//! runtime-only cycles (two libraries requiring each other) from looking like build cycles.

use std::collections::{BTreeMap, BTreeSet};

use crate::graph::{BuildGraph, Edge, EdgeKind};

/// The graph with install edges replaced by the buildroot edges they imply (see the
/// module docs). Build edges are kept as they are.
pub fn buildroot_edges(graph: &BuildGraph) -> BuildGraph {
    let n = graph.packages.len();
    let mut install: Vec<Vec<(usize, &Vec<String>)>> = vec![Vec::new(); n];
    let mut build: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut edges: Vec<Edge> = Vec::new();
    for e in &graph.edges {
        if e.from >= n || e.to >= n {
            continue;
        }
        match e.kind {
            EdgeKind::Build => {
                build[e.from].push(e.to);
                edges.push(e.clone());
            }
            EdgeKind::Install => install[e.from].push((e.to, &e.deps)),
        }
    }
    for (s, direct) in build.iter().enumerate() {
        // Walk install edges from every build dependency of `s`, collecting the deps that
        // pull each package in.
        let mut reached: BTreeMap<usize, BTreeSet<String>> = BTreeMap::new();
        let mut stack: Vec<usize> = direct.clone();
        let mut seen: BTreeSet<usize> = direct.iter().copied().collect();
        while let Some(t) = stack.pop() {
            for (next, deps) in &install[t] {
                reached
                    .entry(*next)
                    .or_default()
                    .extend(deps.iter().cloned());
                if seen.insert(*next) {
                    stack.push(*next);
                }
            }
        }
        for (to, deps) in reached {
            if to == s || direct.contains(&to) {
                continue;
            }
            edges.push(Edge {
                from: s,
                to,
                deps: deps.into_iter().collect(),
                kind: EdgeKind::Install,
            });
        }
    }
    BuildGraph {
        packages: graph.packages.clone(),
        edges,
        unresolved: graph.unresolved.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(edges: &[(usize, usize, EdgeKind)]) -> BuildGraph {
        BuildGraph {
            packages: ["s", "t1", "t2", "t3"].map(String::from).to_vec(),
            edges: edges
                .iter()
                .map(|&(from, to, kind)| Edge {
                    from,
                    to,
                    deps: vec![format!("d{from}{to}")],
                    kind,
                })
                .collect(),
            unresolved: Vec::new(),
        }
    }

    #[test]
    fn install_chains_attach_to_the_package_whose_buildroot_needs_them() {
        // s builds with t1; t1's binaries need t2, whose binaries need t3.
        let g = graph(&[
            (0, 1, EdgeKind::Build),
            (1, 2, EdgeKind::Install),
            (2, 3, EdgeKind::Install),
        ]);
        let out = buildroot_edges(&g);
        let pairs: Vec<(usize, usize, EdgeKind)> =
            out.edges.iter().map(|e| (e.from, e.to, e.kind)).collect();
        assert_eq!(
            pairs,
            vec![
                (0, 1, EdgeKind::Build),
                (0, 2, EdgeKind::Install),
                (0, 3, EdgeKind::Install)
            ]
        );
    }

    #[test]
    fn runtime_cycles_are_not_build_cycles() {
        // t1 and t2 require each other at run time; nobody builds with them.
        let g = graph(&[(1, 2, EdgeKind::Install), (2, 1, EdgeKind::Install)]);
        assert!(buildroot_edges(&g).edges.is_empty());
    }
}
