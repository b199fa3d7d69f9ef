//! Fakes of dist-git (Pagure API) and Bodhi in the services' documented shapes. Strict
//! (the default) they answer only for packages the test declared; lenient (the
//! `fake-services` example) they treat other packages as unknown to dist-git and without
//! updates.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde_json::{Value, json};

use super::server::{FakeServer, Reply, Seen};

/// dist-git: declared packages with branches; `missing` ones answer ENOPROJECT.
#[derive(Default, Clone)]
pub struct DistGitWorld {
    /// Package → its branches.
    pub packages: BTreeMap<String, Vec<String>>,
    /// Packages that answer "Project not found".
    pub missing: BTreeSet<String>,
    /// (package, branch) pairs holding `dead.package`.
    pub retired: BTreeSet<(String, String)>,
    /// Package → its main admin.
    pub owners: BTreeMap<String, String>,
    /// Undeclared packages answer "Project not found" instead of failing the test.
    pub lenient: bool,
}

impl DistGitWorld {
    /// Declare `name` with `branches` (its owner is `NAME-owner`).
    pub fn package(mut self, name: &str, branches: &[&str]) -> Self {
        self.packages.insert(
            name.into(),
            branches.iter().map(|b| b.to_string()).collect(),
        );
        self.owners.insert(name.into(), format!("{name}-owner"));
        self
    }

    /// Declare `name` as not in dist-git.
    pub fn missing(mut self, name: &str) -> Self {
        self.missing.insert(name.into());
        self
    }

    /// Declare `branch` of `name` retired.
    pub fn retired(mut self, name: &str, branch: &str) -> Self {
        self.retired.insert((name.into(), branch.into()));
        self
    }

    /// Serve this world on its own loopback server.
    pub fn start(self) -> FakeServer {
        FakeServer::start(Arc::new(move |seen: &Seen| self.handle(seen)))
    }

    /// Answer one request; `None` for anything undeclared.
    pub fn handle(&self, seen: &Seen) -> Option<Reply> {
        if seen.method != "GET" {
            return None;
        }
        let known = |pkg: &str| self.packages.contains_key(pkg);
        let parts: Vec<&str> = seen.path.trim_start_matches('/').split('/').collect();
        let not_found = || {
            Reply::json(
                404,
                json!({"error": "Project not found", "error_code": "ENOPROJECT"}),
            )
        };
        match parts.as_slice() {
            ["api", "0", "rpms", pkg, "git", "branches"] => {
                if self.missing.contains(*pkg) || (self.lenient && !known(pkg)) {
                    return Some(not_found());
                }
                let branches = self.packages.get(*pkg)?;
                Some(Reply::json(
                    200,
                    json!({"total_branches": branches.len(), "branches": branches}),
                ))
            }
            ["rpms", pkg, "raw", branch, "f", "dead.package"] => {
                if self.lenient && !known(pkg) {
                    return Some(Reply::text(404, "<html>Not found</html>"));
                }
                self.packages.get(*pkg)?;
                Some(
                    if self
                        .retired
                        .contains(&(pkg.to_string(), branch.to_string()))
                    {
                        Reply::text(200, "Retired: orphaned for 6+ weeks\n")
                    } else {
                        Reply::text(404, "<html>Not found</html>")
                    },
                )
            }
            ["api", "0", "rpms", pkg] => {
                if self.missing.contains(*pkg) || (self.lenient && !known(pkg)) {
                    return Some(not_found());
                }
                let owner = self.owners.get(*pkg)?;
                Some(Reply::json(
                    200,
                    json!({
                        "id": 1, "name": pkg, "fullname": format!("rpms/{pkg}"), "namespace": "rpms",
                        "user": {"name": owner, "fullname": owner},
                        "access_users": {"owner": [owner], "admin": ["coadmin"], "commit": ["committer"],
                                         "collaborator": ["helper"], "ticket": []},
                        "access_groups": {"admin": [], "commit": ["python-packagers-sig"], "collaborator": [], "ticket": []},
                        "date_created": "1500000000", "date_modified": "1700000000",
                    }),
                ))
            }
            _ => None,
        }
    }
}

