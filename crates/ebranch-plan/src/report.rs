//! Reading an ebranch 0.0.3 report (the JSON state file) into a [`BuildGraph`].

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::error::PlanError;
use crate::graph::{BuildGraph, Edge, EdgeKind, Unresolved};

/// The provider key under which 0.0.3 collects dependencies it could not resolve.
pub const UNKNOWN_PROVIDER: &str = "UNKNOWN";

/// Reads an ebranch 0.0.3 report into a build graph.
///
/// The report is an object keyed by source package. Each entry may have `"build"` (provider
/// source → BuildRequires strings; [`EdgeKind::Build`] edges), `"install"` (the same shape,
/// an extension of this tool; [`EdgeKind::Install`] edges) and `"skip": true` (the package is
/// left out, and edges to it are dropped). The provider `UNKNOWN` holds unresolvable
/// dependencies, recorded as [`Unresolved`]. Providers that are not top-level keys are
/// outside the closure (already available) and make no edge. Other keys are ignored.
/// Packages come out sorted by name.
pub fn graph_from_report(report: &Value) -> Result<BuildGraph, PlanError> {
    let top = report.as_object().ok_or(PlanError::NotAnObject)?;
    let mut entries: BTreeMap<&str, &Map<String, Value>> = BTreeMap::new();
    for (name, value) in top {
        if name == UNKNOWN_PROVIDER {
            return Err(PlanError::ReservedName);
        }
        let entry = value.as_object().ok_or_else(|| PlanError::EntryNotObject {
            package: name.clone(),
        })?;
        if !is_skipped(name, entry)? {
            entries.insert(name, entry);
        }
    }
    let index: BTreeMap<&str, usize> = entries.keys().enumerate().map(|(i, &n)| (n, i)).collect();
    let mut graph = BuildGraph {
        packages: entries.keys().map(|&n| n.to_owned()).collect(),
        ..BuildGraph::default()
    };
    for (from, (name, entry)) in entries.iter().enumerate() {
        for (field, kind) in [("build", EdgeKind::Build), ("install", EdgeKind::Install)] {
            for (provider, deps) in providers(name, entry, field)? {
                if provider == UNKNOWN_PROVIDER {
                    graph.unresolved.push(Unresolved {
                        package: from,
                        deps,
                    });
                } else if let Some(&to) = index.get(provider) {
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
    Ok(graph)
}

fn is_skipped(name: &str, entry: &Map<String, Value>) -> Result<bool, PlanError> {
    match entry.get("skip") {
        None => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(PlanError::SkipNotBool {
            package: name.to_owned(),
        }),
    }
}

/// The `(provider, deps)` pairs of one field of an entry, sorted by provider.
fn providers<'a>(
    name: &str,
    entry: &'a Map<String, Value>,
    field: &str,
) -> Result<BTreeMap<&'a str, Vec<String>>, PlanError> {
    let mut out = BTreeMap::new();
    let Some(value) = entry.get(field) else {
        return Ok(out);
    };
    let map = value.as_object().ok_or_else(|| PlanError::FieldNotObject {
        package: name.to_owned(),
        field: field.to_owned(),
    })?;
    for (provider, deps) in map {
        let bad = || PlanError::DepsNotStrings {
            package: name.to_owned(),
            field: field.to_owned(),
            provider: provider.clone(),
        };
        let deps = deps
            .as_array()
            .ok_or_else(bad)?
            .iter()
            .map(|d| d.as_str().map(str::to_owned).ok_or_else(bad))
            .collect::<Result<Vec<_>, _>>()?;
        out.insert(provider.as_str(), deps);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_edges_unknown_skip_and_install() {
        let report = json!({
            "b": {"build": {"a": ["liba"], "UNKNOWN": ["nothing"], "outside": ["x"], "s": ["y"]},
                  "install": {"c": ["libc.so.6"]}, "extra": 1},
            "a": {},
            "c": {"skip": false},
            "s": {"skip": true, "build": "not checked"},
        });
        let g = graph_from_report(&report).unwrap();
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
    fn bad_reports_name_the_key() {
        let cases = [
            (json!([]), PlanError::NotAnObject),
            (
                json!({"a": 1}),
                PlanError::EntryNotObject {
                    package: "a".into(),
                },
            ),
            (
                json!({"a": {"build": []}}),
                PlanError::FieldNotObject {
                    package: "a".into(),
                    field: "build".into(),
                },
            ),
            (
                json!({"a": {"install": {"p": "x"}}}),
                PlanError::DepsNotStrings {
                    package: "a".into(),
                    field: "install".into(),
                    provider: "p".into(),
                },
            ),
            (
                json!({"a": {"build": {"p": ["x", 2]}}}),
                PlanError::DepsNotStrings {
                    package: "a".into(),
                    field: "build".into(),
                    provider: "p".into(),
                },
            ),
            (
                json!({"a": {"skip": "yes"}}),
                PlanError::SkipNotBool {
                    package: "a".into(),
                },
            ),
            (json!({"UNKNOWN": {}}), PlanError::ReservedName),
        ];
        for (report, want) in cases {
            assert_eq!(graph_from_report(&report), Err(want.clone()), "{report}");
            assert!(!want.to_string().is_empty());
        }
    }
}
