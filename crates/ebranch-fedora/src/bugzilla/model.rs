//! Bugs, comments, flags, searches, creations and updates as plain data.

use serde::{Deserialize, Deserializer};
use serde_json::{Value, json};

use super::title::is_request_title;
use crate::branch::Branch;
use crate::time::Timestamp;

/// A bug as returned by `GET /rest/bug`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Bug {
    /// Bug number.
    pub id: u64,
    /// Summary line.
    #[serde(default)]
    pub summary: String,
    /// Status, e.g. `NEW`, `ASSIGNED`, `CLOSED`.
    #[serde(default)]
    pub status: String,
    /// Resolution when closed, e.g. `ERRATA`, `WONTFIX`.
    #[serde(default)]
    pub resolution: String,
    /// Product, e.g. `Fedora EPEL`.
    #[serde(default, deserialize_with = "string_or_first")]
    pub product: String,
    /// Component (Red Hat sends a one-element array).
    #[serde(default, deserialize_with = "string_or_first")]
    pub component: String,
    /// Version (Red Hat sends a one-element array).
    #[serde(default, deserialize_with = "string_or_first")]
    pub version: String,
    /// Assignee's login.
    #[serde(default)]
    pub assigned_to: String,
    /// Reporter's login.
    #[serde(default)]
    pub creator: String,
    /// When it was filed.
    #[serde(default)]
    pub creation_time: Option<Timestamp>,
    /// Last change of any kind.
    #[serde(default)]
    pub last_change_time: Option<Timestamp>,
    /// Bugs this one depends on.
    #[serde(default)]
    pub depends_on: Vec<u64>,
    /// Bugs this one blocks.
    #[serde(default)]
    pub blocks: Vec<u64>,
    /// Flags such as `needinfo?`.
    #[serde(default)]
    pub flags: Vec<Flag>,
    /// When closed as a `DUPLICATE`: the bug it duplicates.
    #[serde(default)]
    pub dupe_of: Option<u64>,
}

impl Bug {
    /// Whether the bug is still open (Red Hat's only closed status is `CLOSED`).
    pub fn is_open(&self) -> bool {
        !matches!(self.status.as_str(), "CLOSED" | "RESOLVED" | "VERIFIED")
            || (self.status == "VERIFIED" && self.resolution.is_empty())
    }
}

/// A bug flag, e.g. `needinfo` with status `?` and a requestee.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Flag {
    /// Flag name.
    pub name: String,
    /// `?`, `+` or `-`.
    pub status: String,
    /// Who is asked.
    #[serde(default)]
    pub requestee: Option<String>,
    /// Who set it.
    #[serde(default)]
    pub setter: Option<String>,
    /// When it was set.
    #[serde(default)]
    pub creation_date: Option<Timestamp>,
}

/// One comment; `count` 0 is the description.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Comment {
    /// Position in the bug.
    #[serde(default)]
    pub count: u64,
    /// Text.
    #[serde(default)]
    pub text: String,
    /// Author's login.
    #[serde(default)]
    pub creator: String,
    /// When it was written.
    pub creation_time: Timestamp,
}

/// A search: all criteria are ANDed; repeated values are ORed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BugSearch {
    /// Products (any of).
    pub products: Vec<String>,
    /// Component.
    pub component: Option<String>,
    /// Substring of the summary.
    pub summary: Option<String>,
    /// Statuses (any of); empty = all.
    pub statuses: Vec<String>,
}

impl BugSearch {
    /// Every bug of `package` in `Fedora EPEL` or `Fedora`, open or closed; the summary
    /// is matched afterwards by [`is_branch_request_for`], whatever its case or wording.
    pub fn branch_requests(package: &str) -> Self {
        Self {
            products: vec!["Fedora EPEL".into(), "Fedora".into()],
            component: Some(package.into()),
            summary: None,
            statuses: Vec::new(),
        }
    }
}

/// A bug to file (`POST /rest/bug`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBug {
    /// Product.
    pub product: String,
    /// Component.
    pub component: String,
    /// Version.
    pub version: String,
    /// Summary.
    pub summary: String,
    /// First comment.
    pub description: String,
    /// Bugs the new one blocks (e.g. a tracker).
    pub blocks: Vec<u64>,
    /// Bugs the new one depends on.
    pub depends_on: Vec<u64>,
}