/// Bodhi: releases like the recorded EPEL 10 data (EPEL-10.0, EPEL-9 and EPEL-10.1, whose
/// branch is `epel10`, on two pages), and updates per declared package in EPEL-10.1.
#[derive(Default, Clone)]
pub struct BodhiWorld {
    /// Package → its updates `(alias, status)`.
    pub updates: BTreeMap<String, Vec<(String, String)>>,
    /// Undeclared packages have no updates (instead of failing the test).
    pub lenient: bool,
}

impl BodhiWorld {
    /// Declare `package` with updates `(alias, status)` in EPEL-10.1 (may be empty).
    pub fn package(mut self, name: &str, updates: &[(&str, &str)]) -> Self {
        self.updates.insert(
            name.into(),
            updates
                .iter()
                .map(|(a, s)| (a.to_string(), s.to_string()))
                .collect(),
        );
        self
    }

    /// Serve this world on its own loopback server.
    pub fn start(self) -> FakeServer {
        FakeServer::start(Arc::new(move |seen: &Seen| self.handle(seen)))
    }

    /// Answer one request; `None` for anything undeclared.
    pub fn handle(&self, seen: &Seen) -> Option<Reply> {
        if seen.method != "GET"
            || seen.headers.get("accept").map(String::as_str) != Some("application/json")
        {
            return None;
        }
        match seen.path.as_str() {
            "/releases/" => {
                let page: u32 = seen.param("page")?.parse().ok()?;
                let releases = match page {
                    1 => vec![
                        release("EPEL-10.0", "10.0", "epel10.0", "epel10.0"),
                        release("EPEL-9", "9", "epel9", "epel9"),
                    ],
                    2 => vec![release("EPEL-10.1", "10", "epel10", "epel10.1")],
                    _ => return None,
                };
                Some(Reply::json(
                    200,
                    json!({"releases": releases, "page": page, "pages": 2, "rows_per_page": 2, "total": 3}),
                ))
            }
            "/updates/" => {
                let release = seen.param("releases")?;
                let listed = ["EPEL-10.0", "EPEL-9", "EPEL-10.1"].contains(&release);
                // As the real Bodhi: any listed release may be asked about.
                if !listed {
                    return Some(Reply::json(
                        400,
                        json!({"status": "error", "errors": [{"location": "querystring",
                        "name": "releases", "description": format!("Invalid releases specified: {release}")}]}),
                    ));
                }
                let pkg = seen.param("packages")?;
                let none = Vec::new();
                let declared = match self.updates.get(pkg) {
                    Some(list) => list,
                    None if self.lenient => &none,
                    None => return None,
                };
                let declared = if release == "EPEL-10.1" {
                    declared
                } else {
                    &none
                };
                let updates: Vec<Value> = declared
                    .iter()
                    .map(|(alias, status)| json!({
                        "alias": alias, "updateid": alias, "status": status, "request": null, "type": "newpackage",
                        "title": format!("{pkg}-1.0-1.el10_1"), "karma": 0,
                        "builds": [{"nvr": format!("{pkg}-1.0-1.el10_1"), "epoch": 0, "signed": true}],
                        "release": {"name": "EPEL-10.1", "branch": "epel10", "version": "10"},
                        "date_submitted": "2025-02-01 10:00:00",
                    }))
                    .collect();
                Some(Reply::json(
                    200,
                    json!({"updates": updates, "page": 1, "pages": 1, "rows_per_page": 100,
                    "total": updates.len(), "chrome": true, "display_user": true, "display_request": true, "package": null}),
                ))
            }
            _ => None,
        }
    }
}

fn release(name: &str, version: &str, branch: &str, dist_tag: &str) -> Value {
    json!({"name": name, "long_name": format!("Fedora {name}"), "version": version, "id_prefix": "FEDORA-EPEL",
           "branch": branch, "dist_tag": dist_tag, "stable_tag": dist_tag,
           "testing_tag": format!("{dist_tag}-testing"), "candidate_tag": format!("{dist_tag}-testing-candidate"),
           "state": "current", "composed_by_bodhi": true, "mandatory_days_in_testing": 7})
}
