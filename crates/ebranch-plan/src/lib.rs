//! Build planning for ebranch: in what order the missing packages must be built.
//!
//! Pure (no IO). Input is a [`BuildGraph`] over the source packages to build, read from an
//! report (`ebranch-report`) by [`graph_from_report`] or computed elsewhere. [`plan()`] turns it
//! into a [`Plan`]: chain-build layers, cycle groups (strongly connected components) placed
//! as units with their elementary cycles and a small set of packages to bootstrap,
//! and the packages blocked by unresolvable dependencies. The renderers turn a plan into a
//! `fedpkg chain-build` string, a side-tag build script, JSON, or 0.0.3's `find-cycles`
//! list; [`GraphModel`] joins a report, its graph and its plan into the one model that
//! Graphviz DOT and a self-contained HTML page are drawn from. Output is deterministic:
//! names are sorted everywhere.
//!
//! Modules, one job each:
//! - `graph`: the input graph; `report`: a report as a graph.
//! - `model`: the plan and its options; `plan`: the planner, built on `canon` (canonical
//!   graph), `layering` (components and layers), `cycles` (bounded Johnson), `bootstrap`
//!   (each group's bootstrap set) and `stack` (its bundled-stack alternative) on `fvs` (weighted feedback vertex sets), `weight`
//!   (which dependencies look like docs/test tooling) and `hint` (wording).
//! - `render`: `chain`, `side_tag`, `json`, `find_cycles`; `model`, the one graph model of
//!   an effort, and `dot` and `html` (laid out by `layout`), drawn from it.

mod bootstrap;
mod buildroot;
mod canon;
mod cycles;
mod fvs;
mod graph;
mod hint;
mod layering;
mod model;
mod plan;
mod render;
mod report;
mod scc;
mod stack;
mod weight;

pub use buildroot::{BinaryGraph, buildroot_edges, buildroot_edges_with};
pub use graph::{BuildGraph, Edge, EdgeKind, Unresolved};
pub use model::{Bootstrap, BreakHint, CycleGroup, Layer, Need, Plan, PlanOptions, Stack};
pub use plan::plan;
pub use render::chain::chain_build_string;
pub use render::dot::graph_dot;
pub use render::find_cycles::find_cycles_json;
pub use render::html::{PageInfo, escape, html_page};
pub use render::json::plan_json;
pub use render::model::{
    GraphModel, Group, ModelEdge, ModelEdges, Node, NodeLinks, NodeStatus, Shade,
};
pub use render::side_tag::side_tag_script;
pub use render::text::plan_explanation;
pub use report::{
    binary_graph_from_report, bootstrap_signs, buildroot_graph_from_report, graph_from_report,
};
