//! A small HTTP/1.1 server on 127.0.0.1 for tests, which can misbehave on purpose
//! (drip, stall, truncate, send too much, redirect, any header). Every path it answers
//! must be declared; any other request is recorded and fails the test when the server is
//! dropped (or at `assert_clean`). Behind the `test-server` feature.

use std::collections::{HashMap, VecDeque};
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// What the server answers for one request.
#[derive(Clone)]
pub enum Reply {
    /// 200 with this body.
    Body(Arc<Vec<u8>>),
    /// This status with a short body.
    Status(u16),
    /// Accept, read the request, never answer (until the server stops).
    Hang,
    /// 200 announcing the full length, then only the first `keep` bytes, then close.
    Truncate(Arc<Vec<u8>>, usize),
    /// 200 with this body after a pause.
    Slow(Arc<Vec<u8>>, Duration),
    /// 200 announcing the full length, then the body one byte per `Duration`.
    Drip(Arc<Vec<u8>>, Duration),
    /// 200 without a length, then zeros until the client hangs up (or 20 s pass).
    Endless,
    /// This status, these headers and this body.
    Raw {
        /// Status code.
        status: u16,
        /// Extra headers (`Content-Length` is added).
        headers: Vec<(String, String)>,
        /// Body.
        body: Arc<Vec<u8>>,
    },
}

impl Reply {
    /// `Reply::Body` from anything byte-like.
    pub fn body(data: impl Into<Vec<u8>>) -> Reply {
        Reply::Body(Arc::new(data.into()))
    }

    /// `Reply::Raw` from a status, headers and a body.
    pub fn raw(status: u16, headers: &[(&str, &str)], body: impl Into<Vec<u8>>) -> Reply {
        Reply::Raw {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: Arc::new(body.into()),
        }
    }

    /// A redirect (`status` 301, 302, 303, 307 or 308) to `location`.
    pub fn redirect(status: u16, location: &str) -> Reply {
        Reply::raw(status, &[("Location", location)], Vec::new())
    }
}

/// Body of non-200 answers.
const ERROR_BODY: &[u8] = b"error\n";

/// One request as seen by the server.
#[derive(Debug, Clone)]
pub struct Hit {
    /// Path and query (or `CONNECT host:port`).
    pub path: String,
    /// Body bytes the server meant to send.
    pub body_bytes: u64,
    /// The request head (request line and headers).
    pub head: String,
}

#[derive(Default)]
struct Inner {
    /// Path (with query) to replies: the front is used and popped while
    /// more than one is left, so the last one repeats.
    routes: Mutex<HashMap<String, VecDeque<Reply>>>,
    hits: Mutex<Vec<Hit>>,
    unexpected: Mutex<Vec<String>>,
    stop: AtomicBool,
    /// Accept `CONNECT` and serve the tunnelled request itself.
    proxy: AtomicBool,
}

/// The running server.
pub struct TestServer {
    addr: SocketAddr,
    inner: Arc<Inner>,
    acceptor: Option<JoinHandle<()>>,
}

impl TestServer {
    /// Binds 127.0.0.1 on a free port and starts serving.
    pub fn start() -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let addr = listener.local_addr().unwrap();
        let inner = Arc::new(Inner::default());
        let acceptor = {
            let inner = inner.clone();
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if inner.stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let inner = inner.clone();
                    std::thread::spawn(move || handle(&inner, stream));
                }
            })
        };
        TestServer {
            addr,
            inner,
            acceptor: Some(acceptor),
        }
    }

    /// `http://127.0.0.1:PORT` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Declares (or replaces) the answer for `path`.
    pub fn route(&self, path: &str, reply: Reply) {
        self.route_seq(path, vec![reply]);
    }

    /// Declares a sequence of answers for `path`; the last one repeats.
    pub fn route_seq(&self, path: &str, replies: Vec<Reply>) {
        assert!(!replies.is_empty());
        self.inner
            .routes
            .lock()
            .unwrap()
            .insert(path.to_string(), replies.into());
    }

    /// Also acts as an HTTP CONNECT proxy: each `CONNECT host:port` is
    /// logged as a request for `CONNECT host:port` (declare it with `route`
    /// and any reply), then the tunnelled request is answered from the routes.
    pub fn act_as_proxy(&self) {
        self.inner.proxy.store(true, Ordering::SeqCst);
    }

    /// Forgets every declared path (requests to them become unexpected).
    pub fn clear_routes(&self) {
        self.inner.routes.lock().unwrap().clear();
    }

    /// Paths requested so far, in order.
    pub fn paths(&self) -> Vec<String> {
        self.inner
            .hits
            .lock()
            .unwrap()
            .iter()
            .map(|h| h.path.clone())
            .collect()
    }

    /// Number of requests for `path`.
    pub fn count(&self, path: &str) -> usize {
        self.paths().iter().filter(|p| *p == path).count()
    }

    /// Number of requests so far.
    pub fn requests(&self) -> usize {
        self.inner.hits.lock().unwrap().len()
    }

    /// Body bytes sent so far.
    pub fn bytes_sent(&self) -> u64 {
        self.inner
            .hits
            .lock()
            .unwrap()
            .iter()
            .map(|h| h.body_bytes)
            .sum()
    }

    /// The request heads received so far, in order.
    pub fn heads(&self) -> Vec<String> {
        self.inner
            .hits
            .lock()
            .unwrap()
            .iter()
            .map(|h| h.head.clone())
            .collect()
    }

    /// Forgets the request log (not the routes).
    pub fn clear_log(&self) {
        self.inner.hits.lock().unwrap().clear();
    }

    /// Panics if any undeclared request arrived.
    pub fn assert_clean(&self) {
        let unexpected = self.inner.unexpected.lock().unwrap().clone();
        assert!(unexpected.is_empty(), "unexpected requests: {unexpected:?}");
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.inner.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
        if !std::thread::panicking() {
            self.assert_clean();
        }
    }
}

