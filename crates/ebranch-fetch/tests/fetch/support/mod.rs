//! Test support: loopback HTTP server and fixtures.

pub mod fixtures;
pub use ebranch_http::test_server as server;
