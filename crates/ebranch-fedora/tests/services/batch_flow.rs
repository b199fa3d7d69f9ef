//! `request --report` end to end over the loopback fakes.

use std::collections::BTreeSet;
use std::path::Path;

use ebranch_fedora::batch::{BatchOptions, BatchSummary, Outcome, request_batch};
use ebranch_fedora::bodhi::UpdateStatus;
use ebranch_fedora::branch::Branch;
use ebranch_fedora::report::{Report, ReportFile};
use ebranch_fedora::services::Clients;

use crate::support::bugzilla::{FakeBugzilla, REPORTER, earlier_bug};
use crate::support::clients;
use crate::support::distgit_bodhi::{BodhiWorld, DistGitWorld};
use crate::support::server::FakeServer;

pub const REPORT: &str = r#"{
  "python-app": {
    "build": {
      "python-lib-a": ["python3dist(lib-a) >= 2"],
      "python-lib-b": ["python3dist(lib-b)"],
      "python-open": ["python3dist(open)"],
      "python-have": ["python3dist(have)"],
      "python-testing": ["python3dist(testing)"],
      "UNKNOWN": ["python3dist(unobtanium)"]
    },
    "install": {"python-lib-c": ["python3dist(lib-c)"]},
    "class": "new",
    "x-note": "kept on rewrite"
  },
  "python-have": {"class": "available"},
  "python-branched": {"class": "new"},
  "python-testing": {"class": "new"},
  "python-retired": {"class": "new"},
  "python-open": {"build": {"python-lib-b": ["python3dist(lib-b)"]}, "class": "new"},
  "python-lib-a": {"build": {"python-lib-b": ["python3dist(lib-b)"], "python-lib-c": ["python3dist(lib-c)"]}, "class": "new"},
  "python-lib-b": {"class": "new"},
  "python-lib-c": {"class": "new"}
}"#;

pub const OPEN_BUG: u64 = 2_100_000;

pub struct World {
    pub bz: FakeBugzilla,
    pub dist_git: FakeServer,
    pub bodhi: FakeServer,
}

impl World {
    pub fn start() -> Self {
        let bz = FakeBugzilla::start(
            &[
                "python-app",
                "python-lib-a",
                "python-lib-c",
                "python-open",
                "python-branched",
                "python-testing",
            ],
            &["python-lib-b", "python-retired"],
        );
        bz.seed(earlier_bug(
            OPEN_BUG,
            "python-open",
            "Please branch and build python-open in epel10",
            "NEW",
            "2025-02-01T00:00:00Z",
        ));
        bz.seed(earlier_bug(
            2_000_000,
            "python-open",
            "Please branch and build python-open in epel9",
            "NEW",
            "2024-02-01T00:00:00Z",
        ));
        let mut dist_git = DistGitWorld::default()
            .package("python-branched", &["epel10", "epel10.0", "f42", "rawhide"])
            .package("python-retired", &["f40", "rawhide"])
            .retired("python-retired", "rawhide");
        for p in [
            "python-app",
            "python-testing",
            "python-open",
            "python-lib-a",
            "python-lib-b",
            "python-lib-c",
        ] {
            dist_git = dist_git.package(p, &["f42", "rawhide"]);
        }
        let mut bodhi = BodhiWorld::default()
            .package("python-testing", &[("FEDORA-EPEL-2025-7e57", "testing")]);
        for p in [
            "python-app",
            "python-open",
            "python-lib-a",
            "python-lib-b",
            "python-lib-c",
            "python-branched",
        ] {
            bodhi = bodhi.package(p, &[]);
        }
        Self {
            bz,
            dist_git: dist_git.start(),
            bodhi: bodhi.start(),
        }
    }

    pub fn clients(&self, dry_run: bool) -> Clients {
        clients(
            &self.bz.server.base,
            &self.dist_git.base,
            &self.bodhi.base,
            dry_run,
        )
    }
}

pub fn write_report(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("report.json");
    std::fs::write(&path, REPORT).unwrap();
    path
}

fn run(world: &World, path: &Path) -> BatchSummary {
    let clients = world.clients(false);
    let (mut file, mut report) = ReportFile::open(path).unwrap();
    let options = BatchOptions::new(Branch::new("epel10"));
    request_batch(clients.services(), &mut report, &options, &mut |r| {
        file.save(r)
    })
    .unwrap()
}

fn outcome<'a>(s: &'a BatchSummary, name: &str) -> &'a Outcome {
    &s.packages.iter().find(|(n, _)| n == name).unwrap().1
}

fn on_disk(path: &Path, name: &str) -> Option<u64> {
    Report::load(path).unwrap().packages[name].bug()
}

