//! Service base URLs: https is required unless the host is loopback.

use std::fmt;

/// Why a service URL was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    /// The URL is not `http://` or `https://` followed by a host.
    #[error("not an http(s) URL: {0}")]
    Malformed(String),
    /// Plain http to a host that is not loopback.
    #[error("refusing plain http for non-loopback service URL {0}; use https")]
    Insecure(String),
}

/// A validated base URL of a service, without a trailing slash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceUrl {
    base: String,
    loopback: bool,
}

impl ServiceUrl {
    /// Validate `url`: `https://host[:port][/path]`, or `http://` for loopback hosts only.
    pub fn parse(url: &str) -> Result<Self, UrlError> {
        let trimmed = url.trim().trim_end_matches('/');
        let (secure, rest) = if let Some(rest) = trimmed.strip_prefix("https://") {
            (true, rest)
        } else if let Some(rest) = trimmed.strip_prefix("http://") {
            (false, rest)
        } else {
            return Err(UrlError::Malformed(url.to_string()));
        };
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        if authority.is_empty() || authority.contains('@') || rest.contains(['?', '#']) {
            return Err(UrlError::Malformed(url.to_string()));
        }
        let loopback = is_loopback_host(host_of(authority));
        if !secure && !loopback {
            return Err(UrlError::Insecure(url.to_string()));
        }
        Ok(Self {
            base: trimmed.to_string(),
            loopback,
        })
    }

    /// The base URL, without a trailing slash.
    pub fn as_str(&self) -> &str {
        &self.base
    }

    /// The host name, e.g. `bugzilla.redhat.com` (the bugzillarc section to read).
    pub fn host(&self) -> &str {
        let rest = self.base.split_once("://").map_or("", |(_, r)| r);
        host_of(rest.split('/').next().unwrap_or(""))
    }

    /// Whether the host is a loopback address (tests and local fakes).
    pub fn is_loopback(&self) -> bool {
        self.loopback
    }

    /// The base URL joined with `path` (which should start with `/`).
    pub fn join(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }
}

impl fmt::Display for ServiceUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.base)
    }
}

/// The host part of an authority (`host:port`, `[v6]:port`).
fn host_of(authority: &str) -> &str {
    if let Some(v6) = authority.strip_prefix('[') {
        return v6.split(']').next().unwrap_or("");
    }
    authority.split(':').next().unwrap_or("")
}

/// Whether `host` names this machine (the one rule, in `ebranch-http`).
fn is_loopback_host(host: &str) -> bool {
    ebranch_http::policy::is_loopback_host(host)
}

/// Percent-encode one path segment or query value (RFC 3986 unreserved kept).
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// Build `?k=v&k=v` from pairs (values percent-encoded); empty pairs give "".
pub fn query(pairs: &[(&str, &str)]) -> String {
    if pairs.is_empty() {
        return String::new();
    }
    let joined: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    format!("?{}", joined.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_is_accepted_and_trailing_slash_dropped() {
        let url = ServiceUrl::parse("https://bugzilla.redhat.com/").unwrap();
        assert_eq!(url.as_str(), "https://bugzilla.redhat.com");
        assert!(!url.is_loopback());
        assert_eq!(url.host(), "bugzilla.redhat.com");
        assert_eq!(ServiceUrl::parse("http://[::1]:8/x").unwrap().host(), "::1");
        assert_eq!(
            url.join("/rest/bug"),
            "https://bugzilla.redhat.com/rest/bug"
        );
    }

    #[test]
    fn http_only_for_loopback() {
        assert!(
            ServiceUrl::parse("http://127.0.0.1:8080")
                .unwrap()
                .is_loopback()
        );
        assert!(ServiceUrl::parse("http://localhost:1/x").is_ok());
        assert!(ServiceUrl::parse("http://[::1]:80").is_ok());
        assert_eq!(
            ServiceUrl::parse("http://bugzilla.redhat.com"),
            Err(UrlError::Insecure("http://bugzilla.redhat.com".into()))
        );
        assert!(ServiceUrl::parse("http://127.0.0.1.example.com").is_err());
        assert!(ServiceUrl::parse("http://10.0.0.1").is_err());
    }

    #[test]
    fn malformed_urls_are_refused() {
        for bad in [
            "ftp://x",
            "https://",
            "bugzilla.redhat.com",
            "https://u:p@h",
            "https://h?x=1",
        ] {
            assert!(
                matches!(ServiceUrl::parse(bad), Err(UrlError::Malformed(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn encoding_keeps_unreserved_only() {
        assert_eq!(encode("gcc-c++"), "gcc-c%2B%2B");
        assert_eq!(encode("Fedora EPEL"), "Fedora%20EPEL");
        assert_eq!(query(&[("a", "b c"), ("d", "e")]), "?a=b%20c&d=e");
        assert_eq!(query(&[]), "");
    }
}
