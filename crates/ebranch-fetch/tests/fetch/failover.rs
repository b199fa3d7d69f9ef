//! Mirror failover on 404, 500, a hanging mirror, a wrong checksum, a
//! repomd.xml the metalink does not vouch for; retries with backoff.

use std::time::Duration;

use ebranch_fetch::{
    FetchError, FetchOptions, Fetcher, Limits, NoProgress, RepoSource, Reporter, Transfer,
    TransferEnd,
};

use crate::support::fixtures::*;
use crate::support::server::{Reply, TestServer};

/// Two mirrors /m1 (preferred) and /m2 serving `fixture`, and a metalink.
fn two_mirrors(server: &TestServer, fixture: &std::path::Path) -> (Vec<u8>, RepoSource) {
    let repomd = serve_repo(server, "/m1", fixture);
    serve_repo(server, "/m2", fixture);
    server.route(
        "/metalink",
        Reply::body(metalink(
            &repomd,
            &[server.url("/m1/"), server.url("/m2/")],
            &[],
        )),
    );
    (repomd, RepoSource::Metalink(server.url("/metalink")))
}

/// Fetches `source` into a fresh cache (kept alive with the result).
fn fetch(source: RepoSource) -> Result<Fetched, FetchError> {
    let cache = tempfile::tempdir().unwrap();
    let fetched =
        Fetcher::new(cache.path(), fast_options()).fetch_one(&repo("r", source), &NoProgress)?;
    Ok(Fetched {
        _cache: cache,
        repo: fetched,
    })
}

#[derive(Debug)]
struct Fetched {
    _cache: tempfile::TempDir,
    repo: ebranch_fetch::FetchedRepo,
}

impl std::ops::Deref for Fetched {
    type Target = ebranch_fetch::FetchedRepo;
    fn deref(&self) -> &Self::Target {
        &self.repo
    }
}

#[test]
fn repomd_404_on_first_mirror() {
    let server = TestServer::start();
    let (_, source) = two_mirrors(&server, &rhel_server());
    server.route("/m1/repodata/repomd.xml", Reply::Status(404));
    fetch(source).unwrap();
    let primary = href(&rhel_server(), "primary");
    assert_eq!(
        server.paths(),
        [
            "/metalink".to_string(),
            "/m1/repodata/repomd.xml".to_string(),
            "/m2/repodata/repomd.xml".to_string(),
            format!("/m2/{primary}"),
        ]
    );
}

#[test]
fn primary_500_on_first_mirror() {
    let server = TestServer::start();
    let (_, source) = two_mirrors(&server, &rhel_server());
    let primary = href(&rhel_server(), "primary");
    server.route(&format!("/m1/{primary}"), Reply::Status(500));
    let fetched = fetch(source).unwrap();
    assert_eq!(read(&fetched.primary), read(rhel_server().join(&primary)));
    assert_eq!(
        server.paths(),
        [
            "/metalink".to_string(),
            "/m1/repodata/repomd.xml".to_string(),
            format!("/m1/{primary}"),
            format!("/m2/{primary}"),
        ]
    );
}

/// Whether each failed transfer's error was a slow or silent server.
#[derive(Default)]
struct FailedSlow(std::sync::Mutex<Vec<bool>>);

impl Reporter for FailedSlow {
    fn finish(&self, _: &Transfer<'_>, end: &TransferEnd<'_>) {
        if let TransferEnd::Failed(err) = end {
            let slow = matches!(err, FetchError::Http(e) if e.is_slow());
            self.0.lock().unwrap().push(slow);
        }
    }
}

#[test]
fn hanging_first_mirror_times_out() {
    let server = TestServer::start();
    let (_, source) = two_mirrors(&server, &rhel_server());
    server.route("/m1/repodata/repomd.xml", Reply::Hang);
    let cache = tempfile::tempdir().unwrap();
    let options = FetchOptions {
        limits: Limits {
            head: Duration::from_millis(300),
            ..fast_options().limits
        },
        ..fast_options()
    };
    let failed = FailedSlow::default();
    Fetcher::new(cache.path(), options)
        .fetch_one(&repo("r", source), &failed)
        .unwrap();
    // The silent mirror was given up on for its silence (not left until the test
    // server closes it), and the next one served.
    assert_eq!(*failed.0.lock().unwrap(), vec![true]);
    assert_eq!(server.count("/m2/repodata/repomd.xml"), 1);
}

#[test]
fn wrong_checksum_on_first_mirror() {
    let server = TestServer::start();
    let (_, source) = two_mirrors(&server, &rhel_server());
    let primary = href(&rhel_server(), "primary");
    let mut corrupt = read(rhel_server().join(&primary));
    let middle = corrupt.len() / 2;
    corrupt[middle] ^= 0xff;
    server.route(&format!("/m1/{primary}"), Reply::body(corrupt));
    let fetched = fetch(source).unwrap();
    assert_eq!(read(&fetched.primary), read(rhel_server().join(&primary)));
    assert_eq!(server.count(&format!("/m2/{primary}")), 1);
}

