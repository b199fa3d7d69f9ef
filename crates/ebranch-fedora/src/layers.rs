//! Build layers over a dependency graph: cycles (strongly connected components) become
//! one group, and the groups are layered with Kahn's algorithm.

use std::collections::{BTreeMap, BTreeSet};

/// The remaining build plan.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Layers in build order; each holds groups; a group of several packages is a cycle.
    pub layers: Vec<Vec<Vec<String>>>,
    /// Packages with a dependency whose provider is unknown.
    pub unresolved: Vec<String>,
}

impl std::fmt::Display for Plan {
    /// One line per layer, `N: a b {c d}` (braces mark a cycle), then unresolved ones.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, layer) in self.layers.iter().enumerate() {
            let groups: Vec<String> = layer
                .iter()
                .map(|g| match g.as_slice() {
                    [one] => one.clone(),
                    many => format!("{{{}}}", many.join(" ")),
                })
                .collect();
            writeln!(f, "{}: {}", i + 1, groups.join(" "))?;
        }
        if !self.unresolved.is_empty() {
            writeln!(f, "unresolved dependencies: {}", self.unresolved.join(" "))?;
        }
        Ok(())
    }
}

/// Layer `nodes`; `deps[n]` lists what `n` needs. Dependencies outside `nodes` count as
/// satisfied, except those named in `unknown`, which mark the dependent as unresolved.
pub fn layer(
    nodes: &BTreeSet<String>,
    deps: &BTreeMap<String, Vec<String>>,
    unknown: &str,
) -> Plan {
    let index: BTreeMap<&str, usize> = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect();
    let names: Vec<&str> = nodes.iter().map(String::as_str).collect();
    let mut unresolved = Vec::new();
    let adjacency: Vec<Vec<usize>> = names
        .iter()
        .map(|n| {
            let list = deps.get(*n).map(Vec::as_slice).unwrap_or(&[]);
            if list.iter().any(|d| d == unknown) {
                unresolved.push(n.to_string());
            }
            let mut targets: Vec<usize> = list
                .iter()
                .filter_map(|d| index.get(d.as_str()).copied())
                .collect();
            targets.sort_unstable();
            targets.dedup();
            targets
        })
        .collect();
    let component = strongly_connected(&adjacency);
    let count = component.iter().copied().max().map_or(0, |m| m + 1);
    let mut members: Vec<Vec<String>> = vec![Vec::new(); count];
    let mut needs: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); count];
    for (v, targets) in adjacency.iter().enumerate() {
        members[component[v]].push(names[v].to_string());
        for &w in targets {
            if component[w] != component[v] {
                needs[component[v]].insert(component[w]);
            }
        }
    }
    let mut done = vec![false; count];
    let mut layers = Vec::new();
    let mut remaining = count;
    while remaining > 0 {
        let ready: Vec<usize> = (0..count)
            .filter(|&c| !done[c] && needs[c].iter().all(|&d| done[d]))
            .collect();
        if ready.is_empty() {
            break; // cannot happen: the component graph has no cycles
        }
        let mut groups: Vec<Vec<String>> = ready.iter().map(|&c| members[c].clone()).collect();
        for group in &mut groups {
            group.sort();
        }
        groups.sort();
        for c in ready {
            done[c] = true;
            remaining -= 1;
        }
        layers.push(groups);
    }
    Plan { layers, unresolved }
}

/// Tarjan's algorithm without recursion; returns the component number of each node.
fn strongly_connected(adjacency: &[Vec<usize>]) -> Vec<usize> {
    let n = adjacency.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut component = vec![usize::MAX; n];
    let mut next_index = 0;
    let mut next_component = 0;
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut calls: Vec<(usize, usize)> = vec![(root, 0)];
        index[root] = next_index;
        low[root] = next_index;
        next_index += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (v, ref mut edge)) = calls.last_mut() {
            if let Some(&w) = adjacency[v].get(*edge) {
                *edge += 1;
                if index[w] == usize::MAX {
                    index[w] = next_index;
                    low[w] = next_index;
                    next_index += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    calls.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(parent, _)) = calls.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component[w] = next_component;
                    if w == v {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(edges: &[(&str, &[&str])]) -> (BTreeSet<String>, BTreeMap<String, Vec<String>>) {
        let nodes = edges.iter().map(|(n, _)| n.to_string()).collect();
        let deps = edges
            .iter()
            .map(|(n, d)| (n.to_string(), d.iter().map(|s| s.to_string()).collect()))
            .collect();
        (nodes, deps)
    }

    fn names(plan: &Plan) -> Vec<Vec<Vec<&str>>> {
        plan.layers
            .iter()
            .map(|l| {
                l.iter()
                    .map(|g| g.iter().map(String::as_str).collect())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn chain_and_diamond() {
        let (n, d) = graph(&[
            ("a", &["b", "c"]),
            ("b", &["d"]),
            ("c", &["d"]),
            ("d", &["outside"]),
        ]);
        let plan = layer(&n, &d, "UNKNOWN");
        assert_eq!(
            names(&plan),
            vec![vec![vec!["d"]], vec![vec!["b"], vec!["c"]], vec![vec!["a"]]]
        );
        assert!(plan.unresolved.is_empty());
    }

    #[test]
    fn cycles_are_one_group_and_layering_goes_on() {
        let (n, d) = graph(&[
            ("a", &["b"]),
            ("b", &["c"]),
            ("c", &["b", "d"]),
            ("d", &[]),
            ("e", &["UNKNOWN"]),
        ]);
        let plan = layer(&n, &d, "UNKNOWN");
        assert_eq!(
            names(&plan),
            vec![
                vec![vec!["d"], vec!["e"]],
                vec![vec!["b", "c"]],
                vec![vec!["a"]]
            ]
        );
        assert_eq!(plan.unresolved, vec!["e"]);
        assert_eq!(
            plan.to_string(),
            "1: d e\n2: {b c}\n3: a\nunresolved dependencies: e\n"
        );
    }

    #[test]
    fn self_loop_and_long_chain() {
        let (n, d) = graph(&[("a", &["a"])]);
        assert_eq!(names(&layer(&n, &d, "UNKNOWN")), vec![vec![vec!["a"]]]);
        let nodes: BTreeSet<String> = (0..3000).map(|i| format!("p{i:05}")).collect();
        let deps = (1..3000)
            .map(|i| (format!("p{i:05}"), vec![format!("p{:05}", i - 1)]))
            .collect();
        assert_eq!(layer(&nodes, &deps, "UNKNOWN").layers.len(), 3000);
    }
}
