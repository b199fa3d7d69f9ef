//! Each real client against its loopback fake.

use std::sync::Arc;

use ebranch_fedora::bodhi::{Bodhi, UpdateStatus, release_for_branch};
use ebranch_fedora::bugzilla::{
    BugSearch, BugUpdate, Bugzilla, BugzillaClient, BugzillaError, MAX_SEARCH_RESULTS, NewBug,
};
use ebranch_fedora::http::HttpError;
use ebranch_fedora::pagure::{DistGit, DistGitError};
use ebranch_fedora::services::{Clients, ServiceConfig};
use ebranch_fedora::transport::UreqTransport;
use ebranch_fedora::url::{ServiceUrl, UrlError};

use crate::support::bugzilla::{FakeBugzilla, KEY, earlier_bug};
use crate::support::clients;
use crate::support::distgit_bodhi::{BodhiWorld, DistGitWorld};
use crate::support::server::{FakeServer, Reply};

fn new_bug(component: &str, product: &str, version: &str) -> NewBug {
    NewBug {
        product: product.into(),
        component: component.into(),
        version: version.into(),
        summary: format!("Please branch and build {component} in epel10"),
        description: "Please branch and build it.".into(),
        blocks: vec![],
        depends_on: vec![],
    }
}

#[test]
fn bugzilla_created_bug_is_found_linked_and_flagged() {
    let bz = FakeBugzilla::start(&["python-foo", "python-bar"], &[]);
    let c = clients(
        &bz.server.base,
        "https://src.example.invalid",
        "https://bodhi.example.invalid",
        false,
    );
    let foo = c
        .bugzilla
        .create(&new_bug("python-foo", "Fedora EPEL", "epel10"))
        .unwrap();
    let bar = c
        .bugzilla
        .create(&new_bug("python-bar", "Fedora EPEL", "epel10"))
        .unwrap();

    let found = c
        .bugzilla
        .search(&BugSearch::branch_requests("python-foo"))
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(
        (
            found[0].id,
            found[0].component.as_str(),
            found[0].version.as_str()
        ),
        (foo, "python-foo", "epel10")
    );

    let add = BugUpdate {
        add_depends_on: vec![bar],
        ..Default::default()
    };
    c.bugzilla.update(foo, &add).unwrap();
    let ni = BugUpdate {
        comment: Some("Are you able to branch and build python-foo in epel10?".into()),
        needinfo: Some("python-foo-maint@example.com".into()),
        ..Default::default()
    };
    c.bugzilla.update(foo, &ni).unwrap();
    let got = c.bugzilla.get(&[foo, bar]).unwrap();
    assert_eq!(got.len(), 2);
    let got_foo = got.iter().find(|b| b.id == foo).unwrap();
    assert_eq!(got_foo.depends_on, vec![bar]);
    assert_eq!(got_foo.flags[0].name, "needinfo");
    assert_eq!(
        got_foo.flags[0].requestee.as_deref(),
        Some("python-foo-maint@example.com")
    );
    let comments = c.bugzilla.comments(foo).unwrap();
    assert_eq!(comments.len(), 2);
    assert!(comments[1].text.starts_with("Are you able"));

    for seen in bz.server.log() {
        assert_eq!(
            seen.headers.get("authorization").map(String::as_str),
            Some(&*format!("Bearer {KEY}"))
        );
        assert!(seen.params("api_key").is_empty());
    }
    let put = bz
        .server
        .writes()
        .into_iter()
        .find(|s| s.method == "PUT")
        .unwrap();
    assert_eq!(put.path, format!("/rest/bug/{foo}"));
    assert_eq!(
        put.json(),
        serde_json::json!({"depends_on": {"add": [bar]}})
    );
}

#[test]
fn bugzilla_errors_carry_code_and_url_never_the_key() {
    let bz = FakeBugzilla::start(&["python-foo"], &["python-new"]);
    let c = clients(
        &bz.server.base,
        "https://src.example.invalid",
        "https://bodhi.example.invalid",
        false,
    );
    let err = c
        .bugzilla
        .create(&new_bug("python-new", "Fedora EPEL", "epel10"))
        .unwrap_err();
    assert!(err.is_missing_component(), "{err}");
    let text = err.to_string();
    assert!(
        text.contains(&format!("{}/rest/bug", bz.server.base)) && text.contains("error 51"),
        "{text}"
    );
    assert!(!text.contains(KEY) && !format!("{err:?}").contains(KEY));

    let bad_version = c
        .bugzilla
        .create(&new_bug("python-foo", "Fedora EPEL", "epel99"))
        .unwrap_err();
    assert_eq!(bad_version.code(), Some(104));
    assert!(!bad_version.is_missing_component());

    match c.bugzilla.resolve("NoSuchAlias") {
        Err(BugzillaError::NotFound { what, .. }) => assert_eq!(what, "NoSuchAlias"),
        other => panic!("{other:?}"),
    }
    bz.seed({
        let mut t = earlier_bug(
            1_000,
            "tracker",
            "EPEL tracker",
            "NEW",
            "2020-01-01T00:00:00Z",
        );
        t.alias = Some("EPELPackagersSIG".into());
        t
    });
    assert_eq!(c.bugzilla.resolve("EPELPackagersSIG").unwrap(), 1_000);
}

