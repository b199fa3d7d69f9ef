//! A big cycle group's stack: when most of the group's buildroots install one binary
//! (Java's `maven-local`), every group member with a binary in that binary's install-time
//! closure is needed by most of the group, and the per-package bootstrap set is huge. Fedora
//! breaks such a group with one bundled bootstrap of the whole stack
//! (`javapackages-bootstrap`: one source package that bundles the stack and provides its
//! capabilities). [`group_stack`] finds the stack and what is left to bootstrap once the
//! bundle provides it, and offers it only when that beats the per-package set by far.
//!
//! The binary: among the binaries that at least half of the group's buildroots install
//! (with the binary-level facts of a report; the binary's own package may be built before
//! the group), the one whose install-time closure holds binaries of the most group members; ties go to the one more buildroots install,
//! then to the first name. The stack: those members. The bundle is taken to provide every
//! binary of the stack's packages (as javapackages-bootstrap provides every artifact of
//! the projects it bundles), not only the closure's, so every need on a stack package is
//! met and the rest is the feedback vertex set of the group without the edges into the
//! stack. (If only the closure's binaries were provided, needs on other binaries of stack
//! packages would stay: on jsoup, 23 such edges, and the 2 left to bootstrap would not
//! break every cycle.)

use std::collections::{BTreeMap, BTreeSet};

use crate::bootstrap::GroupGraph;
use crate::buildroot::{BinaryGraph, binary_closure};
use crate::canon::Canon;
use crate::fvs::feedback_vertex_set;
use crate::graph::BuildGraph;
use crate::model::{PlanOptions, Stack};

/// The binary-level facts of a plan's input, on canonical nodes.
pub(crate) struct Facts<'a> {
    binaries: &'a BinaryGraph,
    /// Per canonical node: the binaries its BuildRequires pull in, when known.
    start: Vec<Option<&'a [String]>>,
    /// Per binary: the canonical node of the package it is built from.
    owner: BTreeMap<&'a str, usize>,
}

impl<'a> Facts<'a> {
    /// The facts `binaries` (indexed like `graph`'s packages) on `canon`'s nodes; `None`
    /// when there are none.
    pub fn new(graph: &BuildGraph, canon: &Canon, binaries: &'a BinaryGraph) -> Option<Self> {
        if binaries.buildroots.is_empty() {
            return None;
        }
        let node = |i: usize| {
            let name = graph.packages.get(i)?;
            canon.names.binary_search(name).ok()
        };
        let mut start = vec![None; canon.names.len()];
        for (&i, list) in &binaries.buildroots {
            if let Some(v) = node(i) {
                start[v] = Some(list.as_slice());
            }
        }
        let owner = binaries
            .owner
            .iter()
            .filter_map(|(b, &i)| Some((b.as_str(), node(i)?)))
            .collect();
        Some(Facts {
            binaries,
            start,
            owner,
        })
    }

    /// The group members (local indexes into `members`) owning a binary of `binaries`.
    fn owners(&self, members: &[usize], binaries: &BTreeSet<&str>) -> BTreeSet<usize> {
        binaries
            .iter()
            .filter_map(|b| self.owner.get(b))
            .filter_map(|v| members.binary_search(v).ok())
            .collect()
    }
}

/// The stack alternative of the group `members` (sorted canonical nodes) seen as `group`,
/// whose per-package bootstrap set has `per_package` packages: offered when the stack has
/// at least two packages and the bundle plus what is left to bootstrap is at most half the
/// per-package set.
pub(crate) fn group_stack(
    canon: &Canon,
    members: &[usize],
    group: &GroupGraph,
    per_package: usize,
    facts: &Facts,
    options: &PlanOptions,
) -> Option<Stack> {
    if per_package < 2 {
        return None; // the rule below cannot hold
    }
    let (binary, installed_by, stack) = pick(facts, members)?;
    let succ: Vec<Vec<usize>> = group
        .succ
        .iter()
        .map(|list| {
            list.iter()
                .copied()
                .filter(|w| !stack.contains(w))
                .collect()
        })
        .collect();
    let found = feedback_vertex_set(&succ, &group.weights(), options.max_exact_members);
    if stack.len() < 2 || 2 * (found.set.len() + 1) > per_package {
        return None;
    }
    let name = |l: &usize| canon.names[members[*l]].clone();
    Some(Stack {
        binary: binary.to_owned(),
        installed_by,
        packages: stack.iter().map(name).collect(),
        bootstrap: found.set.iter().map(name).collect(),
        exact: found.exact,
        at_least: found.at_least,
    })
}

