//! A report (`ebranch-report`) as a [`BuildGraph`].

use std::collections::BTreeMap;

use ebranch_report::{Entry, Report, UNKNOWN};

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
}
