//! `ebranch request --report FILE`: request every package of a closure that still needs
//! one, adopt existing requests, and link the bugs along the build graph.
//!
//! Each bug number is handed to the checkpoint (which saves the report) as soon as the bug
//! exists, so an interrupted batch loses nothing and a re-run files nothing twice.

use std::collections::{BTreeMap, BTreeSet};

use crate::bodhi::BodhiError;
use crate::bodhi::{UpdateStatus, best_update, release_for_branch};
use crate::branch::Branch;
use crate::bugzilla::{BugUpdate, BugzillaError};
use crate::report::{Class, Report, ReportError, UNKNOWN};
use crate::request::{BranchRequest, Filed, Verdict, earlier_requests, file_request, is_declined};
use crate::services::Services;

/// Options shared by every request of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchOptions {
    /// Target branch.
    pub target: Branch,
    /// Requester's FAS account when offering to co-maintain.
    pub fas: Option<String>,
    /// Offer the (deprecated) EPEL Packagers SIG as co-maintainer.
    pub sig: bool,
    /// Bugs each new request blocks (e.g. a tracker); none by default.
    pub blocks: Vec<u64>,
    /// EPEL 10 minor branches wanted.
    pub minors: Vec<String>,
}

impl BatchOptions {
    /// Defaults for `target`: no FAS, no SIG, no tracker.
    pub fn new(target: Branch) -> Self {
        Self {
            target,
            fas: None,
            sig: false,
            blocks: Vec::new(),
            minors: Vec::new(),
        }
    }
}

/// What happened to one package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The entry says `"skip": true`.
    Skipped,
    /// The target already has it (`class` available).
    Available,
    /// The analysis says it cannot be requested (blocked by base, unresolvable).
    NotRequestable(Class),
    /// An older version is in the target: it needs an update, not a branch.
    NeedsUpdate,
    /// dist-git already has the target branch.
    AlreadyBranched,
    /// Bodhi has an update for the target release.
    InBodhi {
        /// Update alias.
        alias: String,
        /// Its status.
        status: UpdateStatus,
    },
    /// The package is retired on this branch (`dead.package`).
    Retired {
        /// The retired branch.
        branch: String,
    },
    /// dist-git has no such package.
    NotInDistGit,
    /// The report already names its request.
    Known(u64),
    /// An open request filed earlier (by anyone) was adopted.
    Adopted(u64),
    /// A closed request stands: declined (`WONTFIX`, `CANTFIX`), or closed otherwise and
    /// worth a look; not filed again. (Requests closed `EOL`, or as duplicates of such,
    /// do not count: a new one is filed.)
    ClosedBefore {
        /// The most recent closed request.
        bug: u64,
        /// Its resolution.
        resolution: String,
    },
    /// A new request was filed.
    Filed(Filed),
    /// A service failed for this package; the batch went on.
    Failed(String),
}

impl Outcome {
    /// The request bug this outcome leaves in the report, if any.
    pub fn bug(&self) -> Option<u64> {
        match self {
            Self::Known(id) | Self::Adopted(id) => Some(*id),
            Self::Filed(f) => Some(f.id),
            _ => None,
        }
    }

    /// The bug a person should look at: the request in the report, or the earlier
    /// request that stands in the way of a new one.
    pub fn shown_bug(&self) -> Option<u64> {
        match self {
            Self::ClosedBefore { bug, .. } => Some(*bug),
            _ => self.bug(),
        }
    }
}