#[test]
fn bugzilla_refuses_writes_without_a_key_before_sending() {
    let bz = FakeBugzilla::start(&["python-foo"], &[]);
    let client = BugzillaClient::new(
        ServiceUrl::parse(&bz.server.base).unwrap(),
        Arc::new(UreqTransport::new()),
        None,
    );
    let err = client
        .create(&new_bug("python-foo", "Fedora EPEL", "epel10"))
        .unwrap_err();
    assert!(matches!(err, BugzillaError::NoApiKey { .. }));
    assert!(bz.server.log().is_empty());
    // Reads work anonymously, in pages of 20 followed through `total_matches`.
    assert!(
        client
            .search(&BugSearch::branch_requests("python-foo"))
            .unwrap()
            .is_empty()
    );
    for i in 0..45 {
        bz.seed(earlier_bug(
            100 + i,
            "python-foo",
            "Please branch and build python-foo in epel9",
            "NEW",
            "2024-01-01T00:00:00Z",
        ));
    }
    assert_eq!(
        client
            .search(&BugSearch::branch_requests("python-foo"))
            .unwrap()
            .len(),
        45
    );
    let offsets: Vec<String> = bz
        .server
        .log()
        .iter()
        .skip(1)
        .map(|s| s.param("offset").unwrap().to_string())
        .collect();
    assert_eq!(offsets, vec!["0", "20", "40"]);
}

#[test]
fn bugzilla_search_follows_pages() {
    let bz = FakeBugzilla::start(&["python-foo"], &[]);
    for i in 0..130 {
        bz.seed(earlier_bug(
            100 + i,
            "python-foo",
            "Please branch and build python-foo in epel9",
            "NEW",
            "2024-01-01T00:00:00Z",
        ));
    }
    let c = clients(
        &bz.server.base,
        "https://src.example.invalid",
        "https://bodhi.example.invalid",
        false,
    );
    assert_eq!(
        c.bugzilla
            .search(&BugSearch::branch_requests("python-foo"))
            .unwrap()
            .len(),
        130
    );
    let offsets: Vec<String> = bz
        .server
        .log()
        .iter()
        .map(|s| s.param("offset").unwrap().to_string())
        .collect();
    assert_eq!(offsets, vec!["0", "100"]);
}

#[test]
fn dist_git_branches_retirement_and_access() {
    let dg = DistGitWorld::default()
        .package("python-foo", &["epel9", "f42", "main", "rawhide"])
        .package("python-old", &["rawhide"])
        .retired("python-old", "rawhide")
        .missing("python-none")
        .start();
    let c = clients(
        "https://bz.example.invalid",
        &dg.base,
        "https://bodhi.example.invalid",
        false,
    );
    assert_eq!(
        c.dist_git.branches("python-foo").unwrap().unwrap(),
        vec!["epel9", "f42", "main", "rawhide"]
    );
    assert_eq!(c.dist_git.branches("python-none").unwrap(), None);
    assert!(c.dist_git.is_retired("python-old", "rawhide").unwrap());
    assert!(!c.dist_git.is_retired("python-foo", "rawhide").unwrap());
    let access = c.dist_git.access("python-foo").unwrap().unwrap();
    assert_eq!(access.owners, vec!["python-foo-owner"]);
    assert!(
        access.can_commit("committer")
            && access.can_commit("coadmin")
            && !access.can_commit("helper")
    );
    assert_eq!(access.collaborators, vec!["helper"]);
    assert_eq!(access.groups, vec!["python-packagers-sig"]);
    assert_eq!(c.dist_git.access("python-none").unwrap(), None);
}

#[test]
fn dist_git_server_errors_name_the_url() {
    let server = FakeServer::start(Arc::new(|seen: &crate::support::server::Seen| {
        (seen.path == "/api/0/rpms/boom/git/branches").then(|| Reply::text(502, "Bad Gateway"))
    }));
    let c = clients(
        "https://bz.example.invalid",
        &server.base,
        "https://bodhi.example.invalid",
        false,
    );
    let err = c.dist_git.branches("boom").unwrap_err();
    assert!(matches!(err, DistGitError::Http(_)));
    assert_eq!(
        err.to_string(),
        format!(
            "{}/api/0/rpms/boom/git/branches answered HTTP 502: Bad Gateway",
            server.base
        )
    );
}

