//! Built-in release definitions and user overrides.

use ebranch_fetch::{Releases, ReleasesError, RepoRole, RepoSource, ResolveError};

#[test]
fn builtin_releases_cover_fedora_epel_and_their_bases() {
    let releases = Releases::builtin();
    for name in [
        "rawhide",
        "rawhide-koji",
        "f43",
        "f44",
        "f45",
        "f43-build",
        "f44-build",
        "f45-build",
        "c9s",
        "c10s",
        "alma8",
        "alma9",
        "alma10",
        "epel8",
        "epel8-testing",
        "epel9",
        "epel9-testing",
        "epel9-next",
        "epel10",
        "epel10-testing",
        "epel10z",
        "epel10.0",
        "epel10.1",
        "epel10.2",
        "epel8-build",
        "epel9-build",
        "epel10-build",
    ] {
        let release = releases
            .get(name)
            .unwrap_or_else(|| panic!("{name} missing"));
        assert!(!release.description.is_empty(), "{name}");
        assert_eq!(release.origin, "builtin");
    }
}

#[test]
fn every_builtin_release_resolves_for_every_arch_to_https_urls() {
    let releases = Releases::builtin();
    for release in releases.iter() {
        for arch in &release.arches {
            let repos = releases.resolve(&release.name, arch).unwrap();
            assert!(!repos.is_empty(), "{}", release.name);
            for repo in repos {
                for url in repo.source.locations() {
                    assert!(url.starts_with("https://"), "{}: {url}", release.name);
                    assert!(!url.contains('$'), "{}: {url}", release.name);
                }
                if !repo.role.is_reference() {
                    assert!(!repo.id.contains("source"), "{}", repo.id);
                }
            }
        }
    }
}

#[test]
fn rawhide_is_a_reference_and_epel10_layers_on_centos_stream_10() {
    let releases = Releases::builtin();
    let rawhide = releases.resolve("rawhide", "aarch64").unwrap();
    let roles: Vec<_> = rawhide.iter().map(|r| r.role).collect();
    assert_eq!(
        roles,
        [RepoRole::ReferenceSource, RepoRole::ReferenceBinary]
    );
    assert_eq!(
        rawhide[1].source,
        RepoSource::Metalink(
            "https://mirrors.fedoraproject.org/metalink?repo=rawhide&arch=aarch64".into()
        )
    );

    let epel10 = releases.resolve("epel10", "x86_64").unwrap();
    let summary: Vec<_> = epel10.iter().map(|r| (r.id.as_str(), r.role)).collect();
    assert_eq!(
        summary,
        [
            ("c10s-baseos", RepoRole::TargetBase),
            ("c10s-appstream", RepoRole::TargetBase),
            ("c10s-crb", RepoRole::TargetBase),
            ("epel10", RepoRole::TargetLayer),
        ]
    );
    assert_eq!(epel10[0].release, "c10s");
    assert_eq!(
        epel10[3].source,
        RepoSource::Metalink(
            "https://mirrors.fedoraproject.org/metalink?repo=epel-10&arch=x86_64".into()
        )
    );
    let testing = releases.resolve("epel10-testing", "x86_64").unwrap();
    assert_eq!(testing.len(), 5);
    assert_eq!(testing[4].id, "epel10-testing");

    let next = releases.resolve("epel9-next", "x86_64").unwrap();
    let ids: Vec<_> = next.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "c9s-baseos",
            "c9s-appstream",
            "c9s-crb",
            "epel9",
            "epel9-next"
        ]
    );
}

