//! Minimum-weight feedback arc sets: exact for small groups, greedy beyond.
//!
//! An edge `(from, to)` means `from` needs `to`, so in a build order `to` must come first.
//! A feedback arc set is the set of edges that point forward in some order of the nodes;
//! the cheapest order gives the cheapest set.

/// Work bound of the exact search: 2^nodes × edges.
const EXACT_WORK: u64 = 1 << 25;

/// A weighted edge between local nodes; no self-loops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct WEdge {
    pub from: usize,
    pub to: usize,
    pub weight: u64,
}

/// Indexes of the edges to cut so that no cycle remains, sorted, and whether the set is a
/// minimum-weight one. Exact when `n <= max_exact` and the work bound allows, otherwise a
/// weighted Eades–Lin–Smyth ordering, pruned so that no cut edge could be kept.
pub(crate) fn feedback_arc_set(n: usize, edges: &[WEdge], max_exact: usize) -> (Vec<usize>, bool) {
    let exact = n <= max_exact.min(20) && (1u64 << n) * (edges.len() as u64).max(1) <= EXACT_WORK;
    let order = if exact {
        exact_order(n, edges)
    } else {
        greedy_order(n, edges)
    };
    let mut pos = vec![0; n];
    for (i, &v) in order.iter().enumerate() {
        pos[v] = i;
    }
    let cut: Vec<usize> = (0..edges.len())
        .filter(|&i| pos[edges[i].to] > pos[edges[i].from])
        .collect();
    let cut = if exact { cut } else { prune(n, edges, cut) };
    (cut, exact)
}

/// The build order with the least total weight of edges pointing forward (dynamic
/// programming over the set of nodes already placed; ties go to the smaller node).
fn exact_order(n: usize, edges: &[WEdge]) -> Vec<usize> {
    let mut out: Vec<Vec<(usize, u64)>> = vec![Vec::new(); n];
    for e in edges {
        out[e.from].push((e.to, e.weight));
    }
    let full = (1usize << n) - 1;
    let mut best = vec![u64::MAX; full + 1];
    let mut last = vec![0u8; full + 1];
    best[0] = 0;
    for placed in 0..full {
        let base = best[placed];
        if base == u64::MAX {
            continue;
        }
        for (v, needs) in out.iter().enumerate() {
            let bit = 1usize << v;
            if placed & bit != 0 {
                continue;
            }
            let next = placed | bit;
            // Placing v now cuts its needs that are not placed yet.
            let cost: u64 = needs
                .iter()
                .filter(|(to, _)| next & (1 << to) == 0)
                .map(|&(_, w)| w)
                .sum();
            if base + cost < best[next] {
                best[next] = base + cost;
                last[next] = v as u8;
            }
        }
    }
    let mut order = Vec::with_capacity(n);
    let mut placed = full;
    while placed != 0 {
        let v = last[placed] as usize;
        order.push(v);
        placed &= !(1 << v);
    }
    order.reverse();
    order
}

/// Weighted Eades–Lin–Smyth: repeatedly place nodes that need nothing left at the front and
/// nodes nothing left needs at the back; otherwise place at the front the node whose
/// dependents outweigh its needs the most.
fn greedy_order(n: usize, edges: &[WEdge]) -> Vec<usize> {
    let mut out: Vec<Vec<(usize, u64)>> = vec![Vec::new(); n];
    let mut inc: Vec<Vec<(usize, u64)>> = vec![Vec::new(); n];
    for e in edges {
        out[e.from].push((e.to, e.weight));
        inc[e.to].push((e.from, e.weight));
    }
    let mut alive = vec![true; n];
    let mut out_w: Vec<u64> = out.iter().map(|l| l.iter().map(|e| e.1).sum()).collect();
    let mut in_w: Vec<u64> = inc.iter().map(|l| l.iter().map(|e| e.1).sum()).collect();
    let mut out_n: Vec<usize> = out.iter().map(Vec::len).collect();
    let mut in_n: Vec<usize> = inc.iter().map(Vec::len).collect();
    let (mut front, mut back) = (Vec::new(), Vec::new());
    let mut left = n;
    while left > 0 {
        let pick = if let Some(v) = (0..n).find(|&v| alive[v] && out_n[v] == 0) {
            front.push(v);
            v
        } else if let Some(v) = (0..n).find(|&v| alive[v] && in_n[v] == 0) {
            back.push(v);
            v
        } else {
            let v = (0..n)
                .filter(|&v| alive[v])
                .max_by_key(|&v| (in_w[v] as i128 - out_w[v] as i128, std::cmp::Reverse(v)))
                .unwrap_or(0);
            front.push(v);
            v
        };
        alive[pick] = false;
        left -= 1;
        for &(to, w) in &out[pick] {
            in_w[to] -= w;
            in_n[to] -= 1;
        }
        for &(from, w) in &inc[pick] {
            out_w[from] -= w;
            out_n[from] -= 1;
        }
    }
    back.reverse();
    front.extend(back);
    front
}

