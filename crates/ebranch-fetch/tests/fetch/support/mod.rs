//! Test support: loopback HTTP server and fixtures.

pub mod fixtures;
pub mod server;
