//! Where each node of a [`GraphModel`] goes in the SVG picture.
//!
//! Layers run left to right, as the chain build runs. Within a layer, the units (a package
//! outside any cycle, or a cycle group's box) are ordered by a barycentre sweep: each
//! unit moves to the mean rank of its neighbours in the layers already placed, down the
//! layers and back up, a few times, which removes most crossings. A cycle group's box
//! holds its build order as sub-columns (the bootstrap set first). A column taller than
//! [`MAX_COLUMN`] wraps into another column of the same layer. At [`FOLD_AT`] nodes or
//! more, the packages that need nothing in the effort are folded into a compact list at
//! the foot of their layer.

use crate::render::model::GraphModel;

/// Height of a node box.
pub const NODE_H: f64 = 20.0;
/// Vertical gap between units.
const GAP: f64 = 6.0;
/// Horizontal gap between columns.
const COLUMN_GAP: f64 = 60.0;
/// Height of a line in a folded list.
pub const LEAF_H: f64 = 13.0;
/// Width of one character of a node label (11 px monospace).
const CHAR_W: f64 = 6.7;
/// Labels longer than this are cut (the full name is in the tooltip and the table).
pub const MAX_LABEL: usize = 36;
/// A column wraps past this height.
pub const MAX_COLUMN: f64 = 1400.0;
/// From this many nodes on, leaves are folded.
pub const FOLD_AT: usize = 200;
/// Room above the columns for the layer labels.
const TOP: f64 = 34.0;
/// Padding inside a group box, and room for its label.
const PAD: f64 = 8.0;
const GROUP_LABEL: f64 = 18.0;

/// A rectangle.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Rect {
    /// Left.
    pub x: f64,
    /// Top.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

/// Where everything goes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Layout {
    /// Size of the picture.
    pub width: f64,
    /// Size of the picture.
    pub height: f64,
    /// Per node: its box (a line of a folded list when folded).
    pub nodes: Vec<Rect>,
    /// Per node: whether it is folded into its layer's list.
    pub folded: Vec<bool>,
    /// Per group: its box.
    pub groups: Vec<Rect>,
    /// Per layer: its band.
    pub layers: Vec<Rect>,
    /// Per layer: its folded list's box, if any.
    pub folds: Vec<Option<Rect>>,
}

/// A unit of a layer: one package, or a cycle group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Node(usize),
    Group(usize),
}

/// The layout of `model`.
pub fn layout(model: &GraphModel) -> Layout {
    let n = model.nodes.len();
    let (needs, _) = model.adjacency();
    let fold = n >= FOLD_AT;
    let folded: Vec<bool> = (0..n)
        .map(|i| {
            let node = &model.nodes[i];
            fold && needs[i].is_empty() && node.group.is_none() && !node.root
        })
        .collect();
    let mut units: Vec<Vec<Unit>> = model
        .layers
        .iter()
        .enumerate()
        .map(|(li, layer)| {
            let mut u: Vec<Unit> = layer
                .iter()
                .filter(|&&i| model.nodes[i].group.is_none() && !folded[i])
                .map(|&i| Unit::Node(i))
                .collect();
            u.extend(
                (0..model.groups.len())
                    .filter(|&g| model.groups[g].layer == li)
                    .map(Unit::Group),
            );
            u
        })
        .collect();
    let neighbours = neighbour_lists(model);
    sweep(model, &mut units, &neighbours);

    let mut out = Layout {
        nodes: vec![Rect::default(); n],
        folded,
        groups: vec![Rect::default(); model.groups.len()],
        layers: Vec::new(),
        folds: Vec::new(),
        ..Layout::default()
    };
    let rank = ranks(model, &units);
    let mut x = 10.0;
    let mut height: f64 = 0.0;
    for (li, layer_units) in units.iter().enumerate() {
        let start = x;
        let mut col = Column::new(x, TOP);
        for unit in layer_units {
            match *unit {
                Unit::Node(i) => {
                    let w = node_width(&model.nodes[i].name);
                    let r = col.place(w, NODE_H);
                    out.nodes[i] = r;
                }
                Unit::Group(g) => {
                    let (w, h) = group_size(model, g, &rank, &neighbours, None);
                    let r = col.place(w, h);
                    out.groups[g] = r;
                    group_size(model, g, &rank, &neighbours, Some((r, &mut out.nodes)));
                }
            }
        }
        let leaves: Vec<usize> = model.layers[li]
            .iter()
            .copied()
            .filter(|&i| out.folded[i])
            .collect();
        let fold_box = if leaves.is_empty() {
            None
        } else {
            let per_column = ((MAX_COLUMN - 2.0 * PAD - GROUP_LABEL) / LEAF_H).max(1.0) as usize;
            let columns = leaves.len().div_ceil(per_column);
            let rows = leaves.len().min(per_column);
            let w_col = leaves
                .iter()
                .map(|&i| node_width(&model.nodes[i].name))
                .fold(0.0, f64::max);
            let w = w_col * columns as f64 + 2.0 * PAD;
            let h = rows as f64 * LEAF_H + 2.0 * PAD + GROUP_LABEL;
            let r = col.place(w, h);
            for (k, &i) in leaves.iter().enumerate() {
                out.nodes[i] = Rect {
                    x: r.x + PAD + (k / per_column) as f64 * w_col,
                    y: r.y + PAD + GROUP_LABEL + (k % per_column) as f64 * LEAF_H,
                    w: w_col,
                    h: LEAF_H,
                };
            }
            Some(r)
        };
        out.folds.push(fold_box);
        let end = col.end();
        height = height.max(col.max_y);
        out.layers.push(Rect {
            x: start - COLUMN_GAP / 4.0,
            y: 0.0,
            w: end - start + COLUMN_GAP / 2.0,
            h: 0.0,
        });
        x = end + COLUMN_GAP;
    }
    out.height = height + 12.0;
    for band in &mut out.layers {
        band.h = out.height;
    }
    out.width = x - COLUMN_GAP + 20.0;
    out
}

