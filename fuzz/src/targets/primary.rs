//! primary.xml (raw or compressed) through `read_repo`.

use ebranch_repodata::{ReadOptions, read_repo};

use super::Scratch;
use super::compressed::file_bytes;
use super::repo_check::{check_cache_round_trip, check_consistent};
use super::scratch::put;

pub fn run(scratch: &Scratch, data: &[u8]) {
    let repo = scratch.primary_repo();
    put(&repo.join("repodata/primary.xml"), &file_bytes(data));
    let options = ReadOptions { filelists: false };
    if let Ok(read) = read_repo(&repo, &options) {
        check_consistent(&read);
        check_cache_round_trip(scratch, &read, &options);
    }
}
