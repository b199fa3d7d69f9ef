//! The planner: layers, cycle groups with their cycles and bootstrap sets, blocked packages.

use crate::bootstrap::{GroupGraph, bootstrap_group};
use crate::canon::Canon;
use crate::cycles::elementary_cycles;
use crate::graph::BuildGraph;
use crate::layering::Layering;
use crate::model::{CycleGroup, Layer, Plan, PlanOptions};
use crate::stack::{Facts, group_stack};

/// Plans the builds of `graph`: chain-build layers, cycle groups placed as units, a cheap
/// set of packages to bootstrap in each group, and the blocked packages.
///
/// Nothing is dropped: every package is in exactly one layer, either directly or as a member
/// of one cycle group. The result depends only on the names and the merged edges, not on
/// the order of packages or edges in `graph`. The work is near-linear in the size of the
/// graph: the cycle listing and the bootstrap search are bounded by work (see
/// [`PlanOptions`]).
pub fn plan(graph: &BuildGraph, options: &PlanOptions) -> Plan {
    let canon = Canon::new(graph);
    let layering = Layering::new(&canon);
    let internal = internal_edges(&canon, &layering);
    let facts = Facts::new(graph, &canon, &options.binaries);
    let mut layers = vec![Layer::default(); layering.depth()];
    let mut cycles = Vec::new();
    for (ci, members) in layering.components.iter().enumerate() {
        let layer = &mut layers[layering.layer[ci]];
        if layering.cyclic[ci] {
            layer.cycles.push(cycles.len());
            cycles.push(cycle_group(
                &canon,
                members,
                &internal[ci],
                facts.as_ref(),
                options,
            ));
        } else {
            layer
                .packages
                .extend(members.iter().map(|&v| canon.names[v].clone()));
        }
    }
    for layer in &mut layers {
        layer.packages.sort();
    }
    let blocked = canon
        .names
        .iter()
        .zip(&canon.unresolved)
        .filter(|(_, deps)| !deps.is_empty())
        .map(|(name, deps)| (name.clone(), deps.clone()))
        .collect();
    Plan {
        layers,
        cycles,
        blocked,
    }
}

/// The edges inside each component (indexes into `canon.edges`, in canonical order).
pub(crate) fn internal_edges(canon: &Canon, layering: &Layering) -> Vec<Vec<usize>> {
    let mut internal = vec![Vec::new(); layering.components.len()];
    for (i, e) in canon.edges.iter().enumerate() {
        let c = layering.component_of[e.from];
        if c == layering.component_of[e.to] {
            internal[c].push(i);
        }
    }
    internal
}

/// The cycle group made of `members` (sorted nodes of one strongly connected component)
/// whose edges are `internal`; with a stack alternative when `facts` show one.
fn cycle_group(
    canon: &Canon,
    members: &[usize],
    internal: &[usize],
    facts: Option<&Facts>,
    options: &PlanOptions,
) -> CycleGroup {
    let (elementary, truncated) =
        group_cycles(canon, members, internal, options.max_cycles_per_component);
    let group = GroupGraph::new(canon, members, internal, options);
    let b = bootstrap_group(canon, members, &group, options);
    let stack =
        facts.and_then(|f| group_stack(canon, members, &group, b.bootstrap.len(), f, options));
    CycleGroup {
        members: members.iter().map(|&v| canon.names[v].clone()).collect(),
        elementary,
        truncated,
        bootstrap: b.bootstrap,
        exact: b.exact,
        at_least: b.at_least,
        bootstrap_order: b.order,
        break_edges: b.break_edges,
        stack,
    }
}

