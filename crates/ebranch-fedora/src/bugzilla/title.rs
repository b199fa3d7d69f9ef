//! Recognising a branch request by its summary, however people title it: "Please branch
//! and build python-foo in epel10" (ebranch's own), "Please branch python-dkimpy for
//! EPEL 10", "python-foo for EPEL-10", "EPEL10 request: python-foo", "build python-foo
//! for el10", ...

use crate::branch::Branch;

/// Words that make a summary a request.
const REQUEST_WORDS: &[&str] = &[
    "branch",
    "branched",
    "branching",
    "build",
    "builds",
    "built",
    "rebuild",
    "request",
    "requested",
    "requesting",
    "package",
    "packaged",
    "packaging",
    "add",
    "adding",
    "include",
    "provide",
    "ship",
    "support",
    "please",
    "want",
    "wanted",
    "need",
    "needed",
    "rfe",
];

/// Words placed right before the branch that make "python-foo for EPEL 10" a request.
const REQUEST_PREPOSITIONS: &[&str] = &["for", "in", "into", "to", "on"];

/// Words of bug reports, updates and security issues: a summary with one of them is not
/// a branch request, whatever else it says ("python-foo FTBFS in epel10",
/// "CVE-2025-1234 python-foo: ... [epel-10]", "Please update python-foo in EPEL 10").
const NOT_REQUEST_WORDS: &[&str] = &[
    "ftbfs",
    "fti",
    "fails",
    "fail",
    "failed",
    "failing",
    "failure",
    "broken",
    "breaks",
    "crash",
    "crashes",
    "crashed",
    "error",
    "errors",
    "traceback",
    "segfault",
    "cve",
    "vulnerability",
    "security",
    "update",
    "updated",
    "upgrade",
    "rebase",
    "bump",
    "retire",
    "retired",
    "orphan",
    "orphaned",
    "conflict",
    "conflicts",
];

/// Whether `summary` asks for a branch of `target`'s family (`epel10` for `epel10.1`):
/// it names that EPEL version in a usual spelling (`epel10`, `EPEL10`, `EPEL 10`,
/// `EPEL-10`, `epel10.1`, `el10`), reads as a request (a request word such as "branch",
/// "build" or "please", or "for"/"in" right before the version), and has no word of a
/// bug report ("FTBFS", "CVE", "update", ...).
pub fn is_request_title(summary: &str, target: &Branch) -> bool {
    let lower = summary.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    if words.iter().any(|w| NOT_REQUEST_WORDS.contains(w)) {
        return false;
    }
    let family = target.family();
    let mentions: Vec<usize> = (0..words.len())
        .filter(|&i| names_family(&words, i, family))
        .collect();
    if mentions.is_empty() {
        return false;
    }
    words.iter().any(|w| REQUEST_WORDS.contains(w))
        || mentions
            .iter()
            .any(|&i| i > 0 && REQUEST_PREPOSITIONS.contains(&words[i - 1]))
}

/// Whether the version named at word `i` is `family` (e.g. `epel10`): `epel10` or `el10`
/// as one word, or `epel` followed by `10` (from `EPEL 10`, `EPEL-10`, `epel_10`).
fn names_family(words: &[&str], i: usize, family: &str) -> bool {
    let Some(major) = family.strip_prefix("epel") else {
        return false;
    };
    let word = words[i];
    let joined = word
        .strip_prefix("epel")
        .or_else(|| word.strip_prefix("el"));
    match joined {
        Some("") => word == "epel" && words.get(i + 1) == Some(&major),
        Some(digits) => digits == major,
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn epel10(summary: &str) -> bool {
        is_request_title(summary, &Branch::new("epel10"))
    }

    #[test]
    fn real_world_request_titles() {
        for title in [
            "Please branch and build python-foo in epel10",
            "Please branch and build python-foo in epel10.1.",
            "Please branch python-dkimpy for EPEL 10",
            "Please branch python-dkimpy for EPEL-10",
            "Please branch python-dkimpy for epel10",
            "Please build python-foo for EPEL10",
            "Branch python-foo for el10",
            "python-foo for EPEL 10",
            "python-foo: EPEL 10.1 branch request",
            "EPEL10 request: python-foo",
            "[RFE] EPEL 10 build of python-foo",
            "Package python-foo for epel_10",
            "python-foo in EPEL-10.0",
        ] {
            assert!(epel10(title), "{title}");
        }
    }

    #[test]
    fn other_versions_and_bug_reports_are_not_requests() {
        for title in [
            "Please branch and build python-foo in epel9",
            "Please branch python-foo for EPEL 1",
            "Please branch python-foo for EPEL 100",
            "python-foo FTBFS in epel10",
            "python-foo-1.0-1.el10 fails to install",
            "CVE-2025-1234 python-foo: path traversal [epel-10]",
            "Please update python-foo to 2.0 in EPEL 10",
            "python-foo crashes on EPEL 10",
            "python-foo: EPEL 10",
            "kernel10 support for python-foo",
            "Please branch python-foo for RHEL 10",
            "",
        ] {
            assert!(!epel10(title), "{title}");
        }
        assert!(is_request_title(
            "Please branch python-foo for EPEL 9",
            &Branch::new("epel9")
        ));
    }
}
