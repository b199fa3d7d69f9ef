//! Module filtering against dnf's: for the real CentOS Stream 9 AppStream and for a
//! hand-made EL8-style repository (default streams, stream dependencies, several contexts,
//! hybrid filtering by name, provide and source name, demodularized names, platform
//! requires), every package dnf keeps visible is visible here and every other one hidden,
//! and the active streams are dnf's. dnf 4 (python3-dnf) is the oracle:
//! `tests/oracle/dnf_modules.py`.

use std::path::{Path, PathBuf};
use std::process::Command;

use ebranch_analysis::{ModuleConfig, ModuleError, ModuleFiltering, module_filtering};
use ebranch_index::{ArchSet, Pool, RepoId, RepoInput};
use ebranch_repodata::{ReadOptions, Repomd, read_modules, read_repo};
use sha2::{Digest, Sha256};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn appstream() -> PathBuf {
    repo_root().join("../shared/data/cs9-osbuild-testrepos/appstream-2025-01")
}

/// dnf's answer: visible packages (`name-epoch:version-release.arch`) and active streams.
fn dnf(platform: &str, enable: &[&str], repos: &[&Path]) -> Option<(Vec<String>, Vec<String>)> {
    let ok = Command::new("/usr/bin/python3")
        .args(["-c", "import dnf"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("EBRANCH_SKIP_ORACLE").is_some(),
            "python3-dnf is missing: install the oracle packages (see README) or set EBRANCH_SKIP_ORACLE=1"
        );
        return None;
    }
    let mut cmd = Command::new("/usr/bin/python3");
    cmd.arg(repo_root().join("tests/oracle/dnf_modules.py"))
        .arg(platform);
    for e in enable {
        cmd.args(["--enable", e]);
    }
    cmd.args(repos);
    let out = cmd.output().expect("the oracle runs");
    assert!(
        out.status.success(),
        "oracle failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let (mut visible, mut active) = (Vec::new(), Vec::new());
    for line in text.lines() {
        match line.strip_prefix("# active ") {
            Some(a) => active.push(a.to_owned()),
            None => visible.push(line.to_owned()),
        }
    }
    Some((visible, active))
}

fn pool_of(repos: &[&Path]) -> Pool {
    let inputs = repos
        .iter()
        .map(|r| RepoInput {
            label: r.display().to_string(),
            data: read_repo(r, &ReadOptions::default()).unwrap(),
        })
        .collect();
    Pool::new(inputs, ArchSet::for_basearch("x86_64")).unwrap()
}

fn ours(
    pool: &Pool,
    repos: &[&Path],
    platform: &str,
    enable: &[&str],
) -> Result<(Vec<String>, ModuleFiltering), ModuleError> {
    let metadata: Vec<_> = repos
        .iter()
        .enumerate()
        .filter_map(|(i, dir)| {
            let repomd = Repomd::read(dir).unwrap();
            read_modules(dir, &repomd)
                .unwrap()
                .map(|md| (RepoId(i as u32), md))
        })
        .collect();
    let refs: Vec<_> = metadata.iter().map(|(r, m)| (*r, m)).collect();
    let config = ModuleConfig {
        platform: platform.into(),
        enable: enable.iter().map(|s| (*s).to_owned()).collect(),
    };
    let filtering = module_filtering(pool, &refs, |_| true, &config)?;
    let mut visible: Vec<String> = pool
        .packages()
        .filter(|p| !filtering.hidden[p.index()])
        .map(|p| {
            let p = pool.package(p);
            let evr = p.evr();
            let evr = if evr.contains(':') {
                evr.to_owned()
            } else {
                format!("0:{evr}")
            };
            format!("{}-{evr}.{}", p.name(), p.arch())
        })
        .collect();
    visible.sort();
    Ok((visible, filtering))
}

fn check(repos: &[&Path], platform: &str, enable: &[&str]) -> Option<ModuleFiltering> {
    let (want_visible, want_active) = dnf(platform, enable, repos)?;
    let pool = pool_of(repos);
    let (visible, filtering) = ours(&pool, repos, platform, enable).unwrap();
    let only_ours: Vec<_> = visible
        .iter()
        .filter(|v| !want_visible.contains(v))
        .collect();
    let only_dnf: Vec<_> = want_visible
        .iter()
        .filter(|v| !visible.contains(v))
        .collect();
    assert!(
        only_ours.is_empty() && only_dnf.is_empty(),
        "{platform} {enable:?}: visible only here: {only_ours:?}; visible only to dnf: {only_dnf:?}"
    );
    assert_eq!(
        filtering.active, want_active,
        "{platform} {enable:?}: active streams"
    );
    assert_eq!(filtering.hidden_count, pool.len() - visible.len());
    Some(filtering)
}

#[test]
fn cs9_appstream_visible_packages_are_dnfs() {
    let dir = appstream();
    let repos = [dir.as_path()];
    // No default streams in EL9: every modular package is hidden (and one artifact
    // without a module release tag, v8-12.4-devel).
    if let Some(f) = check(&repos, "platform:el9", &[]) {
        assert_eq!(f.hidden_count, 516);
        assert!(f.active.is_empty());
    }
    // Enabling nodejs:20 shows both of its builds and hides the non-modular nodejs 16.
    check(&repos, "platform:el9", &["nodejs:20"]);
    // Several streams; maven:3.8 requires platform:el9, so on el8 it cannot be active.
    if let Some(f) = check(
        &repos,
        "platform:el8",
        &[
            "nodejs:22",
            "php:8.2",
            "postgresql:16",
            "maven:3.8",
            "ruby:3.3",
        ],
    ) {
        assert!(!f.active.contains(&"maven:3.8".to_owned()));
    }
}

/// A package: name, epoch:version-release, arch, extra provides.
type Pkg<'a> = (&'a str, &'a str, &'a str, &'a [&'a str]);

