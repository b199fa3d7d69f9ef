//! Reading plain-text mirrorlists: one base URL a line, `#` comments.

use crate::mirrors::unique_in_order;
use crate::url;

/// Base URLs listed in a mirrorlist, in order, with `$basearch`/`$arch`
/// replaced by `arch`, only those the HTTP policy allows (https; plain http
/// to loopback hosts), each once (linear in the number of lines).
pub(crate) fn parse(text: &str, arch: &str) -> Vec<String> {
    let bases = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| {
            url::with_slash(
                &line
                    .replace("${basearch}", arch)
                    .replace("$basearch", arch)
                    .replace("$arch", arch),
            )
        })
        .filter(|base| ebranch_http::policy::is_allowed(base));
    unique_in_order(bases)
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

    #[test]
    fn a_mirrorlist_of_160000_lines_keeps_each_mirror_once() {
        let text: String = (0..160_000)
            .map(|i| format!("https://m{}.example/os/$basearch\n", i % 40_000))
            .collect();
        let mirrors = super::parse(&text, "x86_64");
        assert_eq!(mirrors.len(), 40_000);
        assert_eq!(mirrors[1], "https://m1.example/os/x86_64/");
    }
}
