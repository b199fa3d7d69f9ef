//! Bootstrap sets: small weighted feedback vertex sets of one cycle group.
//!
//! An edge `from → to` means `from` needs `to`. Building a package in bootstrap mode drops
//! its needs inside the group, so a set of packages to bootstrap works exactly when every
//! cycle passes through one of them: it is a *feedback vertex set*. We want a cheap one
//! (weights say how hard each bootstrap looks), and it is NP-hard, so:
//!
//! - Packages that need themselves are always in the set.
//! - What is left splits into strongly connected components, each solved on its own.
//! - A component of at most [`EXACT_NODES`] packages is solved exactly by dynamic
//!   programming over the subsets that stay acyclic (O(2^n · n)).
//! - A larger one gets a greedy set (repeatedly drop the package with the largest weighted
//!   in × out degree after trimming packages on no cycle), improved by the simulated
//!   annealing local search of Galinier, Lemamou and Bouzidi (2013): the kept packages are
//!   held in a build order, and a move puts one bootstrapped package back at the best
//!   place in that order and bootstraps whatever then conflicts with it. Then every
//!   package that can be put back without closing a cycle is put back.
//! - The bound: a set of vertex-disjoint cycles (shortest first) needs one package each, so
//!   its size is a lower bound on any set, and the sum of each cycle's cheapest weight a
//!   lower bound on the weight. When the heuristic meets the weight bound it is exact.
//!
//! Every phase is bounded by work, not by time, so results are deterministic and a group of
//! 40,000 packages costs a fraction of a second.

use crate::scc::strongly_connected;

/// Components of at most this many packages are solved exactly.
pub(crate) const EXACT_NODES: usize = 20;

/// Work budget (edge visits and order shifts) of the local search of one component.
const SEARCH_WORK: u64 = 30_000_000;

/// Work budget of the lower bound (cycle packing) of one component.
const BOUND_WORK: u64 = 20_000_000;

/// Work budget of putting packages back after the local search.
const PRUNE_WORK: u64 = 20_000_000;

/// A bootstrap set of one cycle group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct VertexSet {
    /// The packages to bootstrap (local indexes, sorted).
    pub set: Vec<usize>,
    /// Whether the set has the least possible total weight.
    pub exact: bool,
    /// No set of fewer packages breaks every cycle.
    pub at_least: usize,
}

/// A cheap set of nodes of `succ` (node → sorted successors, self-loops allowed) whose
/// removal leaves no cycle; weights are positive. Components of at most
/// `max_exact.min(EXACT_NODES)` nodes are solved exactly.
pub(crate) fn feedback_vertex_set(
    succ: &[Vec<usize>],
    weight: &[u64],
    max_exact: usize,
) -> VertexSet {
    let n = succ.len();
    let mut removed: Vec<bool> = (0..n).map(|v| succ[v].contains(&v)).collect();
    let mut set: Vec<usize> = (0..n).filter(|&v| removed[v]).collect();
    let mut result = VertexSet {
        at_least: set.len(),
        set: Vec::new(),
        exact: true,
    };
    for comp in cyclic_components(succ, &removed) {
        let sub = Sub::new(succ, weight, &comp);
        let part = if comp.len() <= max_exact.min(EXACT_NODES) {
            exact_small(&sub)
        } else {
            heuristic(&sub)
        };
        result.exact &= part.exact;
        result.at_least += part.at_least;
        for v in part.set {
            removed[comp[v]] = true;
            set.push(comp[v]);
        }
    }
    set.sort_unstable();
    result.set = set;
    result
}

/// The induced subgraph on some nodes, renumbered `0..len`.
struct Sub {
    succ: Vec<Vec<usize>>,
    pred: Vec<Vec<usize>>,
    weight: Vec<u64>,
}

