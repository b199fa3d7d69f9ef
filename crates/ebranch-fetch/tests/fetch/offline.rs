//! `--offline`: never a request; clear errors when the cache lacks data.

use std::time::Duration;

use ebranch_fetch::{FetchError, FetchOptions, Fetcher, NoProgress, RepoSource};

use crate::support::fixtures::*;
use crate::support::server::TestServer;

fn offline() -> FetchOptions {
    FetchOptions {
        offline: true,
        ..fast_options()
    }
}

#[test]
fn offline_without_a_cache_fails_clearly_and_sends_nothing() {
    // No route declared: any request would fail the test.
    let server = TestServer::start();
    let cache = tempfile::tempdir().unwrap();
    let repo = repo(
        "epel10",
        RepoSource::Metalink(server.url("/metalink?repo=epel-10")),
    );
    let error = Fetcher::new(cache.path(), offline())
        .fetch_one(&repo, &NoProgress)
        .unwrap_err();
    assert!(matches!(error, FetchError::NotCached { .. }));
    let text = error.to_string();
    assert!(text.starts_with("repo epel10: "), "{text}");
    assert!(
        text.ends_with(
            "/repodata/repomd.xml is not in the cache and offline mode forbids downloading it"
        ),
        "{text}"
    );
    assert_eq!(server.requests(), 0);
    assert!(
        all_names(cache.path()).is_empty(),
        "offline must not create files"
    );
}

#[test]
fn offline_with_a_cache_uses_it_even_when_expired() {
    let server = TestServer::start();
    let fixture = rhel_server();
    serve_repo(&server, "/os", &fixture);
    let cache = tempfile::tempdir().unwrap();
    let repo = repo("rhel", RepoSource::Baseurl(vec![server.url("/os/")]));
    let online = Fetcher::new(cache.path(), fast_options())
        .fetch_one(&repo, &NoProgress)
        .unwrap();
    server.clear_log();
    let stale_and_offline = FetchOptions {
        metadata_expire: Duration::ZERO,
        refresh: true,
        ..offline()
    };
    let fetched = Fetcher::new(cache.path(), stale_and_offline)
        .fetch_one(&repo, &NoProgress)
        .unwrap();
    assert_eq!(server.requests(), 0);
    assert_eq!(fetched.primary, online.primary);
    assert_eq!(fetched.stats.requests, 0);
}

#[test]
fn offline_with_a_damaged_cache_names_the_missing_file() {
    let server = TestServer::start();
    let fixture = rhel_server();
    serve_repo(&server, "/os", &fixture);
    let cache = tempfile::tempdir().unwrap();
    let repo = repo("rhel", RepoSource::Baseurl(vec![server.url("/os/")]));
    let online = Fetcher::new(cache.path(), fast_options())
        .fetch_one(&repo, &NoProgress)
        .unwrap();
    std::fs::remove_file(&online.primary).unwrap();
    let error = Fetcher::new(cache.path(), offline())
        .fetch_one(&repo, &NoProgress)
        .unwrap_err();
    assert!(
        error.to_string().contains(&href(&fixture, "primary")),
        "{error}"
    );
    // Online, the damage is repaired with one primary download.
    server.clear_log();
    Fetcher::new(cache.path(), fast_options())
        .fetch_one(&repo, &NoProgress)
        .unwrap();
    assert_eq!(
        server.paths(),
        [
            "/os/repodata/repomd.xml".to_string(),
            format!("/os/{}", href(&fixture, "primary"))
        ]
    );
}
