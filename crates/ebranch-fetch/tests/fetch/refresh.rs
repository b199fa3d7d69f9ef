//! Refreshing: unchanged metadata costs one small request; changed
//! metadata brings only the new files and prunes old generations.

use std::time::Duration;

use ebranch_fetch::{FetchOptions, Fetcher, NoProgress, RepoSource};

use crate::support::fixtures::*;
use crate::support::server::{Reply, TestServer};

fn refreshing() -> FetchOptions {
    FetchOptions {
        refresh: true,
        ..fast_options()
    }
}

#[test]
fn no_change_refresh_of_a_baseurl_repo_requests_only_repomd() {
    let server = TestServer::start();
    serve_repo(&server, "/os", &rhel_server());
    let cache = tempfile::tempdir().unwrap();
    let repo = repo("rhel", RepoSource::Baseurl(vec![server.url("/os/")]));
    Fetcher::new(cache.path(), fast_options())
        .fetch_one(&repo, &NoProgress)
        .unwrap();
    assert_eq!(server.requests(), 2);
    server.clear_log();

    let refreshed = Fetcher::new(cache.path(), refreshing())
        .fetch_one(&repo, &NoProgress)
        .unwrap();
    assert_eq!(server.paths(), ["/os/repodata/repomd.xml"]);
    assert_eq!(refreshed.stats.requests, 1);
    assert_eq!(refreshed.stats.files, 0);
}

#[test]
fn no_change_refresh_of_a_metalink_repo_requests_only_the_metalink() {
    let server = TestServer::start();
    let repomd = serve_repo(&server, "/m1", &rhel_server());
    server.route(
        "/metalink?repo=x",
        Reply::body(metalink(&repomd, &[server.url("/m1/")], &[])),
    );
    let cache = tempfile::tempdir().unwrap();
    let repo = repo("rhel", RepoSource::Metalink(server.url("/metalink?repo=x")));
    Fetcher::new(cache.path(), fast_options())
        .fetch_one(&repo, &NoProgress)
        .unwrap();
    assert_eq!(server.requests(), 3);
    server.clear_log();

    Fetcher::new(cache.path(), refreshing())
        .fetch_one(&repo, &NoProgress)
        .unwrap();
    assert_eq!(server.paths(), ["/metalink?repo=x"]);
}

#[test]
fn an_expired_cache_is_checked_again() {
    let server = TestServer::start();
    serve_repo(&server, "/os", &rhel_server());
    let cache = tempfile::tempdir().unwrap();
    let repo = repo("rhel", RepoSource::Baseurl(vec![server.url("/os/")]));
    let expired = FetchOptions {
        metadata_expire: Duration::ZERO,
        ..fast_options()
    };
    let fetcher = Fetcher::new(cache.path(), expired);
    fetcher.fetch_one(&repo, &NoProgress).unwrap();
    server.clear_log();
    fetcher.fetch_one(&repo, &NoProgress).unwrap();
    assert_eq!(server.paths(), ["/os/repodata/repomd.xml"]);
}

#[test]
fn changed_metadata_downloads_new_files_and_keeps_one_old_generation() {
    let server = TestServer::start();
    let cache = tempfile::tempdir().unwrap();
    let repo = repo("moving", RepoSource::Baseurl(vec![server.url("/os/")]));
    let fetcher = Fetcher::new(cache.path(), refreshing());
    let generations = [rhel_server(), rhel_optional(), cs9_baseos()];
    let mut dir = None;
    for fixture in &generations {
        server.clear_routes();
        server.clear_log();
        let repomd = serve_repo(&server, "/os", fixture);
        let fetched = fetcher.fetch_one(&repo, &NoProgress).unwrap();
        let primary = href(fixture, "primary");
        assert_eq!(
            server.paths(),
            [
                "/os/repodata/repomd.xml".to_string(),
                format!("/os/{primary}")
            ]
        );
        assert_eq!(read(fetched.dir.join("upstream-repomd.xml")), repomd);
        assert_eq!(read(&fetched.primary), read(fixture.join(&primary)));
        dir = Some(fetched.dir);
    }
    let names = repodata_names(dir.as_ref().unwrap());
    let name = |f: &std::path::Path| {
        href(f, "primary")
            .trim_start_matches("repodata/")
            .to_string()
    };
    assert!(!names.contains(&name(&generations[0])), "{names:?}");
    assert!(names.contains(&name(&generations[1])), "{names:?}");
    assert!(names.contains(&name(&generations[2])), "{names:?}");
}

#[test]
fn a_new_url_for_a_repo_id_gets_a_new_cache_folder() {
    let server = TestServer::start();
    serve_repo(&server, "/a", &rhel_server());
    serve_repo(&server, "/b", &rhel_optional());
    let cache = tempfile::tempdir().unwrap();
    let fetcher = Fetcher::new(cache.path(), fast_options());
    let a = fetcher
        .fetch_one(
            &repo("same", RepoSource::Baseurl(vec![server.url("/a/")])),
            &NoProgress,
        )
        .unwrap();
    let b = fetcher
        .fetch_one(
            &repo("same", RepoSource::Baseurl(vec![server.url("/b/")])),
            &NoProgress,
        )
        .unwrap();
    assert_ne!(a.dir, b.dir);
    assert_eq!(
        read(&b.primary),
        read(rhel_optional().join(href(&rhel_optional(), "primary")))
    );
    assert_eq!(server.requests(), 4);
}

#[test]
fn refresh_downloads_again_only_a_cached_file_damaged_in_place() {
    let server = TestServer::start();
    let fixture = rhel_server();
    serve_repo(&server, "/os", &fixture);
    let cache = tempfile::tempdir().unwrap();
    let repo = repo("rhel", RepoSource::Baseurl(vec![server.url("/os/")]));
    let options = FetchOptions {
        want_filelists: true,
        ..fast_options()
    };
    let first = Fetcher::new(cache.path(), options.clone())
        .fetch_one(&repo, &NoProgress)
        .unwrap();
    let good = read(&first.primary);
    let mut damaged = good.clone();
    damaged[good.len() / 2] ^= 0x55;
    std::fs::write(&first.primary, &damaged).unwrap();
    server.clear_log();

    let refreshed = Fetcher::new(
        cache.path(),
        FetchOptions {
            refresh: true,
            ..options.clone()
        },
    )
    .fetch_one(&repo, &NoProgress)
    .unwrap();
    let primary = href(&fixture, "primary");
    assert_eq!(
        server.paths(),
        [
            "/os/repodata/repomd.xml".to_string(),
            format!("/os/{primary}")
        ]
    );
    assert_eq!(refreshed.stats.files, 1);
    assert_eq!(read(&refreshed.primary), good);

    // The same through `repair`, which a reader calls when a checksum fails.
    std::fs::write(&first.primary, &damaged).unwrap();
    server.clear_log();
    let repaired = Fetcher::new(cache.path(), fast_options())
        .repair(&refreshed, &NoProgress)
        .unwrap();
    assert_eq!(read(&repaired.primary), good);
    assert_eq!(server.count(&format!("/os/{primary}")), 1);
    assert_eq!(
        server.count(&format!("/os/{}", href(&fixture, "filelists"))),
        0
    );
}