impl Sub {
    fn new(succ: &[Vec<usize>], weight: &[u64], nodes: &[usize]) -> Self {
        let mut local = vec![usize::MAX; succ.len()];
        for (i, &v) in nodes.iter().enumerate() {
            local[v] = i;
        }
        let mut s = vec![Vec::new(); nodes.len()];
        let mut p = vec![Vec::new(); nodes.len()];
        for (i, &v) in nodes.iter().enumerate() {
            for &w in &succ[v] {
                let j = local[w];
                if j != usize::MAX && j != i {
                    s[i].push(j);
                    p[j].push(i);
                }
            }
        }
        for list in s.iter_mut().chain(p.iter_mut()) {
            list.sort_unstable();
            list.dedup();
        }
        Sub {
            succ: s,
            pred: p,
            weight: nodes.iter().map(|&v| weight[v].max(1)).collect(),
        }
    }

    fn len(&self) -> usize {
        self.succ.len()
    }

    fn weight_of(&self, in_set: &[bool]) -> u64 {
        (0..self.len())
            .filter(|&v| in_set[v])
            .map(|v| self.weight[v])
            .sum()
    }
}

/// The strongly connected components of more than one node among the nodes not
/// `removed`, each sorted, ordered by their first node.
fn cyclic_components(succ: &[Vec<usize>], removed: &[bool]) -> Vec<Vec<usize>> {
    let edges = succ.iter().enumerate().flat_map(|(v, list)| {
        list.iter()
            .filter(move |&&w| !removed[v] && !removed[w] && v != w)
            .map(move |&w| (v, w))
    });
    strongly_connected(succ.len(), edges)
        .into_iter()
        .filter(|c| c.len() > 1)
        .collect()
}

/// The exact answer by dynamic programming over subsets: a subset stays acyclic when it
/// has a node needing nothing else in it whose removal leaves an acyclic subset. The kept
/// subset of greatest weight (then of most nodes, then the first found) wins.
fn exact_small(sub: &Sub) -> VertexSet {
    let n = sub.len();
    debug_assert!(n <= EXACT_NODES);
    let succ_mask: Vec<u32> = sub
        .succ
        .iter()
        .map(|l| l.iter().fold(0u32, |m, &w| m | (1 << w)))
        .collect();
    let full: u32 = (1 << n) - 1;
    let mut acyclic = vec![false; full as usize + 1];
    acyclic[0] = true;
    let (mut best, mut best_weight, mut most_kept) = (0u32, 0u64, 0u32);
    for a in 1..=full {
        let mut bits = a;
        while bits != 0 {
            let v = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            if succ_mask[v] & a == 0 && acyclic[(a & !(1 << v)) as usize] {
                acyclic[a as usize] = true;
                break;
            }
        }
        if !acyclic[a as usize] {
            continue;
        }
        let weight: u64 = (0..n)
            .filter(|&v| a & (1 << v) != 0)
            .map(|v| sub.weight[v])
            .sum();
        let kept = a.count_ones();
        most_kept = most_kept.max(kept);
        if weight > best_weight || (weight == best_weight && kept > best.count_ones()) {
            best = a;
            best_weight = weight;
        }
    }
    VertexSet {
        set: (0..n).filter(|&v| best & (1 << v) == 0).collect(),
        exact: true,
        at_least: n - most_kept as usize,
    }
}

/// Greedy, then local search, then pruning; with the cycle-packing bound.
fn heuristic(sub: &Sub) -> VertexSet {
    let (at_least, bound) = cycle_packing(sub, BOUND_WORK);
    let mut in_set = greedy(sub);
    if sub.weight_of(&in_set) > bound {
        in_set = local_search(sub, in_set, SEARCH_WORK);
        prune(sub, &mut in_set, PRUNE_WORK);
    }
    VertexSet {
        exact: sub.weight_of(&in_set) == bound,
        set: (0..sub.len()).filter(|&v| in_set[v]).collect(),
        at_least: at_least.max(1),
    }
}

