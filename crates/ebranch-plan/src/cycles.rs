//! Elementary cycles of a graph, bounded: Johnson's algorithm without recursion.
//!
//! Johnson's search lists the cycles through the smallest node `s` of a strongly connected
//! component of the subgraph of nodes `≥ s`, then moves on to the smallest node of a
//! non-trivial component of what is left. Each such step costs O(V + E) and yields at least
//! one cycle, and consecutive cycles are O(V + E) apart, so the whole search costs
//! O((V + E) · (cycles listed + 1)): bounding the cycles listed bounds the work. A second
//! bound caps the memory the list takes: the total number of nodes over all listed cycles.

/// At most this many nodes, summed over all listed cycles of one search (about 8 bytes
/// each while searching, plus a name each once rendered), whatever the count limit.
pub(crate) const MAX_LISTED_NODES: usize = 1 << 20;

use crate::scc::strongly_connected;

/// What a bounded cycle search found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct CycleList {
    /// The cycles, each in edge order starting at its smallest node.
    pub cycles: Vec<Vec<usize>>,
    /// Whether more cycles exist than were listed.
    pub truncated: bool,
    /// Edge visits and node resets done, for tests of the work bound.
    pub work: u64,
}

/// Elementary cycles of the graph `adj` (node → sorted successors), at most `limit` of them
/// and at most [`MAX_LISTED_NODES`] nodes in all.
///
/// Each cycle lists nodes in edge order starting at its smallest node; self-loops are cycles
/// of one node. `truncated` tells whether more cycles exist than were returned.
pub(crate) fn elementary_cycles(adj: &[Vec<usize>], limit: usize) -> CycleList {
    bounded_cycles(adj, limit, MAX_LISTED_NODES)
}

fn bounded_cycles(adj: &[Vec<usize>], limit: usize, max_nodes: usize) -> CycleList {
    let n = adj.len();
    let mut search = Search::new(n);
    let mut list = CycleList::default();
    let mut budget = Budget {
        count: limit,
        nodes: max_nodes,
    };
    let mut from = 0;
    while let Some((s, in_comp)) = next_start(adj, from, &mut list.work) {
        if search.circuits_from(s, adj, &in_comp, &mut budget, &mut list) {
            list.truncated = true;
            break;
        }
        from = s + 1;
    }
    list
}

/// What may still be listed.
struct Budget {
    count: usize,
    nodes: usize,
}

/// The smallest node `s ≥ from` on a cycle of the subgraph of nodes `≥ from`, with the
/// members of its strongly connected component there.
fn next_start(adj: &[Vec<usize>], from: usize, work: &mut u64) -> Option<(usize, Vec<bool>)> {
    let n = adj.len();
    let edges = (from..n).flat_map(|v| adj[v].iter().filter(|&&w| w >= from).map(move |&w| (v, w)));
    let components = strongly_connected(n, edges);
    *work += (n + adj.iter().map(Vec::len).sum::<usize>()) as u64;
    let on_cycle = |c: &Vec<usize>| c.len() > 1 || adj[c[0]].contains(&c[0]);
    let comp = components
        .iter()
        .filter(|c| c[0] >= from && on_cycle(c))
        .min_by_key(|c| c[0])?;
    let mut in_comp = vec![false; n];
    for &v in comp {
        in_comp[v] = true;
    }
    Some((comp[0], in_comp))
}

/// Johnson's blocked sets, reused across start nodes.
struct Search {
    blocked: Vec<bool>,
    b: Vec<Vec<usize>>,
}

struct Frame {
    node: usize,
    next: usize,
    found: bool,
}

impl Search {
    fn new(n: usize) -> Self {
        Search {
            blocked: vec![false; n],
            b: vec![Vec::new(); n],
        }
    }

    /// Appends the cycles through `s` (inside `in_comp`) to `list`; true when the budget ran
    /// out before every cycle was listed.
    fn circuits_from(
        &mut self,
        s: usize,
        adj: &[Vec<usize>],
        in_comp: &[bool],
        budget: &mut Budget,
        list: &mut CycleList,
    ) -> bool {
        for (v, inside) in in_comp.iter().enumerate() {
            if *inside {
                self.blocked[v] = false;
                self.b[v].clear();
            }
        }
        list.work += in_comp.len() as u64;
        let mut path = vec![s];
        self.blocked[s] = true;
        let mut frames = vec![Frame {
            node: s,
            next: 0,
            found: false,
        }];
        while let Some(top) = frames.last_mut() {
            let v = top.node;
            if let Some(&w) = adj[v].get(top.next) {
                top.next += 1;
                list.work += 1;
                if !in_comp[w] {
                    continue;
                }
                if w == s {
                    if budget.count == 0 || path.len() > budget.nodes {
                        return true;
                    }
                    budget.count -= 1;
                    budget.nodes -= path.len();
                    list.cycles.push(path.clone());
                    top.found = true;
                } else if !self.blocked[w] {
                    path.push(w);
                    self.blocked[w] = true;
                    frames.push(Frame {
                        node: w,
                        next: 0,
                        found: false,
                    });
                }
                continue;
            }
            let found = top.found;
            frames.pop();
            if found {
                list.work += self.unblock(v);
            } else {
                for &w in adj[v].iter().filter(|&&w| in_comp[w]) {
                    list.work += 1;
                    if !self.b[w].contains(&v) {
                        self.b[w].push(v);
                    }
                }
            }
            path.pop();
            if let Some(parent) = frames.last_mut() {
                parent.found |= found;
            }
        }
        false
    }

