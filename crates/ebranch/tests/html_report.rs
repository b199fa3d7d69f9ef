//! The HTML page (`ebranch report`, `--format html`): its structure checked against the
//! report it is drawn from, and what a real browser (Debian's `chromium`, headless) draws
//! of it, read back from the rendered DOM.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

/// The demo's roots: every class, a cycle, an unresolvable dependency, alternatives.
const DEMO_ROOTS: &[&str] = &[
    "python-b4",
    "yamllint",
    "python-joserfc",
    "python-pyhanko",
    "python-aiosmtplib",
    "python-pytest-rerunfailures",
    "python-pytest-httpx",
    "python-xkcdpass",
    "python-isal",
];

/// Runs `missing ROOTS --format json -o DIR/report.json` with `flags`.
fn write_report(dir: &Path, roots: &[&str], flags: &[String]) -> PathBuf {
    let path = dir.join("report.json");
    let mut args: Vec<String> = vec!["missing".into()];
    args.extend(roots.iter().map(|r| (*r).to_owned()));
    args.extend(flags.iter().cloned());
    args.extend(["--format".into(), "json".into(), "-o".into()]);
    args.push(path.to_string_lossy().into_owned());
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = ebranch(&refs, &dir.join("cache"));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    path
}

fn rhel_flags() -> Vec<String> {
    [
        "--ref-repo",
        &rhel("Server-optional/x86_64/os"),
        "--ref-repo",
        &rhel("Server-optional/source/tree"),
        "--target-repo",
        &rhel("Server/x86_64/os"),
        "--arch",
        "x86_64",
        "--arch",
        "i686",
    ]
    .map(String::from)
    .to_vec()
}

/// `ebranch report REPORT -o PAGE` (with `extra` flags); the page's text.
fn write_page(report: &Path, page: &Path, extra: &[&str]) -> String {
    let mut args = vec![
        "report",
        report.to_str().unwrap(),
        "-o",
        page.to_str().unwrap(),
    ];
    args.extend(extra);
    let out = ebranch(&args, &report.parent().unwrap().join("cache"));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    std::fs::read_to_string(page).unwrap()
}

/// The report's packages that are built (entries without a true `skip`).
fn built_packages(report: &Value) -> BTreeSet<String> {
    report
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, e)| e.get("skip").is_none_or(|s| s.as_bool() == Some(false)))
        .map(|(n, _)| n.clone())
        .collect()
}

/// HTML text unescaped (the five entities the page writes).
fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The value of attribute `name` in each element starting with `start`.
fn attrs<'a>(html: &'a str, start: &str, name: &str) -> Vec<&'a str> {
    let needle = format!(" {name}=\"");
    html.match_indices(start)
        .map(|(at, _)| {
            let tag = &html[at..at + html[at..].find('>').unwrap()];
            let from = tag.find(&needle).expect("the attribute") + needle.len();
            &tag[from..from + tag[from..].find('"').unwrap()]
        })
        .collect()
}

/// Checks the page against the report: one SVG node and one table row per package, one
/// path per need, every BuildRequires edge of the report among them.
fn check_structure(html: &str, report: &Value) {
    let want = built_packages(report);
    let drawn: Vec<String> = attrs(html, "<g class=\"node ", "data-name")
        .into_iter()
        .map(unescape)
        .collect();
    assert_eq!(drawn.len(), want.len(), "one node per package");
    assert_eq!(drawn.iter().cloned().collect::<BTreeSet<_>>(), want);
    assert_eq!(
        html.matches("<tr data-node=").count(),
        want.len(),
        "one row per package"
    );
    let from = attrs(html, "<path class=\"edge", "data-from");
    let to = attrs(html, "<path class=\"edge", "data-to");
    let pairs: BTreeSet<(&str, &str)> = from
        .iter()
        .zip(&to)
        .map(|(f, t)| {
            let name = |i: &str| drawn[i.parse::<usize>().unwrap()].as_str();
            (name(f), name(t))
        })
        .collect();
    assert_eq!(pairs.len(), from.len(), "one path per pair");
    let report_obj = report.as_object().unwrap();
    let mut build_pairs = 0;
    for name in &want {
        for provider in report_obj[name]["build"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(p, _)| p)
        {
            if want.contains(provider) && provider != name {
                build_pairs += 1;
                assert!(
                    pairs.contains(&(name.as_str(), provider.as_str())),
                    "{name} BuildRequires {provider}: no path"
                );
            }
        }
    }
    assert!(build_pairs > 0);
    // The planner's graph: the report's BuildRequires plus what buildroots install.
    let parsed = ebranch_report::Report::from_value(report.clone(), Path::new("r.json")).unwrap();
    let graph = ebranch_plan::buildroot_graph_from_report(&parsed);
    let planner: BTreeSet<(&str, &str)> = graph
        .edges
        .iter()
        .map(|e| {
            (
                graph.packages[e.from].as_str(),
                graph.packages[e.to].as_str(),
            )
        })
        .filter(|(f, t)| f != t)
        .collect();
    assert_eq!(pairs, planner, "the page draws the planner's needs");
}

#[test]
fn demo_page_draws_every_package_and_need() {
    let dir = tempfile::tempdir().unwrap();
    let report_path = write_report(dir.path(), DEMO_ROOTS, &demo_flags());
    let html = write_page(&report_path, &dir.path().join("page.html"), &[]);
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(&report_path).unwrap()).unwrap();
    check_structure(&html, &report);
    for banned in ["<link", " src=\"", "@import", "url(http"] {
        assert!(!html.contains(banned), "not self-contained: {banned}");
    }
    assert!(
        html.contains("<g class=\"group\""),
        "the demo's cycle is boxed"
    );
    assert!(html.contains(" boot\""), "and its bootstrap set marked");
}

