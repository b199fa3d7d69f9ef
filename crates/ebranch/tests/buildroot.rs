//! Closures as a buildroot installs them, on hand-made universes checked against libsolv's
//! solver (`tests/oracle/buildroot_check.py`): rich dependencies operator by operator, and
//! binary-level install edges in the plan.

mod common;

use std::path::Path;

use common::*;
use serde_json::{Value, json};

/// The target: `tool` pulls in `y`, which conditions test against.
const TARGET: &[&str] = &[
    "a|1-1|noarch|a-1-1.src.rpm||",
    "y|1-1|noarch|y-1-1.src.rpm||",
    "tool|1-1|noarch|tool-1-1.src.rpm||y",
    "c|1-1|noarch|c-1-1.src.rpm||",
];

/// Reference binaries: one source each; `z` only here; two providers of `virt`; `aevil`
/// sorts first among the providers of `kcap` but also provides `evil`; `lib` has a
/// conditional install-time Requires.
const REF_BIN: &[&str] = &[
    "a|2-1|noarch|a-2-1.src.rpm||",
    "b|1-1|noarch|b-1-1.src.rpm||",
    "c|2-1|noarch|c-2-1.src.rpm||",
    "x|1-1|noarch|x-1-1.src.rpm||",
    "w|1-1|noarch|w-1-1.src.rpm||",
    "z|1-1|noarch|z-1-1.src.rpm||",
    "v|1-1|noarch|v-1-1.src.rpm|virt|",
    "u|1-1|noarch|u-1-1.src.rpm|virt|",
    "k|1-1|noarch|k-1-1.src.rpm|kcap|",
    "aevil|1-1|noarch|aevil-1-1.src.rpm|kcap,evil|",
    "lib|1-1|noarch|libsrc-1-1.src.rpm||(x if y)",
];

/// One source per case (its BuildRequires), plus the sources of the reference binaries.
const CASES: &[(&str, &str)] = &[
    ("and-case", "(a and b)"),
    ("or-target", "(b or c)"),
    ("or-union", "(virt or w)"),
    ("or-complex", "((b and x) or w)"),
    ("with-case", "(a >= 2 with a < 3)"),
    ("without-case", "(kcap without evil)"),
    ("if-held", "tool,(x if y)"),
    ("if-absent", "(x if y)"),
    ("if-ref-held", "z,(w if z)"),
    ("if-else", "(w if z else x)"),
    ("unless-absent", "(x unless z)"),
    ("unless-held", "y,(b unless y else w)"),
    ("unless-forbidden", "y,(x unless y)"),
    ("install-if-held", "lib,tool"),
    ("install-if-absent", "lib"),
];

fn rich_universe(dir: &Path) -> Universe {
    let mut sources: Vec<String> = CASES
        .iter()
        .map(|(name, brs)| format!("{name}|1-1|src|||{brs}"))
        .collect();
    for s in [
        "a", "b", "c", "x", "w", "z", "v", "u", "k", "aevil", "libsrc",
    ] {
        sources.push(format!("{s}|1-1|src|||"));
    }
    let sources: Vec<&str> = sources.iter().map(String::as_str).collect();
    mkrepo(&dir.join("target"), TARGET);
    mkrepo(&dir.join("refbin"), REF_BIN);
    mkrepo(&dir.join("refsrc"), &sources);
    let path = |p: &str| dir.join(p).to_string_lossy().into_owned();
    Universe {
        target: vec![path("target")],
        ref_bin: vec![path("refbin")],
        ref_src: vec![path("refsrc")],
        flags: Vec::new(),
    }
}

/// The other members of a closure, sorted.
fn needed(report: &Value, root: &str) -> Vec<String> {
    report
        .as_object()
        .unwrap()
        .keys()
        .filter(|k| *k != root)
        .cloned()
        .collect()
}

/// Every buildroot installs (only `unless-forbidden`'s fails, as ebranch reports), and no
/// listed source could be left out.
fn assert_checked(checked: &[Checked]) {
    for c in checked {
        for (member, (status, problems)) in &c.buildroots {
            let expected = if c.root == "unless-forbidden" {
                "unresolvable"
            } else {
                "ok"
            };
            assert_eq!(
                status, expected,
                "buildroot of {member} in the closure of {}: {problems:?}",
                c.root
            );
        }
        assert!(
            c.unnecessary.is_empty(),
            "{}: listed but not needed by any buildroot: {:?}",
            c.root,
            c.unnecessary
        );
    }
}

#[test]
fn rich_dependencies_install_as_libsolvs_solver_installs_them() {
    let dir = tempfile::tempdir().unwrap();
    let u = rich_universe(dir.path());
    let roots: Vec<String> = CASES.iter().map(|(n, _)| (*n).to_owned()).collect();
    let reports = u.reports(&roots, &dir.path().join("cache"));
    // Every listed buildroot installs (or fails as reported), and every listed source is
    // needed by some buildroot: libsolv's solver agrees with the closure of every case.
    if let Some(checked) = check_buildroots(&u, &reports, true, false) {
        assert_checked(&checked);
    }
    // What that means for each case: `and` needs every operand, `or` one the target has
    // (else the fewest new), `if` only when the buildroot holds the condition, `unless`
    // cannot be met once its condition is held.
    let want: &[(&str, &[&str])] = &[
        ("and-case", &["b"]),
        ("or-target", &[]),
        ("or-union", &["u"]),
        ("or-complex", &["w"]),
        ("with-case", &["a"]),
        ("without-case", &["k"]),
        ("if-held", &["x"]),
        ("if-absent", &[]),
        ("if-ref-held", &["w", "z"]),
        ("if-else", &["x"]),
        ("unless-absent", &["x"]),
        ("unless-held", &["w"]),
        ("unless-forbidden", &[]),
        ("install-if-held", &["libsrc", "x"]),
        ("install-if-absent", &["libsrc"]),
    ];
    for ((root, report), (case, members)) in reports.iter().zip(want) {
        assert_eq!(root, case);
        assert_eq!(needed(report, root), *members, "closure of {root}");
    }
}

