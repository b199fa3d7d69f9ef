//! filelists.xml (raw or compressed), joined to a fixed primary, through `read_repo`.

use ebranch_repodata::{ReadOptions, read_repo};

use super::Scratch;
use super::compressed::file_bytes;
use super::repo_check::{check_cache_round_trip, check_consistent};
use super::scratch::put;

pub fn run(scratch: &Scratch, data: &[u8]) {
    let repo = scratch.filelists_repo();
    put(&repo.join("repodata/filelists.xml"), &file_bytes(data));
    let options = ReadOptions { filelists: true };
    if let Ok(read) = read_repo(&repo, &options) {
        assert_eq!(read.len(), 3, "the fixed primary has three packages");
        check_consistent(&read);
        check_cache_round_trip(scratch, &read, &options);
    }
}
