//! The graph model as one self-contained HTML page: a summary, the build graph as SVG
//! (laid out by [`layout`]), and a sortable, filterable table of every package. No
//! network, no external script or style: it works from a `file://` URL and prints.
//!
//! Everything that comes from metadata is escaped: text and attributes with [`escape`],
//! the facts the page's script reads as JSON with `<`, `>` and `&` written as `\u` escapes.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde_json::{Value, json};

use crate::graph::EdgeKind;
use crate::render::layout::{FOLD_AT, LEAF_H, Layout, MAX_LABEL, NODE_H, Rect, layout};

/// Past this many edges (or [`FOLD_AT`] nodes) edges are faint until a package is hovered.
const MANY_EDGES: usize = 1500;
use crate::render::model::{GraphModel, Node, Shade};

const STYLE: &str = include_str!("page.css");
const SCRIPT: &str = include_str!("page.js");

/// What the page says about itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageInfo {
    /// The heading: what the effort is for.
    pub title: String,
    /// When the data was read or checked, in words.
    pub data_date: String,
    /// What made the page (`ebranch 0.1.0`).
    pub generator: String,
}

/// The page for `model`.
pub fn html_page(model: &GraphModel, info: &PageInfo) -> String {
    let layout = layout(model);
    let mut out = String::with_capacity(4096 + model.edges.len() * 160 + model.nodes.len() * 900);
    let title = escape(&info.title);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"{}\">\n<title>{title}</title>\n<style>\n{STYLE}</style>\n\
         </head>\n<body>\n<header>\n<h1>{title}</h1>\n<p class=\"meta\">Data: {} · made by {}</p>\n\
         <nav class=\"noprint\"><a href=\"#summary\">Summary</a> · <a href=\"#graph\">Build graph</a> · \
         <a href=\"#packages\">Packages</a></nav>\n</header>\n",
        escape(&info.generator),
        escape(&info.data_date),
        escape(&info.generator),
    );
    summary(&mut out, model, info);
    graph_section(&mut out, model, &layout);
    table(&mut out, model);
    let _ = write!(
        out,
        "<script type=\"application/json\" id=\"ebranch-data\">{}</script>\n<script>\n{SCRIPT}</script>\n\
         </body>\n</html>\n",
        script_json(&facts(model))
    );
    out
}

/// Text for HTML and XML, escaped (control characters other than tab and newline are
/// dropped: XML forbids them).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// JSON that can sit inside a `<script>` element.
fn script_json(value: &Value) -> String {
    let text = value.to_string();
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            c => out.push(c),
        }
    }
    out
}

fn summary(out: &mut String, model: &GraphModel, info: &PageInfo) {
    let roots: Vec<&str> = names(
        model,
        model
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.root)
            .map(|(i, _)| i),
    );
    let _ = write!(
        out,
        "<section id=\"summary\">\n<h2>Summary</h2>\n<p>{} source package(s) in {} chain-build layer(s), \
         {} need(s) between them, {} cycle group(s). Roots: {}. Data: {}.</p>\n",
        model.nodes.len(),
        model.layers.len(),
        model.edges.len(),
        model.groups.len(),
        escape(&if roots.is_empty() {
            "none".to_owned()
        } else {
            roots.join(", ")
        }),
        escape(&info.data_date),
    );
    let mut by_shade: BTreeMap<Shade, usize> = BTreeMap::new();
    let mut by_state: BTreeMap<String, usize> = BTreeMap::new();
    let mut by_request: BTreeMap<String, usize> = BTreeMap::new();
    for n in &model.nodes {
        *by_shade.entry(n.shade()).or_default() += 1;
        if let Some(s) = &n.status {
            *by_state.entry(s.state.clone()).or_default() += 1;
        }
        *by_request.entry(n.request_state().to_owned()).or_default() += 1;
    }
    out.push_str(
        "<div class=\"counts\">\n<table class=\"count\"><caption>By class</caption><tbody>\n",
    );
    for shade in Shade::ALL {
        let _ = writeln!(
            out,
            "<tr data-shade=\"{}\"><td><span class=\"swatch s-{}\"></span>{}</td><td>{}</td></tr>",
            shade.key(),
            shade.key(),
            shade.label(),
            by_shade.get(&shade).copied().unwrap_or(0)
        );
    }
    out.push_str("</tbody></table>\n");
    if !by_state.is_empty() {
        count_table(out, "By state (ebranch status)", &by_state);
    }
    count_table(out, "Branch requests", &by_request);
    out.push_str("</div>\n");
    if !model.groups.is_empty() {
        out.push_str("<h3>Cycle groups and their bootstrap sets</h3>\n<ul class=\"groups\">\n");
        for (gi, g) in model.groups.iter().enumerate() {
            let bound = super::set_bound(g.exact, g.at_least);
            let _ = writeln!(
                out,
                "<li>Group {} (layer {}): {} package(s); bootstrap {} ({bound}): {}</li>",
                gi + 1,
                g.layer + 1,
                g.members.len(),
                g.bootstrap.len(),
                escape(&names(model, g.bootstrap.iter().copied()).join(", "))
            );
        }
        out.push_str("</ul>\n");
    }
    let (ready, bootstrap) = model.buildable_now();
    let _ = writeln!(
        out,
        "<h3>Buildable right now</h3>\n<p id=\"buildable-now\">{} package(s): {}</p>",
        ready.len(),
        escape(&list_or_none(&names(model, ready.into_iter())))
    );
    if !bootstrap.is_empty() {
        let _ = writeln!(
            out,
            "<p>In bootstrap mode (their needs outside their cycle group are met): {}</p>",
            escape(&names(model, bootstrap.into_iter()).join(", "))
        );
    }
    out.push_str("</section>\n");
}

