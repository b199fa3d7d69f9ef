//! Mirrorlist documents as the fetcher reads them.

use std::collections::HashSet;

use ebranch_fetch::fuzzing::read_mirrorlist;

use super::Scratch;

pub fn run(_: &Scratch, data: &[u8]) {
    let mirrors = read_mirrorlist(data, "x86_64");
    check_mirrors(&mirrors);
    for m in &mirrors {
        assert!(m.ends_with('/'), "a mirrorlist base ends with /: {m:?}");
    }
}

/// Mirror bases are http(s) URLs, each listed once.
pub fn check_mirrors(mirrors: &[String]) {
    let mut seen = HashSet::new();
    for m in mirrors {
        let lower = m.to_ascii_lowercase();
        assert!(
            lower.starts_with("http://") || lower.starts_with("https://"),
            "a mirror that is not http(s): {m:?}"
        );
        assert!(seen.insert(m), "a mirror listed twice: {m:?}");
    }
}
