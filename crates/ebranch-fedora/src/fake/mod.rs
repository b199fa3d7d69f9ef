//! Stateful fakes of Bugzilla, dist-git and Bodhi on a loopback HTTP server, for tests and
//! demos. Behind the `fake` feature: not part of the default library API.
//!
//! - [`server`]: the HTTP server (127.0.0.1 only; undeclared requests fail the test),
//! - [`bugzilla`]: Bugzilla's REST API, stateful (filed bugs are found by later searches),
//! - [`distgit_bodhi`]: dist-git (Pagure API) and Bodhi,
//! - [`bodhi_updates`]: Bodhi's `/updates/` query with its filters and paging (stats),
//! - [`FakeServices`]: all three behind one port, seeded from a [`Seed`] (JSON), as the
//!   `fake-services` example serves them.

pub mod bodhi_updates;
pub mod bugzilla;
pub mod distgit_bodhi;
pub mod server;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

use serde::Deserialize;
use serde_json::json;

use crate::time::Timestamp;
use bugzilla::{BzState, FakeBug};
use distgit_bodhi::{BodhiWorld, DistGitWorld};
use server::{FakeServer, Seen};

/// A world for [`FakeServices`], as JSON:
///
/// ```json
/// {
///   "now": "2026-01-05T09:00:00Z",
///   "packages": {
///     "python-foo": {"branches": ["rawhide", "f43"], "epel": false},
///     "python-bar": {"branches": ["rawhide", "epel10"], "updates": [["FEDORA-EPEL-2026-1", "testing"]]},
///     "python-old": {"branches": ["rawhide"], "retired": ["rawhide"]},
///     "python-gone": {}
///   },
///   "bugs": [{"id": 2200000, "component": "python-foo", "created": "-30d",
///             "summary": "Please branch and build python-foo in epel10"}]
/// }
/// ```
///
/// Times are Bugzilla's `YYYY-MM-DDTHH:MM:SSZ`, or `-Nd` / `+Nd`: days from the fake's
/// start.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Seed {
    /// The fake's fixed clock (stamps new bugs and comments); absent: the real clock.
    #[serde(default)]
    pub now: Option<String>,
    /// The packages dist-git, Bodhi and Bugzilla know.
    #[serde(default)]
    pub packages: BTreeMap<String, SeedPackage>,
    /// Bugs filed earlier.
    #[serde(default)]
    pub bugs: Vec<SeedBug>,
}

/// One package of a [`Seed`].
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedPackage {
    /// Its dist-git branches; absent: dist-git has no such package.
    #[serde(default)]
    pub branches: Option<Vec<String>>,
    /// Branches holding `dead.package`.
    #[serde(default)]
    pub retired: Vec<String>,
    /// Whether Bugzilla's `Fedora EPEL` product has the component (it is always in
    /// `Fedora`).
    #[serde(default = "yes")]
    pub epel: bool,
    /// Its updates in the epel10 release (EPEL-10.1): `[alias, status]`.
    #[serde(default)]
    pub updates: Vec<(String, String)>,
    /// The main admin in dist-git (default `NAME-owner`).
    #[serde(default)]
    pub owner: Option<String>,
}

fn yes() -> bool {
    true
}

/// A bug of a [`Seed`], filed earlier by someone else.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedBug {
    /// Number.
    pub id: u64,
    /// Component.
    pub component: String,
    /// Summary.
    pub summary: String,
    /// When it was filed.
    pub created: String,
    /// Product (default `Fedora EPEL`).
    #[serde(default)]
    pub product: Option<String>,
    /// Version (default `epel10`).
    #[serde(default)]
    pub version: Option<String>,
    /// Status (default `NEW`).
    #[serde(default)]
    pub status: Option<String>,
    /// Resolution when closed.
    #[serde(default)]
    pub resolution: String,
    /// Reporter (default `someone-else@example.com`).
    #[serde(default)]
    pub creator: Option<String>,
    /// Assignee (default `COMPONENT-maint@example.com`).
    #[serde(default)]
    pub assigned_to: Option<String>,
    /// Alias, e.g. for a tracker.
    #[serde(default)]
    pub alias: Option<String>,
    /// When closed `DUPLICATE`: the bug it duplicates.
    #[serde(default)]
    pub dupe_of: Option<u64>,
    /// Comments after the description.
    #[serde(default)]
    pub comments: Vec<SeedComment>,
    /// `needinfo?` flags: `[requestee, when]`.
    #[serde(default)]
    pub needinfo: Vec<(String, String)>,
}

