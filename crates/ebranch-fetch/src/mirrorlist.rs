//! Reading plain-text mirrorlists: one base URL a line, `#` comments.

use crate::url;

/// Base URLs listed in a mirrorlist, in order, http(s) only, with
/// `$basearch`/`$arch` replaced by `arch`.
pub(crate) fn parse(text: &str, arch: &str) -> Vec<String> {
    let mut mirrors: Vec<String> = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || !url::is_http(line) {
            continue;
        }
        let base = url::with_slash(
            &line
                .replace("${basearch}", arch)
                .replace("$basearch", arch)
                .replace("$arch", arch),
        );
        if !mirrors.contains(&base) {
            mirrors.push(base);
        }
    }
    mirrors
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_http_lines_in_order() {
        let text = "# comment\n\nhttps://a/9/BaseOS/$basearch/os\nftp://x/\nrsync://r/\nhttp://b/os/\nhttps://a/9/BaseOS/aarch64/os/\n";
        assert_eq!(
            super::parse(text, "aarch64"),
            ["https://a/9/BaseOS/aarch64/os/", "http://b/os/"]
        );
    }
}
