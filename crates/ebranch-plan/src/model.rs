//! The planner's output and options.

use serde::Serialize;

/// Tuning of [`plan`](crate::plan()).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanOptions {
    /// At most this many elementary cycles are listed per cycle group.
    pub max_cycles_per_component: usize,
    /// Cycle groups of at most this many packages get an exact minimum feedback arc set
    /// (also bounded by work: 2^members × edges ≤ 2^25); larger ones get a greedy one.
    pub max_exact_members: usize,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            max_cycles_per_component: 100,
            max_exact_members: 20,
        }
    }
}

/// What to build, in which order, and which cycles need a bootstrap.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Chain-build layers: everything a package needs is in an earlier layer (or in its own
    /// cycle group).
    pub layers: Vec<Layer>,
    /// Cycle groups, ordered by layer and then by first member.
    pub cycles: Vec<CycleGroup>,
    /// Packages with unresolvable dependencies (sorted), with those dependencies. They are
    /// still placed in the layers.
    pub blocked: Vec<(String, Vec<String>)>,
}

/// One chain-build group: its packages build in parallel once earlier layers are in the
/// buildroot.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Layer {
    /// Packages outside any cycle, sorted.
    pub packages: Vec<String>,
    /// Indexes into [`Plan::cycles`] of the cycle groups built at this point.
    pub cycles: Vec<usize>,
}

/// A strongly connected set of packages (or one package needing itself): a bootstrap is
/// needed before it can be built.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CycleGroup {
    /// The packages, sorted.
    pub members: Vec<String>,
    /// Elementary cycles, each in "needs" order starting at its smallest name; sorted.
    pub elementary: Vec<Vec<String>>,
    /// Whether more elementary cycles exist than are listed.
    pub truncated: bool,
    /// Edges to drop (by bootstrapping) so that no cycle is left.
    pub break_edges: Vec<BreakHint>,
    /// Whether `break_edges` is a minimum-weight set (otherwise greedy, but still minimal:
    /// no edge of it can be kept).
    pub exact: bool,
    /// The build order inside the group once the break edges are dropped: sub-layers of
    /// members. Each `from` of a break edge is built in bootstrap mode at its place here and
    /// rebuilt after the whole group.
    pub bootstrap_order: Vec<Vec<String>>,
}

/// One dependency edge to drop for a first (bootstrap) build.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BreakHint {
    /// The package to build first without the dependencies.
    pub from: String,
    /// The package it needs.
    pub to: String,
    /// The dependency strings to drop, sorted.
    pub deps: Vec<String>,
    /// Why this edge was chosen (what kind of dependency it looks like).
    pub reason: String,
    /// What to do, in words.
    pub hint: String,
}