fn count_table(out: &mut String, caption: &str, counts: &BTreeMap<String, usize>) {
    let _ = writeln!(
        out,
        "<table class=\"count\"><caption>{caption}</caption><tbody>"
    );
    for (k, v) in counts {
        let _ = writeln!(out, "<tr><td>{}</td><td>{v}</td></tr>", escape(k));
    }
    out.push_str("</tbody></table>\n");
}

fn names(model: &GraphModel, nodes: impl Iterator<Item = usize>) -> Vec<&str> {
    nodes.map(|i| model.nodes[i].name.as_str()).collect()
}

fn list_or_none(names: &[&str]) -> String {
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(", ")
    }
}

fn graph_section(out: &mut String, model: &GraphModel, layout: &Layout) {
    out.push_str("<section id=\"graph\">\n<h2>Build graph</h2>\n<p class=\"legend\">");
    for shade in Shade::ALL {
        let _ = write!(
            out,
            "<span><span class=\"swatch s-{}\"></span>{}</span> ",
            shade.key(),
            shade.label()
        );
    }
    out.push_str(
        "<span><span class=\"swatch boot\"></span>bootstrap set</span> \
         <span><span class=\"swatch req-open\"></span>request open</span> \
         <span><span class=\"swatch req-stalled\"></span>stalled</span> \
         <span><span class=\"swatch req-closed\"></span>closed</span> \
         <span class=\"edge-key\">→ needs (solid: BuildRequires; dashed: installed in the \
         buildroot; red: dropped by a bootstrap build)</span></p>\n\
         <p class=\"hint noprint\">Layers run left to right, as the chain build does. Hover a \
         package to see its needs, click it for why it is here.</p>\n<div class=\"graph-wrap\">\n",
    );
    svg(out, model, layout);
    out.push_str(
        "</div>\n<aside id=\"details\" class=\"noprint\" aria-live=\"polite\"><p>Click a package \
         in the graph or the table.</p></aside>\n</section>\n",
    );
}