/// Elementary cycles inside one component, as sorted lists of names.
pub(crate) fn group_cycles(
    canon: &Canon,
    members: &[usize],
    internal: &[usize],
    limit: usize,
) -> (Vec<Vec<String>>, bool) {
    let mut adj = vec![Vec::new(); members.len()];
    for &i in internal {
        let e = &canon.edges[i];
        if let (Ok(from), Ok(to)) = (members.binary_search(&e.from), members.binary_search(&e.to)) {
            adj[from].push(to);
        }
    }
    let list = elementary_cycles(&adj, limit);
    let mut named: Vec<Vec<String>> = list
        .cycles
        .into_iter()
        .map(|c| {
            c.into_iter()
                .map(|l| canon.names[members[l]].clone())
                .collect()
        })
        .collect();
    named.sort();
    (named, list.truncated)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{Edge, EdgeKind, Unresolved};

    fn graph(names: &[&str], edges: &[(usize, usize, &str, EdgeKind)]) -> BuildGraph {
        BuildGraph {
            packages: names.iter().map(|s| s.to_string()).collect(),
            edges: edges
                .iter()
                .map(|&(from, to, dep, kind)| Edge {
                    from,
                    to,
                    deps: vec![dep.to_string()],
                    kind,
                })
                .collect(),
            unresolved: vec![],
        }
    }

    use EdgeKind::{Build, Install};

    #[test]
    fn acyclic_layers_and_blocked() {
        let mut g = graph(
            &["c", "b", "a"],
            &[(0, 1, "b-devel", Build), (0, 2, "a-devel", Build)],
        );
        g.unresolved.push(Unresolved {
            package: 1,
            deps: vec!["nothing".into()],
        });
        let p = plan(&g, &PlanOptions::default());
        assert_eq!(
            p.layers,
            [
                Layer {
                    packages: vec!["a".into(), "b".into()],
                    cycles: vec![]
                },
                Layer {
                    packages: vec!["c".into()],
                    cycles: vec![]
                },
            ]
        );
        assert!(p.cycles.is_empty());
        assert_eq!(p.blocked, [("b".to_string(), vec!["nothing".to_string()])]);
    }

    #[test]
    fn cycle_is_placed_as_a_unit_and_broken_at_the_test_dependency() {
        // app needs lib; lib ⇄ pytest-plugin, where lib needs the plugin only for tests.
        let g = graph(
            &["app", "lib", "plugin", "base"],
            &[
                (0, 1, "python3dist(lib)", Build),
                (1, 2, "python3dist(pytest-plugin)", Build),
                (2, 1, "python3dist(lib)", Build),
                (2, 3, "python3dist(base)", Install),
            ],
        );
        let p = plan(&g, &PlanOptions::default());
        assert_eq!(p.layers.len(), 3);
        assert_eq!(p.layers[0].packages, ["base"]);
        assert_eq!(p.layers[1].cycles, [0]);
        assert_eq!(p.layers[2].packages, ["app"]);
        let c = &p.cycles[0];
        assert_eq!(c.members, ["lib", "plugin"]);
        assert_eq!(c.elementary, [vec!["lib".to_string(), "plugin".into()]]);
        assert!(!c.truncated && c.exact);
        assert_eq!(c.at_least, 1);
        assert_eq!(c.bootstrap.len(), 1);
        let boot = &c.bootstrap[0];
        assert_eq!(boot.package, "lib");
        assert_eq!(
            boot.why,
            "needs only test tooling inside the group (a %bcond most specs have)"
        );
        assert_eq!(boot.drop.len(), 1);
        assert_eq!(boot.drop[0].needs, "plugin");
        assert_eq!(boot.drop[0].build, ["python3dist(pytest-plugin)"]);
        assert_eq!(boot.drop[0].tooling, "test");
        assert_eq!(c.break_edges.len(), 1);
        let b = &c.break_edges[0];
        assert_eq!((b.from.as_str(), b.to.as_str()), ("lib", "plugin"));
        assert_eq!(b.reason, "test-only build dependency");
        assert_eq!(
            b.hint,
            "build `lib` first without `python3dist(pytest-plugin)` (bcond/bootstrap), \
             then `plugin`, then rebuild `lib`"
        );
        assert_eq!(
            c.bootstrap_order,
            [vec!["lib".to_string()], vec!["plugin".to_string()]]
        );
    }

    #[test]
    fn self_loop_is_a_group_of_one() {
        let g = graph(&["ghc"], &[(0, 0, "ghc-devel", Build)]);
        let p = plan(&g, &PlanOptions::default());
        assert_eq!(p.layers[0].cycles, [0]);
        assert!(p.layers[0].packages.is_empty());
        let c = &p.cycles[0];
        assert_eq!(c.elementary, [vec!["ghc".to_string()]]);
        assert_eq!(c.break_edges[0].from, "ghc");
        assert_eq!(c.break_edges[0].to, "ghc");
        assert_eq!(c.bootstrap_order, [vec!["ghc".to_string()]]);
    }

    #[test]
    fn named_and_visible_bootstraps_are_preferred() {
        // a ⇄ b with plain dependencies both ways: either works alone.
        let g = graph(
            &["a", "b"],
            &[(0, 1, "b-devel", Build), (1, 0, "a-devel", Build)],
        );
        let chosen = |opts: &PlanOptions| {
            let p = plan(&g, opts);
            let b = &p.cycles[0].bootstrap;
            assert_eq!(b.len(), 1);
            (b[0].package.clone(), b[0].why.clone())
        };
        let known = PlanOptions {
            known_bootstrap: ["b".to_string()].into(),
            ..PlanOptions::default()
        };
        assert_eq!(
            chosen(&known),
            (
                "b".to_string(),
                "has a bootstrap mode (named with --bootstrap)".to_string()
            )
        );
        let signs = PlanOptions {
            bootstrap_signs: [("b".to_string(), "it shows".to_string())].into(),
            ..PlanOptions::default()
        };
        assert_eq!(chosen(&signs), ("b".to_string(), "it shows".to_string()));
        let both = PlanOptions {
            known_bootstrap: ["a".to_string()].into(),
            ..signs
        };
        assert_eq!(chosen(&both).0, "a");
    }

    #[test]
    fn install_edges_are_cut_after_build_edges() {
        let g = graph(
            &["a", "b"],
            &[(0, 1, "libb.so", Install), (1, 0, "a-devel", Build)],
        );
        let p = plan(&g, &PlanOptions::default());
        let b = &p.cycles[0].break_edges[0];
        assert_eq!((b.from.as_str(), b.to.as_str()), ("b", "a"));
        assert_eq!(b.reason, "build dependency");
    }

    #[test]
    fn cycle_bound_is_reported() {
        let names = ["a", "b", "c", "d"];
        let mut edges = Vec::new();
        for from in 0..4 {
            for to in 0..4 {
                if from != to {
                    edges.push((from, to, "x", Build));
                }
            }
        }
        let g = graph(&names, &edges);
        let opts = PlanOptions {
            max_cycles_per_component: 5,
            ..PlanOptions::default()
        };
        let c = &plan(&g, &opts).cycles[0];
        assert!(c.truncated);
        assert_eq!(c.elementary.len(), 5);
        assert_eq!(c.bootstrap.len(), 3, "K4 needs all but one bootstrapped");
        assert_eq!((c.at_least, c.exact), (3, true));
        assert_eq!(c.break_edges.len(), 9);
    }
}