/// The width of a node box for `name`.
pub fn node_width(name: &str) -> f64 {
    name.chars().count().min(MAX_LABEL) as f64 * CHAR_W + 12.0
}

/// Units stacked top to bottom from `top`, wrapping into a new column past
/// [`MAX_COLUMN`].
struct Column {
    x: f64,
    y: f64,
    top: f64,
    width: f64,
    max_x: f64,
    max_y: f64,
}

impl Column {
    fn new(x: f64, top: f64) -> Column {
        Column {
            x,
            y: top,
            top,
            width: 0.0,
            max_x: x,
            max_y: top,
        }
    }

    /// Starts a new column right of everything placed so far.
    fn next_column(&mut self) {
        self.x = self.max_x + COLUMN_GAP / 2.0;
        self.y = self.top;
        self.width = 0.0;
    }

    fn place(&mut self, w: f64, h: f64) -> Rect {
        if self.y > self.top && self.y + h > self.top + MAX_COLUMN {
            self.next_column();
        }
        let r = Rect {
            x: self.x,
            y: self.y,
            w,
            h,
        };
        self.y += h + GAP;
        self.width = self.width.max(w);
        self.max_x = self.max_x.max(self.x + w);
        self.max_y = self.max_y.max(self.y);
        r
    }

    fn end(&self) -> f64 {
        self.max_x
    }
}

/// The size of group `g`'s box; with a box to fill, also places its members in it (its
/// build order as sub-columns, each ordered by the barycentre of its members'
/// neighbours).
fn group_size(
    model: &GraphModel,
    g: usize,
    rank: &[f64],
    neighbours: &[Vec<usize>],
    mut place: Option<(Rect, &mut Vec<Rect>)>,
) -> (f64, f64) {
    let group = &model.groups[g];
    let origin = place.as_ref().map_or((0.0, 0.0), |(r, _)| (r.x, r.y));
    let top = origin.1 + PAD + GROUP_LABEL;
    let mut col = Column::new(origin.0 + PAD, top);
    let steps: Vec<Vec<usize>> = if group.order.is_empty() {
        vec![group.members.clone()]
    } else {
        group.order.clone()
    };
    for mut step in steps {
        step.sort_by(|&a, &b| {
            let ka = barycentre(a, rank, neighbours).unwrap_or(rank[a]);
            let kb = barycentre(b, rank, neighbours).unwrap_or(rank[b]);
            ka.total_cmp(&kb)
        });
        if col.y > top {
            col.next_column();
        }
        for i in step {
            let r = col.place(node_width(&model.nodes[i].name), NODE_H);
            if let Some((_, nodes)) = place.as_mut() {
                nodes[i] = r;
            }
        }
    }
    let label_w = 280.0;
    let w = (col.max_x - origin.0 + PAD).max(label_w);
    let h = col.max_y - origin.1 + PAD - GAP;
    (w, h)
}

/// Per node, the nodes it shares an edge with (either way), without duplicates.
fn neighbour_lists(model: &GraphModel) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new(); model.nodes.len()];
    for e in &model.edges {
        if e.from != e.to {
            out[e.from].push(e.to);
            out[e.to].push(e.from);
        }
    }
    for list in &mut out {
        list.sort_unstable();
        list.dedup();
    }
    out
}

/// Per node, its rank in its layer as a fraction (0 at the top, 1 at the bottom); the
/// members of a group share the group's rank.
fn ranks(model: &GraphModel, units: &[Vec<Unit>]) -> Vec<f64> {
    let mut rank = vec![0.5; model.nodes.len()];
    for layer in units {
        let count = layer.len().max(1) as f64;
        for (k, unit) in layer.iter().enumerate() {
            let r = (k as f64 + 0.5) / count;
            match *unit {
                Unit::Node(i) => rank[i] = r,
                Unit::Group(g) => {
                    for &m in &model.groups[g].members {
                        rank[m] = r;
                    }
                }
            }
        }
    }
    rank
}

/// The mean rank of `node`'s neighbours, if it has any.
fn barycentre(node: usize, rank: &[f64], neighbours: &[Vec<usize>]) -> Option<f64> {
    let list = &neighbours[node];
    (!list.is_empty()).then(|| list.iter().map(|&m| rank[m]).sum::<f64>() / list.len() as f64)
}

