//! Property tests of the planner over random graphs.

use std::collections::{BTreeMap, BTreeSet};

use ebranch_plan::{
    BuildGraph, Edge, EdgeKind, GraphModel, Plan, PlanOptions, Unresolved, chain_build_string,
    find_cycles_json, graph_dot, plan, plan_json, side_tag_script,
};
use proptest::prelude::*;
use proptest::sample::select;

const DEPS: &[&str] = &[
    "python3dist(sphinx)",
    "python3dist(pytest)",
    "foo-devel",
    "libbar.so.1()(64bit)",
    "perl(Test::More)",
    "gcc",
];

fn arb_graph() -> impl Strategy<Value = BuildGraph> {
    (1usize..10)
        .prop_flat_map(|n| {
            let edge = (0..n, 0..n, select(DEPS), any::<bool>());
            (
                Just((0..n).collect::<Vec<usize>>()).prop_shuffle(),
                prop::collection::vec(edge, 0..28),
                prop::collection::vec((0..n, select(DEPS)), 0..3),
            )
        })
        .prop_map(|(names, edges, unresolved)| BuildGraph {
            packages: names.iter().map(|i| format!("pkg{i}")).collect(),
            edges: edges
                .into_iter()
                .map(|(from, to, dep, build)| Edge {
                    from,
                    to,
                    deps: vec![dep.to_string()],
                    kind: if build {
                        EdgeKind::Build
                    } else {
                        EdgeKind::Install
                    },
                })
                .collect(),
            unresolved: unresolved
                .into_iter()
                .map(|(package, dep)| Unresolved {
                    package,
                    deps: vec![dep.to_string()],
                })
                .collect(),
        })
}

fn options() -> impl Strategy<Value = PlanOptions> {
    (
        0usize..4,
        prop::bool::ANY,
        prop::collection::btree_set(0usize..10, 0..3),
    )
        .prop_map(|(cycles, exact, known)| PlanOptions {
            max_cycles_per_component: [0, 1, 5, 100][cycles],
            max_exact_members: if exact { 20 } else { 0 },
            known_bootstrap: known.into_iter().map(|i| format!("pkg{i}")).collect(),
            ..PlanOptions::default()
        })
}

/// Graphs with one dense group of up to 14 packages, and a few packages around it.
fn arb_dense_group() -> impl Strategy<Value = BuildGraph> {
    (2usize..15)
        .prop_flat_map(|n| {
            let edge = (0..n, 0..n, select(DEPS));
            (Just(n), prop::collection::vec(edge, n..4 * n))
        })
        .prop_map(|(n, extra)| {
            // A ring keeps the group strongly connected; the extra edges make it dense.
            let ring = (0..n).map(|v| (v, (v + 1) % n, "ring-devel"));
            BuildGraph {
                packages: (0..n).map(|i| format!("pkg{i:02}")).collect(),
                edges: ring
                    .chain(extra)
                    .map(|(from, to, dep)| Edge {
                        from,
                        to,
                        deps: vec![dep.to_string()],
                        kind: EdgeKind::Build,
                    })
                    .collect(),
                unresolved: vec![],
            }
        })
}

/// Whether the edges on nodes `0..n` that do not leave a node of `mask` are acyclic.
fn works_mask(n: usize, edges: &[(usize, usize)], mask: u32) -> bool {
    let mut missing = vec![0usize; n];
    let mut needed_by = vec![Vec::new(); n];
    for &(from, to) in edges.iter().filter(|(f, _)| mask & (1 << f) == 0) {
        missing[from] += 1;
        needed_by[to].push(from);
    }
    let mut ready: Vec<usize> = (0..n).filter(|&v| missing[v] == 0).collect();
    let mut done = 0;
    while let Some(v) = ready.pop() {
        done += 1;
        for &a in &needed_by[v] {
            missing[a] -= 1;
            if missing[a] == 0 {
                ready.push(a);
            }
        }
    }
    done == n
}

/// Whether the group's edges without those leaving `set` are acyclic.
fn works(group: &[(String, String)], set: &BTreeSet<&str>) -> bool {
    let kept: Vec<(String, String)> = group
        .iter()
        .filter(|(from, _)| !set.contains(from.as_str()))
        .cloned()
        .collect();
    acyclic(&kept)
}

/// Layer index and cycle group (if any) of every placed package.
fn placement(p: &Plan) -> BTreeMap<String, (usize, Option<usize>)> {
    let mut at = BTreeMap::new();
    for (li, layer) in p.layers.iter().enumerate() {
        for name in &layer.packages {
            at.insert(name.clone(), (li, None));
        }
        for &c in &layer.cycles {
            for name in &p.cycles[c].members {
                at.insert(name.clone(), (li, Some(c)));
            }
        }
    }
    at
}

