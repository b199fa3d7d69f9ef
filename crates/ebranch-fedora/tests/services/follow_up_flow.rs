//! `ebranch follow-up` over the loopback fakes: dates come from Bugzilla.

use std::path::Path;

use ebranch_fedora::branch::Branch;
use ebranch_fedora::followup::{Action, Assessment, FollowUpOptions, follow_up};
use ebranch_fedora::report::Report;
use ebranch_fedora::time::Timestamp;

use crate::support::bugzilla::{FakeBugzilla, earlier_bug};
use crate::support::clients;
use crate::support::distgit_bodhi::DistGitWorld;

fn at(text: &str) -> Timestamp {
    Timestamp::parse(text).unwrap()
}

#[test]
fn reminder_once_then_escalation_text() {
    let bz = FakeBugzilla::start(&["python-slow", "python-quick", "python-done"], &[]);
    bz.seed(earlier_bug(
        10,
        "python-slow",
        "Please branch and build python-slow in epel10",
        "NEW",
        "2025-03-01T00:00:00Z",
    ));
    let mut quick = earlier_bug(
        11,
        "python-quick",
        "Please branch and build python-quick in epel10",
        "NEW",
        "2025-03-01T00:00:00Z",
    );
    quick.comments.push((
        "python-quick-maint@example.com".into(),
        "2025-03-03T00:00:00Z".into(),
        "On it.".into(),
    ));
    bz.seed(quick);
    let mut done = earlier_bug(
        12,
        "python-done",
        "Please branch and build python-done in epel10",
        "CLOSED",
        "2025-01-01T00:00:00Z",
    );
    done.resolution = "ERRATA".into();
    bz.seed(done);
    let dg = DistGitWorld::default()
        .package("python-slow", &["rawhide"])
        .start();
    let c = clients(
        &bz.server.base,
        &dg.base,
        "https://bodhi.example.invalid",
        false,
    );
    let report = Report::from_json(
        r#"{"python-slow": {"bug": 10}, "python-quick": {"bug": 11}, "python-done": {"bug": 12}, "python-none": {}}"#,
        Path::new("r"),
    )
    .unwrap();
    let mut options = FollowUpOptions {
        target: Branch::new("epel10"),
        fas: Some("jdoe".into()),
        me: None,
        bugzilla_url: bz.server.base.clone(),
        now: at("2025-03-07T23:00:00Z"),
    };

    let r = follow_up(&c.bugzilla, &c.dist_git, &report, &options).unwrap();
    assert_eq!(r.len(), 3);
    assert!(matches!(r[0].assessment, Assessment::Waiting { .. }));
    assert!(matches!(r[1].assessment, Assessment::Answered { .. }));
    assert_eq!(
        r[2].assessment,
        Assessment::Closed {
            resolution: "ERRATA".into()
        }
    );
    assert!(bz.server.writes().is_empty());

    bz.set_now("2025-03-08T01:00:00Z");
    options.now = at("2025-03-08T01:00:00Z");
    let r = follow_up(&c.bugzilla, &c.dist_git, &report, &options).unwrap();
    assert_eq!(
        r[0].action,
        Action::Pinged {
            needinfo: Some("python-slow-maint@example.com".into())
        }
    );
    assert_eq!(bz.server.writes().len(), 1);
    let slow = bz.bug(10);
    assert_eq!(slow.flags[0]["requestee"], "python-slow-maint@example.com");
    assert!(slow.comments[1].2.contains("(FAS: jdoe)"));

    // A week later: no second reminder.
    options.now = at("2025-03-15T00:00:00Z");
    let r = follow_up(&c.bugzilla, &c.dist_git, &report, &options).unwrap();
    assert_eq!(
        r[0].assessment,
        Assessment::Pinged {
            at: at("2025-03-08T01:00:00Z"),
            escalate_due: at("2025-03-22T01:00:00Z")
        }
    );
    assert_eq!(bz.server.writes().len(), 1);

    // Two weeks after the reminder: the releng ticket text, nothing sent.
    options.now = at("2025-03-22T01:00:00Z");
    let r = follow_up(&c.bugzilla, &c.dist_git, &report, &options).unwrap();
    let Action::Escalate(ticket) = &r[0].action else {
        panic!("{:?}", r[0])
    };
    assert_eq!(ticket.title, "Stalled EPEL package: python-slow");
    assert!(
        ticket
            .body
            .contains(&format!("{}/show_bug.cgi?id=10", bz.server.base))
    );
    assert!(ticket.body.contains("(@jdoe)") && ticket.body.contains("cc: @python-slow-owner"));
    assert_eq!(bz.server.writes().len(), 1);
}