#[test]
fn repomd_not_matching_the_metalink_is_refused() {
    let server = TestServer::start();
    let (_, source) = two_mirrors(&server, &rhel_server());
    // m1 serves another repo's repomd.xml (a stale or broken mirror).
    server.route(
        "/m1/repodata/repomd.xml",
        Reply::body(read(rhel_optional().join("repodata/repomd.xml"))),
    );
    let fetched = fetch(source).unwrap();
    assert_eq!(
        read(fetched.dir.join("upstream-repomd.xml")),
        read(rhel_server().join("repodata/repomd.xml"))
    );
    assert_eq!(server.count("/m2/repodata/repomd.xml"), 1);
}

#[test]
fn an_alternate_repomd_from_a_lagging_mirror_is_accepted() {
    let server = TestServer::start();
    let old = serve_repo(&server, "/m1", &rhel_server());
    let new = read(rhel_optional().join("repodata/repomd.xml"));
    server.route(
        "/metalink",
        Reply::body(metalink(&new, &[server.url("/m1/")], &[&old])),
    );
    let fetched = fetch(RepoSource::Metalink(server.url("/metalink"))).unwrap();
    assert_eq!(read(fetched.dir.join("upstream-repomd.xml")), old);
}

#[test]
fn retries_with_backoff_on_a_single_mirror() {
    let server = TestServer::start();
    serve_repo(&server, "/os", &rhel_server());
    server.route_seq(
        "/os/repodata/repomd.xml",
        vec![
            Reply::Status(500),
            Reply::body(read(rhel_server().join("repodata/repomd.xml"))),
        ],
    );
    fetch(RepoSource::Baseurl(vec![server.url("/os/")])).unwrap();
    assert_eq!(server.count("/os/repodata/repomd.xml"), 2);
}

#[test]
fn when_every_mirror_fails_the_error_names_the_file_and_nothing_is_cached() {
    let server = TestServer::start();
    let (_, source) = two_mirrors(&server, &rhel_server());
    let primary = href(&rhel_server(), "primary");
    server.route(&format!("/m1/{primary}"), Reply::Status(500));
    server.route(&format!("/m2/{primary}"), Reply::Status(404));
    let cache = tempfile::tempdir().unwrap();
    let error = Fetcher::new(cache.path(), fast_options())
        .fetch_one(&repo("r", source), &NoProgress)
        .unwrap_err();
    let text = error.to_string();
    assert!(
        text.starts_with(&format!("repo r: {primary}: 4 attempts failed, last: GET ")),
        "{text}"
    );
    assert!(!text.contains('\n'));
    // 2 rounds (retries = 1) over 2 mirrors.
    assert_eq!(server.count(&format!("/m1/{primary}")), 2);
    assert_eq!(server.count(&format!("/m2/{primary}")), 2);
    let names = all_names(cache.path());
    assert!(
        !names
            .iter()
            .any(|n| n == "repomd.xml" || n.contains("primary")),
        "{names:?}"
    );
}

#[test]
fn mirrorlist_lines_are_mirrors_in_order() {
    let server = TestServer::start();
    serve_repo(&server, "/m2/x86_64", &rhel_server());
    server.route("/m1/x86_64/repodata/repomd.xml", Reply::Status(404));
    server.route(
        "/mirrorlist/9/baseos",
        Reply::body(format!(
            "# mirrors\n{}\nrsync://192.0.2.1/x/\n{}\n",
            server.url("/m1/$basearch/"),
            server.url("/m2/$basearch")
        )),
    );
    fetch(RepoSource::Mirrorlist(server.url("/mirrorlist/9/baseos"))).unwrap();
    assert_eq!(
        server.paths()[..3],
        [
            "/mirrorlist/9/baseos".to_string(),
            "/m1/x86_64/repodata/repomd.xml".to_string(),
            "/m2/x86_64/repodata/repomd.xml".to_string(),
        ]
    );
}

#[test]
fn a_broken_metalink_is_an_error_naming_its_url() {
    let server = TestServer::start();
    server.route("/metalink", Reply::body("<html>maintenance</html>"));
    let error = fetch(RepoSource::Metalink(server.url("/metalink"))).unwrap_err();
    let text = error.to_string();
    assert!(
        text.starts_with("repo r: metalink: 2 attempts failed, last: http://127.0.0.1:"),
        "{text}"
    );
    assert!(
        text.ends_with("/metalink: invalid metalink: root element is <html>, not <metalink>"),
        "{text}"
    );
}

#[test]
fn unsafe_locations_are_refused() {
    let server = TestServer::start();
    let evil = r#"<?xml version="1.0"?><repomd xmlns="http://linux.duke.edu/metadata/repo">
<data type="primary"><checksum type="sha256">00</checksum><location href="../../escape.xml.gz"/><size>1</size></data></repomd>"#;
    server.route("/os/repodata/repomd.xml", Reply::body(evil));
    let cache = tempfile::tempdir().unwrap();
    let error = Fetcher::new(cache.path(), fast_options())
        .fetch_one(
            &repo("r", RepoSource::Baseurl(vec![server.url("/os/")])),
            &NoProgress,
        )
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("refusing unsafe location \"../../escape.xml.gz\""),
        "{error}"
    );
    assert!(
        !cache
            .path()
            .join(ebranch_fetch::REPOS_DIR)
            .join("escape.xml.gz")
            .exists()
    );
    assert!(!all_names(cache.path()).iter().any(|n| n == "escape.xml.gz"));
}