/// Whether the `(from, to)` pairs form an acyclic graph (self-pairs are cycles).
fn acyclic(pairs: &[(String, String)]) -> bool {
    let mut missing: BTreeMap<&str, usize> = BTreeMap::new();
    let mut needed_by: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (from, to) in pairs {
        *missing.entry(from).or_default() += 1;
        missing.entry(to).or_default();
        needed_by.entry(to).or_default().push(from);
    }
    let mut ready: Vec<&str> = missing
        .iter()
        .filter(|(_, m)| **m == 0)
        .map(|(n, _)| *n)
        .collect();
    let mut done = 0;
    while let Some(v) = ready.pop() {
        done += 1;
        for &a in needed_by.get(v).into_iter().flatten() {
            let m = missing.get_mut(a).unwrap();
            *m -= 1;
            if *m == 0 {
                ready.push(a);
            }
        }
    }
    done == missing.len()
}

fn edge_pairs(g: &BuildGraph) -> BTreeSet<(String, String)> {
    g.edges
        .iter()
        .map(|e| (g.packages[e.from].clone(), g.packages[e.to].clone()))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn every_package_is_placed_exactly_once(g in arb_graph(), opts in options()) {
        let p = plan(&g, &opts);
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        let mut group_refs = vec![0usize; p.cycles.len()];
        for layer in &p.layers {
            for name in &layer.packages {
                *seen.entry(name).or_default() += 1;
            }
            for &c in &layer.cycles {
                prop_assert!(c < p.cycles.len());
                group_refs[c] += 1;
            }
        }
        for group in &p.cycles {
            for name in &group.members {
                *seen.entry(name).or_default() += 1;
            }
        }
        prop_assert!(group_refs.iter().all(|&r| r == 1), "{group_refs:?}");
        let want: BTreeSet<&str> = g.packages.iter().map(String::as_str).collect();
        prop_assert_eq!(seen.keys().copied().collect::<BTreeSet<_>>(), want);
        prop_assert!(seen.values().all(|&count| count == 1), "{seen:?}");
        prop_assert!(p.layers.iter().all(|l| !l.packages.is_empty() || !l.cycles.is_empty()));
    }

    #[test]
    fn nothing_needs_a_later_layer(g in arb_graph()) {
        let p = plan(&g, &PlanOptions::default());
        let at = placement(&p);
        for (from, to) in edge_pairs(&g) {
            let (lf, gf) = at[&from];
            let (lt, gt) = at[&to];
            if gf.is_some() && gf == gt {
                continue;
            }
            prop_assert!(lt < lf, "{from} (layer {lf}) needs {to} (layer {lt})");
        }
    }

    #[test]
    fn bootstrap_set_makes_each_group_acyclic(g in arb_graph(), opts in options()) {
        let p = plan(&g, &opts);
        let at = placement(&p);
        let pairs = edge_pairs(&g);
        for (gi, group) in p.cycles.iter().enumerate() {
            let set: BTreeSet<&str> = group.bootstrap.iter().map(|b| b.package.as_str()).collect();
            prop_assert!(!set.is_empty());
            prop_assert!(set.len() >= group.at_least && group.at_least >= 1);
            let internal: Vec<(String, String)> = pairs
                .iter()
                .filter(|(f, t)| at[f].1 == Some(gi) && at[t].1 == Some(gi))
                .cloned()
                .collect();
            prop_assert!(works(&internal, &set), "group {gi} still cyclic: {internal:?}");
            // Each bootstrap drops exactly its needs inside the group, edge by edge.
            for b in &group.bootstrap {
                let needs: BTreeSet<&str> = internal
                    .iter()
                    .filter(|(f, _)| f == &b.package)
                    .map(|(_, t)| t.as_str())
                    .collect();
                let dropped: BTreeSet<&str> = b.drop.iter().map(|d| d.needs.as_str()).collect();
                prop_assert_eq!(&dropped, &needs);
            }
            let cut: BTreeSet<(String, String)> = group
                .break_edges
                .iter()
                .map(|b| (b.from.clone(), b.to.clone()))
                .collect();
            let want: BTreeSet<(String, String)> = internal
                .iter()
                .filter(|(f, _)| set.contains(f.as_str()))
                .cloned()
                .collect();
            prop_assert_eq!(cut, want);
            // The order: the bootstrap builds first, then each member after what it needs.
            let step: BTreeMap<&str, usize> = group
                .bootstrap_order
                .iter()
                .enumerate()
                .flat_map(|(i, s)| s.iter().map(move |n| (n.as_str(), i)))
                .collect();
            prop_assert_eq!(step.len(), group.members.len());
            let first: BTreeSet<&str> = group.bootstrap_order[0].iter().map(String::as_str).collect();
            prop_assert_eq!(&first, &set);
            for (from, to) in internal.iter().filter(|(f, _)| !set.contains(f.as_str())) {
                prop_assert!(step[to.as_str()] < step[from.as_str()]);
            }
            prop_assert!(group.elementary.len() <= opts.max_cycles_per_component);
        }
    }

    #[test]
    fn shuffled_input_gives_the_same_output(
        (g, perm, order) in arb_graph().prop_flat_map(|g| {
            let (n, m) = (g.packages.len(), g.edges.len());
            (
                Just(g),
                Just((0..n).collect::<Vec<usize>>()).prop_shuffle(),
                Just((0..m).collect::<Vec<usize>>()).prop_shuffle(),
            )
        })
    ) {
        // Package i of g becomes package perm[i] of h; edges come in a new order.
        let mut packages = vec![String::new(); g.packages.len()];
        for (i, name) in g.packages.iter().enumerate() {
            packages[perm[i]] = name.clone();
        }
        let h = BuildGraph {
            packages,
            edges: order
                .iter()
                .map(|&i| {
                    let e = &g.edges[i];
                    Edge { from: perm[e.from], to: perm[e.to], ..e.clone() }
                })
                .collect(),
            unresolved: g
                .unresolved
                .iter()
                .rev()
                .map(|u| Unresolved { package: perm[u.package], deps: u.deps.clone() })
                .collect(),
        };
        let opts = PlanOptions::default();
        let (a, b) = (plan(&g, &opts), plan(&h, &opts));
        prop_assert_eq!(&a, &b);
        prop_assert_eq!(chain_build_string(&a), chain_build_string(&b));
        prop_assert_eq!(plan_json(&a).to_string(), plan_json(&b).to_string());
        let report = ebranch_report::Report::new();
        let dot = |g: &BuildGraph, p: &Plan| {
            graph_dot(&GraphModel::new(&report, g, p, &Default::default()))
        };
        prop_assert_eq!(dot(&g, &a), dot(&h, &b));
        prop_assert_eq!(side_tag_script(&a, "epel9"), side_tag_script(&b, "epel9"));
        prop_assert_eq!(find_cycles_json(&g).to_string(), find_cycles_json(&h).to_string());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    /// Groups of up to 14 packages: the bootstrap set works, no proper subset of it works
    /// (checked on every subset), and `at_least` is the true minimum size (checked on every
    /// subset of the group), with or without the exact search.
    #[test]
    fn bootstrap_set_is_minimal_by_brute_force(g in arb_dense_group(), exact in any::<bool>()) {
        let opts = PlanOptions {
            max_exact_members: if exact { 20 } else { 0 },
            ..PlanOptions::default()
        };
        let p = plan(&g, &opts);
        let pairs: Vec<(String, String)> = edge_pairs(&g).into_iter().collect();
        prop_assert_eq!(p.cycles.len(), 1);
        let group = &p.cycles[0];
        let members: Vec<&str> = group.members.iter().map(String::as_str).collect();
        prop_assert!(members.len() <= 14);
        let set: Vec<&str> = group.bootstrap.iter().map(|b| b.package.as_str()).collect();
        prop_assert!(works(&pairs, &set.iter().copied().collect()));
        for mask in 0u32..(1 << set.len()) - 1 {
            let subset: BTreeSet<&str> =
                (0..set.len()).filter(|i| mask & (1 << i) != 0).map(|i| set[i]).collect();
            prop_assert!(!works(&pairs, &subset), "{subset:?} works too");
        }
        let index = |name: &str| members.iter().position(|m| *m == name).unwrap();
        let edges: Vec<(usize, usize)> =
            pairs.iter().map(|(f, t)| (index(f), index(t))).collect();
        let smallest = (0u32..1 << members.len())
            .filter(|&mask| works_mask(members.len(), &edges, mask))
            .map(u32::count_ones)
            .min()
            .unwrap() as usize;
        prop_assert!(group.at_least <= smallest);
        prop_assert!(set.len() >= smallest);
        if exact {
            prop_assert_eq!(group.at_least, smallest);
            prop_assert!(group.exact);
        }
    }
}
