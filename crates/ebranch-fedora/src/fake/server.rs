//! A small HTTP/1.1 server on 127.0.0.1. A handler answers declared requests; anything it
//! does not declare is answered 500, printed on stderr, and fails the test when the server
//! drops (unless the server was told to keep going, as the `fake-services` example is).

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// A request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    /// `GET`, `POST`, `PUT`.
    pub method: String,
    /// The path, percent-decoded.
    pub path: String,
    /// Decoded query pairs, in order.
    pub query: Vec<(String, String)>,
    /// Headers, names lower-cased.
    pub headers: BTreeMap<String, String>,
    /// The body as text.
    pub body: String,
}

impl Seen {
    /// All values of query parameter `name`.
    pub fn params(&self, name: &str) -> Vec<&str> {
        self.query
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The first value of query parameter `name`.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params(name).into_iter().next()
    }

    /// The body as JSON (panics if it is not).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).expect("request body is JSON")
    }
}

/// A response to send.
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// Body.
    pub body: String,
    /// `Content-Type`.
    pub content_type: &'static str,
    /// Other headers, e.g. `Retry-After`.
    pub headers: Vec<(&'static str, String)>,
}

impl Reply {
    /// A JSON reply.
    pub fn json(status: u16, body: serde_json::Value) -> Self {
        Self::with_type(status, body.to_string(), "application/json")
    }

    /// A plain-text reply.
    pub fn text(status: u16, body: &str) -> Self {
        Self::with_type(status, body.to_string(), "text/plain")
    }

    /// A reply of this content type.
    pub fn with_type(status: u16, body: String, content_type: &'static str) -> Self {
        Self {
            status,
            body,
            content_type,
            headers: Vec::new(),
        }
    }
}

/// A failure of the kind the services' front ends (proxies, load balancers) produce, sent
/// once, to the next request of `method` on `path`, in place of the service's answer.
/// Like a front end's, its body is a short HTML page, not the service's JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// `GET`, `POST`, `PUT`.
    pub method: String,
    /// The path, e.g. `/releases/` or `/rest/bug`.
    pub path: String,
    /// 429, 502, 503 or 504.
    pub status: u16,
    /// `Retry-After`, in seconds.
    pub retry_after: Option<u64>,
    /// Whether the service did the request before the answer was lost (a gateway that
    /// gave up waiting on a slow backend), or never saw it.
    pub performed: bool,
}

impl Fault {
    /// The service is briefly unavailable: 503, the request never reached it.
    pub fn unavailable(method: &str, path: &str) -> Self {
        Self::new(method, path, 503)
    }

    /// Rate limited: 429 with `Retry-After: seconds`, the request never reached the service.
    pub fn too_many_requests(method: &str, path: &str, seconds: u64) -> Self {
        Self {
            retry_after: Some(seconds),
            ..Self::new(method, path, 429)
        }
    }

    /// The service did the request, but the gateway gave up waiting and answered 502.
    pub fn answer_lost(method: &str, path: &str) -> Self {
        Self {
            performed: true,
            ..Self::new(method, path, 502)
        }
    }

    fn new(method: &str, path: &str, status: u16) -> Self {
        Self {
            method: method.into(),
            path: path.into(),
            status,
            retry_after: None,
            performed: false,
        }
    }

    fn reply(&self) -> Reply {
        let reason = match self.status {
            429 => "Too Many Requests",
            502 => "Bad Gateway",
            503 => "Service Unavailable",
            504 => "Gateway Timeout",
            _ => "Error",
        };
        let page = format!(
            "<html><head><title>{0} {reason}</title></head><body><h1>{reason}</h1></body></html>",
            self.status
        );
        let mut reply = Reply::with_type(self.status, page, "text/html");
        if let Some(seconds) = self.retry_after {
            reply.headers.push(("Retry-After", seconds.to_string()));
        }
        reply
    }
}

/// `Some(reply)` for a declared request, `None` for anything else.
pub type Handler = dyn Fn(&Seen) -> Option<Reply> + Send + Sync;

/// The server: one thread, one request per connection, on a loopback address only.
pub struct FakeServer {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    log: Arc<Mutex<Vec<Seen>>>,
    faults: Arc<Mutex<Vec<Fault>>>,
    undeclared: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    addr: std::net::SocketAddr,
}

impl FakeServer {
    /// Serve `handler` on a free port of 127.0.0.1.
    pub fn start(handler: Arc<Handler>) -> Self {
        Self::start_on(0, handler).expect("bind loopback")
    }

