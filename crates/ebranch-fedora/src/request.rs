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
    /// Earlier requests closed without a decision (`EOL`, `DUPLICATE`): number and
    /// resolution, named in the description.
    pub earlier: Vec<(u64, String)>,
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
            earlier: Vec::new(),
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
            earlier: self.earlier.clone(),
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
    /// The earlier requests, closed without a decision, that it asks again.
    pub earlier: Vec<(u64, String)>,
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
        earlier: request.earlier.clone(),
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

/// Fedora's end-of-life mass closure: it says nothing about the package.
pub const EOL: &str = "EOL";
/// Closed as the same request as another bug (`dupe_of`): that bug is what counts.
pub const DUPLICATE: &str = "DUPLICATE";
/// Resolutions by which a maintainer declined a request.
pub const DECLINED: [&str; 2] = ["WONTFIX", "CANTFIX"];
/// `DUPLICATE` links followed from one request, at most.
const MAX_DUPLICATE_HOPS: usize = 5;

/// Whether `resolution` says the maintainer declined the request.
pub fn is_declined(resolution: &str) -> bool {
    DECLINED.contains(&resolution)
}

/// What earlier requests mean for a new one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Nothing stands in the way: file a request. `earlier` are closed requests that
    /// ended without a decision (closed `EOL`, or duplicates of such), oldest first.
    File {
        /// Their numbers and resolutions.
        earlier: Vec<(u64, String)>,
    },
    /// Use this open request: one found, or the open bug a closed duplicate points to.
    Open(Box<Bug>),
    /// A closed request stands and the request is not filed again: declined by the
    /// maintainer (`WONTFIX`, `CANTFIX`), or closed otherwise (`ERRATA`, `NOTABUG`, ...),
    /// which needs a look first. The latest such.
    Closed(Box<Bug>),
}

/// Judge the earlier requests. An open one is used. A closed one counts as the bug at
/// the end of its `DUPLICATE` chain: open and of the same package, it is used; open and of
/// another package, the duplicate stands (the work is tracked there); closed `EOL` (or a
/// chain that loops or breaks), it decided nothing; closed otherwise, it stands. A request
/// that stands wins over those that decided nothing: a decline is not undone by a later
/// request that nobody answered.
pub fn judge(
    bz: &dyn Bugzilla,
    package: &str,
    existing: ExistingRequests,
) -> Result<Verdict, BugzillaError> {
    if let Some(open) = existing.open.into_iter().next() {
        return Ok(Verdict::Open(Box::new(open)));
    }
    let mut earlier = Vec::new();
    let mut standing = None;
    for request in existing.closed {
        let last = follow_duplicates(bz, &request)?;
        if last.is_open() {
            if last.component == package {
                return Ok(Verdict::Open(Box::new(last)));
            }
            standing = Some(request);
        } else if matches!(last.resolution.as_str(), EOL | DUPLICATE) {
            earlier.push((request.id, request.resolution.clone()));
        } else {
            standing = Some(last);
        }
    }
    Ok(match standing {
        Some(bug) => Verdict::Closed(Box::new(bug)),
        None => Verdict::File { earlier },
    })
}

/// The bug at the end of `bug`'s chain of `DUPLICATE` closures (`bug` itself when it is
/// not a duplicate, or when the chain loops, is too long, or leads to a bug not shown).
fn follow_duplicates(bz: &dyn Bugzilla, bug: &Bug) -> Result<Bug, BugzillaError> {
    let mut current = bug.clone();
    let mut seen = vec![bug.id];
    while !current.is_open() && current.resolution == DUPLICATE {
        let Some(next) = current.dupe_of.filter(|n| !seen.contains(n)) else {
            break;
        };
        if seen.len() > MAX_DUPLICATE_HOPS {
            break;
        }
        seen.push(next);
        match bz.get(&[next])?.into_iter().next() {
            Some(found) => current = found,
            None => break,
        }
    }
    Ok(current)
}

/// Find and judge the earlier requests for `package` in `target`'s family.
pub fn earlier_requests(
    bz: &dyn Bugzilla,
    package: &str,
    target: &Branch,
) -> Result<Verdict, BugzillaError> {
    let existing = find_existing(bz, package, target)?;
    judge(bz, package, existing)
}

/// What `ebranch request PKG` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SingleOutcome {
    /// An open request already exists; nothing was filed.
    Existing(Box<Bug>),
    /// A closed request stands (see [`Verdict::Closed`]); nothing was filed.
    Declined(Box<Bug>),
    /// A new request was filed.
    Filed(Filed),
}