#[cfg(test)]
mod scale_tests {
    use super::*;
    use crate::graph::{Edge, EdgeKind};

    fn ring_with_chords(n: usize, chords: usize) -> BuildGraph {
        let mut edges = Vec::new();
        let mut add = |from: usize, to: usize, dep: String| {
            edges.push(Edge {
                from,
                to,
                deps: vec![dep],
                kind: EdgeKind::Build,
            })
        };
        for v in 0..n {
            add(v, (v + 1) % n, format!("p{}-devel", (v + 1) % n));
        }
        for k in 0..chords {
            let from = (k * 7 + 3) % n;
            let to = (k * 13 + 1) % n;
            if from != to {
                let dep = if k % 3 == 0 {
                    "python3dist(pytest)"
                } else {
                    "gcc"
                };
                add(from, to, dep.to_string());
            }
        }
        BuildGraph {
            packages: (0..n).map(|v| format!("p{v:03}")).collect(),
            edges,
            unresolved: vec![],
        }
    }

    #[test]
    fn twenty_member_group_is_exact() {
        let p = plan(&ring_with_chords(20, 12), &PlanOptions::default());
        assert_eq!(p.cycles.len(), 1);
        assert!(p.cycles[0].exact);
        assert_eq!(p.cycles[0].members.len(), 20);
    }

    /// Issue 8, finding 22: `--max-cycles` with a huge count listed every cycle of a
    /// complete 10-package group (1.1 million cycles, 8.8 million entries); the listing
    /// stops at a bound on its total size.
    #[test]
    fn cycle_listing_of_a_complete_group_is_bounded_by_memory() {
        let n = 10;
        let mut edges = Vec::new();
        for from in 0..n {
            for to in 0..n {
                if from != to {
                    edges.push(Edge {
                        from,
                        to,
                        deps: vec![format!("p{to:03}-devel")],
                        kind: EdgeKind::Build,
                    });
                }
            }
        }
        let g = BuildGraph {
            packages: (0..n).map(|v| format!("p{v:03}")).collect(),
            edges,
            unresolved: vec![],
        };
        let opts = PlanOptions {
            max_cycles_per_component: usize::MAX,
            ..PlanOptions::default()
        };
        let c = &plan(&g, &opts).cycles[0];
        assert!(c.truncated);
        let listed: usize = c.elementary.iter().map(Vec::len).sum();
        assert!(
            listed <= crate::cycles::MAX_LISTED_NODES,
            "{listed} entries"
        );
        assert_eq!(c.bootstrap.len(), n - 1);
    }

    #[test]
    fn large_group_is_greedy_bounded_and_still_placed() {
        let p = plan(&ring_with_chords(300, 900), &PlanOptions::default());
        assert_eq!(p.cycles.len(), 1);
        let c = &p.cycles[0];
        assert!(!c.exact && c.truncated);
        assert_eq!(c.elementary.len(), 100);
        assert_eq!(c.members.len(), 300);
        let placed: usize = c.bootstrap_order.iter().map(Vec::len).sum();
        assert_eq!(placed, 300);
    }
}
