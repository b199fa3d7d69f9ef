//! Elementary cycles of a small graph, bounded: Johnson's algorithm without recursion.

/// Elementary cycles of the graph `adj` (node → sorted successors), at most `limit` of them.
///
/// Each cycle lists nodes in edge order starting at its smallest node; self-loops are cycles
/// of one node. The boolean tells whether more cycles exist than were returned. Work is
/// O((V + E) · (limit + 1)) per start node, so a bound keeps huge groups cheap.
pub(crate) fn elementary_cycles(adj: &[Vec<usize>], limit: usize) -> (Vec<Vec<usize>>, bool) {
    let n = adj.len();
    let mut rev = vec![Vec::new(); n];
    for (v, succ) in adj.iter().enumerate() {
        for &w in succ {
            rev[w].push(v);
        }
    }
    let mut out = Vec::new();
    let mut search = Search::new(n);
    for s in 0..n {
        let in_comp = component_of(adj, &rev, s);
        if search.circuits_from(s, adj, &in_comp, limit, &mut out) {
            return (out, true);
        }
    }
    (out, false)
}

/// Nodes ≥ `s` that are on a cycle through `s` within the subgraph of nodes ≥ `s`.
fn component_of(adj: &[Vec<usize>], rev: &[Vec<usize>], s: usize) -> Vec<bool> {
    let forward = reach(adj, s);
    let backward = reach(rev, s);
    forward
        .iter()
        .zip(&backward)
        .map(|(&f, &b)| f && b)
        .collect()
}

fn reach(adj: &[Vec<usize>], s: usize) -> Vec<bool> {
    let mut seen = vec![false; adj.len()];
    seen[s] = true;
    let mut stack = vec![s];
    while let Some(v) = stack.pop() {
        for &w in &adj[v] {
            if w >= s && !seen[w] {
                seen[w] = true;
                stack.push(w);
            }
        }
    }
    seen
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

    /// Appends the cycles through `s` (inside `in_comp`); true when the limit was exceeded.
    fn circuits_from(
        &mut self,
        s: usize,
        adj: &[Vec<usize>],
        in_comp: &[bool],
        limit: usize,
        out: &mut Vec<Vec<usize>>,
    ) -> bool {
        for (v, inside) in in_comp.iter().enumerate() {
            if *inside {
                self.blocked[v] = false;
                self.b[v].clear();
            }
        }
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
                if !in_comp[w] {
                    continue;
                }
                if w == s {
                    if out.len() == limit {
                        return true;
                    }
                    out.push(path.clone());
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
                self.unblock(v);
            } else {
                for &w in adj[v].iter().filter(|&&w| in_comp[w]) {
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

    fn unblock(&mut self, u: usize) {
        self.blocked[u] = false;
        let mut work = std::mem::take(&mut self.b[u]);
        while let Some(w) = work.pop() {
            if self.blocked[w] {
                self.blocked[w] = false;
                work.append(&mut self.b[w]);
            }
        }
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
        let (cycles, truncated) = elementary_cycles(&adj, 1000);
        assert!(!truncated);
        // 10 + 20 + 30 + 24 cycles of length 2..5 in K5.
        assert_eq!(cycles.len(), 84);
        assert_eq!(sorted(cycles), brute(&adj));
    }

    #[test]
    fn self_loops_and_rotation() {
        let adj = vec![vec![0, 1], vec![2], vec![0]];
        let (cycles, truncated) = elementary_cycles(&adj, 10);
        assert!(!truncated);
        assert_eq!(sorted(cycles), [vec![0], vec![0, 1, 2]]);
    }

    #[test]
    fn bound_truncates() {
        let adj: Vec<Vec<usize>> = (0..6)
            .map(|v| (0..6).filter(|&w| w != v).collect())
            .collect();
        let (cycles, truncated) = elementary_cycles(&adj, 7);
        assert!(truncated);
        assert_eq!(cycles.len(), 7);
        let (cycles, truncated) = elementary_cycles(&adj, 0);
        assert!(truncated && cycles.is_empty());
        let (_, truncated) = elementary_cycles(&[vec![1], vec![0]], 1);
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
            let (cycles, truncated) = elementary_cycles(&adj, usize::MAX);
            assert!(!truncated);
            assert_eq!(sorted(cycles), brute(&adj), "{adj:?}");
        }
    }
}
