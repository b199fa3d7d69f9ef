//! ebranch's one HTTP policy, used for every request: metadata downloads
//! (ebranch-fetch) and the Fedora services (ebranch-fedora).
//!
//! Decided here, once:
//! - **URLs** ([`policy`]): https only; plain http to loopback hosts only (local fakes
//!   and tests); a redirect never downgrades https to http and never leads from a
//!   loopback host elsewhere; at most [`Limits::max_redirects`] hops, GET only;
//!   `Authorization` is never sent after a redirect.
//! - **Certificates**: the system's CA store (rustls with `rustls-platform-verifier`),
//!   so a company's own CA, installed the system's way, is trusted.
//! - **Encoding**: `Accept-Encoding: identity`, and no transparent decoding of a
//!   `Content-Encoding` (ureq is built without `gzip`/`brotli`; only this crate depends
//!   on it). Metadata is stored exactly as served, so its checksum holds.
//! - **Time and size** ([`Limits`]): a connect timeout, a header timeout, an overall
//!   deadline per request, a minimum body rate over a window (a stalled or dripping
//!   server costs one window, then the caller fails over), and a body cap (the promised
//!   size, or a documented cap).
//! - **Proxies**: `HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY`/`NO_PROXY` when asked
//!   ([`ClientConfig::env_proxy`]); loopback hosts are always reached directly.
//! - **Retries** ([`retry`]): reads on 429/502/503/504 (and failed connections), with
//!   exponential backoff honouring `Retry-After`, bounded in attempts, per wait and in
//!   total.

mod body;
mod client;
mod error;
mod limits;
pub mod policy;
pub mod retry;
#[cfg(feature = "test-server")]
pub mod test_server;

pub use body::Body;
pub use client::{Client, ClientConfig, Method, Request, Response};
pub use error::HttpError;
pub use limits::{DEADLINE_RATE, DOCUMENT_CAP, FILE_CAP, Limits, METADATA_DEADLINE, SERVICE_CAP};
pub use retry::{Attempt, RetryPolicy, is_retryable_status};
