//! Index cache files through `read_cache`, the loader `load_repo` uses. The harness
//! writes the file's checksum (a 64-bit hash no mutation would otherwise get right), so
//! that damaged contents behind a valid checksum reach the loader's own checks.

use ebranch_repodata::fasthash::FastHasher;
use ebranch_repodata::{ReadOptions, read_cache};

use super::Scratch;
use super::repo_check::{check_cache_round_trip, check_consistent};
use super::scratch::put;

/// The repomd.xml checksum the seeds were written for.
pub const KEY: &str = "0000000000000000000000000000000000000000000000000000000000fa22ed";
/// Where the checksum sits, and where the bytes it covers start.
const CHECKSUM_AT: usize = 12;
const HASHED_FROM: usize = 20;

pub fn run(scratch: &Scratch, data: &[u8]) {
    let path = scratch.cache_file("input.idx");
    put(&path, &with_checksum(data));
    let options = ReadOptions::default();
    if let Ok(Some(read)) = read_cache(&path, KEY, &options) {
        check_consistent(&read);
        check_cache_round_trip(scratch, &read, &options);
    }
}

/// `data` with the checksum field set to the checksum of what follows it.
pub fn with_checksum(data: &[u8]) -> Vec<u8> {
    let mut file = data.to_vec();
    if file.len() >= HASHED_FROM {
        let mut hasher = FastHasher::new();
        hasher.update(&file[HASHED_FROM..]);
        file[CHECKSUM_AT..HASHED_FROM].copy_from_slice(&hasher.finish().to_le_bytes());
    }
    file
}
