//! In-memory services for unit tests of the decision code.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use crate::bodhi::{Bodhi, BodhiError, Release, Update, UpdateStatus};
use crate::bugzilla::{Bug, BugSearch, BugUpdate, Bugzilla, BugzillaError, Comment, NewBug};
use crate::http::Method;
use crate::pagure::{Access, DistGit, DistGitError};
use crate::services::Services;
use crate::time::Timestamp;

#[derive(Default)]
pub struct MemDistGit {
    pub branches: BTreeMap<String, Vec<String>>,
    pub retired: BTreeSet<(String, String)>,
    pub owners: BTreeMap<String, Vec<String>>,
}

impl MemDistGit {
    pub fn package(&mut self, name: &str, branches: &[&str]) {
        self.branches.insert(
            name.into(),
            branches.iter().map(|b| b.to_string()).collect(),
        );
    }
}

impl DistGit for MemDistGit {
    fn branches(&self, package: &str) -> Result<Option<Vec<String>>, DistGitError> {
        Ok(self.branches.get(package).cloned())
    }
    fn is_retired(&self, package: &str, branch: &str) -> Result<bool, DistGitError> {
        Ok(self
            .retired
            .contains(&(package.to_string(), branch.to_string())))
    }
    fn access(&self, package: &str) -> Result<Option<Access>, DistGitError> {
        Ok(self.owners.get(package).map(|o| Access {
            owners: o.clone(),
            users: o.clone(),
            ..Default::default()
        }))
    }
}

pub struct MemBodhi {
    pub releases: Vec<Release>,
    pub updates: BTreeMap<String, Vec<Update>>,
}

impl Default for MemBodhi {
    fn default() -> Self {
        Self {
            releases: vec![Release {
                name: "EPEL-10.1".into(),
                branch: "epel10".into(),
                version: "10".into(),
                dist_tag: "epel10.1".into(),
                state: "current".into(),
            }],
            updates: BTreeMap::new(),
        }
    }
}

impl MemBodhi {
    pub fn update(&mut self, package: &str, alias: &str, status: &str) {
        self.updates
            .entry(package.into())
            .or_default()
            .push(Update {
                alias: alias.into(),
                status: UpdateStatus::parse(status),
                builds: vec![],
            });
    }
}

impl Bodhi for MemBodhi {
    fn releases(&self) -> Result<Vec<Release>, BodhiError> {
        Ok(self.releases.clone())
    }
    fn updates(&self, package: &str, release: &str) -> Result<Vec<Update>, BodhiError> {
        assert_eq!(release, "EPEL-10.1");
        Ok(self.updates.get(package).cloned().unwrap_or_default())
    }
}

/// Bugzilla in memory: components known per product, a bug table, a write log.
#[derive(Default)]
pub struct MemBugzilla {
    pub bugs: RefCell<Vec<Bug>>,
    pub comments: RefCell<BTreeMap<u64, Vec<Comment>>>,
    pub epel_components: BTreeSet<String>,
    pub fail_create: RefCell<BTreeSet<String>>,
    pub writes: RefCell<Vec<String>>,
}

impl MemBugzilla {
    pub fn add_bug(&self, id: u64, component: &str, summary: &str, status: &str, created: &str) {
        let bug: Bug = serde_json::from_value(serde_json::json!({
            "id": id, "component": [component], "summary": summary, "status": status,
            "product": "Fedora EPEL", "creator": "someone@example.com",
            "assigned_to": "maint@example.com", "creation_time": created,
        }))
        .unwrap();
        self.bugs.borrow_mut().push(bug);
    }

    fn api(code: i64, message: &str) -> BugzillaError {
        BugzillaError::Api {
            method: Method::Post,
            url: "mem://bugzilla/rest/bug".into(),
            status: 404,
            code,
            message: message.into(),
        }
    }
}

impl Bugzilla for MemBugzilla {
    fn search(&self, search: &BugSearch) -> Result<Vec<Bug>, BugzillaError> {
        Ok(self
            .bugs
            .borrow()
            .iter()
            .filter(|b| search.component.as_deref().is_none_or(|c| c == b.component))
            .cloned()
            .collect())
    }
    fn get(&self, ids: &[u64]) -> Result<Vec<Bug>, BugzillaError> {
        Ok(self
            .bugs
            .borrow()
            .iter()
            .filter(|b| ids.contains(&b.id))
            .cloned()
            .collect())
    }
    fn resolve(&self, id_or_alias: &str) -> Result<u64, BugzillaError> {
        match id_or_alias {
            "EPELPackagersSIG" => Ok(1_000),
            _ => Err(Self::api(100, "no such alias")),
        }
    }
    fn create(&self, bug: &NewBug) -> Result<u64, BugzillaError> {
        self.writes.borrow_mut().push(format!(
            "create {} {} {}",
            bug.product, bug.component, bug.version
        ));
        if self.fail_create.borrow_mut().remove(&bug.component) {
            return Err(Self::api(32000, "Internal error"));
        }
        if bug.product == "Fedora EPEL" && !self.epel_components.contains(&bug.component) {
            return Err(Self::api(
                51,
                &format!(
                    "There is no component named '{}' in the 'Fedora EPEL' product.",
                    bug.component
                ),
            ));
        }
        let id = 2_000_000 + self.bugs.borrow().len() as u64;
        let mut created: Bug = serde_json::from_value(serde_json::json!({"id": id})).unwrap();
        created.component = bug.component.clone();
        created.summary = bug.summary.clone();
        created.product = bug.product.clone();
        created.status = "NEW".into();
        created.creation_time = Some(Timestamp::UNIX_EPOCH);
        self.bugs.borrow_mut().push(created);
        Ok(id)
    }
    fn update(&self, id: u64, update: &BugUpdate) -> Result<(), BugzillaError> {
        self.writes
            .borrow_mut()
            .push(format!("update {id} {}", update.to_json()));
        let mut bugs = self.bugs.borrow_mut();
        let bug = bugs
            .iter_mut()
            .find(|b| b.id == id)
            .ok_or_else(|| Self::api(101, "no bug"))?;
        for dep in &update.add_depends_on {
            if !bug.depends_on.contains(dep) {
                bug.depends_on.push(*dep);
            }
        }
        Ok(())
    }
    fn comments(&self, id: u64) -> Result<Vec<Comment>, BugzillaError> {
        Ok(self.comments.borrow().get(&id).cloned().unwrap_or_default())
    }
}

/// The three fakes as a `Services` bundle.
pub fn services<'a>(d: &'a MemDistGit, b: &'a MemBugzilla, o: &'a MemBodhi) -> Services<'a> {
    Services {
        dist_git: d,
        bugzilla: b,
        bodhi: o,
    }
}
