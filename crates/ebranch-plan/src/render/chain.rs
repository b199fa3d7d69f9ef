//! The `fedpkg chain-build` string, in ebranch 0.0.3's form.

use crate::model::Plan;

/// Layers joined by `" : "`, each layer's packages sorted and space-separated, e.g.
/// `python-dkimpy python-patatt : python-b4`.
///
/// The members of a cycle group are listed in the group's layer, but they cannot simply be
/// built there: each group needs a bootstrap first (see [`CycleGroup::break_edges`], whose
/// hints the caller should print on stderr), after which the chain can go on from the next
/// layer. `fedpkg chain-build` appends the current directory's package as a last group and
/// refuses to see it listed; for EPEL it needs `--target=<side tag>`. An empty plan gives an
/// empty string.
///
/// [`CycleGroup::break_edges`]: crate::CycleGroup::break_edges
pub fn chain_build_string(plan: &Plan) -> String {
    plan.layers
        .iter()
        .map(|layer| {
            let mut names: Vec<&str> = layer.packages.iter().map(String::as_str).collect();
            for &c in &layer.cycles {
                if let Some(group) = plan.cycles.get(c) {
                    names.extend(group.members.iter().map(String::as_str));
                }
            }
            names.sort_unstable();
            names.join(" ")
        })
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" : ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CycleGroup, Layer};

    fn strings(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn joins_layers_and_includes_cycle_members() {
        let plan = Plan {
            layers: vec![
                Layer {
                    packages: strings(&["python-patatt", "python-dkimpy"]),
                    cycles: vec![],
                },
                Layer {
                    packages: strings(&["z"]),
                    cycles: vec![0],
                },
                Layer {
                    packages: strings(&["python-b4"]),
                    cycles: vec![],
                },
            ],
            cycles: vec![CycleGroup {
                members: strings(&["a", "m"]),
                ..CycleGroup::default()
            }],
            blocked: vec![],
        };
        assert_eq!(
            chain_build_string(&plan),
            "python-dkimpy python-patatt : a m z : python-b4"
        );
        assert_eq!(chain_build_string(&Plan::default()), "");
    }
}