#[test]
fn rich_edges_name_their_operand_and_conditions_their_reading() {
    let dir = tempfile::tempdir().unwrap();
    let u = rich_universe(dir.path());
    let cache = dir.path().join("cache");
    let roots = [
        "and-case",
        "if-absent",
        "unless-forbidden",
        "install-if-held",
    ]
    .map(String::from);
    let reports = u.reports(&roots, &cache);
    let and = &reports[0].1["and-case"];
    assert_eq!(and["build"], json!({"b": ["(a and b)"]}));
    assert_eq!(
        and["operands"],
        json!({"(a and b)": {"b": {"binary": "b-1-1.noarch", "source": "b"}}})
    );
    let absent = &reports[1].1["if-absent"]["conditions"]["(x if y)"][0];
    assert_eq!(absent["condition"], "y");
    assert_eq!(absent["held"], false);
    assert_eq!(absent["assumed"], true, "{absent}");
    let forbidden = &reports[2].1["unless-forbidden"];
    assert_eq!(forbidden["unresolvable"], json!(["(x unless y)"]));
    assert_eq!(forbidden["conditions"]["(x unless y)"][0]["held"], true);
    let lib = &reports[3].1["libsrc"];
    assert_eq!(lib["install"], json!({"x": ["(x if y)"]}));
    assert_eq!(lib["conditions"]["(x if y)"][0]["held"], true);
    assert_eq!(
        lib["binaries"],
        json!({"lib-1-1.noarch": {"x-1-1.noarch": ["(x if y)"]}})
    );
    // The text output says it too.
    let mut args = vec!["missing".to_owned(), "and-case".to_owned()];
    args.extend(u.args());
    let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
    let text = stdout(&ebranch(&args, &cache));
    assert!(text.contains("needs b: (a and b) [via b]"), "{text}");
    args[1] = "if-absent";
    let text = stdout(&ebranch(&args, &cache));
    assert!(
        text.contains("(x if y): condition read as absent, assumed:"),
        "{text}"
    );
}

/// `r` builds with `b-lib` and `a-tools`; `b` builds with `a-lib`, `c` with `b-lib`; only
/// `a-tools` (not `a-lib`) needs `c-lib`. Per source, `b`'s buildroot pulls in a binary
/// of `a`, so `b` would need everything any binary of `a` needs, `c` included — and `c`
/// builds with `b`: a cycle that no buildroot has.
#[test]
fn binary_level_install_edges_invent_no_cycle() {
    let dir = tempfile::tempdir().unwrap();
    mkrepo(
        &dir.path().join("target"),
        &["base|1-1|noarch|base-1-1.src.rpm||"],
    );
    mkrepo(
        &dir.path().join("refbin"),
        &[
            "a-lib|1-1|noarch|a-1-1.src.rpm||",
            "a-tools|1-1|noarch|a-1-1.src.rpm||c-lib",
            "b-lib|1-1|noarch|b-1-1.src.rpm||",
            "c-lib|1-1|noarch|c-1-1.src.rpm||",
        ],
    );
    mkrepo(
        &dir.path().join("refsrc"),
        &[
            "r|1-1|src|||b-lib,a-tools",
            "a|1-1|src|||",
            "b|1-1|src|||a-lib",
            "c|1-1|src|||b-lib",
        ],
    );
    let path = |p: &str| dir.path().join(p).to_string_lossy().into_owned();
    let cache = dir.path().join("cache");
    let (refbin, refsrc, target) = (path("refbin"), path("refsrc"), path("target"));
    let repos = [
        "--ref-repo",
        &refbin,
        "--ref-repo",
        &refsrc,
        "--target-repo",
        &target,
    ];
    let mut args = vec!["missing", "r", "--format", "json", "-o"];
    let report_path = path("report.json");
    args.push(&report_path);
    args.extend(repos);
    let out = ebranch(&args, &cache);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let plan = |report: &str| -> Value {
        let out = ebranch(&["plan", report, "--format", "json"], &cache);
        assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
        serde_json::from_str(&stdout(&out)).unwrap()
    };
    let binary_level = plan(&report_path);
    assert_eq!(binary_level["cycles"], json!([]), "{binary_level:#}");
    // The same report without its binary-level keys (as ebranch 0.0.3 would keep it) is
    // planned per source, and then the cycle appears: the universe does test something.
    let mut report: Value =
        serde_json::from_str(&std::fs::read_to_string(&report_path).unwrap()).unwrap();
    for entry in report.as_object_mut().unwrap().values_mut() {
        let entry = entry.as_object_mut().unwrap();
        entry.remove("buildroot");
        entry.remove("binaries");
    }
    let source_path = path("per-source.json");
    std::fs::write(&source_path, report.to_string()).unwrap();
    let per_source = plan(&source_path);
    let members = &per_source["cycles"][0]["members"];
    assert_eq!(members, &json!(["b", "c"]), "{per_source:#}");
}