/// A comment of a [`SeedBug`].
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedComment {
    /// Author.
    pub by: String,
    /// When.
    pub at: String,
    /// Text.
    pub text: String,
}

impl Seed {
    /// Parse a seed.
    pub fn from_json(text: &str) -> Result<Self, String> {
        serde_json::from_str(text).map_err(|e| format!("not a fake-services seed: {e}"))
    }
}

/// Bugzilla, dist-git and Bodhi behind one loopback port: `/rest/…` is Bugzilla,
/// `/releases/` and `/updates/` are Bodhi, the rest is dist-git. `POST /_fake/clock` with
/// `{"days": N}` moves Bugzilla's clock N days on (to show what happens a week later).
pub struct FakeServices {
    /// The server; its `base` is the base URL of all three services.
    pub server: FakeServer,
    /// Bugzilla's state (bugs filed through the fake show up here).
    pub bugzilla: Arc<Mutex<BzState>>,
}

impl FakeServices {
    /// Serve `seed` on 127.0.0.1:`port` (0 = a free one). `strict`: requests about
    /// packages the seed does not name are undeclared (they fail a test); otherwise such
    /// packages are unknown to dist-git and have no updates.
    pub fn start(seed: &Seed, port: u16, strict: bool) -> Result<Self, String> {
        let start = match &seed.now {
            Some(now) => Timestamp::parse(now).ok_or_else(|| format!("bad time {now:?}"))?,
            None => Timestamp::now(),
        };
        let time = |text: &str| resolve_time(text, start);
        let epel: Vec<&str> = seed
            .packages
            .iter()
            .filter(|(_, p)| p.epel)
            .map(|(n, _)| n.as_str())
            .collect();
        let others: Vec<&str> = seed
            .packages
            .iter()
            .filter(|(_, p)| !p.epel)
            .map(|(n, _)| n.as_str())
            .collect();
        let mut state = BzState::new(&epel, &others);
        state.now = start.to_string();
        state.real_clock = seed.now.is_none();
        let mut seen_ids = BTreeSet::new();
        for b in &seed.bugs {
            if !seen_ids.insert(b.id) {
                return Err(format!("bug {} is seeded twice", b.id));
            }
            let mut bug = bugzilla::earlier_bug(
                b.id,
                &b.component,
                &b.summary,
                b.status.as_deref().unwrap_or("NEW"),
                &time(&b.created)?,
            );
            if let Some(p) = &b.product {
                bug.product = p.clone();
            }
            if let Some(v) = &b.version {
                bug.version = v.clone();
            }
            if let Some(c) = &b.creator {
                bug.creator = c.clone();
                bug.comments[0].0 = c.clone();
            }
            if let Some(a) = &b.assigned_to {
                bug.assigned_to = a.clone();
            }
            bug.resolution = b.resolution.clone();
            bug.alias = b.alias.clone();
            bug.dupe_of = b.dupe_of;
            for c in &b.comments {
                bug.comments
                    .push((c.by.clone(), time(&c.at)?, c.text.clone()));
            }
            for (requestee, at) in &b.needinfo {
                let at = time(at)?;
                bug.flags.push(json!({"name": "needinfo", "status": "?",
                    "requestee": requestee, "setter": bug.creator,
                    "creation_date": at, "modification_date": at}));
            }
            state.next_id = state.next_id.max(b.id + 1);
            state.bugs.insert(b.id, bug);
        }
        let mut dist_git = DistGitWorld {
            lenient: !strict,
            ..Default::default()
        };
        let mut bodhi = BodhiWorld {
            lenient: !strict,
            ..Default::default()
        };
        for (name, p) in &seed.packages {
            match &p.branches {
                Some(branches) => {
                    let branches: Vec<&str> = branches.iter().map(String::as_str).collect();
                    dist_git = dist_git.package(name, &branches);
                    if let Some(owner) = &p.owner {
                        dist_git.owners.insert(name.clone(), owner.clone());
                    }
                }
                None => dist_git = dist_git.missing(name),
            }
            for branch in &p.retired {
                dist_git = dist_git.retired(name, branch);
            }
            let updates: Vec<(&str, &str)> = p
                .updates
                .iter()
                .map(|(a, s)| (a.as_str(), s.as_str()))
                .collect();
            bodhi = bodhi.package(name, &updates);
        }
        let state = Arc::new(Mutex::new(state));
        let bz = state.clone();
        let handler = move |seen: &Seen| -> Option<server::Reply> {
            if seen.path == "/_fake/clock" && seen.method == "POST" {
                let days = serde_json::from_str::<serde_json::Value>(&seen.body)
                    .ok()?
                    .get("days")?
                    .as_i64()?;
                let mut st = bz.lock().unwrap();
                st.offset_days += days;
                return Some(server::Reply::json(200, json!({"now": st.now()})));
            }
            if seen.path.starts_with("/rest/") {
                bugzilla::handle(&bz, seen)
            } else if seen.path == "/releases/" || seen.path == "/updates/" {
                bodhi.handle(seen)
            } else {
                dist_git.handle(seen)
            }
        };
        let server = FakeServer::start_on(port, Arc::new(handler))
            .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
        Ok(Self {
            server,
            bugzilla: state,
        })
    }

