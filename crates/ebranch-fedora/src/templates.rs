//! Texts ebranch writes: request summary and description, follow-up comment, releng ticket.

use crate::branch::Branch;

/// Where the Stalled EPEL Requests policy is documented.
pub const STALLED_POLICY_URL: &str =
    "https://docs.fedoraproject.org/en-US/epel/epel-package-request/#stalled_epel_requests";
/// Where release engineering takes tickets.
pub const RELENG_TICKETS_URL: &str = "https://forge.fedoraproject.org/releng/tickets";
/// The EPEL developers' list, for requesters who are not packagers.
pub const EPEL_DEVEL_LIST: &str = "epel-devel@lists.fedoraproject.org";

/// Words that mark a comment as a follow-up ping (ours or a hand-written one).
const PING_MARKERS: [&str; 3] = [
    "stalled epel requests policy",
    "will you be able to branch and build",
    "are you able to branch and build",
];

/// What a branch request says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestText {
    /// Source package.
    pub package: String,
    /// Target branch.
    pub branch: Branch,
    /// The requester's FAS account, if they offer to co-maintain.
    pub fas: Option<String>,
    /// Offer the (deprecated) EPEL Packagers SIG group as co-maintainer.
    pub sig: bool,
    /// EPEL 10 minor branches wanted (e.g. `epel10`, `epel10.0`); empty = the target only.
    pub minors: Vec<String>,
    /// Packages that need this one, named to explain the request.
    pub needed_by: Vec<String>,
    /// Earlier requests closed without a decision (number, resolution), named so the
    /// maintainer sees it is asked again.
    pub earlier: Vec<(u64, String)>,
}

/// `Please branch and build PKG in BRANCH`.
pub fn summary(package: &str, branch: &Branch) -> String {
    format!("Please branch and build {package} in {branch}")
}

/// The bug description for a branch request.
pub fn description(t: &RequestText) -> String {
    let (pkg, branch) = (&t.package, &t.branch);
    let mut parts = vec![format!("Please branch and build {pkg} in {branch}.")];
    if t.branch.is_epel10() {
        parts.push(minor_versions_line(t));
    }
    if !t.needed_by.is_empty() {
        parts.push(format!(
            "It is needed to build {} in {branch}.",
            t.needed_by.join(", ")
        ));
    }
    if !t.earlier.is_empty() {
        let bugs: Vec<String> = t
            .earlier
            .iter()
            .map(|(id, resolution)| format!("bug {id} (closed {resolution})"))
            .collect();
        parts.push(format!(
            "This was asked before in {}, which ended without a decision on the branch.",
            bugs.join(", ")
        ));
    }
    if let Some(fas) = &t.fas {
        parts.push(format!(
            "Should you prefer not to maintain {pkg} in {branch}, or be unable to get to it soon,\n\
             I am glad to co-maintain the package (FAS: {fas}). You can add me at\n\
             https://src.fedoraproject.org/rpms/{pkg}/adduser"
        ));
    }
    if t.sig {
        parts.push(format!(
            "The EPEL Packagers SIG can co-maintain it as well: give the epel-packagers-sig group\n\
             commit access, or collaborator access on epel* branches, at\n\
             https://src.fedoraproject.org/rpms/{pkg}/addgroup"
        ));
    }
    parts.join("\n\n")
}

/// The EPEL 10 line naming the minor versions wanted.
fn minor_versions_line(t: &RequestText) -> String {
    let minors = if t.minors.is_empty() {
        vec![t.branch.as_str().to_string()]
    } else {
        t.minors.clone()
    };
    let mut line = format!("EPEL 10 minor versions requested: {}.", minors.join(", "));
    if minors.iter().any(|m| m == "epel10") {
        line.push_str(
            "\n(epel10 is the leading minor version, built against CentOS Stream 10;\n\
             new minor-version branches are made from it.)",
        );
    }
    line
}

/// The comment posted when a request has had no answer for a week.
pub fn follow_up_comment(package: &str, branch: &Branch, fas: Option<&str>) -> String {
    let mut text = format!(
        "A week has passed without a reply, so here is a reminder in case the request was missed:\n\
         are you able to branch and build {package} in {branch}?"
    );
    if let Some(fas) = fas {
        text.push_str(&format!(
            "\n\nIf you would rather not maintain it in {branch}, I am still glad to co-maintain\n\
             {package} there (FAS: {fas}): https://src.fedoraproject.org/rpms/{package}/adduser"
        ));
    }
    text.push_str(&format!(
        "\n\n(Following the Stalled EPEL Requests policy: {STALLED_POLICY_URL})"
    ));
    text
}

/// Whether a comment reads as a follow-up ping.
pub fn is_ping_comment(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    PING_MARKERS.iter().any(|m| lower.contains(m))
}

/// A ticket (or mail) to open once a request has stalled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Escalation {
    /// Where to open it: the releng tracker, or the epel-devel list.
    pub destination: String,
    /// Title or mail subject.
    pub title: String,
    /// Body.
    pub body: String,
}

