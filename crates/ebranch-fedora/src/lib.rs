//! Fedora services for ebranch: dist-git, Bugzilla and Bodhi clients, and the
//! `request`, `request --report`, `status` and `follow-up` flows built on them.
//!
//! Contents:
//! - plumbing: [`url`] (https-only service URLs), [`http`] (requests as data, the
//!   [`http::Transport`] trait), [`transport`] (ureq + rustls), [`dry_run`] (records
//!   writes instead of sending them), [`secret`] and [`keys`] (the API key and where it
//!   comes from), [`time`] (UTC timestamps), [`branch`] (targets and their families)
//! - clients, each behind a trait: [`pagure`] ([`pagure::DistGit`]),
//!   [`bugzilla`] ([`bugzilla::Bugzilla`]), [`bodhi`] ([`bodhi::Bodhi`]);
//!   [`services`] wires them up
//! - texts: [`templates`]
//! - the report file: [`report`]
//! - flows: [`request`] (one request), [`batch`] (a whole report), [`status`] (refresh
//!   and statuses), [`followup`] (stalled requests), [`stats`] (updates per month and
//!   ecosystem, with their charts)
//! - with the `fake` feature: `fake`, stateful loopback fakes of the three services
//!   (tests and the `fake-services` example)

pub mod batch;
pub mod bodhi;
pub mod branch;
pub mod bugzilla;
pub mod dry_run;
pub mod followup;
pub mod http;
pub mod keys;
pub mod pagure;
pub mod report;
pub mod request;
pub mod secret;
pub mod services;
pub mod stats;
pub mod status;
pub mod templates;
pub mod time;
pub mod transport;
pub mod url;

#[cfg(feature = "fake")]
pub mod fake;
#[cfg(test)]
mod fakes;