#[test]
fn every_bug_link_is_the_bugs_url() {
    let dir = tempfile::tempdir().unwrap();
    let report_path = write_report(dir.path(), DEMO_ROOTS, &demo_flags());
    let mut report: Value =
        serde_json::from_str(&std::fs::read_to_string(&report_path).unwrap()).unwrap();
    let mut bugs = BTreeMap::new();
    for (i, (name, entry)) in report.as_object_mut().unwrap().iter_mut().enumerate() {
        if i % 2 == 0 && entry.get("skip").is_none() {
            entry["bug"] = Value::from(2_300_000 + i as u64);
            bugs.insert(name.clone(), 2_300_000 + i as u64);
        }
    }
    std::fs::write(&report_path, serde_json::to_string_pretty(&report).unwrap()).unwrap();
    let html = write_page(
        &report_path,
        &dir.path().join("page.html"),
        &["--bugzilla-url", "https://bugzilla.example.org/"],
    );
    let hrefs = attrs(&html, "<a class=\"bug\"", "href");
    assert_eq!(hrefs.len(), bugs.len(), "one bug link per filed request");
    // Bugzilla's own address of a bug: show_bug.cgi?id=N under the base URL.
    let links: BTreeSet<String> = hrefs.into_iter().map(unescape).collect();
    let want: BTreeSet<String> = bugs
        .values()
        .map(|id| format!("https://bugzilla.example.org/show_bug.cgi?id={id}"))
        .collect();
    assert_eq!(links, want);
    for (name, id) in &bugs {
        let row_start = html
            .find(&format!("class=\"pkg\">{name}</a>"))
            .unwrap_or_else(|| panic!("{name}'s row"));
        let row = &html[row_start..row_start + html[row_start..].find("</tr>").unwrap()];
        assert!(
            row.contains(&format!("show_bug.cgi?id={id}\">{id}</a>")),
            "{row}"
        );
    }
}

#[test]
fn format_html_on_missing_and_plan_is_the_same_page() {
    let dir = tempfile::tempdir().unwrap();
    let report_path = write_report(dir.path(), &["python-b4"], &demo_flags());
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(&report_path).unwrap()).unwrap();
    for command in ["missing", "plan"] {
        let mut args = vec![command, "python-b4", "--format", "html"];
        let flags = demo_flags();
        args.extend(flags.iter().map(String::as_str));
        let out = ebranch(&args, &dir.path().join("cache"));
        assert!(out.status.code() != Some(2), "{}", stderr(&out));
        check_structure(&stdout(&out), &report);
    }
}

/// What headless Chromium drew of `page`, read from its DOM after the page's script ran:
/// (SVG nodes with a non-empty box, table rows with a non-empty box, whether the script
/// ran). A harness page loads it in a frame and measures it.
fn browser_counts(page: &Path) -> (usize, usize, bool) {
    let dir = page.parent().unwrap();
    let harness = dir.join("harness.html");
    let name = page.file_name().unwrap().to_str().unwrap();
    std::fs::write(
        &harness,
        format!(
            "<!DOCTYPE html><html><body><iframe id=\"f\" src=\"{name}\" width=\"1600\" height=\"1200\"></iframe>\
             <script>addEventListener('load', function () {{\
             var d = document.getElementById('f').contentDocument;\
             var nodes = d.querySelectorAll('#build-graph g.node');\
             var drawn = 0; nodes.forEach(function (g) {{ var b = g.getBBox(); if (b.width > 0 && b.height > 0) drawn++; }});\
             var rows = 0; d.querySelectorAll('#package-table tbody tr').forEach(function (r) {{ if (r.getBoundingClientRect().height > 0) rows++; }});\
             var shown = d.getElementById('shown').textContent;\
             document.body.setAttribute('data-result', drawn + ' ' + rows + ' ' + (shown.length > 0));\
             }});</script></body></html>"
        ),
    )
    .unwrap();
    let result = chromium_result(&harness);
    let parts: Vec<&str> = result.split(' ').collect();
    (
        parts[0].parse().unwrap(),
        parts[1].parse().unwrap(),
        parts[2] == "true",
    )
}

#[test]
fn chromium_draws_every_node_and_row_of_the_demo_page() {
    let dir = tempfile::tempdir().unwrap();
    let report_path = write_report(dir.path(), DEMO_ROOTS, &demo_flags());
    let page = dir.path().join("page.html");
    write_page(&report_path, &page, &[]);
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(&report_path).unwrap()).unwrap();
    let n = built_packages(&report).len();
    assert_eq!(browser_counts(&page), (n, n, true));
}

#[test]
fn chromium_draws_every_node_and_row_of_the_jsoup_page() {
    let dir = tempfile::tempdir().unwrap();
    let report_path = write_report(dir.path(), &["jsoup"], &rhel_flags());
    let page = dir.path().join("page.html");
    let html = write_page(&report_path, &page, &[]);
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(&report_path).unwrap()).unwrap();
    let n = built_packages(&report).len();
    assert!(n >= 200, "a 200+-package closure: {n}");
    check_structure(&html, &report);
    assert!(html.contains(" folded"), "leaves are folded at 200+ nodes");
    assert_eq!(browser_counts(&page), (n, n, true));
}
