//! Integration tests of ebranch-fetch against HTTP servers on 127.0.0.1.

mod concurrent;
mod failover;
mod figures;
mod filelists;
mod full;
mod hostile;
mod local;
mod modules;
mod offline;
mod proxy;
mod refresh;
mod releases;
mod special_files;
mod support;
mod truncated;
