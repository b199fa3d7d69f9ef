//! `ebranch dependencies ...` (ebranch 0.0.3's commands) on the demo universe, through the
//! 0.0.3 workflow: missing-build-reqs → unfold → iterate → ... → calculate-chain-build.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// A scratch directory with a releases file naming the demo repositories.
struct Env {
    dir: tempfile::TempDir,
}

const B4_DKIMPY: &str = "(python3dist(dkimpy) >= 1.0.5 with python3dist(dkimpy) < 1.1)";
const B4_PATATT: &str = "(python3dist(patatt) < 2~~ with python3dist(patatt) >= 0.6)";

impl Env {
    fn new() -> Env {
        let dir = tempfile::tempdir().unwrap();
        let repos = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../demo/repos")
            .canonicalize()
            .unwrap();
        let url = |name: &str| format!("file://{}", repos.join(name).display());
        let reference = |name: &str| {
            format!(
                "[[release]]\nname = \"{name}\"\ndescription = \"demo reference\"\n\
                 [[release.repo]]\nid = \"{name}-source\"\nrole = \"reference-source\"\nbaseurl = \"{}\"\n\
                 [[release.repo]]\nid = \"{name}-bin\"\nrole = \"reference-binary\"\nbaseurl = \"{}\"\n",
                url("rawhide-source"),
                url("rawhide")
            )
        };
        let text = format!(
            "{}\n{}\n\
             [[release]]\nname = \"epel10\"\ndescription = \"demo EPEL 10\"\n\
             [[release.repo]]\nid = \"demo-c10s\"\nrole = \"target-base\"\nbaseurl = \"{}\"\n\
             [[release.repo]]\nid = \"demo-epel10\"\nrole = \"target-layer\"\nbaseurl = \"{}\"\n\n\
             # The base distribution alone: no EPEL packages yet.\n\
             [[release]]\nname = \"epel9\"\ndescription = \"demo base only\"\n\
             [[release.repo]]\nid = \"demo-c10s-only\"\nrole = \"target-base\"\nbaseurl = \"{}\"\n",
            reference("rawhide"),
            reference("demo-ref"),
            url("centos-stream-10"),
            url("epel10"),
            url("centos-stream-10"),
        );
        std::fs::write(dir.path().join("releases.toml"), text).unwrap();
        Env { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `ebranch ARGS` in the scratch directory, with the demo releases and a private cache.
    fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_ebranch"));
        cmd.args(args)
            .args(["--arch", "x86_64", "--cache-dir"])
            .arg(self.path("cache"))
            .current_dir(self.dir.path())
            .env("EBRANCH_CONFIG", self.path("releases.toml"))
            .env_remove("EBRANCH_CACHE_DIR")
            .env_remove("EBRANCH_FILE")
            .env_remove("EBRANCH_REF")
            .env_remove("EBRANCH_DIST_GIT_URL");
        cmd
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().expect("the ebranch binary runs")
    }

    /// Runs `ebranch dependencies ARGS` and expects exit 0.
    fn ok(&self, args: &[&str]) -> Output {
        let mut all = vec!["dependencies"];
        all.extend_from_slice(args);
        let out = self.run(&all);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        out
    }

    fn write(&self, name: &str, value: &Value) {
        std::fs::write(
            self.path(name),
            serde_json::to_string_pretty(value).unwrap(),
        )
        .unwrap();
    }

    fn read(&self, name: &str) -> Value {
        serde_json::from_str(&std::fs::read_to_string(self.path(name)).unwrap()).unwrap()
    }
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn json_out(out: &Output) -> Value {
    serde_json::from_str(&stdout(out)).unwrap()
}

/// The `build` maps of a report, without the extra keys.
fn builds(report: &Value) -> Value {
    let top = report.as_object().unwrap();
    Value::Object(
        top.iter()
            .map(|(k, v)| (k.clone(), v.get("build").cloned().unwrap_or(Value::Null)))
            .collect(),
    )
}

#[test]
fn python_b4_workflow() {
    let env = Env::new();
    let out = env.ok(&["missing-build-reqs", "python-b4", "epel10", "-f", "r.json"]);
    let printed = stdout(&out);
    // Indent-2 JSON of the whole report, as saved.
    assert!(
        printed
            .starts_with("{\n  \"python-b4\": {\n    \"build\": {\n      \"python-dkimpy\": [\n"),
        "{printed}"
    );
    let saved = std::fs::read_to_string(env.path("r.json")).unwrap();
    assert_eq!(saved.trim_end(), printed.trim_end());
    let report = json_out(&out);
    assert_eq!(
        builds(&report),
        json!({"python-b4": {"python-dkimpy": [B4_DKIMPY], "python-patatt": [B4_PATATT]}})
    );
    assert_eq!(report["python-b4"]["class"], "new");

    let out = env.ok(&["unfold", "r.json"]);
    let report = json_out(&out);
    assert_eq!(report["python-dkimpy"], json!({}));
    assert_eq!(report["python-patatt"], json!({}));
    assert_eq!(env.read("r.json"), report);

    let out = env.ok(&["iterate", "r.json", "epel10"]);
    assert!(
        !stderr(&out).contains("Report unchanged"),
        "{}",
        stderr(&out)
    );
    let report = json_out(&out);
    assert_eq!(
        builds(&report),
        json!({
            "python-b4": {"python-dkimpy": [B4_DKIMPY], "python-patatt": [B4_PATATT]},
            "python-dkimpy": {},
            "python-patatt": {}
        })
    );
    assert_eq!(env.read("r.json"), report);

    // The fixpoint: nothing more to unfold or iterate.
    let before = std::fs::read_to_string(env.path("r.json")).unwrap();
    let out = env.ok(&["unfold", "r.json"]);
    assert!(stderr(&out).contains("Report unchanged"));
    assert_eq!(json_out(&out), report);
    let out = env.ok(&["iterate", "r.json", "epel10"]);
    assert!(stderr(&out).contains("Report unchanged"));
    assert_eq!(std::fs::read_to_string(env.path("r.json")).unwrap(), before);

    let out = env.ok(&["calculate-chain-build", "r.json"]);
    assert_eq!(stdout(&out), "python-dkimpy python-patatt : python-b4\n");
    let out = env.ok(&["find-cycles", "r.json"]);
    assert_eq!(stdout(&out), "[]\n");
}

#[test]
fn the_branch_decides_what_is_missing() {
    // Without the EPEL layer, git-filter-repo is missing too.
    let env = Env::new();
    let out = env.ok(&["missing-build-reqs", "python-b4", "epel9"]);
    let build = json_out(&out)["python-b4"]["build"].clone();
    let providers: Vec<&str> = build
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        providers,
        ["git-filter-repo", "python-dkimpy", "python-patatt"]
    );
}

#[test]
fn without_a_report_file_nothing_is_saved() {
    let env = Env::new();
    let out = env.ok(&["missing-build-reqs", "yamllint", "epel10"]);
    assert_eq!(
        builds(&json_out(&out)),
        json!({"yamllint": {"python-pathspec": ["python3dist(pathspec) >= 0.12"]}})
    );
    let files: Vec<_> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n != "cache" && n != "releases.toml")
        .collect();
    assert!(files.is_empty(), "{files:?}");
}

