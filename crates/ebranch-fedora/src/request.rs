//! One branch request: find an existing one, or file it in `Fedora EPEL` (falling back
//! to `Fedora`/`rawhide` only when the component is missing there).

use crate::branch::Branch;
use crate::bugzilla::{Bug, BugSearch, Bugzilla, BugzillaError, NewBug, is_branch_request_for};
use crate::templates::{self, RequestText};

/// The EPEL product in Bugzilla.
pub const EPEL_PRODUCT: &str = "Fedora EPEL";
/// The product used when the component does not exist in [`EPEL_PRODUCT`].
pub const FALLBACK_PRODUCT: &str = "Fedora";
/// The version used with [`FALLBACK_PRODUCT`].
pub const FALLBACK_VERSION: &str = "rawhide";

/// Everything needed to file one branch request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BranchRequest {
    /// Source package (the Bugzilla component).
    pub package: String,
    /// Target branch, e.g. `epel10`.
    pub target: Branch,
    /// Requester's FAS account when offering to co-maintain.
    pub fas: Option<String>,
    /// Offer the (deprecated) EPEL Packagers SIG as co-maintainer.
    pub sig: bool,
    /// Bugs (e.g. trackers) the request should block; none by default.
    pub blocks: Vec<u64>,
    /// EPEL 10 minor branches wanted; empty = the target itself.
    pub minors: Vec<String>,
    /// Packages that need this one (named in the description).
    pub needed_by: Vec<String>,
}

impl BranchRequest {
    /// A plain request for `package` in `target`.
    pub fn new(package: &str, target: Branch) -> Self {
        Self {
            package: package.to_string(),
            target,
            fas: None,
            sig: false,
            blocks: Vec::new(),
            minors: Vec::new(),
            needed_by: Vec::new(),
        }
    }

    /// The bug to file in `Fedora EPEL` (`fallback` = in `Fedora`/`rawhide` instead).
    pub fn new_bug(&self, fallback: bool) -> NewBug {
        let text = RequestText {
            package: self.package.clone(),
            branch: self.target.clone(),
            fas: self.fas.clone(),
            sig: self.sig,
            minors: self.minors.clone(),
            needed_by: self.needed_by.clone(),
        };
        let (product, version) = if fallback {
            (FALLBACK_PRODUCT, FALLBACK_VERSION)
        } else {
            (EPEL_PRODUCT, self.target.bugzilla_version())
        };
        NewBug {
            product: product.to_string(),
            component: self.package.clone(),
            version: version.to_string(),
            summary: templates::summary(&self.package, &self.target),
            description: templates::description(&text),
            blocks: self.blocks.clone(),
            depends_on: Vec::new(),
        }
    }
}

/// A filed request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filed {
    /// The new bug's number.
    pub id: u64,
    /// Product it was filed in.
    pub product: String,
    /// Version it was filed against.
    pub version: String,
}

impl Filed {
    /// Whether it went to `Fedora`/`rawhide` because `Fedora EPEL` lacks the component.
    pub fn fell_back(&self) -> bool {
        self.product == FALLBACK_PRODUCT
    }
}

/// File the request; retry in `Fedora`/`rawhide` only on "no such component" (code 51).
pub fn file_request(bz: &dyn Bugzilla, request: &BranchRequest) -> Result<Filed, BugzillaError> {
    let filed = |bug: NewBug, id| Filed {
        id,
        product: bug.product,
        version: bug.version,
    };
    let bug = request.new_bug(false);
    match bz.create(&bug) {
        Ok(id) => Ok(filed(bug, id)),
        Err(e) if e.is_missing_component() => {
            let bug = request.new_bug(true);
            let id = bz.create(&bug)?;
            Ok(filed(bug, id))
        }
        Err(e) => Err(e),
    }
}

/// Earlier branch requests for the package in the target's family, whoever filed them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExistingRequests {
    /// Open ones, lowest number first.
    pub open: Vec<Bug>,
    /// Closed ones, lowest number first.
    pub closed: Vec<Bug>,
}

/// Search Bugzilla for requests matching the summary and component.
pub fn find_existing(
    bz: &dyn Bugzilla,
    package: &str,
    target: &Branch,
) -> Result<ExistingRequests, BugzillaError> {
    let mut found = bz.search(&BugSearch::branch_requests(package))?;
    found.retain(|b| is_branch_request_for(b, package, target));
    found.sort_by_key(|b| b.id);
    let (open, closed) = found.into_iter().partition(Bug::is_open);
    Ok(ExistingRequests { open, closed })
}

