//! Retries (issue 8, finding 16): every read is retried on 429/502/503/504 as ebranch-http's
//! policy says; a write is sent again only when its effect is not there. The failures are
//! injected as the services' front ends produce them (an HTML page, `Retry-After`, and a
//! gateway that loses the answer to a request the service did).

use std::time::Duration;

use ebranch_fedora::bodhi::Bodhi;
use ebranch_fedora::branch::Branch;
use ebranch_fedora::bugzilla::{BugSearch, BugUpdate, Bugzilla};
use ebranch_fedora::request::{BranchRequest, file_request};

use crate::support::bugzilla::{FakeBugzilla, earlier_bug};
use crate::support::distgit_bodhi::BodhiWorld;
use crate::support::server::{FakeServer, Fault};
use crate::support::{Waits, clients_retrying, recorded_retries};

fn bugzilla_clients(bz: &FakeBugzilla) -> (ebranch_fedora::services::Clients, Waits) {
    let (retries, waits) = recorded_retries();
    let c = clients_retrying(
        &bz.server.base,
        "https://src.example.invalid",
        "https://bodhi.example.invalid",
        false,
        retries,
    );
    (c, waits)
}

fn count(server: &FakeServer, method: &str, path: &str) -> usize {
    let log = server.log();
    log.iter()
        .filter(|s| s.method == method && s.path == path)
        .count()
}

fn waits(waits: &Waits) -> Vec<Duration> {
    waits.lock().unwrap().clone()
}

#[test]
fn bodhi_releases_answered_503_once_are_read_again() {
    let bodhi = BodhiWorld::default().start();
    bodhi.inject(Fault::unavailable("GET", "/releases/"));
    let (retries, recorded) = recorded_retries();
    let c = clients_retrying(
        "https://bz.example.invalid",
        "https://src.example.invalid",
        &bodhi.base,
        false,
        retries,
    );
    let releases = c.bodhi.releases().unwrap();
    assert_eq!(releases.len(), 3);
    assert!(bodhi.pending_faults().is_empty());
    // Page 1 twice (the 503, then the answer), then page 2.
    assert_eq!(count(&bodhi, "GET", "/releases/"), 3);
    assert_eq!(waits(&recorded), [Duration::from_secs(1)]);
}

#[test]
fn a_bugzilla_search_answered_429_waits_as_retry_after_says() {
    let bz = FakeBugzilla::start(&["python-foo"], &[]);
    bz.seed(earlier_bug(
        77,
        "python-foo",
        "Please branch and build python-foo in epel10",
        "NEW",
        "2025-01-01T00:00:00Z",
    ));
    bz.server
        .inject(Fault::too_many_requests("GET", "/rest/bug", 7));
    let (c, recorded) = bugzilla_clients(&bz);
    let found = c
        .bugzilla
        .search(&BugSearch::branch_requests("python-foo"))
        .unwrap();
    assert_eq!(found.iter().map(|b| b.id).collect::<Vec<_>>(), [77]);
    assert_eq!(waits(&recorded), [Duration::from_secs(7)]);
    assert_eq!(count(&bz.server, "GET", "/rest/bug"), 2);
}

#[test]
fn a_read_that_keeps_failing_gives_up_within_the_policy() {
    let bz = FakeBugzilla::start(&["python-foo"], &[]);
    for _ in 0..10 {
        bz.server.inject(Fault::unavailable("GET", "/rest/bug"));
    }
    let (c, recorded) = bugzilla_clients(&bz);
    let err = c
        .bugzilla
        .search(&BugSearch::branch_requests("python-foo"))
        .unwrap_err();
    assert!(err.to_string().contains("answered HTTP 503"), "{err}");
    assert_eq!(count(&bz.server, "GET", "/rest/bug"), 4);
    let secs = |s| Duration::from_secs(s);
    assert_eq!(waits(&recorded), [secs(1), secs(2), secs(4)]);
}

#[test]
fn a_create_done_but_answered_502_is_not_filed_twice() {
    let bz = FakeBugzilla::start(&["python-foo"], &[]);
    bz.server.inject(Fault::answer_lost("POST", "/rest/bug"));
    let (c, _) = bugzilla_clients(&bz);
    let filed = file_request(
        &c.bugzilla,
        &BranchRequest::new("python-foo", Branch::new("epel10")),
    )
    .unwrap();
    let bugs: Vec<u64> = bz.state.lock().unwrap().bugs.keys().copied().collect();
    assert_eq!(
        bugs,
        [filed.id],
        "one bug, and its number is the one returned"
    );
    assert_eq!(count(&bz.server, "POST", "/rest/bug"), 1);
}

