//! `request`, `issues file-request`, `status` and `follow-up` through the real binary,
//! against stateful loopback fakes of Bugzilla, dist-git and Bodhi (seeded from
//! `demo/fake-services.json`, strict: a request about anything the seed does not declare
//! fails the test). The API key must never appear in any output or report.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use ebranch_fedora::fake::bugzilla::{KEY, REPORTER};
use ebranch_fedora::fake::{FakeServices, Seed};
use serde_json::{Value, json};

/// The fake's clock in these tests; the seed's relative dates count from it.
const NOW: &str = "2026-01-05T09:00:00Z";

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The demo seed at a fixed time, changed by `edit`.
fn demo_seed(edit: impl FnOnce(&mut Seed)) -> Seed {
    let text = std::fs::read_to_string(repo_root().join("demo/fake-services.json")).unwrap();
    let mut seed = Seed::from_json(&text).unwrap();
    seed.now = Some(NOW.into());
    edit(&mut seed);
    seed
}

struct World {
    fake: FakeServices,
    home: tempfile::TempDir,
    work: tempfile::TempDir,
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl World {
    fn start(seed: &Seed) -> Self {
        Self {
            fake: FakeServices::start(seed, 0, true).unwrap(),
            home: tempfile::tempdir().unwrap(),
            work: tempfile::tempdir().unwrap(),
        }
    }

    fn demo() -> Self {
        Self::start(&demo_seed(|_| {}))
    }

    fn base(&self) -> &str {
        self.fake.base()
    }

    fn path(&self, name: &str) -> PathBuf {
        self.work.path().join(name)
    }

    /// The binary with the fakes' URLs, a private HOME (no real config or bugzillarc) and
    /// no API key.
    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_ebranch"));
        cmd.args(args)
            .current_dir(self.work.path())
            .env("EBRANCH_BUGZILLA_URL", self.base())
            .env("EBRANCH_DISTGIT_URL", self.base())
            .env("EBRANCH_BODHI_URL", self.base())
            .env("EBRANCH_CACHE_DIR", self.work.path().join("cache"))
            .env("HOME", self.home.path())
            .env("XDG_CONFIG_HOME", self.home.path().join(".config"))
            .env_remove("BUGZILLA_API_KEY")
            .env_remove("EBRANCH_CONFIG");
        cmd
    }

    /// Run with the API key in the environment.
    fn run(&self, args: &[&str]) -> Run {
        let mut cmd = self.command(args);
        cmd.env("BUGZILLA_API_KEY", KEY);
        finish(cmd.output().unwrap())
    }

    /// Run without any API key.
    fn run_without_key(&self, args: &[&str]) -> Run {
        finish(self.command(args).output().unwrap())
    }

    /// `ebranch missing python-b4 python-pytest-httpx` on the demo repositories, as JSON.
    fn demo_report(&self) -> PathBuf {
        let demo = repo_root().join("demo/repos");
        let repo = |name: &str| demo.join(name).to_string_lossy().into_owned();
        let report = self.path("report.json");
        let out = self.run(&[
            "missing",
            "python-b4",
            "python-pytest-httpx",
            "--ref-repo",
            &repo("rawhide"),
            "--ref-repo",
            &repo("rawhide-source"),
            "--target-repo",
            &repo("epel10"),
            "--target-base-repo",
            &repo("centos-stream-10"),
            "--format",
            "json",
            "-o",
            report.to_str().unwrap(),
        ]);
        assert_eq!(out.code, 1, "{}", out.stderr);
        report
    }

    fn writes(&self) -> usize {
        self.fake.server.writes().len()
    }

    fn set_clock(&self, now: &str) {
        self.fake.bugzilla.lock().unwrap().now = now.into();
    }
}

/// Exit code and output; the key must be in neither.
fn finish(out: Output) -> Run {
    let run = Run {
        code: out.status.code().expect("exited"),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    };
    assert!(
        !run.stdout.contains(KEY) && !run.stderr.contains(KEY),
        "the API key leaked:\n{}\n{}",
        run.stdout,
        run.stderr
    );
    run
}

fn report(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(!text.contains(KEY), "the API key is in the report");
    serde_json::from_str(&text).unwrap()
}

const B4_DESCRIPTION: &str = "Please branch and build python-b4 in epel10.\n\nEPEL 10 minor versions requested: epel10.\n(epel10 is the leading minor version, built against CentOS Stream 10;\nnew minor-version branches are made from it.)\n\nShould you prefer not to maintain python-b4 in epel10, or be unable to get to it soon,\nI am glad to co-maintain the package (FAS: jdoe). You can add me at\nhttps://src.fedoraproject.org/rpms/python-b4/adduser";

