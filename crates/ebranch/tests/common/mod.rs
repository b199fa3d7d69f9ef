//! Helpers shared by the integration tests: paths to the real data, running the binary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// `../shared/data` relative to the repository root.
pub fn shared_data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data")
}

/// A path under `../shared/data`.
pub fn data(rel: &str) -> String {
    shared_data().join(rel).to_string_lossy().into_owned()
}

/// The RHEL 7.3 Beta compose directory.
pub fn rhel(rel: &str) -> String {
    data(&format!(
        "whatpkgs-rhel73beta-fedora25/RHEL-7/7.3-Beta/{rel}"
    ))
}

/// Runs the `ebranch` binary with `args` and a private cache dir.
pub fn ebranch(args: &[&str], cache: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ebranch"))
        .args(args)
        .arg("--cache-dir")
        .arg(cache)
        .env_remove("EBRANCH_CACHE_DIR")
        .output()
        .expect("the ebranch binary runs")
}

/// Stdout as text.
pub fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("stdout is UTF-8")
}

/// Stderr as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Debian's python3 with python3-solv, which the oracles need. Tests that need it fail
/// (rather than pass vacuously) when it is missing, unless `EBRANCH_SKIP_ORACLE=1`.
pub fn oracle_python() -> Option<&'static str> {
    let ok = Command::new("/usr/bin/python3")
        .args(["-c", "import solv"])
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        return Some("/usr/bin/python3");
    }
    if std::env::var_os("EBRANCH_SKIP_ORACLE").is_some() {
        return None;
    }
    panic!(
        "python3-solv is missing: install the oracle packages (see README) or set EBRANCH_SKIP_ORACLE=1"
    );
}

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `--ref-repo`/`--target-repo`/`--target-base-repo` flags for the demo repositories.
pub fn demo_flags() -> Vec<String> {
    let repos = repo_root().join("demo/repos");
    let r = |name: &str| repos.join(name).to_string_lossy().into_owned();
    vec![
        "--ref-repo".into(),
        r("rawhide"),
        "--ref-repo".into(),
        r("rawhide-source"),
        "--target-repo".into(),
        r("epel10"),
        "--target-base-repo".into(),
        r("centos-stream-10"),
    ]
}

/// Compares two sorted line sets and panics with the first differences.
pub fn assert_same_lines(ours: &str, theirs: &str, what: &str) {
    if ours == theirs {
        return;
    }
    let a: std::collections::BTreeSet<&str> = ours.lines().collect();
    let b: std::collections::BTreeSet<&str> = theirs.lines().collect();
    let only_ours: Vec<_> = a.difference(&b).take(15).collect();
    let only_theirs: Vec<_> = b.difference(&a).take(15).collect();
    panic!(
        "{what}: {} lines ours, {} theirs\nonly ours: {only_ours:#?}\nonly theirs: {only_theirs:#?}",
        ours.lines().count(),
        theirs.lines().count()
    );
}

/// Source package names of a source repo, sorted.
pub fn source_names(dir: &str) -> Vec<String> {
    let data = ebranch_repodata::read_repo(Path::new(dir), &Default::default()).unwrap();
    let mut names: Vec<String> = (0..data.packages.len())
        .map(|i| data.str(data.packages[i].name).to_owned())
        .collect();
    names.sort();
    names.dedup();
    names
}

/// `n` names drawn with a fixed seed (a small LCG, so the draw never changes).
pub fn draw(names: &[String], n: usize, seed: u64) -> Vec<String> {
    let mut state = seed;
    let mut picked = Vec::new();
    while picked.len() < n.min(names.len()) {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let name = &names[(state >> 33) as usize % names.len()];
        if !picked.contains(name) {
            picked.push(name.clone());
        }
    }
    picked
}

/// A universe as both ebranch and `tests/oracle/buildroot_check.py` take it.
pub struct Universe {
    /// Target repositories (layer and base).
    pub target: Vec<String>,
    /// Reference binary repositories.
    pub ref_bin: Vec<String>,
    /// Reference source repositories.
    pub ref_src: Vec<String>,
    /// Extra flags for `ebranch missing` (`--arch`, ...).
    pub flags: Vec<String>,
}

impl Universe {
    /// `--ref-repo`/`--target-repo` flags, then the extra ones.
    pub fn args(&self) -> Vec<String> {
        let mut out = Vec::new();
        for r in self.ref_bin.iter().chain(&self.ref_src) {
            out.extend(["--ref-repo".to_owned(), r.clone()]);
        }
        for r in &self.target {
            out.extend(["--target-repo".to_owned(), r.clone()]);
        }
        out.extend(self.flags.iter().cloned());
        out
    }

