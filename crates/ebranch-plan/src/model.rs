//! The planner's output and options.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::buildroot::BinaryGraph;

/// Tuning of [`plan`](crate::plan()).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanOptions {
    /// At most this many elementary cycles are listed per cycle group (and at most 2^20
    /// packages summed over the listed cycles of a group, whatever this says).
    pub max_cycles_per_component: usize,
    /// Parts of a cycle group of at most this many packages (and never more than 20) get an
    /// exact minimum-weight bootstrap set; larger ones a heuristic one with a lower bound.
    pub max_exact_members: usize,
    /// Packages known to have a bootstrap mode (`--bootstrap PKG`): the cheapest to pick.
    pub known_bootstrap: BTreeSet<String>,
    /// Packages whose metadata shows a bootstrap already, with what shows it (see
    /// [`bootstrap_signs`](crate::bootstrap_signs)).
    pub bootstrap_signs: BTreeMap<String, String>,
    /// A report's binary-level install facts ([`binary_graph_from_report`]), indexed like
    /// the graph given to [`plan`](crate::plan()); with them, a big cycle group may get a
    /// [`Stack`] alternative. Empty: no stacks.
    ///
    /// [`binary_graph_from_report`]: crate::binary_graph_from_report
    pub binaries: BinaryGraph,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            max_cycles_per_component: 100,
            max_exact_members: 20,
            known_bootstrap: BTreeSet::new(),
            bootstrap_signs: BTreeMap::new(),
            binaries: BinaryGraph::default(),
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

/// A strongly connected set of packages (or one package needing itself): some of them must
/// be built first in bootstrap mode before the group can be built.
///
/// The recipe: build each package of [`bootstrap`](Self::bootstrap) without its needs
/// inside the group (bcond/bootstrap), then the rest of the group in the sub-layers of
/// [`bootstrap_order`](Self::bootstrap_order), then rebuild the bootstrapped packages
/// normally.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CycleGroup {
    /// The packages, sorted.
    pub members: Vec<String>,
    /// Elementary cycles, each in "needs" order starting at its smallest name; sorted.
    pub elementary: Vec<Vec<String>>,
    /// Whether more elementary cycles exist than are listed.
    pub truncated: bool,
    /// The packages to bootstrap, sorted by name: removing their needs inside the group
    /// leaves it acyclic, and no package of the set can be left out.
    pub bootstrap: Vec<Bootstrap>,
    /// Whether `bootstrap` has the least total weight possible (otherwise it is a
    /// heuristic's answer, still minimal).
    pub exact: bool,
    /// No bootstrap set of fewer packages exists (a proven lower bound; equal to the set's
    /// size when that size is the minimum).
    pub at_least: usize,
    /// The build order inside the group: first the bootstrap builds (the set), then
    /// sub-layers of the other members, each after everything it needs. The bootstrapped
    /// packages are rebuilt after the last sub-layer.
    pub bootstrap_order: Vec<Vec<String>>,
    /// Edge-level detail: each need inside the group that a bootstrap build drops.
    pub break_edges: Vec<BreakHint>,
    /// The alternative recipe for a group that most buildroots enter through one binary:
    /// bundle that binary's stack; only when it beats the per-package set by far.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stack: Option<Stack>,
}

/// A cycle group's stack: the group's packages behind one binary that most of the group's
/// buildroots install, built once from one bundle (as Fedora's `javapackages-bootstrap`
/// bundles the Maven stack) so that the rest of the group needs few bootstrap builds.
///
/// The recipe: build the bundle (one source package that bundles the stack and provides
/// its capabilities), then [`bootstrap`](Self::bootstrap) without their needs inside the
/// group outside the stack, then the group in layers, then rebuild the bootstrapped
/// packages and the stack's packages normally (retiring the bundle).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Stack {
    /// The binary whose install-time closure the bundle provides.
    pub binary: String,
    /// How many of the group's buildroots install it.
    pub installed_by: usize,
    /// The group's packages with a binary in that closure, sorted: the bundle's content.
    pub packages: Vec<String>,
    /// The packages still to bootstrap once the bundle provides the stack, sorted.
    pub bootstrap: Vec<String>,
    /// Whether `bootstrap` has the least total weight possible.
    pub exact: bool,
    /// No smaller set works once the bundle provides the stack.
    pub at_least: usize,
}

/// One package of a bootstrap set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Bootstrap {
    /// The package to build first in bootstrap mode.
    pub package: String,
    /// Why it is a good one to bootstrap.
    pub why: String,
    /// Its needs inside the group, which its bootstrap build must do without; by package.
    pub drop: Vec<Need>,
}

/// What a bootstrap build drops: the dependencies on one other member of the group.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Need {
    /// The group member needed.
    pub needs: String,
    /// BuildRequires that it provides, sorted.
    pub build: Vec<String>,
    /// Install-time Requires of packages in the buildroot that it provides, sorted: the
    /// BuildRequires pulling those packages in must go.
    pub install: Vec<String>,
    /// `documentation`, `test`, `documentation/test` when every dependency looks like such
    /// tooling; empty otherwise.
    pub tooling: String,
}

/// One dependency edge a bootstrap build drops.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BreakHint {
    /// The package built first without the dependencies.
    pub from: String,
    /// The package it needs.
    pub to: String,
    /// The dependency strings to drop, sorted.
    pub deps: Vec<String>,
    /// What kind of dependency it looks like.
    pub reason: String,
    /// What to do, in words.
    pub hint: String,
}
