//! The closure's rules on tiny hand-made universes: provider choice, bootstraps, classes,
//! skip, install-time dependencies, and gap counts.

use std::fmt::Write as _;
use std::path::Path;

use ebranch_analysis::{Class, ClosureOptions, Resolver, Role, Roles, closure, gap};
use ebranch_index::{ArchSet, Pool, RepoInput};
use ebranch_repodata::{ReadOptions, read_repo};
use sha2::{Digest, Sha256};

/// A package: `name-version`, arch, source name, provides, requires (`name` or `name >= v`).
struct Pkg<'a> {
    nv: &'a str,
    arch: &'a str,
    source: &'a str,
    provides: &'a [&'a str],
    requires: &'a [&'a str],
}

fn entry(dep: &str) -> String {
    if dep.starts_with('(') {
        let text = dep.replace('<', "&lt;").replace('>', "&gt;");
        return format!(r#"<rpm:entry name="{text}"/>"#);
    }
    if let Some((name, ver)) = dep.split_once(" = ") {
        return format!(r#"<rpm:entry name="{name}" flags="EQ" epoch="0" ver="{ver}"/>"#);
    }
    match dep.split_once(" >= ") {
        Some((name, ver)) => {
            format!(r#"<rpm:entry name="{name}" flags="GE" epoch="0" ver="{ver}"/>"#)
        }
        None => format!(
            r#"<rpm:entry name="{}"/>"#,
            dep.replace('<', "&lt;").replace('>', "&gt;")
        ),
    }
}

fn write_repo(dir: &Path, pkgs: &[Pkg<'_>]) {
    let mut xml = format!(
        "<?xml version=\"1.0\"?>\n<metadata xmlns=\"http://linux.duke.edu/metadata/common\" xmlns:rpm=\"http://linux.duke.edu/metadata/rpm\" packages=\"{}\">\n",
        pkgs.len()
    );
    for p in pkgs {
        let (name, ver) = p.nv.rsplit_once('-').unwrap();
        let srpm = if p.arch == "src" {
            String::new()
        } else {
            format!("{}-{ver}-1.src.rpm", p.source)
        };
        let _ = write!(
            xml,
            "<package type=\"rpm\"><name>{name}</name><arch>{}</arch><version epoch=\"0\" ver=\"{ver}\" rel=\"1\"/><checksum type=\"sha256\" pkgid=\"YES\">{name}{ver}{}</checksum><location href=\"x.rpm\"/><format><rpm:sourcerpm>{srpm}</rpm:sourcerpm><rpm:provides>",
            p.arch, p.arch
        );
        for d in p.provides {
            xml.push_str(&entry(d));
        }
        xml.push_str("</rpm:provides><rpm:requires>");
        for d in p.requires {
            xml.push_str(&entry(d));
        }
        xml.push_str("</rpm:requires></format></package>\n");
    }
    xml.push_str("</metadata>\n");
    let repodata = dir.join("repodata");
    std::fs::create_dir_all(&repodata).unwrap();
    std::fs::write(repodata.join("primary.xml"), &xml).unwrap();
    let sum: String = Sha256::digest(xml.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    std::fs::write(
        repodata.join("repomd.xml"),
        format!("<?xml version=\"1.0\"?>\n<repomd xmlns=\"http://linux.duke.edu/metadata/repo\"><data type=\"primary\"><checksum type=\"sha256\">{sum}</checksum><location href=\"repodata/primary.xml\"/></data></repomd>\n"),
    )
    .unwrap();
}

fn src<'a>(nv: &'a str, requires: &'a [&'a str]) -> Pkg<'a> {
    Pkg {
        nv,
        arch: "src",
        source: "",
        provides: &[],
        requires,
    }
}

fn bin<'a>(
    nv: &'a str,
    source: &'a str,
    provides: &'a [&'a str],
    requires: &'a [&'a str],
) -> Pkg<'a> {
    Pkg {
        nv,
        arch: "noarch",
        source,
        provides,
        requires,
    }
}