/// `ebranch request PKG`: reuse an open request if there is one, respect a closed one
/// that stands, otherwise file one (naming requests closed without a decision).
pub fn request_one(
    bz: &dyn Bugzilla,
    request: &BranchRequest,
) -> Result<SingleOutcome, BugzillaError> {
    match earlier_requests(bz, &request.package, &request.target)? {
        Verdict::Open(bug) => Ok(SingleOutcome::Existing(bug)),
        Verdict::Closed(bug) => Ok(SingleOutcome::Declined(bug)),
        Verdict::File { earlier } => {
            let mut request = request.clone();
            request.earlier = earlier;
            file_request(bz, &request).map(SingleOutcome::Filed)
        }
    }
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

    /// Bugzilla with closed requests for python-foo: `(id, resolution, dupe_of)`.
    fn closed(requests: &[(u64, &str, Option<u64>)]) -> MemBugzilla {
        let bz = MemBugzilla {
            epel_components: ["python-foo".to_string()].into(),
            ..Default::default()
        };
        for (id, resolution, dupe_of) in requests {
            bz.add_bug(
                *id,
                "python-foo",
                "Please branch and build python-foo in epel10",
                "CLOSED",
                "2024-01-01T00:00:00Z",
            );
            let mut bugs = bz.bugs.borrow_mut();
            let bug = bugs.last_mut().unwrap();
            bug.resolution = resolution.to_string();
            bug.dupe_of = *dupe_of;
        }
        bz
    }

    fn verdict(bz: &MemBugzilla) -> Verdict {
        earlier_requests(bz, "python-foo", &Branch::new("epel10")).unwrap()
    }

    #[test]
    fn a_request_closed_eol_is_asked_again() {
        let bz = closed(&[(11, "EOL", None)]);
        assert_eq!(
            verdict(&bz),
            Verdict::File {
                earlier: vec![(11, "EOL".into())]
            }
        );
        let SingleOutcome::Filed(filed) = request_one(&bz, &epel10("python-foo")).unwrap() else {
            panic!("not filed")
        };
        assert_eq!(filed.earlier, vec![(11, "EOL".into())]);
    }

    #[test]
    fn a_duplicate_counts_as_the_bug_it_duplicates() {
        // Of a request closed EOL: asked again.
        let bz = closed(&[(11, "EOL", None), (12, "DUPLICATE", Some(11))]);
        assert!(matches!(verdict(&bz), Verdict::File { earlier } if earlier.len() == 2));
        // Of an open request (whatever its title): that one is used.
        let bz = closed(&[(12, "DUPLICATE", Some(13))]);
        bz.add_bug(
            13,
            "python-foo",
            "python-foo for RHEL 10?",
            "NEW",
            "2024-01-01T00:00:00Z",
        );
        assert!(matches!(verdict(&bz), Verdict::Open(b) if b.id == 13));
        // Of another package's open bug: the work is tracked there; the duplicate stands.
        let bz = closed(&[(12, "DUPLICATE", Some(16))]);
        bz.add_bug(
            16,
            "python-foo-bar",
            "Please branch and build python-foo-bar in epel10",
            "NEW",
            "2024-01-01T00:00:00Z",
        );
        assert!(matches!(verdict(&bz), Verdict::Closed(b) if b.id == 12));
        // Of a declined one: declined. A loop or a missing bug decides nothing.
        let bz = closed(&[(11, "WONTFIX", None), (12, "DUPLICATE", Some(11))]);
        assert!(matches!(verdict(&bz), Verdict::Closed(b) if b.id == 11));
        let bz = closed(&[
            (12, "DUPLICATE", Some(14)),
            (14, "DUPLICATE", Some(12)),
            (15, "DUPLICATE", Some(99)),
        ]);
        assert!(matches!(verdict(&bz), Verdict::File { earlier } if earlier.len() == 3));
    }

    #[test]
    fn a_declined_request_is_respected_even_after_an_eol_one() {
        for resolution in ["WONTFIX", "CANTFIX"] {
            let bz = closed(&[(11, resolution, None), (12, "EOL", None)]);
            assert!(matches!(verdict(&bz), Verdict::Closed(b) if b.id == 11));
            match request_one(&bz, &epel10("python-foo")).unwrap() {
                SingleOutcome::Declined(bug) => assert!(is_declined(&bug.resolution)),
                other => panic!("{other:?}"),
            }
            assert!(bz.writes.borrow().is_empty());
        }
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
