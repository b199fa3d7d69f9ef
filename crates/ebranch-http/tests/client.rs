//! The policy against loopback servers that misbehave on purpose.

use std::io::Write;
use std::time::Duration;

use ebranch_http::test_server::{Reply, TestServer};
use ebranch_http::{Client, ClientConfig, HttpError, Limits, Method, Request, RetryPolicy};

fn client() -> Client {
    Client::new(&ClientConfig {
        env_proxy: false,
        ..ClientConfig::default()
    })
}

/// Limits a test can wait for: windows of half a second.
fn quick() -> Limits {
    Limits {
        connect: Duration::from_secs(2),
        head: Duration::from_secs(2),
        deadline: Duration::from_secs(5),
        min_rate: 1000,
        window: Duration::from_millis(500),
        max_body: 1 << 20,
        max_redirects: 3,
    }
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(data).unwrap();
    gz.finish().unwrap()
}

#[test]
fn content_encoding_is_never_decoded_and_identity_is_asked_for() {
    let server = TestServer::start();
    let stored = gzip(b"<metadata/>");
    server.route(
        "/repodata/primary.xml.gz",
        Reply::raw(200, &[("Content-Encoding", "gzip")], stored.clone()),
    );
    let url = server.url("/repodata/primary.xml.gz");
    let body = client()
        .get(&url, quick())
        .unwrap()
        .body
        .read_to_vec()
        .unwrap();
    assert_eq!(body, stored, "the bytes exactly as served");
    let head = server.heads()[0].to_ascii_lowercase();
    assert!(head.contains("accept-encoding: identity\r\n"), "{head}");
}

#[test]
fn a_dripping_server_costs_one_window() {
    let server = TestServer::start();
    server.route(
        "/repomd.xml",
        Reply::Drip(vec![b'x'; 1000].into(), Duration::from_millis(100)),
    );
    let response = client().get(&server.url("/repomd.xml"), quick()).unwrap();
    let err = response.body.read_to_vec().unwrap_err();
    assert!(matches!(err, HttpError::TooSlow { .. }), "{err}");
    assert!(err.is_slow());
    assert!(err.to_string().contains("too slow"), "{err}");
}

#[test]
fn a_silent_server_costs_the_header_timeout() {
    let server = TestServer::start();
    server.route("/hang", Reply::Hang);
    let err = client().get(&server.url("/hang"), quick()).unwrap_err();
    assert!(err.is_slow(), "{err}");
}

#[test]
fn the_deadline_bounds_a_server_just_above_the_minimum_rate() {
    let server = TestServer::start();
    // 20 bytes/s against a minimum of 10: never too slow, but 200 bytes take 10 s.
    server.route(
        "/slow",
        Reply::Drip(vec![b'x'; 200].into(), Duration::from_millis(50)),
    );
    let limits = Limits {
        min_rate: 10,
        deadline: Duration::from_secs(1),
        ..quick()
    };
    let err = client()
        .get(&server.url("/slow"), limits)
        .unwrap()
        .body
        .read_to_vec()
        .unwrap_err();
    assert!(matches!(err, HttpError::Deadline { .. }), "{err}");
}

#[test]
fn a_body_stops_at_the_cap() {
    let server = TestServer::start();
    server.route("/endless", Reply::Endless);
    server.route("/big", Reply::body(vec![0u8; 5000]));
    let limits = Limits {
        max_body: 100_000,
        ..quick()
    };
    let err = client()
        .get(&server.url("/endless"), limits)
        .unwrap()
        .body
        .read_to_vec()
        .unwrap_err();
    assert_eq!(
        err,
        HttpError::TooLarge {
            url: server.url("/endless"),
            limit: 100_000
        }
    );
    // An announced length over the cap is refused before the body is read.
    let limits = Limits {
        max_body: 4999,
        ..quick()
    };
    let err = client().get(&server.url("/big"), limits).unwrap_err();
    assert!(
        matches!(err, HttpError::TooLarge { limit: 4999, .. }),
        "{err}"
    );
}

#[test]
fn redirects_are_followed_under_the_policy() {
    let server = TestServer::start();
    server.route("/a", Reply::redirect(302, "/b"));
    server.route("/b", Reply::redirect(301, &server.url("/c")));
    server.route("/c", Reply::body("done"));
    server.route("/away", Reply::redirect(302, "https://mirror.example/x"));
    server.route("/loop", Reply::redirect(302, "/loop"));
    let client = client();
    let url = server.url("/a");
    let request = Request::get(&url, quick()).header("Authorization", "Bearer s3cret");
    let response = client.send(&request).unwrap();
    assert_eq!(response.url, server.url("/c"));
    assert_eq!(response.body.read_to_string().unwrap(), "done");
    let heads = server.heads();
    assert!(heads[0].contains("s3cret"));
    assert!(!heads[1].contains("s3cret") && !heads[2].contains("s3cret"));

    let err = client.get(&server.url("/away"), quick()).unwrap_err();
    assert!(matches!(err, HttpError::Refused { .. }), "{err}");
    let err = client.get(&server.url("/loop"), quick()).unwrap_err();
    assert!(matches!(err, HttpError::Redirects { max: 3, .. }), "{err}");

    // A redirected write is returned as is.
    server.route("/post", Reply::redirect(307, "/c"));
    let url = server.url("/post");
    let post = Request {
        method: Method::Post,
        body: Some(b"{}".to_vec()),
        ..Request::get(&url, quick())
    };
    assert_eq!(client.send(&post).unwrap().status, 307);
}

#[test]
fn plain_http_elsewhere_is_refused_without_a_request() {
    let err = client()
        .get("http://mirror.example/os/repodata/repomd.xml", quick())
        .unwrap_err();
    assert!(err.to_string().contains("plain http"), "{err}");
}

#[test]
fn reads_are_retried_on_503_with_retry_after() {
    let server = TestServer::start();
    server.route_seq(
        "/releases/",
        vec![
            Reply::raw(503, &[("Retry-After", "0")], "busy"),
            Reply::raw(429, &[("Retry-After", "0")], "slow down"),
            Reply::body("{}"),
        ],
    );
    server.route("/down", Reply::Status(503));
    let policy = RetryPolicy {
        first_delay: Duration::from_millis(1),
        ..RetryPolicy::default()
    };
    let client = client();
    let url = server.url("/releases/");
    let response = client
        .get_with_retries(&Request::get(&url, quick()), &policy)
        .unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(server.count("/releases/"), 3);
    // Out of attempts: the last answer.
    let url = server.url("/down");
    let response = client
        .get_with_retries(&Request::get(&url, quick()), &policy)
        .unwrap();
    assert_eq!(response.status, 503);
    assert_eq!(server.count("/down"), 4);
}