#[test]
fn no_update_returns_the_report_untouched_and_update_merges() {
    let env = Env::new();
    let old = json!({
        "python-b4": {"note": "mine", "build": {"stale": ["x"]}, "evr": "0-0"},
        "other": {}
    });
    env.write("r.json", &old);
    // Already there and --no-update: no query at all (the branch does not even exist).
    for args in [
        vec!["missing-build-reqs", "python-b4", "nosuch", "-f", "r.json"],
        vec![
            "missing-build-reqs",
            "python-b4",
            "nosuch",
            "-f",
            "r.json",
            "--no-update",
        ],
        vec![
            "missing-build-reqs",
            "python-b4",
            "nosuch",
            "-f",
            "r.json",
            "--update",
            "--no-update",
        ],
    ] {
        let out = env.ok(&args);
        assert_eq!(json_out(&out), old);
    }
    assert_eq!(env.read("r.json"), old);

    let out = env.ok(&[
        "missing-build-reqs",
        "python-b4",
        "epel10",
        "-f",
        "r.json",
        "--update",
    ]);
    let report = json_out(&out);
    let b4 = &report["python-b4"];
    assert_eq!(b4["note"], "mine");
    assert_eq!(
        b4["build"],
        json!({"python-dkimpy": [B4_DKIMPY], "python-patatt": [B4_PATATT]})
    );
    assert_eq!(b4["evr"], "0.14.2-1.fc44");
    assert_eq!(report["other"], json!({}));
    // Keys keep their order: the entry's own first, the report's entries as they were.
    let keys: Vec<&str> = b4.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(&keys[..3], ["note", "build", "evr"]);
    assert_eq!(env.read("r.json"), report);
}

