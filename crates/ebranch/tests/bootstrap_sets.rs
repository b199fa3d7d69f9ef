//! Bootstrap sets on real data: the RHEL 7.3 `jsoup` closure (Server-optional into Server),
//! whose Java packages form one big cycle group. Issue 10's figure: the set must break
//! every cycle and be no larger than a plain greedy's (repeatedly drop the package with
//! the largest in × out degree).

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::*;
use ebranch_plan::{
    BuildGraph, PlanOptions, binary_graph_from_report, buildroot_edges,
    buildroot_graph_from_report, graph_from_report, plan,
};
use ebranch_report::Report;

/// The jsoup report, as `missing --format json` writes it.
fn jsoup_report() -> Report {
    Report::from_json(&jsoup_report_json(), Path::new("jsoup.json")).unwrap()
}

/// The jsoup report's text.
fn jsoup_report_json() -> String {
    let cache = tempfile::tempdir().unwrap();
    let (bin, src, target) = (
        rhel("Server-optional/x86_64/os"),
        rhel("Server-optional/source/tree"),
        rhel("Server/x86_64/os"),
    );
    let out = ebranch(
        &[
            "missing",
            "jsoup",
            "--ref-repo",
            &bin,
            "--ref-repo",
            &src,
            "--target-repo",
            &target,
            "--arch",
            "x86_64",
            "--arch",
            "i686",
            "--format",
            "json",
        ],
        cache.path(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    stdout(&out)
}

/// The `(from, to)` pairs of `graph` between packages of `members`.
fn internal_pairs(graph: &BuildGraph, members: &BTreeSet<&str>) -> BTreeSet<(String, String)> {
    graph
        .edges
        .iter()
        .map(|e| (&graph.packages[e.from], &graph.packages[e.to]))
        .filter(|(f, t)| members.contains(f.as_str()) && members.contains(t.as_str()))
        .map(|(f, t)| (f.clone(), t.clone()))
        .collect()
}

/// The pairs as indexes into the sorted names.
fn indexed(pairs: &BTreeSet<(String, String)>) -> (Vec<&str>, Vec<(usize, usize)>) {
    let names: Vec<&str> = pairs
        .iter()
        .flat_map(|(f, t)| [f.as_str(), t.as_str()])
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let at = |n: &str| names.binary_search(&n).unwrap();
    let edges = pairs.iter().map(|(f, t)| (at(f), at(t))).collect();
    (names, edges)
}

/// Whether `edges` on nodes `0..n`, without those leaving a node of `set`, are acyclic.
fn acyclic_without(n: usize, edges: &[(usize, usize)], set: &[bool]) -> bool {
    let mut missing = vec![0usize; n];
    let mut needed_by = vec![Vec::new(); n];
    for &(f, t) in edges.iter().filter(|(f, _)| !set[*f]) {
        missing[f] += 1;
        needed_by[t].push(f);
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

/// The plain greedy: while a cycle is left, drop the package with the largest
/// in-degree × out-degree among those left (ties by name); the number dropped.
fn plain_greedy(n: usize, edges: &[(usize, usize)]) -> usize {
    let mut set = vec![false; n];
    let mut count = 0;
    while !acyclic_without(n, edges, &set) {
        let mut degree = vec![(0usize, 0usize); n];
        for &(f, t) in edges.iter().filter(|(f, t)| !set[*f] && !set[*t]) {
            degree[f].1 += 1;
            degree[t].0 += 1;
        }
        let best = (0..n)
            .filter(|&v| !set[v])
            .max_by_key(|&v| (degree[v].0 * degree[v].1, std::cmp::Reverse(v)))
            .unwrap();
        set[best] = true;
        count += 1;
    }
    count
}

/// Figures for the biggest group of `graph`: (members, ours, lower bound, plain greedy).
fn figures(graph: &BuildGraph, what: &str) -> (usize, usize, usize, usize) {
    let p = plan(graph, &PlanOptions::default());
    let group = p
        .cycles
        .iter()
        .max_by_key(|g| g.members.len())
        .expect("a cycle group");
    let members: BTreeSet<&str> = group.members.iter().map(String::as_str).collect();
    let pairs = internal_pairs(graph, &members);
    let (names, edges) = indexed(&pairs);
    let ours: Vec<bool> = names
        .iter()
        .map(|n| group.bootstrap.iter().any(|b| b.package == *n))
        .collect();
    let ours_len = group.bootstrap.len();
    assert!(
        acyclic_without(names.len(), &edges, &ours),
        "{what}: the set leaves a cycle"
    );
    let greedy = plain_greedy(names.len(), &edges);
    eprintln!(
        "{what}: group of {} packages ({} edges): bootstrap set {} (at least {}), plain greedy {}",
        members.len(),
        pairs.len(),
        ours_len,
        group.at_least,
        greedy
    );
    assert!(group.at_least <= ours_len);
    (members.len(), ours_len, group.at_least, greedy)
}

#[test]
fn jsoup_bootstrap_set_is_no_larger_than_a_plain_greedy() {
    let report = jsoup_report();
    let graph = graph_from_report(&report);
    // What the planner uses: install-time Requires as buildroot edges.
    // Binary by binary, as the planner follows install edges; per source for comparison
    // (the README's figures).
    let per_binary = buildroot_graph_from_report(&report);
    let per_source = buildroot_edges(&graph);
    assert!(per_binary.edges.len() <= per_source.edges.len());
    let _ = figures(&per_source, "buildroot edges per source");
    let (size, ours, at_least, greedy) = figures(&per_binary, "buildroot edges");
    assert!(size > 100, "the Java group is big");
    assert!(ours <= greedy, "{ours} > plain greedy {greedy}");
    assert!(at_least * 2 > ours, "the bound is within a factor of two");
    // The report's own edges (a BuildRequires or a Requires makes an edge), as a reader of
    // the report would draw them.
    let (size, ours, _, greedy) = figures(&graph, "report edges");
    assert!(size > 100);
    assert!(ours <= greedy, "{ours} > plain greedy {greedy}");
}

/// Issue 10's stack figure: most of the Java group's buildroots install `maven-local`, so
/// bundling its stack (as Fedora's javapackages-bootstrap does) must leave a set that
/// breaks every other cycle and is far smaller than the per-package set; `plan` prints it
/// and puts it in its JSON.
#[test]
fn jsoup_stack_bundle_breaks_every_cycle_and_beats_the_per_package_set() {
    let text = jsoup_report_json();
    let report = Report::from_json(&text, Path::new("jsoup.json")).unwrap();
    let graph = buildroot_graph_from_report(&report);
    let options = PlanOptions {
        binaries: binary_graph_from_report(&report, &graph),
        ..PlanOptions::default()
    };
    let p = plan(&graph, &options);
    let group = p.cycles.iter().max_by_key(|g| g.members.len()).unwrap();
    let stack = group.stack.as_ref().expect("a stack for the Java group");
    let members: BTreeSet<&str> = group.members.iter().map(String::as_str).collect();
    let pairs = internal_pairs(&graph, &members);
    let (names, edges) = indexed(&pairs);
    let after_bundle: Vec<(usize, usize)> = edges
        .iter()
        .copied()
        .filter(|&(_, t)| !stack.packages.iter().any(|s| s == names[t]))
        .collect();
    let rest: Vec<bool> = names
        .iter()
        .map(|n| stack.bootstrap.iter().any(|b| b == n))
        .collect();
    assert!(
        acyclic_without(names.len(), &after_bundle, &rest),
        "a cycle is left once the stack is built"
    );
    assert!(
        !acyclic_without(names.len(), &edges, &rest),
        "the rest alone does not break the group"
    );
    assert!(stack.packages.iter().all(|s| members.contains(s.as_str())));
    assert!(2 * stack.installed_by >= members.len());
    assert!(stack.bootstrap.len() < group.bootstrap.len());
    assert!(2 * (stack.bootstrap.len() + 1) <= group.bootstrap.len());
    eprintln!(
        "group of {}: per-package set {}; stack behind `{}` ({} buildroots): {} packages, \
         then {} to bootstrap (at least {})",
        members.len(),
        group.bootstrap.len(),
        stack.binary,
        stack.installed_by,
        stack.packages.len(),
        stack.bootstrap.len(),
        stack.at_least
    );
    // `plan` says it in words and in its JSON.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("jsoup.json");
    std::fs::write(&file, &text).unwrap();
    let out = ebranch(
        &["plan", file.to_str().unwrap(), "--format", "json"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let cycles = json["cycles"].as_array().unwrap();
    let shown = cycles
        .iter()
        .find(|c| c["members"].as_array().unwrap().len() == members.len())
        .unwrap();
    assert_eq!(shown["stack"]["binary"], stack.binary.as_str());
    assert_eq!(
        shown["stack"]["packages"],
        serde_json::json!(stack.packages)
    );
    assert_eq!(
        shown["stack"]["bootstrap"],
        serde_json::json!(stack.bootstrap)
    );
    let said = format!("or: bootstrap the stack behind `{}`", stack.binary);
    assert!(stderr(&out).contains(&said), "{}", stderr(&out));
}
