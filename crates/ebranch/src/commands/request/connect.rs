//! What `request`, `issues file-request`, `status` and `follow-up` share: the service URLs,
//! the API key, the clients (real, or recording writes for `--dry-run`), `--format` and
//! `--as-of`.

use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};
use ebranch_fedora::bodhi::DEFAULT_BODHI_URL;
use ebranch_fedora::bugzilla::DEFAULT_BUGZILLA_URL;
use ebranch_fedora::keys::KeySources;
use ebranch_fedora::pagure::DEFAULT_DIST_GIT_URL;
use ebranch_fedora::request::bug_url;
use ebranch_fedora::services::{Clients, ServiceConfig};
use ebranch_fedora::time::Timestamp;
use ebranch_fedora::url::ServiceUrl;
use serde_json::{Value, json};

use crate::cli::GlobalArgs;

/// Where Bugzilla, dist-git and Bodhi are (production by default). Plain http is accepted
/// for loopback hosts only.
#[derive(Args, Debug, Clone)]
pub struct ServiceArgs {
    /// Bugzilla base URL.
    #[arg(long, value_name = "URL", env = "EBRANCH_BUGZILLA_URL", default_value = DEFAULT_BUGZILLA_URL)]
    pub bugzilla_url: String,
    /// dist-git (Pagure) base URL.
    #[arg(long = "distgit-url", value_name = "URL", env = "EBRANCH_DISTGIT_URL", default_value = DEFAULT_DIST_GIT_URL)]
    pub distgit_url: String,
    /// Bodhi base URL.
    #[arg(long, value_name = "URL", env = "EBRANCH_BODHI_URL", default_value = DEFAULT_BODHI_URL)]
    pub bodhi_url: String,
}

impl Default for ServiceArgs {
    /// The production services (what the flags default to, without the environment).
    fn default() -> Self {
        ServiceArgs {
            bugzilla_url: DEFAULT_BUGZILLA_URL.to_owned(),
            distgit_url: DEFAULT_DIST_GIT_URL.to_owned(),
            bodhi_url: DEFAULT_BODHI_URL.to_owned(),
        }
    }
}

/// Output formats of the service commands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One line per package for people.
    #[default]
    Text,
    /// One JSON object for machines.
    Json,
}

/// Whether the command may write to Bugzilla.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Reads only: the key is used if there is one.
    Read,
    /// Writes: a key is required unless it is a dry run.
    Write {
        /// Record writes instead of sending them.
        dry_run: bool,
    },
}

/// Validate the URLs, find the API key (its warnings go to stderr) and build the clients.
pub fn connect(args: &ServiceArgs, global: &GlobalArgs, access: Access) -> Result<Clients> {
    let config = ServiceConfig {
        bugzilla: args.bugzilla_url.clone(),
        dist_git: args.distgit_url.clone(),
        bodhi: args.bodhi_url.clone(),
    };
    let mut urls = Vec::new();
    for (flag, url) in [
        ("--bugzilla-url", &config.bugzilla),
        ("--distgit-url", &config.dist_git),
        ("--bodhi-url", &config.bodhi),
    ] {
        urls.push(ServiceUrl::parse(url).context(flag)?);
    }
    if global.offline
        && let Some(remote) = urls.iter().find(|u| !u.is_loopback())
    {
        bail!("--offline: this command needs {remote}");
    }
    let found = KeySources::from_environment(urls[0].host())
        .find()
        .context("looking for the Bugzilla API key")?;
    for warning in &found.warnings {
        eprintln!(
            "warning: {}",
            crate::output::printable(&warning.to_string())
        );
    }
    let dry_run = match access {
        Access::Read => false,
        Access::Write { dry_run } => {
            if !dry_run && found.key.is_none() {
                bail!(
                    "no Bugzilla API key: set BUGZILLA_API_KEY, or api_key in the [bugzilla] table \
                     of ~/.config/ebranch/config.toml (mode 600), or in a bugzillarc; \
                     or preview with --dry-run"
                );
            }
            dry_run
        }
    };
    Ok(Clients::connect(&config, found.key, dry_run)?)
}

/// The web address of bug `id`.
pub fn url_of(clients: &Clients, id: u64) -> String {
    bug_url(clients.bugzilla_url.as_str(), id)
}

/// In a dry run, the writes that were not sent, as `--dry-run` prints them (with a final
/// blank line); "" otherwise.
pub fn dry_run_text(clients: &Clients) -> String {
    let Some(recorder) = &clients.dry_run else {
        return String::new();
    };
    if recorder.writes().is_empty() {
        return "# dry run: nothing would be sent\n\n".to_owned();
    }
    format!(
        "# dry run: nothing was sent; these requests would have been:\n\n{}\n\n",
        recorder.render()
    )
}

/// In a dry run, the writes that were not sent, as JSON (`method`, `url`, `body`, and the
/// placeholder number a new bug is called by in later requests); `None` otherwise.
pub fn dry_run_json(clients: &Clients) -> Option<Value> {
    let recorder = clients.dry_run.as_ref()?;
    let writes: Vec<Value> = recorder
        .writes()
        .iter()
        .map(|w| {
            let mut v = json!({
                "method": w.request.method.as_str(),
                "url": w.request.url,
                "body": w.request.body,
            });
            if let Some(id) = w.placeholder_id {
                v["placeholder_id"] = json!(id);
            }
            v
        })
        .collect();
    Some(Value::Array(writes))
}

/// `--as-of`: a time (`2026-01-05T09:00:00Z`, `2026-01-05T10:00:00+01:00`, `2026-01-05`)
/// or days from now (`+8d`, `-3d`); none: now.
pub fn as_of(text: Option<&str>) -> Result<Timestamp> {
    let now = Timestamp::now();
    let Some(text) = text else {
        return Ok(now);
    };
    let relative = text
        .trim()
        .strip_suffix('d')
        .filter(|t| t.starts_with(['+', '-']))
        .map(|t| {
            t.parse::<i64>()
                .ok()
                .and_then(|days| now.checked_plus_days(days))
        });
    match relative {
        Some(Some(time)) => Ok(time),
        Some(None) => bail!("--as-of {text:?}: too many days from now"),
        None => Timestamp::parse(text).with_context(|| {
            format!(
                "--as-of {text:?}: want a real date, YYYY-MM-DD[THH:MM:SS(Z|+HH:MM)], \
                 or +Nd/-Nd (days from now)"
            )
        }),
    }
}

/// The option text shared by `status` and `follow-up` for `--as-of`.
pub const AS_OF_HELP: &str = "Judge dates as of this time instead of now: YYYY-MM-DD[THH:MM:SS(Z|+HH:MM)], or +Nd / -Nd days from now (previews, tests)";
