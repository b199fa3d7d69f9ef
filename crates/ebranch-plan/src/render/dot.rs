//! The graph model as a Graphviz DOT graph.

use std::fmt::Write;

use crate::graph::EdgeKind;
use crate::render::model::GraphModel;

/// A DOT digraph of `model`: one cluster per layer, each cycle group boxed in a cluster of
/// its own inside its layer (bootstrap-set packages with a double border), nodes filled by
/// [`Shade`](crate::Shade) and labelled with it, roots bold, packages with unresolvable
/// dependencies octagons; an arrow from each package to what it needs, with the
/// dependencies as tooltip: hollow head for install-time edges, red inside a cycle group,
/// dashed where a bootstrap build drops it.
pub fn graph_dot(model: &GraphModel) -> String {
    let mut out = String::from("digraph ebranch {\n  node [shape=box, style=filled];\n");
    for (li, layer) in model.layers.iter().enumerate() {
        let _ = writeln!(out, "  subgraph cluster_layer_{li} {{");
        let _ = writeln!(out, "    label=\"layer {}\";", li + 1);
        for &n in layer.iter().filter(|&&n| model.nodes[n].group.is_none()) {
            node_line(&mut out, model, n, "    ");
        }
        for (gi, group) in model.groups.iter().enumerate() {
            if group.layer != li {
                continue;
            }
            let _ = writeln!(out, "    subgraph cluster_group_{gi} {{");
            let _ = writeln!(
                out,
                "      label=\"cycle group {}: bootstrap {} of {}\";\n      color=red;",
                gi + 1,
                group.bootstrap.len(),
                group.members.len()
            );
            for &n in &group.members {
                node_line(&mut out, model, n, "      ");
            }
            out.push_str("    }\n");
        }
        out.push_str("  }\n");
    }
    for e in &model.edges {
        let (from, to) = (&model.nodes[e.from], &model.nodes[e.to]);
        let mut attrs = vec![format!("tooltip={}", quote(&e.deps.join(", ")))];
        if e.kind == EdgeKind::Install {
            attrs.push("arrowhead=empty".to_owned());
        }
        if from.group.is_some() && from.group == to.group {
            attrs.push("color=red".to_owned());
        }
        if e.dropped {
            attrs.push("style=dashed".to_owned());
        }
        let _ = writeln!(
            out,
            "  {} -> {} [{}];",
            quote(&from.name),
            quote(&to.name),
            attrs.join(", ")
        );
    }
    out.push_str("}\n");
    out
}

fn node_line(out: &mut String, model: &GraphModel, n: usize, indent: &str) {
    let node = &model.nodes[n];
    let shade = node.shade();
    let mut attrs = vec![
        format!(
            "label={}",
            quote(&format!("{}\n{}", node.name, shade.key()))
        ),
        format!("fillcolor=\"{}\"", shade.colour()),
    ];
    if node.root {
        attrs.push("penwidth=2".to_owned());
    }
    if node.bootstrap {
        attrs.push("peripheries=2".to_owned());
    }
    if !node.unresolved.is_empty() {
        attrs.push("shape=octagon".to_owned());
        attrs.push(format!(
            "tooltip={}",
            quote(&format!("unresolved: {}", node.unresolved.join(", ")))
        ));
    }
    let _ = writeln!(out, "{indent}{} [{}];", quote(&node.name), attrs.join(", "));
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
            c if c.is_control() => {}
            c => q.push(c),
        }
    }
    q.push('"');
    q
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn layers_groups_shades_and_edges() {
        let model = crate::render::model::tests::small_model(&BTreeMap::new());
        let dot = graph_dot(&model);
        let want = r##"digraph ebranch {
  node [shape=box, style=filled];
  subgraph cluster_layer_0 {
    label="layer 1";
    "base" [label="base\nincompatible-update", fillcolor="#f5c06f"];
  }
  subgraph cluster_layer_1 {
    label="layer 2";
    subgraph cluster_group_0 {
      label="cycle group 1: bootstrap 1 of 2";
      color=red;
      "lib" [label="lib\nupdate", fillcolor="#ffeeba", peripheries=2];
      "plugin" [label="plugin\nnew", fillcolor="#ffffff"];
    }
  }
  subgraph cluster_layer_2 {
    label="layer 3";
    "app" [label="app\nunresolvable", fillcolor="#d6a4e0", penwidth=2, shape=octagon, tooltip="unresolved: nope"];
  }
  "app" -> "lib" [tooltip="lib-devel"];
  "lib" -> "base" [tooltip="base \"q\"", arrowhead=empty];
  "lib" -> "plugin" [tooltip="python3dist(pytest-plugin)", color=red, style=dashed];
  "plugin" -> "lib" [tooltip="lib", color=red];
}
"##;
        assert_eq!(dot, want);
    }

    #[test]
    fn names_are_quoted() {
        assert_eq!(quote("a\"b\\c\nd\u{1b}"), r#""a\"b\\c\nd""#);
    }
}