#[test]
fn user_definitions_add_and_replace_releases() {
    let mut releases = Releases::builtin();
    releases
        .merge_toml(
            r#"
[[release]]
name = "epel10"
description = "EPEL 10 from a local mirror"
releasever = "10"
[[release.repo]]
id = "epel10-local"
role = "target-layer"
baseurl = "file:///srv/mirror/epel/$releasever/$basearch"

[[release]]
name = "my-side-tag"
description = "EPEL 10 plus my side tag"
include = ["epel10"]
arches = ["x86_64"]
[[release.repo]]
id = "side"
role = "target-layer"
baseurl = "https://kojipkgs.fedoraproject.org/repos/epel10.3-build-side-1234/latest/$basearch/"
"#,
            "user.toml",
        )
        .unwrap();
    assert_eq!(releases.get("epel10").unwrap().origin, "user.toml");
    // epel10-testing includes epel10 and sees the replacement.
    let testing = releases.resolve("epel10-testing", "s390x").unwrap();
    assert_eq!(
        testing[0].source,
        RepoSource::Local("/srv/mirror/epel/10/s390x".into())
    );
    let side = releases.resolve("my-side-tag", "x86_64").unwrap();
    assert_eq!(side.len(), 2);
    assert_eq!(releases.iter().last().unwrap().name, "my-side-tag");
    let error = releases.resolve("my-side-tag", "aarch64").unwrap_err();
    assert_eq!(
        error.to_string(),
        "release my-side-tag has no architecture aarch64 (has: x86_64)"
    );
}

#[test]
fn bad_user_definitions_are_reported_with_their_origin() {
    let cases = [
        (
            "[[release]]\nname = \"a\"\ninclude = [\"nope\"]\n",
            "user.toml: release a includes unknown release nope",
        ),
        (
            "[[release]]\nname = \"a\"\ninclude = [\"b\"]\n[[release]]\nname = \"b\"\ninclude = [\"a\"]\n",
            "release a includes itself through b",
        ),
        (
            "[[release]]\nname = \"a\"\n[[release.repo]]\nid = \"x\"\nrole = \"target-base\"\nmetalink = \"m\"\nbaseurl = \"b\"\n",
            "user.toml: release a, repo x: set exactly one of metalink, mirrorlist, baseurl",
        ),
    ];
    for (text, message) in cases {
        let mut releases = Releases::builtin();
        let error = releases.merge_toml(text, "user.toml").unwrap_err();
        assert_eq!(error.to_string(), message);
    }
    let mut releases = Releases::builtin();
    releases
        .merge_toml(
            "[[release]]\nname = \"v\"\n[[release.repo]]\nid = \"x\"\nrole = \"target-base\"\nbaseurl = \"https://h/$stream/\"\n",
            "user.toml",
        )
        .unwrap();
    let error = releases.resolve("v", "x86_64").unwrap_err();
    assert!(matches!(error, ResolveError::Variable { .. }));
    assert_eq!(
        error.to_string(),
        "release v, repo x: https://h/$stream/: unknown variable $stream"
    );
    let error = releases.resolve("nope", "x86_64").unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("unknown release nope (known: rawhide, ")
    );
}

#[test]
fn load_reads_an_explicit_user_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("releases.toml");
    std::fs::write(
        &path,
        "[[release]]\nname = \"mine\"\ndescription = \"x\"\n[[release.repo]]\nid = \"m\"\nrole = \"target-layer\"\nbaseurl = \"https://h/\"\n",
    )
    .unwrap();
    let releases = Releases::load(Some(&path)).unwrap();
    assert_eq!(
        releases.get("mine").unwrap().origin,
        path.display().to_string()
    );
    assert!(releases.get("rawhide").is_some());
    let missing = dir.path().join("missing.toml");
    let error = Releases::load(Some(&missing)).unwrap_err();
    assert!(matches!(error, ReleasesError::Read { .. }));
    assert!(
        error
            .to_string()
            .starts_with(&format!("{}: ", missing.display()))
    );
}

#[test]
fn el8_and_el9_releases_set_the_module_platform_through_includes() {
    let releases = Releases::builtin();
    for (name, platform) in [
        ("epel8", Some("platform:el8")),
        ("epel8-testing", Some("platform:el8")),
        ("epel9", Some("platform:el9")),
        ("epel9-next", Some("platform:el9")),
        ("c9s", Some("platform:el9")),
        ("epel10", None),
        ("rawhide", None),
    ] {
        assert_eq!(releases.module_platform(name), platform, "{name}");
    }
    assert_eq!(releases.module_platform("no-such-release"), None);
}
