//! `ebranch status FILE`: refresh where each package stands (branched, built, testing,
//! stable; request open, closed or stalled). [`State::is_done`] tells which packages the
//! remaining plan can leave out (the CLI plans with `ebranch-plan`).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::bodhi::{BodhiError, best_update, release_for_branch};
use crate::branch::Branch;
use crate::bugzilla::BugzillaError;
use crate::followup::assess;
use crate::report::{Class, Report};
use crate::services::Services;
use crate::time::Timestamp;

/// Where a package stands, from furthest along to least.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    /// The target had it all along.
    Available,
    /// A stable update exists in the target release.
    Stable,
    /// An update is in testing.
    Testing,
    /// An update is submitted but not pushed.
    Built,
    /// The branch exists; no update seen.
    Branched,
    /// A request is open.
    Requested,
    /// Nothing yet.
    Missing,
    /// Retired in dist-git.
    Retired,
    /// Not in dist-git at all.
    NotInDistGit,
    /// Marked `skip` in the report.
    Skipped,
    /// Classified blocked-by-base or unresolvable.
    NotRequestable,
    /// A service failed; see `error`.
    Unknown,
}

impl State {
    /// Whether the package no longer needs work before its dependents can build.
    pub fn is_done(self) -> bool {
        matches!(self, Self::Available | Self::Stable | Self::Skipped)
    }
}

impl State {
    /// The report's spelling, e.g. `not-in-dist-git`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Available => "available",
            Self::Stable => "stable",
            Self::Testing => "testing",
            Self::Built => "built",
            Self::Branched => "branched",
            Self::Requested => "requested",
            Self::Missing => "missing",
            Self::Retired => "retired",
            Self::NotInDistGit => "not-in-dist-git",
            Self::Skipped => "skipped",
            Self::NotRequestable => "not-requestable",
            Self::Unknown => "unknown",
        }
    }
}

impl std::fmt::Display for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How the branch request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RequestState {
    /// Open and answered, or not yet due a reminder.
    Open,
    /// Open without a response for a week or more.
    Stalled,
    /// Closed.
    Closed,
}

/// The request part of a status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestStatus {
    /// Bug number.
    pub bug: u64,
    /// Bugzilla status, e.g. `NEW`.
    pub bug_status: String,
    /// Resolution when closed.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub resolution: String,
    /// Open, stalled or closed.
    pub state: RequestState,
}

/// The Bodhi part of a status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateRef {
    /// Update alias.
    pub alias: String,
    /// `pending`, `testing` or `stable`.
    pub status: String,
}

/// The `status` object written into each report entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageStatus {
    /// Summary state.
    pub state: State,
    /// Whether dist-git has the target branch (when checked).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branched: Option<bool>,
    /// Furthest-along update in the target release.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update: Option<UpdateRef>,
    /// The branch request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<RequestStatus>,
    /// A service error met while checking.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// When this was checked.
    pub checked: Timestamp,
}

