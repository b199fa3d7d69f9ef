//! `ebranch request PKG` over the loopback Bugzilla.

use ebranch_fedora::branch::Branch;
use ebranch_fedora::request::{BranchRequest, SingleOutcome, request_one, resolve_blocks};

use crate::support::bugzilla::{FakeBugzilla, earlier_bug};
use crate::support::clients;

fn clients_for(bz: &FakeBugzilla) -> ebranch_fedora::services::Clients {
    clients(
        &bz.server.base,
        "https://src.example.invalid",
        "https://bodhi.example.invalid",
        false,
    )
}

#[test]
fn files_in_epel_with_fas_and_a_tracker() {
    let bz = FakeBugzilla::start(&["python-foo"], &[]);
    bz.seed({
        let mut t = earlier_bug(
            1_000,
            "tracker",
            "EPEL Packagers SIG tracker",
            "NEW",
            "2020-01-01T00:00:00Z",
        );
        t.alias = Some("EPELPackagersSIG".into());
        t
    });
    let c = clients_for(&bz);
    let mut req = BranchRequest::new("python-foo", Branch::new("epel9"));
    req.fas = Some("jdoe".into());
    req.blocks = resolve_blocks(&c.bugzilla, &["EPELPackagersSIG".into()]).unwrap();
    let SingleOutcome::Filed(filed) = request_one(&c.bugzilla, &req).unwrap() else {
        panic!()
    };
    assert!(!filed.fell_back());
    let bug = bz.bug(filed.id);
    assert_eq!(
        (bug.product.as_str(), bug.version.as_str()),
        ("Fedora EPEL", "epel9")
    );
    assert_eq!(bug.summary, "Please branch and build python-foo in epel9");
    assert!(bug.comments[0].2.contains("(FAS: jdoe)"));
    assert_eq!(bug.blocks.iter().copied().collect::<Vec<_>>(), vec![1_000]);
}

#[test]
fn falls_back_to_fedora_rawhide_when_epel_lacks_the_component() {
    let bz = FakeBugzilla::start(&[], &["python-new"]);
    let c = clients_for(&bz);
    let req = BranchRequest::new("python-new", Branch::new("epel10"));
    let SingleOutcome::Filed(filed) = request_one(&c.bugzilla, &req).unwrap() else {
        panic!()
    };
    assert!(filed.fell_back());
    let posts: Vec<String> = bz
        .server
        .writes()
        .iter()
        .map(|s| s.json()["product"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(posts, vec!["Fedora EPEL", "Fedora"]);
    assert_eq!(bz.bug(filed.id).version, "rawhide");
}

#[test]
fn no_fallback_on_other_errors() {
    // Not a component in either product: the first error (code 51) falls back once,
    // the second is reported as it is.
    let bz = FakeBugzilla::start(&[], &[]);
    let c = clients_for(&bz);
    let err = request_one(
        &c.bugzilla,
        &BranchRequest::new("nothere", Branch::new("epel10")),
    )
    .unwrap_err();
    assert!(err.to_string().contains("in the 'Fedora' product"), "{err}");

    // A server error is never taken for "component missing".
    let bz = FakeBugzilla::start(&["python-foo"], &[]);
    bz.state
        .lock()
        .unwrap()
        .fail_create
        .insert("python-foo".into());
    let c = clients_for(&bz);
    let err = request_one(
        &c.bugzilla,
        &BranchRequest::new("python-foo", Branch::new("epel10")),
    )
    .unwrap_err();
    assert!(err.to_string().contains("answered HTTP 500"), "{err}");
    assert_eq!(bz.server.writes().len(), 1);
}

#[test]
fn an_open_request_by_anyone_is_reused() {
    let bz = FakeBugzilla::start(&["python-foo"], &[]);
    bz.seed(earlier_bug(
        77,
        "python-foo",
        "Please branch and build python-foo in epel10.0",
        "ASSIGNED",
        "2025-01-01T00:00:00Z",
    ));
    let c = clients_for(&bz);
    let out = request_one(
        &c.bugzilla,
        &BranchRequest::new("python-foo", Branch::new("epel10")),
    )
    .unwrap();
    assert!(matches!(out, SingleOutcome::Existing(b) if b.id == 77));
    assert!(bz.server.writes().is_empty());
}
