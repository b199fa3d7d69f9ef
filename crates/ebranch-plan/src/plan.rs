//! The planner: layers, cycle groups with their cycles and break edges, blocked packages.

use crate::canon::Canon;
use crate::cycles::elementary_cycles;
use crate::fas::{WEdge, feedback_arc_set};
use crate::graph::BuildGraph;
use crate::hint::bootstrap_hint;
use crate::layering::{Layering, longest_path_layers};
use crate::model::{BreakHint, CycleGroup, Layer, Plan, PlanOptions};
use crate::weight::weigh;

/// Plans the builds of `graph`: chain-build layers, cycle groups placed as units, a cheapest
/// set of edges to bootstrap around in each group, and the blocked packages.
///
/// Nothing is dropped: every package is in exactly one layer, either directly or as a member
/// of one cycle group. The result depends only on the names and the merged edges, not on
/// the order of packages or edges in `graph`.
pub fn plan(graph: &BuildGraph, options: &PlanOptions) -> Plan {
    let canon = Canon::new(graph);
    let layering = Layering::new(&canon);
    let mut layers = vec![Layer::default(); layering.depth()];
    let mut cycles = Vec::new();
    for (ci, members) in layering.components.iter().enumerate() {
        let layer = &mut layers[layering.layer[ci]];
        if layering.cyclic[ci] {
            layer.cycles.push(cycles.len());
            cycles.push(cycle_group(&canon, members, options));
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

/// The cycle group made of `members` (sorted nodes of one strongly connected component).
pub(crate) fn cycle_group(canon: &Canon, members: &[usize], options: &PlanOptions) -> CycleGroup {
    let local = |v: usize| members.binary_search(&v).ok();
    let name = |l: usize| canon.names[members[l]].clone();
    // Internal edges in canonical order, as (local from, local to, canon edge).
    let internal: Vec<(usize, usize, usize)> = canon
        .edges
        .iter()
        .enumerate()
        .filter_map(|(i, e)| Some((local(e.from)?, local(e.to)?, i)))
        .collect();
    let (elementary, truncated) = group_cycles(canon, members, options.max_cycles_per_component);

    let mut wedges = Vec::new();
    let mut wedge_edge = Vec::new();
    let mut cut_edges = Vec::new();
    for &(from, to, i) in &internal {
        if from == to {
            cut_edges.push(i);
        } else {
            let w = weigh(&canon.edges[i], &canon.names[canon.edges[i].to]);
            wedges.push(WEdge {
                from,
                to,
                weight: w.weight,
            });
            wedge_edge.push(i);
        }
    }
    let (cut, exact) = feedback_arc_set(members.len(), &wedges, options.max_exact_members);
    cut_edges.extend(cut.iter().map(|&c| wedge_edge[c]));
    cut_edges.sort_unstable();

    let mut break_edges: Vec<BreakHint> = cut_edges
        .iter()
        .map(|&i| {
            let e = &canon.edges[i];
            let (from, to) = (&canon.names[e.from], &canon.names[e.to]);
            let w = weigh(e, to);
            let deps = e.all_deps();
            BreakHint {
                hint: bootstrap_hint(from, to, &deps, w.install_only),
                from: from.clone(),
                to: to.clone(),
                deps,
                reason: w.reason,
            }
        })
        .collect();
    break_edges.sort_by(|a, b| (&a.from, &a.to).cmp(&(&b.from, &b.to)));

    let kept = internal
        .iter()
        .filter(|(_, _, i)| cut_edges.binary_search(i).is_err())
        .map(|&(from, to, _)| (from, to));
    let sub_layer = longest_path_layers(members.len(), kept);
    let depth = sub_layer.iter().max().map_or(0, |&l| l + 1);
    let mut bootstrap_order = vec![Vec::new(); depth];
    for (l, &sl) in sub_layer.iter().enumerate() {
        bootstrap_order[sl].push(name(l));
    }

    CycleGroup {
        members: members.iter().map(|&v| canon.names[v].clone()).collect(),
        elementary,
        truncated,
        break_edges,
        exact,
        bootstrap_order,
    }
}

/// Elementary cycles inside one component, as sorted lists of names.
pub(crate) fn group_cycles(
    canon: &Canon,
    members: &[usize],
    limit: usize,
) -> (Vec<Vec<String>>, bool) {
    let mut adj = vec![Vec::new(); members.len()];
    for e in &canon.edges {
        if let (Ok(from), Ok(to)) = (members.binary_search(&e.from), members.binary_search(&e.to)) {
            adj[from].push(to);
        }
    }
    let (cycles, truncated) = elementary_cycles(&adj, limit);
    let mut named: Vec<Vec<String>> = cycles
        .into_iter()
        .map(|c| {
            c.into_iter()
                .map(|l| canon.names[members[l]].clone())
                .collect()
        })
        .collect();
    named.sort();
    (named, truncated)
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
        assert_eq!(c.break_edges.len(), 6, "K4 needs half its 12 edges cut");
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