fn handle(inner: &Inner, mut stream: TcpStream) {
    if inner.stop.load(Ordering::SeqCst) {
        return;
    }
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let Some(mut head) = read_head(&mut stream) else {
        return;
    };
    if inner.proxy.load(Ordering::SeqCst) && head.starts_with("CONNECT ") {
        let target = head.split_whitespace().nth(1).unwrap_or("").to_string();
        let tunnel = format!("CONNECT {target}");
        let reply = inner
            .routes
            .lock()
            .unwrap()
            .get(&tunnel)
            .and_then(|q| q.front().cloned());
        let Some(reply) = reply else {
            inner.unexpected.lock().unwrap().push(tunnel);
            return;
        };
        inner.hits.lock().unwrap().push(Hit {
            path: tunnel,
            body_bytes: 0,
            head: head.clone(),
        });
        if let Reply::Status(code) = reply
            && code != 200
        {
            let _ = write_response(&mut stream, code, ERROR_BODY, None);
            return;
        }
        if stream
            .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
            .is_err()
        {
            return;
        }
        let Some(tunnelled) = read_head(&mut stream) else {
            return;
        };
        head = tunnelled;
    }
    let request_line = head.lines().next().unwrap_or("").to_string();
    let mut parts = request_line.split_whitespace();
    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let reply = {
        let mut routes = inner.routes.lock().unwrap();
        match routes.get_mut(path) {
            Some(queue) if !method.is_empty() => {
                if queue.len() > 1 {
                    queue.pop_front()
                } else {
                    queue.front().cloned()
                }
            }
            _ => None,
        }
    };
    let Some(reply) = reply else {
        inner
            .unexpected
            .lock()
            .unwrap()
            .push(format!("{method} {path}"));
        let _ = write_response(&mut stream, 404, b"undeclared\n", None);
        return;
    };
    // Logged on arrival, with the body size it is about to send, so the log
    // is in request order and complete before the client sees the answer.
    let body_bytes = match &reply {
        Reply::Body(body) | Reply::Slow(body, _) | Reply::Drip(body, _) => body.len(),
        Reply::Raw { body, .. } => body.len(),
        Reply::Truncate(body, keep) => (*keep).min(body.len()),
        Reply::Status(_) => ERROR_BODY.len(),
        Reply::Hang | Reply::Endless => 0,
    } as u64;
    inner.hits.lock().unwrap().push(Hit {
        path: path.to_string(),
        body_bytes,
        head: head.clone(),
    });
    let _ = match reply {
        Reply::Body(body) => write_response(&mut stream, 200, &body, None),
        Reply::Status(code) => write_response(&mut stream, code, ERROR_BODY, None),
        Reply::Truncate(body, keep) => write_response(&mut stream, 200, &body, Some(keep)),
        Reply::Slow(body, delay) => {
            std::thread::sleep(delay);
            write_response(&mut stream, 200, &body, None)
        }
        Reply::Hang => {
            let until = Instant::now() + Duration::from_secs(20);
            while !inner.stop.load(Ordering::SeqCst) && Instant::now() < until {
                std::thread::sleep(Duration::from_millis(20));
            }
            Ok(())
        }
        Reply::Drip(body, every) => drip(inner, &mut stream, &body, every),
        Reply::Endless => endless(inner, &mut stream),
        Reply::Raw {
            status,
            headers,
            body,
        } => write_raw(&mut stream, status, &headers, &body),
    };
}

/// 200 with the full length announced, then one byte per `every`.
fn drip(
    inner: &Inner,
    stream: &mut TcpStream,
    body: &[u8],
    every: Duration,
) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    for byte in body {
        if inner.stop.load(Ordering::SeqCst) {
            break;
        }
        stream.write_all(std::slice::from_ref(byte))?;
        stream.flush()?;
        std::thread::sleep(every);
    }
    Ok(())
}

/// 200 without a length, then zeros until the client hangs up.
fn endless(inner: &Inner, stream: &mut TcpStream) -> std::io::Result<()> {
    stream.write_all(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")?;
    let chunk = vec![0u8; 64 * 1024];
    let until = Instant::now() + Duration::from_secs(20);
    while !inner.stop.load(Ordering::SeqCst) && Instant::now() < until {
        stream.write_all(&chunk)?;
    }
    Ok(())
}

fn write_raw(
    stream: &mut TcpStream,
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {status} Status\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    stream.flush()?;
    let _ = stream.shutdown(Shutdown::Write);
    Ok(())
}

/// Reads the request head.
fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() > 64 * 1024 || stream.read(&mut byte).ok()? == 0 {
            return None;
        }
        head.push(byte[0]);
    }
    Some(String::from_utf8_lossy(&head).into_owned())
}

fn write_response(
    stream: &mut TcpStream,
    status: u16,
    body: &[u8],
    keep: Option<usize>,
) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        500 => "Internal Server Error",
        _ => "Status",
    };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Length: {}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    let part = &body[..keep.unwrap_or(body.len()).min(body.len())];
    stream.write_all(part)?;
    stream.flush()?;
    let _ = stream.shutdown(Shutdown::Write);
    Ok(())
}
