//! A fake of Bodhi's `GET /updates/` written from Bodhi's documented behaviour
//! (`ListUpdateSchema`, the cornice error shape, the paginated answer), for `ebranch
//! stats`: it filters by `releases`, `user`, `type`, `status`, `packages` (each repeated or
//! comma/space separated, "any of"), `submitted_since` (inclusive) and `submitted_before`
//! (exclusive), sorts newest `date_submitted` first, and pages with `rows_per_page`
//! (1–1000, default 20) and `page`. Unknown releases and bad page sizes are HTTP 400 in
//! cornice's shape. Chosen pages can answer 503 once, as an overloaded Bodhi does.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use super::server::{FakeServer, Reply, Seen};
use crate::time::Timestamp;

/// One update the fake knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeUpdate {
    /// `FEDORA-EPEL-2022-…`.
    pub alias: String,
    /// Submitter.
    pub user: String,
    /// Release name, e.g. `EPEL-9`.
    pub release: String,
    /// `newpackage`, `bugfix`, ...
    pub update_type: String,
    /// `stable`, `testing`, ...
    pub status: String,
    /// Build NVRs.
    pub builds: Vec<String>,
    /// `YYYY-MM-DD HH:MM:SS`.
    pub date_submitted: String,
    /// `YYYY-MM-DD HH:MM:SS`, when stable.
    pub date_stable: Option<String>,
}

/// The fake's state: its updates, the releases it knows, and the pages that fail once.
#[derive(Debug, Default)]
pub struct UpdatesWorld {
    /// All updates.
    pub updates: Vec<FakeUpdate>,
    /// Release names accepted in `releases`.
    pub releases: BTreeSet<String>,
    /// Pages (at any page size) that answer 503 the first time they are asked for.
    pub fail_once: Mutex<BTreeSet<u32>>,
}

impl UpdatesWorld {
    /// Serve on a loopback port.
    pub fn start(self) -> (FakeServer, Arc<UpdatesWorld>) {
        let world = Arc::new(self);
        let handler = world.clone();
        (
            FakeServer::start(Arc::new(move |seen: &Seen| handler.handle(seen))),
            world,
        )
    }

    /// Answer one request; `None` for anything Bodhi would not be asked here.
    pub fn handle(&self, seen: &Seen) -> Option<Reply> {
        if seen.method != "GET"
            || seen.path != "/updates/"
            || seen.headers.get("accept").map(String::as_str) != Some("application/json")
        {
            return None;
        }
        let list = |name: &str| -> Vec<String> {
            seen.params(name)
                .iter()
                .flat_map(|v| v.split([',', ' ']))
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
                .collect()
        };
        let releases = list("releases");
        if let Some(bad) = releases.iter().find(|r| !self.releases.contains(*r)) {
            return Some(invalid(
                "releases",
                &format!("Invalid releases specified: {bad}"),
            ));
        }
        let rows: u32 = match seen.param("rows_per_page").map(str::parse) {
            None => 20,
            Some(Ok(n)) if (1..=1000).contains(&n) => n,
            Some(_) => {
                return Some(invalid(
                    "rows_per_page",
                    "1000 is greater than maximum value 1000",
                ));
            }
        };
        let page: u32 = match seen.param("page").map(str::parse) {
            None => 1,
            Some(Ok(n)) if n >= 1 => n,
            Some(_) => return Some(invalid("page", "0 is less than minimum value 1")),
        };
        let since = match seen.param("submitted_since").map(Timestamp::parse) {
            Some(None) => return Some(invalid("submitted_since", "Invalid date")),
            other => other.flatten(),
        };
        let before = match seen.param("submitted_before").map(Timestamp::parse) {
            Some(None) => return Some(invalid("submitted_before", "Invalid date")),
            other => other.flatten(),
        };
        if self.fail_once.lock().unwrap().remove(&page) {
            return Some(Reply::with_type(
                503,
                "<html><body><h1>503 Service Unavailable</h1></body></html>".into(),
                "text/html",
            ));
        }
        let (users, types, statuses, packages) =
            (list("user"), list("type"), list("status"), list("packages"));
        let any =
            |wanted: &[String], value: &str| wanted.is_empty() || wanted.iter().any(|w| w == value);
        let mut matching: Vec<&FakeUpdate> = self
            .updates
            .iter()
            .filter(|u| any(&releases, &u.release) && any(&users, &u.user))
            .filter(|u| any(&types, &u.update_type) && any(&statuses, &u.status))
            .filter(|u| {
                packages.is_empty()
                    || u.builds
                        .iter()
                        .any(|b| packages.iter().any(|p| crate::stats::name_of_nvr(b) == p))
            })
            .filter(|u| {
                let submitted = Timestamp::parse(&u.date_submitted);
                since.is_none_or(|s| submitted.is_some_and(|t| t >= s))
                    && before.is_none_or(|b| submitted.is_some_and(|t| t < b))
            })
            .collect();
        matching.sort_by(|a, b| b.date_submitted.cmp(&a.date_submitted));
        let total = matching.len();
        let pages = total.div_ceil(rows as usize);
        let shown: Vec<Value> = matching
            .iter()
            .skip((page as usize - 1) * rows as usize)
            .take(rows as usize)
            .map(|u| update_json(u))
            .collect();
        Some(Reply::json(
            200,
            json!({"updates": shown, "page": page, "pages": pages, "rows_per_page": rows,
                   "total": total, "chrome": true, "display_user": true,
                   "display_request": true, "package": null}),
        ))
    }
}

/// Cornice's error body for a bad query-string value.
fn invalid(name: &str, description: &str) -> Reply {
    Reply::json(
        400,
        json!({"status": "error", "errors": [{"location": "querystring", "name": name,
               "description": description}]}),
    )
}

/// An update in the shape of Bodhi's answers (`EXAMPLE_QUERY_MUNCH`).
fn update_json(u: &FakeUpdate) -> Value {
    let version = u.release.trim_start_matches("EPEL-");
    json!({
        "alias": u.alias, "updateid": u.alias, "title": u.builds.join(" "),
        "type": u.update_type, "status": u.status, "request": null, "severity": "unspecified",
        "karma": 0, "stable_karma": 3, "unstable_karma": -3, "autokarma": true,
        "critpath": false, "pushed": u.status == "stable", "locked": false,
        "builds": u.builds.iter().map(|nvr| json!({"nvr": nvr, "epoch": 0, "signed": true})).collect::<Vec<_>>(),
        "release": {"name": u.release, "long_name": format!("Fedora {}", u.release),
                    "version": version, "branch": format!("epel{version}"),
                    "id_prefix": "FEDORA-EPEL", "dist_tag": format!("epel{version}"),
                    "state": "current"},
        "user": {"id": 1, "name": u.user, "email": null},
        "date_submitted": u.date_submitted,
        "date_testing": u.date_submitted,
        "date_stable": u.date_stable,
        "date_pushed": u.date_stable,
        "date_modified": null,
        "notes": "New package for EPEL", "bugs": [], "comments": [],
        "url": format!("https://bodhi.fedoraproject.org/updates/{}", u.alias),
    })
}