#[test]
fn a_create_refused_with_503_is_sent_again_after_looking_for_it() {
    let bz = FakeBugzilla::start(&["python-foo"], &[]);
    // A closed request of the same title is not taken for it.
    bz.seed(earlier_bug(
        70,
        "python-foo",
        "Please branch and build python-foo in epel10",
        "CLOSED",
        "2025-01-01T00:00:00Z",
    ));
    bz.server.inject(Fault::unavailable("POST", "/rest/bug"));
    let (c, recorded) = bugzilla_clients(&bz);
    let filed = file_request(
        &c.bugzilla,
        &BranchRequest::new("python-foo", Branch::new("epel10")),
    )
    .unwrap();
    assert_ne!(filed.id, 70);
    assert_eq!(bz.state.lock().unwrap().bugs.len(), 2);
    assert_eq!(count(&bz.server, "POST", "/rest/bug"), 2);
    let log = bz.server.log();
    let kinds: Vec<&str> = log.iter().map(|s| s.method.as_str()).collect();
    assert_eq!(
        kinds,
        ["POST", "GET", "POST"],
        "looked before sending again"
    );
    assert_eq!(waits(&recorded), [Duration::from_secs(1)]);
}

#[test]
fn an_update_done_but_answered_502_is_not_sent_twice() {
    let bz = FakeBugzilla::start(&["python-foo"], &[]);
    bz.seed(earlier_bug(
        80,
        "python-foo",
        "Please branch and build python-foo in epel10",
        "NEW",
        "2025-01-01T00:00:00Z",
    ));
    let (c, _) = bugzilla_clients(&bz);
    // A ping: comment and needinfo. An earlier ping with the same text is not taken for it.
    let ping = BugUpdate {
        comment: Some("Any news?".into()),
        needinfo: Some("python-foo-maint@example.com".into()),
        ..Default::default()
    };
    c.bugzilla.update(80, &ping).unwrap();
    bz.server.inject(Fault::answer_lost("PUT", "/rest/bug/80"));
    c.bugzilla.update(80, &ping).unwrap();
    let texts: Vec<String> = bz.bug(80).comments.into_iter().map(|c| c.2).collect();
    assert_eq!(texts[1..], ["Any news?", "Any news?"]);
    assert_eq!(count(&bz.server, "PUT", "/rest/bug/80"), 2);

    // Links.
    bz.server.inject(Fault::answer_lost("PUT", "/rest/bug/80"));
    let link = BugUpdate {
        add_depends_on: vec![70, 71],
        ..Default::default()
    };
    c.bugzilla.update(80, &link).unwrap();
    assert_eq!(count(&bz.server, "PUT", "/rest/bug/80"), 3);
    assert_eq!(
        bz.bug(80).depends_on.into_iter().collect::<Vec<_>>(),
        [70, 71]
    );

    // Refused (never done): sent again.
    bz.server.inject(Fault::unavailable("PUT", "/rest/bug/80"));
    c.bugzilla.update(80, &ping).unwrap();
    assert_eq!(count(&bz.server, "PUT", "/rest/bug/80"), 5);
    assert_eq!(bz.bug(80).comments.len(), 4);
}

#[test]
fn a_write_whose_effect_cannot_be_looked_for_is_not_sent_again() {
    let bz = FakeBugzilla::start(&["python-foo"], &[]);
    bz.server.inject(Fault::answer_lost("POST", "/rest/bug"));
    for _ in 0..4 {
        bz.server.inject(Fault::unavailable("GET", "/rest/bug"));
    }
    let (c, _) = bugzilla_clients(&bz);
    let err = file_request(
        &c.bugzilla,
        &BranchRequest::new("python-foo", Branch::new("epel10")),
    )
    .unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with(&format!("{}/rest/bug answered HTTP 502: ", bz.server.base))
            && text.contains("; whether it was done could not be checked: ")
            && text.contains("/rest/bug?product=Fedora")
            && text.contains("answered HTTP 503: <html>"),
        "{text}"
    );
    assert_eq!(count(&bz.server, "POST", "/rest/bug"), 1);
}
