//! Small URL helpers: joining, scheme checks, cache folder names.

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

/// Base URL of a metalink resource that points at `…/repodata/repomd.xml`: the
/// `repodata` folder's parent, which must itself be a URL the HTTP policy allows (a
/// `repodata` host, as in `https://repodata/repomd.xml`, is not a folder).
pub(crate) fn strip_repomd_suffix(url: &str) -> Option<String> {
    let base = url.strip_suffix(REPOMD_SUFFIX)?;
    base.ends_with('/')
        .then_some(base)
        .filter(|base| ebranch_http::policy::is_allowed(base))
        .map(with_slash)
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
    fn a_metalink_url_names_a_repodata_folder_under_an_allowed_base() {
        assert_eq!(strip_repomd_suffix("https://repodata/repomd.xml"), None);
        assert_eq!(strip_repomd_suffix("https:///repodata/repomd.xml"), None);
        assert_eq!(strip_repomd_suffix("https://m/xrepodata/repomd.xml"), None);
        assert_eq!(
            strip_repomd_suffix("https://m/repodata/repomd.xml").as_deref(),
            Some("https://m/")
        );
    }

    #[test]
    fn sanitizes() {
        assert_eq!(sanitize("https://h/p?x=1"), "https___h_p_x_1");
        assert_eq!(sanitize("epel10.1"), "epel10.1");
        assert_eq!(sanitize("../"), "repo");
    }
}
