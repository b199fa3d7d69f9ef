//! Metalink documents as the fetcher reads them.

use ebranch_fetch::fuzzing::read_metalink;

use super::Scratch;
use super::mirrorlist::check_mirrors;

pub fn run(_: &Scratch, data: &[u8]) {
    if let Ok((mirrors, hash_sets)) = read_metalink(data) {
        assert!(
            hash_sets >= 1,
            "an accepted metalink has a current hash set"
        );
        check_mirrors(&mirrors);
    }
}
