//! The one graph model every picture of an effort is drawn from: DOT, and the HTML page
//! with its SVG graph, table and summary (and the facts JSON tools can read).
//!
//! [`GraphModel::new`] joins a report (what each package is), a graph (which package needs
//! which: the report's own edges, or the planner's buildroot edges), the plan of that
//! effort (layers, cycle groups, bootstrap sets) and, once `ebranch status` has run, where
//! each package stands ([`NodeStatus`], filled by the caller, which owns that format).

use std::collections::{BTreeMap, BTreeSet};

use ebranch_report::key::{ALTERNATIVES, EVR, ROOT, UNRESOLVABLE};
use ebranch_report::{Class, Report};

use crate::canon::Canon;
use crate::graph::{BuildGraph, EdgeKind};
use crate::model::{Plan, PlanOptions};
use crate::report::{bootstrap_signs, buildroot_graph_from_report, graph_from_report};

/// Which needs a model of a report draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelEdges {
    /// The report's own: a BuildRequires, or a Requires of a package's binaries.
    Report,
    /// The planner's: a BuildRequires, or a package whose binaries the buildroot installs.
    Buildroot,
}

/// Packages, their needs, layers and cycle groups, ready to draw.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GraphModel {
    /// The packages, sorted by name; a node is its index here.
    pub nodes: Vec<Node>,
    /// One edge per (needing, needed) pair, sorted.
    pub edges: Vec<ModelEdge>,
    /// Node indexes per chain-build layer (the first is built first), sorted by name.
    pub layers: Vec<Vec<usize>>,
    /// The cycle groups of the plan.
    pub groups: Vec<Group>,
}

/// One source package.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Node {
    /// Source package name.
    pub name: String,
    /// Its EVR in the reference, when the report has it.
    pub evr: Option<String>,
    /// Asked for by the user.
    pub root: bool,
    /// Why it is missing from the target (the report's `class`).
    pub class: Option<Class>,
    /// Its chain-build layer (0 is built first).
    pub layer: usize,
    /// Index into [`GraphModel::groups`] of its cycle group.
    pub group: Option<usize>,
    /// Built first in bootstrap mode (in its group's bootstrap set).
    pub bootstrap: bool,
    /// Dependencies nothing provides.
    pub unresolved: Vec<String>,
    /// Dependencies several binaries provide: (dependency, chosen, the others).
    pub alternatives: Vec<(String, String, Vec<String>)>,
    /// The branch request's bug, when one was filed.
    pub bug: Option<u64>,
    /// Where it stands, after `ebranch status`.
    pub status: Option<NodeStatus>,
    /// Web pages about it (filled by the caller, which knows the services).
    pub links: NodeLinks,
}

/// Web pages about a package: its branch request, dist-git, its Bodhi update.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NodeLinks {
    /// The request's bug.
    pub bug: Option<String>,
    /// Its dist-git repository.
    pub dist_git: Option<String>,
    /// Its furthest-along update.
    pub update: Option<String>,
}

/// Where a package stands (a digest of `ebranch status`'s entry, made by the caller).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NodeStatus {
    /// The summary state (`stable`, `testing`, `branched`, `requested`, ...).
    pub state: String,
    /// Whether it no longer blocks anything (available, stable, skipped).
    pub done: bool,
    /// The branch request: `open`, `stalled` or `closed`, with Bugzilla's status.
    pub request: Option<(String, String)>,
    /// The furthest-along Bodhi update: alias and status.
    pub update: Option<(String, String)>,
    /// When it was checked.
    pub checked: String,
}

/// `from` needs `to` built first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelEdge {
    /// The needing node.
    pub from: usize,
    /// The needed node.
    pub to: usize,
    /// Build (a BuildRequires) or install (something in the buildroot requires it).
    pub kind: EdgeKind,
    /// The dependency strings, sorted.
    pub deps: Vec<String>,
    /// Dropped by `from`'s bootstrap build.
    pub dropped: bool,
}

/// A cycle group and its recipe.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Group {
    /// Its members (node indexes, by name).
    pub members: Vec<usize>,
    /// Its layer.
    pub layer: usize,
    /// The bootstrap set (node indexes, by name).
    pub bootstrap: Vec<usize>,
    /// Whether the set is a proven minimum.
    pub exact: bool,
    /// No smaller set exists than this.
    pub at_least: usize,
    /// Build order inside the group: the bootstrap set, then sub-layers.
    pub order: Vec<Vec<usize>>,
}

