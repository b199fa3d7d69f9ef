//! Test support: the loopback server and stateful fakes of the Fedora services (the
//! crate's `fake` module), and real clients pointed at them.

pub use ebranch_fedora::fake::{bugzilla, distgit_bodhi, server};

use std::sync::{Arc, Mutex};
use std::time::Duration;

use ebranch_fedora::http::{Retries, RetryPolicy, Transport};
use ebranch_fedora::secret::ApiKey;
use ebranch_fedora::services::{Clients, ServiceConfig};
use ebranch_fedora::transport::UreqTransport;

/// The waits the retries asked for (nothing sleeps).
pub type Waits = Arc<Mutex<Vec<Duration>>>;

/// The default retry policy, its waits recorded instead of slept.
pub fn recorded_retries() -> (Retries, Waits) {
    let waits = Waits::default();
    let log = waits.clone();
    let retries = Retries::with_sleep(RetryPolicy::default(), move |d| log.lock().unwrap().push(d));
    (retries, waits)
}

/// Real clients pointed at the three fakes (retries wait for nothing).
pub fn clients(bz: &str, dist_git: &str, bodhi: &str, dry_run: bool) -> Clients {
    clients_retrying(bz, dist_git, bodhi, dry_run, recorded_retries().0)
}

/// As [`clients`], retrying as `retries` says.
pub fn clients_retrying(
    bz: &str,
    dist_git: &str,
    bodhi: &str,
    dry_run: bool,
    retries: Retries,
) -> Clients {
    let config = ServiceConfig {
        bugzilla: bz.into(),
        dist_git: dist_git.into(),
        bodhi: bodhi.into(),
    };
    let transport: Arc<dyn Transport> = Arc::new(UreqTransport::new().with_retries(retries));
    Clients::with_transport(&config, ApiKey::new(bugzilla::KEY), dry_run, transport).unwrap()
}
