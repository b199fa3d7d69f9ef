//! A cycle group's bootstrap set: which packages to build first in bootstrap mode, what
//! each must drop, and the group's build order after that.
//!
//! Each member gets a weight, lower for a likelier bootstrap: [`KNOWN`] when the user named
//! it (`--bootstrap`), [`LIKELY`] when everything it needs inside the group looks like
//! documentation or test tooling (a `%bcond` most specs have), or when the metadata shows a
//! bootstrap already ([`PlanOptions::bootstrap_signs`]), [`PLAIN`] otherwise. Then
//! [`fvs`](crate::fvs) finds a cheap set of members whose needs inside the group, once
//! dropped, leave no cycle.

use crate::canon::{Canon, CanonEdge};
use crate::fvs::feedback_vertex_set;
use crate::hint::bootstrap_hint;
use crate::layering::longest_path_layers;
use crate::model::{Bootstrap, BreakHint, Need, PlanOptions};
use crate::weight::{DepClass, classify, weigh};

/// Weight of bootstrapping a package named with `--bootstrap`.
pub(crate) const KNOWN: u64 = 1;
/// Weight of bootstrapping a package that needs only docs/test tools inside the group, or
/// whose metadata shows a bootstrap.
pub(crate) const LIKELY: u64 = 2;
/// Weight of bootstrapping any other package: its spec needs a bootstrap mode.
pub(crate) const PLAIN: u64 = 4;

/// The bootstrap part of a [`CycleGroup`](crate::CycleGroup).
pub(crate) struct GroupBootstrap {
    pub bootstrap: Vec<Bootstrap>,
    pub exact: bool,
    pub at_least: usize,
    pub order: Vec<Vec<String>>,
    pub break_edges: Vec<BreakHint>,
}

/// One cycle group on local indexes (positions in its sorted `members`): what each member
/// needs inside the group, and how likely a bootstrap of it looks.
pub(crate) struct GroupGraph<'c> {
    /// Successors inside the group, sorted.
    pub succ: Vec<Vec<usize>>,
    /// The edges behind `succ`.
    pub needs: Vec<Vec<&'c CanonEdge>>,
    /// Weight and why, per member (see [`member_weight`]).
    pub weighed: Vec<(u64, String)>,
}

impl<'c> GroupGraph<'c> {
    /// The group `members` (sorted nodes of `canon`), whose edges inside the group are
    /// `internal` (indexes into `canon.edges`).
    pub fn new(
        canon: &'c Canon,
        members: &[usize],
        internal: &[usize],
        options: &PlanOptions,
    ) -> Self {
        let local = |v: usize| members.binary_search(&v).expect("a member");
        let m = members.len();
        let mut succ = vec![Vec::new(); m];
        let mut needs: Vec<Vec<&CanonEdge>> = vec![Vec::new(); m];
        for &i in internal {
            let e = &canon.edges[i];
            succ[local(e.from)].push(local(e.to));
            needs[local(e.from)].push(e);
        }
        for list in &mut succ {
            list.sort_unstable();
            list.dedup();
        }
        let weighed = (0..m)
            .map(|l| member_weight(canon, members[l], &needs[l], options))
            .collect();
        GroupGraph {
            succ,
            needs,
            weighed,
        }
    }

    /// The members' weights.
    pub fn weights(&self) -> Vec<u64> {
        self.weighed.iter().map(|w| w.0).collect()
    }
}

/// The bootstrap set of the group `members` (sorted nodes of `canon`), seen as `group`.
pub(crate) fn bootstrap_group(
    canon: &Canon,
    members: &[usize],
    group: &GroupGraph,
    options: &PlanOptions,
) -> GroupBootstrap {
    let GroupGraph {
        succ,
        needs,
        weighed,
    } = group;
    let m = members.len();
    let found = feedback_vertex_set(succ, &group.weights(), options.max_exact_members);

    let mut in_set = vec![false; m];
    let mut bootstrap = Vec::with_capacity(found.set.len());
    let mut break_edges = Vec::new();
    for &l in &found.set {
        in_set[l] = true;
        bootstrap.push(Bootstrap {
            package: canon.names[members[l]].clone(),
            why: weighed[l].1.clone(),
            drop: needs[l].iter().map(|e| need(canon, e)).collect(),
        });
        break_edges.extend(needs[l].iter().map(|e| break_hint(canon, e)));
    }
    let kept = (0..m)
        .filter(|&l| !in_set[l])
        .flat_map(|l| succ[l].iter().map(move |&t| (l, t)));
    let sub_layer = longest_path_layers(m, kept);
    let depth = sub_layer.iter().max().map_or(0, |&l| l + 1);
    let mut order = vec![Vec::new(); depth];
    for (l, &sl) in sub_layer.iter().enumerate() {
        order[sl].push(canon.names[members[l]].clone());
    }
    GroupBootstrap {
        bootstrap,
        exact: found.exact,
        at_least: found.at_least,
        order,
        break_edges,
    }
}

/// How likely a bootstrap of `node` looks (its weight), and why.
fn member_weight(
    canon: &Canon,
    node: usize,
    needs: &[&CanonEdge],
    options: &PlanOptions,
) -> (u64, String) {
    let name = &canon.names[node];
    if options.known_bootstrap.contains(name) {
        return (
            KNOWN,
            "has a bootstrap mode (named with --bootstrap)".into(),
        );
    }
    let classes: Vec<DepClass> = needs.iter().flat_map(|e| edge_classes(canon, e)).collect();
    let tooling = tooling_of(&classes);
    if !tooling.is_empty() {
        return (
            LIKELY,
            format!("needs only {tooling} tooling inside the group (a %bcond most specs have)"),
        );
    }
    if let Some(sign) = options.bootstrap_signs.get(name) {
        return (LIKELY, sign.clone());
    }
    (
        PLAIN,
        "ordinary dependencies inside the group: its spec needs a bootstrap mode (bcond) \
         that drops them"
            .into(),
    )
}

/// The classes of an edge's dependency strings (of the needed package's name when the
/// edge has none).
fn edge_classes(canon: &Canon, e: &CanonEdge) -> Vec<DepClass> {
    let deps = e.dep_strs();
    if deps.is_empty() {
        vec![classify(&canon.names[e.to])]
    } else {
        deps.iter().map(|d| classify(d)).collect()
    }
}

/// `documentation`, `test` or `documentation/test` when every class is such tooling.
fn tooling_of(classes: &[DepClass]) -> &'static str {
    if classes.is_empty() || classes.contains(&DepClass::Other) {
        return "";
    }
    match (
        classes.contains(&DepClass::Doc),
        classes.contains(&DepClass::Test),
    ) {
        (true, true) => "documentation/test",
        (true, false) => "documentation",
        _ => "test",
    }
}

fn need(canon: &Canon, e: &CanonEdge) -> Need {
    Need {
        needs: canon.names[e.to].clone(),
        build: e.build_deps.clone(),
        install: e.install_deps.clone(),
        tooling: tooling_of(&edge_classes(canon, e)).to_owned(),
    }
}

fn break_hint(canon: &Canon, e: &CanonEdge) -> BreakHint {
    let (from, to) = (&canon.names[e.from], &canon.names[e.to]);
    let w = weigh(e, to);
    let deps = e.all_deps();
    BreakHint {
        hint: bootstrap_hint(from, to, &deps, w.install_only),
        from: from.clone(),
        to: to.clone(),
        deps,
        reason: w.reason,
    }
}