impl std::fmt::Display for Outcome {
    /// One line for the user, e.g. `filed bug 123 in Fedora EPEL epel10`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Skipped => f.write_str("skipped (marked skip)"),
            Self::Available => f.write_str("already in the target"),
            Self::NotRequestable(Class::BlockedByBase) => {
                f.write_str("not requested: the base distribution ships it too old")
            }
            Self::NotRequestable(_) => f.write_str("not requested: unresolvable"),
            Self::NeedsUpdate => f.write_str("in the target at an older version: needs an update"),
            Self::AlreadyBranched => f.write_str("already branched"),
            Self::InBodhi { alias, status } => write!(f, "update {alias} is {}", status.as_str()),
            Self::Retired { branch } => write!(f, "retired on {branch}"),
            Self::NotInDistGit => f.write_str("not in dist-git"),
            Self::Known(id) => write!(f, "request bug {id} (from the report)"),
            Self::Adopted(id) => write!(f, "adopted open request bug {id}"),
            Self::ClosedBefore { bug, resolution } if is_declined(resolution) => write!(
                f,
                "not filed again: the maintainer declined it (earlier request bug {bug} closed {resolution})"
            ),
            Self::ClosedBefore { bug, resolution } => write!(
                f,
                "not filed again: earlier request bug {bug} was closed {resolution}; see why there first"
            ),
            Self::Filed(filed) => {
                write!(
                    f,
                    "filed bug {} in {} {}",
                    filed.id, filed.product, filed.version
                )?;
                let earlier: Vec<String> = filed
                    .earlier
                    .iter()
                    .map(|(id, resolution)| format!("bug {id} closed {resolution}"))
                    .collect();
                if !earlier.is_empty() {
                    write!(f, " (asked again: {})", earlier.join(", "))?;
                }
                Ok(())
            }
            Self::Failed(message) => write!(f, "failed: {message}"),
        }
    }
}

/// `depends_on` added to one bug (or the error that stopped it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The dependent bug.
    pub bug: u64,
    /// Bugs added to its `depends_on`.
    pub added: Vec<u64>,
    /// Why the update failed, if it did.
    pub error: Option<String>,
}

/// The result of a batch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchSummary {
    /// Per package, in report order.
    pub packages: Vec<(String, Outcome)>,
    /// Link updates sent.
    pub links: Vec<Link>,
    /// Things the user should know (e.g. no Bodhi release for the target).
    pub notes: Vec<String>,
}

impl BatchSummary {
    /// Whether any package or link failed.
    pub fn has_failures(&self) -> bool {
        self.packages
            .iter()
            .any(|(_, o)| matches!(o, Outcome::Failed(_)))
            || self.links.iter().any(|l| l.error.is_some())
    }
}

/// Errors that stop a batch.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// Bodhi's release list could not be read (nothing was written yet).
    #[error("cannot list Bodhi releases: {0}")]
    Releases(#[from] BodhiError),
    /// The report could not be saved right after a bug was recorded in it.
    #[error("bug {bug} for {package} could not be saved in the report: {source}")]
    Checkpoint {
        /// Package.
        package: String,
        /// The bug number that must not be lost.
        bug: u64,
        /// Why saving failed.
        source: ReportError,
    },
}

/// Run the batch over `report`. `checkpoint` is called with the report every time a bug
/// number is recorded (pass a function that saves it; a no-op for dry runs).
pub fn request_batch(
    services: Services<'_>,
    report: &mut Report,
    options: &BatchOptions,
    checkpoint: &mut dyn FnMut(&Report) -> Result<(), ReportError>,
) -> Result<BatchSummary, BatchError> {
    let mut summary = BatchSummary::default();
    let releases = services.bodhi.releases()?;
    let release = release_for_branch(&releases, options.target.as_str()).map(|r| r.name.clone());
    if release.is_none() {
        summary.notes.push(format!(
            "Bodhi has no active release for branch {}; updates were not checked",
            options.target
        ));
    }
    let needed_by = reverse_build_edges(report);
    let names: Vec<String> = report.names().map(str::to_string).collect();
    let mut filed_now = BTreeSet::new();
    for package in names {
        let outcome = match decide(services, report, &package, options, release.as_deref()) {
            Ok(Decision::Done(outcome)) => outcome,
            Ok(Decision::File { earlier }) => {
                let mut request = BranchRequest::new(&package, options.target.clone());
                request.earlier = earlier;
                request.fas = options.fas.clone();
                request.sig = options.sig;
                request.blocks = options.blocks.clone();
                request.minors = options.minors.clone();
                request.needed_by = needed_by.get(&package).cloned().unwrap_or_default();
                match file_request(services.bugzilla, &request) {
                    Ok(filed) => {
                        filed_now.insert(filed.id);
                        Outcome::Filed(filed)
                    }
                    Err(e) => Outcome::Failed(e.to_string()),
                }
            }
            Err(message) => Outcome::Failed(message),
        };
        if let (Some(bug), Outcome::Adopted(_) | Outcome::Filed(_)) = (outcome.bug(), &outcome) {
            report.packages[&package].set_bug(bug);
            checkpoint(report).map_err(|source| BatchError::Checkpoint {
                package: package.clone(),
                bug,
                source,
            })?;
        }
        summary.packages.push((package, outcome));
    }
    summary.links = link(services, report, &filed_now);
    Ok(summary)
}