fn svg(out: &mut String, model: &GraphModel, l: &Layout) {
    let _ = write!(
        out,
        "<svg id=\"build-graph\"{} xmlns=\"http://www.w3.org/2000/svg\" width=\"{w:.0}\" height=\"{h:.0}\" \
         viewBox=\"0 0 {w:.0} {h:.0}\" role=\"img\" aria-label=\"build graph: {} packages, {} needs\">\n\
         <defs><marker id=\"arrow\" viewBox=\"0 0 8 8\" refX=\"8\" refY=\"4\" markerWidth=\"6\" \
         markerHeight=\"6\" orient=\"auto\"><path d=\"M0,0 L8,4 L0,8 z\"/></marker></defs>\n<g class=\"layers\">\n",
        if model.nodes.len() >= FOLD_AT || model.edges.len() > MANY_EDGES {
            " class=\"many\""
        } else {
            ""
        },
        model.nodes.len(),
        model.edges.len(),
        w = l.width,
        h = l.height,
    );
    for (li, band) in l.layers.iter().enumerate() {
        let _ = writeln!(
            out,
            "<rect class=\"band\" x=\"{:.1}\" y=\"0\" width=\"{:.1}\" height=\"{:.1}\"/>\
             <text class=\"layer-label\" x=\"{:.1}\" y=\"18\">layer {}</text>",
            band.x,
            band.w,
            band.h,
            band.x + 6.0,
            li + 1
        );
    }
    for (li, fold) in l.folds.iter().enumerate() {
        if let Some(r) = fold {
            let count = model.layers[li].iter().filter(|&&i| l.folded[i]).count();
            let _ = writeln!(
                out,
                "<rect class=\"fold\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\"/>\
                 <text class=\"fold-label\" x=\"{:.1}\" y=\"{:.1}\">{count} package(s) needing nothing here</text>",
                r.x,
                r.y,
                r.w,
                r.h,
                r.x + 6.0,
                r.y + 16.0
            );
        }
    }
    out.push_str("</g>\n<g class=\"groups\">\n");
    for (gi, (g, r)) in model.groups.iter().zip(&l.groups).enumerate() {
        let _ = writeln!(
            out,
            "<g class=\"group\" data-group=\"{gi}\"><rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\">cycle group {}: {} packages, bootstrap {}</text></g>",
            r.x,
            r.y,
            r.w,
            r.h,
            r.x + 6.0,
            r.y + 16.0,
            gi + 1,
            g.members.len(),
            g.bootstrap.len()
        );
    }
    out.push_str("</g>\n<g class=\"edges\">\n");
    for e in &model.edges {
        edge(out, model, l, e);
    }
    out.push_str("</g>\n<g class=\"nodes\">\n");
    let (needs, needed_by) = model.adjacency();
    for (i, node) in model.nodes.iter().enumerate() {
        let tip = tooltip(model, i, &needs[i], &needed_by[i]);
        node_svg(out, i, node, l.nodes[i], l.folded[i], &tip);
    }
    out.push_str("</g>\n</svg>\n");
}

fn edge(out: &mut String, model: &GraphModel, l: &Layout, e: &crate::render::model::ModelEdge) {
    let (f, t) = (l.nodes[e.from], l.nodes[e.to]);
    let (fx, fy) = (f.x, f.y + f.h / 2.0);
    let (tx, ty) = (t.x + t.w, t.y + t.h / 2.0);
    let dx = ((fx - tx).abs() / 2.0).max(24.0);
    let mut class = String::from(match e.kind {
        EdgeKind::Build => "edge build",
        EdgeKind::Install => "edge install",
    });
    let (a, b) = (&model.nodes[e.from], &model.nodes[e.to]);
    if a.group.is_some() && a.group == b.group {
        class.push_str(" in-group");
    }
    if e.dropped {
        class.push_str(" dropped");
    }
    let _ = writeln!(
        out,
        "<path class=\"{class}\" data-from=\"{}\" data-to=\"{}\" d=\"M{fx:.1},{fy:.1} C{:.1},{fy:.1} {:.1},{ty:.1} {tx:.1},{ty:.1}\"/>",
        e.from,
        e.to,
        fx - dx,
        tx + dx
    );
}

fn node_svg(out: &mut String, i: usize, node: &Node, r: Rect, folded: bool, tip: &str) {
    let mut class = format!("node s-{} req-{}", node.shade().key(), node.request_state());
    for (on, name) in [
        (node.root, " root"),
        (node.bootstrap, " boot"),
        (folded, " folded"),
        (node.group.is_some(), " member"),
    ] {
        if on {
            class.push_str(name);
        }
    }
    let label = short(&node.name);
    let _ = write!(
        out,
        "<g class=\"{class}\" id=\"n{i}\" data-node=\"{i}\" data-name=\"{}\" tabindex=\"0\"><title>{}</title>",
        escape(&node.name),
        escape(tip)
    );
    if folded {
        let _ = writeln!(
            out,
            "<rect class=\"chip\" x=\"{:.1}\" y=\"{:.1}\" width=\"8\" height=\"8\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\">{}</text></g>",
            r.x,
            r.y + 2.0,
            r.x + 11.0,
            r.y + LEAF_H - 3.0,
            escape(&label)
        );
    } else {
        let _ = writeln!(
            out,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{NODE_H}\" rx=\"3\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\">{}</text></g>",
            r.x,
            r.y,
            r.w,
            r.x + 6.0,
            r.y + 14.0,
            escape(&label)
        );
    }
}