/// Orders the units of each layer by the barycentre of their neighbours in the layers
/// placed before, sweeping right then left, four times.
fn sweep(model: &GraphModel, units: &mut [Vec<Unit>], neighbours: &[Vec<usize>]) {
    let layer_of: Vec<usize> = model.nodes.iter().map(|n| n.layer).collect();
    let members = |u: Unit| -> Vec<usize> {
        match u {
            Unit::Node(i) => vec![i],
            Unit::Group(g) => model.groups[g].members.clone(),
        }
    };
    let count = units.len();
    for round in 0..8 {
        let mut rank = ranks(model, units);
        let forward = round % 2 == 0;
        let order: Vec<usize> = if forward {
            (0..count).collect()
        } else {
            (0..count).rev().collect()
        };
        for li in order {
            let keys: Vec<f64> = units[li]
                .iter()
                .enumerate()
                .map(|(k, &u)| {
                    let mut sum = 0.0;
                    let mut seen = 0usize;
                    for m in members(u) {
                        for &o in &neighbours[m] {
                            let other = layer_of[o];
                            if (forward && other < li) || (!forward && other > li) {
                                sum += rank[o];
                                seen += 1;
                            }
                        }
                    }
                    if seen == 0 {
                        (k as f64 + 0.5) / units[li].len() as f64
                    } else {
                        sum / seen as f64
                    }
                })
                .collect();
            let mut order: Vec<usize> = (0..units[li].len()).collect();
            order.sort_by(|&a, &b| keys[a].total_cmp(&keys[b]).then(a.cmp(&b)));
            units[li] = order.into_iter().map(|k| units[li][k]).collect();
            let len = units[li].len().max(1) as f64;
            for (k, &u) in units[li].iter().enumerate() {
                for m in members(u) {
                    rank[m] = (k as f64 + 0.5) / len;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::model::tests::small_model;
    use std::collections::BTreeMap;

    #[test]
    fn layers_go_left_to_right_and_groups_hold_their_members() {
        let model = small_model(&BTreeMap::new());
        let l = layout(&model);
        // base (layer 1) left of lib/plugin (layer 2) left of app (layer 3).
        assert!(l.nodes[1].x < l.nodes[2].x && l.nodes[2].x < l.nodes[0].x);
        let g = l.groups[0];
        for &m in &model.groups[0].members {
            let r = l.nodes[m];
            assert!(r.x >= g.x && r.x + r.w <= g.x + g.w && r.y >= g.y && r.y + r.h <= g.y + g.h);
        }
        assert!(l.width > l.nodes[0].x + l.nodes[0].w);
        assert!(!l.folded.iter().any(|&f| f));
    }

    #[test]
    fn the_sweep_uncrosses_a_ladder() {
        // Two chains a1 <- b1 <- c1 and a2 <- b2 <- c2 whose middle layer starts crossed
        // (names sort b2 before b1 when written "b-1"/"b-0").
        use crate::graph::{BuildGraph, Edge, EdgeKind};
        use crate::model::PlanOptions;
        let names = ["a1", "a2", "b-1", "b-0", "c1", "c2"];
        let edge = |from, to| Edge {
            from,
            to,
            deps: vec![],
            kind: EdgeKind::Build,
        };
        let graph = BuildGraph {
            packages: names.map(String::from).to_vec(),
            edges: vec![edge(2, 0), edge(3, 1), edge(4, 2), edge(5, 3)],
            unresolved: vec![],
        };
        let plan = crate::plan::plan(&graph, &PlanOptions::default());
        let report = ebranch_report::Report::new();
        let model = GraphModel::new(&report, &graph, &plan, &BTreeMap::new());
        let l = layout(&model);
        let y = |name: &str| l.nodes[model.nodes.iter().position(|n| n.name == name).unwrap()].y;
        assert!(y("a1") < y("a2"));
        assert!(y("b-1") < y("b-0"), "b-1 follows a1");
        assert!(y("c1") < y("c2"));
    }

    #[test]
    fn big_graphs_fold_their_leaves_and_wrap_columns() {
        use crate::graph::{BuildGraph, Edge, EdgeKind};
        use crate::model::PlanOptions;
        // 250 leaves, each needed by the root.
        let mut graph = BuildGraph::default();
        let root = graph.intern("root");
        for k in 0..250 {
            let leaf = graph.intern(&format!("leaf{k:03}"));
            graph.edges.push(Edge {
                from: root,
                to: leaf,
                deps: vec![],
                kind: EdgeKind::Build,
            });
        }
        let plan = crate::plan::plan(&graph, &PlanOptions::default());
        let model = GraphModel::new(
            &ebranch_report::Report::new(),
            &graph,
            &plan,
            &BTreeMap::new(),
        );
        let l = layout(&model);
        assert_eq!(l.folded.iter().filter(|&&f| f).count(), 250);
        let fold = l.folds[0].expect("a folded list");
        assert!(fold.h <= MAX_COLUMN + 60.0, "the list wraps: {fold:?}");
        assert!(l.nodes.iter().all(|r| r.w > 0.0));
    }
}