/// Everything short of filing.
fn decide(
    services: Services<'_>,
    report: &Report,
    package: &str,
    options: &BatchOptions,
    release: Option<&str>,
) -> Result<Decision, String> {
    let entry = &report.packages[package];
    if entry.skip() {
        return Ok(Decision::Done(Outcome::Skipped));
    }
    match entry.class() {
        Some(Class::Available) => return Ok(Decision::Done(Outcome::Available)),
        Some(c @ (Class::BlockedByBase | Class::Unresolvable)) => {
            return Ok(Decision::Done(Outcome::NotRequestable(c)));
        }
        // An update that breaks EPEL packages is still an update, not a branch request.
        Some(Class::Update | Class::IncompatibleUpdate) => {
            return Ok(Decision::Done(Outcome::NeedsUpdate));
        }
        Some(Class::New) | None => {}
    }
    if let Some(bug) = entry.bug() {
        return Ok(Decision::Done(Outcome::Known(bug)));
    }
    let target = options.target.as_str();
    let dist_git = services.dist_git;
    let Some(branches) = dist_git.branches(package).map_err(|e| e.to_string())? else {
        return Ok(Decision::Done(Outcome::NotInDistGit));
    };
    if branches.iter().any(|b| b == target) {
        let retired = dist_git
            .is_retired(package, target)
            .map_err(|e| e.to_string())?;
        return Ok(Decision::Done(if retired {
            Outcome::Retired {
                branch: target.to_string(),
            }
        } else {
            Outcome::AlreadyBranched
        }));
    }
    if dist_git
        .is_retired(package, "rawhide")
        .map_err(|e| e.to_string())?
    {
        return Ok(Decision::Done(Outcome::Retired {
            branch: "rawhide".into(),
        }));
    }
    if let Some(release) = release {
        let updates = services
            .bodhi
            .updates(package, release)
            .map_err(|e| e.to_string())?;
        if let Some(update) = best_update(&updates) {
            return Ok(Decision::Done(Outcome::InBodhi {
                alias: update.alias.clone(),
                status: update.status.clone(),
            }));
        }
    }
    let verdict = earlier_requests(services.bugzilla, package, &options.target)
        .map_err(|e: BugzillaError| e.to_string())?;
    Ok(match verdict {
        Verdict::Open(bug) => Decision::Done(Outcome::Adopted(bug.id)),
        Verdict::Closed(bug) => Decision::Done(Outcome::ClosedBefore {
            bug: bug.id,
            resolution: bug.resolution,
        }),
        Verdict::File { earlier } => Decision::File { earlier },
    })
}

/// What [`decide`] concluded.
enum Decision {
    /// Nothing to file.
    Done(Outcome),
    /// File a request, naming the earlier ones closed without a decision.
    File {
        /// Their numbers and resolutions.
        earlier: Vec<(u64, String)>,
    },
}