/// Greedy: trim nodes on no cycle (nothing left needs them, or they need nothing left),
/// then drop the node with the greatest in × out degree per weight; repeat.
fn greedy(sub: &Sub) -> Vec<bool> {
    use std::collections::BinaryHeap;
    let n = sub.len();
    let mut alive = vec![true; n];
    let mut in_set = vec![false; n];
    let mut indeg: Vec<u64> = sub.pred.iter().map(|l| l.len() as u64).collect();
    let mut outdeg: Vec<u64> = sub.succ.iter().map(|l| l.len() as u64).collect();
    let score = |v: usize, i: &[u64], o: &[u64]| i[v] * o[v] * 1024 / sub.weight[v];
    let mut heap: BinaryHeap<(u64, std::cmp::Reverse<usize>)> = (0..n)
        .map(|v| (score(v, &indeg, &outdeg), std::cmp::Reverse(v)))
        .collect();
    let mut trim: Vec<usize> = (0..n)
        .filter(|&v| indeg[v] == 0 || outdeg[v] == 0)
        .collect();
    loop {
        while let Some(v) = trim.pop() {
            if alive[v] {
                kill(sub, v, &mut alive, &mut indeg, &mut outdeg, &mut trim);
            }
        }
        let Some((s, std::cmp::Reverse(v))) = heap.pop() else {
            break;
        };
        if !alive[v] {
            continue;
        }
        let now = score(v, &indeg, &outdeg);
        if now != s {
            heap.push((now, std::cmp::Reverse(v)));
            continue;
        }
        in_set[v] = true;
        kill(sub, v, &mut alive, &mut indeg, &mut outdeg, &mut trim);
    }
    in_set
}

/// Removes `v`, updating degrees; neighbours left on no cycle go to `trim`.
fn kill(
    sub: &Sub,
    v: usize,
    alive: &mut [bool],
    indeg: &mut [u64],
    outdeg: &mut [u64],
    trim: &mut Vec<usize>,
) {
    alive[v] = false;
    for &w in &sub.succ[v] {
        if alive[w] {
            indeg[w] -= 1;
            if indeg[w] == 0 {
                trim.push(w);
            }
        }
    }
    for &u in &sub.pred[v] {
        if alive[u] {
            outdeg[u] -= 1;
            if outdeg[u] == 0 {
                trim.push(u);
            }
        }
    }
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The kept nodes in a build order (everything a node needs comes before it).
struct Order {
    seq: Vec<usize>,
    pos: Vec<usize>,
}

const NOT_KEPT: usize = usize::MAX;

impl Order {
    /// A build order of the nodes not in `in_set` (which must leave them acyclic).
    fn new(sub: &Sub, in_set: &[bool]) -> Self {
        let n = sub.len();
        let mut missing: Vec<usize> = (0..n)
            .map(|v| sub.succ[v].iter().filter(|&&w| !in_set[w]).count())
            .collect();
        let mut ready: Vec<usize> = (0..n)
            .rev()
            .filter(|&v| !in_set[v] && missing[v] == 0)
            .collect();
        let mut seq = Vec::with_capacity(n);
        while let Some(v) = ready.pop() {
            seq.push(v);
            for &u in &sub.pred[v] {
                if !in_set[u] {
                    missing[u] -= 1;
                    if missing[u] == 0 {
                        ready.push(u);
                    }
                }
            }
        }
        let mut order = Order {
            seq,
            pos: vec![NOT_KEPT; n],
        };
        order.renumber(0);
        order
    }

    fn renumber(&mut self, from: usize) {
        for (i, &v) in self.seq.iter().enumerate().skip(from) {
            self.pos[v] = i;
        }
    }
}

/// One candidate move: put `v` back at `index`, bootstrapping `conflicts`.
struct Move {
    index: usize,
    conflicts: Vec<usize>,
    delta: i64,
}

/// The cheaper of the two places to put `v` back: right after the last node it needs
/// (bootstrapping the kept nodes before it that need it), or right before the first node
/// needing it (bootstrapping the kept nodes after it that it needs).
fn best_move(sub: &Sub, order: &Order, v: usize) -> Move {
    let kept = |w: &&usize| order.pos[**w] != NOT_KEPT;
    let after = sub.succ[v]
        .iter()
        .filter(kept)
        .map(|&w| order.pos[w] + 1)
        .max()
        .unwrap_or(0);
    let before = sub.pred[v]
        .iter()
        .filter(kept)
        .map(|&u| order.pos[u])
        .min()
        .unwrap_or(order.seq.len());
    let first: Vec<usize> = sub.pred[v]
        .iter()
        .copied()
        .filter(|&u| order.pos[u] != NOT_KEPT && order.pos[u] < after)
        .collect();
    let second: Vec<usize> = sub.succ[v]
        .iter()
        .copied()
        .filter(|&w| order.pos[w] != NOT_KEPT && order.pos[w] >= before)
        .collect();
    let cost = |c: &[usize]| c.iter().map(|&u| sub.weight[u] as i64).sum::<i64>();
    let (c1, c2) = (cost(&first), cost(&second));
    let gain = sub.weight[v] as i64;
    if c1 <= c2 {
        Move {
            index: after - first.len(),
            conflicts: first,
            delta: c1 - gain,
        }
    } else {
        Move {
            index: before,
            conflicts: second,
            delta: c2 - gain,
        }
    }
}

/// Simulated annealing on the build order of the kept nodes (see the module docs), within
/// `budget` units of work; returns the cheapest set seen.
fn local_search(sub: &Sub, mut in_set: Vec<bool>, budget: u64) -> Vec<bool> {
    let n = sub.len();
    let mut order = Order::new(sub, &in_set);
    let mut out: Vec<usize> = (0..n).filter(|&v| in_set[v]).collect();
    let mut weight = sub.weight_of(&in_set) as i64;
    let (mut best, mut best_weight) = (in_set.clone(), weight);
    let mean = sub.weight.iter().sum::<u64>() as f64 / n.max(1) as f64;
    let mut temperature = 0.6 * mean;
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut work, mut failures) = (0u64, 0);
    let stage = 5 * n;
    while failures < 50 && work < budget && !out.is_empty() {
        let mut improved = false;
        for _ in 0..stage {
            if out.is_empty() || work >= budget {
                break;
            }
            let i = rng.below(out.len());
            let v = out[i];
            let m = best_move(sub, &order, v);
            work += (sub.succ[v].len() + sub.pred[v].len()) as u64;
            let accept = m.delta <= 0 || rng.unit() < (-(m.delta as f64) / temperature).exp();
            if !accept {
                continue;
            }
            out.swap_remove(i);
            in_set[v] = false;
            for &u in &m.conflicts {
                in_set[u] = true;
                order.pos[u] = NOT_KEPT;
                out.push(u);
            }
            let start = order.seq.iter().position(|&u| in_set[u]).unwrap_or(m.index);
            order.seq.retain(|&u| !in_set[u]);
            order.seq.insert(m.index, v);
            order.renumber(start.min(m.index));
            // The scan, the retain and the shift each touch the whole order.
            work += 3 * order.seq.len() as u64;
            weight += m.delta;
            if weight < best_weight {
                best_weight = weight;
                best.clone_from(&in_set);
                improved = true;
            }
        }
        temperature *= 0.99;
        failures = if improved { 0 } else { failures + 1 };
    }
    best
}