/// What `ebranch request PKG` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SingleOutcome {
    /// An open request already exists; nothing was filed.
    Existing(Box<Bug>),
    /// A new request was filed.
    Filed(Filed),
}

/// `ebranch request PKG`: reuse an open request if there is one, otherwise file one.
pub fn request_one(
    bz: &dyn Bugzilla,
    request: &BranchRequest,
) -> Result<SingleOutcome, BugzillaError> {
    let existing = find_existing(bz, &request.package, &request.target)?;
    if let Some(bug) = existing.open.into_iter().next() {
        return Ok(SingleOutcome::Existing(Box::new(bug)));
    }
    file_request(bz, request).map(SingleOutcome::Filed)
}

/// Turn `--blocks` values (numbers or aliases such as a tracker's) into bug numbers.
pub fn resolve_blocks(bz: &dyn Bugzilla, values: &[String]) -> Result<Vec<u64>, BugzillaError> {
    values
        .iter()
        .map(|v| match v.trim().parse::<u64>() {
            Ok(id) => Ok(id),
            Err(_) => bz.resolve(v),
        })
        .collect()
}

/// The web address of a bug.
pub fn bug_url(bugzilla_base: &str, id: u64) -> String {
    format!(
        "{}/show_bug.cgi?id={id}",
        bugzilla_base.trim_end_matches('/')
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fakes::MemBugzilla;

    fn epel10(package: &str) -> BranchRequest {
        BranchRequest::new(package, Branch::new("epel10"))
    }

    #[test]
    fn files_in_fedora_epel_with_the_family_as_version() {
        let bz = MemBugzilla {
            epel_components: ["python-foo".to_string()].into(),
            ..Default::default()
        };
        let filed = file_request(
            &bz,
            &BranchRequest::new("python-foo", Branch::new("epel10.0")),
        )
        .unwrap();
        assert_eq!(
            (filed.product.as_str(), filed.version.as_str()),
            ("Fedora EPEL", "epel10")
        );
        assert!(!filed.fell_back());
        assert_eq!(
            *bz.writes.borrow(),
            vec!["create Fedora EPEL python-foo epel10"]
        );
    }

    #[test]
    fn falls_back_to_rawhide_only_for_a_missing_component() {
        let bz = MemBugzilla::default();
        let filed = file_request(&bz, &epel10("python-new")).unwrap();
        assert!(filed.fell_back());
        assert_eq!(
            (filed.product.as_str(), filed.version.as_str()),
            ("Fedora", "rawhide")
        );
        let bug = &bz.bugs.borrow()[0];
        assert_eq!(bug.summary, "Please branch and build python-new in epel10");
    }

    #[test]
    fn other_errors_do_not_fall_back() {
        let bz = MemBugzilla::default();
        bz.fail_create.borrow_mut().insert("python-new".into());
        let err = file_request(&bz, &epel10("python-new")).unwrap_err();
        assert_eq!(err.code(), Some(32000));
        assert_eq!(
            bz.writes.borrow().len(),
            1,
            "no second create after a non-51 error"
        );
    }

    #[test]
    fn request_one_reuses_an_open_request() {
        let bz = MemBugzilla::default();
        bz.add_bug(
            11,
            "python-foo",
            "Please branch and build python-foo in epel10.1",
            "ASSIGNED",
            "2025-01-01T00:00:00Z",
        );
        match request_one(&bz, &epel10("python-foo")).unwrap() {
            SingleOutcome::Existing(bug) => assert_eq!(bug.id, 11),
            other => panic!("{other:?}"),
        }
        assert!(bz.writes.borrow().is_empty());
    }

    #[test]
    fn blocks_accept_numbers_and_aliases() {
        let bz = MemBugzilla::default();
        assert_eq!(
            resolve_blocks(&bz, &["123".into(), "EPELPackagersSIG".into()]).unwrap(),
            vec![123, 1000]
        );
        assert!(resolve_blocks(&bz, &["nope".into()]).is_err());
        assert_eq!(
            bug_url("https://bugzilla.redhat.com/", 5),
            "https://bugzilla.redhat.com/show_bug.cgi?id=5"
        );
    }
}