/// A label cut to [`MAX_LABEL`] characters.
fn short(name: &str) -> String {
    if name.chars().count() <= MAX_LABEL {
        name.to_owned()
    } else {
        let mut s: String = name.chars().take(MAX_LABEL - 1).collect();
        s.push('…');
        s
    }
}

/// The hover text: what it is, what it needs and who needs it (the first few of each).
fn tooltip(model: &GraphModel, i: usize, needs: &[usize], needed_by: &[usize]) -> String {
    let node = &model.nodes[i];
    let mut tip = node.name.clone();
    if let Some(evr) = &node.evr {
        let _ = write!(tip, " {evr}");
    }
    let _ = write!(tip, "\n{} · layer {}", node.shade().label(), node.layer + 1);
    if let Some(g) = node.group {
        let _ = write!(tip, " · cycle group {}", g + 1);
        if node.bootstrap {
            tip.push_str(" (bootstrap first)");
        }
    }
    let list = |edges: &[usize], end: fn(&crate::render::model::ModelEdge) -> usize| -> String {
        let mut names: Vec<&str> = edges
            .iter()
            .map(|&e| model.nodes[end(&model.edges[e])].name.as_str())
            .collect();
        let more = names.len().saturating_sub(8);
        names.truncate(8);
        let mut s = names.join(", ");
        if more > 0 {
            let _ = write!(s, " and {more} more");
        }
        s
    };
    if !needs.is_empty() {
        let _ = write!(tip, "\nneeds: {}", list(needs, |e| e.to));
    }
    if !needed_by.is_empty() {
        let _ = write!(tip, "\nneeded by: {}", list(needed_by, |e| e.from));
    }
    if !node.unresolved.is_empty() {
        let _ = write!(tip, "\nunresolvable: {}", node.unresolved.join(", "));
    }
    tip
}