/// Puts cut edges back, heaviest first, whenever that closes no cycle.
fn prune(n: usize, edges: &[WEdge], mut cut: Vec<usize>) -> Vec<usize> {
    let mut kept = vec![true; edges.len()];
    for &i in &cut {
        kept[i] = false;
    }
    let mut by_weight = cut.clone();
    by_weight.sort_by_key(|&i| (std::cmp::Reverse(edges[i].weight), i));
    for i in by_weight {
        // Keeping from → to closes a cycle iff `to` already reaches `from`.
        if !reaches(n, edges, &kept, edges[i].to, edges[i].from) {
            kept[i] = true;
        }
    }
    cut.retain(|&i| !kept[i]);
    cut
}

fn reaches(n: usize, edges: &[WEdge], kept: &[bool], from: usize, target: usize) -> bool {
    let mut adj = vec![Vec::new(); n];
    for (i, e) in edges.iter().enumerate() {
        if kept[i] {
            adj[e.from].push(e.to);
        }
    }
    let mut seen = vec![false; n];
    let mut stack = vec![from];
    seen[from] = true;
    while let Some(v) = stack.pop() {
        if v == target {
            return true;
        }
        for &w in &adj[v] {
            if !seen[w] {
                seen[w] = true;
                stack.push(w);
            }
        }
    }
    false
}

/// Whether the edges not in `cut` form an acyclic graph (test helper, also used by callers'
/// assertions).
#[cfg(test)]
pub(crate) fn acyclic_without(n: usize, edges: &[WEdge], cut: &[usize]) -> bool {
    let kept: Vec<bool> = (0..edges.len()).map(|i| !cut.contains(&i)).collect();
    edges
        .iter()
        .enumerate()
        .filter(|(i, _)| kept[*i])
        .all(|(_, e)| !reaches(n, edges, &kept, e.to, e.from))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(from: usize, to: usize, weight: u64) -> WEdge {
        WEdge { from, to, weight }
    }

    fn weight(edges: &[WEdge], cut: &[usize]) -> u64 {
        cut.iter().map(|&i| edges[i].weight).sum()
    }

    /// The minimum weight over all edge subsets that leave the graph acyclic.
    fn brute_min(n: usize, edges: &[WEdge]) -> u64 {
        (0u32..1 << edges.len())
            .map(|mask| {
                (0..edges.len())
                    .filter(|i| mask & (1 << i) != 0)
                    .collect::<Vec<_>>()
            })
            .filter(|cut| acyclic_without(n, edges, cut))
            .map(|cut| weight(edges, &cut))
            .min()
            .unwrap_or(0)
    }

    #[test]
    fn two_cycle_cuts_the_cheaper_edge() {
        let edges = [e(0, 1, 10), e(1, 0, 1)];
        assert_eq!(feedback_arc_set(2, &edges, 20), (vec![1], true));
        assert_eq!(feedback_arc_set(2, &edges, 0), (vec![1], false));
    }

    #[test]
    fn shared_edge_beats_two_cheap_ones() {
        // Cycles 0→1→2→0 and 0→1→3→0 share 0→1.
        let edges = [e(0, 1, 3), e(1, 2, 2), e(2, 0, 2), e(1, 3, 2), e(3, 0, 2)];
        let (cut, exact) = feedback_arc_set(4, &edges, 20);
        assert!(exact);
        assert_eq!(cut, [0]);
    }

    #[test]
    fn exact_matches_brute_force_and_greedy_is_valid() {
        let mut seed: u64 = 42;
        let mut next = || {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            seed >> 33
        };
        for _ in 0..150 {
            let n = 2 + (next() % 5) as usize;
            let mut edges = Vec::new();
            for from in 0..n {
                for to in 0..n {
                    if from != to && next() % 3 == 0 && edges.len() < 12 {
                        edges.push(e(from, to, [1, 3, 10, 20][(next() % 4) as usize]));
                    }
                }
            }
            let (cut, exact) = feedback_arc_set(n, &edges, 20);
            assert!(exact);
            assert!(acyclic_without(n, &edges, &cut), "{edges:?}");
            assert_eq!(weight(&edges, &cut), brute_min(n, &edges), "{edges:?}");
            let (cut, exact) = feedback_arc_set(n, &edges, 0);
            assert!(!exact);
            assert!(acyclic_without(n, &edges, &cut), "{edges:?}");
            for &i in &cut {
                let without: Vec<usize> = cut.iter().copied().filter(|&j| j != i).collect();
                assert!(!acyclic_without(n, &edges, &without), "not minimal");
            }
        }
    }

    #[test]
    fn work_bound_forces_greedy() {
        let n = 22;
        let edges: Vec<WEdge> = (0..n).map(|v| e(v, (v + 1) % n, 1)).collect();
        let (cut, exact) = feedback_arc_set(n, &edges, 100);
        assert!(!exact);
        assert_eq!(cut.len(), 1);
    }
}