#[test]
fn request_dry_run_prints_the_exact_post_and_sends_nothing() {
    let w = World::demo();
    let out = w.run_without_key(&["request", "python-b4", "--fas", "jdoe", "--dry-run"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let description = serde_json::to_string(B4_DESCRIPTION).unwrap();
    let expected = format!(
        "# dry run: nothing was sent; these requests would have been:\n\
         \n\
         POST {base}/rest/bug\n\
         {{\n  \"product\": \"Fedora EPEL\",\n  \"component\": \"python-b4\",\n  \"version\": \"epel10\",\n  \
         \"summary\": \"Please branch and build python-b4 in epel10\",\n  \"description\": {description}\n}}\n\
         # dry run: this new object is called 1 below\n\
         \n\
         # If Bugzilla answers that Fedora EPEL has no such component (error 51), the request is sent again with product Fedora, version rawhide.\n\
         \n\
         python-b4: would be filed in Fedora EPEL epel10 (bug 1 in the requests above)\n",
        base = w.base()
    );
    assert_eq!(out.stdout, expected);
    assert_eq!(w.writes(), 0);
    assert!(w.fake.bugs().iter().all(|b| b.component != "python-b4"));
}

#[test]
fn request_files_a_bug_that_a_later_search_finds() {
    let w = World::demo();
    let out = w.run(&["request", "python-b4", "--fas", "jdoe"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        format!(
            "python-b4: filed bug 2300001 in Fedora EPEL epel10  {}/show_bug.cgi?id=2300001\n",
            w.base()
        )
    );
    let bug = w.fake.bug(2_300_001).unwrap();
    assert_eq!(
        (
            bug.product.as_str(),
            bug.component.as_str(),
            bug.version.as_str()
        ),
        ("Fedora EPEL", "python-b4", "epel10")
    );
    assert_eq!(bug.summary, "Please branch and build python-b4 in epel10");
    assert_eq!(bug.comments[0].2, B4_DESCRIPTION);
    assert!(bug.blocks.is_empty(), "no tracker is blocked by default");
    let post = &w.fake.server.writes()[0];
    assert_eq!(
        post.headers.get("authorization").map(String::as_str),
        Some(&*format!("Bearer {KEY}"))
    );

    let again = w.run(&["request", "python-b4"]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(
        again.stdout,
        format!(
            "python-b4: open request bug 2300001 exists; nothing filed  {}/show_bug.cgi?id=2300001\n",
            w.base()
        )
    );
    assert_eq!(w.writes(), 1, "nothing filed twice");
}

#[test]
fn issues_file_request_is_request_spelled_the_0_0_3_way() {
    let a = World::demo();
    let b = World::demo();
    let via_request = a.run(&[
        "request",
        "python-b4",
        "--target",
        "epel10",
        "-f",
        "jdoe",
        "--no-sig",
    ]);
    let via_issues = b.run(&[
        "issues",
        "file-request",
        "python-b4",
        "epel10",
        "-f",
        "jdoe",
    ]);
    assert_eq!((via_request.code, via_issues.code), (0, 0));
    assert_eq!(
        via_request.stdout.replace(a.base(), "BASE"),
        via_issues.stdout.replace(b.base(), "BASE")
    );
    let (pa, pb) = (&a.fake.server.writes()[0], &b.fake.server.writes()[0]);
    assert_eq!((pa.path.as_str(), pa.json()), (pb.path.as_str(), pb.json()));

    // --sig and --blocked as 0.0.3 spells them (a tracker alias is resolved).
    let c = World::start(&demo_seed(|s| {
        s.bugs.push(
            serde_json::from_value(serde_json::json!({
                "id": 1_000, "product": "Fedora EPEL Trackers", "component": "tracker",
                "summary": "EPEL Packagers SIG tracker", "created": "2020-01-01T00:00:00Z",
                "alias": "EPELPackagersSIG"
            }))
            .unwrap(),
        );
    }));
    let out = c.run(&[
        "issues",
        "file-request",
        "python-b4",
        "epel9",
        "--sig",
        "--blocked",
        "EPELPackagersSIG,42",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let bug = c.fake.bug(2_300_001).unwrap();
    assert_eq!(bug.version, "epel9");
    assert_eq!(bug.blocks.into_iter().collect::<Vec<_>>(), vec![42, 1_000]);
    assert!(bug.comments[0].2.contains("epel-packagers-sig"));
}

#[test]
fn fedora_rawhide_only_when_fedora_epel_lacks_the_component() {
    let w = World::demo();
    let out = w.run(&["request", "python-patatt", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    let p = &doc["packages"][0];
    assert_eq!(
        (&p["result"], &p["product"], &p["version"], &p["bug"]),
        (
            &Value::from("filed"),
            &Value::from("Fedora"),
            &Value::from("rawhide"),
            &Value::from(2_300_001)
        )
    );
    let products: Vec<Value> = w
        .fake
        .server
        .writes()
        .iter()
        .map(|s| s.json()["product"].clone())
        .collect();
    assert_eq!(products, vec!["Fedora EPEL", "Fedora"]);

    // A server error is not "no such component": no second try, exit 2.
    let w = World::demo();
    w.fake
        .bugzilla
        .lock()
        .unwrap()
        .fail_create
        .insert("python-b4".into());
    let out = w.run(&["request", "python-b4"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .starts_with(&format!("error: {}/rest/bug answered HTTP 500", w.base())),
        "{}",
        out.stderr
    );
    assert_eq!(out.stderr.lines().count(), 1);
    assert_eq!(w.writes(), 1);
}

#[test]
fn preflight_skips_branched_retired_and_unknown_packages() {
    let w = World::start(&demo_seed(|s| {
        s.packages.get_mut("python-pyhanko").unwrap().branches = None;
    }));
    let cases = [
        ("python-httpx", "already branched", 0),
        ("opensmtpd", "retired on rawhide", 1),
        ("python-pyhanko", "not in dist-git", 1),
    ];
    for (package, said, code) in cases {
        let out = w.run(&["request", package]);
        assert_eq!(out.code, code, "{package}: {}", out.stderr);
        assert_eq!(out.stdout, format!("{package}: {said}\n"));
    }
    assert_eq!(w.writes(), 0);
}

#[test]
fn request_pkg_takes_the_batchs_decision_bodhi_included() {
    // An update already in Bodhi for the target (a branch on its way) is not requested
    // again: `request PKG` asks what `request --report` asks, Bodhi included.
    let w = World::start(&demo_seed(|s| {
        s.packages.get_mut("python-b4").unwrap().updates =
            vec![("FEDORA-EPEL-2026-b4b4b4b4b4".into(), "testing".into())];
    }));
    let out = w.run(&["request", "python-b4"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "python-b4: update FEDORA-EPEL-2026-b4b4b4b4b4 is testing\n"
    );
    assert_eq!(w.writes(), 0, "nothing filed");
}

#[test]
fn bad_targets_insecure_urls_and_missing_keys_are_errors() {
    let w = World::demo();
    let out = w.run(&["request", "python-b4", "--target", "f43"]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error: --target f43: not an EPEL branch (epel9, epel10, epel10.1, ...)\n"
    );
    let out = w.run(&[
        "request",
        "python-b4",
        "--dry-run",
        "--bugzilla-url",
        "http://bugzilla.example.com",
    ]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains(
            "refusing plain http for non-loopback service URL http://bugzilla.example.com"
        ),
        "{}",
        out.stderr
    );
    let out = w.run_without_key(&["request", "python-b4"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.starts_with("error: no Bugzilla API key"),
        "{}",
        out.stderr
    );
    std::fs::write(w.path("empty.json"), "{}").unwrap();
    let out = w.run_without_key(&["follow-up", "empty.json"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.starts_with("error: no Bugzilla API key"),
        "{}",
        out.stderr
    );
    assert_eq!(w.writes(), 0);
}

#[cfg(unix)]
#[test]
fn a_config_file_others_can_read_gets_a_warning() {
    use std::os::unix::fs::PermissionsExt;
    let w = World::demo();
    let dir = w.home.path().join(".config/ebranch");
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("config.toml");
    std::fs::write(&config, format!("[bugzilla]\napi_key = \"{KEY}\"\n")).unwrap();
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = w.run_without_key(&["request", "python-b4"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        format!(
            "warning: {} holds the Bugzilla API key but others can read it (mode 644); run chmod 600 on it\n",
            config.display()
        )
    );
    assert!(out.stdout.starts_with("python-b4: filed bug 2300001"));

    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = w.run_without_key(&["request", "python-b4"]);
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
}

#[test]
fn request_report_files_links_checkpoints_and_a_rerun_files_nothing() {
    let w = World::demo();
    let path = w.demo_report();
    let arg = path.to_str().unwrap();

    // Dry run first: the requests are printed, nothing is sent, the report is untouched.
    let before = std::fs::read_to_string(&path).unwrap();
    let dry = w.run_without_key(&["request", "--report", arg, "--dry-run"]);
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert_eq!(w.writes(), 0);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
    let posts = dry
        .stdout
        .matches(&format!("POST {}/rest/bug\n", w.base()))
        .count();
    assert_eq!(posts, 4, "{}", dry.stdout);
    assert!(
        dry.stdout.contains(&format!(
            "PUT {}/rest/bug/1\n{{\n  \"depends_on\": {{\n    \"add\": [\n      3,\n      2200000\n    ]\n  }}\n}}\n",
            w.base()
        )),
        "{}",
        dry.stdout
    );
    assert!(
        dry.stdout
            .contains("would link: bug 1 depends on 3, 2200000\n")
    );

    // One create fails: the others are filed and saved, exit 1.
    w.fake
        .bugzilla
        .lock()
        .unwrap()
        .fail_create
        .insert("python-httpcore".into());
    let first = w.run(&["request", "--report", arg, "--fas", "jdoe"]);
    assert_eq!(first.code, 1, "{}", first.stderr);
    let url = |id: u64| format!("{}/show_bug.cgi?id={id}", w.base());
    let lines: Vec<&str> = first.stdout.lines().collect();
    assert_eq!(
        lines[0],
        format!(
            "python-b4: filed bug 2300001 in Fedora EPEL epel10  {}",
            url(2_300_001)
        )
    );
    assert_eq!(
        lines[1],
        format!(
            "python-dkimpy: adopted open request bug 2200000  {}",
            url(2_200_000)
        )
    );
    assert!(
        lines[2].starts_with(&format!(
            "python-httpcore: failed: {}/rest/bug answered HTTP 500",
            w.base()
        )),
        "{}",
        lines[2]
    );
    assert_eq!(lines[3], "python-httpx: already branched");
    assert_eq!(
        lines[4],
        format!(
            "python-patatt: filed bug 2300002 in Fedora rawhide (Bugzilla's Fedora EPEL product has no such component yet)  {}",
            url(2_300_002)
        )
    );
    assert_eq!(
        lines[5],
        format!(
            "python-pytest-httpx: filed bug 2300003 in Fedora EPEL epel10  {}",
            url(2_300_003)
        )
    );
    assert_eq!(lines[6], "linked: bug 2300001 depends on 2200000, 2300002");
    assert_eq!(
        lines[7],
        format!("bug numbers written to {}", path.display())
    );
    let saved = report(&path);
    let bug = |p: &str| saved[p]["bug"].as_u64();
    assert_eq!(bug("python-b4"), Some(2_300_001));
    assert_eq!(bug("python-dkimpy"), Some(2_200_000));
    assert_eq!(bug("python-httpcore"), None);
    assert_eq!(bug("python-httpx"), None);
    assert_eq!(
        saved["python-b4"]["evr"], "0.14.2-1.fc44",
        "other keys kept"
    );
    assert_eq!(
        w.fake
            .bug(2_300_001)
            .unwrap()
            .depends_on
            .into_iter()
            .collect::<Vec<_>>(),
        vec![2_200_000, 2_300_002]
    );
    let description = &w.fake.bug(2_300_002).unwrap().comments[0].2;
    assert!(
        description.contains("It is needed to build python-b4 in epel10.")
            && description.contains("(FAS: jdoe)"),
        "{description}"
    );

    // The re-run files only what failed, and links it.
    let writes = w.writes();
    let second = w.run(&["request", "--report", arg, "--format", "json"]);
    assert_eq!(second.code, 0, "{}", second.stderr);
    let doc: Value = serde_json::from_str(&second.stdout).unwrap();
    let results: Vec<(&str, &str)> = doc["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["package"].as_str().unwrap(),
                p["result"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        results,
        vec![
            ("python-b4", "known"),
            ("python-dkimpy", "known"),
            ("python-httpcore", "filed"),
            ("python-httpx", "already-branched"),
            ("python-patatt", "known"),
            ("python-pytest-httpx", "known"),
        ]
    );
    assert_eq!(w.writes(), writes + 1, "one POST, no links to add");
    assert_eq!(report(&path)["python-httpcore"]["bug"], 2_300_004);

    // And a third run writes nothing at all.
    let writes = w.writes();
    let third = w.run(&["request", "--report", arg]);
    assert_eq!(third.code, 0, "{}", third.stderr);
    assert_eq!(w.writes(), writes);
    assert!(!third.stdout.contains("written to"));
}

/// The demo report with every request filed, at the fixed clock.
fn filed_world(edit: impl FnOnce(&mut Seed)) -> (World, PathBuf) {
    let w = World::start(&demo_seed(edit));
    let path = w.demo_report();
    let out = w.run(&["request", "--report", path.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    (w, path)
}

#[test]
fn status_refreshes_the_report_and_plans_the_rest() {
    let (w, path) = filed_world(|s| {
        s.packages.get_mut("python-httpx").unwrap().updates =
            vec![("FEDORA-EPEL-2026-4f1c2d3e4a".into(), "stable".into())];
    });
    let arg = path.to_str().unwrap();
    let writes = w.writes();
    let out = w.run(&["status", arg, "--as-of", "2026-01-06T09:00:00Z"]);
    assert_eq!(out.code, 1, "the stalled dkimpy request needs attention");
    let url = |id: u64| format!("{}/show_bug.cgi?id={id}", w.base());
    assert_eq!(
        out.stdout,
        format!(
            "python-b4: requested; bug 2300001 NEW (open)  {}\n\
             python-dkimpy: requested; bug 2200000 NEW (stalled)  {}\n\
             python-httpcore: requested; bug 2300002 NEW (open)  {}\n\
             python-httpx: stable; branched; update FEDORA-EPEL-2026-4f1c2d3e4a stable\n\
             python-patatt: requested; bug 2300003 NEW (open)  {}\n\
             python-pytest-httpx: requested; bug 2300004 NEW (open)  {}\n\
             remaining (chain build): python-dkimpy python-httpcore python-patatt python-pytest-httpx : python-b4\n",
            url(2_300_001),
            url(2_200_000),
            url(2_300_002),
            url(2_300_003),
            url(2_300_004)
        )
    );
    let saved = report(&path);
    assert_eq!(saved["python-httpx"]["status"]["state"], "stable");
    assert_eq!(saved["python-b4"]["status"]["request"]["state"], "open");
    assert_eq!(
        saved["python-dkimpy"]["status"]["request"]["state"],
        "stalled"
    );
    assert_eq!(
        saved["python-b4"]["status"]["checked"],
        "2026-01-06T09:00:00Z"
    );

    let json = w.run(&[
        "status",
        arg,
        "--as-of",
        "2026-01-06T09:00:00Z",
        "--format",
        "json",
    ]);
    assert_eq!(json.code, 1);
    let doc: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        doc["remaining"]["chain"],
        "python-dkimpy python-httpcore python-patatt python-pytest-httpx : python-b4",
        "python-httpx is stable, so python-pytest-httpx waits for nothing"
    );
    assert_eq!(doc["packages"][1]["request"]["url"], url(2_200_000));
    assert_eq!(doc["packages"][1]["attention"], true);
    assert_eq!(doc["packages"][0]["attention"], false);
    assert_eq!(w.writes(), writes, "status only reads");
}

#[test]
fn status_keeps_a_bug_number_written_while_it_ran() {
    // `status` reads the report, asks the services, then writes its statuses; a bug number
    // another command (`request --report`) wrote meanwhile must survive. The report is a
    // FIFO here, so that what `status` reads first, what is there when it writes, and what
    // it writes are three ordered steps.
    let (w, path) = filed_world(|_| {});
    let first = std::fs::read_to_string(&path).unwrap();
    let mut meanwhile: Value = serde_json::from_str(&first).unwrap();
    meanwhile["python-httpx"]["bug"] = json!(2_399_999);
    let fifo = w.path("live.json");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    // The second version is written only once `status` has read the first and is asking
    // the services (a FIFO read ends when its writer closes).
    let (go, wait) = std::sync::mpsc::channel::<()>();
    let feeder = {
        let fifo = fifo.clone();
        let second = meanwhile.to_string();
        std::thread::spawn(move || {
            std::fs::write(&fifo, first).unwrap();
            wait.recv().unwrap();
            std::fs::write(&fifo, second).unwrap();
            std::fs::read_to_string(&fifo).unwrap()
        })
    };
    let asked = w.fake.server.log().len();
    let mut cmd = w.command(&[
        "status",
        fifo.to_str().unwrap(),
        "--as-of",
        "2026-01-06T09:00:00Z",
    ]);
    let mut child = cmd
        .env("BUGZILLA_API_KEY", KEY)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while w.fake.server.log().len() == asked {
        assert!(std::time::Instant::now() < deadline, "status asked nothing");
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    go.send(()).unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(1));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !feeder.is_finished() {
        assert!(
            std::time::Instant::now() < deadline,
            "status wrote its copy without reading the report again"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let written: Value = serde_json::from_str(&feeder.join().unwrap()).unwrap();
    assert_eq!(
        written["python-httpx"]["bug"], 2_399_999,
        "the bug number was lost"
    );
    assert_eq!(written["python-b4"]["status"]["request"]["state"], "open");
}

#[test]
fn follow_up_reminds_once_then_escalates() {
    let (w, path) = filed_world(|_| {});
    let arg = path.to_str().unwrap();
    let writes = w.writes();

    // A day later: nothing is due but dkimpy's escalation (reminded three weeks ago).
    let out = w.run(&[
        "follow-up",
        arg,
        "--as-of",
        "2026-01-06T09:00:00Z",
        "--fas",
        "jdoe",
    ]);
    assert_eq!(out.code, 1);
    assert!(
        out.stdout.starts_with(&format!(
            "python-b4: bug 2300001 waiting; reminder due 2026-01-12T09:00:00Z  {}/show_bug.cgi?id=2300001\n\
             python-dkimpy: bug 2200000 reminded 2025-12-14T09:00:00Z, no response since; escalate; open the escalation below  {}/show_bug.cgi?id=2200000\n",
            w.base(),
            w.base()
        )),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains(
        "\n--- escalation for python-dkimpy (open it at https://forge.fedoraproject.org/releng/tickets)\n\
         Title: Stalled EPEL package: python-dkimpy\n"
    ));
    assert!(
        out.stdout
            .contains("Please give my FAS account (@jdoe) commit access to python-dkimpy")
    );
    assert!(out.stdout.contains("cc: @python-dkimpy-owner\n---\n"));
    assert_eq!(w.writes(), writes);

    // A week and a day later, dry run: the reminders are printed, not sent.
    let dry = w.run_without_key(&[
        "follow-up",
        arg,
        "--dry-run",
        "--as-of",
        "2026-01-13T09:00:00Z",
        "--fas",
        "jdoe",
    ]);
    assert_eq!(dry.code, 1);
    assert_eq!(w.writes(), writes);
    let comment = serde_json::to_string(
        "A week has passed without a reply, so here is a reminder in case the request was missed:\n\
         are you able to branch and build python-b4 in epel10?\n\n\
         If you would rather not maintain it in epel10, I am still glad to co-maintain\n\
         python-b4 there (FAS: jdoe): https://src.fedoraproject.org/rpms/python-b4/adduser\n\n\
         (Following the Stalled EPEL Requests policy: https://docs.fedoraproject.org/en-US/epel/epel-package-request/#stalled_epel_requests)",
    )
    .unwrap();
    let put = format!(
        "PUT {}/rest/bug/2300001\n{{\n  \"comment\": {{\n    \"body\": {comment},\n    \"is_private\": false\n  }},\n  \
         \"flags\": [\n    {{\n      \"name\": \"needinfo\",\n      \"status\": \"?\",\n      \"requestee\": \"python-b4-maint@example.com\"\n    }}\n  ]\n}}\n",
        w.base()
    );
    assert!(
        dry.stdout
            .starts_with("# dry run: nothing was sent; these requests would have been:\n\n"),
        "{}",
        dry.stdout
    );
    assert!(dry.stdout.contains(&put), "{}", dry.stdout);
    assert_eq!(
        dry.stdout.matches("PUT ").count(),
        4,
        "b4, httpcore, patatt, pytest-httpx"
    );
    assert!(dry.stdout.contains(
        "python-b4: bug 2300001 no response for a week; reminder due; would remind: comment and needinfo on python-b4-maint@example.com"
    ));

    // For real: four reminders, each once.
    w.set_clock("2026-01-13T09:00:00Z");
    let real = w.run(&[
        "follow-up",
        arg,
        "--as-of",
        "2026-01-13T09:00:00Z",
        "--fas",
        "jdoe",
    ]);
    assert_eq!(real.code, 1);
    assert_eq!(w.writes(), writes + 4);
    let b4 = w.fake.bug(2_300_001).unwrap();
    assert_eq!(b4.flags[0]["requestee"], "python-b4-maint@example.com");
    assert!(b4.comments[1].2.starts_with("A week has passed"));
    assert!(b4.comments[1].0 == REPORTER);
    let again = w.run(&["follow-up", arg, "--as-of", "2026-01-20T09:00:00Z"]);
    assert_eq!(w.writes(), writes + 4, "{}", again.stdout);
    assert!(again.stdout.contains(
        "python-b4: bug 2300001 reminded 2026-01-13T09:00:00Z; escalation due 2026-01-27T09:00:00Z"
    ));

    // Two weeks after the reminder: the ticket text, nothing sent.
    let late = w.run(&[
        "follow-up",
        arg,
        "--as-of",
        "2026-01-27T09:00:00Z",
        "--format",
        "json",
    ]);
    assert_eq!(late.code, 1);
    let doc: Value = serde_json::from_str(&late.stdout).unwrap();
    let b4 = &doc["requests"][0];
    assert_eq!(b4["assessment"]["state"], "escalation-due");
    assert_eq!(b4["action"]["kind"], "escalate");
    assert_eq!(
        b4["action"]["ticket"]["destination"], "epel-devel@lists.fedoraproject.org",
        "without --fas: a call for volunteers"
    );
    assert_eq!(w.writes(), writes + 4);
}

/// The demo world plus one earlier request for python-b4.
fn world_with_b4_request(product: &str, summary: &str, status: &str, resolution: &str) -> World {
    World::start(&demo_seed(|s| {
        s.bugs.push(
            serde_json::from_value(serde_json::json!({
                "id": 2_250_000, "component": "python-b4", "summary": summary,
                "product": product, "version": if product == "Fedora" { "rawhide" } else { "epel10" },
                "status": status, "resolution": resolution, "created": "-400d",
            }))
            .unwrap(),
        );
    }))
}

#[test]
fn open_requests_titled_the_usual_ways_are_adopted_not_filed_again() {
    for (product, summary) in [
        ("Fedora", "Please branch python-b4 for EPEL 10"),
        ("Fedora EPEL", "python-b4 for EPEL-10"),
        ("Fedora EPEL", "EPEL10 request: python-b4"),
        ("Fedora", "Please build python-b4 for el10"),
        ("Fedora EPEL", "Branch python-b4 for epel10.1"),
    ] {
        let w = world_with_b4_request(product, summary, "NEW", "");
        let out = w.run(&["request", "python-b4"]);
        assert_eq!(out.code, 0, "{summary}: {}", out.stderr);
        assert_eq!(
            out.stdout,
            format!(
                "python-b4: open request bug 2250000 exists; nothing filed  {}/show_bug.cgi?id=2250000\n",
                w.base()
            ),
            "{product}: {summary}"
        );
        assert_eq!(w.writes(), 0, "{summary}: nothing filed");
    }
    // A bug report is not a request: the request is filed.
    let w = world_with_b4_request("Fedora EPEL", "python-b4 FTBFS in EPEL 10", "NEW", "");
    let out = w.run(&["request", "python-b4"]);
    assert!(
        out.stdout.starts_with("python-b4: filed bug 2300001"),
        "{}",
        out.stdout
    );
}

#[test]
fn requests_closed_eol_are_asked_again_and_linked_but_declined_ones_are_not() {
    let closed = |id: u64, component: &str, resolution: &str, dupe_of: Option<u64>| {
        serde_json::from_value::<ebranch_fedora::fake::SeedBug>(serde_json::json!({
            "id": id, "component": component, "status": "CLOSED", "resolution": resolution,
            "dupe_of": dupe_of, "created": "-500d",
            "summary": format!("Please branch and build {component} in epel10"),
        }))
        .unwrap()
    };
    let w = World::start(&demo_seed(|s| {
        s.bugs.extend([
            // Declined by the maintainer: respected.
            closed(2_250_001, "python-httpcore", "WONTFIX", None),
            // A duplicate of a request closed EOL: no decision either.
            closed(2_250_002, "python-patatt", "EOL", None),
            closed(2_250_003, "python-patatt", "DUPLICATE", Some(2_250_002)),
            // Fedora's end-of-life mass closure: no decision, ask again.
            closed(2_250_004, "python-b4", "EOL", None),
        ]);
    }));
    let path = w.demo_report();
    let out = w.run(&["request", "--report", path.to_str().unwrap()]);
    assert_eq!(
        out.code, 1,
        "the declined request needs attention: {}",
        out.stderr
    );
    let line = |package: &str| {
        out.stdout
            .lines()
            .find(|l| l.starts_with(&format!("{package}: ")))
            .unwrap_or_else(|| panic!("no line for {package}:\n{}", out.stdout))
            .to_owned()
    };
    assert_eq!(
        line("python-httpcore"),
        format!(
            "python-httpcore: not filed again: the maintainer declined it (earlier request bug 2250001 closed WONTFIX)  {}/show_bug.cgi?id=2250001",
            w.base()
        )
    );
    assert!(report(&path)["python-httpcore"].get("bug").is_none());
    let b4 = report(&path)["python-b4"]["bug"].as_u64().unwrap();
    let patatt = report(&path)["python-patatt"]["bug"].as_u64().unwrap();
    assert!(b4 > 2_300_000 && patatt > 2_300_000, "{}", out.stdout);
    assert!(
        line("python-b4").contains(&format!(
            "filed bug {b4} in Fedora EPEL epel10 (asked again: bug 2250004 closed EOL)"
        )),
        "{}",
        out.stdout
    );
    assert!(
        line("python-patatt")
            .contains("(asked again: bug 2250002 closed EOL, bug 2250003 closed DUPLICATE)"),
        "{}",
        out.stdout
    );
    let filed = w.fake.bug(b4).unwrap();
    assert!(
        filed.comments[0]
            .2
            .contains("This was asked before in bug 2250004 (closed EOL)"),
        "{}",
        filed.comments[0].2
    );
    // The new requests take their place in the build graph: b4 needs patatt and dkimpy.
    let depends_on: Vec<u64> = filed.depends_on.into_iter().collect();
    assert_eq!(depends_on, [2_200_000, patatt], "{}", out.stdout);
}

#[test]
fn request_pkg_asks_again_after_eol_and_respects_a_decline() {
    // `request PKG` takes the batch's decision, earlier requests included.
    let w = world_with_b4_request(
        "Fedora EPEL",
        "Please branch python-b4 for EPEL 10",
        "CLOSED",
        "EOL",
    );
    let out = w.run(&["request", "python-b4"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        format!(
            "python-b4: filed bug 2300001 in Fedora EPEL epel10 (asked again: bug 2250000 closed EOL)  {}/show_bug.cgi?id=2300001\n",
            w.base()
        )
    );
    let filed = w.fake.bug(2_300_001).unwrap();
    assert!(filed.comments[0].2.contains("bug 2250000 (closed EOL)"));
    for resolution in ["WONTFIX", "CANTFIX"] {
        let w = world_with_b4_request(
            "Fedora",
            "Please branch python-b4 for EPEL 10",
            "CLOSED",
            resolution,
        );
        let out = w.run(&["request", "python-b4"]);
        assert_eq!(out.code, 1, "{}", out.stderr);
        assert_eq!(
            out.stdout,
            format!(
                "python-b4: not filed again: the maintainer declined it (earlier request bug 2250000 closed {resolution})  {}/show_bug.cgi?id=2250000\n",
                w.base()
            )
        );
        assert_eq!(w.writes(), 0);
    }
}

#[test]
fn as_of_refuses_impossible_and_far_dates_and_honours_offsets() {
    let w = World::demo();
    assert_eq!(w.run(&["request", "python-b4"]).code, 0);
    let path = w.path("report.json");
    std::fs::write(&path, r#"{"python-b4": {"bug": 2300001}}"#).unwrap();
    let arg = path.to_str().unwrap();
    let follow_up = |as_of: &str| {
        w.run_without_key(&["follow-up", arg, "--dry-run", &format!("--as-of={as_of}")])
    };

    // Filed at 2026-01-05T09:00:00Z: the reminder is due a week later at 09:00 UTC, which
    // is 11:00 at +02:00. At 10:30+02:00 it is not due yet.
    let early = follow_up("2026-01-12T10:30:00+02:00");
    assert_eq!(early.code, 0, "{}{}", early.stdout, early.stderr);
    assert!(
        early
            .stdout
            .contains("python-b4: bug 2300001 waiting; reminder due 2026-01-12T09:00:00Z"),
        "{}",
        early.stdout
    );
    let due = follow_up("2026-01-12T11:00:00+02:00");
    assert!(
        due.stdout.contains("reminder due; would remind"),
        "{}",
        due.stdout
    );

    for bad in [
        "2026-02-30",
        "2026-02-30T09:00:00Z",
        "-200000000000000d",
        "+99999999d",
    ] {
        let out = follow_up(bad);
        assert_eq!(out.code, 2, "--as-of {bad}: {}{}", out.stdout, out.stderr);
        assert!(out.stderr.starts_with("error: --as-of"), "{}", out.stderr);
        assert_eq!(out.stdout, "");
        let status = w.run(&["status", arg, &format!("--as-of={bad}")]);
        assert_eq!(status.code, 2, "status --as-of {bad}");
    }
    assert_eq!(w.writes(), 1, "only the request was ever sent");
}

/// How [`echoing_services`] answers Bugzilla.
#[derive(Clone, Copy)]
enum Echo {
    /// The search fails with Bugzilla's JSON error quoting the `Authorization` header.
    JsonError,
    /// The same, the header JSON-escaped (`\u0042…`).
    EscapedJsonError,
    /// The search finds nothing; filing fails with an HTTP 500 quoting the header.
    StatusError,
    /// Reading bugs answers 200 with the header where the bugs should be.
    Undecodable,
}

/// dist-git and Bodhi as usual (one package, `python-foo`, not branched), and a Bugzilla
/// that echoes the key back in the way `echo` says.
fn echoing_services(echo: Echo) -> ebranch_fedora::fake::server::FakeServer {
    use ebranch_fedora::fake::server::{FakeServer, Reply, Seen};
    use serde_json::json;
    FakeServer::start(std::sync::Arc::new(move |seen: &Seen| {
        let auth = seen
            .headers
            .get("authorization")
            .cloned()
            .unwrap_or_default();
        let escaped: String = auth
            .chars()
            .map(|c| format!("\\u{:04x}", c as u32))
            .collect();
        let error = |status: u16, message: &str| {
            Reply::with_type(
                status,
                format!(r#"{{"error": true, "code": 32000, "message": "{message}"}}"#),
                "application/json",
            )
        };
        Some(match (seen.method.as_str(), seen.path.as_str(), echo) {
            (_, "/api/0/rpms/python-foo/git/branches", _) => {
                Reply::json(200, json!({"total_branches": 1, "branches": ["rawhide"]}))
            }
            (_, "/rpms/python-foo/raw/rawhide/f/dead.package", _) => Reply::text(404, "no"),
            (_, "/releases/", _) => Reply::json(200, json!({"releases": [], "pages": 1})),
            ("GET", "/rest/bug", Echo::JsonError) => error(400, &format!("Bad header {auth}")),
            ("GET", "/rest/bug", Echo::EscapedJsonError) => error(401, &escaped),
            ("GET", "/rest/bug", Echo::StatusError) => {
                Reply::json(200, json!({"bugs": [], "total_matches": 0}))
            }
            ("POST", "/rest/bug", Echo::StatusError) => {
                Reply::text(500, &format!("proxy error for {auth}"))
            }
            ("GET", "/rest/bug", Echo::Undecodable) => Reply::json(200, json!({"bugs": auth})),
            _ => return None,
        })
    }))
}

#[test]
fn the_api_key_echoed_by_bugzilla_is_in_no_output() {
    let work = tempfile::tempdir().unwrap();
    let report = work.path().join("report.json");
    std::fs::write(&report, r#"{"python-foo": {"bug": 2300001}}"#).unwrap();
    for (echo, args) in [
        (Echo::JsonError, vec!["request", "python-foo"]),
        (Echo::EscapedJsonError, vec!["request", "python-foo"]),
        (Echo::StatusError, vec!["request", "python-foo"]),
        (Echo::Undecodable, vec!["status", report.to_str().unwrap()]),
        (
            Echo::Undecodable,
            vec!["follow-up", report.to_str().unwrap()],
        ),
    ] {
        let server = echoing_services(echo);
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_ebranch"));
        cmd.args(&args)
            .current_dir(work.path())
            .env("EBRANCH_BUGZILLA_URL", &server.base)
            .env("EBRANCH_DISTGIT_URL", &server.base)
            .env("EBRANCH_BODHI_URL", &server.base)
            .env("HOME", work.path())
            .env("XDG_CONFIG_HOME", work.path().join(".config"))
            .env_remove("EBRANCH_CONFIG")
            .env("BUGZILLA_API_KEY", KEY);
        // `finish` fails the test if the key is in stdout or stderr.
        let out = finish(cmd.output().unwrap());
        assert_eq!(out.code, 2, "{args:?}: {}{}", out.stdout, out.stderr);
        assert!(
            out.stderr.contains("<redacted>"),
            "{args:?}: {}",
            out.stderr
        );
        assert!(!std::fs::read_to_string(&report).unwrap().contains(KEY));
    }
}

#[test]
#[should_panic(expected = "did not declare")]
fn the_fake_fails_the_test_on_undeclared_requests() {
    let w = World::demo();
    // Not in the seed: the strict fake does not know what dist-git would answer.
    let out = w.run(&["request", "python-not-in-the-seed", "--dry-run"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    drop(w);
}
