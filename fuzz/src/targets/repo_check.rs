//! Checks on a [`RepoData`] a reader returned: every range and string id is in bounds,
//! and the index cache writes it and reads it back unchanged.

use ebranch_repodata::{DepKind, ReadOptions, RepoData, read_cache, write_cache};

use super::Scratch;

/// Every package's ranges and string ids are in bounds (reading them panics if not).
pub fn check_consistent(data: &RepoData) {
    for (i, p) in data.packages.iter().enumerate() {
        for id in [p.name, p.arch, p.evr, p.sourcerpm, p.location, p.pkgid] {
            assert!(
                data.strings.try_get(id).is_some(),
                "package {i}: bad string id"
            );
        }
        let all = p.all_deps_range();
        assert!(
            all.start <= all.end && all.end <= data.deps.len(),
            "package {i}: deps range"
        );
        for kind in DepKind::ALL {
            for dep in data.deps(i, kind) {
                assert!(
                    data.strings.try_get(dep.name).is_some(),
                    "package {i}: dep name"
                );
                assert!(
                    data.strings.try_get(dep.evr).is_some(),
                    "package {i}: dep evr"
                );
            }
        }
        for file in data.files(i) {
            assert!(
                data.strings.try_get(file.path).is_some(),
                "package {i}: file path"
            );
        }
        let _ = data.nevra(i);
    }
}

/// The index cache round trip: written with `options`, read back equal.
pub fn check_cache_round_trip(scratch: &Scratch, data: &RepoData, options: &ReadOptions) {
    let path = scratch.cache_file("round-trip.idx");
    if let Err(e) = write_cache(data, options, &path) {
        panic!("a repository that was read cannot be cached: {e}");
    }
    match read_cache(&path, &data.repomd_checksum, options) {
        Ok(Some(back)) => assert!(back == *data, "the cache read back differs"),
        Ok(None) => panic!("a cache just written is refused"),
        Err(e) => panic!("a cache just written cannot be read: {e}"),
    }
}
