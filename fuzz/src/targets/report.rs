//! Report JSON: loading, the 0.0.3 rules, and the plan's graph of it.

use std::path::Path;

use ebranch_plan::{buildroot_edges, graph_from_report};
use ebranch_report::{Report, rules};

use super::{Scratch, text};

pub fn run(_: &Scratch, data: &[u8]) {
    let path = Path::new("report.json");
    let Ok(report) = Report::from_json(&text(data), path) else {
        return;
    };
    let json = report.to_json();
    match Report::from_json(&json, path) {
        Ok(again) => {
            assert!(again == report, "a report reads back differently");
            assert_eq!(again.to_json(), json, "a report's JSON is not stable");
        }
        Err(e) => panic!("a report's own JSON does not load: {e}"),
    }
    let (unfolded, added) = rules::unfold(&report);
    assert_eq!(
        unfolded.len(),
        report.len() + added.len(),
        "unfold adds what it says"
    );
    let _ = rules::to_iterate(&unfolded);
    let _ = rules::save_decision(&report, &unfolded);
    let graph = graph_from_report(&report);
    let _ = buildroot_edges(&graph);
}
