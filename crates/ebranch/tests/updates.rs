//! `update` vs `incompatible-update`, and what the base lacks for `blocked-by-base`, on a
//! hand-made universe (`../shared/tools/mkrepo.py`). Which EPEL packages an update
//! breaks is checked against libsolv's solver: with the target's build of the source
//! replaced by the reference build, exactly the packages we list cannot be installed
//! (`tests/oracle/update_breaks.py`).

mod common;

use std::path::Path;
use std::process::Command;

use common::*;
use serde_json::{Value, json};

fn mkrepo(dir: &Path, pkgs: &[&str]) {
    let out = Command::new("/usr/bin/python3")
        .arg(shared_data().join("../tools/mkrepo.py"))
        .arg(dir)
        .arg(pkgs.join(";"))
        .output()
        .expect("mkrepo.py runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Reference (Fedora-like) sources and binaries, an EL base and an EPEL layer.
fn universe(dir: &Path) {
    mkrepo(
        &dir.join("src"),
        &[
            "app|1.0-1|src|||crate(foo/default) >= 0.4,libfoo-devel >= 2,pkgconfig(baz),qux-devel >= 5,bar-python >= 3,zed-devel >= 2",
            "rust-foo|0.4.1-1|src|||",
            "libfoo|2.0-1|src|||",
            "baz|1.2-1|src|||",
            "qux|5.0-1|src|||",
            "bar|3.1-1|src|||",
            "zed|2.0-1|src|||",
        ],
    );
    mkrepo(
        &dir.join("bin"),
        &[
            "rust-foo-devel|0.4.1-1|noarch|rust-foo-0.4.1-1.src.rpm|crate(foo) = 0.4.1,crate(foo/default) = 0.4.1|",
            "libfoo|2.0-1|x86_64|libfoo-2.0-1.src.rpm|libfoo.so.2()(64bit)|",
            "libfoo-devel|2.0-1|x86_64|libfoo-2.0-1.src.rpm||libfoo = 2.0-1",
            "baz-devel|1.2-1|x86_64|baz-1.2-1.src.rpm|pkgconfig(baz) = 1.2|",
            "qux-devel|5.0-1|x86_64|qux-5.0-1.src.rpm||",
            "bar-python|3.1-1|noarch|bar-3.1-1.src.rpm||",
            "zed-devel|2.0-1|noarch|zed-2.0-1.src.rpm||",
        ],
    );
    mkrepo(
        &dir.join("base"),
        &[
            "baz|1.2-1.el9|x86_64|baz-1.2-1.el9.src.rpm||",
            "qux|4.0-1.el9|x86_64|qux-4.0-1.el9.src.rpm||",
            "qux-devel|4.0-1.el9|x86_64|qux-4.0-1.el9.src.rpm||",
            "bar|2.0-1.el9|noarch|bar-2.0-1.el9.src.rpm||",
        ],
    );
    mkrepo(
        &dir.join("epel"),
        &[
            "rust-foo-devel|0.3.5-1.el9|noarch|rust-foo-0.3.5-1.el9.src.rpm|crate(foo) = 0.3.5,crate(foo/default) = 0.3.5|",
            "rust-bar-devel|1.0-1.el9|noarch|rust-bar-1.0-1.el9.src.rpm||(crate(foo/default) >= 0.3.0 with crate(foo/default) < 0.4.0~)",
            "rust-ok-devel|1.0-1.el9|noarch|rust-ok-1.0-1.el9.src.rpm||crate(foo/default) >= 0.3",
            "libfoo|1.2-1.el9|x86_64|libfoo-1.2-1.el9.src.rpm|libfoo.so.1()(64bit)|",
            "libfoo-devel|1.2-1.el9|x86_64|libfoo-1.2-1.el9.src.rpm||libfoo = 1.2-1.el9",
            "libfoo-compat|1.2-1.el9|x86_64|libfoo-1.2-1.el9.src.rpm||",
            "fooapp|1.0-1.el9|x86_64|fooapp-1.0-1.el9.src.rpm||libfoo.so.1()(64bit)",
            "foo-plugin|1.0-1.el9|x86_64|foo-plugin-1.0-1.el9.src.rpm||libfoo-devel",
            "libfoo-extras|1.0-1.el9|x86_64|libfoo-extras-1.0-1.el9.src.rpm||libfoo-compat",
            "zed-devel|1.0-1.el9|noarch|zed-1.0-1.el9.src.rpm||",
            "zed-user|1.0-1.el9|noarch|zed-user-1.0-1.el9.src.rpm||zed-devel",
        ],
    );
}

fn report(dir: &Path) -> Value {
    let p = |name: &str| dir.join(name).display().to_string();
    let (src, bin, base, epel) = (p("src"), p("bin"), p("base"), p("epel"));
    let out = ebranch(
        &[
            "missing",
            "app",
            "--ref-repo",
            &src,
            "--ref-repo",
            &bin,
            "--target-base-repo",
            &base,
            "--target-repo",
            &epel,
            "--format",
            "json",
        ],
        &dir.join("cache"),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    serde_json::from_str(&stdout(&out)).unwrap()
}

/// The packages libsolv's solver can no longer install once `source` is updated.
fn solver_breaks(dir: &Path, source: &str) -> Option<Vec<String>> {
    let python = oracle_python()?;
    let p = |name: &str| dir.join(name).display().to_string();
    let out = Command::new(python)
        .arg(repo_root().join("tests/oracle/update_breaks.py"))
        .args([
            source,
            "--base",
            &p("base"),
            "--layer",
            &p("epel"),
            "--reference",
            &p("bin"),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        !text.contains("# before"),
        "uninstallable before the update: {text}"
    );
    Some(text.lines().map(str::to_owned).collect())
}

fn breaks_keys(entry: &Value) -> Vec<String> {
    entry["breaks"]
        .as_object()
        .map(|b| b.keys().cloned().collect())
        .unwrap_or_default()
}

#[test]
fn incompatible_updates_name_what_breaks_as_libsolvs_solver_finds() {
    let dir = tempfile::tempdir().unwrap();
    universe(dir.path());
    let r = report(dir.path());

    let foo = &r["rust-foo"];
    assert_eq!(foo["class"], "incompatible-update");
    assert_eq!(
        foo["breaks"],
        json!({"rust-bar-devel-1.0-1.el9.noarch": ["(crate(foo/default) >= 0.3.0 with crate(foo/default) < 0.4.0~)"]})
    );
    assert_eq!(foo["compat"], "rust-foo0.3");

    let libfoo = &r["libfoo"];
    assert_eq!(libfoo["class"], "incompatible-update");
    assert_eq!(
        libfoo["breaks"],
        json!({
            "fooapp-1.0-1.el9.x86_64": ["libfoo.so.1()(64bit)"],
            "libfoo-extras-1.0-1.el9.x86_64": ["libfoo-compat"],
        })
    );
    assert_eq!(libfoo["compat"], "libfoo1.2");

    // zed's update leaves zed-user satisfied: a plain update.
    assert_eq!(r["zed"]["class"], "update");
    assert!(r["zed"].get("breaks").is_none());

    for source in ["rust-foo", "libfoo", "zed"] {
        if let Some(want) = solver_breaks(dir.path(), source) {
            assert_eq!(breaks_keys(&r[source]), want, "{source}");
        }
    }
}

#[test]
fn blocked_by_base_says_what_the_base_lacks() {
    let dir = tempfile::tempdir().unwrap();
    universe(dir.path());
    let r = report(dir.path());
    // baz: the base ships baz 1.2 but not baz-devel; a rebuild of 1.2 would do.
    assert_eq!(r["baz"]["class"], "blocked-by-base");
    assert_eq!(
        r["baz"]["base"],
        json!({"baz-devel": {"status": "missing-from-crb", "base-evr": "1.2-1.el9",
            "deps": ["pkgconfig(baz)"], "epel-package": "baz-epel"}})
    );
    // qux: the base ships qux-devel 4.0; 5 is needed.
    assert_eq!(r["qux"]["base"]["qux-devel"]["status"], "too-old-in-base");
    // bar: bar-python is not in the base, and a split package of bar 2.0 would not
    // satisfy bar-python >= 3.
    assert_eq!(r["bar"]["base"]["bar-python"]["status"], "too-old-in-base");
    assert!(r["bar"]["base"]["bar-python"].get("epel-package").is_none());
}
