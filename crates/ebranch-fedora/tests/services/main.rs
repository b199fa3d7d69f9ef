//! Loopback tests: the real clients and flows against stateful fake services.

mod batch_flow;
mod clients;
mod dry_run;
mod follow_up_flow;
mod retries;
mod single_request;
mod status_flow;
mod support;