/// How a node is drawn: the classes, furthest along first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Shade {
    /// A stable update in the target (or the target had it all along).
    Stable,
    /// An update in testing.
    Testing,
    /// Branched (or built) in the target, no update yet.
    Branched,
    /// Needs a branch request.
    New,
    /// Needs an EPEL update.
    Update,
    /// Needs an incompatible EPEL update.
    IncompatibleUpdate,
    /// The base distribution blocks it.
    BlockedByBase,
    /// Some dependency has no provider.
    Unresolvable,
}

impl Shade {
    /// Every shade, in legend order.
    pub const ALL: [Shade; 8] = [
        Shade::New,
        Shade::Update,
        Shade::IncompatibleUpdate,
        Shade::BlockedByBase,
        Shade::Unresolvable,
        Shade::Branched,
        Shade::Testing,
        Shade::Stable,
    ];

    /// CSS class and data value: `new`, `incompatible-update`, ...
    pub fn key(self) -> &'static str {
        match self {
            Shade::Stable => "stable",
            Shade::Testing => "testing",
            Shade::Branched => "branched",
            Shade::New => "new",
            Shade::Update => "update",
            Shade::IncompatibleUpdate => "incompatible-update",
            Shade::BlockedByBase => "blocked-by-base",
            Shade::Unresolvable => "unresolvable",
        }
    }

    /// In words, for legends.
    pub fn label(self) -> &'static str {
        match self {
            Shade::Stable => "stable / available",
            Shade::Testing => "in testing",
            Shade::Branched => "already branched",
            Shade::New => "new",
            Shade::Update => "update",
            Shade::IncompatibleUpdate => "incompatible update",
            Shade::BlockedByBase => "blocked by base",
            Shade::Unresolvable => "unresolvable",
        }
    }

    /// Fill colour (the same in DOT and SVG).
    pub fn colour(self) -> &'static str {
        match self {
            Shade::Stable => "#8fd19e",
            Shade::Testing => "#c3e6cb",
            Shade::Branched => "#b8daff",
            Shade::New => "#ffffff",
            Shade::Update => "#ffeeba",
            Shade::IncompatibleUpdate => "#f5c06f",
            Shade::BlockedByBase => "#f1a7ad",
            Shade::Unresolvable => "#d6a4e0",
        }
    }
}

impl Node {
    /// How it is drawn: its state once `status` has run, else its class.
    pub fn shade(&self) -> Shade {
        match self.status.as_ref().map(|s| s.state.as_str()) {
            Some("stable" | "available") => return Shade::Stable,
            Some("testing") => return Shade::Testing,
            Some("built" | "branched") => return Shade::Branched,
            _ => {}
        }
        match self.class {
            Some(Class::Available) => Shade::Stable,
            Some(Class::Update) => Shade::Update,
            Some(Class::IncompatibleUpdate) => Shade::IncompatibleUpdate,
            Some(Class::BlockedByBase) => Shade::BlockedByBase,
            Some(Class::Unresolvable) => Shade::Unresolvable,
            _ if !self.unresolved.is_empty() => Shade::Unresolvable,
            Some(Class::New) | None => Shade::New,
        }
    }

    /// Whether it no longer needs work: done by `status`, or available in the target.
    pub fn done(&self) -> bool {
        match &self.status {
            Some(s) => s.done,
            None => self.class == Some(Class::Available),
        }
    }

    /// The request's state (`open`, `stalled`, `closed`), or `none` without a bug.
    pub fn request_state(&self) -> &str {
        match self.status.as_ref().and_then(|s| s.request.as_ref()) {
            Some((state, _)) => state,
            None if self.bug.is_some() => "filed",
            None => "none",
        }
    }
}

