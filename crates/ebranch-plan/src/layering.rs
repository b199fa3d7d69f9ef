//! Strongly connected components and the layering of their condensation.

use crate::canon::Canon;
use crate::scc::strongly_connected;

/// The components of a canonical graph and the layer of each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Layering {
    /// Components, each with sorted members, ordered by `(layer, first member)`.
    pub components: Vec<Vec<usize>>,
    /// Component index of each node.
    pub component_of: Vec<usize>,
    /// Layer of each component: 0 when it needs nothing outside itself, else one more than
    /// the highest layer it needs.
    pub layer: Vec<usize>,
    /// Whether each component is a cycle group (more than one member, or a self-loop).
    pub cyclic: Vec<bool>,
}

impl Layering {
    /// Computes components and longest-path layers of the condensation.
    pub fn new(canon: &Canon) -> Self {
        let n = canon.names.len();
        let components = strongly_connected(n, canon.edges.iter().map(|e| (e.from, e.to)));
        let mut component_of = vec![0; n];
        for (ci, members) in components.iter().enumerate() {
            for &v in members {
                component_of[v] = ci;
            }
        }
        let layer = longest_path_layers(
            components.len(),
            canon
                .edges
                .iter()
                .map(|e| (component_of[e.from], component_of[e.to])),
        );
        let mut cyclic: Vec<bool> = components.iter().map(|c| c.len() > 1).collect();
        for e in canon.edges.iter().filter(|e| e.from == e.to) {
            cyclic[component_of[e.from]] = true;
        }
        // Renumber components by (layer, first member).
        let mut order: Vec<usize> = (0..components.len()).collect();
        order.sort_unstable_by_key(|&c| (layer[c], components[c][0]));
        let mut new_index = vec![0; order.len()];
        for (new, &old) in order.iter().enumerate() {
            new_index[old] = new;
        }
        Layering {
            components: order.iter().map(|&c| components[c].clone()).collect(),
            component_of: component_of.iter().map(|&c| new_index[c]).collect(),
            layer: order.iter().map(|&c| layer[c]).collect(),
            cyclic: order.iter().map(|&c| cyclic[c]).collect(),
        }
    }

    /// Number of layers.
    pub fn depth(&self) -> usize {
        self.layer.iter().max().map_or(0, |&l| l + 1)
    }
}

/// Layers of an acyclic graph of `count` nodes given `(needs, needed)` pairs (self-pairs
/// ignored), by Kahn's algorithm: a node's layer is fixed once everything it needs has one.
/// Nodes on a cycle would never be fixed and stay at layer 0; callers pass acyclic graphs.
pub(crate) fn longest_path_layers(
    count: usize,
    pairs: impl IntoIterator<Item = (usize, usize)>,
) -> Vec<usize> {
    let mut needs: Vec<Vec<usize>> = vec![Vec::new(); count];
    for (a, b) in pairs {
        if a != b {
            needs[a].push(b);
        }
    }
    let mut needed_by: Vec<Vec<usize>> = vec![Vec::new(); count];
    let mut missing = vec![0usize; count];
    for (a, list) in needs.iter_mut().enumerate() {
        list.sort_unstable();
        list.dedup();
        missing[a] = list.len();
        for &b in list.iter() {
            needed_by[b].push(a);
        }
    }
    let mut layer = vec![0usize; count];
    let mut ready: Vec<usize> = (0..count).filter(|&c| missing[c] == 0).collect();
    while let Some(c) = ready.pop() {
        for &a in &needed_by[c] {
            layer[a] = layer[a].max(layer[c] + 1);
            missing[a] -= 1;
            if missing[a] == 0 {
                ready.push(a);
            }
        }
    }
    layer
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{BuildGraph, Edge, EdgeKind};

    fn graph(names: &[&str], edges: &[(usize, usize)]) -> Canon {
        Canon::new(&BuildGraph {
            packages: names.iter().map(|s| s.to_string()).collect(),
            edges: edges
                .iter()
                .map(|&(from, to)| Edge {
                    from,
                    to,
                    deps: vec![],
                    kind: EdgeKind::Build,
                })
                .collect(),
            unresolved: vec![],
        })
    }

    #[test]
    fn layers_a_dag_by_longest_path() {
        // d needs c and a; c needs b; b needs a.
        let l = Layering::new(&graph(
            &["a", "b", "c", "d"],
            &[(3, 2), (3, 0), (2, 1), (1, 0)],
        ));
        assert_eq!(l.components, [vec![0], vec![1], vec![2], vec![3]]);
        assert_eq!(l.layer, [0, 1, 2, 3]);
        assert_eq!(l.depth(), 4);
        assert!(l.cyclic.iter().all(|&c| !c));
    }

    #[test]
    fn cycles_are_one_component_and_self_loops_are_cyclic() {
        // b ⇄ c, d needs b, a needs itself.
        let l = Layering::new(&graph(
            &["a", "b", "c", "d"],
            &[(1, 2), (2, 1), (3, 1), (0, 0)],
        ));
        assert_eq!(l.components, [vec![0], vec![1, 2], vec![3]]);
        assert_eq!(l.layer, [0, 0, 1]);
        assert_eq!(l.cyclic, [true, true, false]);
        assert_eq!(l.component_of, [0, 1, 1, 2]);
    }

    #[test]
    fn empty_graph() {
        let l = Layering::new(&graph(&[], &[]));
        assert!(l.components.is_empty());
        assert_eq!(l.depth(), 0);
    }
}