/// Puts back, heaviest first, every set node whose return closes no cycle, while the work
/// stays within `budget`.
fn prune(sub: &Sub, in_set: &mut [bool], budget: u64) {
    let mut candidates: Vec<usize> = (0..sub.len()).filter(|&v| in_set[v]).collect();
    candidates.sort_by_key(|&v| (std::cmp::Reverse(sub.weight[v]), v));
    let mut work = 0u64;
    // seen[u] == stamp marks u as seen in the current search.
    let mut seen = vec![0usize; sub.len()];
    let mut stack = Vec::new();
    for (stamp, v) in candidates.into_iter().enumerate() {
        if work >= budget {
            return;
        }
        // Returning v closes a cycle iff a kept node it needs reaches v.
        let stamp = stamp + 1;
        stack.clear();
        stack.extend(sub.succ[v].iter().copied().filter(|&w| !in_set[w]));
        let mut closes = false;
        while let Some(u) = stack.pop() {
            work += 1;
            if u == v {
                closes = true;
                break;
            }
            if seen[u] == stamp {
                continue;
            }
            seen[u] = stamp;
            for &w in &sub.succ[u] {
                work += 1;
                if (w == v || !in_set[w]) && seen[w] != stamp {
                    stack.push(w);
                }
            }
        }
        if !closes {
            in_set[v] = false;
        }
    }
}