#[test]
fn bodhi_releases_pages_and_updates() {
    let bodhi = BodhiWorld::default()
        .package(
            "python-foo",
            &[
                ("FEDORA-EPEL-2025-1", "obsolete"),
                ("FEDORA-EPEL-2025-2", "testing"),
            ],
        )
        .start();
    let c = clients(
        "https://bz.example.invalid",
        "https://src.example.invalid",
        &bodhi.base,
        false,
    );
    let releases = c.bodhi.releases().unwrap();
    assert_eq!(releases.len(), 3);
    assert_eq!(
        release_for_branch(&releases, "epel10").unwrap().name,
        "EPEL-10.1"
    );
    assert_eq!(
        release_for_branch(&releases, "epel10.0").unwrap().name,
        "EPEL-10.0"
    );
    let updates = c.bodhi.updates("python-foo", "EPEL-10.1").unwrap();
    assert_eq!(updates[1].status, UpdateStatus::Testing);
    assert_eq!(updates[1].builds, vec!["python-foo-1.0-1.el10_1"]);
    let err = c.bodhi.updates("python-foo", "WinXP").unwrap_err();
    assert!(
        err.to_string()
            .ends_with("answered HTTP 400: Invalid releases specified: WinXP"),
        "{err}"
    );
}

#[test]
fn only_https_for_non_loopback_services() {
    let config = ServiceConfig {
        bugzilla: "http://bugzilla.redhat.com".into(),
        ..ServiceConfig::default()
    };
    assert!(matches!(
        Clients::connect(&config, None, false),
        Err(UrlError::Insecure(_))
    ));
    assert!(Clients::connect(&ServiceConfig::default(), None, false).is_ok());
}

#[test]
#[should_panic(expected = "did not declare")]
fn the_fake_server_fails_the_test_on_undeclared_requests() {
    let server = FakeServer::start(Arc::new(|_: &crate::support::server::Seen| None));
    let c = clients(
        "https://bz.example.invalid",
        &server.base,
        "https://bodhi.example.invalid",
        false,
    );
    assert!(c.dist_git.branches("anything").is_err());
    drop(server);
}

#[test]
fn unreachable_bugzilla_error_names_the_url_not_the_key() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let c = clients(
        &base,
        "https://src.example.invalid",
        "https://bodhi.example.invalid",
        false,
    );
    let err = c
        .bugzilla
        .create(&new_bug("python-foo", "Fedora EPEL", "epel10"))
        .unwrap_err();
    assert!(err.is_transient());
    let text = err.to_string();
    assert!(
        text.starts_with(&format!("POST {base}/rest/bug failed: ")),
        "{text}"
    );
    assert!(!text.contains(KEY) && !format!("{err:?}").contains(KEY));
}

