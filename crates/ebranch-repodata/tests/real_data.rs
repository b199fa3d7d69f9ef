//! Reading the real repositories under shared/data.

mod common;

use common::*;
use ebranch_repodata::{DepKind, FileKind, ReadOptions, RepoData, read_repo};

fn read(rel: &str) -> RepoData {
    read_repo(&data(rel), &ReadOptions::default()).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn debian_sid_src() {
    let r = read(SID_SRC);
    assert_eq!(r.len(), 42_990);
    assert!(!r.has_filelists);
    assert!(r.files.is_empty());
    assert_eq!(r.repomd_checksum.len(), 64);
    let p = find_one(&r, "0ad", "0.28.0-3", "src");
    assert!(r.packages[p].sourcerpm.is_empty());
    assert_eq!(r.str(r.packages[p].location), "0ad-0.28.0-3.src.rpm");
    let req = deps(&r, p, DepKind::Requires);
    assert_eq!(req[0], "zlib1g-dev >= 1:1.2.3", "epoch kept, no release");
    assert!(req.contains(&"tzdata".to_string()));
    assert!(req.contains(&"libicu-dev >= 67.1-4~".to_string()));
    assert!(req.contains(&"(libcurl4-gnutls-dev or libcurl4-openssl-dev)".to_string()));
    assert!(req.contains(&"debhelper-compat = 13".to_string()));
    assert_eq!(deps(&r, p, DepKind::Provides), vec!["0ad = 0.28.0-3"]);
    // Every package is a source package and has a name and an EVR.
    let src = r.strings.lookup("src").unwrap();
    assert!(
        r.packages
            .iter()
            .all(|p| p.arch == src && !p.evr.is_empty())
    );
}

#[test]
fn debian_bookworm_bin() {
    let r = read(BOOKWORM_BIN);
    assert_eq!(r.len(), 63_440);
    let p = find_one(&r, "bash", "5.2.15-2+b13", "x86_64");
    assert_eq!(r.str(r.packages[p].sourcerpm), "bash-5.2.15-2.src.rpm");
    // No filelists to join by it: the package checksum is not kept.
    assert!(r.packages[p].pkgid.is_empty());
    assert_eq!(
        deps(&r, p, DepKind::Requires),
        vec![
            "debianutils >= 5.6-0.1",
            "base-files >= 2.1.12",
            "libtinfo6 >= 6",
            "libc6 >= 2.36"
        ]
    );
    assert_eq!(
        deps(&r, p, DepKind::Recommends),
        vec!["bash-completion >= 20060301-0"]
    );
    assert_eq!(deps(&r, p, DepKind::Provides), vec!["bash = 5.2.15-2+b13"]);
    assert!(r.deps(p, DepKind::Conflicts).is_empty());
}

#[test]
fn debian_sid_bin() {
    let r = read(SID_BIN);
    assert_eq!(r.len(), 76_808);
    let p = find_one(&r, "0ad", "0.28.0-3+b3", "x86_64");
    assert_eq!(r.str(r.packages[p].sourcerpm), "0ad-0.28.0-3.src.rpm");
    assert_eq!(deps(&r, p, DepKind::Requires)[0], "zlib1g >= 1:1.2.0");
}

#[test]
fn rhel_server_binary_with_filelists() {
    let r = read(RHEL_SERVER_BIN);
    assert_eq!(r.len(), 4_778);
    assert!(r.has_filelists);
    let arch_count = |a: &str| {
        let id = r.strings.lookup(a).unwrap();
        r.packages.iter().filter(|p| p.arch == id).count()
    };
    assert_eq!(arch_count("x86_64"), 2_441);
    assert_eq!(arch_count("noarch"), 1_198);
    assert_eq!(arch_count("i686"), 1_139);
    // krb5-server's KDB plugin is not a "primary" file: only filelists has it.
    let ks = find(&r, "krb5-server", "x86_64");
    assert_eq!(ks.len(), 1);
    let fl = files(&r, ks[0]);
    assert!(fl.contains(&"/usr/lib64/krb5/plugins/kdb/db2.so".to_string()));
    assert!(fl.contains(&"/usr/sbin/krb5kdc".to_string()));
    // The path ipa's BuildRequires names is not in any Server binary: the
    // repoclosure oracle lists it as unresolved too.
    assert_eq!(r.strings.lookup("/usr/lib/krb5/plugins/kdb/db2.so"), None);
    // Without filelists only primary files remain.
    let primary_only =
        read_repo(&data(RHEL_SERVER_BIN), &ReadOptions { filelists: false }).unwrap();
    assert!(!primary_only.has_filelists);
    let ks = find(&primary_only, "krb5-server", "x86_64")[0];
    let pf = files(&primary_only, ks);
    assert!(pf.contains(&"/usr/sbin/krb5kdc".to_string()));
    assert!(!pf.contains(&"/usr/lib64/krb5/plugins/kdb/db2.so".to_string()));
    assert!(
        pf.iter().all(|f| fl.contains(f)),
        "filelists ⊇ primary files"
    );
    assert!(primary_only.files.len() < r.files.len());
    // Same packages and dependencies either way.
    assert_eq!(primary_only.packages.len(), r.packages.len());
    assert_eq!(primary_only.deps.len(), r.deps.len());
    // pre="1" requires survive.
    assert!(r.deps.iter().any(|d| d.pre));
}

#[test]
fn rhel_server_source() {
    let r = read(RHEL_SERVER_SRC);
    assert_eq!(r.len(), 2_036);
    let ipa = find_one(&r, "ipa", "4.4.0-7.el7", "src");
    let req = deps(&r, ipa, DepKind::Requires);
    assert!(req.contains(&"/usr/lib/krb5/plugins/kdb/db2.so".to_string()));
    let epoch_pkgs = r
        .packages
        .iter()
        .filter(|p| r.str(p.evr).contains(':'))
        .count();
    assert_eq!(epoch_pkgs, 173, "SRPMs with a non-zero epoch");
    // Arch-dependent SRPM header leaked in from a ppc builder.
    let dwz = find(&r, "dwz", "src")[0];
    assert!(
        deps(&r, dwz, DepKind::Requires).contains(&"elfutils-libelf-devel(ppc-32)".to_string())
    );
}

#[test]
fn rhel_server_optional() {
    assert_eq!(read(RHEL_OPTIONAL_BIN).len(), 4_473);
    assert_eq!(read(RHEL_OPTIONAL_SRC).len(), 755);
}

#[test]
fn centos_stream_appstream() {
    let r = read(APPSTREAM);
    assert_eq!(r.len(), 17_649);
    // The filelists record points to an empty stub: packages keep primary files.
    assert!(r.has_filelists);
    let sdl = find_one(&r, "SDL2", "2.0.18-1.el9", "x86_64");
    assert_eq!(
        deps(&r, sdl, DepKind::Requires)[0],
        "(libdecor-0.so.0()(64bit) if libwayland-client)"
    );
    assert_eq!(
        deps(&r, sdl, DepKind::Provides),
        vec![
            "SDL2 = 2.0.18-1.el9",
            "SDL2(x86-64) = 2.0.18-1.el9",
            "libSDL2-2.0.so.0()(64bit)"
        ]
    );
    let annobin = find_one(&r, "annobin", "12.28-1.el9", "x86_64");
    assert!(
        deps(&r, annobin, DepKind::Requires).contains(&"(gcc >= 11 with gcc < 12)".to_string()),
        "entities in rich dependencies are unescaped"
    );
    let nm = find(&r, "NetworkManager-cloud-setup", "x86_64");
    assert!(
        nm.iter()
            .any(|&p| r.str(r.packages[p].evr) == "1:1.51.2-1.el9")
    );
    let weak: usize = [
        DepKind::Recommends,
        DepKind::Suggests,
        DepKind::Supplements,
        DepKind::Enhances,
    ]
    .iter()
    .map(|&k| (0..r.len()).map(|p| r.deps(p, k).len()).sum::<usize>())
    .sum();
    assert_eq!(weak, 2_989);
    let rich = (0..r.len())
        .flat_map(|p| r.deps(p, DepKind::Requires))
        .filter(|d| r.str(d.name).starts_with('('))
        .count();
    assert_eq!(rich, 730);
    assert!(!r.files.is_empty(), "primary files kept");
}

#[test]
fn centos_stream_baseos_filelists() {
    let r = read(BASEOS);
    assert_eq!(r.len(), 1_125);
    let bash = find_one(&r, "bash", "5.1.8-2.el9", "x86_64");
    assert_eq!(r.files(bash).len(), 132, "filelists, not primary's 22");
    let primary_only = read_repo(&data(BASEOS), &ReadOptions { filelists: false }).unwrap();
    let bash2 = find_one(&primary_only, "bash", "5.1.8-2.el9", "x86_64");
    assert_eq!(primary_only.files(bash2).len(), 22);
    let nm = find(&r, "NetworkManager", "x86_64")[0];
    let kinds: Vec<_> = r
        .files(nm)
        .iter()
        .map(|f| (r.str(f.path), f.kind))
        .filter(|(p, _)| p.starts_with("/etc/NetworkManager"))
        .take(3)
        .collect();
    assert_eq!(
        kinds,
        vec![
            ("/etc/NetworkManager", FileKind::Dir),
            ("/etc/NetworkManager/NetworkManager.conf", FileKind::File),
            ("/etc/NetworkManager/VPN", FileKind::Ghost)
        ]
    );
    let ghosts = r.files.iter().filter(|f| f.kind == FileKind::Ghost).count();
    assert_eq!(ghosts, 1_064);
}

#[test]
fn cs9_appstream_modules_yaml() {
    let dir = data(APPSTREAM);
    let repomd = ebranch_repodata::Repomd::read(&dir).unwrap();
    let md = ebranch_repodata::read_modules(&dir, &repomd)
        .unwrap()
        .expect("AppStream has a modules record");
    assert_eq!(md.streams.len(), 31);
    assert_eq!(md.defaults.len(), 8);
    assert!(md.problems.is_empty(), "{:?}", md.problems);
    // EL9 defaults name profiles only: no module has a default stream.
    assert!(md.defaults.iter().all(|d| d.stream.is_none()));
    let nodejs20: Vec<_> = md
        .streams
        .iter()
        .filter(|s| s.name == "nodejs" && s.stream == "20")
        .collect();
    assert_eq!(nodejs20.len(), 2);
    assert!(
        nodejs20
            .iter()
            .all(|s| s.context == "rhel9" && s.static_context)
    );
    // Only build-time requires: installable on any platform.
    assert_eq!(nodejs20[0].requires, vec![Vec::new()]);
    let maven = md.streams.iter().find(|s| s.name == "maven").unwrap();
    assert_eq!(
        maven.requires,
        vec![vec![("platform".to_owned(), vec!["el9".to_owned()])]]
    );
    // PyYAML counts the same artifacts.
    assert_eq!(
        md.streams.iter().map(|s| s.artifacts.len()).sum::<usize>(),
        1087
    );
}