fn write_repo(dir: &Path, pkgs: &[Pkg<'_>], modules_yaml: &str) {
    let mut xml = format!(
        "<?xml version=\"1.0\"?>\n<metadata xmlns=\"http://linux.duke.edu/metadata/common\" xmlns:rpm=\"http://linux.duke.edu/metadata/rpm\" packages=\"{}\">\n",
        pkgs.len()
    );
    for (name, evr, arch, provides) in pkgs {
        let (epoch, vr) = evr.split_once(':').unwrap();
        let (ver, rel) = vr.split_once('-').unwrap();
        let srpm = if *arch == "src" {
            String::new()
        } else {
            format!("{name}-{vr}.src.rpm")
        };
        xml.push_str(&format!(
            "<package type=\"rpm\"><name>{name}</name><arch>{arch}</arch><version epoch=\"{epoch}\" ver=\"{ver}\" rel=\"{rel}\"/><checksum type=\"sha256\" pkgid=\"YES\">{:x}</checksum><summary>s</summary><location href=\"p/{name}-{vr}.{arch}.rpm\"/><format><rpm:sourcerpm>{srpm}</rpm:sourcerpm><rpm:provides>",
            Sha256::digest(format!("{name}{evr}{arch}"))
        ));
        if *arch != "src" {
            xml.push_str(&format!(
                "<rpm:entry name=\"{name}\" flags=\"EQ\" epoch=\"{epoch}\" ver=\"{ver}\" rel=\"{rel}\"/>"
            ));
        }
        for p in *provides {
            xml.push_str(&format!("<rpm:entry name=\"{p}\"/>"));
        }
        xml.push_str("</rpm:provides></format></package>\n");
    }
    xml.push_str("</metadata>\n");
    let repodata = dir.join("repodata");
    std::fs::create_dir_all(&repodata).unwrap();
    let mut records = String::new();
    for (kind, file, body) in [
        ("primary", "primary.xml", xml.as_str()),
        ("modules", "modules.yaml", modules_yaml),
    ] {
        std::fs::write(repodata.join(file), body).unwrap();
        records.push_str(&format!(
            "<data type=\"{kind}\"><checksum type=\"sha256\">{:x}</checksum><location href=\"repodata/{file}\"/><size>{}</size></data>",
            Sha256::digest(body),
            body.len()
        ));
    }
    std::fs::write(
        repodata.join("repomd.xml"),
        format!("<?xml version=\"1.0\"?>\n<repomd xmlns=\"http://linux.duke.edu/metadata/repo\"><revision>1</revision>{records}</repomd>\n"),
    )
    .unwrap();
}

/// One stream document.
fn stream(
    name: &str,
    stream: &str,
    version: u64,
    context: &str,
    requires: &str,
    rpms: &[&str],
    extra: &str,
) -> String {
    let rpms: String = rpms.iter().map(|r| format!("    - {r}\n")).collect();
    format!(
        "---\ndocument: modulemd\nversion: 2\ndata:\n  name: {name}\n  stream: \"{stream}\"\n  version: {version}\n  context: {context}\n  arch: x86_64\n  summary: s\n  description: d\n  license: {{module: [MIT]}}\n  dependencies:\n  - buildrequires: {{platform: [el8]}}\n    requires: {{{requires}}}\n{extra}  artifacts:\n    rpms:\n{rpms}...\n"
    )
}

fn defaults(module: &str, stream: &str) -> String {
    format!(
        "---\ndocument: modulemd-defaults\nversion: 1\ndata:\n  module: {module}\n  stream: \"{stream}\"\n...\n"
    )
}

/// An EL8-style modular repository.
fn el8_repo(dir: &Path) {
    let mut yaml = String::new();
    for (m, s) in [
        ("perl", "5.26"),
        ("perl-DBI", "1.641"),
        ("nodejs", "10"),
        ("el9only", "1"),
        ("neg", "a"),
    ] {
        yaml.push_str(&defaults(m, s));
    }
    let el8 = "platform: [el8]";
    yaml.push_str(&stream(
        "perl",
        "5.26",
        1,
        "aaaa",
        el8,
        &[
            "perl-4:5.26.3-1.module_el8+a.x86_64",
            "perl-4:5.26.3-1.module_el8+a.src",
        ],
        "",
    ));
    yaml.push_str(&stream(
        "perl",
        "5.30",
        1,
        "bbbb",
        el8,
        &[
            "perl-4:5.30.1-1.module_el8+b.x86_64",
            "perl-4:5.30.1-1.module_el8+b.src",
        ],
        "",
    ));
    yaml.push_str(&stream(
        "perl-DBI",
        "1.641",
        1,
        "c1",
        "platform: [el8], perl: [5.26]",
        &["perl-DBI-0:1.641-1.module_el8+c1.x86_64"],
        "",
    ));
    yaml.push_str(&stream(
        "perl-DBI",
        "1.641",
        1,
        "c2",
        "platform: [el8], perl: [5.30]",
        &["perl-DBI-0:1.641-1.module_el8+c2.x86_64"],
        "",
    ));
    yaml.push_str(&stream(
        "nodejs",
        "10",
        1,
        "n10",
        el8,
        &[
            "nodejs-1:10.1-1.module_el8+n10.x86_64",
            "nodejs-1:10.1-1.module_el8+n10.src",
            "nodejs-docs-1:10.1-1.module_el8+n10.noarch",
            "jsbundle-0:1-1.module_el8+n10.src",
        ],
        "",
    ));
    yaml.push_str(&stream(
        "nodejs",
        "12",
        1,
        "n12",
        el8,
        &[
            "nodejs-1:12.1-1.module_el8+n12.x86_64",
            "nodejs-docs-1:12.1-1.module_el8+n12.noarch",
        ],
        "  demodularized:\n    rpms: [nodejs-docs]\n",
    ));
    yaml.push_str(&stream(
        "nodejs",
        "14",
        1,
        "n14a",
        el8,
        &["nodejs-1:14.1-1.module_el8+n14a.x86_64"],
        "",
    ));
    yaml.push_str(&stream(
        "nodejs",
        "14",
        2,
        "n14b",
        el8,
        &["nodejs-1:14.2-1.module_el8+n14b.x86_64"],
        "",
    ));
    yaml.push_str(&stream(
        "el9only",
        "1",
        1,
        "e9",
        "platform: [el9]",
        &["el9only-0:1-1.module_el9+e9.x86_64"],
        "",
    ));
    yaml.push_str(&stream(
        "neg",
        "a",
        1,
        "ng",
        "platform: [-el8]",
        &["neg-0:1-1.module_el8+ng.x86_64"],
        "",
    ));
    // Invalid for libmodulemd (an artifact without epoch): the whole document is ignored.
    yaml.push_str(&stream("bad", "1", 1, "b", el8, &["foo-1.0-1.x86_64"], ""));
    yaml.push_str(&stream(
        "needsjs",
        "1",
        1,
        "nj",
        "platform: [el8], nodejs: [12, 14]",
        &["needsjs-0:1-1.module_el8+nj.noarch"],
        "",
    ));
    let pkgs: &[Pkg<'_>] = &[
        ("perl", "4:5.26.3-1.module_el8+a", "x86_64", &[]),
        ("perl", "4:5.26.3-1.module_el8+a", "src", &[]),
        ("perl", "4:5.30.1-1.module_el8+b", "x86_64", &[]),
        ("perl", "4:5.30.1-1.module_el8+b", "src", &[]),
        ("perl-DBI", "0:1.641-1.module_el8+c1", "x86_64", &[]),
        ("perl-DBI", "0:1.641-1.module_el8+c2", "x86_64", &[]),
        ("perl-DBI", "0:1.600-1.el8", "x86_64", &[]),
        ("nodejs", "1:10.1-1.module_el8+n10", "x86_64", &[]),
        ("nodejs", "1:10.1-1.module_el8+n10", "src", &[]),
        ("nodejs-docs", "1:10.1-1.module_el8+n10", "noarch", &[]),
        ("nodejs", "1:12.1-1.module_el8+n12", "x86_64", &[]),
        ("nodejs-docs", "1:12.1-1.module_el8+n12", "noarch", &[]),
        ("nodejs", "1:14.1-1.module_el8+n14a", "x86_64", &[]),
        ("nodejs", "1:14.2-1.module_el8+n14b", "x86_64", &[]),
        ("nodejs", "1:9.0-1.el8", "x86_64", &[]),
        ("nodejs", "1:9.0-1.el8", "src", &[]),
        ("nodejs-docs", "1:9.0-1.el8", "noarch", &[]),
        ("js-runtime", "0:1-1.el8", "noarch", &["nodejs"]),
        ("foo", "0:1.0-1", "x86_64", &[]),
        ("el9only", "0:1-1.module_el9+e9", "x86_64", &[]),
        ("neg", "0:1-1.module_el8+ng", "x86_64", &[]),
        ("needsjs", "0:1-1.module_el8+nj", "noarch", &[]),
        ("zlib", "0:1.2-1.el8", "x86_64", &[]),
        // Only a source artifact of nodejs:10 is named so: hidden by source name.
        ("jsbundle", "0:1-1.module_el8+n10", "src", &[]),
        ("jsbundle", "0:0.9-1.el8", "src", &[]),
    ];
    write_repo(dir, pkgs, &yaml);
}

#[test]
fn el8_style_repository_visible_packages_are_dnfs() {
    let dir = tempfile::tempdir().unwrap();
    el8_repo(dir.path());
    let repos = [dir.path()];
    // Defaults: perl:5.26, perl-DBI:1.641 in the context for perl 5.26, nodejs:10.
    if let Some(f) = check(&repos, "platform:el8", &[]) {
        assert_eq!(f.active, ["nodejs:10", "perl-DBI:1.641", "perl:5.26"]);
    }
    // Another perl stream takes perl-DBI's other context with it.
    check(&repos, "platform:el8", &["perl:5.30"]);
    // A stream whose newest build lists nodejs-docs as demodularized.
    check(&repos, "platform:el8", &["nodejs:12"]);
    // Every build of an enabled stream is visible, not only the newest.
    check(&repos, "platform:el8", &["nodejs:14"]);
    // A stream requiring another module's stream pulls it in.
    check(&repos, "platform:el8", &["needsjs:1"]);
    // On another platform the el8 streams cannot be active.
    check(&repos, "platform:el9", &[]);
}

#[test]
fn unknown_or_conflicting_module_requests_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    el8_repo(dir.path());
    let repos = [dir.path()];
    let pool = pool_of(&repos);
    let err = ours(&pool, &repos, "platform:el8", &["nodejs:99"]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "no module stream `nodejs:99` in the target's modules.yaml; known streams of `nodejs`: 10, 12, 14"
    );
    let err = ours(&pool, &repos, "platform:el8", &["nodejs:12", "nodejs:14"]).unwrap_err();
    assert!(matches!(err, ModuleError::TwoStreams(..)), "{err}");
    let err = ours(&pool, &repos, "el8", &[]).unwrap_err();
    assert!(matches!(err, ModuleError::Platform(..)), "{err}");
    // A stream that cannot be active on the platform is a problem, not an error.
    let (_, f) = ours(&pool, &repos, "platform:el8", &["el9only:1"]).unwrap();
    assert!(!f.active.contains(&"el9only:1".to_owned()));
    assert!(
        f.problems.iter().any(|p| p.contains("el9only:1")),
        "{:?}",
        f.problems
    );
}
