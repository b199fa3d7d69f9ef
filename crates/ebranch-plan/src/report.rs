//! A report (`ebranch-report`) as a [`BuildGraph`].

use std::collections::{BTreeMap, BTreeSet};

use ebranch_report::key::{BINARIES, BUILDROOT};
use ebranch_report::{Entry, Report, UNKNOWN, key};

use crate::buildroot::{BinaryGraph, buildroot_edges_with};
use crate::graph::{BuildGraph, Edge, EdgeKind, Unresolved};

/// The build graph of a report.
///
/// Each entry's `build` (provider source → BuildRequires) gives [`EdgeKind::Build`] edges,
/// its `install` (the same shape, an extension of this tool) [`EdgeKind::Install`] edges.
/// Entries with `skip` are left out, and edges to them are dropped. The provider
/// [`UNKNOWN`] holds unresolvable dependencies, recorded as [`Unresolved`]. Providers
/// that are not entries are outside the closure (already available) and make no edge.
/// Packages come out sorted by name, edges by provider.
pub fn graph_from_report(report: &Report) -> BuildGraph {
    let entries: BTreeMap<&str, &Entry> = report
        .names()
        .map(|name| (name, &report.packages[name]))
        .filter(|(_, entry)| !entry.skip())
        .collect();
    let index: BTreeMap<&str, usize> = entries.keys().enumerate().map(|(i, &n)| (n, i)).collect();
    let mut graph = BuildGraph {
        packages: entries.keys().map(|&n| n.to_owned()).collect(),
        ..BuildGraph::default()
    };
    for (from, entry) in entries.values().enumerate() {
        for (deps, kind) in [
            (entry.build(), EdgeKind::Build),
            (entry.install(), EdgeKind::Install),
        ] {
            let sorted: BTreeMap<String, Vec<String>> = deps.into_iter().collect();
            for (provider, deps) in sorted {
                if provider == UNKNOWN {
                    graph.unresolved.push(Unresolved {
                        package: from,
                        deps,
                    });
                } else if let Some(&to) = index.get(provider.as_str()) {
                    graph.edges.push(Edge {
                        from,
                        to,
                        deps,
                        kind,
                    });
                }
            }
        }
    }
    graph
}

/// A report as the graph the planner layers: [`graph_from_report`], then its install edges
/// turned into buildroot edges, binary by binary where the report has the facts
/// ([`binary_graph_from_report`], [`buildroot_edges_with`]).
pub fn buildroot_graph_from_report(report: &Report) -> BuildGraph {
    let graph = graph_from_report(report);
    let binaries = binary_graph_from_report(report, &graph);
    buildroot_edges_with(&graph, &binaries)
}

/// The binary-level install facts of a report whose packages are `graph`'s: per entry,
/// `buildroot` (the binaries its BuildRequires pull in) and `binaries` (its binaries, each
/// with the binaries its Requires pull in). Entries without `buildroot` (ebranch 0.0.3's,
/// or written by hand) get no facts, and the planner uses source-level edges for them.
pub fn binary_graph_from_report(report: &Report, graph: &BuildGraph) -> BinaryGraph {
    let mut out = BinaryGraph::default();
    for (index, name) in graph.packages.iter().enumerate() {
        let Some(entry) = report.packages.get(name) else {
            continue;
        };
        if let Some(start) = entry.get(&BUILDROOT) {
            out.buildroots.insert(
                index,
                start
                    .into_keys()
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect(),
            );
        }
        for (binary, pulls) in entry.get(&BINARIES).unwrap_or_default() {
            out.owner.insert(binary.clone(), index);
            out.requires.insert(binary, pulls.into_iter().collect());
        }
    }
    out
}