/// Vertex-disjoint cycles, shortest first (within `budget` units of work): their number
/// and the sum of each one's cheapest weight, lower bounds on any feedback vertex set.
fn cycle_packing(sub: &Sub, budget: u64) -> (usize, u64) {
    let n = sub.len();
    let mut used = vec![false; n];
    let (mut count, mut weight, mut work) = (0usize, 0u64, 0u64);
    // Two-cycles first: a greedy matching of the pairs that need each other.
    for v in 0..n {
        if used[v] {
            continue;
        }
        work += sub.succ[v].len() as u64;
        if let Some(&u) = sub.succ[v]
            .iter()
            .find(|&&u| !used[u] && sub.succ[u].binary_search(&v).is_ok())
        {
            used[v] = true;
            used[u] = true;
            count += 1;
            weight += sub.weight[v].min(sub.weight[u]);
        }
    }
    // Then the shortest cycle through each node in turn, with a growing length limit.
    let mut limit = 3;
    let mut search = Bfs::new(n);
    while limit <= n && work < budget {
        let mut found_any = false;
        for s in 0..n {
            if used[s] || work >= budget {
                continue;
            }
            if let Some(cycle) = search.short_cycle(sub, s, limit, &used, &mut work) {
                for &u in &cycle {
                    used[u] = true;
                }
                count += 1;
                weight += cycle.iter().map(|&u| sub.weight[u]).min().unwrap_or(0);
                found_any = true;
            }
        }
        if !found_any {
            limit *= 2;
        }
    }
    if count == 0 {
        // Out of budget before finding a cycle; the component has one all the same.
        return (1, sub.weight.iter().copied().min().unwrap_or(0));
    }
    (count, weight)
}

/// Breadth-first search buffers, reused from search to search.
struct Bfs {
    dist: Vec<usize>,
    parent: Vec<usize>,
    touched: Vec<usize>,
    queue: std::collections::VecDeque<usize>,
}

impl Bfs {
    fn new(n: usize) -> Self {
        Bfs {
            dist: vec![usize::MAX; n],
            parent: vec![usize::MAX; n],
            touched: Vec::new(),
            queue: std::collections::VecDeque::new(),
        }
    }

    /// A shortest cycle through `s` of at most `limit` nodes avoiding `used` nodes.
    fn short_cycle(
        &mut self,
        sub: &Sub,
        s: usize,
        limit: usize,
        used: &[bool],
        work: &mut u64,
    ) -> Option<Vec<usize>> {
        self.touched.push(s);
        self.dist[s] = 0;
        self.queue.push_back(s);
        let mut last = None;
        'search: while let Some(u) = self.queue.pop_front() {
            if self.dist[u] + 1 >= limit {
                break;
            }
            for &w in &sub.succ[u] {
                *work += 1;
                if w == s {
                    last = Some(u);
                    break 'search;
                }
                if !used[w] && self.dist[w] == usize::MAX {
                    self.dist[w] = self.dist[u] + 1;
                    self.parent[w] = u;
                    self.touched.push(w);
                    self.queue.push_back(w);
                }
            }
        }
        let cycle = last.map(|mut u| {
            let mut c = vec![u];
            while u != s {
                u = self.parent[u];
                c.push(u);
            }
            c
        });
        *work += self.touched.len() as u64;
        for &u in &self.touched {
            self.dist[u] = usize::MAX;
            self.parent[u] = usize::MAX;
        }
        self.touched.clear();
        self.queue.clear();
        cycle
    }
}

