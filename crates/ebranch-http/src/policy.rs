//! Which URLs may be requested, and where a redirect may lead. The rules, decided once
//! for every request ebranch makes:
//!
//! - `https://` only. Plain `http://` is allowed to loopback hosts (`localhost`,
//!   `127.0.0.0/8`, `::1`): local fakes and test servers.
//! - A redirect never goes from https to http (no downgrade), and never leads from a
//!   loopback host to another machine.
//! - Loopback hosts are always reached directly, never through a proxy (a proxy's
//!   `127.0.0.1` is the proxy's own machine).

use ureq::http::Uri;

use crate::error::HttpError;

/// A URL split into what the rules look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The URL as given.
    pub url: String,
    /// `https` (true) or `http` (false).
    pub https: bool,
    /// The host is this machine.
    pub loopback: bool,
    /// `scheme://host:port`, for comparing origins.
    pub origin: String,
}

/// Checks `url` against the rules and splits it.
pub fn check(url: &str) -> Result<Target, HttpError> {
    let refused = |reason: &str| HttpError::Refused {
        url: url.to_string(),
        reason: reason.to_string(),
    };
    let uri: Uri = url
        .parse()
        .map_err(|_| refused("not a valid absolute URL"))?;
    let https = match uri.scheme_str().map(str::to_ascii_lowercase).as_deref() {
        Some("https") => true,
        Some("http") => false,
        _ => return Err(refused("only https:// URLs are fetched")),
    };
    let authority = uri.authority().ok_or_else(|| refused("no host"))?;
    if authority.as_str().contains('@') {
        return Err(refused("credentials in URLs are not accepted"));
    }
    let host = authority.host();
    if host.is_empty() {
        return Err(refused("no host"));
    }
    let loopback = is_loopback_host(host);
    if !https && !loopback {
        return Err(refused(
            "plain http is only allowed to this machine (loopback); use https",
        ));
    }
    let port = authority.port_u16().unwrap_or(if https { 443 } else { 80 });
    Ok(Target {
        url: url.to_string(),
        https,
        loopback,
        origin: format!(
            "{}://{}:{port}",
            if https { "https" } else { "http" },
            host.to_ascii_lowercase()
        ),
    })
}

/// Whether `url` passes [`check`] (for filtering mirror lists).
pub fn is_allowed(url: &str) -> bool {
    check(url).is_ok()
}

/// Checks one redirect hop from `from` to `location` (absolute or relative, as the
/// `Location` header gave it) and returns the checked target.
pub fn redirect(from: &Target, location: &str) -> Result<Target, HttpError> {
    let url = resolve(&from.url, location);
    let to = check(&url)?;
    let refused = |reason: &str| HttpError::Refused {
        url: url.clone(),
        reason: format!("redirect from {}: {reason}", from.url),
    };
    if from.https && !to.https {
        return Err(refused("https must not be downgraded to http"));
    }
    if from.loopback && !to.loopback {
        return Err(refused("a loopback server may not send requests elsewhere"));
    }
    Ok(to)
}

/// Whether `host` names this machine: `localhost`, `127.0.0.0/8` or `::1`.
pub fn is_loopback_host(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.eq_ignore_ascii_case("localhost") || host == "::1" {
        return true;
    }
    let octets: Vec<&str> = host.split('.').collect();
    octets.len() == 4
        && octets[0] == "127"
        && octets
            .iter()
            .all(|o| !o.is_empty() && o.len() <= 3 && o.parse::<u8>().is_ok())
}

/// Whether `url`'s host is a loopback host.
pub fn is_loopback_url(url: &str) -> bool {
    url.parse::<Uri>()
        .ok()
        .and_then(|u| u.host().map(is_loopback_host))
        .unwrap_or(false)
}

/// `location` resolved against `base` (RFC 3986 forms a server sends: absolute,
/// scheme-relative, absolute path, relative path).
fn resolve(base: &str, location: &str) -> String {
    let location = location.trim();
    if location.contains("://") {
        return location.to_string();
    }
    let (scheme, rest) = base.split_once("://").unwrap_or(("https", base));
    if let Some(net) = location.strip_prefix("//") {
        return format!("{scheme}://{net}");
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(end);
    if location.starts_with('/') {
        return format!("{scheme}://{authority}{location}");
    }
    let path = path.split(['?', '#']).next().unwrap_or("");
    let dir = &path[..path.rfind('/').map_or(0, |i| i + 1)];
    let dir = if dir.is_empty() { "/" } else { dir };
    format!("{scheme}://{authority}{dir}{location}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_anywhere_http_only_to_loopback() {
        assert!(check("https://mirrors.fedoraproject.org/metalink?repo=x").is_ok());
        for ok in [
            "http://127.0.0.1:8080/x",
            "http://localhost/x",
            "http://[::1]:80/",
            "http://127.1.2.3/",
        ] {
            let t = check(ok).unwrap();
            assert!(t.loopback && !t.https, "{ok}");
        }
        for bad in [
            "http://mirror.example/os/",
            "http://127.0.0.1.example.com/",
            "http://10.0.0.1/",
            "ftp://x/",
            "rsync://x/",
            "file:///etc/passwd",
            "https://user:pw@host/",
            "not a url",
            "",
        ] {
            assert!(
                matches!(check(bad), Err(HttpError::Refused { .. })),
                "{bad}"
            );
        }
        assert_eq!(
            check("HTTPS://Host.Example/").unwrap().origin,
            "https://host.example:443"
        );
    }

    #[test]
    fn redirects_never_downgrade_nor_leave_loopback() {
        let https = check("https://mirrors.example/metalink?repo=a").unwrap();
        let to = redirect(&https, "https://other.example/x").unwrap();
        assert_eq!(to.url, "https://other.example/x");
        let err = redirect(&https, "http://other.example/x").unwrap_err();
        assert!(err.to_string().contains("refused"), "{err}");
        // A downgrade to a loopback host is still a downgrade.
        let err = redirect(&https, "http://127.0.0.1/x").unwrap_err();
        assert!(err.to_string().contains("downgraded"), "{err}");
        let local = check("http://127.0.0.1:5/a/b").unwrap();
        assert_eq!(redirect(&local, "c").unwrap().url, "http://127.0.0.1:5/a/c");
        assert_eq!(redirect(&local, "/c").unwrap().url, "http://127.0.0.1:5/c");
        assert!(redirect(&local, "https://example.org/").is_err());
        assert_eq!(
            redirect(&https, "//cdn.example/y").unwrap().url,
            "https://cdn.example/y"
        );
    }

    #[test]
    fn loopback_hosts() {
        for yes in [
            "localhost",
            "LOCALHOST",
            "127.0.0.1",
            "127.255.0.9",
            "::1",
            "[::1]",
        ] {
            assert!(is_loopback_host(yes), "{yes}");
        }
        for no in [
            "128.0.0.1",
            "127.0.0",
            "127.0.0.1.nip.io",
            "localhost.example",
            "",
        ] {
            assert!(!is_loopback_host(no), "{no}");
        }
        assert!(is_loopback_url("http://[::1]:8/x"));
        assert!(!is_loopback_url("https://example.org"));
    }
}