/// Errors that stop a status refresh.
#[derive(Debug, thiserror::Error)]
pub enum StatusError {
    /// Bodhi's release list could not be read.
    #[error("cannot list Bodhi releases: {0}")]
    Releases(#[from] BodhiError),
    /// The report's bugs could not be read.
    #[error("cannot read the requests: {0}")]
    Bugzilla(#[from] BugzillaError),
}

/// Options for a refresh.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusOptions {
    /// Target branch.
    pub target: Branch,
    /// Our Bugzilla login, when it differs from the reporters'.
    pub me: Option<String>,
    /// The current time.
    pub now: Timestamp,
}

/// Refresh every entry's `status` in `report` (the caller saves it) and return them.
pub fn refresh_status(
    services: Services<'_>,
    report: &mut Report,
    options: &StatusOptions,
) -> Result<Vec<(String, PackageStatus)>, StatusError> {
    let releases = services.bodhi.releases()?;
    let release = release_for_branch(&releases, options.target.as_str()).map(|r| r.name.clone());
    let ids: Vec<u64> = report.packages.values().filter_map(|e| e.bug()).collect();
    let bugs = if ids.is_empty() {
        Vec::new()
    } else {
        services.bugzilla.get(&ids)?
    };
    let requesters: Vec<String> = options.me.iter().cloned().collect();
    let names: Vec<String> = report.names().map(str::to_string).collect();
    let mut all = Vec::new();
    for name in names {
        let entry = &report.packages[&name];
        let mut status = PackageStatus {
            state: State::Missing,
            branched: None,
            update: None,
            request: None,
            error: None,
            checked: options.now,
        };
        if let Some(id) = entry.bug() {
            status.request = Some(match bugs.iter().find(|b| b.id == id) {
                Some(bug) => {
                    let state = if !bug.is_open() {
                        RequestState::Closed
                    } else {
                        match services.bugzilla.comments(id) {
                            Ok(comments) => {
                                let a = assess(bug, &comments, &requesters, options.now);
                                if a.is_stalled() {
                                    RequestState::Stalled
                                } else {
                                    RequestState::Open
                                }
                            }
                            Err(e) => {
                                status.error = Some(e.to_string());
                                RequestState::Open
                            }
                        }
                    };
                    RequestStatus {
                        bug: id,
                        bug_status: bug.status.clone(),
                        resolution: bug.resolution.clone(),
                        state,
                    }
                }
                None => {
                    status.error = Some(format!("bug {id} was not returned by Bugzilla"));
                    RequestStatus {
                        bug: id,
                        bug_status: String::new(),
                        resolution: String::new(),
                        state: RequestState::Closed,
                    }
                }
            });
        }
        status.state = if entry.skip() {
            State::Skipped
        } else {
            match entry.class() {
                Some(Class::Available) => State::Available,
                Some(Class::BlockedByBase | Class::Unresolvable) => State::NotRequestable,
                _ => match probe(
                    services,
                    &name,
                    &options.target,
                    release.as_deref(),
                    &mut status,
                ) {
                    Ok(state) => state,
                    Err(e) => {
                        status.error = Some(e);
                        State::Unknown
                    }
                },
            }
        };
        let value = serde_json::to_value(&status).unwrap_or(Value::Null);
        report.packages[&name].set_status(value);
        all.push((name, status));
    }
    Ok(all)
}

/// Ask dist-git and Bodhi; fill `branched`/`update` and return the state.
fn probe(
    services: Services<'_>,
    package: &str,
    target: &Branch,
    release: Option<&str>,
    status: &mut PackageStatus,
) -> Result<State, String> {
    let Some(branches) = services
        .dist_git
        .branches(package)
        .map_err(|e| e.to_string())?
    else {
        return Ok(State::NotInDistGit);
    };
    let branched = branches.iter().any(|b| b == target.as_str());
    status.branched = Some(branched);
    let retired_on = if branched { target.as_str() } else { "rawhide" };
    if services
        .dist_git
        .is_retired(package, retired_on)
        .map_err(|e| e.to_string())?
    {
        return Ok(State::Retired);
    }
    if let Some(release) = release {
        let updates = services
            .bodhi
            .updates(package, release)
            .map_err(|e| e.to_string())?;
        if let Some(update) = best_update(&updates) {
            status.update = Some(UpdateRef {
                alias: update.alias.clone(),
                status: update.status.as_str().to_string(),
            });
            return Ok(match update.status.rank() {
                3 => State::Stable,
                2 => State::Testing,
                _ => State::Built,
            });
        }
    }
    let requested = status
        .request
        .as_ref()
        .is_some_and(|r| r.state != RequestState::Closed);
    Ok(if branched {
        State::Branched
    } else if requested {
        State::Requested
    } else {
        State::Missing
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::fakes::{MemBodhi, MemBugzilla, MemDistGit, services};

    #[test]
    fn refresh_every_state() {
        let mut dg = MemDistGit::default();
        dg.package("stable", &["rawhide", "epel10"]);
        dg.package("testing", &["rawhide", "epel10"]);
        dg.package("branched", &["rawhide", "epel10"]);
        dg.package("requested", &["rawhide"]);
        dg.package("stalled", &["rawhide"]);
        dg.package("missing", &["rawhide"]);
        dg.package("gone", &["rawhide"]);
        dg.retired.insert(("gone".into(), "rawhide".into()));
        let mut bodhi = MemBodhi::default();
        bodhi.update("stable", "U1", "stable");
        bodhi.update("testing", "U2", "testing");
        let bz = MemBugzilla::default();
        bz.add_bug(
            1,
            "requested",
            "Please branch and build requested in epel10",
            "NEW",
            "2025-03-10T00:00:00Z",
        );
        bz.add_bug(
            2,
            "stalled",
            "Please branch and build stalled in epel10",
            "NEW",
            "2025-03-01T00:00:00Z",
        );
        let mut report = Report::from_json(
            r#"{
              "app": {"class": "available"},
              "top": {"build": {"testing": [], "branched": [], "requested": []}},
              "stable": {}, "testing": {"build": {"stable": []}}, "branched": {"build": {"stalled": []}},
              "requested": {"bug": 1, "build": {"stalled": [], "missing": []}}, "stalled": {"bug": 2},
              "missing": {"build": {"UNKNOWN": ["x"]}}, "gone": {}, "nodg": {}
            }"#,
            Path::new("r"),
        )
        .unwrap();
        let opts = StatusOptions {
            target: Branch::new("epel10"),
            me: None,
            now: Timestamp::parse("2025-03-12T00:00:00Z").unwrap(),
        };
        let all = refresh_status(services(&dg, &bz, &bodhi), &mut report, &opts).unwrap();
        let state = |n: &str| all.iter().find(|(p, _)| p == n).unwrap().1.state;
        assert_eq!(state("app"), State::Available);
        assert_eq!(state("stable"), State::Stable);
        assert_eq!(state("testing"), State::Testing);
        assert_eq!(state("branched"), State::Branched);
        assert_eq!(state("requested"), State::Requested);
        assert_eq!(state("stalled"), State::Requested);
        assert_eq!(state("missing"), State::Missing);
        assert_eq!(state("gone"), State::Retired);
        assert_eq!(state("nodg"), State::NotInDistGit);
        let req = |n: &str| {
            all.iter()
                .find(|(p, _)| p == n)
                .unwrap()
                .1
                .request
                .clone()
                .unwrap()
        };
        assert_eq!(req("requested").state, RequestState::Open);
        assert_eq!(req("stalled").state, RequestState::Stalled);

        let written = report.packages["testing"].status().unwrap();
        assert_eq!(written["state"], "testing");
        assert_eq!(written["update"]["alias"], "U2");
        assert_eq!(written["checked"], "2025-03-12T00:00:00Z");
    }
}
