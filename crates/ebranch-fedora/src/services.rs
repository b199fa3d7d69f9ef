//! Wiring: service URLs, the real (or dry-run) clients, and the trait bundle the flows take.

use std::sync::Arc;

use crate::bodhi::{Bodhi, BodhiClient, DEFAULT_BODHI_URL};
use crate::bugzilla::{Bugzilla, BugzillaClient, DEFAULT_BUGZILLA_URL};
use crate::dry_run::DryRunTransport;
use crate::http::Transport;
use crate::pagure::{DEFAULT_DIST_GIT_URL, DistGit, PagureClient};
use crate::secret::ApiKey;
use crate::transport::UreqTransport;
use crate::url::{ServiceUrl, UrlError};

/// The three services the flows talk to.
#[derive(Clone, Copy)]
pub struct Services<'a> {
    /// dist-git.
    pub dist_git: &'a dyn DistGit,
    /// Bugzilla.
    pub bugzilla: &'a dyn Bugzilla,
    /// Bodhi.
    pub bodhi: &'a dyn Bodhi,
}

/// Base URLs of the services (production by default; staging or loopback fakes in tests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceConfig {
    /// Bugzilla, without `/rest`.
    pub bugzilla: String,
    /// dist-git.
    pub dist_git: String,
    /// Bodhi.
    pub bodhi: String,
}

impl Default for ServiceConfig {
    fn default() -> Self {
        Self {
            bugzilla: DEFAULT_BUGZILLA_URL.into(),
            dist_git: DEFAULT_DIST_GIT_URL.into(),
            bodhi: DEFAULT_BODHI_URL.into(),
        }
    }
}

/// The real clients, ready to use.
pub struct Clients {
    /// Bugzilla client.
    pub bugzilla: BugzillaClient,
    /// dist-git client.
    pub dist_git: PagureClient,
    /// Bodhi client.
    pub bodhi: BodhiClient,
    /// The validated Bugzilla base URL (for bug links).
    pub bugzilla_url: ServiceUrl,
    /// In a dry run, the recorder holding the writes that were not sent.
    pub dry_run: Option<Arc<DryRunTransport>>,
}

impl Clients {
    /// Validate the URLs and build clients over a real HTTP transport. With `dry_run`,
    /// reads are sent and writes are recorded in [`Clients::dry_run`] instead.
    pub fn connect(
        config: &ServiceConfig,
        key: Option<ApiKey>,
        dry_run: bool,
    ) -> Result<Self, UrlError> {
        Self::with_transport(config, key, dry_run, Arc::new(UreqTransport::new()))
    }

    /// As [`Clients::connect`], over a given transport.
    pub fn with_transport(
        config: &ServiceConfig,
        key: Option<ApiKey>,
        dry_run: bool,
        transport: Arc<dyn Transport>,
    ) -> Result<Self, UrlError> {
        let bugzilla_url = ServiceUrl::parse(&config.bugzilla)?;
        let dist_git_url = ServiceUrl::parse(&config.dist_git)?;
        let bodhi_url = ServiceUrl::parse(&config.bodhi)?;
        let recorder = dry_run.then(|| Arc::new(DryRunTransport::new(transport.clone())));
        let transport: Arc<dyn Transport> = match &recorder {
            Some(r) => r.clone(),
            None => transport,
        };
        let mut bugzilla = BugzillaClient::new(bugzilla_url.clone(), transport.clone(), key);
        if dry_run {
            bugzilla = bugzilla.allow_writes_without_key();
        }
        Ok(Self {
            bugzilla,
            dist_git: PagureClient::new(dist_git_url, transport.clone()),
            bodhi: BodhiClient::new(bodhi_url, transport),
            bugzilla_url,
            dry_run: recorder,
        })
    }

    /// The clients as the trait bundle the flows take.
    pub fn services(&self) -> Services<'_> {
        Services {
            dist_git: &self.dist_git,
            bugzilla: &self.bugzilla,
            bodhi: &self.bodhi,
        }
    }
}