/// The escalation for a stalled request: a releng ticket for packagers (with FAS),
/// a call for a volunteer on epel-devel otherwise.
pub fn escalation(
    package: &str,
    branch: &Branch,
    bug_url: &str,
    fas: Option<&str>,
    maintainers: &[String],
) -> Escalation {
    match fas {
        Some(fas) => {
            let mut body = format!(
                "The request to branch {package} for {branch} has stalled: {bug_url}\n\n\
                 The maintainer was reminded a week after it was filed and has not answered in the\n\
                 two weeks since, which meets the Stalled EPEL Requests policy\n\
                 ({STALLED_POLICY_URL}).\n\
                 Please give my FAS account (@{fas}) commit access to {package} so that I can\n\
                 branch and build it in {branch}."
            );
            if !maintainers.is_empty() {
                let cc: Vec<String> = maintainers.iter().map(|m| format!("@{m}")).collect();
                body.push_str(&format!("\n\ncc: {}", cc.join(" ")));
            }
            Escalation {
                destination: RELENG_TICKETS_URL.to_string(),
                title: format!("Stalled EPEL package: {package}"),
                body,
            }
        }
        None => Escalation {
            destination: EPEL_DEVEL_LIST.to_string(),
            title: format!("Volunteer wanted: {package} in {branch}"),
            body: format!(
                "The request to branch {package} for {branch} has had no answer for three weeks,\n\
                 including a reminder after the first week: {bug_url}\n\n\
                 Would an EPEL packager be willing to take it on under the Stalled EPEL Requests\n\
                 policy ({STALLED_POLICY_URL})?"
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(branch: &str, fas: Option<&str>, sig: bool) -> RequestText {
        RequestText {
            package: "python-foo".into(),
            branch: Branch::new(branch),
            fas: fas.map(str::to_string),
            sig,
            minors: vec![],
            needed_by: vec![],
            earlier: vec![],
        }
    }

    #[test]
    fn summary_keeps_the_classic_form() {
        assert_eq!(
            summary("python-foo", &Branch::new("epel9")),
            "Please branch and build python-foo in epel9"
        );
    }

    #[test]
    fn plain_epel9_description_is_one_line() {
        assert_eq!(
            description(&text("epel9", None, false)),
            "Please branch and build python-foo in epel9."
        );
    }

    #[test]
    fn fas_and_sig_texts() {
        let d = description(&text("epel9", Some("jdoe"), true));
        assert!(d.contains("(FAS: jdoe)"));
        assert!(d.contains("https://src.fedoraproject.org/rpms/python-foo/adduser"));
        assert!(d.contains("https://src.fedoraproject.org/rpms/python-foo/addgroup"));
        assert!(d.contains("epel-packagers-sig"));
    }

    #[test]
    fn epel10_names_minor_versions() {
        let d = description(&text("epel10", None, false));
        assert!(d.contains("EPEL 10 minor versions requested: epel10."));
        assert!(d.contains("leading minor version"));
        let mut t = text("epel10", None, false);
        t.minors = vec!["epel10".into(), "epel10.0".into()];
        t.needed_by = vec!["python-bar".into()];
        let d = description(&t);
        assert!(d.contains("requested: epel10, epel10.0."));
        assert!(d.contains("It is needed to build python-bar in epel10."));
        let d = description(&text("epel10.0", None, false));
        assert!(d.contains("requested: epel10.0.") && !d.contains("leading"));
    }

    #[test]
    fn a_request_asked_again_names_the_earlier_ones() {
        let mut t = text("epel9", None, false);
        t.earlier = vec![(11, "EOL".into()), (12, "DUPLICATE".into())];
        assert_eq!(
            description(&t),
            "Please branch and build python-foo in epel9.\n\n\
             This was asked before in bug 11 (closed EOL), bug 12 (closed DUPLICATE), \
             which ended without a decision on the branch."
        );
    }

    #[test]
    fn follow_up_is_recognised_as_a_ping() {
        let c = follow_up_comment("python-foo", &Branch::new("epel10"), Some("jdoe"));
        assert!(is_ping_comment(&c));
        assert!(c.contains("(FAS: jdoe)"));
        assert!(is_ping_comment(
            "Will you be able to branch and build foo in epel9?"
        ));
        assert!(!is_ping_comment("Sure, will do."));
    }

    #[test]
    fn escalation_texts() {
        let b = Branch::new("epel10");
        let e = escalation("foo", &b, "https://bz/1", Some("jdoe"), &["maint".into()]);
        assert_eq!(e.title, "Stalled EPEL package: foo");
        assert_eq!(e.destination, RELENG_TICKETS_URL);
        assert!(e.body.contains("https://bz/1") && e.body.contains("@jdoe"));
        assert!(e.body.ends_with("cc: @maint"));
        let e = escalation("foo", &b, "https://bz/1", None, &[]);
        assert_eq!(e.destination, EPEL_DEVEL_LIST);
    }
}