#[test]
fn environment_variables_are_honoured() {
    let env = Env::new();
    let out = env
        .cmd(&["dependencies", "missing-build-reqs", "yamllint", "epel10"])
        .env("EBRANCH_FILE", "from-env.json")
        .env("EBRANCH_REF", "demo-ref")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(env.read("from-env.json").get("yamllint").is_some());

    // EBRANCH_REF is read (and -r overrides it).
    let out = env
        .cmd(&["dependencies", "missing-build-reqs", "python-b4", "epel10"])
        .env("EBRANCH_REF", "nosuch")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("nosuch"), "{}", stderr(&out));
    let out = env
        .cmd(&[
            "dependencies",
            "missing-build-reqs",
            "python-b4",
            "epel10",
            "-r",
            "rawhide",
        ])
        .env("EBRANCH_REF", "nosuch")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    // iterate reads EBRANCH_REF too.
    env.write("i.json", &json!({"yamllint": {}}));
    let out = env
        .cmd(&["dependencies", "iterate", "i.json", "epel10"])
        .env("EBRANCH_REF", "nosuch")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(env.read("i.json"), json!({"yamllint": {}}));

    // Empty values count as unset, as with click.
    let out = env
        .cmd(&["dependencies", "missing-build-reqs", "yamllint", "epel10"])
        .env("EBRANCH_FILE", "")
        .env("EBRANCH_REF", "")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn skip_is_honoured() {
    let env = Env::new();
    env.write(
        "r.json",
        &json!({
            "python-b4": {"build": {"python-dkimpy": [B4_DKIMPY], "python-patatt": [B4_PATATT]}},
            "python-dkimpy": {"skip": true},
            "python-patatt": {},
            "yamllint": {"skip": true, "build": {"python-pathspec": ["python3dist(pathspec) >= 0.12"]}}
        }),
    );
    // unfold: a skipped entry's providers are not added.
    let out = env.ok(&["unfold", "r.json"]);
    assert!(json_out(&out).get("python-pathspec").is_none());
    assert!(stderr(&out).contains("Report unchanged"));
    // iterate: a skipped entry is not computed.
    let report = json_out(&env.ok(&["iterate", "r.json", "epel10"]));
    assert_eq!(report["python-dkimpy"], json!({"skip": true}));
    assert_eq!(report["python-patatt"]["build"], json!({}));
    // The plan leaves skipped packages out.
    let out = env.ok(&["calculate-chain-build", "r.json"]);
    assert_eq!(stdout(&out), "python-patatt : python-b4\n");
}