impl GraphModel {
    /// The model of `report`'s packages with `graph`'s edges, laid out by `plan` (made from
    /// the same report), with `statuses` by package name. Packages of `graph` only are
    /// drawn without report facts; `plan` packages outside `graph` are left out.
    pub fn new(
        report: &Report,
        graph: &BuildGraph,
        plan: &Plan,
        statuses: &BTreeMap<String, NodeStatus>,
    ) -> GraphModel {
        let canon = Canon::new(graph);
        let index: BTreeMap<&str, usize> = canon
            .names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.as_str(), i))
            .collect();
        let mut nodes: Vec<Node> = canon
            .names
            .iter()
            .enumerate()
            .map(|(i, name)| node(report, name, &canon.unresolved[i], statuses))
            .collect();
        let mut layers = vec![Vec::new(); plan.layers.len()];
        let mut groups = Vec::new();
        let ids = |names: &[String]| -> Vec<usize> {
            let mut v: Vec<usize> = names
                .iter()
                .filter_map(|n| index.get(n.as_str()).copied())
                .collect();
            v.sort_unstable();
            v
        };
        for (li, layer) in plan.layers.iter().enumerate() {
            layers[li].extend(ids(&layer.packages));
            for &gi in &layer.cycles {
                let Some(g) = plan.cycles.get(gi) else {
                    continue;
                };
                let bootstrap: Vec<String> =
                    g.bootstrap.iter().map(|b| b.package.clone()).collect();
                let group = Group {
                    members: ids(&g.members),
                    layer: li,
                    bootstrap: ids(&bootstrap),
                    exact: g.exact,
                    at_least: g.at_least,
                    order: g.bootstrap_order.iter().map(|s| ids(s)).collect(),
                };
                for &m in &group.members {
                    nodes[m].group = Some(groups.len());
                }
                for &b in &group.bootstrap {
                    nodes[b].bootstrap = true;
                }
                layers[li].extend(&group.members);
                groups.push(group);
            }
            layers[li].sort_unstable();
        }
        for (li, layer_nodes) in layers.iter().enumerate() {
            for &n in layer_nodes {
                nodes[n].layer = li;
            }
        }
        let dropped: BTreeSet<(&str, &str)> = plan
            .cycles
            .iter()
            .flat_map(|g| &g.break_edges)
            .map(|b| (b.from.as_str(), b.to.as_str()))
            .collect();
        let edges = canon
            .edges
            .iter()
            .map(|e| ModelEdge {
                from: e.from,
                to: e.to,
                kind: e.kind(),
                deps: e.all_deps(),
                dropped: dropped
                    .contains(&(canon.names[e.from].as_str(), canon.names[e.to].as_str())),
            })
            .collect();
        GraphModel {
            nodes,
            edges,
            layers,
            groups,
        }
    }

    /// The model of a report on its own: planned with the default options (and the
    /// bootstrap signs its entries show), drawing `edges`.
    pub fn of_report(
        report: &Report,
        edges: ModelEdges,
        statuses: &BTreeMap<String, NodeStatus>,
    ) -> (GraphModel, Plan) {
        let planned = buildroot_graph_from_report(report);
        let options = PlanOptions {
            bootstrap_signs: bootstrap_signs(report),
            ..PlanOptions::default()
        };
        let plan = crate::plan::plan(&planned, &options);
        let model = match edges {
            ModelEdges::Buildroot => GraphModel::new(report, &planned, &plan, statuses),
            ModelEdges::Report => {
                GraphModel::new(report, &graph_from_report(report), &plan, statuses)
            }
        };
        (model, plan)
    }

    /// Per node, the edges leaving it (what it needs) and entering it (who needs it), as
    /// indexes into [`GraphModel::edges`].
    pub fn adjacency(&self) -> (Vec<Vec<usize>>, Vec<Vec<usize>>) {
        let mut needs = vec![Vec::new(); self.nodes.len()];
        let mut needed_by = vec![Vec::new(); self.nodes.len()];
        for (i, e) in self.edges.iter().enumerate() {
            needs[e.from].push(i);
            needed_by[e.to].push(i);
        }
        (needs, needed_by)
    }

    /// What can be built right now: packages not done whose needs are all done, and
    /// bootstrap-set packages not done whose needs outside their group are all done (to be
    /// built in bootstrap mode).
    pub fn buildable_now(&self) -> (Vec<usize>, Vec<usize>) {
        let (needs, _) = self.adjacency();
        let mut ready = Vec::new();
        let mut bootstrap = Vec::new();
        for (i, node) in self.nodes.iter().enumerate() {
            if node.done() {
                continue;
            }
            let mut outside_done = true;
            let mut all_done = true;
            for &e in &needs[i] {
                let to = &self.nodes[self.edges[e].to];
                if !to.done() {
                    all_done = false;
                    if to.group.is_none() || to.group != node.group {
                        outside_done = false;
                    }
                }
            }
            if all_done {
                ready.push(i);
            } else if node.bootstrap && outside_done {
                bootstrap.push(i);
            }
        }
        (ready, bootstrap)
    }
}

