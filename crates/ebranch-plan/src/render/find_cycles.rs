//! ebranch 0.0.3's `find-cycles` output.

use serde_json::Value;

use crate::canon::Canon;
use crate::graph::BuildGraph;
use crate::layering::Layering;
use crate::model::PlanOptions;
use crate::plan::{group_cycles, internal_edges};

/// A JSON list of elementary cycles, each a list of package names in "needs" order starting
/// at its smallest name, sorted. Bounded: at most
/// [`PlanOptions::max_cycles_per_component`] (default) cycles per strongly connected
/// component; use [`plan`](crate::plan()) to learn whether a group was truncated. Unlike
/// 0.0.3, no `UNKNOWN` node appears.
pub fn find_cycles_json(graph: &BuildGraph) -> Value {
    let canon = Canon::new(graph);
    let layering = Layering::new(&canon);
    let internal = internal_edges(&canon, &layering);
    let limit = PlanOptions::default().max_cycles_per_component;
    let mut all: Vec<Vec<String>> = layering
        .components
        .iter()
        .enumerate()
        .filter(|&(ci, _)| layering.cyclic[ci])
        .flat_map(|(ci, members)| group_cycles(&canon, members, &internal[ci], limit).0)
        .collect();
    all.sort();
    Value::from(all)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{Edge, EdgeKind};
    use serde_json::json;

    #[test]
    fn lists_sorted_cycles_across_components() {
        let edge = |from, to| Edge {
            from,
            to,
            deps: vec![],
            kind: EdgeKind::Build,
        };
        let g = BuildGraph {
            packages: ["z", "y", "b", "a", "c"].map(String::from).to_vec(),
            edges: vec![
                edge(0, 1),
                edge(1, 0),
                edge(2, 3),
                edge(3, 4),
                edge(4, 2),
                edge(4, 4),
            ],
            unresolved: vec![],
        };
        assert_eq!(
            find_cycles_json(&g),
            json!([["a", "c", "b"], ["c"], ["y", "z"]])
        );
        assert_eq!(find_cycles_json(&BuildGraph::default()), json!([]));
    }
}