/// Whether removing `set` from `succ` leaves no cycle (self-loops count as cycles).
#[cfg(test)]
pub(crate) fn breaks_every_cycle(succ: &[Vec<usize>], set: &[usize]) -> bool {
    let n = succ.len();
    let in_set: Vec<bool> = (0..n).map(|v| set.contains(&v)).collect();
    let mut missing: Vec<usize> = (0..n)
        .map(|v| succ[v].iter().filter(|&&w| !in_set[w]).count())
        .collect();
    let mut pred = vec![Vec::new(); n];
    for (v, l) in succ.iter().enumerate() {
        for &w in l {
            pred[w].push(v);
        }
    }
    let mut ready: Vec<usize> = (0..n).filter(|&v| !in_set[v] && missing[v] == 0).collect();
    let mut done = 0;
    while let Some(v) = ready.pop() {
        done += 1;
        for &u in &pred[v] {
            if !in_set[u] {
                missing[u] -= 1;
                if missing[u] == 0 {
                    ready.push(u);
                }
            }
        }
    }
    done == n - set.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lcg(seed: &mut u64) -> u64 {
        *seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        *seed >> 33
    }

    fn random_graph(seed: &mut u64, n: usize, per_mille: u64) -> Vec<Vec<usize>> {
        (0..n)
            .map(|v| {
                (0..n)
                    .filter(|&w| w != v && lcg(seed) % 1000 < per_mille)
                    .collect()
            })
            .collect()
    }

    /// The least weight of a set breaking every cycle, by trying every subset.
    fn brute_min(succ: &[Vec<usize>], weight: &[u64]) -> (u64, usize) {
        let n = succ.len();
        let mut best = (u64::MAX, usize::MAX);
        for mask in 0u32..(1 << n) {
            let set: Vec<usize> = (0..n).filter(|&v| mask & (1 << v) != 0).collect();
            if breaks_every_cycle(succ, &set) {
                let w = set.iter().map(|&v| weight[v]).sum::<u64>();
                best.0 = best.0.min(w);
                best.1 = best.1.min(set.len());
            }
        }
        best
    }

    #[test]
    fn self_loops_are_forced_and_two_cycles_take_the_cheaper() {
        let succ = vec![vec![0, 1], vec![2], vec![1]];
        let r = feedback_vertex_set(&succ, &[4, 4, 1], 20);
        assert_eq!(r.set, [0, 2]);
        assert!(r.exact);
        assert_eq!(r.at_least, 2);
    }

    #[test]
    fn exact_matches_brute_force_and_heuristic_is_valid() {
        let mut seed = 7;
        for round in 0..120 {
            let n = 2 + (lcg(&mut seed) % 9) as usize;
            let succ = random_graph(&mut seed, n, 250 + (round % 4) * 100);
            let weight: Vec<u64> = (0..n)
                .map(|_| [1, 2, 4][lcg(&mut seed) as usize % 3])
                .collect();
            let (min_weight, min_count) = brute_min(&succ, &weight);
            let exact = feedback_vertex_set(&succ, &weight, 20);
            assert!(exact.exact);
            assert!(breaks_every_cycle(&succ, &exact.set), "{succ:?}");
            let w: u64 = exact.set.iter().map(|&v| weight[v]).sum();
            assert_eq!(w, min_weight, "{succ:?} {weight:?}");
            assert_eq!(exact.at_least, min_count, "{succ:?}");
            let heur = feedback_vertex_set(&succ, &weight, 0);
            assert!(breaks_every_cycle(&succ, &heur.set), "{succ:?}");
            assert!(heur.at_least <= min_count);
            let hw: u64 = heur.set.iter().map(|&v| weight[v]).sum();
            assert!(hw >= min_weight);
            if heur.exact {
                assert_eq!(hw, min_weight);
            }
            for &v in &heur.set {
                let fewer: Vec<usize> = heur.set.iter().copied().filter(|&u| u != v).collect();
                assert!(!breaks_every_cycle(&succ, &fewer), "not minimal: {succ:?}");
            }
        }
    }

    #[test]
    fn heuristic_is_near_optimal_on_mid_sized_graphs() {
        let mut seed = 99;
        for _ in 0..10 {
            let n = 16;
            let succ = random_graph(&mut seed, n, 150);
            let weight = vec![1; n];
            let exact = feedback_vertex_set(&succ, &weight, 20);
            let heur = feedback_vertex_set(&succ, &weight, 0);
            assert!(breaks_every_cycle(&succ, &heur.set));
            assert!(heur.set.len() <= exact.set.len() + 1, "{succ:?}");
        }
    }

    #[test]
    fn a_big_ring_needs_one_and_the_bound_says_so() {
        let n = 20_000;
        let succ: Vec<Vec<usize>> = (0..n).map(|v| vec![(v + 1) % n]).collect();
        let r = feedback_vertex_set(&succ, &vec![1; n], 20);
        assert_eq!(r.set.len(), 1);
        assert_eq!(r.at_least, 1);
        assert!(r.exact);
    }
}
