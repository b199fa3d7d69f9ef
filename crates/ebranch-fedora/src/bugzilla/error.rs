//! Bugzilla errors, with the codes ebranch acts on.

use crate::http::{HttpError, Method};

/// Code of `object_does_not_exist` (e.g. no such component in the product).
pub const CODE_OBJECT_DOES_NOT_EXIST: i64 = 51;
/// Code of a dependency loop refused on update.
pub const CODE_DEPENDENCY_LOOP: i64 = 116;

/// A Bugzilla failure. Displays name the URL, never the API key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BugzillaError {
    /// Transport or decoding failure.
    #[error(transparent)]
    Http(#[from] HttpError),
    /// Bugzilla answered with its error shape (`{"error": true, "code": …}`).
    #[error("{method} {url} answered HTTP {status}, Bugzilla error {code}: {message}")]
    Api {
        /// Method.
        method: Method,
        /// URL.
        url: String,
        /// HTTP status.
        status: u16,
        /// Bugzilla's error code.
        code: i64,
        /// Bugzilla's message.
        message: String,
    },
    /// A write was attempted without an API key.
    #[error("{method} {url} needs a Bugzilla API key (set BUGZILLA_API_KEY or a config file)")]
    NoApiKey {
        /// Method.
        method: Method,
        /// URL.
        url: String,
    },
    /// A search matches more bugs than ebranch reads.
    #[error(
        "{url}: the search matches {}; ebranch reads at most {cap} and does not judge from part of them",
        total.map_or_else(|| format!("more than {cap} bugs"), |t| format!("{t} bugs"))
    )]
    TooManyMatches {
        /// URL of the last page read.
        url: String,
        /// Bugzilla's count of the matches, when it gave one.
        total: Option<u64>,
        /// [`super::MAX_SEARCH_RESULTS`].
        cap: u64,
    },
    /// A search page came back empty before all matches were read.
    #[error("{url}: Bugzilla stopped after {read} of the {total} bugs it matched")]
    Incomplete {
        /// URL of the empty page.
        url: String,
        /// Bugs read.
        read: u64,
        /// Bugzilla's count of the matches.
        total: u64,
    },
    /// A write's answer was lost and whether it was done could not be checked.
    #[error("{write}; whether it was done could not be checked: {check}")]
    Unconfirmed {
        /// The write's failure.
        write: Box<BugzillaError>,
        /// Why its effect could not be looked for.
        check: Box<BugzillaError>,
    },
    /// No bug answers to this number or alias.
    #[error("{url}: no bug {what}")]
    NotFound {
        /// URL.
        url: String,
        /// The number or alias asked for.
        what: String,
    },
}

impl BugzillaError {
    /// Bugzilla's error code, when it gave one.
    pub fn code(&self) -> Option<i64> {
        match self {
            Self::Api { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// Whether Bugzilla said the component does not exist in the product (code 51
    /// naming a component) — the only error that justifies the Fedora/rawhide fallback.
    pub fn is_missing_component(&self) -> bool {
        match self {
            Self::Api { code, message, .. } => {
                *code == CODE_OBJECT_DOES_NOT_EXIST
                    && message.to_ascii_lowercase().contains("component")
            }
            _ => false,
        }
    }

    /// Whether Bugzilla refused a link because it would close a dependency loop.
    pub fn is_dependency_loop(&self) -> bool {
        self.code() == Some(CODE_DEPENDENCY_LOOP)
    }

    /// Whether the failure is the server's (5xx) or the network's, so a retry may help.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Unconfirmed { write, .. } => write.is_transient(),
            Self::Http(HttpError::Transport { .. }) => true,
            Self::Http(HttpError::Status { status, .. }) | Self::Api { status, .. } => {
                *status >= 500 || *status == 429
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(code: i64, message: &str) -> BugzillaError {
        BugzillaError::Api {
            method: Method::Post,
            url: "https://bugzilla.redhat.com/rest/bug".into(),
            status: 404,
            code,
            message: message.into(),
        }
    }

    #[test]
    fn missing_component_needs_code_51_about_a_component() {
        assert!(
            api(
                51,
                "There is no component named 'python-foo' in the 'Fedora EPEL' product."
            )
            .is_missing_component()
        );
        assert!(
            !api(
                51,
                "There is no version named 'epel10' in the 'Fedora EPEL' product."
            )
            .is_missing_component()
        );
        assert!(!api(104, "component").is_missing_component());
    }

    #[test]
    fn display_is_one_line_with_url() {
        let text = api(51, "nope").to_string();
        assert_eq!(
            text,
            "POST https://bugzilla.redhat.com/rest/bug answered HTTP 404, Bugzilla error 51: nope"
        );
    }
}
