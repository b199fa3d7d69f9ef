//! `ebranch status` over the loopback fakes, after a batch.

use ebranch_fedora::batch::{BatchOptions, request_batch};
use ebranch_fedora::branch::Branch;
use ebranch_fedora::report::{Report, ReportFile};
use ebranch_fedora::status::{RequestState, State, StatusOptions, refresh_status};
use ebranch_fedora::time::Timestamp;

use crate::batch_flow::{World, write_report};

#[test]
fn status_after_a_batch() {
    let world = World::start();
    let dir = tempfile::tempdir().unwrap();
    let path = write_report(dir.path());
    let c = world.clients(false);
    let (mut file, mut report) = ReportFile::open(&path).unwrap();
    request_batch(
        c.services(),
        &mut report,
        &BatchOptions::new(Branch::new("epel10")),
        &mut |r| file.save(r),
    )
    .unwrap();

    let options = StatusOptions {
        target: Branch::new("epel10"),
        me: None,
        now: Timestamp::parse("2025-03-20T00:00:00Z").unwrap(),
    };
    let all = refresh_status(c.services(), &mut report, &options).unwrap();
    file.save(&report).unwrap();
    let get = |n: &str| all.iter().find(|(p, _)| p == n).unwrap().1.clone();
    assert_eq!(get("python-have").state, State::Available);
    assert_eq!(get("python-branched").state, State::Branched);
    assert_eq!(get("python-testing").state, State::Testing);
    assert_eq!(get("python-retired").state, State::Retired);
    assert_eq!(get("python-app").state, State::Requested);
    // Filed 2025-03-01 by the fake's clock, no answer: stalled by the 20th.
    assert_eq!(
        get("python-app").request.unwrap().state,
        RequestState::Stalled
    );
    assert!(get("python-app").error.is_none());

    let saved = Report::load(&path).unwrap();
    assert_eq!(
        saved.packages["python-testing"].status().unwrap()["update"]["status"],
        "testing"
    );
}
