//! The fuzz targets: each takes one input's bytes, runs one reader on them, and checks
//! what is cheap to check about the result. A failed check panics (a crash for AFL++).

mod cache;
mod compressed;
mod evr;
mod filelists;
mod metalink;
mod mirrorlist;
mod primary;
mod repo_check;
mod repomd;
mod report;
mod rich;
mod scratch;

pub use cache::KEY as CACHE_KEY;
pub use compressed::{Codec, encode};
pub use scratch::{FILELISTS_PKGIDS, Scratch};

/// One fuzz target.
pub struct Target {
    /// The name used on the command line and for corpus directories.
    pub name: &'static str,
    /// What it feeds and what it checks.
    pub about: &'static str,
    /// Runs one input.
    pub run: fn(&Scratch, &[u8]),
}

/// Every target, in the order `fuzz.sh` runs them.
pub const ALL: &[Target] = &[
    Target {
        name: "repomd",
        about: "repomd.xml (Repomd::parse); every record's fields are readable",
        run: repomd::run,
    },
    Target {
        name: "primary",
        about: "primary.xml, raw or compressed, through read_repo; the result is consistent and survives a cache round trip",
        run: primary::run,
    },
    Target {
        name: "filelists",
        about: "filelists.xml, raw or compressed, joined to a fixed primary through read_repo; same checks",
        run: filelists::run,
    },
    Target {
        name: "metalink",
        about: "metalink documents as the fetcher reads them; mirrors are unique http(s) bases",
        run: metalink::run,
    },
    Target {
        name: "mirrorlist",
        about: "mirrorlist documents as the fetcher reads them; mirrors are unique http(s) bases",
        run: mirrorlist::run,
    },
    Target {
        name: "rich",
        about: "dependency text (parse_requirement, parse_rich, parse_rich_for_tag); parse -> render -> parse is stable",
        run: rich::run,
    },
    Target {
        name: "evr",
        about: "rpmvercmp, compare_evr, ranges_overlap; reflexive, antisymmetric, transitive, overlap symmetric",
        run: evr::run,
    },
    Target {
        name: "cache",
        about: "index cache files (read_cache), checksum fixed up by the harness; a loaded cache writes back identical",
        run: cache::run,
    },
    Target {
        name: "report",
        about: "report JSON (Report::from_json), the 0.0.3 rules and the plan's graph; JSON round trip is stable",
        run: report::run,
    },
];

/// The target called `name`.
pub fn find(name: &str) -> Option<&'static Target> {
    ALL.iter().find(|t| t.name == name)
}

/// Text for a reader that takes `&str`: invalid UTF-8 is replaced, as the readers
/// that receive bytes do it.
fn text(data: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(data)
}
