//! Entry points for the fuzz targets in `fuzz/` (not a stable API): the metalink and
//! mirrorlist readers, given a document's bytes as the fetcher receives them.

use crate::metalink::Metalink;
use crate::mirrorlist;

/// A metalink document read as the fetcher reads it: the mirror base URLs (best first)
/// and the number of hash sets it accepts (the current one plus alternates), or why
/// it is refused.
pub fn read_metalink(bytes: &[u8]) -> Result<(Vec<String>, usize), String> {
    let metalink = Metalink::parse(&String::from_utf8_lossy(bytes))?;
    let sets = 1 + metalink.alternates.len();
    Ok((metalink.mirrors, sets))
}

/// A mirrorlist document read as the fetcher reads it: the base URLs, in order.
pub fn read_mirrorlist(bytes: &[u8], arch: &str) -> Vec<String> {
    mirrorlist::parse(&String::from_utf8_lossy(bytes), arch)
}