/// Package → report packages whose build needs it (sorted).
fn reverse_build_edges(report: &Report) -> BTreeMap<String, Vec<String>> {
    let mut reverse: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, entry) in &report.packages {
        for provider in entry.build_providers() {
            if provider != UNKNOWN && provider != *name {
                reverse.entry(provider).or_default().push(name.clone());
            }
        }
    }
    for users in reverse.values_mut() {
        users.sort();
        users.dedup();
    }
    reverse
}

/// Add `depends_on` links mirroring the build edges between packages that have bugs.
/// Bugs filed in this run start with no links, so only older bugs are read first.
fn link(services: Services<'_>, report: &Report, filed_now: &BTreeSet<u64>) -> Vec<Link> {
    let bug_of: BTreeMap<&str, u64> = report
        .packages
        .iter()
        .filter_map(|(name, entry)| entry.bug().map(|bug| (name.as_str(), bug)))
        .collect();
    let mut wanted: BTreeMap<u64, BTreeSet<u64>> = BTreeMap::new();
    for (name, bug) in &bug_of {
        for provider in report.packages[*name].build_providers() {
            if let Some(dep) = bug_of.get(provider.as_str()).filter(|d| **d != *bug) {
                wanted.entry(*bug).or_default().insert(*dep);
            }
        }
    }
    let to_read: Vec<u64> = wanted
        .keys()
        .copied()
        .filter(|b| !filed_now.contains(b))
        .collect();
    let mut links = Vec::new();
    let mut current: BTreeMap<u64, BTreeSet<u64>> = BTreeMap::new();
    if !to_read.is_empty() {
        match services.bugzilla.get(&to_read) {
            Ok(bugs) => {
                for bug in bugs {
                    current.insert(bug.id, bug.depends_on.into_iter().collect());
                }
            }
            Err(e) => {
                // Without the current links, adding could only repeat what is there: stop here.
                links.push(Link {
                    bug: to_read[0],
                    added: Vec::new(),
                    error: Some(e.to_string()),
                });
                return links;
            }
        }
    }
    for (bug, deps) in wanted {
        let have = current.get(&bug).cloned().unwrap_or_default();
        let add: Vec<u64> = deps.difference(&have).copied().collect();
        if add.is_empty() {
            continue;
        }
        let update = BugUpdate {
            add_depends_on: add.clone(),
            ..Default::default()
        };
        let error = services
            .bugzilla
            .update(bug, &update)
            .err()
            .map(|e| e.to_string());
        links.push(Link {
            bug,
            added: add,
            error,
        });
    }
    links
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::bugzilla::Bugzilla;
    use crate::fakes::{MemBodhi, MemBugzilla, MemDistGit, services};

    const REPORT: &str = r#"{
      "python-app": {"build": {"python-lib-a": ["python3dist(a)"], "python-lib-b": ["python3dist(b)"],
                               "python-retired": ["python3dist(r)"], "UNKNOWN": ["python3dist(x)"]},
                     "class": "new"},
      "python-avail": {"class": "available"},
      "python-branched": {},
      "python-testing": {},
      "python-retired": {},
      "python-open": {"build": {"python-lib-b": ["b"]}},
      "python-lib-a": {"build": {"python-lib-b": ["b"], "python-open": ["o"]}, "class": "new", "note": "kept"},
      "python-lib-b": {"class": "new"},
      "python-skip": {"skip": true},
      "python-base": {"class": "blocked-by-base"}
    }"#;

    fn world() -> (MemDistGit, MemBugzilla, MemBodhi) {
        let mut dg = MemDistGit::default();
        for p in [
            "python-app",
            "python-testing",
            "python-open",
            "python-lib-a",
            "python-lib-b",
            "python-retired",
        ] {
            dg.package(p, &["rawhide", "f42"]);
        }
        dg.package("python-branched", &["rawhide", "epel10", "epel10.0"]);
        dg.retired
            .insert(("python-retired".into(), "rawhide".into()));
        let bz = MemBugzilla {
            epel_components: ["python-app".into(), "python-lib-a".into()].into(),
            ..Default::default()
        };
        bz.add_bug(
            1_500_000,
            "python-open",
            "Please branch and build python-open in epel10",
            "NEW",
            "2025-01-01T00:00:00Z",
        );
        bz.add_bug(
            1_400_000,
            "python-open",
            "Please branch and build python-open in epel9",
            "NEW",
            "2024-01-01T00:00:00Z",
        );
        let mut bodhi = MemBodhi::default();
        bodhi.update("python-testing", "FEDORA-EPEL-2025-abc", "testing");
        (dg, bz, bodhi)
    }

    fn run(
        dg: &MemDistGit,
        bz: &MemBugzilla,
        bodhi: &MemBodhi,
        report: &mut Report,
    ) -> (BatchSummary, usize) {
        let mut saves = 0;
        let opts = BatchOptions::new(Branch::new("epel10"));
        let summary = request_batch(services(dg, bz, bodhi), report, &opts, &mut |_| {
            saves += 1;
            Ok(())
        })
        .unwrap();
        (summary, saves)
    }

    fn outcome<'a>(s: &'a BatchSummary, name: &str) -> &'a Outcome {
        &s.packages.iter().find(|(n, _)| n == name).unwrap().1
    }

    #[test]
    fn files_what_is_missing_adopts_and_links_then_rerun_writes_nothing() {
        let (dg, bz, bodhi) = world();
        let mut report = Report::from_json(REPORT, Path::new("r.json")).unwrap();
        let (s, saves) = run(&dg, &bz, &bodhi, &mut report);
        assert_eq!(outcome(&s, "python-avail"), &Outcome::Available);
        assert_eq!(outcome(&s, "python-branched"), &Outcome::AlreadyBranched);
        assert!(matches!(
            outcome(&s, "python-testing"),
            Outcome::InBodhi {
                status: UpdateStatus::Testing,
                ..
            }
        ));
        assert_eq!(
            outcome(&s, "python-retired"),
            &Outcome::Retired {
                branch: "rawhide".into()
            }
        );
        assert_eq!(outcome(&s, "python-open"), &Outcome::Adopted(1_500_000));
        assert_eq!(outcome(&s, "python-skip"), &Outcome::Skipped);
        assert_eq!(
            outcome(&s, "python-base"),
            &Outcome::NotRequestable(Class::BlockedByBase)
        );
        let filed: Vec<&str> = s
            .packages
            .iter()
            .filter(|(_, o)| matches!(o, Outcome::Filed(_)))
            .map(|(n, _)| n.as_str())
            .collect();
        assert_eq!(filed, vec!["python-app", "python-lib-a", "python-lib-b"]);
        let Outcome::Filed(b) = outcome(&s, "python-lib-b") else {
            panic!()
        };
        assert!(b.fell_back());
        assert_eq!(saves, 4, "one save per adopted or filed bug");
        assert!(!s.has_failures());

        let bug = |n: &str| report.packages[n].bug().unwrap();
        assert_eq!(report.packages["python-lib-a"].raw("note").unwrap(), "kept");
        let deps = |id: u64| {
            let mut d = bz.get(&[id]).unwrap()[0].depends_on.clone();
            d.sort();
            d
        };
        let mut app_deps = vec![bug("python-lib-a"), bug("python-lib-b")];
        app_deps.sort();
        assert_eq!(deps(bug("python-app")), app_deps);
        let mut a_deps = vec![bug("python-lib-b"), 1_500_000];
        a_deps.sort();
        assert_eq!(deps(bug("python-lib-a")), a_deps);
        assert_eq!(deps(1_500_000), vec![bug("python-lib-b")]);

        let app_bug = bug("python-app");
        let writes_before = bz.writes.borrow().len();
        let (again, saves) = run(&dg, &bz, &bodhi, &mut report);
        assert_eq!(
            bz.writes.borrow().len(),
            writes_before,
            "{:?}",
            bz.writes.borrow()
        );
        assert_eq!(saves, 0);
        assert!(again.links.is_empty());
        assert_eq!(outcome(&again, "python-app"), &Outcome::Known(app_bug));
    }

    #[test]
    fn a_failed_create_is_recorded_and_the_rest_go_on() {
        let (dg, bz, bodhi) = world();
        bz.fail_create.borrow_mut().insert("python-lib-a".into());
        let mut report = Report::from_json(REPORT, Path::new("r.json")).unwrap();
        let (s, _) = run(&dg, &bz, &bodhi, &mut report);
        assert!(matches!(outcome(&s, "python-lib-a"), Outcome::Failed(m) if m.contains("32000")));
        assert!(report.packages["python-lib-b"].bug().is_some());
        assert!(s.has_failures());
        let (again, _) = run(&dg, &bz, &bodhi, &mut report);
        assert!(matches!(outcome(&again, "python-lib-a"), Outcome::Filed(_)));
        assert!(matches!(outcome(&again, "python-lib-b"), Outcome::Known(_)));
    }

    #[test]
    fn closed_requests_are_not_refiled() {
        let (dg, bz, bodhi) = world();
        bz.add_bug(
            1_600_000,
            "python-lib-b",
            "Please branch and build python-lib-b in epel10",
            "CLOSED",
            "2025-01-01T00:00:00Z",
        );
        bz.bugs.borrow_mut().last_mut().unwrap().resolution = "WONTFIX".into();
        let mut report = Report::from_json(REPORT, Path::new("r.json")).unwrap();
        let (s, _) = run(&dg, &bz, &bodhi, &mut report);
        assert_eq!(
            outcome(&s, "python-lib-b"),
            &Outcome::ClosedBefore {
                bug: 1_600_000,
                resolution: "WONTFIX".into()
            }
        );
        assert_eq!(
            outcome(&s, "python-lib-b").to_string(),
            "not filed again: the maintainer declined it (earlier request bug 1600000 closed WONTFIX)"
        );
    }

    #[test]
    fn a_request_closed_eol_is_filed_again_and_linked() {
        let (dg, bz, bodhi) = world();
        bz.add_bug(
            1_600_000,
            "python-lib-b",
            "Please branch python-lib-b for EPEL 10",
            "CLOSED",
            "2024-01-01T00:00:00Z",
        );
        bz.bugs.borrow_mut().last_mut().unwrap().resolution = "EOL".into();
        let mut report = Report::from_json(REPORT, Path::new("r.json")).unwrap();
        let (s, _) = run(&dg, &bz, &bodhi, &mut report);
        let Outcome::Filed(filed) = outcome(&s, "python-lib-b") else {
            panic!("{:?}", outcome(&s, "python-lib-b"))
        };
        assert_eq!(filed.earlier, vec![(1_600_000, "EOL".to_string())]);
        assert!(
            outcome(&s, "python-lib-b")
                .to_string()
                .ends_with("(asked again: bug 1600000 closed EOL)")
        );
        let lib_b = filed.id;
        let app = report.packages["python-app"].bug().unwrap();
        assert!(bz.get(&[app]).unwrap()[0].depends_on.contains(&lib_b));
    }

    #[test]
    fn a_checkpoint_failure_names_the_bug() {
        let (dg, bz, bodhi) = world();
        let mut report = Report::from_json(REPORT, Path::new("r.json")).unwrap();
        let opts = BatchOptions::new(Branch::new("epel10"));
        let err = request_batch(services(&dg, &bz, &bodhi), &mut report, &opts, &mut |_| {
            Err(ReportError::Write {
                path: "r.json".into(),
                source: std::io::Error::other("disk full"),
            })
        })
        .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("bug 2000002 for python-app could not be saved"),
            "{err}"
        );
    }
}