impl NewBug {
    /// The JSON body sent to Bugzilla.
    pub fn to_json(&self) -> Value {
        let mut body = json!({
            "product": self.product,
            "component": self.component,
            "version": self.version,
            "summary": self.summary,
            "description": self.description,
        });
        if !self.blocks.is_empty() {
            body["blocks"] = json!(self.blocks);
        }
        if !self.depends_on.is_empty() {
            body["depends_on"] = json!(self.depends_on);
        }
        body
    }
}

/// Changes to a bug (`PUT /rest/bug/ID`); links are only ever added.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BugUpdate {
    /// Add these to `depends_on`.
    pub add_depends_on: Vec<u64>,
    /// Add these to `blocks`.
    pub add_blocks: Vec<u64>,
    /// Add a public comment.
    pub comment: Option<String>,
    /// Ask this login for information (`needinfo?`).
    pub needinfo: Option<String>,
}

impl BugUpdate {
    /// The JSON body sent to Bugzilla.
    pub fn to_json(&self) -> Value {
        let mut body = json!({});
        if !self.add_depends_on.is_empty() {
            body["depends_on"] = json!({"add": self.add_depends_on});
        }
        if !self.add_blocks.is_empty() {
            body["blocks"] = json!({"add": self.add_blocks});
        }
        if let Some(text) = &self.comment {
            body["comment"] = json!({"body": text, "is_private": false});
        }
        if let Some(who) = &self.needinfo {
            body["flags"] = json!([{"name": "needinfo", "status": "?", "requestee": who}]);
        }
        body
    }
}

/// Whether `bug` is a branch request for `package` in `target`'s family: the component
/// is the package and the summary reads as a request for that EPEL version, however it
/// is worded ([`is_request_title`]).
pub fn is_branch_request_for(bug: &Bug, package: &str, target: &Branch) -> bool {
    bug.component == package && is_request_title(&bug.summary, target)
}

/// Accept `"x"` or `["x", …]` (first element) or null.
fn string_or_first<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => s,
        Value::Array(items) => items
            .into_iter()
            .find_map(|v| v.as_str().map(str::to_string))
            .unwrap_or_default(),
        _ => String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bug(component: &str, summary: &str) -> Bug {
        serde_json::from_value(json!({"id": 1, "component": [component], "summary": summary}))
            .unwrap()
    }

    #[test]
    fn red_hat_arrays_become_strings() {
        let b: Bug = serde_json::from_value(json!({
            "id": 7, "component": ["python-foo"], "version": ["epel10"], "product": "Fedora EPEL",
            "status": "NEW", "creation_time": "2025-01-01T00:00:00Z",
            "flags": [{"name": "needinfo", "status": "?", "requestee": "m@x", "setter": "r@x",
                       "creation_date": "2025-01-09T00:00:00Z"}]
        }))
        .unwrap();
        assert_eq!(
            (b.component.as_str(), b.version.as_str()),
            ("python-foo", "epel10")
        );
        assert_eq!(b.flags[0].requestee.as_deref(), Some("m@x"));
        assert!(b.is_open());
    }

    #[test]
    fn matches_requests_by_component_and_family() {
        let t = Branch::new("epel10");
        assert!(is_branch_request_for(
            &bug("foo", "Please branch and build foo in epel10"),
            "foo",
            &t
        ));
        assert!(is_branch_request_for(
            &bug("foo", "Please branch and build foo in epel10.1."),
            "foo",
            &t
        ));
        assert!(is_branch_request_for(
            &bug("foo", "Branch foo for EPEL10"),
            "foo",
            &t
        ));
        assert!(!is_branch_request_for(
            &bug("foo", "Please branch and build foo in epel9"),
            "foo",
            &t
        ));
        assert!(!is_branch_request_for(
            &bug("bar", "Please branch and build foo in epel10"),
            "foo",
            &t
        ));
        assert!(!is_branch_request_for(
            &bug("foo", "foo FTBFS in epel10"),
            "foo",
            &t
        ));
    }

    #[test]
    fn update_body_adds_never_sets() {
        let u = BugUpdate {
            add_depends_on: vec![2, 3],
            comment: Some("hi".into()),
            needinfo: Some("m@x".into()),
            ..Default::default()
        };
        assert_eq!(
            u.to_json(),
            json!({"depends_on": {"add": [2, 3]}, "comment": {"body": "hi", "is_private": false},
                   "flags": [{"name": "needinfo", "status": "?", "requestee": "m@x"}]})
        );
    }
}
