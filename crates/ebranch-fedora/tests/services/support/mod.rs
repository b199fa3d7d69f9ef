//! Test support: the loopback server and stateful fakes of the Fedora services (the
//! crate's `fake` module), and real clients pointed at them.

pub use ebranch_fedora::fake::{bugzilla, distgit_bodhi, server};

use std::sync::Arc;

use ebranch_fedora::http::Transport;
use ebranch_fedora::secret::ApiKey;
use ebranch_fedora::services::{Clients, ServiceConfig};
use ebranch_fedora::transport::UreqTransport;

/// Real clients pointed at the three fakes.
pub fn clients(bz: &str, dist_git: &str, bodhi: &str, dry_run: bool) -> Clients {
    let config = ServiceConfig {
        bugzilla: bz.into(),
        dist_git: dist_git.into(),
        bodhi: bodhi.into(),
    };
    let transport: Arc<dyn Transport> = Arc::new(UreqTransport::new());
    Clients::with_transport(&config, ApiKey::new(bugzilla::KEY), dry_run, transport).unwrap()
}