    /// The base URL of all three services, `http://127.0.0.1:PORT`.
    pub fn base(&self) -> &str {
        &self.server.base
    }

    /// Bug `id` as the fake holds it now.
    pub fn bug(&self, id: u64) -> Option<FakeBug> {
        self.bugzilla.lock().unwrap().bugs.get(&id).cloned()
    }

    /// All bugs, by number.
    pub fn bugs(&self) -> Vec<FakeBug> {
        self.bugzilla
            .lock()
            .unwrap()
            .bugs
            .values()
            .cloned()
            .collect()
    }
}

/// `YYYY-MM-DDTHH:MM:SSZ` as it is, or `±Nd` days from `start`.
fn resolve_time(text: &str, start: Timestamp) -> Result<String, String> {
    let relative = text
        .strip_suffix('d')
        .filter(|t| t.starts_with(['+', '-']))
        .and_then(|t| t.parse::<i64>().ok());
    match relative {
        Some(days) => Ok(start.plus_days(days).to_string()),
        None => Timestamp::parse(text)
            .map(|t| t.to_string())
            .ok_or_else(|| format!("bad time {text:?} (want YYYY-MM-DDTHH:MM:SSZ or -Nd)")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_and_absolute_times() {
        let start = Timestamp::parse("2026-01-10T00:00:00Z").unwrap();
        assert_eq!(resolve_time("-9d", start).unwrap(), "2026-01-01T00:00:00Z");
        assert_eq!(resolve_time("+1d", start).unwrap(), "2026-01-11T00:00:00Z");
        assert_eq!(
            resolve_time("2025-03-01T12:00:00Z", start).unwrap(),
            "2025-03-01T12:00:00Z"
        );
        assert!(resolve_time("yesterday", start).is_err());
    }

    #[test]
    fn the_clock_moves_on_request() {
        use std::io::{Read, Write};
        let seed = Seed::from_json(r#"{"now": "2026-01-05T09:00:00Z"}"#).unwrap();
        let fake = FakeServices::start(&seed, 0, true).unwrap();
        let body = r#"{"days": 8}"#;
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", fake.server.port())).unwrap();
        write!(
            stream,
            "POST /_fake/clock HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        assert!(
            answer.ends_with(r#"{"now":"2026-01-13T09:00:00Z"}"#),
            "{answer}"
        );
        assert_eq!(fake.bugzilla.lock().unwrap().now(), "2026-01-13T09:00:00Z");
    }

    #[test]
    fn seeds_are_checked() {
        assert!(Seed::from_json(r#"{"packages": {"a": {"branch": []}}}"#).is_err());
        let seed = Seed::from_json(r#"{"packages": {"a": {}}}"#).unwrap();
        assert!(seed.packages["a"].epel && seed.packages["a"].branches.is_none());
    }
}
