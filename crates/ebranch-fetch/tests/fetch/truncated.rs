//! A download cut off half way: another mirror is used, and with no good
//! mirror the previously cached metadata stays intact and usable.

use ebranch_fetch::{FetchOptions, Fetcher, NoProgress, RepoSource};

use crate::support::fixtures::*;
use crate::support::server::{Reply, TestServer};

#[test]
fn a_cut_off_download_fails_over_to_the_next_mirror() {
    let server = TestServer::start();
    let fixture = bookworm();
    let repomd = serve_repo(&server, "/m1", &fixture);
    serve_repo(&server, "/m2", &fixture);
    let primary = href(&fixture, "primary");
    let body = read(fixture.join(&primary));
    let half = body.len() / 2;
    server.route(
        &format!("/m1/{primary}"),
        Reply::Truncate(body.into(), half),
    );
    server.route(
        "/metalink",
        Reply::body(metalink(
            &repomd,
            &[server.url("/m1/"), server.url("/m2/")],
            &[],
        )),
    );
    let cache = tempfile::tempdir().unwrap();
    let fetched = Fetcher::new(cache.path(), fast_options())
        .fetch_one(
            &repo("deb", RepoSource::Metalink(server.url("/metalink"))),
            &NoProgress,
        )
        .unwrap();
    assert_eq!(read(&fetched.primary), read(fixture.join(&primary)));
    assert_eq!(server.count(&format!("/m2/{primary}")), 1);
    assert!(
        !all_names(cache.path())
            .iter()
            .any(|n| n.contains(".ebranch-tmp-"))
    );
}

#[test]
fn a_failed_update_never_replaces_good_cached_data() {
    let server = TestServer::start();
    // Same file name (repodata/primary.xml.zst), different content.
    let old = bookworm();
    let new = sid_bin();
    assert_eq!(href(&old, "primary"), href(&new, "primary"));
    let old_repomd = serve_repo(&server, "/os", &old);
    let cache = tempfile::tempdir().unwrap();
    let repo = repo("moving", RepoSource::Baseurl(vec![server.url("/os/")]));
    let refresh = FetchOptions {
        refresh: true,
        ..fast_options()
    };
    let before = Fetcher::new(cache.path(), refresh.clone())
        .fetch_one(&repo, &NoProgress)
        .unwrap();
    let old_primary = read(&before.primary);

    // The repo moves on, but its new primary is cut off half way, every time.
    server.clear_routes();
    server.clear_log();
    serve_repo(&server, "/os", &new);
    let primary = href(&new, "primary");
    let body = read(new.join(&primary));
    let half = body.len() / 2;
    server.route(
        &format!("/os/{primary}"),
        Reply::Truncate(body.into(), half),
    );
    let error = Fetcher::new(cache.path(), refresh)
        .fetch_one(&repo, &NoProgress)
        .unwrap_err();
    let text = error.to_string();
    assert!(
        text.starts_with(&format!(
            "repo moving: {primary}: 2 attempts failed, last: GET "
        )),
        "{text}"
    );
    assert!(
        [
            "reading the body after",
            "body ended after",
            "size mismatch"
        ]
        .iter()
        .any(|cut| text.contains(cut)),
        "{text}"
    );

    // The old generation is still complete and consistent.
    assert_eq!(read(before.dir.join("upstream-repomd.xml")), old_repomd);
    assert_eq!(read(&before.primary), old_primary);
    assert!(
        !all_names(cache.path())
            .iter()
            .any(|n| n.contains(".ebranch-tmp-"))
    );
    let offline = Fetcher::new(
        cache.path(),
        FetchOptions {
            offline: true,
            ..fast_options()
        },
    )
    .fetch_one(&repo, &NoProgress)
    .unwrap();
    assert_eq!(offline.primary, before.primary);
    assert_eq!(read(&offline.primary), old_primary);
}