    /// `ebranch missing ROOT --format json` for each root, one closure per root.
    pub fn reports(&self, roots: &[String], cache: &Path) -> Vec<(String, serde_json::Value)> {
        roots
            .iter()
            .map(|root| {
                let mut args = vec!["missing".to_owned(), root.clone()];
                args.extend(self.args());
                args.extend(["--format".to_owned(), "json".to_owned()]);
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                let out = ebranch(&args, cache);
                assert!(
                    matches!(out.status.code(), Some(0 | 1)),
                    "{root}: {}",
                    stderr(&out)
                );
                let report = serde_json::from_str(&stdout(&out)).expect("a JSON report");
                (root.clone(), report)
            })
            .collect()
    }
}

/// How libsolv's solver took one root's closure (see `tests/oracle/buildroot_check.py`).
#[derive(Debug)]
pub struct Checked {
    /// The root.
    pub root: String,
    /// Per member with a source package: `ok`, `unresolvable`, `translation` or `fail`,
    /// with the solver's problems.
    pub buildroots: std::collections::BTreeMap<String, (String, Vec<String>)>,
    /// Non-root members whose removal breaks some buildroot.
    pub necessary: Vec<String>,
    /// The other non-root members.
    pub unnecessary: Vec<String>,
}

/// Runs `tests/oracle/buildroot_check.py` on the closures (one pool for all roots).
/// `None` when the oracle is missing and `EBRANCH_SKIP_ORACLE` is set.
pub fn check_buildroots(
    u: &Universe,
    reports: &[(String, serde_json::Value)],
    necessity: bool,
    debian: bool,
) -> Option<Vec<Checked>> {
    let python = oracle_python()?;
    let roots: Vec<serde_json::Value> = reports
        .iter()
        .map(|(root, report)| {
            let entries = report.as_object().expect("a report is an object");
            let members: Vec<&String> = entries
                .iter()
                .filter(|(_, e)| e.get("skip") != Some(&serde_json::Value::Bool(true)))
                .map(|(name, _)| name)
                .collect();
            let unresolvable: std::collections::BTreeSet<&str> = entries
                .values()
                .filter_map(|e| e.get("unresolvable")?.as_array())
                .flatten()
                .filter_map(|d| d.as_str())
                .collect();
            serde_json::json!({"root": root, "members": members, "unresolvable": unresolvable})
        })
        .collect();
    // The closure reads install-time Requires as a rebuild regenerates them unless told
    // to take them literally; the checker rebuilds the binaries the same way.
    let regenerated = !u.flags.iter().any(|f| f == "--literal-install-deps");
    let spec = serde_json::json!({
        "target": u.target, "ref_bin": u.ref_bin, "ref_src": u.ref_src,
        "necessity": necessity, "debian": debian, "regenerated": regenerated, "roots": roots,
    });
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("input.json");
    std::fs::write(&input, spec.to_string()).unwrap();
    let out = Command::new(python)
        .arg(repo_root().join("tests/oracle/buildroot_check.py"))
        .arg(&input)
        .output()
        .expect("the buildroot checker runs");
    assert!(out.status.success(), "buildroot checker: {}", stderr(&out));
    let result: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_owned())
            .collect()
    };
    Some(
        result["roots"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| Checked {
                root: r["root"].as_str().unwrap().to_owned(),
                buildroots: r["buildroots"]
                    .as_object()
                    .unwrap()
                    .iter()
                    .map(|(m, b)| {
                        let status = b["status"].as_str().unwrap_or("unsolved").to_owned();
                        (m.clone(), (status, names(&b["problems"])))
                    })
                    .collect(),
                necessary: names(&r["necessary"]),
                unnecessary: names(&r["unnecessary"]),
            })
            .collect(),
    )
}

/// Writes a hand-made rpm-md repository with `../shared/tools/mkrepo.py` (one-line
/// package descriptions, see the tool) into `dir`.
pub fn mkrepo(dir: &Path, packages: &[&str]) {
    let out = Command::new("python3")
        .arg(shared_data().join("../tools/mkrepo.py"))
        .arg(dir)
        .arg(packages.join(";"))
        .output()
        .expect("mkrepo.py runs");
    assert!(out.status.success(), "mkrepo.py: {}", stderr(&out));
}

/// Loads a harness page in headless Chromium (Debian's `chromium`) and returns the
/// `data-result` attribute its script set (the harness measures the page under test in a
/// frame and writes what it found there). The browser's profile goes next to `harness`, in
/// the test's temporary directory.
pub fn chromium_result(harness: &Path) -> String {
    let profile = harness.parent().unwrap().join("chromium-profile");
    let mut child = match Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--allow-file-access-from-files",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("file://{}", harness.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
    {
        Ok(child) => child,
        Err(e) => panic!("Debian's chromium is needed for this test (apt install chromium): {e}"),
    };
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within 120 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = child.wait_with_output().unwrap();
    let dom = String::from_utf8_lossy(&out.stdout);
    dom.split("data-result=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap_or_else(|| panic!("no result in the DOM chromium dumped: {dom:.2000}"))
        .to_owned()
}
