//! The plan as JSON.

use serde_json::{Value, json};

use crate::model::Plan;

/// The plan as a JSON object:
///
/// ```text
/// {"layers":  [{"packages": [..], "cycles": [index, ..]}, ..],
///  "cycles":  [{"members", "elementary", "truncated",
///               "bootstrap": [{"package", "why",
///                              "drop": [{"needs", "build", "install", "tooling"}, ..]}, ..],
///               "exact", "at_least", "bootstrap_order",
///               "break_edges": [{"from", "to", "deps", "reason", "hint"}, ..]}, ..],
///  "blocked": [{"package": .., "deps": [..]}, ..]}
/// ```
///
/// A cycle group's `bootstrap` is its bootstrap set ([`CycleGroup`](crate::CycleGroup)
/// says what each key means); `break_edges` is the same at the level of single edges.
pub fn plan_json(plan: &Plan) -> Value {
    let blocked: Vec<Value> = plan
        .blocked
        .iter()
        .map(|(package, deps)| json!({"package": package, "deps": deps}))
        .collect();
    json!({
        "layers": plan.layers,
        "cycles": plan.cycles,
        "blocked": blocked,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Bootstrap, BreakHint, CycleGroup, Layer, Need};

    #[test]
    fn shape() {
        let plan = Plan {
            layers: vec![Layer {
                packages: vec!["a".into()],
                cycles: vec![0],
            }],
            cycles: vec![CycleGroup {
                members: vec!["b".into()],
                elementary: vec![vec!["b".into()]],
                truncated: false,
                bootstrap: vec![Bootstrap {
                    package: "b".into(),
                    why: "w".into(),
                    drop: vec![Need {
                        needs: "b".into(),
                        build: vec!["b-devel".into()],
                        install: vec![],
                        tooling: String::new(),
                    }],
                }],
                at_least: 1,
                break_edges: vec![BreakHint {
                    from: "b".into(),
                    to: "b".into(),
                    deps: vec!["b-devel".into()],
                    reason: "r".into(),
                    hint: "h".into(),
                }],
                exact: true,
                bootstrap_order: vec![vec!["b".into()]],
                stack: None,
            }],
            blocked: vec![("a".into(), vec!["x".into()])],
        };
        assert_eq!(
            plan_json(&plan),
            json!({
                "layers": [{"packages": ["a"], "cycles": [0]}],
                "cycles": [{
                    "members": ["b"], "elementary": [["b"]], "truncated": false,
                    "bootstrap": [{"package": "b", "why": "w", "drop": [
                        {"needs": "b", "build": ["b-devel"], "install": [], "tooling": ""}]}],
                    "at_least": 1,
                    "break_edges": [{"from": "b", "to": "b", "deps": ["b-devel"],
                                     "reason": "r", "hint": "h"}],
                    "exact": true, "bootstrap_order": [["b"]],
                }],
                "blocked": [{"package": "a", "deps": ["x"]}],
            })
        );
    }
}
