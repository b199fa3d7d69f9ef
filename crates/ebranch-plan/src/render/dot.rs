//! The plan as a Graphviz DOT graph.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use crate::canon::Canon;
use crate::graph::{BuildGraph, EdgeKind};
use crate::model::Plan;

/// A DOT digraph of `graph` laid out by `plan`: one cluster per layer (cycle groups inside
/// their layer's cluster, filled pink), an arrow from each package to what it needs (hollow
/// head for install-time edges), edges inside a cycle group red, break edges dashed, and
/// blocked packages drawn as octagons with their unresolved dependencies as tooltip.
pub fn plan_dot(graph: &BuildGraph, plan: &Plan) -> String {
    let canon = Canon::new(graph);
    let mut group_of: BTreeMap<&str, usize> = BTreeMap::new();
    for (gi, group) in plan.cycles.iter().enumerate() {
        for m in &group.members {
            group_of.insert(m, gi);
        }
    }
    let breaks: BTreeSet<(&str, &str)> = plan
        .cycles
        .iter()
        .flat_map(|g| &g.break_edges)
        .map(|b| (b.from.as_str(), b.to.as_str()))
        .collect();
    let blocked: BTreeMap<&str, &Vec<String>> =
        plan.blocked.iter().map(|(p, d)| (p.as_str(), d)).collect();

    let mut out = String::from("digraph ebranch {\n  node [shape=box];\n");
    for (li, layer) in plan.layers.iter().enumerate() {
        let _ = writeln!(out, "  subgraph cluster_layer_{li} {{");
        let _ = writeln!(out, "    label=\"layer {}\";", li + 1);
        let mut names: Vec<&str> = layer.packages.iter().map(String::as_str).collect();
        for &c in &layer.cycles {
            if let Some(group) = plan.cycles.get(c) {
                names.extend(group.members.iter().map(String::as_str));
            }
        }
        names.sort_unstable();
        for name in names {
            let mut attrs = Vec::new();
            if group_of.contains_key(name) {
                attrs.push("style=filled, fillcolor=pink".to_owned());
            }
            if let Some(deps) = blocked.get(name) {
                attrs.push(format!(
                    "shape=octagon, color=orange, tooltip={}",
                    quote(&format!("unresolved: {}", deps.join(", ")))
                ));
            }
            let _ = writeln!(out, "    {}{};", quote(name), attr_list(&attrs));
        }
        out.push_str("  }\n");
    }
    for e in &canon.edges {
        let (from, to) = (canon.names[e.from].as_str(), canon.names[e.to].as_str());
        let mut attrs = vec![format!("tooltip={}", quote(&e.all_deps().join(", ")))];
        if e.kind() == EdgeKind::Install {
            attrs.push("arrowhead=empty".to_owned());
        }
        let same_group = matches!(
            (group_of.get(from), group_of.get(to)),
            (Some(a), Some(b)) if a == b
        );
        if same_group {
            attrs.push("color=red".to_owned());
        }
        if breaks.contains(&(from, to)) {
            attrs.push("style=dashed".to_owned());
        }
        let _ = writeln!(
            out,
            "  {} -> {}{};",
            quote(from),
            quote(to),
            attr_list(&attrs)
        );
    }
    out.push_str("}\n");
    out
}

fn attr_list(attrs: &[String]) -> String {
    if attrs.is_empty() {
        String::new()
    } else {
        format!(" [{}]", attrs.join(", "))
    }
}

/// A DOT double-quoted string.
fn quote(s: &str) -> String {
    let mut q = String::with_capacity(s.len() + 2);
    q.push('"');
    for c in s.chars() {
        match c {
            '"' => q.push_str("\\\""),
            '\\' => q.push_str("\\\\"),
            '\n' => q.push_str("\\n"),
            '\r' => {}
            c => q.push(c),
        }
    }
    q.push('"');
    q
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{Edge, Unresolved};
    use crate::model::PlanOptions;
    use crate::plan::plan;

    #[test]
    fn clusters_highlights_and_dashes() {
        let edge = |from, to, dep: &str, kind| Edge {
            from,
            to,
            deps: vec![dep.to_owned()],
            kind,
        };
        let g = BuildGraph {
            packages: ["app", "lib", "plugin", "base"].map(String::from).to_vec(),
            edges: vec![
                edge(0, 1, "lib", EdgeKind::Build),
                edge(1, 2, "python3dist(pytest-plugin)", EdgeKind::Build),
                edge(2, 1, "lib", EdgeKind::Build),
                edge(2, 3, "base \"q\"", EdgeKind::Install),
            ],
            unresolved: vec![Unresolved {
                package: 0,
                deps: vec!["nope".into()],
            }],
        };
        let p = plan(&g, &PlanOptions::default());
        let dot = plan_dot(&g, &p);
        let want = r#"digraph ebranch {
  node [shape=box];
  subgraph cluster_layer_0 {
    label="layer 1";
    "base";
  }
  subgraph cluster_layer_1 {
    label="layer 2";
    "lib" [style=filled, fillcolor=pink];
    "plugin" [style=filled, fillcolor=pink];
  }
  subgraph cluster_layer_2 {
    label="layer 3";
    "app" [shape=octagon, color=orange, tooltip="unresolved: nope"];
  }
  "app" -> "lib" [tooltip="lib"];
  "lib" -> "plugin" [tooltip="python3dist(pytest-plugin)", color=red, style=dashed];
  "plugin" -> "base" [tooltip="base \"q\"", arrowhead=empty];
  "plugin" -> "lib" [tooltip="lib", color=red];
}
"#;
        assert_eq!(dot, want);
    }
}