fn table(out: &mut String, model: &GraphModel) {
    out.push_str(
        "<section id=\"packages\">\n<h2>Packages</h2>\n<div class=\"filters noprint\">\
         <label>Filter <input type=\"search\" id=\"filter\" placeholder=\"name\"></label> \
         <label>Class <select id=\"filter-shade\"><option value=\"\">any</option>",
    );
    for shade in Shade::ALL {
        let _ = write!(
            out,
            "<option value=\"{}\">{}</option>",
            shade.key(),
            shade.label()
        );
    }
    out.push_str(
        "</select></label> <label>State <select id=\"filter-state\"><option value=\"\">any</option></select></label> \
         <span id=\"shown\"></span></div>\n<table id=\"package-table\">\n<thead><tr>\
         <th data-key=\"text\">package</th><th data-key=\"text\">class</th>\
         <th data-key=\"num\">layer</th><th data-key=\"num\">cycle group</th>\
         <th data-key=\"num\">bug</th><th data-key=\"text\">state</th>\
         <th data-key=\"num\">needed by</th><th data-key=\"num\">needs</th></tr></thead>\n<tbody>\n",
    );
    let (needs, needed_by) = model.adjacency();
    for (i, node) in model.nodes.iter().enumerate() {
        let shade = node.shade();
        let state = node.status.as_ref().map_or("", |s| s.state.as_str());
        let bug = match (node.bug, &node.links.bug) {
            (Some(b), Some(url)) => format!("<a class=\"bug\" href=\"{}\">{b}</a>", escape(url)),
            (Some(b), None) => b.to_string(),
            _ => String::new(),
        };
        let group = node.group.map_or(String::new(), |g| {
            format!(
                "{}{}",
                g + 1,
                if node.bootstrap { " (bootstrap)" } else { "" }
            )
        });
        let _ = writeln!(
            out,
            "<tr data-node=\"{i}\" data-shade=\"{}\" data-state=\"{}\"><td><a href=\"#n{i}\" class=\"pkg\">{}</a>{}</td>\
             <td><span class=\"swatch s-{}\"></span>{}</td><td>{}</td><td>{group}</td><td>{bug}</td>\
             <td>{}</td><td>{}</td><td>{}</td></tr>",
            shade.key(),
            escape(state),
            escape(&node.name),
            if node.root { " <em>(root)</em>" } else { "" },
            shade.key(),
            shade.label(),
            node.layer + 1,
            escape(&request_and_state(node)),
            needed_by[i].len(),
            needs[i].len(),
        );
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

/// The state column: the status state and the request's, e.g. `requested (bug stalled)`.
fn request_and_state(node: &Node) -> String {
    let state = node.status.as_ref().map_or("", |s| s.state.as_str());
    match (state, node.request_state()) {
        ("", "none") => String::new(),
        ("", r) => format!("bug {r}"),
        (s, "none") => s.to_owned(),
        (s, r) => format!("{s} (bug {r})"),
    }
}

/// What the page's script shows when a package is clicked.
fn facts(model: &GraphModel) -> Value {
    let nodes: Vec<Value> = model
        .nodes
        .iter()
        .map(|n| {
            json!({
                "name": n.name,
                "evr": n.evr,
                "shade": n.shade().label(),
                "layer": n.layer + 1,
                "group": n.group.map(|g| g + 1),
                "bootstrap": n.bootstrap,
                "root": n.root,
                "bug": n.bug,
                "state": n.status.as_ref().map(|s| &s.state),
                "request": n.status.as_ref().and_then(|s| s.request.clone()),
                "update": n.status.as_ref().and_then(|s| s.update.clone()),
                "checked": n.status.as_ref().map(|s| &s.checked),
                "links": {"bug": n.links.bug, "dist_git": n.links.dist_git, "update": n.links.update},
                "unresolved": n.unresolved,
                "alternatives": n.alternatives,
            })
        })
        .collect();
    let edges: Vec<Value> = model
        .edges
        .iter()
        .map(|e| json!([e.from, e.to, e.kind == EdgeKind::Build, e.deps, e.dropped]))
        .collect();
    json!({"nodes": nodes, "edges": edges})
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::model::tests::small_model;

    fn page() -> String {
        let mut model = small_model(&BTreeMap::new());
        model.nodes[0].links.bug = Some("https://bugzilla.example/show_bug.cgi?id=42".into());
        model.nodes[1].name = "base<script>alert(1)</script>".into();
        html_page(
            &model,
            &PageInfo {
                title: "ebranch: app & co".into(),
                data_date: "2026-01-02".into(),
                generator: "ebranch test".into(),
            },
        )
    }

    #[test]
    fn one_svg_node_and_one_row_per_package_one_path_per_edge() {
        let p = page();
        assert_eq!(p.matches("<g class=\"node ").count(), 4);
        assert_eq!(p.matches("<tr data-node=").count(), 4);
        assert_eq!(p.matches("<path class=\"edge").count(), 4);
        assert_eq!(p.matches("<g class=\"group\"").count(), 1);
        assert!(p.contains("class=\"node s-new req-none member boot\"") || p.contains("boot"));
    }

    #[test]
    fn metadata_is_escaped_everywhere() {
        let p = page();
        assert!(!p.contains("<script>alert"), "raw markup from metadata");
        assert!(p.contains("base&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(p.contains("base\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"));
        assert!(p.contains("<title>ebranch: app &amp; co</title>"));
    }

    #[test]
    fn self_contained() {
        let p = page();
        for banned in [
            "<link",
            "src=\"http",
            "href=\"http://",
            "@import",
            "url(http",
        ] {
            assert!(!p.contains(banned), "{banned}");
        }
        assert!(p.contains(
            "<a class=\"bug\" href=\"https://bugzilla.example/show_bug.cgi?id=42\">42</a>"
        ));
    }

    #[test]
    fn escape_drops_control_characters() {
        assert_eq!(
            escape("<a&\"'>\u{1b}]0;x\u{7}"),
            "&lt;a&amp;&quot;&#39;&gt;]0;x"
        );
    }
}