/// The node for `name`, with what the report says of it.
fn node(
    report: &Report,
    name: &str,
    unresolved: &[String],
    statuses: &BTreeMap<String, NodeStatus>,
) -> Node {
    let mut node = Node {
        name: name.to_owned(),
        unresolved: unresolved.to_vec(),
        status: statuses.get(name).cloned(),
        ..Node::default()
    };
    let Some(entry) = report.get(name) else {
        return node;
    };
    node.evr = entry.get(&EVR);
    node.root = entry.get(&ROOT).unwrap_or(false);
    node.class = entry.class();
    node.bug = entry.bug();
    let mut unresolved: BTreeSet<String> = node.unresolved.drain(..).collect();
    unresolved.extend(entry.get(&UNRESOLVABLE).unwrap_or_default());
    node.unresolved = unresolved.into_iter().collect();
    node.alternatives = entry
        .get(&ALTERNATIVES)
        .unwrap_or_default()
        .into_iter()
        .map(|(dep, alt)| (dep, alt.chosen, alt.others))
        .collect();
    node
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::PlanOptions;
    use crate::plan::plan;
    use crate::report::buildroot_graph_from_report;
    use serde_json::json;
    use std::path::Path;

    /// A small effort: app needs lib; lib and plugin need each other; plugin's buildroot
    /// installs base; app has a dependency nothing provides.
    pub(crate) fn small_report() -> Report {
        let report = json!({
            "app": {"build": {"lib": ["lib-devel"], "UNKNOWN": ["nope"]}, "class": "new",
                    "root": true, "evr": "1-1", "bug": 42},
            "lib": {"build": {"plugin": ["python3dist(pytest-plugin)"]}, "class": "update"},
            "plugin": {"build": {"lib": ["lib"]}, "install": {"base": ["base \"q\""]},
                       "class": "new"},
            "base": {"build": {}, "class": "incompatible-update",
                     "alternatives": {"x": {"chosen": "a-1.noarch", "others": ["b-1.noarch"]}}},
            "gone": {"skip": true},
        });
        Report::from_value(report, Path::new("r.json")).unwrap()
    }

    pub(crate) fn small_model(statuses: &BTreeMap<String, NodeStatus>) -> GraphModel {
        let report = small_report();
        let graph = buildroot_graph_from_report(&report);
        let p = plan(&graph, &PlanOptions::default());
        GraphModel::new(&report, &graph, &p, statuses)
    }

    #[test]
    fn joins_report_graph_and_plan() {
        let m = small_model(&BTreeMap::new());
        let names: Vec<&str> = m.nodes.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["app", "base", "lib", "plugin"]);
        assert_eq!(m.layers, [vec![1], vec![2, 3], vec![0]]);
        assert_eq!(m.groups.len(), 1);
        assert_eq!(m.groups[0].members, [2, 3]);
        let app = &m.nodes[0];
        assert!(app.root && app.bug == Some(42) && app.unresolved == ["nope"]);
        assert_eq!(app.shade(), Shade::Unresolvable);
        assert_eq!(m.nodes[1].alternatives[0].1, "a-1.noarch");
        assert_eq!(m.nodes[1].shade(), Shade::IncompatibleUpdate);
        let pairs: Vec<(usize, usize)> = m.edges.iter().map(|e| (e.from, e.to)).collect();
        // lib's buildroot installs plugin's binaries, which need base.
        assert_eq!(pairs, [(0, 2), (2, 1), (2, 3), (3, 2)]);
        assert_eq!(m.edges.iter().filter(|e| e.dropped).count(), 1);
    }

    #[test]
    fn status_shades_and_what_is_buildable_now() {
        let m = small_model(&BTreeMap::new());
        assert_eq!(m.buildable_now(), (vec![1], vec![]), "base only");
        let stable = NodeStatus {
            state: "stable".into(),
            done: true,
            ..NodeStatus::default()
        };
        let base_done = BTreeMap::from([("base".to_owned(), stable.clone())]);
        let m = small_model(&base_done);
        assert_eq!(m.nodes[1].shade(), Shade::Stable);
        assert_eq!(
            m.buildable_now(),
            (vec![], vec![2]),
            "lib, in bootstrap mode"
        );
        let mut lib_done = base_done;
        lib_done.insert("lib".to_owned(), stable);
        let (ready, _) = small_model(&lib_done).buildable_now();
        assert_eq!(
            ready,
            [0, 3],
            "app and plugin, once lib and base are stable"
        );
    }
}
