//! Target branches (`epel9`, `epel10`, `epel10.1`) and their families.

use std::fmt;

/// A dist-git branch that packages are requested for, e.g. `epel10`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Branch(String);

impl Branch {
    /// Wrap a branch name (trimmed, lower-cased).
    pub fn new(name: &str) -> Self {
        Self(name.trim().to_ascii_lowercase())
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The major-version family: `epel10.1` → `epel10`; others unchanged.
    pub fn family(&self) -> &str {
        match self.0.strip_prefix("epel") {
            Some(rest) => match rest.split_once('.') {
                Some((major, _)) if major.chars().all(|c| c.is_ascii_digit()) => {
                    &self.0[..4 + major.len()]
                }
                _ => &self.0,
            },
            None => &self.0,
        }
    }

    /// Whether the branch belongs to EPEL 10 (which has minor versions).
    pub fn is_epel10(&self) -> bool {
        self.family() == "epel10"
    }

    /// The Bugzilla `version` for a `Fedora EPEL` request: the family (`epel10`).
    pub fn bugzilla_version(&self) -> &str {
        self.family()
    }

    /// Whether `word` names a branch of the same family (`epel10.2` answers `epel10`).
    pub fn same_family(&self, word: &str) -> bool {
        Branch::new(word).family() == self.family()
    }
}

impl fmt::Display for Branch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families() {
        assert_eq!(Branch::new("epel10.1").family(), "epel10");
        assert_eq!(Branch::new("EPEL10").family(), "epel10");
        assert_eq!(Branch::new("epel9").family(), "epel9");
        assert_eq!(Branch::new("rawhide").family(), "rawhide");
        assert!(Branch::new("epel10.0").is_epel10());
        assert!(!Branch::new("epel9").is_epel10());
        assert!(Branch::new("epel10").same_family("epel10.3"));
        assert!(!Branch::new("epel10").same_family("epel1"));
        assert!(!Branch::new("epel9").same_family("epel10"));
        assert_eq!(Branch::new("epel10.0").bugzilla_version(), "epel10");
    }
}