/// Packages whose report entry shows a bootstrap already, with what shows it (see
/// [`PlanOptions::bootstrap_signs`](crate::PlanOptions::bootstrap_signs)). rpm-md cannot
/// show a spec's `%bcond`s, so only what the metadata holds counts: BuildRequires that the
/// package's own binaries provide ([`key::BOOTSTRAP`]: it already builds against an earlier
/// build of itself), and a reference build whose EVR says `bootstrap`.
pub fn bootstrap_signs(report: &Report) -> BTreeMap<String, String> {
    let mut signs = BTreeMap::new();
    for name in report.names() {
        let entry = &report.packages[name];
        let self_provided = entry.get(&key::BOOTSTRAP).unwrap_or_default();
        let evr = entry.get(&key::EVR).unwrap_or_default();
        if let Some(first) = self_provided.first() {
            signs.insert(
                name.to_owned(),
                format!(
                    "builds against an earlier build of itself already (self-provided \
                     BuildRequires `{first}`): it needs a bootstrap anyway"
                ),
            );
        } else if evr.to_ascii_lowercase().contains("bootstrap") {
            signs.insert(
                name.to_owned(),
                format!("the reference build `{evr}` is a bootstrap build"),
            );
        }
    }
    signs
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::path::Path;

    #[test]
    fn reads_edges_unknown_skip_and_install() {
        let report = json!({
            "b": {"build": {"a": ["liba"], "UNKNOWN": ["nothing"], "outside": ["x"], "s": ["y"]},
                  "install": {"c": ["libc.so.6"]}, "extra": 1},
            "a": {},
            "c": {"skip": false},
            "s": {"skip": true, "build": {"t": ["z"]}},
            "t": {"skip": "yes, by Python's rule"},
        });
        let report = Report::from_value(report, Path::new("r.json")).unwrap();
        let g = graph_from_report(&report);
        assert_eq!(g.packages, ["a", "b", "c"]);
        assert_eq!(
            g.edges,
            [
                Edge {
                    from: 1,
                    to: 0,
                    deps: vec!["liba".into()],
                    kind: EdgeKind::Build
                },
                Edge {
                    from: 1,
                    to: 2,
                    deps: vec!["libc.so.6".into()],
                    kind: EdgeKind::Install
                },
            ]
        );
        assert_eq!(
            g.unresolved,
            [Unresolved {
                package: 1,
                deps: vec!["nothing".into()]
            }]
        );
    }

    #[test]
    fn reads_binary_level_facts_where_an_entry_has_them() {
        let report = json!({
            "a": {"build": {}, "buildroot": {}, "binaries": {"a-lib-1.noarch": {},
                  "a-tools-1.noarch": {"c-lib-1.noarch": ["c-lib"]}}},
            "b": {"build": {"a": ["a-lib"]}, "buildroot": {"a-lib-1.noarch": ["a-lib"]}},
            "c": {"build": {}},
        });
        let report = Report::from_value(report, Path::new("r.json")).unwrap();
        let g = graph_from_report(&report);
        let bins = binary_graph_from_report(&report, &g);
        assert_eq!(
            bins.buildroots,
            BTreeMap::from([(0, vec![]), (1, vec!["a-lib-1.noarch".to_owned()])])
        );
        assert_eq!(bins.owner["a-tools-1.noarch"], 0);
        assert_eq!(
            bins.requires["a-tools-1.noarch"],
            [("c-lib-1.noarch".to_owned(), vec!["c-lib".to_owned()])]
        );
    }

    #[test]
    fn bootstrap_signs_come_from_self_provided_deps_and_the_evr() {
        let report = json!({
            "ghc": {"bootstrap": ["ghc-compiler"], "evr": "9.4-1.fc44"},
            "python-foo": {"evr": "1.0-1~bootstrap.fc44"},
            "plain": {"evr": "1.0-1.fc44", "bootstrap": []},
        });
        let report = Report::from_value(report, Path::new("r.json")).unwrap();
        let signs = bootstrap_signs(&report);
        assert_eq!(signs.keys().collect::<Vec<_>>(), ["ghc", "python-foo"]);
        assert!(signs["ghc"].contains("`ghc-compiler`"));
        assert!(signs["python-foo"].contains("`1.0-1~bootstrap.fc44`"));
    }
}