    /// Unblocks `u` and what waits on it; returns the work done.
    fn unblock(&mut self, u: usize) -> u64 {
        self.blocked[u] = false;
        let mut work = std::mem::take(&mut self.b[u]);
        let mut done = 0;
        while let Some(w) = work.pop() {
            done += 1;
            if self.blocked[w] {
                self.blocked[w] = false;
                work.append(&mut self.b[w]);
            }
        }
        done
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// All elementary cycles by brute force: every simple path from its smallest node back.
    fn brute(adj: &[Vec<usize>]) -> Vec<Vec<usize>> {
        fn extend(adj: &[Vec<usize>], path: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
            let (s, v) = (path[0], *path.last().unwrap());
            for &w in &adj[v] {
                if w == s {
                    out.push(path.clone());
                } else if w > s && !path.contains(&w) {
                    path.push(w);
                    extend(adj, path, out);
                    path.pop();
                }
            }
        }
        let mut out = Vec::new();
        for s in 0..adj.len() {
            extend(adj, &mut vec![s], &mut out);
        }
        out.sort();
        out
    }

    fn sorted(mut v: Vec<Vec<usize>>) -> Vec<Vec<usize>> {
        v.sort();
        v
    }

    #[test]
    fn finds_all_cycles_of_a_complete_graph() {
        let adj: Vec<Vec<usize>> = (0..5)
            .map(|v| (0..5).filter(|&w| w != v).collect())
            .collect();
        let CycleList {
            cycles, truncated, ..
        } = elementary_cycles(&adj, 1000);
        assert!(!truncated);
        // 10 + 20 + 30 + 24 cycles of length 2..5 in K5.
        assert_eq!(cycles.len(), 84);
        assert_eq!(sorted(cycles), brute(&adj));
    }

    #[test]
    fn self_loops_and_rotation() {
        let adj = vec![vec![0, 1], vec![2], vec![0]];
        let CycleList {
            cycles, truncated, ..
        } = elementary_cycles(&adj, 10);
        assert!(!truncated);
        assert_eq!(sorted(cycles), [vec![0], vec![0, 1, 2]]);
    }

    #[test]
    fn bound_truncates() {
        let adj: Vec<Vec<usize>> = (0..6)
            .map(|v| (0..6).filter(|&w| w != v).collect())
            .collect();
        let CycleList {
            cycles, truncated, ..
        } = elementary_cycles(&adj, 7);
        assert!(truncated);
        assert_eq!(cycles.len(), 7);
        let CycleList {
            cycles, truncated, ..
        } = elementary_cycles(&adj, 0);
        assert!(truncated && cycles.is_empty());
        let truncated = elementary_cycles(&[vec![1], vec![0]], 1).truncated;
        assert!(!truncated, "exactly at the bound is not truncated");
    }

    #[test]
    fn matches_brute_force_on_small_graphs() {
        // A deterministic family of pseudo-random graphs.
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..200 {
            let n = 1 + (seed % 7) as usize;
            let mut adj = vec![Vec::new(); n];
            for (v, succ) in adj.iter_mut().enumerate() {
                for w in 0..n {
                    seed = seed
                        .wrapping_mul(6_364_136_223_846_793_005)
                        .wrapping_add(1_442_695_040_888_963_407);
                    if (seed >> 33).is_multiple_of(3) || (v == w && (seed >> 40).is_multiple_of(5))
                    {
                        succ.push(w);
                    }
                }
            }
            let CycleList {
                cycles, truncated, ..
            } = elementary_cycles(&adj, usize::MAX);
            assert!(!truncated);
            assert_eq!(sorted(cycles), brute(&adj), "{adj:?}");
        }
    }

    fn ring(n: usize) -> Vec<Vec<usize>> {
        (0..n).map(|v| vec![(v + 1) % n]).collect()
    }

    fn size(adj: &[Vec<usize>]) -> u64 {
        (adj.len() + adj.iter().map(Vec::len).sum::<usize>()) as u64
    }

    /// Issue 8, finding 20: the search restarted a reachability walk of the whole group from
    /// every node, so one big group cost O(V · (V + E)) even when it held a single cycle.
    #[test]
    fn cycle_search_work_grows_linearly_with_a_big_group() {
        for n in [1_000, 20_000] {
            let adj = ring(n);
            let list = elementary_cycles(&adj, 100);
            assert_eq!(list.cycles.len(), 1);
            assert!(!list.truncated);
            assert!(list.work <= 8 * size(&adj), "n = {n}: work {}", list.work);
        }
    }

    /// The work stays within O((V + E) · (cycles listed + 1)) when cycles abound.
    #[test]
    fn cycle_search_work_is_bounded_by_the_cycles_listed() {
        let n = 5_000;
        let mut adj = ring(n);
        for v in (0..n).step_by(7) {
            adj[v].push((v + 3) % n);
            adj[v].sort_unstable();
        }
        let list = elementary_cycles(&adj, 50);
        assert!(list.truncated);
        assert_eq!(list.cycles.len(), 50);
        assert!(list.work <= 8 * 51 * size(&adj), "work {}", list.work);
    }

    /// Issue 8, finding 22: a huge count limit listed every cycle of a dense group; the
    /// listing is bounded by its total number of nodes as well.
    #[test]
    fn cycle_list_is_bounded_by_memory_not_only_by_count() {
        let adj: Vec<Vec<usize>> = (0..8)
            .map(|v| (0..8).filter(|&w| w != v).collect())
            .collect();
        let all = elementary_cycles(&adj, usize::MAX);
        assert!(!all.truncated);
        let nodes: usize = all.cycles.iter().map(Vec::len).sum();
        let bounded = bounded_cycles(&adj, usize::MAX, nodes / 3);
        assert!(bounded.truncated);
        let listed: usize = bounded.cycles.iter().map(Vec::len).sum();
        assert!(
            listed <= nodes / 3 && listed + 8 > nodes / 3,
            "{listed} of {nodes}"
        );
    }
}