    /// Serve `handler` on 127.0.0.1:`port` (0 = a free port). Only the loopback address is
    /// ever bound.
    pub fn start_on(port: u16, handler: Arc<Handler>) -> std::io::Result<Self> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port))?;
        let addr = listener.local_addr()?;
        let log = Arc::new(Mutex::new(Vec::new()));
        let undeclared = Arc::new(Mutex::new(Vec::new()));
        let faults = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let shared = Shared {
                log: log.clone(),
                undeclared: undeclared.clone(),
                faults: faults.clone(),
            };
            let stop = stop.clone();
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    serve(stream, &*handler, &shared);
                }
            })
        };
        Ok(Self {
            base: format!("http://{addr}"),
            log,
            faults,
            undeclared,
            stop,
            thread: Some(thread),
            addr,
        })
    }

    /// The port listened on.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Undeclared requests seen so far (`METHOD /path?query`).
    pub fn undeclared(&self) -> Vec<String> {
        self.undeclared.lock().unwrap().clone()
    }

    /// Serve until the process ends (for a stand-alone fake); undeclared requests are only
    /// printed.
    pub fn serve_forever(mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        self.undeclared.lock().unwrap().clear();
    }

    /// Every request seen so far.
    pub fn log(&self) -> Vec<Seen> {
        self.log.lock().unwrap().clone()
    }

    /// Requests that changed something (POST/PUT).
    pub fn writes(&self) -> Vec<Seen> {
        self.log()
            .into_iter()
            .filter(|s| s.method != "GET")
            .collect()
    }

    /// Forget the log (not the undeclared requests).
    pub fn clear_log(&self) {
        self.log.lock().unwrap().clear();
    }

    /// Answer the next request `fault` matches with it (faults queue up in order).
    pub fn inject(&self, fault: Fault) {
        self.faults.lock().unwrap().push(fault);
    }

    /// Faults injected and not yet sent.
    pub fn pending_faults(&self) -> Vec<Fault> {
        self.faults.lock().unwrap().clone()
    }
}

/// What the server thread shares with the tests.
struct Shared {
    log: Arc<Mutex<Vec<Seen>>>,
    undeclared: Arc<Mutex<Vec<String>>>,
    faults: Arc<Mutex<Vec<Fault>>>,
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        let undeclared = self.undeclared.lock().unwrap().clone();
        if !undeclared.is_empty() && !std::thread::panicking() {
            panic!("the fake server got requests the test did not declare: {undeclared:#?}");
        }
    }
}

fn serve(stream: TcpStream, handler: &Handler, shared: &Shared) {
    stream.set_read_timeout(Some(Duration::from_secs(10))).ok();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut stream = stream;
    let Some(seen) = read_request(&mut reader) else {
        return;
    };
    shared.log.lock().unwrap().push(seen.clone());
    let fault = {
        let mut faults = shared.faults.lock().unwrap();
        let next = faults
            .iter()
            .position(|f| f.method == seen.method && f.path == seen.path);
        next.map(|i| faults.remove(i))
    };
    let answer = || {
        handler(&seen).unwrap_or_else(|| {
            let what = format!("{} {}{}", seen.method, seen.path, query_text(&seen));
            eprintln!("fake server: undeclared request {what}");
            shared.undeclared.lock().unwrap().push(what);
            Reply::text(500, "undeclared request")
        })
    };
    let reply = match fault {
        Some(fault) => {
            if fault.performed {
                answer();
            }
            fault.reply()
        }
        None => answer(),
    };
    // One request per connection keeps the server single-threaded and simple.
    let mut head = format!(
        "HTTP/1.1 {} X\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n",
        reply.status,
        reply.content_type,
        reply.body.len()
    );
    for (name, value) in &reply.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(reply.body.as_bytes());
    let _ = stream.flush();
}

fn query_text(seen: &Seen) -> String {
    if seen.query.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = seen.query.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("?{}", parts.join("&"))
}

fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Seen> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let target = parts.next()?.to_string();
    let mut headers = BTreeMap::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).ok()?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    let length: usize = headers
        .get("content-length")
        .and_then(|l| l.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let query = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect();
    Some(Seen {
        method,
        path: decode(path),
        query,
        headers,
        body: String::from_utf8(body).ok()?,
    })
}

/// Percent-decoding.
pub fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
