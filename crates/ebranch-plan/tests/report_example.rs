//! The ebranch 0.0.3 example report, read and planned end to end.

use ebranch_plan::{
    PlanOptions, chain_build_string, find_cycles_json, graph_from_report, plan, plan_json,
};
use ebranch_report::Report;
use serde_json::{Value, json};

fn read(value: Value) -> Report {
    Report::from_value(value, std::path::Path::new("r.json")).unwrap()
}

#[test]
fn example_report_gives_patatt_then_b4() {
    let report = json!({
      "python-b4": {
        "build": {
          "python-dkimpy": ["(python3dist(dkimpy) >= 1 with python3dist(dkimpy) < 2)",
                            "(python3dist(dkimpy) >= 1.0.5 with python3dist(dkimpy) < 1.1)"],
          "python-patatt": ["(python3dist(patatt) < 2~~ with python3dist(patatt) >= 0.4)"],
          "UNKNOWN": ["python3dist(unobtanium)"]
        }
      },
      "python-dkimpy": {"skip": true},
      "python-patatt": {}
    });
    let graph = graph_from_report(&read(report));
    assert_eq!(graph.packages, ["python-b4", "python-patatt"]);
    let p = plan(&graph, &PlanOptions::default());
    assert_eq!(chain_build_string(&p), "python-patatt : python-b4");
    assert!(p.cycles.is_empty());
    assert_eq!(
        p.blocked,
        [(
            "python-b4".to_string(),
            vec!["python3dist(unobtanium)".to_string()]
        )]
    );
    assert_eq!(find_cycles_json(&graph), json!([]));
    assert_eq!(
        plan_json(&p),
        json!({
            "layers": [{"packages": ["python-patatt"], "cycles": []},
                       {"packages": ["python-b4"], "cycles": []}],
            "cycles": [],
            "blocked": [{"package": "python-b4", "deps": ["python3dist(unobtanium)"]}],
        })
    );
}

#[test]
fn cyclic_report_keeps_every_package_and_says_how_to_bootstrap() {
    let report = json!({
      "python-sphinx": {"build": {"python-docutils": ["python3dist(docutils)"]}},
      "python-docutils": {"build": {"python-sphinx": ["python3dist(sphinx)"],
                                    "python-setuptools": ["python3dist(setuptools)"]}},
      "python-setuptools": {},
      "app": {"build": {"python-sphinx": ["python3dist(sphinx)"]}}
    });
    let graph = graph_from_report(&read(report));
    let p = plan(&graph, &PlanOptions::default());
    assert_eq!(
        chain_build_string(&p),
        "python-setuptools : python-docutils python-sphinx : app"
    );
    let group = &p.cycles[0];
    assert_eq!(group.members, ["python-docutils", "python-sphinx"]);
    // Each needs the other only for documentation (by the names): one bootstrap will do.
    assert_eq!(group.bootstrap.len(), 1);
    assert!(group.exact);
    let boot = &group.bootstrap[0];
    assert_eq!(boot.drop.len(), 1);
    assert_eq!(boot.drop[0].tooling, "documentation");
    let hint = &group.break_edges[0];
    assert_eq!(hint.from, boot.package);
    assert_eq!(hint.reason, "documentation-only build dependency");
    assert_eq!(
        find_cycles_json(&graph),
        json!([["python-docutils", "python-sphinx"]])
    );
}
