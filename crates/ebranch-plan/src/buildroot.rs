//! Turning install-time edges into buildroot edges.
//!
//! An install-time Requires does not mean that its provider must be built before the
//! package that has it (Koji builds a package without installing its own binaries); it
//! means that every package whose buildroot pulls that binary in needs the provider built
//! first. [`buildroot_edges_with`] rewrites the graph that way: each package `S` gets an
//! install edge to every package whose binaries its buildroot pulls in through Requires,
//! and the raw install edges are dropped. This keeps runtime-only cycles (two libraries
//! requiring each other) from looking like build cycles.
//!
//! With a report's binary-level facts ([`BinaryGraph`]: which binaries each buildroot
//! pulls in, and which binary requires which), the walk goes from binary to binary, so only
//! what the buildroot really installs counts. Without them (ebranch 0.0.3 reports, or an
//! entry written by hand), it goes per source: a package whose buildroot pulls in any
//! binary of `T1` needs everything any binary of `T1` requires — which can invent cycles.

use std::collections::{BTreeMap, BTreeSet};

use crate::graph::{BuildGraph, Edge, EdgeKind};

/// Binary-level install facts of a report: which reference binaries each buildroot pulls
/// in, and which binaries each binary's Requires pull in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BinaryGraph {
    /// Per package (index into [`BuildGraph::packages`]) whose entry has binary-level
    /// facts: the binaries its BuildRequires pull in, sorted.
    pub buildroots: BTreeMap<usize, Vec<String>>,
    /// Per binary: the package it is built from (index into [`BuildGraph::packages`]).
    pub owner: BTreeMap<String, usize>,
    /// Per binary: the binaries its Requires pull in, each with those Requires.
    pub requires: BTreeMap<String, Vec<(String, Vec<String>)>>,
}

/// The graph with install edges replaced by the buildroot edges they imply, per source
/// (see the module docs). Build edges are kept as they are.
pub fn buildroot_edges(graph: &BuildGraph) -> BuildGraph {
    buildroot_edges_with(graph, &BinaryGraph::default())
}

/// The graph with install edges replaced by the buildroot edges they imply: binary by
/// binary for the packages `binaries` has facts for, per source for the others (see the
/// module docs). Build edges are kept as they are.
pub fn buildroot_edges_with(graph: &BuildGraph, binaries: &BinaryGraph) -> BuildGraph {
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
        let reached = match binaries.buildroots.get(&s) {
            Some(start) => reached_by_binary(binaries, start),
            None => reached_by_source(&install, direct),
        };
        for (to, deps) in reached {
            if to == s || to >= n || direct.contains(&to) {
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

/// Packages reached through source-level install edges from the build dependencies
/// `direct`, each with the dependencies that pull it in.
fn reached_by_source(
    install: &[Vec<(usize, &Vec<String>)>],
    direct: &[usize],
) -> BTreeMap<usize, BTreeSet<String>> {
    let mut reached: BTreeMap<usize, BTreeSet<String>> = BTreeMap::new();
    let mut stack: Vec<usize> = direct.to_vec();
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
    reached
}

/// Packages whose binaries the Requires of the binaries `start` pull in (transitively),
/// each with the dependencies that pull them in.
fn reached_by_binary(
    binaries: &BinaryGraph,
    start: &[String],
) -> BTreeMap<usize, BTreeSet<String>> {
    let mut reached: BTreeMap<usize, BTreeSet<String>> = BTreeMap::new();
    for b in binary_closure(binaries, start.iter().map(String::as_str)) {
        for (next, deps) in binaries.requires.get(b).into_iter().flatten() {
            if let Some(owner) = binaries.owner.get(next) {
                reached
                    .entry(*owner)
                    .or_default()
                    .extend(deps.iter().cloned());
            }
        }
    }
    reached
}

/// The binaries `start` and everything their Requires pull in, transitively: what a
/// buildroot holding `start` installs.
pub(crate) fn binary_closure<'a>(
    binaries: &'a BinaryGraph,
    start: impl IntoIterator<Item = &'a str>,
) -> BTreeSet<&'a str> {
    let mut stack: Vec<&str> = start.into_iter().collect();
    let mut seen: BTreeSet<&str> = stack.iter().copied().collect();
    while let Some(b) = stack.pop() {
        for (next, _) in binaries.requires.get(b).into_iter().flatten() {
            if seen.insert(next) {
                stack.push(next);
            }
        }
    }
    seen
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
    fn binary_level_edges_follow_only_the_binaries_a_buildroot_pulls_in() {
        // s builds with t1's library; t1's tools (which s does not pull in) need t2, and
        // t2 builds with t1's library. Per source, s would need t2 (and t2 itself, through
        // t1's tools, a cycle-making edge); binary by binary, nothing but t1.
        let mut g = graph(&[
            (0, 1, EdgeKind::Build),
            (1, 2, EdgeKind::Install),
            (2, 1, EdgeKind::Build),
        ]);
        g.edges.push(Edge {
            from: 2,
            to: 1,
            deps: vec!["t1-lib".into()],
            kind: EdgeKind::Build,
        });
        let bins = BinaryGraph {
            buildroots: BTreeMap::from([(0, vec!["t1-lib".into()]), (2, vec!["t1-lib".into()])]),
            owner: BTreeMap::from([
                ("t1-lib".into(), 1),
                ("t1-tools".into(), 1),
                ("t2-lib".into(), 2),
            ]),
            requires: BTreeMap::from([(
                "t1-tools".into(),
                vec![("t2-lib".into(), vec!["libt2".into()])],
            )]),
        };
        let pairs = |out: &BuildGraph| -> Vec<(usize, usize, EdgeKind)> {
            out.edges.iter().map(|e| (e.from, e.to, e.kind)).collect()
        };
        let per_source = buildroot_edges(&g);
        assert!(pairs(&per_source).contains(&(0, 2, EdgeKind::Install)));
        let per_binary = buildroot_edges_with(&g, &bins);
        assert!(
            !pairs(&per_binary).iter().any(|e| e.2 == EdgeKind::Install),
            "{:?}",
            pairs(&per_binary)
        );
        // Once t1's tools are in s's buildroot, s needs t2.
        let mut bins = bins;
        bins.buildroots.insert(0, vec!["t1-tools".into()]);
        assert!(pairs(&buildroot_edges_with(&g, &bins)).contains(&(0, 2, EdgeKind::Install)));
    }

    #[test]
    fn runtime_cycles_are_not_build_cycles() {
        // t1 and t2 require each other at run time; nobody builds with them.
        let g = graph(&[(1, 2, EdgeKind::Install), (2, 1, EdgeKind::Install)]);
        assert!(buildroot_edges(&g).edges.is_empty());
    }
}
