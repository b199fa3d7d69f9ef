//! Filelists: not downloaded by default, fetched on demand with one request.

use ebranch_fetch::{FetchError, FetchOptions, Fetcher, NoProgress, RepoSource};

use crate::support::fixtures::*;
use crate::support::server::{Reply, TestServer};

#[test]
fn filelists_come_later_on_demand_from_the_same_mirror() {
    let server = TestServer::start();
    let fixture = cs9_baseos();
    let repomd = serve_repo(&server, "/m1", &fixture);
    serve_repo(&server, "/m2", &fixture);
    server.route(
        "/metalink?repo=cs9",
        Reply::body(metalink(
            &repomd,
            &[server.url("/m1/"), server.url("/m2/")],
            &[],
        )),
    );
    let cache = tempfile::tempdir().unwrap();
    let fetcher = Fetcher::new(cache.path(), fast_options());
    let repo = repo(
        "cs9",
        RepoSource::Metalink(server.url("/metalink?repo=cs9")),
    );
    let fetched = fetcher.fetch_one(&repo, &NoProgress).unwrap();
    let filelists = href(&fixture, "filelists");
    assert!(!server.paths().contains(&format!("/m1/{filelists}")));
    server.clear_log();

    let path = fetcher
        .fetch_filelists(&fetched, &NoProgress)
        .unwrap()
        .unwrap();
    assert_eq!(server.paths(), [format!("/m1/{filelists}")]);
    assert_eq!(read(&path), read(fixture.join(&filelists)));

    // Now cached: no request, and a later fetch reports it.
    server.clear_log();
    assert_eq!(
        fetcher.fetch_filelists(&fetched, &NoProgress).unwrap(),
        Some(path.clone())
    );
    let again = fetcher.fetch_one(&repo, &NoProgress).unwrap();
    assert_eq!(again.filelists, Some(path));
    assert_eq!(server.requests(), 0);
}

#[test]
fn filelists_fall_back_to_the_mirror_list_when_the_first_mirror_lost_them() {
    let server = TestServer::start();
    let fixture = cs9_baseos();
    let repomd = serve_repo(&server, "/m1", &fixture);
    serve_repo(&server, "/m2", &fixture);
    server.route(
        "/metalink?repo=cs9",
        Reply::body(metalink(
            &repomd,
            &[server.url("/m1/"), server.url("/m2/")],
            &[],
        )),
    );
    let filelists = href(&fixture, "filelists");
    let cache = tempfile::tempdir().unwrap();
    let fetcher = Fetcher::new(cache.path(), fast_options());
    let repo = repo(
        "cs9",
        RepoSource::Metalink(server.url("/metalink?repo=cs9")),
    );
    let fetched = fetcher.fetch_one(&repo, &NoProgress).unwrap();
    server.route(&format!("/m1/{filelists}"), Reply::Status(404));
    server.clear_log();
    fetcher
        .fetch_filelists(&fetched, &NoProgress)
        .unwrap()
        .unwrap();
    assert_eq!(
        server.paths(),
        [
            format!("/m1/{filelists}"),
            "/metalink?repo=cs9".to_string(),
            format!("/m1/{filelists}"),
            format!("/m2/{filelists}"),
        ]
    );
}

#[test]
fn want_filelists_fetches_both_and_offline_needs_them_cached() {
    let server = TestServer::start();
    let fixture = rhel_server();
    serve_repo(&server, "/os", &fixture);
    let cache = tempfile::tempdir().unwrap();
    let repo = repo("rhel", RepoSource::Baseurl(vec![server.url("/os/")]));
    let primary_only = Fetcher::new(cache.path(), fast_options())
        .fetch_one(&repo, &NoProgress)
        .unwrap();
    assert!(primary_only.filelists.is_none());

    let offline_with_filelists = FetchOptions {
        offline: true,
        want_filelists: true,
        ..fast_options()
    };
    let error = Fetcher::new(cache.path(), offline_with_filelists.clone())
        .fetch_one(&repo, &NoProgress)
        .unwrap_err();
    assert!(matches!(error, FetchError::NotCached { .. }));
    assert!(
        error.to_string().contains(&href(&fixture, "filelists")),
        "{error}"
    );
    let error = Fetcher::new(cache.path(), offline_with_filelists.clone())
        .fetch_filelists(&primary_only, &NoProgress)
        .unwrap_err();
    assert!(matches!(error, FetchError::NotCached { .. }));

    // Online with want_filelists: the cache is fresh but lacks filelists,
    // so only repomd.xml is checked and filelists downloaded.
    server.clear_log();
    let both = Fetcher::new(
        cache.path(),
        FetchOptions {
            want_filelists: true,
            ..fast_options()
        },
    )
    .fetch_one(&repo, &NoProgress)
    .unwrap();
    assert_eq!(
        server.paths(),
        [
            "/os/repodata/repomd.xml".to_string(),
            format!("/os/{}", href(&fixture, "filelists"))
        ]
    );
    assert_eq!(
        read(both.filelists.unwrap()),
        read(fixture.join(href(&fixture, "filelists")))
    );
    let offline = Fetcher::new(cache.path(), offline_with_filelists)
        .fetch_one(&repo, &NoProgress)
        .unwrap();
    assert!(offline.filelists.is_some());
}
