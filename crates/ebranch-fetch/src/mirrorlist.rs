//! Reading plain-text mirrorlists: one base URL a line, `#` comments.

use std::collections::HashSet;

use crate::url;

/// Base URLs listed in a mirrorlist, in order, with `$basearch`/`$arch`
/// replaced by `arch`, only those the HTTP policy allows (https; plain http
/// to loopback hosts), each once (linear in the number of lines).
pub(crate) fn parse(text: &str, arch: &str) -> Vec<String> {
    let mut mirrors: Vec<String> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let base = url::with_slash(
            &line
                .replace("${basearch}", arch)
                .replace("$basearch", arch)
                .replace("$arch", arch),
        );
        if ebranch_http::policy::is_allowed(&base) && seen.insert(base.clone()) {
            mirrors.push(base);
        }
    }
    mirrors
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_allowed_lines_in_order() {
        let text = "# comment\n\nhttps://a/9/BaseOS/$basearch/os\nftp://x/\nrsync://r/\nhttp://b/os/\nhttp://127.0.0.1:8/os\nhttps://a/9/BaseOS/aarch64/os/\n";
        assert_eq!(
            super::parse(text, "aarch64"),
            ["https://a/9/BaseOS/aarch64/os/", "http://127.0.0.1:8/os/"]
        );
    }
}