/// A Bugzilla that echoes the `Authorization` header into its answers: as plain text in
/// an HTTP 500, inside Bugzilla's JSON error (also JSON-escaped), and in a body that does
/// not decode.
fn echoing_bugzilla() -> FakeServer {
    FakeServer::start(Arc::new(|seen: &crate::support::server::Seen| {
        let auth = seen.headers.get("authorization")?.clone();
        let escaped: String = auth
            .chars()
            .map(|c| format!("\\u{:04x}", c as u32))
            .collect();
        Some(match (seen.method.as_str(), seen.path.as_str()) {
            ("POST", "/rest/bug") => Reply::text(500, &format!("proxy error for {auth}")),
            ("PUT", _) => Reply::json(
                400,
                serde_json::json!({"error": true, "code": 32000,
                                   "message": format!("Bad header: {auth}")}),
            ),
            ("GET", "/rest/bug/1/comment") => Reply::with_type(
                401,
                format!(r#"{{"error": true, "code": 306, "message": "{escaped}"}}"#),
                "application/json",
            ),
            ("GET", _) => Reply::json(200, serde_json::json!({"bugs": auth})),
            _ => return None,
        })
    }))
}

#[test]
fn the_api_key_echoed_by_a_server_is_redacted_whatever_the_error() {
    let server = echoing_bugzilla();
    let c = clients(
        &server.base,
        "https://src.example.invalid",
        "https://bodhi.example.invalid",
        false,
    );
    let status = c
        .bugzilla
        .create(&new_bug("python-foo", "Fedora EPEL", "epel10"))
        .unwrap_err();
    let json_error = c.bugzilla.update(1, &BugUpdate::default()).unwrap_err();
    let escaped = c.bugzilla.comments(1).unwrap_err();
    let decode = c.bugzilla.get(&[1]).unwrap_err();
    assert!(matches!(
        status,
        BugzillaError::Http(HttpError::Status { status: 500, .. })
    ));
    assert_eq!(json_error.code(), Some(32000));
    assert_eq!(escaped.code(), Some(306));
    assert!(matches!(
        decode,
        BugzillaError::Http(HttpError::Decode { .. })
    ));
    for err in [&status, &json_error, &escaped, &decode] {
        let (text, debug) = (err.to_string(), format!("{err:?}"));
        assert!(
            !text.contains(KEY) && !debug.contains(KEY),
            "{text}\n{debug}"
        );
        assert!(text.contains("<redacted>"), "{text}");
    }
    assert_eq!(
        status.to_string(),
        format!(
            "{}/rest/bug answered HTTP 500: proxy error for Bearer <redacted>",
            server.base
        )
    );
}

#[test]
fn bugzilla_search_reads_every_match_then_fails_past_the_cap() {
    let bz = FakeBugzilla::start(&["python-foo", "python-bar"], &[]);
    let seed = |first: u64, n: u64, component: &str| {
        for id in first..first + n {
            bz.seed(earlier_bug(
                id,
                component,
                "Please branch and build it in epel9",
                "NEW",
                "2024-01-01T00:00:00Z",
            ));
        }
    };
    seed(100_000, 2_500, "python-foo");
    let c = clients(
        &bz.server.base,
        "https://src.example.invalid",
        "https://bodhi.example.invalid",
        false,
    );
    let found = c
        .bugzilla
        .search(&BugSearch::branch_requests("python-foo"))
        .unwrap();
    assert_eq!(found.len(), 2_500, "no page limit cuts a search short");

    seed(200_000, MAX_SEARCH_RESULTS + 1, "python-bar");
    bz.server.clear_log();
    let err = c
        .bugzilla
        .search(&BugSearch::branch_requests("python-bar"))
        .unwrap_err();
    assert!(
        matches!(err, BugzillaError::TooManyMatches { total: Some(t), .. } if t == MAX_SEARCH_RESULTS + 1),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("the search matches 5001 bugs; ebranch reads at most 5000"),
        "{err}"
    );
    assert_eq!(
        bz.server.log().len(),
        1,
        "Bugzilla's count is enough to refuse"
    );
}

/// Upstream Bugzilla: no `total_matches`, and pages of at most 20 whatever is asked.
fn uncounting_bugzilla(bugs: u64, claim_total: Option<u64>) -> FakeServer {
    FakeServer::start(Arc::new(move |seen: &crate::support::server::Seen| {
        if seen.path != "/rest/bug" {
            return None;
        }
        let offset: u64 = seen.param("offset")?.parse().ok()?;
        let page: Vec<serde_json::Value> = (offset..bugs.min(offset + 20))
            .map(|i| {
                serde_json::json!({"id": 1 + i, "component": "python-foo", "status": "NEW",
                                   "summary": "Please branch python-foo for EPEL 10"})
            })
            .collect();
        let mut body = serde_json::json!({"bugs": page});
        if let Some(total) = claim_total {
            body["total_matches"] = total.into();
        }
        Some(Reply::json(200, body))
    }))
}

#[test]
fn bugzilla_search_without_a_count_reads_to_the_empty_page() {
    let server = uncounting_bugzilla(45, None);
    let c = clients(
        &server.base,
        "https://src.example.invalid",
        "https://bodhi.example.invalid",
        false,
    );
    let found = c
        .bugzilla
        .search(&BugSearch::branch_requests("python-foo"))
        .unwrap();
    assert_eq!(found.len(), 45);
    let offsets: Vec<String> = server
        .log()
        .iter()
        .map(|s| s.param("offset").unwrap().to_string())
        .collect();
    assert_eq!(offsets, vec!["0", "20", "40", "45"]);
}

#[test]
fn bugzilla_search_that_stops_short_of_its_count_is_an_error() {
    let server = uncounting_bugzilla(30, Some(50));
    let c = clients(
        &server.base,
        "https://src.example.invalid",
        "https://bodhi.example.invalid",
        false,
    );
    let err = c
        .bugzilla
        .search(&BugSearch::branch_requests("python-foo"))
        .unwrap_err();
    assert!(
        err.to_string()
            .ends_with("Bugzilla stopped after 30 of the 50 bugs it matched"),
        "{err}"
    );
}