/// The stack's binary, how many members' buildroots install it, and its members (local
/// indexes); see the module docs.
fn pick<'a>(facts: &Facts<'a>, members: &[usize]) -> Option<(&'a str, usize, BTreeSet<usize>)> {
    let count = installed_by(facts, members);
    let with_facts = members
        .iter()
        .filter(|&&v| facts.start[v].is_some())
        .count();
    let mut best: Option<(&str, usize, BTreeSet<usize>)> = None;
    for (&binary, &n) in count.iter().filter(|(_, n)| 2 * **n >= with_facts) {
        let closure = binary_closure(facts.binaries, [binary]);
        let stack = facts.owners(members, &closure);
        let better = best
            .as_ref()
            .is_none_or(|(_, bn, bs)| (stack.len(), n) > (bs.len(), *bn));
        if better {
            best = Some((binary, n, stack));
        }
    }
    best
}

/// Per binary: how many members' buildroots install it.
fn installed_by<'a>(facts: &Facts<'a>, members: &[usize]) -> BTreeMap<&'a str, usize> {
    let mut count: BTreeMap<&str, usize> = BTreeMap::new();
    for &v in members {
        let Some(start) = facts.start[v] else {
            continue;
        };
        for b in binary_closure(facts.binaries, start.iter().map(String::as_str)) {
            *count.entry(b).or_default() += 1;
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use crate::buildroot::{BinaryGraph, buildroot_edges_with};
    use crate::fvs::breaks_every_cycle;
    use crate::graph::{BuildGraph, Edge, EdgeKind};
    use crate::model::{CycleGroup, PlanOptions};
    use crate::plan::plan;

    /// Packages with the binaries their BuildRequires pull in; binaries with their package
    /// and the binaries their Requires pull in. The graph the planner sees, and the facts.
    fn universe(
        packages: &[(&str, &[&str])],
        binaries: &[(&str, &str, &[&str])],
    ) -> (BuildGraph, BinaryGraph) {
        let index = |name: &str| packages.iter().position(|p| p.0 == name).unwrap();
        let owner = |bin: &str| index(binaries.iter().find(|b| b.0 == bin).unwrap().1);
        let mut facts = BinaryGraph::default();
        let mut graph = BuildGraph {
            packages: packages.iter().map(|p| p.0.to_owned()).collect(),
            ..BuildGraph::default()
        };
        for (from, (_, brs)) in packages.iter().enumerate() {
            facts
                .buildroots
                .insert(from, brs.iter().map(|b| b.to_string()).collect());
            for b in brs.iter().filter(|b| owner(b) != from) {
                graph.edges.push(Edge {
                    from,
                    to: owner(b),
                    deps: vec![b.to_string()],
                    kind: EdgeKind::Build,
                });
            }
        }
        for (bin, package, requires) in binaries {
            facts.owner.insert(bin.to_string(), index(package));
            let pulls = requires
                .iter()
                .map(|r| (r.to_string(), vec![r.to_string()]));
            facts.requires.insert(bin.to_string(), pulls.collect());
        }
        (buildroot_edges_with(&graph, &facts), facts)
    }

    fn planned(graph: &BuildGraph, facts: BinaryGraph) -> CycleGroup {
        let options = PlanOptions {
            binaries: facts,
            ..PlanOptions::default()
        };
        let p = plan(graph, &options);
        assert_eq!(p.cycles.len(), 1);
        p.cycles[0].clone()
    }

    /// The group's edges on the indexes of its sorted members, without those into `built`.
    fn group_succ(graph: &BuildGraph, g: &CycleGroup, built: &[String]) -> Vec<Vec<usize>> {
        let at = |i: usize| g.members.binary_search(&graph.packages[i]).ok();
        let mut succ = vec![Vec::new(); g.members.len()];
        for e in &graph.edges {
            if let (Some(f), Some(t)) = (at(e.from), at(e.to))
                && !built.contains(&g.members[t])
            {
                succ[f].push(t);
            }
        }
        succ
    }

    #[test]
    fn a_hub_binary_whose_closure_forms_the_cycle_is_bundled() {
        // Every package builds with `hub`, which pulls in the libraries of s1..s5; so each
        // s needs every other. x and y need each other besides, and s1 needs x.
        let s_libs: &[&str] = &["s1-lib", "s2-lib", "s3-lib", "s4-lib", "s5-lib"];
        let (graph, facts) = universe(
            &[
                ("hub-tools", &["s1-lib"]),
                ("s1", &["hub", "x-lib"]),
                ("s2", &["hub"]),
                ("s3", &["hub"]),
                ("s4", &["hub"]),
                ("s5", &["hub"]),
                ("x", &["hub", "y-lib"]),
                ("y", &["hub", "x-lib"]),
            ],
            &[
                ("hub", "hub-tools", s_libs),
                ("s1-lib", "s1", &[]),
                ("s2-lib", "s2", &[]),
                ("s3-lib", "s3", &[]),
                ("s4-lib", "s4", &[]),
                ("s5-lib", "s5", &[]),
                ("x-lib", "x", &[]),
                ("y-lib", "y", &[]),
            ],
        );
        let g = planned(&graph, facts);
        assert_eq!(g.members.len(), 8);
        let stack = g.stack.as_ref().expect("the stack is offered");
        assert_eq!(stack.binary, "hub");
        assert_eq!(stack.installed_by, 7);
        assert_eq!(stack.packages, ["hub-tools", "s1", "s2", "s3", "s4", "s5"]);
        let rest: Vec<usize> = stack
            .bootstrap
            .iter()
            .map(|p| g.members.binary_search(p).unwrap())
            .collect();
        assert_eq!(rest.len(), 1, "x or y");
        let succ = group_succ(&graph, &g, &stack.packages);
        assert!(breaks_every_cycle(&succ, &rest));
        assert!(!breaks_every_cycle(&group_succ(&graph, &g, &[]), &rest));
        assert!(2 * (stack.bootstrap.len() + 1) <= g.bootstrap.len());
    }

    #[test]
    fn a_stack_that_does_not_shrink_the_set_by_half_is_not_offered() {
        // a1..a4 need each other; all build with `hub`, whose closure is only hub-tools
        // and t: bundling those leaves the a's cycles as they were.
        let (graph, facts) = universe(
            &[
                ("a1", &["hub", "a2-lib", "a3-lib", "a4-lib"]),
                ("a2", &["hub", "a1-lib", "a3-lib", "a4-lib"]),
                ("a3", &["hub", "a1-lib", "a2-lib", "a4-lib"]),
                ("a4", &["hub", "a1-lib", "a2-lib", "a3-lib"]),
                ("hub-tools", &["a1-lib"]),
                ("t", &["a1-lib"]),
            ],
            &[
                ("hub", "hub-tools", &["t-lib"]),
                ("t-lib", "t", &[]),
                ("a1-lib", "a1", &[]),
                ("a2-lib", "a2", &[]),
                ("a3-lib", "a3", &[]),
                ("a4-lib", "a4", &[]),
            ],
        );
        let g = planned(&graph, facts);
        assert_eq!(g.members.len(), 6);
        assert!(g.bootstrap.len() >= 3);
        assert_eq!(g.stack, None);
    }
}
