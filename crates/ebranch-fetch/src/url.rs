//! Small URL and path helpers: joining, scheme checks, safe relative paths.

use std::path::{Component, Path, PathBuf};

/// The file every mirror URL in a metalink points at.
pub(crate) const REPOMD_SUFFIX: &str = "repodata/repomd.xml";

/// True for `http://` and `https://` URLs.
pub(crate) fn is_http(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// `base` with exactly one trailing slash.
pub(crate) fn with_slash(base: &str) -> String {
    format!("{}/", base.trim_end_matches('/'))
}

/// Joins a repo base URL and a relative location (`repodata/…`).
pub(crate) fn join(base: &str, relative: &str) -> String {
    format!("{}{}", with_slash(base), relative.trim_start_matches('/'))
}

/// Base URL of a metalink resource that points at `…/repodata/repomd.xml`.
pub(crate) fn strip_repomd_suffix(url: &str) -> Option<String> {
    url.strip_suffix(REPOMD_SUFFIX).map(with_slash)
}

/// A repomd `location href` as a path under the repo directory, or `None`
/// when it is absolute, empty or climbs out with `..`.
pub(crate) fn safe_relative_path(href: &str) -> Option<PathBuf> {
    if href.is_empty() || href.contains('\\') || href.contains('\0') {
        return None;
    }
    let path = Path::new(href);
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::Normal(part) => out.push(part),
            Component::CurDir => {}
            _ => return None,
        }
    }
    (!out.as_os_str().is_empty()).then_some(out)
}

/// A file-system-friendly rendering of an id or URL (for cache folder names).
pub(crate) fn sanitize(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let trimmed = cleaned.trim_matches(|c| c == '_' || c == '.');
    let short: String = trimmed.chars().take(64).collect();
    if short.is_empty() {
        "repo".to_string()
    } else {
        short
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_and_strips() {
        assert_eq!(join("http://h/a", "repodata/x"), "http://h/a/repodata/x");
        assert_eq!(join("http://h/a/", "/repodata/x"), "http://h/a/repodata/x");
        assert_eq!(
            strip_repomd_suffix("https://m/os/repodata/repomd.xml").as_deref(),
            Some("https://m/os/")
        );
        assert_eq!(strip_repomd_suffix("https://m/os/"), None);
        assert!(is_http("HTTPS://x") && is_http("http://x") && !is_http("rsync://x"));
    }

    #[test]
    fn relative_paths_are_checked() {
        assert_eq!(
            safe_relative_path("repodata/a-primary.xml.gz"),
            Some(PathBuf::from("repodata/a-primary.xml.gz"))
        );
        assert_eq!(
            safe_relative_path("./repodata/x"),
            Some(PathBuf::from("repodata/x"))
        );
        for bad in ["", "/etc/passwd", "../x", "repodata/../../x", "a\\b"] {
            assert_eq!(safe_relative_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn sanitizes() {
        assert_eq!(sanitize("https://h/p?x=1"), "https___h_p_x_1");
        assert_eq!(sanitize("epel10.1"), "epel10.1");
        assert_eq!(sanitize("../"), "repo");
    }
}
