//! `--dry-run` for every write: the exact requests are shown and nothing is sent.

use ebranch_fedora::batch::{BatchOptions, request_batch};
use ebranch_fedora::branch::Branch;
use ebranch_fedora::followup::{Action, FollowUpOptions, follow_up};
use ebranch_fedora::report::Report;
use ebranch_fedora::request::{BranchRequest, SingleOutcome, request_one};
use ebranch_fedora::time::Timestamp;

use crate::batch_flow::{World, write_report};
use crate::support::bugzilla::{FakeBugzilla, KEY, earlier_bug};
use crate::support::clients;
use crate::support::distgit_bodhi::DistGitWorld;

#[test]
fn dry_run_single_request_prints_the_post() {
    let bz = FakeBugzilla::start(&["python-foo"], &[]);
    let c = clients(
        &bz.server.base,
        "https://src.example.invalid",
        "https://bodhi.example.invalid",
        true,
    );
    let mut req = BranchRequest::new("python-foo", Branch::new("epel10"));
    req.fas = Some("jdoe".into());
    let out = request_one(&c.bugzilla, &req).unwrap();
    assert!(matches!(out, SingleOutcome::Filed(ref f) if f.id == 1));
    let text = c.dry_run.as_ref().unwrap().render();
    let expected_body = serde_json::json!({
        "product": "Fedora EPEL", "component": "python-foo", "version": "epel10",
        "summary": "Please branch and build python-foo in epel10",
        "description": ebranch_fedora::templates::description(&ebranch_fedora::templates::RequestText {
            package: "python-foo".into(), branch: Branch::new("epel10"), fas: Some("jdoe".into()),
            sig: false, minors: vec![], needed_by: vec![], earlier: vec![],
        }),
    });
    assert_eq!(
        text,
        format!(
            "POST {}/rest/bug\n{}\n# dry run: this new object is called 1 below",
            bz.server.base,
            serde_json::to_string_pretty(&expected_body).unwrap()
        )
    );
    assert!(!text.contains(KEY));
    assert!(
        bz.server.writes().is_empty(),
        "the search was sent, the POST was not"
    );
    assert_eq!(bz.server.log().len(), 1);
}

#[test]
fn dry_run_batch_prints_posts_and_links_and_changes_nothing() {
    let world = World::start();
    let dir = tempfile::tempdir().unwrap();
    let path = write_report(dir.path());
    let before = std::fs::read_to_string(&path).unwrap();
    let c = world.clients(true);
    let mut report = Report::load(&path).unwrap();
    let options = BatchOptions::new(Branch::new("epel10"));
    request_batch(c.services(), &mut report, &options, &mut |_| Ok(())).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
    assert!(world.bz.server.writes().is_empty());

    let writes = c.dry_run.as_ref().unwrap().writes();
    let lines: Vec<String> = writes
        .iter()
        .map(|w| format!("{} {}", w.request.method, w.request.url))
        .collect();
    let base = &world.bz.server.base;
    assert_eq!(
        lines,
        vec![
            format!("POST {base}/rest/bug"),
            format!("POST {base}/rest/bug"),
            format!("POST {base}/rest/bug"),
            format!("POST {base}/rest/bug"),
            format!("PUT {base}/rest/bug/1"),
            format!("PUT {base}/rest/bug/2"),
            format!("PUT {base}/rest/bug/2100000"),
        ]
    );
    let components: Vec<&str> = writes[..4]
        .iter()
        .map(|w| {
            w.request.body.as_ref().unwrap()["component"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(
        components,
        vec!["python-app", "python-lib-a", "python-lib-b", "python-lib-c"]
    );
    assert_eq!(
        writes[4].request.body,
        Some(serde_json::json!({"depends_on": {"add": [2, 3, 2_100_000]}}))
    );
    assert_eq!(
        writes[5].request.body,
        Some(serde_json::json!({"depends_on": {"add": [3, 4]}}))
    );
    assert_eq!(
        writes[6].request.body,
        Some(serde_json::json!({"depends_on": {"add": [3]}}))
    );
    let text = c.dry_run.as_ref().unwrap().render();
    assert!(text.contains("# dry run: this new object is called 4 below"));
    assert!(!text.contains(KEY));
}

#[test]
fn dry_run_follow_up_prints_the_reminder() {
    let bz = FakeBugzilla::start(&["python-foo"], &[]);
    bz.seed(earlier_bug(
        55,
        "python-foo",
        "Please branch and build python-foo in epel10",
        "NEW",
        "2025-03-01T00:00:00Z",
    ));
    let dg = DistGitWorld::default().start();
    let c = clients(
        &bz.server.base,
        &dg.base,
        "https://bodhi.example.invalid",
        true,
    );
    let report =
        Report::from_json(r#"{"python-foo": {"bug": 55}}"#, std::path::Path::new("r")).unwrap();
    let options = FollowUpOptions {
        target: Branch::new("epel10"),
        fas: None,
        me: None,
        bugzilla_url: bz.server.base.clone(),
        now: Timestamp::parse("2025-03-08T00:00:00Z").unwrap(),
    };
    let results = follow_up(&c.bugzilla, &c.dist_git, &report, &options).unwrap();
    assert_eq!(
        results[0].action,
        Action::Pinged {
            needinfo: Some("python-foo-maint@example.com".into())
        }
    );
    let text = c.dry_run.as_ref().unwrap().render();
    let body = serde_json::json!({
        "comment": {"body": ebranch_fedora::templates::follow_up_comment("python-foo", &Branch::new("epel10"), None), "is_private": false},
        "flags": [{"name": "needinfo", "status": "?", "requestee": "python-foo-maint@example.com"}],
    });
    assert_eq!(
        text,
        format!(
            "PUT {}/rest/bug/55\n{}",
            bz.server.base,
            serde_json::to_string_pretty(&body).unwrap()
        )
    );
    assert!(bz.server.writes().is_empty());
    assert!(bz.bug(55).flags.is_empty());
}