#[test]
fn batch_skips_adopts_files_links_and_a_rerun_files_nothing() {
    let world = World::start();
    let dir = tempfile::tempdir().unwrap();
    let path = write_report(dir.path());
    let s = run(&world, &path);

    assert_eq!(outcome(&s, "python-have"), &Outcome::Available);
    assert_eq!(outcome(&s, "python-branched"), &Outcome::AlreadyBranched);
    assert_eq!(
        outcome(&s, "python-testing"),
        &Outcome::InBodhi {
            alias: "FEDORA-EPEL-2025-7e57".into(),
            status: UpdateStatus::Testing
        }
    );
    assert_eq!(
        outcome(&s, "python-retired"),
        &Outcome::Retired {
            branch: "rawhide".into()
        }
    );
    assert_eq!(outcome(&s, "python-open"), &Outcome::Adopted(OPEN_BUG));
    let filed: Vec<(&str, String, String)> = s
        .packages
        .iter()
        .filter_map(|(n, o)| match o {
            Outcome::Filed(f) => Some((n.as_str(), f.product.clone(), f.version.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(
        filed,
        vec![
            ("python-app", "Fedora EPEL".into(), "epel10".into()),
            ("python-lib-a", "Fedora EPEL".into(), "epel10".into()),
            ("python-lib-b", "Fedora".into(), "rawhide".into()),
            ("python-lib-c", "Fedora EPEL".into(), "epel10".into()),
        ]
    );
    assert!(!s.has_failures(), "{s:?}");

    // Every bug number is on disk, and the rest of the report survived.
    let report = Report::load(&path).unwrap();
    let bug = |n: &str| report.packages[n].bug().unwrap();
    assert_eq!(bug("python-open"), OPEN_BUG);
    assert_eq!(
        report.packages["python-app"].raw("x-note").unwrap(),
        "kept on rewrite"
    );
    assert!(report.packages["python-branched"].bug().is_none());

    // The new bugs carry the request texts.
    let app = world.bz.bug(bug("python-app"));
    assert_eq!(app.summary, "Please branch and build python-app in epel10");
    assert_eq!(app.creator, REPORTER);
    assert!(
        app.comments[0]
            .2
            .contains("EPEL 10 minor versions requested: epel10.")
    );
    assert!(app.blocks.is_empty(), "no tracker is blocked by default");
    let lib_b = world.bz.bug(bug("python-lib-b"));
    assert!(
        lib_b.comments[0]
            .2
            .contains("It is needed to build python-app, python-lib-a, python-open in epel10.")
    );

    // Links mirror the build graph, including the adopted bug.
    let deps = |id: u64| world.bz.bug(id).depends_on;
    assert_eq!(
        deps(bug("python-app")),
        BTreeSet::from([bug("python-lib-a"), bug("python-lib-b"), OPEN_BUG])
    );
    assert_eq!(
        deps(bug("python-lib-a")),
        BTreeSet::from([bug("python-lib-b"), bug("python-lib-c")])
    );
    assert_eq!(deps(OPEN_BUG), BTreeSet::from([bug("python-lib-b")]));
    assert!(deps(bug("python-lib-b")).is_empty());

    // Nothing was asked about packages decided earlier.
    let dg_paths: Vec<String> = world
        .dist_git
        .log()
        .iter()
        .map(|s| s.path.clone())
        .collect();
    assert!(!dg_paths.iter().any(|p| p.contains("python-have")));

    // The same command again: no writes at all.
    world.bz.server.clear_log();
    let again = run(&world, &path);
    assert!(
        world.bz.server.writes().is_empty(),
        "{:?}",
        world.bz.server.writes()
    );
    assert!(again.links.is_empty());
    assert_eq!(
        outcome(&again, "python-app"),
        &Outcome::Known(bug("python-app"))
    );
    assert_eq!(world.bz.state.lock().unwrap().bugs.len(), 6);
}

#[test]
fn a_bugzilla_500_mid_batch_loses_no_bug_and_a_rerun_finishes() {
    let world = World::start();
    world
        .bz
        .state
        .lock()
        .unwrap()
        .fail_create
        .insert("python-lib-b".into());
    let dir = tempfile::tempdir().unwrap();
    let path = write_report(dir.path());
    let s = run(&world, &path);

    match outcome(&s, "python-lib-b") {
        Outcome::Failed(message) => {
            assert!(
                message.contains(&format!(
                    "{}/rest/bug answered HTTP 500",
                    world.bz.server.base
                )),
                "{message}"
            )
        }
        other => panic!("{other:?}"),
    }
    assert!(s.has_failures());
    for name in ["python-app", "python-lib-a", "python-lib-c", "python-open"] {
        assert!(on_disk(&path, name).is_some(), "{name} lost");
    }
    assert_eq!(on_disk(&path, "python-lib-b"), None);

    let again = run(&world, &path);
    assert!(matches!(outcome(&again, "python-lib-b"), Outcome::Filed(_)));
    let lib_b = on_disk(&path, "python-lib-b").unwrap();
    let app = on_disk(&path, "python-app").unwrap();
    assert!(world.bz.bug(app).depends_on.contains(&lib_b));
    assert_eq!(
        world.bz.state.lock().unwrap().bugs.len(),
        6,
        "nothing filed twice"
    );
}

#[test]
fn a_crash_after_a_filing_keeps_it_and_the_rerun_continues() {
    let world = World::start();
    let dir = tempfile::tempdir().unwrap();
    let path = write_report(dir.path());
    let clients = world.clients(false);
    let (mut file, mut report) = ReportFile::open(&path).unwrap();
    let options = BatchOptions::new(Branch::new("epel10"));
    let mut saves = 0;
    let crashed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        request_batch(clients.services(), &mut report, &options, &mut |r| {
            file.save(r)?;
            saves += 1;
            if saves == 2 {
                panic!("simulated crash");
            }
            Ok(())
        })
    }));
    assert!(crashed.is_err());
    assert!(on_disk(&path, "python-app").is_some());
    assert!(on_disk(&path, "python-open").is_some());
    assert_eq!(world.bz.state.lock().unwrap().bugs.len(), 3);

    let again = run(&world, &path);
    assert!(!again.has_failures());
    assert_eq!(
        world.bz.state.lock().unwrap().bugs.len(),
        6,
        "nothing filed twice"
    );
}
