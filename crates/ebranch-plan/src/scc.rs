//! Strongly connected components, without recursion (petgraph's Kosaraju), so a chain of a
//! million packages cannot overflow the stack.

use petgraph::algo::kosaraju_scc;
use petgraph::graph::{DiGraph, NodeIndex};

/// The strongly connected components of the graph on nodes `0..n` with `edges`
/// (`(from, to)` pairs, self-loops allowed), each sorted, ordered by first node.
pub(crate) fn strongly_connected(
    n: usize,
    edges: impl IntoIterator<Item = (usize, usize)>,
) -> Vec<Vec<usize>> {
    let mut g: DiGraph<(), ()> = DiGraph::with_capacity(n, 0);
    for _ in 0..n {
        g.add_node(());
    }
    for (from, to) in edges {
        g.add_edge(NodeIndex::new(from), NodeIndex::new(to), ());
    }
    let mut components: Vec<Vec<usize>> = kosaraju_scc(&g)
        .into_iter()
        .map(|c| {
            let mut m: Vec<usize> = c.into_iter().map(NodeIndex::index).collect();
            m.sort_unstable();
            m
        })
        .collect();
    components.sort_unstable_by_key(|c| c[0]);
    components
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_of_a_small_graph() {
        let c = strongly_connected(5, [(0, 1), (1, 0), (2, 2), (3, 4)]);
        assert_eq!(c, [vec![0, 1], vec![2], vec![3], vec![4]]);
    }

    #[test]
    fn a_long_chain_does_not_overflow_the_stack() {
        let n = 1_000_000;
        let c = strongly_connected(n, (0..n).map(|v| (v, (v + 1) % n)));
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].len(), n);
    }
}