#[test]
fn unknown_is_never_unfolded() {
    let env = Env::new();
    let out = env.ok(&[
        "missing-build-reqs",
        "python-pyhanko",
        "epel10",
        "-f",
        "r.json",
    ]);
    assert_eq!(
        json_out(&out)["python-pyhanko"]["build"],
        json!({"UNKNOWN": ["python3dist(pyhanko-certvalidator) >= 0.26"]})
    );
    let out = env.ok(&["unfold", "r.json"]);
    assert!(json_out(&out).get("UNKNOWN").is_none());
    assert!(stderr(&out).contains("Report unchanged"));
    let out = env.ok(&["calculate-chain-build", "r.json"]);
    assert_eq!(stdout(&out), "python-pyhanko\n");
    assert!(
        stderr(&out).contains("blocked: python-pyhanko"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn cycles_are_found_and_placed() {
    let env = Env::new();
    env.ok(&[
        "missing-build-reqs",
        "python-pytest-rerunfailures",
        "epel10",
        "-f",
        "c.json",
    ]);
    env.ok(&["unfold", "c.json"]);
    env.ok(&["iterate", "c.json", "epel10"]);
    let out = env.ok(&["unfold", "c.json"]);
    assert!(stderr(&out).contains("Report unchanged"));
    let out = env.ok(&["find-cycles", "c.json"]);
    assert_eq!(
        stdout(&out),
        "[\n  [\n    \"python-pytest-rerunfailures\",\n    \"python-sphinx-issues\"\n  ]\n]\n"
    );
    // 0.0.3 silently dropped cycle members; they are listed, with a note on stderr.
    let out = env.ok(&["calculate-chain-build", "c.json"]);
    assert_eq!(
        stdout(&out),
        "python-pytest-rerunfailures python-sphinx-issues\n"
    );
    assert!(
        stderr(&out).contains("cycle group 1 of 1"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn missing_and_invalid_report_files() {
    let env = Env::new();
    // iterate on a missing file: an empty report, nothing written.
    let out = env.ok(&["iterate", "none.json", "epel10"]);
    assert_eq!(stdout(&out), "{}\n");
    assert!(stderr(&out).contains("Report unchanged"));
    assert!(!env.path("none.json").exists());
    // unfold on a missing file writes the empty report, as 0.0.3 does.
    let out = env.ok(&["unfold", "new.json"]);
    assert_eq!(stdout(&out), "{}\n");
    assert_eq!(env.read("new.json"), json!({}));
    // Invalid JSON: an error, and the file is left as it is.
    std::fs::write(env.path("bad.json"), "{\"a\": {").unwrap();
    for args in [
        vec!["dependencies", "unfold", "bad.json"],
        vec!["dependencies", "iterate", "bad.json", "epel10"],
        vec![
            "dependencies",
            "missing-build-reqs",
            "yamllint",
            "epel10",
            "-f",
            "bad.json",
        ],
        vec!["dependencies", "calculate-chain-build", "bad.json"],
        vec!["dependencies", "find-cycles", "bad.json"],
    ] {
        let out = env.run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains("bad.json"), "{}", stderr(&out));
        assert_eq!(
            std::fs::read_to_string(env.path("bad.json")).unwrap(),
            "{\"a\": {"
        );
    }
    // A report that must exist.
    for cmd in ["calculate-chain-build", "find-cycles"] {
        let out = env.run(&["dependencies", cmd, "none.json"]);
        assert_eq!(out.status.code(), Some(2), "{cmd}");
    }
}

#[test]
fn errors_exit_2() {
    let env = Env::new();
    let out = env.run(&[
        "dependencies",
        "missing-build-reqs",
        "no-such-package",
        "epel10",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no source package `no-such-package`"));
    let out = env.run(&["dependencies", "missing-build-reqs", "python-b4", "epel99"]);
    assert_eq!(out.status.code(), Some(2));
    let out = env.run(&["dependencies", "build-reqs", "no-such-package"]);
    assert_eq!(out.status.code(), Some(2));
    // Usage errors are 2 as well (clap's, like click's).
    let out = env.run(&["dependencies", "missing-build-reqs", "python-b4"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn build_reqs_lists_the_srpm_requires() {
    let env = Env::new();
    let out = env.ok(&["build-reqs", "python-b4"]);
    assert_eq!(
        stdout(&out),
        [
            B4_DKIMPY,
            B4_PATATT,
            "(python3dist(requests) >= 2.24 with python3dist(requests) < 3)",
            "/usr/bin/git",
            "pyproject-rpm-macros",
            "python3-devel",
            "python3dist(dnspython) >= 2.1",
            "python3dist(git-filter-repo) >= 2.38",
            "python3dist(pytest)",
            "python3dist(setuptools) >= 61",
            "",
        ]
        .join("\n")
    );
    let out = env.ok(&["build-reqs", "python-b4", "-r", "demo-ref"]);
    assert_eq!(stdout(&out).lines().count(), 10);
}

/// A dist-git stand-in on a loopback port: `python-b4` has branches, nothing else exists.
fn fake_dist_git() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut first = String::new();
            reader.read_line(&mut first).unwrap();
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap() == 0 || line == "\r\n" {
                    break;
                }
            }
            let path = first.split_whitespace().nth(1).unwrap_or("");
            let (status, body) = if path == "/api/0/rpms/python-b4/git/branches" {
                (
                    "200 OK",
                    r#"{"total_branches": 3, "branches": ["epel10", "f43", "rawhide"]}"#,
                )
            } else {
                (
                    "404 NOT FOUND",
                    r#"{"error": "Project not found", "error_code": "ENOPROJECT"}"#,
                )
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    url
}

#[test]
fn dist_git_branches() {
    let env = Env::new();
    let url = fake_dist_git();
    let run = |args: &[&str]| {
        env.cmd(args)
            .env("EBRANCH_DIST_GIT_URL", &url)
            .output()
            .unwrap()
    };
    let out = run(&["dependencies", "is-branched", "python-b4", "epel10"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "python-b4 is branched for epel10\n");
    let out = run(&["dependencies", "is-branched", "python-b4", "epel9"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "python-b4 is NOT branched for epel9\n");
    let out = run(&["dependencies", "is-branched", "nope", "epel9"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "nope does not exist in dist-git\n");
    let out = run(&["dependencies", "ls-branches", "python-b4"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "[\"epel10\", \"f43\", \"rawhide\"]\n");
    let out = run(&["dependencies", "ls-branches", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "nope does not exist in dist-git\n");
}

#[test]
fn version_prints_the_version() {
    let env = Env::new();
    let out = env.run(&["version"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), format!("{}\n", env!("CARGO_PKG_VERSION")));
}

/// Writes `text` into the FIFO at `path` once a reader opens it.
fn feed_fifo(path: &Path, text: &str) {
    let mut f = std::fs::OpenOptions::new().write(true).open(path).unwrap();
    f.write_all(text.as_bytes()).unwrap();
}

/// Runs `iterate` on a FIFO report: it reads `first`; once it is loading repositories
/// (so done with the first read: its index cache appears), the report holds `second`.
fn iterate_on_changing_report(first: &'static str, second: &'static str) -> Output {
    let env = Env::new();
    let fifo = env.path("r.json");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let index = env.path("cache").join("index");
    let feeder = std::thread::spawn(move || {
        feed_fifo(&fifo, first);
        let deadline = Instant::now() + Duration::from_secs(120);
        while std::fs::read_dir(&index).map_or(true, |mut d| d.next().is_none()) {
            assert!(Instant::now() < deadline, "no index cache appeared");
            std::thread::sleep(Duration::from_millis(5));
        }
        feed_fifo(&fifo, second);
        // The FIFO was not replaced by a file.
        assert!(
            std::fs::symlink_metadata(&fifo)
                .unwrap()
                .file_type()
                .is_fifo()
        );
    });
    let out = env.run(&["dependencies", "iterate", "r.json", "epel10"]);
    // Had ebranch not read the report twice, the feeder would block: fail, not hang.
    let deadline = Instant::now() + Duration::from_secs(5);
    while !feeder.is_finished() {
        assert!(
            Instant::now() < deadline,
            "iterate did not read the report twice: {}",
            stderr(&out)
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    feeder.join().unwrap();
    out
}

#[test]
fn a_report_that_grew_meanwhile_is_not_shrunk() {
    // iterate reads one entry, then, just before saving, finds three on disk (as if
    // `unfold` ran meanwhile): saving its one-entry result would shrink the report.
    let out = iterate_on_changing_report(
        r#"{"yamllint": {}}"#,
        r#"{"yamllint": {}, "a": {}, "b": {}}"#,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("ERROR: new report is shorter, cowardly refusing to save it"),
        "{}",
        stderr(&out)
    );
    // The computed report is still printed.
    assert!(json_out(&out)["yamllint"]["build"].is_object());
}

#[test]
fn a_report_edited_meanwhile_is_not_overwritten() {
    let out = iterate_on_changing_report(r#"{"yamllint": {}}"#, r#"{"yamllint": {"skip": true}}"#);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("changed while"), "{}", stderr(&out));
}

#[test]
fn the_shipped_demo_releases_file_works() {
    let env = Env::new();
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../demo/releases.toml");
    let config = config.to_str().unwrap();
    let out = env.ok(&[
        "missing-build-reqs",
        "python-b4",
        "demo-epel10",
        "-r",
        "demo-rawhide",
        "--config",
        config,
    ]);
    assert_eq!(
        builds(&json_out(&out)),
        json!({"python-b4": {"python-dkimpy": [B4_DKIMPY], "python-patatt": [B4_PATATT]}})
    );
}

#[test]
fn reports_of_missing_are_read() {
    // `ebranch missing --format json` writes the whole closure, install edges included.
    let env = Env::new();
    let out = env.run(&[
        "missing",
        "python-pytest-httpx",
        "--target",
        "epel10",
        "--format",
        "json",
        "-o",
        "m.json",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(env.read("m.json")["python-httpx"].get("install").is_some());
    let out = env.ok(&["calculate-chain-build", "m.json"]);
    assert_eq!(
        stdout(&out),
        "python-httpcore python-httpx : python-pytest-httpx\n"
    );
    let out = env.ok(&["unfold", "m.json"]);
    assert!(stderr(&out).contains("Report unchanged"));
}