/// Builds a pool of four repositories: reference sources and binaries, target base, layer.
fn universe(
    ref_src: &[Pkg<'_>],
    ref_bin: &[Pkg<'_>],
    base: &[Pkg<'_>],
    layer: &[Pkg<'_>],
) -> (Pool, Roles, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut inputs = Vec::new();
    for (name, pkgs) in [
        ("src", ref_src),
        ("bin", ref_bin),
        ("base", base),
        ("layer", layer),
    ] {
        let path = dir.path().join(name);
        write_repo(&path, pkgs);
        inputs.push(RepoInput {
            label: name.into(),
            data: read_repo(&path, &ReadOptions::default()).unwrap(),
        });
    }
    let pool = Pool::new(inputs, ArchSet::for_basearch("x86_64")).unwrap();
    let roles = Roles::new(vec![
        Role::ReferenceSource,
        Role::ReferenceBinary,
        Role::TargetBase,
        Role::TargetLayer,
    ]);
    (pool, roles, dir)
}

fn rows(pool: &Pool, roles: &Roles, roots: &[&str], options: &ClosureOptions) -> Vec<String> {
    let mut resolver = Resolver::new(pool, roles);
    let roots: Vec<String> = roots.iter().map(|r| (*r).to_owned()).collect();
    closure(&mut resolver, &roots, options)
        .rows
        .iter()
        .map(|r| format!("{} <- {}: {}", r.needed, r.needed_by, r.dep))
        .collect()
}

#[test]
fn provider_named_like_the_dependency_wins_then_smallest_source() {
    let (pool, roles, _d) = universe(
        &[
            src("app-1", &["virt", "lib"]),
            src("asrc-1", &[]),
            src("zsrc-1", &[]),
            src("zlib-src-1", &[]),
            src("alib-src-1", &[]),
        ],
        &[
            bin("zz-virt-1", "zsrc", &["virt"], &[]),
            bin("aa-virt-1", "asrc", &["virt"], &[]),
            bin("lib-1", "zlib-src", &[], &[]),
            bin("other-1", "alib-src", &["lib"], &[]),
        ],
        &[],
        &[],
    );
    let got = rows(&pool, &roles, &["app"], &ClosureOptions::default());
    // `virt`: no package named so, smallest source wins; `lib`: the package named `lib`
    // wins although its source sorts later.
    assert_eq!(got, vec!["asrc <- app: virt", "zlib-src <- app: lib"]);
    let mut resolver = Resolver::new(&pool, &roles);
    let c = closure(
        &mut resolver,
        &["app".to_owned()],
        &ClosureOptions::default(),
    );
    let alt = &c.sources["app"].alternatives["virt"];
    assert!(alt.chosen.starts_with("aa-virt-1"));
    assert_eq!(alt.others.len(), 1);
    assert!(alt.others[0].starts_with("zz-virt-1"));
}

#[test]
fn satisfied_by_the_target_is_not_missing_and_own_subpackages_are_a_bootstrap() {
    let (pool, roles, _d) = universe(
        &[src("app-1", &["have", "app-devel"])],
        &[
            bin("app-devel-1", "app", &[], &[]),
            bin("have-2", "have", &[], &[]),
        ],
        &[bin("have-1", "have", &[], &[])],
        &[],
    );
    let mut resolver = Resolver::new(&pool, &roles);
    let c = closure(
        &mut resolver,
        &["app".to_owned()],
        &ClosureOptions::default(),
    );
    assert!(c.rows.is_empty(), "{:?}", c.rows);
    assert_eq!(c.sources.len(), 1);
    assert!(c.sources["app"].bootstrap.contains("app-devel"));
}

#[test]
fn classes_follow_where_the_target_has_the_package() {
    let (pool, roles, _d) = universe(
        &[src("app-1", &["fresh", "newer >= 2", "basepkg >= 2"])],
        &[
            bin("fresh-1", "fresh", &[], &[]),
            bin("newer-2", "newer", &[], &[]),
            bin("basepkg-2", "basepkg", &[], &[]),
        ],
        &[bin("basepkg-1", "basepkg", &[], &[])],
        &[bin("newer-1", "newer", &[], &[])],
    );
    let mut resolver = Resolver::new(&pool, &roles);
    let c = closure(
        &mut resolver,
        &["app".to_owned()],
        &ClosureOptions::default(),
    );
    assert_eq!(c.sources["fresh"].class, Some(Class::New));
    assert_eq!(c.sources["newer"].class, Some(Class::Update));
    assert_eq!(c.sources["basepkg"].class, Some(Class::BlockedByBase));
}

#[test]
fn unresolvable_and_unknown_sources_are_rows() {
    let (pool, roles, _d) = universe(
        &[src("app-1", &["nowhere"])],
        &[bin("orphan-1", "gone", &["orphan"], &[])],
        &[],
        &[],
    );
    let got = rows(
        &pool,
        &roles,
        &["app", "nosuch"],
        &ClosureOptions::default(),
    );
    assert_eq!(
        got,
        vec![
            "app <- UNRESOLVABLE: nowhere",
            "nosuch <- UNRESOLVABLE: (no such source package)"
        ]
    );
}

#[test]
fn install_time_requires_are_followed_unless_turned_off_and_skip_cuts() {
    let (pool, roles, _d) = universe(
        &[
            src("app-1", &["a"]),
            src("a-1", &[]),
            src("b-1", &["c"]),
            src("c-1", &[]),
        ],
        &[
            bin("a-1", "a", &[], &["b"]),
            bin("b-1", "b", &[], &[]),
            bin("c-1", "c", &[], &[]),
        ],
        &[],
        &[],
    );
    let all = rows(&pool, &roles, &["app"], &ClosureOptions::default());
    assert_eq!(all, vec!["a <- app: a", "b <- a: b", "c <- b: c"]);
    let build_only = rows(
        &pool,
        &roles,
        &["app"],
        &ClosureOptions {
            install_deps: false,
            ..ClosureOptions::default()
        },
    );
    assert_eq!(build_only, vec!["a <- app: a"]);
    let skipped = rows(
        &pool,
        &roles,
        &["app"],
        &ClosureOptions {
            install_deps: true,
            skip: ["b".to_owned()].into(),
            ..ClosureOptions::default()
        },
    );
    // b is still named as needed, but neither expanded (its BuildRequires) nor followed.
    assert_eq!(skipped, vec!["a <- app: a", "b <- a: b"]);
}

#[test]
fn gap_counts_match_the_closures() {
    let (pool, roles, _d) = universe(
        &[
            src("app-1", &["a"]),
            src("a-1", &["b"]),
            src("b-1", &[]),
            src("ok-1", &["have"]),
        ],
        &[bin("a-1", "a", &[], &[]), bin("b-1", "b", &[], &[])],
        &[bin("have-1", "have", &[], &[])],
        &[],
    );
    let mut resolver = Resolver::new(&pool, &roles);
    let report = gap(&mut resolver, None, true);
    let line = |name: &str| {
        let e = report.entries.iter().find(|e| e.source == name).unwrap();
        (e.direct, e.transitive, e.buildable_now, e.needed_by)
    };
    assert_eq!(line("app"), (1, 2, false, 0));
    assert_eq!(line("a"), (1, 1, false, 1));
    assert_eq!(line("b"), (0, 0, true, 2));
    assert_eq!(line("ok"), (0, 0, true, 0));
}

#[test]
fn gap_counts_through_build_cycles_leave_each_root_out_of_its_own_closure() {
    // a and b build-require each other; c's binary requires a's at install time; d needs
    // c, so d's closure goes through the cycle.
    let (pool, roles, _d) = universe(
        &[
            src("a-1", &["b"]),
            src("b-1", &["a"]),
            src("c-1", &[]),
            src("d-1", &["c", "a"]),
            src("e-1", &["d"]),
        ],
        &[
            bin("a-1", "a", &[], &[]),
            bin("b-1", "b", &[], &[]),
            bin("c-1", "c", &[], &["a"]),
            bin("d-1", "d", &[], &[]),
        ],
        &[],
        &[],
    );
    let mut resolver = Resolver::new(&pool, &roles);
    let report = gap(&mut resolver, None, true);
    let line = |name: &str| {
        let e = report.entries.iter().find(|e| e.source == name).unwrap();
        (e.transitive, e.needed_by)
    };
    assert_eq!(
        line("a"),
        (1, 3),
        "a's closure is b; a is in b's, d's and e's"
    );
    assert_eq!(line("b"), (1, 3));
    assert_eq!(
        line("c"),
        (0, 2),
        "c's own closure is empty; c is in d's and e's"
    );
    assert_eq!(line("d"), (3, 1));
    assert_eq!(line("e"), (4, 0));
}

#[test]
fn install_deps_a_rebuild_regenerates_are_looked_up_as_regenerated() {
    let (pool, roles, _d) = universe(
        &[
            src("app-1", &["python3-lib"]),
            src("lib-1", &[]),
            src("python3.14-3.14", &[]),
            src("glibc-2.99", &[]),
            src("python-dep-1", &[]),
        ],
        &[
            bin(
                "python3-lib-1",
                "lib",
                &[],
                &[
                    "python(abi) = 3.14",
                    "python3.14dist(dep)",
                    "libc.so.6(GLIBC_2.99)(64bit)",
                ],
            ),
            bin(
                "python3.14-3.14",
                "python3.14",
                &["python(abi) = 3.14"],
                &[],
            ),
            bin(
                "glibc-2.99",
                "glibc",
                &["libc.so.6()(64bit)", "libc.so.6(GLIBC_2.99)(64bit)"],
                &[],
            ),
            bin(
                "python3-dep-1",
                "python-dep",
                &["python3.14dist(dep)", "python3dist(dep)"],
                &[],
            ),
        ],
        &[
            bin("python3-3.12", "python3.12", &["python(abi) = 3.12"], &[]),
            bin("glibc-2.39", "glibc", &["libc.so.6()(64bit)"], &[]),
            bin("python3-dep-0.9", "python-dep", &["python3dist(dep)"], &[]),
        ],
        &[],
    );
    let regenerated = {
        let mut resolver = Resolver::new(&pool, &roles);
        closure(
            &mut resolver,
            &["app".to_owned()],
            &ClosureOptions::default(),
        )
    };
    let names: Vec<&str> = regenerated.sources.keys().map(String::as_str).collect();
    assert_eq!(names, vec!["app", "lib"], "{:?}", regenerated.rows);
    let literal = {
        let mut resolver = Resolver::new(&pool, &roles).literal_install_deps(true);
        closure(
            &mut resolver,
            &["app".to_owned()],
            &ClosureOptions::default(),
        )
    };
    let names: Vec<&str> = literal.sources.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        vec!["app", "glibc", "lib", "python-dep", "python3.14"]
    );
}

#[test]
fn rich_and_needs_every_operand_in_the_closure_and_the_gap() {
    // The target has `a` but not `b`: whatprovides counts `(a and b)` as provided (its
    // answer for `and` is a union); a buildroot needs `b` too.
    let (pool, roles, _d) = universe(
        &[src("app-1", &["(a and b)"]), src("b-1", &[])],
        &[bin("b-1", "b", &[], &[])],
        &[bin("a-1", "a", &[], &[])],
        &[],
    );
    assert_eq!(
        rows(&pool, &roles, &["app"], &ClosureOptions::default()),
        ["b <- app: (a and b)"]
    );
    let mut resolver = Resolver::new(&pool, &roles);
    let report = gap(&mut resolver, Some(&["app".to_owned()]), true);
    assert_eq!(
        (report.entries[0].direct, report.entries[0].transitive),
        (1, 1)
    );
}

#[test]
fn rich_install_deps_a_rebuild_regenerates_are_looked_up_as_regenerated() {
    // Rawhide's python3-lib requires h11 in a range, through its Python version's name.
    let (pool, roles, _d) = universe(
        &[
            src("app-1", &["python3-lib"]),
            src("lib-1", &[]),
            src("h11-1", &[]),
        ],
        &[
            bin(
                "python3-lib-1",
                "lib",
                &[],
                &["(python3.14dist(h11) >= 0.16 with python3.14dist(h11) < 0.17)"],
            ),
            bin(
                "python3-h11-0.16.1",
                "h11",
                &["python3.14dist(h11) = 0.16.1"],
                &[],
            ),
        ],
        &[bin(
            "python3-h11-0.16.0",
            "h11",
            &["python3dist(h11) = 0.16.0"],
            &[],
        )],
        &[],
    );
    assert_eq!(
        rows(&pool, &roles, &["app"], &ClosureOptions::default()),
        ["lib <- app: python3-lib"]
    );
    let mut resolver = Resolver::new(&pool, &roles).literal_install_deps(true);
    let literal = closure(
        &mut resolver,
        &["app".to_owned()],
        &ClosureOptions::default(),
    );
    assert!(literal.sources.contains_key("h11"), "{:?}", literal.rows);
}

/// A buildroot holds one package of each name: once `tool` pulls in the reference's
/// `py` 3.14, the target's `py` 3.11 gives way, and the target's `plot`, which needs
/// `py = 3.11`, cannot stay beside it, so the reference's `plot` (rebuilt) joins the closure;
/// `w = 1` beside `w >= 2` cannot be met at all.
#[test]
fn coinstall_rebuilds_target_packages_that_need_a_replaced_one() {
    let (pool, roles, _dir) = universe(
        &[
            src("app-1", &["tool", "plot"]),
            src("app2-1", &["w >= 2", "w = 1"]),
            src("tool-1", &[]),
            src("plot-2", &[]),
            src("py-3.14", &[]),
            src("w-2", &[]),
        ],
        &[
            bin("tool-1", "tool", &[], &["py >= 3.14"]),
            bin("plot-2", "plot", &[], &["py >= 3.14"]),
            bin("py-3.14", "py", &[], &[]),
            bin("w-2", "w", &[], &[]),
        ],
        &[
            bin("py-3.11", "py", &[], &[]),
            bin("plot-1", "plot", &[], &["py = 3.11"]),
            bin("w-1", "w", &[], &[]),
        ],
        &[],
    );
    let plain = rows(&pool, &roles, &["app"], &ClosureOptions::default());
    assert_eq!(plain, vec!["py <- tool: py >= 3.14", "tool <- app: tool"]);
    let coinstall = ClosureOptions {
        coinstall: true,
        ..ClosureOptions::default()
    };
    assert_eq!(
        rows(&pool, &roles, &["app"], &coinstall),
        vec![
            "plot <- app: plot (instead of plot-1-1.noarch, which needs py = 3.11)",
            "py <- plot: py >= 3.14",
            "py <- tool: py >= 3.14",
            "tool <- app: tool",
        ]
    );
    assert_eq!(
        rows(&pool, &roles, &["app2"], &coinstall),
        vec!["app2 <- UNRESOLVABLE: w = 1", "w <- app2: w >= 2"]
    );
}
